# Style kept by tests: clang-format over every C file.
TESTS += tests/style/format.sh
EXTRA_DIST += tests/style/format.sh
# ... and the layers: base <- modules <- daemon/, by their #include lines.
TESTS += tests/style/layering.sh
EXTRA_DIST += tests/style/layering.sh
