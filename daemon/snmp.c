/* The AgentX subagent's life (snmp.h): a child process fed by the loop.
 *
 * Why not on the event loop: net-snmp's subagent talks to the master
 * synchronously in several places (AgentX open, every registration, every
 * ping, the close at shutdown), each waiting for snmpd's answer; a snmpd
 * that is alive but hung (stopped, swapping, deadlocked) would stall the
 * loop. Why a process and not a thread: net-snmp keeps its state in
 * process globals and cannot be started again in the same process after a
 * shutdown (its subagent module keeps a closed internal session: requests
 * go nowhere, or it crashes), which a reload that changes or re-enables
 * SNMP needs; a process also keeps a crash in the library away from the
 * daemon (it is restarted) and can be killed when it is stuck with a hung
 * snmpd. Rewriting the library's AgentX client to avoid the synchronous
 * calls was the third option, the costliest.
 *
 * Why its own executable (hadirector-snmp, fork + exec) rather than a
 * forked copy of the daemon: only that program links net-snmp and its
 * chain (libnetsnmpmibs, perl, krb5, ...), about 1.7 MB of RSS that every
 * daemon carried even with SNMP off. What the forked copy found in its
 * memory now travels: the table layouts as the first frame, the AgentX
 * socket, the log level and the wire version as arguments (SNMP_AGENT_*
 * in snmp_int.h). The program is looked up beside the running daemon
 * first (a build tree), then in libexecdir.
 *
 * The child (snmp_agent.c) makes every net-snmp call; the loop makes none.
 * They talk over a socketpair in frames (snmp_wire.c):
 * - Requests: the child asks for a snapshot of all table cells when its
 *   own is older than a freshness bound and waits at most 300 ms; the loop
 *   fills one from the live state (snmp_vrrp.c, snmp_hd.c) and sends it.
 * - Notifications: the loop's watchers queue them (bounded: dropped and
 *   counted while the child cannot keep up).
 * - Log lines of the library: sent by the child, logged by the loop.
 * The loop never waits for the child: its end of the socket is
 * non-blocking and what the child has not read yet stays queued. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "snmp.h"
#include "snmp_int.h"

#define SNMP_N_TABLES	  9
#define SNMP_TRAPS_MAX	  256
#define SNMP_RESPAWN_USEC 5000000 /* after the subagent died on its own */
#define SNMP_EXIT_WAIT_MS 1500	  /* at exit, for the child's AgentX close */

struct hd_snmp {
	struct hd_daemon *d;
	struct snmp_table tables[SNMP_N_TABLES];
	size_t n_tables;
	char *socket;
	char path[PATH_MAX]; /* of the subagent program last started */
	pid_t pid;	     /* 0: no child */
	int fd;		     /* to the child; -1: none */
	int errfd;	     /* hd_spawn's: the errno of a failed exec; -1: none */
	sd_event_source *io, *child, *respawn;
	struct snmp_inbuf in;
	struct snmp_frame *out, **out_tail; /* not yet written to the child */
	size_t out_off;			    /* of the first frame */
	size_t out_traps;
	bool snap_queued; /* a snapshot is in OUT: one more would be older */
	uint64_t traps_dropped, dropped_logged;
	uint64_t bad_frames;	    /* frames from the subagent past the limit */
	struct hd_ratelimit log_rl; /* its log lines */
	struct snmp_seen_set seen_vrrp, seen_rs;
};

static int spawn(struct hd_snmp *s);

static void out_free(struct hd_snmp *s)
{
	while (s->out) {
		struct snmp_frame *f = s->out;

		s->out = f->next;
		free(f);
	}
	s->out_tail = &s->out;
	s->out_off = 0;
	s->out_traps = 0;
	s->snap_queued = false;
}

/* The socket to the child is gone (EOF, error, stop): the child exits on
 * its own once it sees that. */
static void link_close(struct hd_snmp *s)
{
	s->io = sd_event_source_disable_unref(s->io);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	snmp_inbuf_free(&s->in);
	out_free(s);
}

