/* hadirector-snmp, the subagent program (snmp.c says why a process and
 * why its own executable): every net-snmp call of hadirector is made here.
 * It attaches to snmpd over AgentX, registers the tables the daemon
 * describes in its first frame, answers requests from the snapshots the
 * daemon sends, sends the notifications the daemon queues and relays the
 * library's log lines. Its only link to the daemon is one stream socket
 * on descriptor SNMP_AGENT_FD; EOF on it means stop. The daemon sets up
 * the rest before the exec (priority, signals, descriptors, death signal).
 *
 * Reattaching: the library pings the master every SNMP_PING_SEC and, once
 * the connection is gone (snmpd exited: EOF on the AgentX socket; hung:
 * the ping timed out), tries to reopen it at the same period. init_agent()
 * resets the ping period to its default of 15 s, which is why it is set
 * after that call (setting it before was why the subagent reattached only
 * when a 15 s retry happened to fall inside the wait). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snmp_int.h"

#define SNMP_APP	 "hadirector"
#define SNMP_PING_SEC	 1 /* ping; reconnect attempts while detached */
#define SNMP_TIMEOUT_SEC 1 /* longest wait for one answer of the master */
#define SNMP_MAX_FDS	 32
/* A snapshot this young is live enough; one unused this long is freed
 * (with thousands of rows it holds megabytes). */
#define SNMP_FRESH_MIN_USEC (SNMP_REFRESH_MS * 1000)
#define SNMP_SNAP_KEEP_USEC 10000000
/* The longest a request waits for the loop: well below snmpd's own
 * AgentX timeout (1 s), so a late answer is a stale one, not a lost one. */
#define SNMP_SNAP_WAIT_MSEC 300
/* After the daemon said stop: the AgentX close may wait for a hung snmpd;
 * past this the process ends anyway (SIGALRM). */
#define SNMP_EXIT_SEC 5
/* The daemon queues the table layouts before the exec: they are waiting. */
#define SNMP_TABLES_WAIT_MSEC 5000
#define SNMP_AGENT_TRAPS_MAX  256 /* held while no session is open */

struct agent_trap {
	struct agent_trap *next;
	uint32_t oid[SNMP_OID_MAX];
	uint32_t oid_len;
	struct snmp_snap vars;
};

struct snmp_agent {
	int fd; /* to the daemon */
	struct snmp_table *tables;
	size_t n_tables;
	const char *socket;
	int max_level; /* of the log lines worth sending */
	struct snmp_inbuf in;
	struct snmp_snap *snap; /* what requests are answered from (sorted) */
	uint64_t snap_at, fresh_usec;
	bool got_snap; /* a snapshot came since the last request for one */
	struct agent_trap *traps, **traps_tail;
	size_t n_traps;
	bool stop, starting;
	bool connected; /* the AgentX session to the master is open */
};

static void snap_drop(struct snmp_snap *s)
{
	if (s)
		snmp_snap_free(s);
	free(s);
}

/* Small frames to the daemon, which always reads: wait for room. */
static void agent_send(struct snmp_agent *a, uint32_t type, const void *p, size_t len)
{
	struct snmp_frame_hdr h = {type, (uint32_t)len};
	unsigned char buf[512];
	size_t n = sizeof(h) + len, off = 0;

	if (a->stop || n > sizeof(buf))
		return;
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	while (off < n) {
		ssize_t r = write(a->fd, buf + off, n - off);
		struct pollfd pfd = {.fd = a->fd, .events = POLLOUT};

		if (r > 0)
			off += (size_t)r;
		else if (r < 0 && errno == EAGAIN)
			poll(&pfd, 1, 1000);
		else if (!(r < 0 && errno == EINTR)) {
			a->stop = true; /* the daemon is gone */
			return;
		}
	}
}

/* CLIENTARG is the agent: while the library starts, its complaints about
 * MIB files it cannot find (a subagent needs none) go to debug. */
