/* The AgentX subagent's life and its place in the event loop (snmp.h).
 *
 * net-snmp keeps its sessions and alarms in library state; each loop
 * iteration a prepare callback asks it which fds and which deadline it
 * wants (snmp_select_info) and mirrors them as sd-event sources; on any
 * of them agent_check_and_process(0) reads without blocking and runs the
 * alarms (AgentX pings, reconnects). One caveat of the library: its AgentX
 * registration and ping wait synchronously for the master's answer, bounded
 * here by a 1 s timeout without retries, so only a snmpd that is alive but
 * hung can stall the loop, for at most that second. */
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "log.h"
#include "snmp.h"
#include "snmp_int.h"

#define SNMP_APP      "hadirector"
#define SNMP_PING_SEC 2 /* reattach within this after snmpd restarts */
#define SNMP_MAX_FDS  16
#define SNMP_N_TABLES 5

struct snmp_fd {
	int fd;
	sd_event_source *src;
};

struct hd_snmp {
	struct hd_daemon *d;
	sd_event_source *timer; /* its prepare callback syncs fds and deadline */
	struct snmp_fd fds[SNMP_MAX_FDS];
	size_t n_fds;
	bool fds_stale; /* net-snmp ran: its fds may have been closed and reused */
	struct snmp_table tables[SNMP_N_TABLES];
	struct snmp_seen_set seen_vrrp, seen_rs;
	bool starting;
};

/* CLIENTARG points at a flag set while the library starts: its complaints
 * about MIB files it cannot find (a subagent needs none) go to debug. */
static int log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	const bool *starting = clientarg;
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", m->msg ? m->msg : "");
	buf[strcspn(buf, "\n")] = 0;
	if (buf[0])
		hd_log(*starting		? LOG_DEBUG
		       : m->priority <= LOG_ERR ? LOG_WARNING
						: LOG_INFO,
		       "snmp: %s", buf);
	return 0;
}

static void fds_drop(struct hd_snmp *s)
{
	for (size_t i = 0; i < s->n_fds; i++)
		sd_event_source_disable_unref(s->fds[i].src);
	s->n_fds = 0;
}

static void process(struct hd_snmp *s)
{
	agent_check_and_process(0);
	s->fds_stale = true;
}

static int on_fd(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	process(userdata);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	process(userdata);
	return 0;
}

static bool fds_match(const struct hd_snmp *s, int numfds, const fd_set *set)
{
	size_t n = 0;

	for (int fd = 0; fd < numfds; fd++)
		if (FD_ISSET(fd, set) && (n >= s->n_fds || s->fds[n++].fd != fd))
			return false;
	return n == s->n_fds;
}

static void fds_sync(struct hd_snmp *s, int numfds, const fd_set *set)
{
	if (!s->fds_stale && fds_match(s, numfds, set))
		return;
	fds_drop(s);
	s->fds_stale = false;
	for (int fd = 0; fd < numfds && s->n_fds < SNMP_MAX_FDS; fd++) {
		struct snmp_fd *f = &s->fds[s->n_fds];

		if (!FD_ISSET(fd, set) ||
		    sd_event_add_io(s->d->event, &f->src, fd, EPOLLIN, on_fd, s) < 0)
			continue;
		sd_event_source_set_priority(f->src, HD_PRIO_CONTROL);
		f->fd = fd;
		s->n_fds++;
	}
}

/* Before every poll: the fds net-snmp reads and its next alarm. */
static int on_prepare(sd_event_source *src, void *userdata)
{
	struct hd_snmp *s = userdata;
	int numfds = 0, block = 1;
	fd_set set;
	struct timeval tv = {0};
	uint64_t at = hd_now_usec() + 3600 * 1000000ULL;

	FD_ZERO(&set);
	snmp_select_info(&numfds, &set, &tv, &block);
	fds_sync(s, numfds, &set);
	if (!block)
		at = hd_now_usec() + (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
	sd_event_source_set_time(s->timer, at);
	return 0;
}

static void library_setup(const char *socket)
{
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	if (socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, socket);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   SNMP_PING_SEC);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_TIMEOUT, 1);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_RETRIES, 0);
	/* No snmp.conf reading, no state files under /var/lib/snmp. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
}

static int tables_register(struct hd_snmp *s)
{
	size_t n = snmp_vrrp_tables(s->d, s->tables);

	n += snmp_hd_tables(s->d, s->tables + n);
	for (size_t i = 0; i < n; i++)
		if (snmp_table_register(&s->tables[i]) < 0) {
			hd_err("snmp: cannot register %s", s->tables[i].name);
			return -1;
		}
	return 0;
}

struct hd_snmp *hd_snmp_start(struct hd_daemon *d, const char *socket)
{
	struct hd_snmp *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	snmp_disable_log();
	snmp_enable_calllog();
	s->starting = true;
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, &s->starting);
	library_setup(socket);
	if (init_agent(SNMP_APP) != 0 || tables_register(s) < 0) {
		hd_err("snmp: the agent library did not start");
		hd_snmp_free(s);
		return NULL;
	}
	init_snmp(SNMP_APP); /* connects to the master (or schedules retries) */
	s->starting = false;
	if (sd_event_add_time(d->event, &s->timer, CLOCK_MONOTONIC, UINT64_MAX, 0, on_timer, s) <
		0 ||
	    sd_event_source_set_prepare(s->timer, on_prepare) < 0) {
		hd_err("snmp: cannot join the event loop");
		hd_snmp_free(s);
		return NULL;
	}
	sd_event_source_set_enabled(s->timer, SD_EVENT_ON);
	sd_event_source_set_priority(s->timer, HD_PRIO_CONTROL);
	hd_notice("snmp: AgentX subagent for %s", socket ? socket : "the default master socket");
	return s;
}

void hd_snmp_free(struct hd_snmp *s)
{
	if (!s)
		return;
	fds_drop(s);
	sd_event_source_disable_unref(s->timer);
	snmp_shutdown(SNMP_APP);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, &s->starting,
				 1);
	snmp_seen_free(&s->seen_vrrp);
	snmp_seen_free(&s->seen_rs);
	free(s);
}

void hd_snmp_watch(struct hd_snmp *s)
{
	snmp_vrrp_watch(s->d, &s->seen_vrrp);
	snmp_hd_watch(s->d, &s->seen_rs);
}
