/* The IPVS table observer of tests/bench/reload-scale.sh: when does the
 * kernel's table (this network namespace's /proc/net/ip_vs) equal an
 * expected one? Both daemons are measured by the same outside observer,
 * so neither's own notion of "done" enters the figure.
 *
 * A table is summarised by an order-independent hash: the sum of a 64-bit
 * hash of one canonical line per service ("TCP AC140001:0050 wrr") and per
 * destination ("TCP AC140001:0050 0A000001:0050 Route 7"; weight last,
 * connection counters left out). The kernel lists services in hash order
 * and destinations newest first, which differ between daemons; a sum does
 * not care.
 *
 *   ipvs-poll -e FILE          hash of FILE's canonical lines (the expected
 *                              table, written by the generator)
 *   ipvs-poll -p               hash and counts of the current table
 *   ipvs-poll -w HASH [-k PID] [-i MS] [-t SEC]
 *                              send SIGHUP to PID (if given), then read the
 *                              table every MS ms (default 50) until its hash
 *                              is HASH; prints "start_ns end_ns ms polls"
 *                              (CLOCK_REALTIME, the clock tcpdump stamps
 *                              with). Exit 1 on timeout (default 600 s).
 * Reading /proc/net/ip_vs costs the kernel one pass over the table; under
 * TCG at 40,000 entries that is tens of ms, hence the interval. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct sum {
	uint64_t hash;
	long services, dests;
};

static uint64_t line_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a, then a finaliser: sums need mixed bits */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* FILE's lines as they are (the expected table). */
static int sum_file(const char *path, struct sum *out)
{
	char line[256];
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	*out = (struct sum){0};
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		out->hash += line_hash(line);
		if (strstr(line, " Route ") || strstr(line, " Masq ") || strstr(line, " Tunnel "))
			out->dests++;
		else
			out->services++;
	}
	fclose(f);
	return 0;
}

/* /proc/net/ip_vs in canonical lines. A service line is "PROT ADDR:PORT
 * SCHED [flags...]", a destination "  -> ADDR:PORT FWD WEIGHT ACT INACT". */
static int sum_proc(struct sum *out)
{
	static char buf[1 << 16];
	char line[256], svc[128] = "", a[64], b[64], c[64];
	FILE *f = fopen("/proc/net/ip_vs", "r");
	if (!f)
		return -errno;
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	*out = (struct sum){0};
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == ' ') {
			if (sscanf(line, " -> %63s %63s %63s", a, b, c) != 3 || !*svc)
				continue;
			char l[sizeof(svc) + 3 * 64 + 4];
			snprintf(l, sizeof(l), "%s %s %s %s", svc, a, b, c);
			out->hash += line_hash(l);
			out->dests++;
		} else if (sscanf(line, "%63s %63s %63s", a, b, c) == 3 &&
			   (!strcmp(a, "TCP") || !strcmp(a, "UDP") || !strcmp(a, "SCTP"))) {
			char l[sizeof(svc) + 64 + 2];
			snprintf(svc, sizeof(svc), "%s %s", a, b);
			snprintf(l, sizeof(l), "%s %s", svc, c);
			out->hash += line_hash(l);
			out->services++;
		}
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct sum s;
	const char *expect = NULL, *want = NULL;
	long pid = 0, interval_ms = 50, timeout_s = 600;
	int opt, print = 0;

	while ((opt = getopt(argc, argv, "e:pw:k:i:t:")) != -1) {
		switch (opt) {
		case 'e':
			expect = optarg;
			break;
		case 'p':
			print = 1;
			break;
		case 'w':
			want = optarg;
			break;
		case 'k':
			pid = strtol(optarg, NULL, 10);
			break;
		case 'i':
			interval_ms = strtol(optarg, NULL, 10);
			break;
		case 't':
			timeout_s = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(
			    stderr,
			    "usage: ipvs-poll -e FILE | -p | -w HASH [-k PID] [-i MS] [-t SEC]\n");
			return 2;
		}
	}
	if (expect || print) {
		int r = expect ? sum_file(expect, &s) : sum_proc(&s);
		if (r < 0) {
			fprintf(stderr, "ipvs-poll: %s\n", strerror(-r));
			return 2;
		}
		printf("%016llx %ld %ld\n", (unsigned long long)s.hash, s.services, s.dests);
		return 0;
	}
	if (!want)
		return 2;
	uint64_t target = strtoull(want, NULL, 16), t0 = now_ns();
	long polls = 0;
	if (pid > 0 && kill((pid_t)pid, SIGHUP) < 0) {
		perror("kill");
		return 2;
	}
	for (;;) {
		polls++;
		if (sum_proc(&s) == 0 && s.hash == target)
			break;
		if (now_ns() - t0 > (uint64_t)timeout_s * 1000000000ULL) {
			printf("%llu %llu timeout %ld\n", (unsigned long long)t0,
			       (unsigned long long)now_ns(), polls);
			return 1;
		}
		struct timespec d = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};
		nanosleep(&d, NULL);
	}
	uint64_t t1 = now_ns();
	printf("%llu %llu %.1f %ld\n", (unsigned long long)t0, (unsigned long long)t1,
	       (double)(t1 - t0) / 1e6, polls);
	return 0;
}
