# IPVS VM tests (each script is one VM boot with many checks).
TESTS += tests/vm/ipvs-table.sh tests/vm/ipvs-traffic.sh
EXTRA_DIST += tests/vm/ipvs-table.sh tests/vm/scenarios/ipvs-table.sh \
	tests/vm/ipvs-traffic.sh tests/vm/scenarios/ipvs-traffic.sh
# Reload at scale (issue 19): one weight changed in the big file, one IPVS write.
TESTS += tests/vm/reload-one-write.sh
EXTRA_DIST += tests/vm/reload-one-write.sh tests/vm/scenarios/reload-one-write.sh
