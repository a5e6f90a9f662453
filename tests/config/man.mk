# Every option of the parser's schema (daemon/config*.c) is documented in
# man/hadirector.conf.5, and nothing else is.
TESTS += tests/config/man-coverage.sh
EXTRA_DIST += tests/config/man-coverage.sh
