# IPVS VM tests (each script is one VM boot with many checks).
TESTS += tests/vm/ipvs-table.sh tests/vm/ipvs-traffic.sh
EXTRA_DIST += tests/vm/ipvs-table.sh tests/vm/scenarios/ipvs-table.sh \
	tests/vm/ipvs-traffic.sh tests/vm/scenarios/ipvs-traffic.sh
# virtual_server group:NAME: every member with the pool, a failing real server leaves all.
TESTS += tests/vm/ipvs-group.sh
EXTRA_DIST += tests/vm/ipvs-group.sh tests/vm/scenarios/ipvs-group.sh
# Reload at scale (issue 19): one weight changed in the big file, one IPVS write.
TESTS += tests/vm/reload-one-write.sh
EXTRA_DIST += tests/vm/reload-one-write.sh tests/vm/scenarios/reload-one-write.sh
