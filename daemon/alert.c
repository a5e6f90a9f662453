/* The alert hooks (base/alert_hook.h) feed the monitor's events
 * (events.h) for every transition, and e-mail where configured.
 * E-mail alerts: the queue and the sd-event driver of the SMTP client
 * (alert.h). One session at a time: a non-blocking connect, at most
 * ALERT_READ_MAX bytes read per wakeup, one timer for the whole session
 * (alert_email's connect_timeout, keepalived's smtp_connect_timeout), so
 * a server that accepts and never answers costs one descriptor and a
 * timer, never the loop's time. */
#include "config.h"

#include "alert.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "alert_smtp.h"
#include "events.h"
#include "log.h"
#include "metrics.h"

#define ALERT_READ_MAX 4096

struct alert_item {
	char subject[256];
	char body[1024];
};

/* The session's copy of what it sends: a reload may free the config. */
struct alert_session {
	char helo[256], from[256], to[HD_ALERT_MAX_TO][256], date[64];
	struct alert_mail mail;
	struct alert_smtp smtp;
	struct alert_item item;
	int fd;
	bool connecting;
};

struct hd_alert {
	struct hd_daemon *d;
	struct alert_item q[ALERT_QUEUE_MAX];
	size_t head, len;
	uint64_t sent, failed, dropped;
	struct alert_session s;
	sd_event_source *io, *timer, *kick;
};

static void session_next(struct hd_alert *a);

static void session_end(struct hd_alert *a)
{
	struct alert_session *s = &a->s;

	if (alert_smtp_delivered(&s->smtp)) {
		a->sent++;
		hd_info("alert mail '%s' sent", s->item.subject);
	} else {
		a->failed++;
		hd_warn("alert mail '%s' not sent: %s", s->item.subject, s->smtp.why);
	}
	a->io = sd_event_source_disable_unref(a->io);
	a->timer = sd_event_source_disable_unref(a->timer);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	session_next(a);
}

static bool session_over(const struct alert_session *s)
{
	return s->smtp.state >= ALERT_SMTP_DONE;
}

static void update_events(struct hd_alert *a)
{
	uint32_t ev = EPOLLIN;

	if (a->s.connecting || alert_smtp_pending(&a->s.smtp))
		ev |= EPOLLOUT;
	sd_event_source_set_io_events(a->io, ev);
}

static void do_write(struct hd_alert *a)
{
	struct alert_session *s = &a->s;

	while (alert_smtp_pending(&s->smtp)) {
		ssize_t n = send(s->fd, s->smtp.out + s->smtp.out_off, alert_smtp_pending(&s->smtp),
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				alert_smtp_closed(&s->smtp, strerror(errno));
			return;
		}
		alert_smtp_wrote(&s->smtp, (size_t)n);
	}
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct hd_alert *a = ud;
	struct alert_session *s = &a->s;
	char buf[ALERT_READ_MAX];

	(void)src;
	if (s->connecting) {
		int err = 0;
		socklen_t l = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
			err = errno;
		if (err) {
			alert_smtp_closed(&s->smtp, strerror(err));
			session_end(a);
			return 0;
		}
		s->connecting = false;
	}
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			alert_smtp_feed(&s->smtp, buf, (size_t)n);
		else if (n == 0)
			alert_smtp_closed(&s->smtp, NULL);
		else if (errno != EAGAIN && errno != EINTR)
			alert_smtp_closed(&s->smtp, strerror(errno));
	}
	if (!session_over(s))
		do_write(a);
	if (session_over(s))
		session_end(a);
	else
		update_events(a);
	return 0;
}

static int on_timeout(sd_event_source *src, uint64_t usec, void *ud)
{
	struct hd_alert *a = ud;

	(void)src;
	(void)usec;
	alert_smtp_timeout(&a->s.smtp);
	session_end(a);
	return 0;
}