static void out_flush(struct hd_snmp *s)
{
	while (s->out) {
		struct snmp_frame *f = s->out;
		ssize_t r = write(s->fd, f->data + s->out_off, f->len - s->out_off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0) {
			link_close(s);
			return;
		}
		s->out_off += (size_t)r;
		if (s->out_off < f->len)
			continue;
		s->out = f->next;
		if (!s->out)
			s->out_tail = &s->out;
		s->out_off = 0;
		if (f->is_trap)
			s->out_traps--;
		else
			s->snap_queued = false;
		free(f);
	}
	/* Wait for room only while something waits for it. */
	sd_event_source_set_io_events(s->io, s->out ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static void out_push(struct hd_snmp *s, struct snmp_frame *f)
{
	*s->out_tail = f;
	s->out_tail = &f->next;
	out_flush(s);
}

static void send_snapshot(struct hd_snmp *s)
{
	uint64_t t0 = hd_now_usec(), head[2] = {t0, 0};
	struct snmp_snap snap = {0};
	struct snmp_frame *f;

	if (s->snap_queued)
		return; /* the child gets the one on its way first */
	for (size_t i = 0; i < s->n_tables; i++) {
		struct snmp_out o = {&snap, s->tables[i].entry, s->tables[i].entry_len,
				     &s->seen_vrrp};

		s->tables[i].fn(s->d, &o);
	}
	head[1] = hd_now_usec() - t0;
	f = snmp_frame_new(SNMPW_SNAP, head, sizeof(head), &snap);
	snmp_snap_free(&snap);
	if (!f)
		return; /* the child answers from what it has */
	s->snap_queued = true;
	out_push(s, f);
}

/* The library's log lines, at most 20 per 10 s: a subagent that loops
 * on an error (or floods on purpose) must not fill the journal. */
static void child_log(struct hd_snmp *s, const unsigned char *p, size_t len)
{
	char text[256];
	int prio = snmp_log_parse(p, len, text, sizeof(text));

	if (prio < 0 || !hd_ratelimit_ok(&s->log_rl, hd_now_usec(), 10000000ULL, 20))
		return;
	if (s->log_rl.suppressed) {
		hd_warn("snmp: %u log lines of the subagent suppressed", s->log_rl.suppressed);
		s->log_rl.suppressed = 0;
	}
	hd_log(prio, "snmp: %s", text);
}

/* A frame longer than the subagent ever sends: the stream cannot be
 * trusted past it (no resynchronisation point) and the program is not
 * what we started, or broken. Kill it; on_child starts another. */
static void agent_reset(struct hd_snmp *s, uint32_t len)
{
	s->bad_frames++;
	hd_err("snmp: the subagent process %d announced a frame of %u bytes (at most %d): "
	       "restarting it (%llu such frames so far)",
	       (int)s->pid, len, SNMP_AGENT_FRAME_MAX, (unsigned long long)s->bad_frames);
	if (s->pid > 0)
		kill(s->pid, SIGKILL);
	link_close(s);
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct hd_snmp *s = userdata;
	struct snmp_frame_hdr h;
	const unsigned char *p;
	int r;

	if (revents & EPOLLOUT)
		out_flush(s);
	if (s->fd < 0 || !(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return 0;
	if (snmp_inbuf_fill(&s->in, s->fd) < 0) {
		link_close(s); /* the child's exit is reported by on_child */
		return 0;
	}
	/* At most SNMP_AGENT_BUF_MAX bytes per call: a flood of small
	 * frames waits in the socket, the loop goes on. */
	while (s->fd >= 0 && (r = snmp_inbuf_next(&s->in, &h, &p)) != 0) {
		if (r < 0) {
			agent_reset(s, h.len);
			return 0;
		}
		if (h.type == SNMPW_WANT)
			send_snapshot(s);
		else if (h.type == SNMPW_LOG)
			child_log(s, p, h.len);
		snmp_inbuf_pop(&s->in);
	}
	if (s->traps_dropped != s->dropped_logged) { /* the child is back */
		hd_warn("snmp: %llu notifications dropped",
			(unsigned long long)(s->traps_dropped - s->dropped_logged));
		s->dropped_logged = s->traps_dropped;
	}
	return 0;
}

static int on_respawn(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct hd_snmp *s = userdata;

	s->respawn = sd_event_source_disable_unref(s->respawn);
	if (spawn(s) < 0)
		hd_err("snmp: cannot start the subagent process again");
	return 0;
}

/* The child ended without being asked to: start another a bit later.
 * Without userdata it is one hd_snmp_free left to the loop to reap. */
static int on_child(sd_event_source *src, const siginfo_t *si, void *userdata)
{
	struct hd_snmp *s = userdata;
	int err = 0;

	if (!s) {
		/* Drops the loop's (last) reference: freed after this call. */
		sd_event_source_set_floating(src, false);
		return 0;
	}
	if (read(s->errfd, &err, sizeof(err)) != (ssize_t)sizeof(err))
		err = 0;
	close(s->errfd);
	s->errfd = -1;
	hd_warn("snmp: the subagent process %d %s %d%s%s; starting another in %d s",
		(int)si->si_pid, si->si_code == CLD_EXITED ? "exited with" : "was killed by signal",
		si->si_status, err ? ": could not be executed: " : "", err ? strerror(err) : "",
		SNMP_RESPAWN_USEC / 1000000);
	s->child = sd_event_source_disable_unref(s->child);
	s->pid = 0;
	link_close(s);
	if (sd_event_add_time_relative(s->d->event, &s->respawn, CLOCK_MONOTONIC, SNMP_RESPAWN_USEC,
				       0, on_respawn, s) < 0)
		hd_err("snmp: cannot schedule the subagent's restart");
	return 0;
}

/* The subagent program: beside the running daemon first (a build tree),
 * else where make install put it. */
static int agent_path(char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			n = snprintf(path, size, "%s/%s", exe, SNMP_AGENT_PROG);
			if ((size_t)n < size && access(path, X_OK) == 0)
				return 0;
		}
	}
	n = snprintf(path, size, "%s/%s", HD_LIBEXECDIR, SNMP_AGENT_PROG);
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return access(path, X_OK) == 0 ? 0 : -errno;
}

static int spawn(struct hd_snmp *s)
{
	char wire[16], level[16];
	char *argv[] = {s->path, "-w", wire, "-l", level, "-s", s->socket, NULL};
	struct hd_spawn sp = {argv, "snmp: the subagent", false, false, true, true, -1};
	struct snmp_frame *tables;
	pid_t pid;
	int sv[2], r;

	r = agent_path(s->path, sizeof(s->path));
	if (r < 0) {
		hd_err("snmp: the subagent program %s is neither beside the daemon nor in %s: %s",
		       SNMP_AGENT_PROG, HD_LIBEXECDIR, strerror(-r));
		return r;
	}
	snprintf(wire, sizeof(wire), "%d", SNMP_WIRE_VERSION);
	snprintf(level, sizeof(level), "%d", hd_log_level());
	if (!s->socket)
		argv[5] = NULL;
	tables = snmp_frame_tables(s->tables, s->n_tables);
	if (!tables)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0) {
		free(tables);
		return -errno;
	}
	/* The socket on SNMP_AGENT_FD, no other descriptor, SIGPIPE still
	 * ignored, death with the daemon (daemon/spawn.h). */
	_Static_assert(SNMP_AGENT_FD == HD_SPAWN_PASS_FD, "the subagent's descriptor");
	sp.pass_fd = sv[1];
	pid = hd_spawn(s->d, &sp, &s->errfd);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		free(tables);
		return pid;
	}
	s->pid = pid;
	s->fd = sv[0];
	if (sd_event_add_io(s->d->event, &s->io, s->fd, EPOLLIN, on_io, s) < 0 ||
	    sd_event_add_child(s->d->event, &s->child, pid, WEXITED, on_child, s) < 0) {
		kill(pid, SIGKILL); /* reaped by nobody: the daemon is in trouble anyway */
		free(tables);
		link_close(s);
		return -ENOMEM;
	}
	sd_event_source_set_priority(s->io, HD_PRIO_CONTROL);
	out_push(s, tables); /* the first frame: waiting when the program starts */
	return 0;
}

