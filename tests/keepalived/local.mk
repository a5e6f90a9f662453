# hadirector --from-keepalived on a corpus of real keepalived.conf files
# (tests/keepalived/corpus, origins in corpus/SOURCES).
TESTS += tests/keepalived/convert-corpus.sh
EXTRA_DIST += tests/keepalived/convert-corpus.sh tests/keepalived/corpus
