/* The AgentX subagent's life (snmp.h): a thread of its own beside the
 * event loop.
 *
 * Why a thread: net-snmp's subagent talks to the master synchronously in
 * several places (AgentX open, every registration, every ping, the close
 * at shutdown): each waits for snmpd's answer. A snmpd that is alive but
 * hung (stopped, swapping, deadlocked) would stall whichever thread makes
 * these calls, so that thread must not be the event loop. A child process
 * would isolate as well but needs the state serialised over a socket and
 * a process to supervise; a thread gets the same isolation with a hand
 * over in memory. Avoiding the synchronous calls would mean rewriting the
 * library's AgentX client.
 *
 * The rule that makes it safe: every net-snmp call is made by the
 * subagent thread, the event loop makes none; the two share only the
 * fields below marked "locked", under S->lock, held for a few loads and
 * stores and never across I/O, a wait for the other side or a free. So
 * the event loop never waits for the thread; the thread may wait for the
 * loop, bounded.
 * - Requests: a table handler (thread) asks for a snapshot of all table
 *   cells when its own is older than a freshness bound, wakes the loop
 *   through an eventfd and waits up to SNMP_SNAP_WAIT_USEC; the loop fills
 *   one from the live state (snmp_vrrp.c, snmp_hd.c) and hands it over.
 *   A slow loop means a stale (or empty) answer, never a blocked loop.
 * - Notifications: the loop's watchers queue them (bounded: dropped and
 *   counted when the thread cannot keep up) and wake the thread.
 * - Log lines of the library: queued by the thread, logged by the loop,
 *   so hd_log keeps a single writer.
 *
 * Reattaching: the library pings the master every SNMP_PING_SEC and, once
 * the connection is gone (snmpd exited: EOF on the socket; hung: the ping
 * timed out), tries to reopen it at the same period. init_agent() resets
 * the ping period to its default of 15 s, which is why it is set after
 * that call (setting it before was the cause of reattaching only when a
 * 15 s retry happened to fall inside the wait). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "snmp.h"
#include "snmp_int.h"

#define SNMP_APP	 "hadirector"
#define SNMP_PING_SEC	 1 /* ping; reconnect attempts while detached */
#define SNMP_TIMEOUT_SEC 1 /* longest wait for one answer of the master */
#define SNMP_MAX_FDS	 32
#define SNMP_N_TABLES	 7
#define SNMP_TRAPS_MAX	 256
#define SNMP_LOGS_MAX	 32
/* A snapshot this young is live enough; one unused this long is freed
 * (with thousands of rows it holds megabytes). */
#define SNMP_FRESH_MIN_USEC (SNMP_REFRESH_MS * 1000)
#define SNMP_SNAP_KEEP_USEC 10000000
/* The longest a request waits for the loop: well below snmpd's own
 * AgentX timeout (1 s), so a late answer is a stale one, not a lost one. */
#define SNMP_SNAP_WAIT_USEC 300000
/* How long hd_snmp_free waits for the thread: briefly while the loop runs
 * (a reload); at exit for the longest a hung snmpd can hold it: a ping, the
 * reconnect that follows its failure and the AgentX close, 1 s each. */
#define SNMP_STOP_LOOP_USEC 100000
#define SNMP_STOP_EXIT_USEC 3500000

/* net-snmp keeps its state per process: one thread at a time may own it.
 * Held by a subagent thread from the library's start to its shutdown, so
 * a new subagent (reload) waits for an old one that is still stuck with a
 * hung snmpd. Like the log target, process-wide by nature. */
static pthread_mutex_t library_lock = PTHREAD_MUTEX_INITIALIZER;

struct snmp_trap {
	struct snmp_trap *next;
	uint32_t oid[SNMP_OID_MAX];
	size_t oid_len;
	struct snmp_snap vars;
};

struct snmp_logline {
	int prio;
	char text[200];
};

struct hd_snmp {
	/* event loop only */
	struct hd_daemon *d;
	sd_event_source *wake_src;
	struct snmp_seen_set seen_vrrp, seen_rs;
	uint64_t dropped_logged;
	/* read-only while the thread runs */
	struct snmp_table tables[SNMP_N_TABLES];
	size_t n_tables;
	char *socket;
	int wake_main, wake_thread; /* eventfds: wake the loop, wake the thread */
	pthread_t thread;
	/* subagent thread only */
	struct snmp_snap *snap; /* what requests are answered from (sorted) */
	uint64_t snap_at, fresh_usec;
	bool starting;
	/* locked */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* snapshot handed over; thread exited */
	bool stop, exited, loop_gone, want;
	struct snmp_snap *mailbox; /* filled by the loop, taken by the thread */
	uint64_t mailbox_at, build_usec;
	struct snmp_trap *traps, **traps_tail;
	size_t n_traps;
	uint64_t traps_dropped;
	struct snmp_logline logs[SNMP_LOGS_MAX];
	size_t n_logs;
	unsigned logs_dropped;
};

