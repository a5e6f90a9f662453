# hadirector --from-keepalived on a corpus of real keepalived.conf files
# (tests/keepalived/corpus, origins in corpus/SOURCES).
# convert-cli.sh: the command itself (includes, -o, -t, refusals).
TESTS += tests/keepalived/convert-corpus.sh tests/keepalived/convert-cli.sh
EXTRA_DIST += tests/keepalived/convert-corpus.sh tests/keepalived/convert-cli.sh \
	tests/keepalived/corpus
