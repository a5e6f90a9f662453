/* daemon/base/spawn.c: the scripts' user rule and the environment filter
 * (tables), then real children: started with a descriptor, supplementary
 * groups and the service manager's variables in the parent, they must see
 * none of them; an exec failure comes back as its errno; an abandoned
 * child is reaped by the loop. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "spawn.h"
#include "unit.h"

/* The daemon's (daemon/core.c): every fork counted. */
pid_t hd_fork(struct hd_daemon *d)
{
	d->forks++;
	return fork();
}

static void test_user_rule(void)
{
	static const struct {
		const char *configured;
		bool found;
		uid_t pw_uid, euid;
		enum hd_spawn_user_why why;
		bool change;
		uid_t uid;
	} t[] = {
	    /* no script_user: the daemon's user; root is said */
	    {"", false, 0, 0, HD_SPAWN_USER_ROOT, false, 0},
	    {"", false, 0, 1000, HD_SPAWN_USER_DAEMON, false, 1000},
	    /* configured and found: that user */
	    {"www", true, 33, 0, HD_SPAWN_USER_CONFIGURED, true, 33},
	    /* asked for root explicitly: root */
	    {"root", true, 0, 0, HD_SPAWN_USER_CONFIGURED, true, 0},
	    /* gone since the check: nobody, never root */
	    {"gone", false, 0, 0, HD_SPAWN_USER_NOBODY, true, HD_SPAWN_NOBODY},
	    {"gone", false, 0, 1000, HD_SPAWN_USER_NOBODY, true, HD_SPAWN_NOBODY},
	    /* a non-root daemon cannot switch: its own, non-root, user */
	    {"www", true, 33, 1000, HD_SPAWN_USER_CANNOT, false, 1000},
	    {"me", true, 1000, 1000, HD_SPAWN_USER_CONFIGURED, true, 1000},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hd_spawn_cred c;
		enum hd_spawn_user_why why = hd_spawn_user_rule(
		    t[i].configured, t[i].found, t[i].pw_uid, t[i].pw_uid, t[i].euid, &c);

		EXPECT(why == t[i].why, "row %zu: why %d", i, (int)why);
		EXPECT(c.change == t[i].change, "row %zu: change %d", i, c.change);
		EXPECT(!c.change || c.uid == t[i].uid, "row %zu: uid %d", i, (int)c.uid);
		/* root only when root was asked for, or nothing was set */
		EXPECT(!(c.change && c.uid == 0) || !strcmp(t[i].configured, "root"), "row %zu", i);
	}
}

static void test_env_keep(void)
{
	static const struct {
		const char *e;
		bool keep; /* for a script; the SNMP subagent keeps LD_* too */
	} t[] = {
	    {"PATH=/bin", true},	   {"LANG=C.UTF-8", true},
	    {"HOME=/root", true},	   {"NOTIFY_SOCKET=/run/x", false},
	    {"WATCHDOG_USEC=1000", false}, {"WATCHDOG_PID=1", false},
	    {"LISTEN_FDS=2", false},	   {"LISTEN_PID=9", false},
	    {"LD_PRELOAD=/x.so", false},   {"LD_LIBRARY_PATH=/x", false},
	    {"NOTIFY_SOCKETX=1", true},	   {"noequals", false},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool ld = !strncmp(t[i].e, "LD_", 3);

		EXPECT(hd_spawn_env_keep(t[i].e, true) == t[i].keep, "%s", t[i].e);
		EXPECT(hd_spawn_env_keep(t[i].e, false) == (t[i].keep || ld), "%s", t[i].e);
	}
}