static void fill_mail(struct hd_alert *a, const struct hd_config *cfg)
{
	struct alert_session *s = &a->s;
	const struct hd_alert_config *ac = &cfg->alert;
	time_t t = time(NULL);
	struct tm tm;

	if (ac->from) {
		snprintf(s->from, sizeof(s->from), "%s", ac->from);
	} else { /* hadirector@ and the host's name (keepalived: keepalived@) */
		char host[200];
		if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		snprintf(s->from, sizeof(s->from), "hadirector@%s", host);
	}
	for (size_t i = 0; i < ac->n_to; i++) {
		snprintf(s->to[i], sizeof(s->to[i]), "%s", ac->to[i]);
		s->mail.to[i] = s->to[i];
	}
	if (ac->helo_name)
		snprintf(s->helo, sizeof(s->helo), "%s", ac->helo_name);
	else if (cfg->global.router_id[0])
		snprintf(s->helo, sizeof(s->helo), "%s", cfg->global.router_id);
	else if (gethostname(s->helo, sizeof(s->helo) - 1) < 0 || !s->helo[0])
		snprintf(s->helo, sizeof(s->helo), "localhost");
	s->helo[sizeof(s->helo) - 1] = '\0';
	s->date[0] = '\0';
	if (gmtime_r(&t, &tm))
		strftime(s->date, sizeof(s->date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	s->mail.n_to = ac->n_to;
	s->mail.helo = s->helo;
	s->mail.from = s->from;
	s->mail.subject = s->item.subject;
	s->mail.body = s->item.body;
	s->mail.date = s->date[0] ? s->date : NULL;
}

/* Start the oldest queued message's session; a connect that fails at
 * once ends it (counted) and the next is tried on the next iteration. */
static int session_start(struct hd_alert *a)
{
	const struct hd_config *cfg = a->d->config;
	struct alert_session *s = &a->s;
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	int r;

	s->item = a->q[a->head];
	a->head = (a->head + 1) % ALERT_QUEUE_MAX;
	a->len--;
	fill_mail(a, cfg);
	alert_smtp_start(&s->smtp, &s->mail);
	if (cfg->alert.server.addr.family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = cfg->alert.server.addr.u.v6;
		sin6->sin6_port = htons(cfg->alert.server.port);
		sl = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr = cfg->alert.server.addr.u.v4;
		sin->sin_port = htons(cfg->alert.server.port);
		sl = sizeof(*sin);
	}
	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	if (connect(s->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS)
		return -errno;
	s->connecting = true;
	r = sd_event_add_io(a->d->event, &a->io, s->fd, EPOLLIN | EPOLLOUT, on_io, a);
	if (r >= 0)
		r = sd_event_add_time_relative(a->d->event, &a->timer, CLOCK_MONOTONIC,
					       cfg->alert.timeout_usec, 0, on_timeout, a);
	if (r >= 0) {
		sd_event_source_set_priority(a->io, HD_PRIO_RECONCILE);
		sd_event_source_set_priority(a->timer, HD_PRIO_RECONCILE);
	}
	return r;
}

static int on_kick(sd_event_source *src, void *ud)
{
	struct hd_alert *a = ud;

	sd_event_source_set_enabled(src, SD_EVENT_OFF);
	if (a->io || a->timer || !a->len)
		return 0;
	if (!a->d->config || !a->d->config->alert.enabled) {
		a->dropped += a->len; /* alert_email was removed by a reload */
		a->len = 0;
		return 0;
	}
	int r = session_start(a);
	if (r < 0) {
		alert_smtp_closed(&a->s.smtp, strerror(-r));
		session_end(a);
	}
	return 0;
}

/* The next session starts from a defer source: never inside a hook (the
 * VRRP or checker code that called it) nor recursively from session_end. */
static void session_next(struct hd_alert *a)
{
	if (a->len && a->kick)
		sd_event_source_set_enabled(a->kick, SD_EVENT_ONESHOT);
}

static void enqueue(struct hd_daemon *d, const char *subject, const char *body)
{
	struct hd_alert *a = d->alert;
	struct alert_item *it;

	if (!a || d->stopping)
		return;
	if (a->len == ALERT_QUEUE_MAX) {
		a->dropped++;
		hd_warn("alert mail queue full (%d): dropped the oldest, '%s'", ALERT_QUEUE_MAX,
			a->q[a->head].subject);
		a->head = (a->head + 1) % ALERT_QUEUE_MAX;
		a->len--;
	}
	it = &a->q[(a->head + a->len) % ALERT_QUEUE_MAX];
	snprintf(it->subject, sizeof(it->subject), "%s", subject);
	snprintf(it->body, sizeof(it->body), "%s", body);
	a->len++;
	if (!a->io && !a->timer)
		session_next(a);
}

static bool wanted(enum hd_smtp_alert own, enum hd_smtp_alert outer, bool dflt)
{
	if (own != HD_SMTP_ALERT_INHERIT)
		return own == HD_SMTP_ALERT_ON;
	if (outer != HD_SMTP_ALERT_INHERIT)
		return outer == HD_SMTP_ALERT_ON;
	return dflt;
}

static const char *rid(const struct hd_daemon *d)
{
	return d->config->global.router_id[0] ? d->config->global.router_id : "hadirector";
}

static void alert_vrrp(struct hd_daemon *d, const struct hd_vrrp_instance_config *in,
		       const char *old_state, const char *new_state, const char *why)
{
	char subj[256], body[512];

	hd_events_vrrp(d, in->name, old_state, new_state, why);
	if (!d->config || !d->config->alert.enabled ||
	    !wanted(in->smtp_alert, HD_SMTP_ALERT_INHERIT, d->config->alert.vrrp))
		return;
	snprintf(subj, sizeof(subj), "[%s] VRRP instance %s: %s -> %s", rid(d), in->name, old_state,
		 new_state);
	snprintf(body, sizeof(body), "VRRP instance %s (VRID %u, %s) went from %s to %s: %s\n",
		 in->name, in->vrid, in->interface, old_state, new_state, why);
	enqueue(d, subj, body);
}

static void alert_sync_group(struct hd_daemon *d, const struct hd_sync_group_config *g,
			     const char *old_state, const char *new_state)
{
	char subj[256], body[512];

	hd_events_sync_group(d, g->name, old_state, new_state);
	if (!d->config || !d->config->alert.enabled ||
	    !wanted(g->smtp_alert, HD_SMTP_ALERT_INHERIT, d->config->alert.vrrp))
		return;
	snprintf(subj, sizeof(subj), "[%s] VRRP sync group %s: %s -> %s", rid(d), g->name,
		 old_state, new_state);
	snprintf(body, sizeof(body), "VRRP sync group %s went from %s to %s\n", g->name, old_state,
		 new_state);
	enqueue(d, subj, body);
}

static void alert_real_server(struct hd_daemon *d, const struct hd_virtual_server_config *vs,
			      const struct hd_real_server_config *rs, const char *vs_name, bool up,
			      const char *why)
{
	char subj[256], body[512], ep[80];

	hd_endpoint_str(&rs->ep, ep, sizeof(ep));
	hd_events_real_server(d, vs_name, ep, up, why);
	if (!d->config || !d->config->alert.enabled ||
	    !wanted(rs->smtp_alert, vs->smtp_alert, d->config->alert.checker))
		return;
	snprintf(subj, sizeof(subj), "[%s] real server %s of %s: %s", rid(d), ep, vs_name,
		 up ? "UP" : "DOWN");
	snprintf(body, sizeof(body), "real server %s of virtual server %s is %s: %s\n", ep, vs_name,
		 up ? "up" : "down", why);
	enqueue(d, subj, body);
}

static void alert_ipvs(struct hd_daemon *d, const char *op, const char *target, int weight, int err)
{
	hd_events_ipvs(d, op, target, weight, err);
}

/* announce mode: to the event stream (hadirectorctl monitor) */
static void alert_announce(struct hd_daemon *d, const char *vip, bool announced, const char *reason)
{
	struct hd_event ev = {.kind = "announce"};

	hd_event_str(&ev, "vip", vip);
	hd_event_str(&ev, "state", announced ? "announced" : "withdrawn");
	hd_event_str(&ev, "reason", reason);
	hd_events_publish(d, &ev);
}

static const struct hd_alert_hooks mail_hooks = {
    .vrrp = alert_vrrp,
    .sync_group = alert_sync_group,
    .real_server = alert_real_server,
    .ipvs = alert_ipvs,
    .announce = alert_announce,
};

int hd_alert_init(struct hd_daemon *d)
{
	struct hd_alert *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return -ENOMEM;
	a->d = d;
	a->s.fd = -1;
	d->alert = a;
	d->alert_hooks = &mail_hooks;
	r = sd_event_add_defer(d->event, &a->kick, on_kick, a);
	if (r < 0)
		return r;
	sd_event_source_set_priority(a->kick, HD_PRIO_RECONCILE);
	return sd_event_source_set_enabled(a->kick, SD_EVENT_OFF);
}

int hd_alert_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	(void)d;
	(void)newcfg;
	*prep = NULL;
	return 0;
}

/* Queued messages stay; the next session reads the new alert_email
 * (a session under way keeps its own copy). */
void hd_alert_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	(void)newcfg;
	(void)prep;
	if (d->alert)
		session_next(d->alert);
}

void hd_alert_abort(struct hd_daemon *d, void *prep)
{
	(void)d;
	(void)prep;
}

void hd_alert_free(struct hd_daemon *d)
{
	struct hd_alert *a = d->alert;

	if (!a)
		return;
	sd_event_source_disable_unref(a->io);
	sd_event_source_disable_unref(a->timer);
	sd_event_source_disable_unref(a->kick);
	if (a->s.fd >= 0)
		close(a->s.fd);
	free(a);
	d->alert = NULL;
	d->alert_hooks = NULL;
}

void hd_alert_metrics(struct hd_daemon *d, FILE *out)
{
	const struct hd_alert *a = d->alert;
	static const char *const res[] = {"sent", "failed", "dropped"};

	hd_metric_family(
	    out, "hadirector_alert_mails_total", "counter",
	    "E-mail alerts by result: sent, failed (not retried), dropped (queue full).");
	for (int i = 0; a && i < 3; i++)
		hd_metric_sample(out, "hadirector_alert_mails_total",
				 (const char *[]){"result", res[i], NULL},
				 (double)(i == 0   ? a->sent
					  : i == 1 ? a->failed
						   : a->dropped));
	hd_metric_family(out, "hadirector_alert_mails_queued", "gauge",
			 "E-mail alerts waiting to be sent (at most 64).");
	if (a)
		hd_metric_sample(out, "hadirector_alert_mails_queued", NULL, (double)a->len);
}

void hd_alert_status_json(struct hd_daemon *d, FILE *out)
{
	const struct hd_alert *a = d->alert;

	if (!a) {
		fputs("null", out);
		return;
	}
	fprintf(out,
		"{\"enabled\":%s,\"sent\":%llu,\"failed\":%llu,\"dropped\":%llu,\"queued\":%zu,"
		"\"sending\":%s}",
		d->config && d->config->alert.enabled ? "true" : "false",
		(unsigned long long)a->sent, (unsigned long long)a->failed,
		(unsigned long long)a->dropped, a->len, a->io ? "true" : "false");
}
