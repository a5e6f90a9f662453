/* Native timing of the pure part of a reload at scale (no IPVS, no daemon):
 * parse the config, build the desired IPVS table, diff it against the
 * table of the previous config (standing in for the observed one), free
 * the old config. Run: tests/bench/reload-bench [-n SERVICES] [-m DESTS]
 * [-r ROUNDS]; it writes the two configs (one weight apart) to /tmp.
 * Prints the median of ROUNDS for each step, in microseconds. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hd_config.h"
#include "ipvs/ipvs_types.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void gen(const char *path, int n, int m, int w0)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs("global {\n    router_id = bench\n}\n", f);
	for (int i = 0; i < n; i++) {
		fprintf(f,
			"virtual_server 10.100.%d.%d:80 {\n    lb_algo = wrr\n    lb_kind = dr\n",
			i / 250, i % 250 + 1);
		for (int j = 0; j < m; j++)
			fprintf(f, "    real_server 10.%d.%d.%d:80 { weight = %d }\n", 200 + j,
				i / 250, i % 250 + 1, (i == 0 && j == 0) ? w0 : 1);
		fputs("}\n", f);
	}
	fclose(f);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

enum { T_PARSE, T_FREE, T_BUILD, T_DIFF, T_TRIM, T_N };
static const char *names[T_N] = {"parse (hd_config_load)", "free old config", "desired table build",
				 "diff vs previous table", "malloc_trim(0), at idle"};

static struct hd_config *load(const char *path)
{
	struct hd_diag diag = {0};
	struct hd_config *c = hd_config_load(path, &diag);
	if (!c) {
		for (size_t i = 0; i < diag.n; i++)
			fprintf(stderr, "%s\n", diag.lines[i]);
		exit(1);
	}
	hd_diag_clear(&diag);
	return c;
}

int main(int argc, char **argv)
{
	int n = 1000, m = 10, rounds = 11, opt;
	while ((opt = getopt(argc, argv, "n:m:r:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'm')
			m = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			return 2;
	}
	char a[64], b[64];
	snprintf(a, sizeof(a), "/tmp/reload-bench-%d-a.conf", (int)getpid());
	snprintf(b, sizeof(b), "/tmp/reload-bench-%d-b.conf", (int)getpid());
	gen(a, n, m, 1);
	gen(b, n, m, 7);
	uint64_t *t[T_N];
	for (int k = 0; k < T_N; k++)
		t[k] = calloc((size_t)rounds, sizeof(uint64_t));
	size_t ops_n = 0;

	struct hd_config *cur = load(a);
	struct ipvs_table observed;
	ipvs_model_build(cur, NULL, NULL, NULL, NULL, &observed);
	for (int r = 0; r < rounds; r++) {
		/* The daemon's order: hd_reload parses and swaps the config
		 * (the old one freed), the reconcile pass builds and diffs,
		 * malloc_trim runs later at idle priority. */
		const char *next = r % 2 ? a : b;
		uint64_t t0 = now_ns();
		struct hd_config *nc = load(next);
		uint64_t t1 = now_ns();
		hd_config_free(cur);
		cur = nc;
		uint64_t t2 = now_ns();
		struct ipvs_table want;
		ipvs_model_build(nc, NULL, NULL, NULL, NULL, &want);
		uint64_t t3 = now_ns();
		struct ipvs_ops ops = {0};
		struct ipvs_keyset owned = {0};
		ipvs_diff(&want, &observed, &owned, &ops, NULL);
		uint64_t t4 = now_ns();
		ops_n = ops.n;
		ipvs_ops_free(&ops);
		ipvs_table_move(&observed, &want);
		uint64_t t5 = now_ns();
		malloc_trim(0);
		uint64_t t6 = now_ns();
		t[T_PARSE][r] = t1 - t0;
		t[T_FREE][r] = t2 - t1;
		t[T_BUILD][r] = t3 - t2;
		t[T_DIFF][r] = t4 - t3;
		t[T_TRIM][r] = t6 - t5;
	}
	printf("%d services x %d real servers, %d rounds, ops per diff: %zu\n", n, m, rounds,
	       ops_n);
	for (int k = 0; k < T_N; k++) {
		qsort(t[k], (size_t)rounds, sizeof(uint64_t), cmp_u64);
		printf("%-26s median %8.0f us  min %8.0f us\n", names[k],
		       (double)t[k][rounds / 2] / 1000, (double)t[k][0] / 1000);
	}
	hd_config_free(cur);
	ipvs_table_free(&observed);
	unlink(a);
	unlink(b);
	return 0;
}