static char *slurp(const char *path)
{
	static char buf[16384];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static int wait_exit(pid_t pid)
{
	int st = -1;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What a child sees, as it would in the daemon under a service manager. */
static void test_hygiene(struct hd_daemon *d)
{
	char out[] = "/tmp/test_spawn.XXXXXX", cmd[512];
	int fd = mkstemp(out), leak = open("/dev/null", O_RDONLY), err = -1, e = 0;
	gid_t extra[] = {4, 24};
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	struct hd_spawn sp = {argv, "test", true, true, false, false, -1};
	pid_t pid;
	char *s;

	CHECK(fd >= 0 && leak >= 0);
	close(fd);
	setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
	setenv("WATCHDOG_USEC", "30000000", 1);
	setenv("LISTEN_FDS", "1", 1);
	setenv("KEPT_VAR", "yes", 1);
	CHECK(setgroups(2, extra) == 0);
	snprintf(cmd, sizeof(cmd),
		 "{ echo fds; ls -l /proc/self/fd | awk 'NR > 1 && $NF !~ /^\\/proc/ { print $9 }';"
		 " echo stdin $(readlink /proc/self/fd/0); echo groups $(id -G); env; } > %s",
		 out);
	pid = hd_spawn(d, &sp, &err);
	CHECK(pid > 0);
	EXPECT(wait_exit(pid) == 0, "the child failed");
	EXPECT(read(err, &e, sizeof(e)) == 0, "exec reported errno %d", e);
	close(err);
	s = slurp(out);
	EXPECT(strstr(s, "fds\n0\n1\n2\nstdin") != NULL, "descriptors other than 0-2: %s", s);
	EXPECT(strstr(s, "stdin /dev/null\n") != NULL, "stdin: %s", s);
	EXPECT(strstr(s, "groups 0\n") != NULL, "supplementary groups kept: %s", s);
	EXPECT(!strstr(s, "NOTIFY_SOCKET") && !strstr(s, "WATCHDOG_") && !strstr(s, "LISTEN_"),
	       "service manager variables: %s", s);
	EXPECT(strstr(s, "KEPT_VAR=yes") != NULL, "the environment was lost: %s", s);
	unlink(out);
	close(leak);
}

/* A descriptor passed on lands as HD_SPAWN_PASS_FD; nothing else does. */
static void test_pass_fd(struct hd_daemon *d)
{
	int p[2], err = -1;
	char buf[64] = "";
	char *argv[] = {"/bin/sh", "-c", "echo ok >&3; ls /proc/self/fd | wc -l >&3", NULL};
	struct hd_spawn sp = {argv, "pass", false, false, true, true, -1};
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	sp.pass_fd = p[1];
	pid = hd_spawn(d, &sp, &err);
	CHECK(pid > 0);
	close(p[1]);
	EXPECT(wait_exit(pid) == 0, "the child failed");
	CHECK(read(p[0], buf, sizeof(buf) - 1) > 0);
	/* 0, 1, 2, 3 and ls's own directory */
	EXPECT(!strcmp(buf, "ok\n5\n"), "got '%s'", buf);
	close(p[0]);
	close(err);
}

static void test_exec_failure(struct hd_daemon *d)
{
	char *argv[] = {"/nonexistent/script", NULL};
	struct hd_spawn sp = {argv, "missing", true, true, false, false, -1};
	int err = -1, e = 0;
	pid_t pid = hd_spawn(d, &sp, &err);

	CHECK(pid > 0);
	EXPECT(wait_exit(pid) == 127, "exit status");
	EXPECT(read(err, &e, sizeof(e)) == (ssize_t)sizeof(e) && e == ENOENT, "errno %d", e);
	close(err);
}

static int quit_cb(sd_event_source *s, uint64_t usec, void *ud)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void on_done(void *ud, const struct hd_child_result *r)
{
	*(struct hd_child_result *)ud = *r;
}

/* The watcher: a result through the loop, a timeout, and an abandoned
 * child reaped (no zombie) though nobody waits for it any more. */
static void test_watch(struct hd_daemon *d)
{
	char *fast[] = {"/bin/sh", "-c", "exit 3", NULL};
	char *slow[] = {"/bin/sh", "-c", "sleep 30", NULL};
	char *missing[] = {"/nonexistent", NULL};
	struct hd_spawn sp = {fast, "fast", true, false, false, false, -1};
	struct hd_child_result r1 = {-1, -1}, r2 = {-1, -1}, r3 = {-1, -1};
	struct hd_child *a, *b, *c, *z;
	pid_t zpid;
	sd_event_source *quit;

	a = hd_child_run(d, &sp, 10000000, 0, on_done, &r1);
	sp.argv = slow;
	b = hd_child_run(d, &sp, 200000, 0, on_done, &r2);
	sp.argv = missing;
	c = hd_child_run(d, &sp, 10000000, 0, on_done, &r3);
	sp.argv = slow;
	z = hd_child_run(d, &sp, 10000000, 0, on_done, NULL);
	CHECK(a && b && c && z);
	zpid = hd_child_pid(z);
	hd_child_abandon(z);
	CHECK(sd_event_add_time_relative(d->event, &quit, CLOCK_MONOTONIC, 1500000, 0, quit_cb,
					 NULL) >= 0);
	CHECK(sd_event_loop(d->event) >= 0);
	sd_event_source_unref(quit);
	EXPECT(r1.end == HD_CHILD_EXIT && r1.value == 3, "exit: %d %d", r1.end, r1.value);
	EXPECT(r2.end == HD_CHILD_TIMEOUT, "timeout: %d %d", r2.end, r2.value);
	EXPECT(r3.end == HD_CHILD_EXEC_FAILED && r3.value == ENOENT, "exec: %d %d", r3.end,
	       r3.value);
	/* reaped: no such child any more (a zombie would still be waitable) */
	EXPECT(waitpid(zpid, NULL, WNOHANG) < 0 && errno == ECHILD, "abandoned child not reaped");
}

int main(void)
{
	struct hd_config cfg = {0};
	struct hd_daemon d = {0};
	sigset_t chld;

	test_user_rule();
	test_env_keep();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (sd_event_new(&d.event) < 0)
		return 1;
	d.config = &cfg;
	hd_spawn_configure(&d, &cfg);
	if (geteuid() == 0) /* setgroups needs it; the netns tests run as root too */
		test_hygiene(&d);
	test_pass_fd(&d);
	test_exec_failure(&d);
	test_watch(&d);
	EXPECT(d.forks >= 7, "forks counted: %lu", d.forks);
	sd_event_unref(d.event);
	return failures != 0;
}