static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	struct snmp_agent *a = clientarg;
	struct {
		int32_t prio;
		char text[200];
	} l;

	snprintf(l.text, sizeof(l.text), "%s", m->msg ? m->msg : "");
	l.text[strcspn(l.text, "\n")] = 0;
	if (!l.text[0])
		return 0;
	l.prio = a->starting ? LOG_DEBUG : m->priority <= LOG_WARNING ? LOG_WARNING : LOG_INFO;
	if (l.prio > a->max_level)
		return 0; /* the daemon would drop it */
	agent_send(a, SNMPW_LOG, &l, sizeof(l.prio) + strlen(l.text) + 1);
	return 0;
}

static void take_snap(struct snmp_agent *a, const unsigned char *p, size_t len)
{
	uint64_t head[2]; /* taken at, build usec */
	struct snmp_snap *s = calloc(1, sizeof(*s));

	if (!s || len < sizeof(head) || snmp_frame_snap(p, len, sizeof(head), s) < 0) {
		free(s);
		return;
	}
	memcpy(head, p, sizeof(head));
	snap_drop(a->snap);
	snmp_snap_sort(s);
	a->snap = s;
	a->snap_at = head[0];
	a->got_snap = true;
	/* A big configuration costs the loop more per snapshot: space them so
	 * that a long walk takes at most ~5% of the loop. */
	a->fresh_usec = head[1] * 20 > SNMP_FRESH_MIN_USEC ? head[1] * 20 : SNMP_FRESH_MIN_USEC;
}

static void take_trap(struct snmp_agent *a, const unsigned char *p, size_t len)
{
	struct agent_trap *t = calloc(1, sizeof(*t));
	size_t head = sizeof(t->oid_len) + sizeof(t->oid);

	if (!t || len < head || snmp_frame_snap(p, len, head, &t->vars) < 0) {
		free(t);
		return;
	}
	memcpy(&t->oid_len, p, sizeof(t->oid_len));
	memcpy(t->oid, p + sizeof(t->oid_len), sizeof(t->oid));
	if (t->oid_len > SNMP_OID_MAX) {
		snmp_snap_free(&t->vars);
		free(t);
		return;
	}
	*a->traps_tail = t;
	a->traps_tail = &t->next;
	if (++a->n_traps > SNMP_AGENT_TRAPS_MAX) { /* the oldest goes first */
		struct agent_trap *old = a->traps;
		a->traps = old->next;
		snmp_snap_free(&old->vars);
		free(old);
		a->n_traps--;
	}
}

/* What the daemon sent; EOF: stop. */
static void agent_read(struct snmp_agent *a)
{
	struct snmp_frame_hdr h;
	const unsigned char *p;

	if (snmp_inbuf_fill(&a->in, a->fd) < 0)
		a->stop = true;
	while (snmp_inbuf_frame(&a->in, &h, &p)) {
		if (h.type == SNMPW_SNAP)
			take_snap(a, p, h.len);
		else if (h.type == SNMPW_TRAP)
			take_trap(a, p, h.len);
		snmp_inbuf_pop(&a->in);
	}
}

/* Traps wait for the main loop: they may come in during a request. They
 * also wait while the session is closed (a hung or restarting snmpd):
 * the library drops a trap sent with no session open. */
static void traps_send(struct snmp_agent *a)
{
	if (!a->connected)
		return;
	while (a->traps) {
		struct agent_trap *t = a->traps;

		a->traps = t->next;
		snmp_send_snap(t->oid, t->oid_len, &t->vars);
		snmp_snap_free(&t->vars);
		free(t);
	}
	a->traps_tail = &a->traps;
	a->n_traps = 0;
}

/* The library announces its session to the master opening and closing
 * (after a ping timed out, or the master went away). */
