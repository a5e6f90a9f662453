/* vrrp_track_process decisions through tables: /proc/PID/stat parsing,
 * which process counts, and quorum x delays over sequences of scans. */
#include <string.h>

#include "vrrp/vrrp_proc.h"
#include "unit.h"

static const struct {
	const char *stat;
	int ret;
	const char *comm;
	char state;
} stats[] = {
    {"123 (haproxy) S 1 123 123 0 -1", 0, "haproxy", 'S'},
    {"7 (a b) R 1", 0, "a b", 'R'},
    {"8 (x) y)) Z 1", 0, "x) y)", 'Z'}, /* a comm with ')' ends at the last one */
    {"9 (nginx: worker ) S 1", 0, "nginx: worker ", 'S'},
    {"10 (0123456789abcde) S", 0, "0123456789abcde", 'S'},
    {"11 (0123456789abcdef) S", -22, NULL, 0}, /* longer than the kernel's 15 */
    {"12 haproxy S", -22, NULL, 0},
    {"13 (haproxy)", -22, NULL, 0},
    {"14 (haproxy)S", -22, NULL, 0},
    {")(", -22, NULL, 0},
    {"", -22, NULL, 0},
};

static const struct {
	const char *name, *comm, *argv0;
	bool match;
} matches[] = {
    {"haproxy", "haproxy", "/usr/sbin/haproxy", true},
    {"haproxy", "haproxy", "", true}, /* cmdline unreadable: comm decides */
    {"haproxy", "haproxy-worker", "/usr/sbin/haproxy", false},
    {"haproxy", "hapro", "haproxy", false},
    {"nginx", "nginx", "nginx: worker process", true},
    {"/usr/sbin/haproxy", "haproxy", "/usr/sbin/haproxy", true},
    {"/usr/sbin/haproxy", "haproxy", "haproxy", false},
    {"/usr/sbin/haproxy", "haproxy", "/usr/local/sbin/haproxy", false},
    {"keepalived-helper-x", "keepalived-help", "/usr/bin/keepalived-helper-x", true},
    {"keepalived-helper-x", "keepalived-help", "keepalived-helper-x", true},
    {"keepalived-helper-x", "keepalived-help", "/usr/bin/keepalived-helper-y", false},
    {"keepalived-helper-x", "keepalived-help", "", false},
    {"0123456789abcde", "0123456789abcde", "", true}, /* exactly 15: comm */
};

/* One scan: the count at a time (s), then the verdict expected. */
struct scan {
	unsigned count;
	double at;
	int state; /* enum vrrp_proc_state */
	bool changed;
};