struct hd_snmp *hd_snmp_start(struct hd_daemon *d, const char *socket)
{
	struct hd_snmp *s = calloc(1, sizeof(*s));
	int r;

	if (!s || (socket && !(s->socket = strdup(socket)))) {
		hd_err("snmp: out of memory");
		free(s);
		return NULL;
	}
	s->d = d;
	s->fd = -1;
	s->errfd = -1;
	s->out_tail = &s->out;
	snmp_inbuf_limit(&s->in, SNMP_AGENT_FRAME_MAX, SNMP_AGENT_BUF_MAX);
	s->n_tables = snmp_vrrp_tables(s->tables);
	s->n_tables += snmp_hd_tables(s->tables + s->n_tables);
	r = spawn(s);
	if (r < 0) {
		hd_err("snmp: cannot start the subagent process: %s", strerror(-r));
		free(s->socket);
		free(s);
		return NULL;
	}
	hd_notice("snmp: AgentX subagent (process %d, %s) for %s", (int)s->pid, s->path,
		  socket ? socket : "the default master socket");
	return s;
}

void snmp_notify(struct hd_snmp *s, const oid *trap, size_t trap_len, struct snmp_snap *vars)
{
	struct {
		uint32_t len;
		uint32_t oid[SNMP_OID_MAX];
	} head = {(uint32_t)trap_len, {0}};
	struct snmp_frame *f = NULL;

	for (size_t i = 0; i < trap_len && i < SNMP_OID_MAX; i++)
		head.oid[i] = (uint32_t)trap[i];
	if (s->fd >= 0 && trap_len <= SNMP_OID_MAX && s->out_traps < SNMP_TRAPS_MAX)
		f = snmp_frame_new(SNMPW_TRAP, &head, sizeof(head), vars);
	snmp_snap_free(vars);
	if (!f && s->fd >= 0) { /* (no subagent: nobody to send it to) */
		if (s->traps_dropped++ == s->dropped_logged)
			hd_warn("snmp: the subagent is not keeping up (snmpd hung?): dropping "
				"notifications");
		return;
	}
	if (!f)
		return;
	s->out_traps++;
	out_push(s, f);
}