static int session_cb(int major, int minor, void *serverarg, void *clientarg)
{
	struct snmp_agent *a = clientarg;

	a->connected = minor == SNMPD_CALLBACK_INDEX_START;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

const struct snmp_snap *snmp_agent_current(struct snmp_agent *a)
{
	static const struct snmp_snap empty;
	uint64_t until = now_usec() + SNMP_SNAP_WAIT_MSEC * 1000ULL;

	if (a->snap && now_usec() - a->snap_at < a->fresh_usec)
		return a->snap;
	a->got_snap = false;
	agent_send(a, SNMPW_WANT, NULL, 0);
	while (!a->got_snap && !a->stop) {
		uint64_t now = now_usec();
		struct pollfd pfd = {.fd = a->fd, .events = POLLIN};

		if (now >= until)
			break;
		if (poll(&pfd, 1, (int)((until - now + 999) / 1000)) > 0)
			agent_read(a);
	}
	return a->snap ? a->snap : &empty;
}

/* One round of the library: its sockets and the daemon's in one poll(),
 * bounded by its next timeout or alarm (ping, reconnect). poll, not
 * select: the daemon may have left descriptors above FD_SETSIZE in use. */
static void step(struct snmp_agent *a, netsnmp_large_fd_set *set)
{
	struct pollfd pfd[SNMP_MAX_FDS + 1] = {{.fd = a->fd, .events = POLLIN}};
	struct timeval tv = {0};
	int numfds = 0, block = 1, timeout = -1, n = 1, r;

	NETSNMP_LARGE_FD_ZERO(set);
	snmp_select_info2(&numfds, set, &tv, &block);
	for (int fd = 0; fd < numfds && n <= SNMP_MAX_FDS; fd++)
		if (NETSNMP_LARGE_FD_ISSET(fd, set))
			pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
	if (!block)
		timeout = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
	r = poll(pfd, (nfds_t)n, timeout);
	if (r < 0)
		return; /* EINTR: nothing to do */
	if (pfd[0].revents)
		agent_read(a);
	NETSNMP_LARGE_FD_ZERO(set);
	r = 0;
	for (int i = 1; i < n; i++)
		if (pfd[i].revents) {
			NETSNMP_LARGE_FD_SET(pfd[i].fd, set);
			r++;
		}
	if (r)
		snmp_read2(set);
	else
		snmp_timeout();
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	traps_send(a);
	if (a->snap && now_usec() - a->snap_at > SNMP_SNAP_KEEP_USEC) {
		snap_drop(a->snap); /* checked at least at every ping */
		a->snap = NULL;
	}
}

static void library_setup(const char *socket)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	if (socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	/* No snmp.conf reading, no state files under /var/lib/snmp. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	/* A failed reconnect every SNMP_PING_SEC is not worth a line each:
	 * "disconnected" and "connected" are logged. */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS,
			       1);
	/* Alarms through snmp_select_info's timeout, never SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
}

/* After init_agent(), which sets the AgentX ping to 15 s. The AgentX
 * session takes the library's default timeout and retries: one try of
 * SNMP_TIMEOUT_SEC bounds each synchronous exchange with the master. */
static void library_timing(void)
{
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   SNMP_PING_SEC);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_TIMEOUT, SNMP_TIMEOUT_SEC);
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_RETRIES, 0);
}

/* 0, or -EIO when the library does not start (it gives no reason but its
 * log line), or snmp_table_register()'s -errno. */
static int library_start(struct snmp_agent *a)
{
	int r;

	snmp_disable_log();
	snmp_enable_calllog();
	a->starting = true;
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, a);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, session_cb,
			       a);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, session_cb, a);
	library_setup(a->socket);
	if (init_agent(SNMP_APP) != 0) {
		a->starting = false;
		snmp_log(LOG_ERR, "the agent library did not start\n");
		return -EIO;
	}
	library_timing();
	for (size_t i = 0; i < a->n_tables; i++) {
		a->tables[i].owner = a;
		r = snmp_table_register(&a->tables[i]);
		if (r < 0) {
			a->starting = false;
			snmp_log(LOG_ERR, "cannot register %s: %s\n", a->tables[i].name,
				 strerror(-r));
			return r;
		}
	}
	init_snmp(SNMP_APP); /* connects to the master (or schedules retries) */
	a->starting = false;
	return 0;
}