static void wake(int fd)
{
	eventfd_write(fd, 1); /* never blocks: a counter */
}

static void deadline_ts(struct timespec *ts, uint64_t usec)
{
	uint64_t at = hd_now_usec() + usec;

	ts->tv_sec = (time_t)(at / 1000000);
	ts->tv_nsec = (long)(at % 1000000) * 1000;
}

static void snap_drop(struct snmp_snap *s)
{
	if (s)
		snmp_snap_free(s);
	free(s);
}

static void traps_free(struct snmp_trap *t)
{
	while (t) {
		struct snmp_trap *next = t->next;

		snmp_snap_free(&t->vars);
		free(t);
		t = next;
	}
}

/* What both sides share, freed by whichever leaves last. */
static void shared_free(struct hd_snmp *s)
{
	snap_drop(s->snap);
	snap_drop(s->mailbox);
	traps_free(s->traps);
	if (s->wake_main >= 0)
		close(s->wake_main);
	if (s->wake_thread >= 0)
		close(s->wake_thread);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s->socket);
	free(s);
}

/* ---- event loop side ---- */

static struct snmp_snap *snap_build(struct hd_snmp *s)
{
	struct snmp_snap *snap = calloc(1, sizeof(*snap));

	for (size_t i = 0; snap && i < s->n_tables; i++) {
		struct snmp_out f = {snap, s->tables[i].entry, s->tables[i].entry_len,
				     &s->seen_vrrp};

		s->tables[i].fn(s->d, &f);
	}
	return snap;
}

static void logs_flush(struct hd_snmp *s)
{
	struct snmp_logline lines[SNMP_LOGS_MAX];
	size_t n;
	unsigned dropped;
	uint64_t traps_dropped;

	pthread_mutex_lock(&s->lock);
	n = s->n_logs;
	memcpy(lines, s->logs, n * sizeof(lines[0]));
	dropped = s->logs_dropped;
	s->n_logs = 0;
	s->logs_dropped = 0;
	traps_dropped = s->traps_dropped;
	pthread_mutex_unlock(&s->lock);
	for (size_t i = 0; i < n; i++)
		hd_log(lines[i].prio, "snmp: %s", lines[i].text);
	if (dropped)
		hd_warn("snmp: %u library messages not logged (too many at once)", dropped);
	if (traps_dropped != s->dropped_logged) {
		hd_warn("snmp: %llu notifications dropped so far: the subagent is not keeping up "
			"(snmpd hung?)",
			(unsigned long long)traps_dropped);
		s->dropped_logged = traps_dropped;
	}
}

static int on_wake(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct hd_snmp *s = userdata;
	struct snmp_snap *snap = NULL, *old = NULL;
	eventfd_t v;
	bool want;

	eventfd_read(fd, &v);
	pthread_mutex_lock(&s->lock);
	want = s->want;
	pthread_mutex_unlock(&s->lock);
	if (want) {
		uint64_t t0 = hd_now_usec();

		snap = snap_build(s);
		pthread_mutex_lock(&s->lock);
		old = s->mailbox;
		s->mailbox = snap;
		s->mailbox_at = t0;
		s->build_usec = hd_now_usec() - t0;
		s->want = false;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		snap_drop(old);
	}
	logs_flush(s);
	return 0;
}

void snmp_notify(struct hd_snmp *s, const oid *trap, size_t trap_len, struct snmp_snap *vars)
{
	struct snmp_trap *t = calloc(1, sizeof(*t));
	bool queued = false;

	if (t && trap_len <= SNMP_OID_MAX) {
		for (size_t i = 0; i < trap_len; i++)
			t->oid[i] = (uint32_t)trap[i];
		t->oid_len = trap_len;
		t->vars = *vars;
		*vars = (struct snmp_snap){0};
		pthread_mutex_lock(&s->lock);
		if (s->n_traps < SNMP_TRAPS_MAX) {
			*s->traps_tail = t;
			s->traps_tail = &t->next;
			s->n_traps++;
			queued = true;
		} else {
			s->traps_dropped++;
		}
		pthread_mutex_unlock(&s->lock);
	}
	if (queued) {
		wake(s->wake_thread);
		return;
	}
	if (t)
		snmp_snap_free(&t->vars);
	free(t);
	snmp_snap_free(vars);
}

void hd_snmp_watch(struct hd_snmp *s)
{
	snmp_vrrp_watch(s, s->d, &s->seen_vrrp);
	snmp_hd_watch(s, s->d, &s->seen_rs);
}

