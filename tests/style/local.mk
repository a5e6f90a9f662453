# Style kept by tests: clang-format over every C file.
TESTS += tests/style/format.sh
EXTRA_DIST += tests/style/format.sh