void hd_snmp_watch(struct hd_snmp *s)
{
	snmp_vrrp_watch(s, s->d, &s->seen_vrrp);
	snmp_hd_watch(s, s->d, &s->seen_rs);
}

/* EOF on its socket tells the child to close its AgentX session and exit;
 * while the loop runs (a reload) the loop reaps it later. At exit it gets
 * SNMP_EXIT_WAIT_MS to do so (a hung snmpd can hold the close that long),
 * then SIGKILL. */
void hd_snmp_free(struct hd_snmp *s)
{
	if (!s)
		return;
	link_close(s);
	s->respawn = sd_event_source_disable_unref(s->respawn);
	if (s->pid > 0 && sd_event_get_state(s->d->event) == SD_EVENT_RUNNING) {
		sd_event_source_set_userdata(s->child, NULL); /* on_child: reap only */
		sd_event_source_set_floating(s->child, true);
		sd_event_source_unref(s->child);
	} else if (s->pid > 0) {
		int waited = 0;

		s->child = sd_event_source_disable_unref(s->child);
		while (waitpid(s->pid, NULL, WNOHANG) == 0 && waited < SNMP_EXIT_WAIT_MS) {
			usleep(10000);
			waited += 10;
		}
		if (waited >= SNMP_EXIT_WAIT_MS) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
		}
	}
	snmp_seen_free(&s->seen_vrrp);
	snmp_seen_free(&s->seen_rs);
	if (s->errfd >= 0)
		close(s->errfd);
	free(s->socket);
	free(s);
}