/* ---- subagent thread side ---- */

/* CLIENTARG is the subagent: while the library starts, its complaints
 * about MIB files it cannot find (a subagent needs none) go to debug. */
static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	struct hd_snmp *s = clientarg;
	struct snmp_logline l;

	snprintf(l.text, sizeof(l.text), "%s", m->msg ? m->msg : "");
	l.text[strcspn(l.text, "\n")] = 0;
	if (!l.text[0])
		return 0;
	l.prio = s->starting ? LOG_DEBUG : m->priority <= LOG_WARNING ? LOG_WARNING : LOG_INFO;
	pthread_mutex_lock(&s->lock);
	if (s->n_logs < SNMP_LOGS_MAX)
		s->logs[s->n_logs++] = l;
	else
		s->logs_dropped++;
	pthread_mutex_unlock(&s->lock);
	wake(s->wake_main);
	return 0;
}

static void snap_take(struct hd_snmp *s, struct snmp_snap *fresh, uint64_t at, uint64_t build)
{
	snap_drop(s->snap);
	snmp_snap_sort(fresh);
	s->snap = fresh;
	s->snap_at = at;
	/* A big configuration costs the loop more per snapshot: space them so
	 * that a long walk takes at most ~5% of the loop. */
	s->fresh_usec = build * 20 > SNMP_FRESH_MIN_USEC ? build * 20 : SNMP_FRESH_MIN_USEC;
}

const struct snmp_snap *snmp_current(struct hd_snmp *s)
{
	static const struct snmp_snap empty;
	struct timespec until;
	bool asked = false, done = false;

	deadline_ts(&until, SNMP_SNAP_WAIT_USEC);
	while (!done && !(s->snap && hd_now_usec() - s->snap_at < s->fresh_usec)) {
		struct snmp_snap *fresh;
		uint64_t at, build;

		pthread_mutex_lock(&s->lock);
		if (!asked && !s->want) {
			s->want = true;
			wake(s->wake_main);
		}
		asked = true;
		while (!s->mailbox && !s->stop && !done)
			done = pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT;
		done = done || s->stop;
		fresh = s->mailbox;
		s->mailbox = NULL;
		at = s->mailbox_at;
		build = s->build_usec;
		pthread_mutex_unlock(&s->lock);
		if (fresh)
			snap_take(s, fresh, at, build);
	}
	return s->snap ? s->snap : &empty;
}

static void traps_send(struct hd_snmp *s)
{
	struct snmp_trap *t;

	pthread_mutex_lock(&s->lock);
	t = s->traps;
	s->traps = NULL;
	s->traps_tail = &s->traps;
	s->n_traps = 0;
	pthread_mutex_unlock(&s->lock);
	for (struct snmp_trap *i = t; i; i = i->next)
		snmp_send_snap(i->oid, i->oid_len, &i->vars);
	traps_free(t);
}

/* One round of the library: its sockets and our wake-up in one poll(),
 * bounded by its next timeout or alarm (ping, reconnect). poll, not
 * select: the daemon may hold far more than FD_SETSIZE descriptors. */
