# Health-check namespace tests (root; real servers in their own namespaces).
TESTS += tests/netns/hc-checks.sh
EXTRA_DIST += tests/netns/hc-checks.sh tests/netns/hc-srv.py
