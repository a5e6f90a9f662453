# IPVS VM tests (each script is one VM boot with many checks).
TESTS += tests/vm/ipvs-table.sh tests/vm/ipvs-traffic.sh
EXTRA_DIST += tests/vm/ipvs-table.sh tests/vm/scenarios/ipvs-table.sh \
	tests/vm/ipvs-traffic.sh tests/vm/scenarios/ipvs-traffic.sh