static void step(struct hd_snmp *s, netsnmp_large_fd_set *set)
{
	struct pollfd pfd[SNMP_MAX_FDS + 1] = {{.fd = s->wake_thread, .events = POLLIN}};
	struct timeval tv = {0};
	int numfds = 0, block = 1, timeout = -1, n = 1, r;
	eventfd_t v;

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
		eventfd_read(s->wake_thread, &v);
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
	traps_send(s);
	if (s->snap && hd_now_usec() - s->snap_at > SNMP_SNAP_KEEP_USEC) {
		snap_drop(s->snap); /* checked at least at every ping */
		s->snap = NULL;
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

static int library_start(struct hd_snmp *s)
{
	snmp_disable_log();
	snmp_enable_calllog();
	s->starting = true;
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, s);
	library_setup(s->socket);
	if (init_agent(SNMP_APP) != 0) {
		s->starting = false;
		snmp_log(LOG_ERR, "the agent library did not start\n");
		return -1;
	}
	library_timing();
	for (size_t i = 0; i < s->n_tables; i++)
		if (snmp_table_register(&s->tables[i]) < 0) {
			s->starting = false;
			snmp_log(LOG_ERR, "cannot register %s\n", s->tables[i].name);
			return -1;
		}
	init_snmp(SNMP_APP); /* connects to the master (or schedules retries) */
	s->starting = false;
	return 0;
}

static bool stopping(struct hd_snmp *s)
{
	bool stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stop;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

static void *thread_main(void *arg)
{
	struct hd_snmp *s = arg;
	netsnmp_large_fd_set set;
	bool loop_gone;

	pthread_mutex_lock(&library_lock);
	if (library_start(s) == 0) {
		netsnmp_large_fd_set_init(&set, FD_SETSIZE);
		while (!stopping(s))
			step(s, &set);
		netsnmp_large_fd_set_cleanup(&set);
	}
	/* The library frees every callback's client argument at shutdown:
	 * ours is S, so it leaves first. The AgentX close waits for the
	 * master (at most SNMP_TIMEOUT_SEC); the registrations go with the
	 * agent's registry so that a later start can make them again. */
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, s, 1);
	snmp_shutdown(SNMP_APP);
	shutdown_agent();
	pthread_mutex_unlock(&library_lock);
	pthread_mutex_lock(&s->lock);
	s->exited = true;
	loop_gone = s->loop_gone;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (loop_gone)
		shared_free(s); /* the loop left it to us (hd_snmp_free) */
	return NULL;
}

/* ---- start and stop (event loop) ---- */

static struct hd_snmp *snmp_new(struct hd_daemon *d, const char *socket)
{
	struct hd_snmp *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;

	if (!s)
		return NULL;
	s->d = d;
	s->wake_main = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->wake_thread = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->socket = socket ? strdup(socket) : NULL;
	s->traps_tail = &s->traps;
	s->fresh_usec = SNMP_FRESH_MIN_USEC;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadline_ts's clock */
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	s->n_tables = snmp_vrrp_tables(s->tables);
	s->n_tables += snmp_hd_tables(s->tables + s->n_tables);
	for (size_t i = 0; i < s->n_tables; i++)
		s->tables[i].owner = s;
	if (s->wake_main < 0 || s->wake_thread < 0 || (socket && !s->socket)) {
		shared_free(s);
		return NULL;
	}
	return s;
}

/* The thread blocks every signal (the loop takes them through signalfd)
 * and runs at normal priority even when the loop has rt_priority: it must
 * never compete with the loop for a CPU. */
static int thread_start(struct hd_snmp *s)
{
	pthread_attr_t attr;
	struct sched_param sp = {0};
	sigset_t all, old;
	int r;

	if (pthread_attr_init(&attr))
		return -ENOMEM;
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	pthread_attr_setschedparam(&attr, &sp);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&s->thread, &attr, thread_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!r)
		pthread_setname_np(s->thread, "hd-snmp"); /* for ps -L, top -H */
	pthread_attr_destroy(&attr);
	return -r;
}

struct hd_snmp *hd_snmp_start(struct hd_daemon *d, const char *socket)
{
	struct hd_snmp *s = snmp_new(d, socket);
	int r;

	if (!s) {
		hd_err("snmp: out of memory or descriptors");
		return NULL;
	}
	if (sd_event_add_io(d->event, &s->wake_src, s->wake_main, EPOLLIN, on_wake, s) < 0) {
		hd_err("snmp: cannot join the event loop");
		shared_free(s);
		return NULL;
	}
	sd_event_source_set_priority(s->wake_src, HD_PRIO_CONTROL);
	r = thread_start(s);
	if (r < 0) {
		hd_err("snmp: cannot start the subagent thread: %s", strerror(-r));
		sd_event_source_disable_unref(s->wake_src);
		shared_free(s);
		return NULL;
	}
	hd_notice("snmp: AgentX subagent for %s", socket ? socket : "the default master socket");
	return s;
}

/* Waits a bounded time for the thread; one still stuck with a hung snmpd
 * is detached and frees the shared state itself when it gets out. */
void hd_snmp_free(struct hd_snmp *s)
{
	struct timespec until;
	bool exiting, exited;

	if (!s)
		return;
	sd_event_source_disable_unref(s->wake_src);
	snmp_seen_free(&s->seen_vrrp);
	snmp_seen_free(&s->seen_rs);
	exiting = sd_event_get_state(s->d->event) != SD_EVENT_RUNNING; /* not a reload */
	deadline_ts(&until, exiting ? SNMP_STOP_EXIT_USEC : SNMP_STOP_LOOP_USEC);
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_broadcast(&s->cond);
	wake(s->wake_thread);
	while (!s->exited && pthread_cond_timedwait(&s->cond, &s->lock, &until) != ETIMEDOUT)
		;
	exited = s->exited;
	s->loop_gone = !exited;
	pthread_mutex_unlock(&s->lock);
	if (exited) {
		pthread_join(s->thread, NULL);
		logs_flush(s);
		shared_free(s);
		return;
	}
	hd_warn("snmp: the subagent thread is still waiting for snmpd; it stops on its own");
	pthread_detach(s->thread);
}