#define MAXSCAN 8
static const struct {
	const char *name;
	unsigned quorum, quorum_max;
	double fork_delay, terminate_delay;
	struct scan s[MAXSCAN];
} seqs[] = {
    {"first scan decides at once, even with delays",
     1,
     0,
     5,
     5,
     {{0, 1, VRRP_PROC_DOWN, true}, {1, 2, VRRP_PROC_DOWN, false}}},
    {"first scan up", 1, 0, 5, 5, {{3, 1, VRRP_PROC_UP, true}}},
    {"no delay: every change at once",
     1,
     0,
     0,
     0,
     {{1, 1, VRRP_PROC_UP, true},
      {0, 2, VRRP_PROC_DOWN, true},
      {1, 3, VRRP_PROC_UP, true},
      {1, 4, VRRP_PROC_UP, false}}},
    {"terminate_delay: down after it, not before",
     1,
     0,
     0,
     2,
     {{1, 1, VRRP_PROC_UP, true},
      {0, 2, VRRP_PROC_UP, false},
      {0, 3.9, VRRP_PROC_UP, false},
      {0, 4, VRRP_PROC_DOWN, true},
      {1, 5, VRRP_PROC_UP, true}}},
    {"a restart inside terminate_delay is no change",
     1,
     0,
     0,
     2,
     {{1, 1, VRRP_PROC_UP, true},
      {0, 2, VRRP_PROC_UP, false},
      {1, 3, VRRP_PROC_UP, false},
      {0, 3.5, VRRP_PROC_UP, false},
      {0, 5, VRRP_PROC_UP, false},
      {0, 5.5, VRRP_PROC_DOWN, true}}},
    {"fork_delay: up only after it",
     1,
     0,
     3,
     0,
     {{0, 1, VRRP_PROC_DOWN, true},
      {1, 2, VRRP_PROC_DOWN, false},
      {1, 4.9, VRRP_PROC_DOWN, false},
      {1, 5, VRRP_PROC_UP, true},
      {0, 6, VRRP_PROC_DOWN, true}}},
    {"quorum 2: one is not enough",
     2,
     0,
     0,
     0,
     {{1, 1, VRRP_PROC_DOWN, true},
      {2, 2, VRRP_PROC_UP, true},
      {5, 3, VRRP_PROC_UP, false},
      {1, 4, VRRP_PROC_DOWN, true}}},
    {"quorum_max: too many is down too",
     1,
     2,
     0,
     0,
     {{1, 1, VRRP_PROC_UP, true},
      {2, 2, VRRP_PROC_UP, false},
      {3, 3, VRRP_PROC_DOWN, true},
      {2, 4, VRRP_PROC_UP, true},
      {0, 5, VRRP_PROC_DOWN, true}}},
    {"quorum = quorum_max: exactly that many",
     2,
     2,
     1,
     1,
     {{2, 1, VRRP_PROC_UP, true},
      {3, 2, VRRP_PROC_UP, false},
      {2, 2.5, VRRP_PROC_UP, false},
      {3, 3, VRRP_PROC_UP, false},
      {3, 4, VRRP_PROC_DOWN, true}}},
};

static void test_stat(void)
{
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
		char comm[VRRP_PROC_COMM_MAX] = "?", st = 0;
		int r = vrrp_proc_parse_stat(stats[i].stat, strlen(stats[i].stat), comm, &st);

		EXPECT(r == stats[i].ret, "stat '%s': %d", stats[i].stat, r);
		if (!r && !stats[i].ret)
			EXPECT(!strcmp(comm, stats[i].comm) && st == stats[i].state,
			       "stat '%s': comm '%s' state %c", stats[i].stat, comm, st);
	}
}

static void test_match(void)
{
	for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++)
		EXPECT(vrrp_proc_match(matches[i].name, matches[i].comm, matches[i].argv0) ==
			   matches[i].match,
		       "name %s comm %s argv0 '%s'", matches[i].name, matches[i].comm,
		       matches[i].argv0);
	CHECK(!vrrp_proc_needs_argv0("haproxy"));
	CHECK(vrrp_proc_needs_argv0("/usr/sbin/haproxy"));
	CHECK(vrrp_proc_needs_argv0("keepalived-helper-x"));
}

static void test_seqs(void)
{
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		struct hd_vrrp_process_config cfg = {
		    .quorum = seqs[i].quorum,
		    .quorum_max = seqs[i].quorum_max,
		    .fork_delay_usec = (uint64_t)(seqs[i].fork_delay * 1e6),
		    .terminate_delay_usec = (uint64_t)(seqs[i].terminate_delay * 1e6)};
		struct vrrp_proc_verdict v = {.state = VRRP_PROC_UNKNOWN};

		for (size_t k = 0; k < MAXSCAN && seqs[i].s[k].at; k++) {
			const struct scan *s = &seqs[i].s[k];
			bool ch = vrrp_proc_step(&cfg, &v, s->count, (uint64_t)(s->at * 1e6));

			EXPECT(ch == s->changed && (int)v.state == s->state && v.count == s->count,
			       "%s, scan %zu (count %u at %.1f s): state %d changed %d",
			       seqs[i].name, k, s->count, s->at, v.state, ch);
			/* a pending change says when it is due */
			EXPECT(v.due == 0 || v.due > (uint64_t)(s->at * 1e6), "%s, scan %zu: due",
			       seqs[i].name, k);
		}
	}
}

int main(void)
{
	test_stat();
	test_match();
	test_seqs();
	return failures != 0;
}