/* The first frame: what to register. 0, or -ETIMEDOUT, -EBADMSG (not a
 * table frame, or one that does not parse), snmp_inbuf_fill()'s -errno. */
static int tables_read(struct snmp_agent *a)
{
	struct snmp_frame_hdr h;
	const unsigned char *p;
	int r;

	for (;;) {
		struct pollfd pfd = {.fd = a->fd, .events = POLLIN};

		r = snmp_inbuf_fill(&a->in, a->fd);
		if (r < 0)
			return r; /* the daemon is gone already */
		if (snmp_inbuf_frame(&a->in, &h, &p))
			break;
		if (poll(&pfd, 1, SNMP_TABLES_WAIT_MSEC) == 0)
			return -ETIMEDOUT;
	}
	r = -EBADMSG;
	if (h.type == SNMPW_TABLES)
		r = snmp_tables_parse(p, h.len, &a->tables, &a->n_tables);
	snmp_inbuf_pop(&a->in);
	return r;
}

/* Until the link works, complaints go to stderr (the daemon's). 0 or
 * -EINVAL. */
static int args_parse(struct snmp_agent *a, int argc, char **argv)
{
	int opt, wire = -1;

	a->max_level = LOG_DEBUG;
	while ((opt = getopt(argc, argv, "w:l:s:")) != -1) {
		if (opt == 'w')
			wire = atoi(optarg);
		else if (opt == 'l')
			a->max_level = atoi(optarg);
		else if (opt == 's')
			a->socket = optarg;
		else
			return -EINVAL;
	}
	if (optind != argc || fcntl(SNMP_AGENT_FD, F_GETFD) < 0) {
		fprintf(stderr,
			"usage: %s -w VERSION [-l LEVEL] [-s AGENTX-SOCKET] "
			"(started by hadirector, socket on fd %d)\n",
			SNMP_AGENT_PROG, SNMP_AGENT_FD);
		return -EINVAL;
	}
	if (wire != SNMP_WIRE_VERSION) {
		struct {
			int32_t prio;
			char text[160];
		} l = {LOG_ERR, ""};

		snprintf(l.text, sizeof(l.text),
			 "%s speaks wire version %d, the daemon %d: install both from one build",
			 argv[0], SNMP_WIRE_VERSION, wire);
		a->fd = SNMP_AGENT_FD;
		agent_send(a, SNMPW_LOG, &l, sizeof(l.prio) + strlen(l.text) + 1);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct snmp_agent a = {.fd = -1};
	netsnmp_large_fd_set set;
	int r;

	/* A daemon gone mid-write is an EPIPE, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (args_parse(&a, argc, argv) < 0)
		return 2;
	a.fd = SNMP_AGENT_FD;
	/* Non-blocking like the daemon's end: reads drain what is there. */
	fcntl(a.fd, F_SETFL, fcntl(a.fd, F_GETFL) | O_NONBLOCK);
	a.traps_tail = &a.traps;
	a.fresh_usec = SNMP_FRESH_MIN_USEC;
	r = tables_read(&a);
	if (r < 0) {
		fprintf(stderr, "%s: no table layouts from the daemon: %s\n", SNMP_AGENT_PROG,
			strerror(-r));
		return 2;
	}
	if (library_start(&a) == 0) {
		netsnmp_large_fd_set_init(&set, FD_SETSIZE);
		while (!a.stop)
			step(&a, &set);
	}
	alarm(SNMP_EXIT_SEC);
	/* Sends the AgentX close (which waits for the master, at most
	 * SNMP_TIMEOUT_SEC). The library frees every callback's client
	 * argument at shutdown: ours lives on this stack, so it leaves first. */
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, &a, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, session_cb,
				 &a, 1);
	snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, session_cb,
				 &a, 1);
	snmp_shutdown(SNMP_APP);
	/* _exit: the library's shutdown leaves allocations behind that a leak
	 * checker would report at exit(), and there is nothing to flush. */
	_exit(0);
}
