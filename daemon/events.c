/* The event bus (events.h). Memory per subscriber is its ring, allocated
 * once at subscribe time; publishing is a format per form and a memcpy per
 * subscriber; nothing here blocks or waits for a client. */
#include "config.h"

#include "events.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

enum drop_reason { DROP_SLOW, DROP_LIMIT, DROP_ERROR, DROP_LEFT, N_DROP };
static const char *const drop_names[N_DROP] = {"slow", "limit", "error", "left"};

struct sub {
	struct hd_events *bus;
	struct sub *next;
	int fd;
	sd_event_source *io;
	bool json;
	size_t head, len; /* of the ring */
	char ring[HD_EVENTS_RING];
};

struct hd_events {
	struct hd_daemon *d;
	struct sub *subs;
	size_t n_subs;
	uint64_t seq;			 /* of the last event */
	unsigned long dropped[N_DROP];	 /* subscribers, by reason */
	char line[2][HD_EVENT_LINE_MAX]; /* scratch: text, JSON */
};

static void sub_free(struct sub *s, enum drop_reason why)
{
	struct hd_events *bus = s->bus;

	for (struct sub **p = &bus->subs; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	bus->n_subs--;
	bus->dropped[why]++;
	if (why == DROP_SLOW)
		hd_warn("monitor client dropped: it did not read %d bytes of events",
			HD_EVENTS_RING);
	sd_event_source_disable_unref(s->io);
	close(s->fd);
	free(s);
}

static void sub_watch(struct sub *s)
{
	sd_event_source_set_io_events(s->io, EPOLLIN | (s->len ? EPOLLOUT : 0));
}

/* As much of the ring as the socket takes. Returns < 0 when the client is
 * gone (the caller frees it). */
static int sub_flush(struct sub *s)
{
	while (s->len) {
		size_t first = HD_EVENTS_RING - s->head;
		struct iovec iov[2] = {{s->ring + s->head, first < s->len ? first : s->len},
				       {s->ring, first < s->len ? s->len - first : 0}};
		struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t w = sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (w <= 0)
			return -EPIPE;
		s->head = (s->head + (size_t)w) % HD_EVENTS_RING;
		s->len -= (size_t)w;
	}
	sub_watch(s);
	return 0;
}

/* The whole line or nothing: a ring that cannot take it means the client
 * fell HD_EVENTS_RING bytes behind, and it is dropped. */
static bool sub_queue(struct sub *s, const char *line, size_t n)
{
	if (n > HD_EVENTS_RING - s->len)
		return false;
	size_t tail = (s->head + s->len) % HD_EVENTS_RING;
	size_t first = HD_EVENTS_RING - tail < n ? HD_EVENTS_RING - tail : n;
	memcpy(s->ring + tail, line, first);
	memcpy(s->ring, line + first, n - first);
	s->len += n;
	return true;
}

/* A subscriber sends nothing after its request: input is read and thrown
 * away; its EOF or an error means it left. */
static int sub_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	struct sub *s = ud;
	char buf[512];

	(void)src;
	if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			sub_free(s, r == 0 ? DROP_LEFT : DROP_ERROR);
			return 0;
		}
	}
	if ((revents & EPOLLOUT) && sub_flush(s) < 0)
		sub_free(s, DROP_ERROR);
	return 0;
}

void hd_events_publish(struct hd_daemon *d, struct hd_event *ev)
{
	struct hd_events *bus = d->events;
	size_t len[2] = {0, 0};
	struct timespec ts;

	if (!bus || d->stopping)
		return;
	ev->seq = ++bus->seq;
	clock_gettime(CLOCK_REALTIME, &ts);
	ev->realtime_usec = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	for (struct sub *s = bus->subs, *next; s; s = next) {
		next = s->next;
		if (!len[s->json])
			len[s->json] = hd_event_format(ev, s->json, bus->line[s->json]);
		if (!sub_queue(s, bus->line[s->json], len[s->json]))
			sub_free(s, DROP_SLOW);
		else
			sub_watch(s);
	}
}

void hd_events_vrrp(struct hd_daemon *d, const char *instance, const char *from, const char *to,
		    const char *reason)
{
	struct hd_event ev = {.kind = "vrrp"};

	hd_event_str(&ev, "instance", instance);
	hd_event_str(&ev, "from", from);
	hd_event_str(&ev, "to", to);
	hd_event_str(&ev, "reason", reason);
	hd_events_publish(d, &ev);
}

void hd_events_sync_group(struct hd_daemon *d, const char *group, const char *from, const char *to)
{
	struct hd_event ev = {.kind = "sync_group"};

	hd_event_str(&ev, "group", group);
	hd_event_str(&ev, "from", from);
	hd_event_str(&ev, "to", to);
	hd_events_publish(d, &ev);
}

void hd_events_real_server(struct hd_daemon *d, const char *vs, const char *rs, bool up,
			   const char *check)
{
	struct hd_event ev = {.kind = "real_server"};

	hd_event_str(&ev, "virtual_server", vs);
	hd_event_str(&ev, "real_server", rs);
	hd_event_str(&ev, "state", up ? "up" : "down");
	hd_event_str(&ev, "check", check);
	hd_events_publish(d, &ev);
}

void hd_events_reload(struct hd_daemon *d, int rc, const struct hd_diag *diag)
{
	struct hd_event ev = {.kind = "reload"};
	char errs[HD_EVENT_LINE_MAX / 2] = "";
	size_t len = 0;

	for (size_t i = 0; rc < 0 && diag && i < diag->n && len < sizeof(errs) - 1; i++) {
		int n =
		    snprintf(errs + len, sizeof(errs) - len, "%s%s", i ? "; " : "", diag->lines[i]);
		len = n < 0 ? len : len + (size_t)n;
	}
	hd_event_str(&ev, "result", rc < 0 ? "failed" : "ok");
	if (rc < 0) {
		hd_event_num(&ev, "errors", diag ? (long long)diag->n : 0);
		hd_event_str(&ev, "error", errs);
	}
	hd_events_publish(d, &ev);
}

void hd_events_runtime(struct hd_daemon *d, const char *action, const char *vs, const char *rs,
		       long weight, unsigned uid, int pid, const char *err)
{
	struct hd_event ev = {.kind = "runtime"};

	hd_event_str(&ev, "action", action);
	hd_event_str(&ev, "virtual_server", vs);
	if (rs)
		hd_event_str(&ev, "real_server", rs);
	if (weight >= 0)
		hd_event_num(&ev, "weight", weight);
	hd_event_num(&ev, "uid", uid);
	hd_event_num(&ev, "pid", pid);
	hd_event_str(&ev, "result", err ? "failed" : "ok");
	if (err)
		hd_event_str(&ev, "error", err);
	hd_events_publish(d, &ev);
}

void hd_events_ipvs(struct hd_daemon *d, const char *op, const char *target, int weight, int err)
{
	struct hd_event ev = {.kind = "ipvs"};

	hd_event_str(&ev, "op", op);
	hd_event_str(&ev, "target", target);
	if (weight >= 0)
		hd_event_num(&ev, "weight", weight);
	hd_event_str(&ev, "result", err ? "failed" : "ok");
	if (err)
		hd_event_str(&ev, "error", strerror(-err));
	hd_events_publish(d, &ev);
}

int hd_events_subscribe(struct hd_daemon *d, int fd, bool json)
{
	struct hd_events *bus = d->events;
	int sndbuf = HD_EVENTS_SNDBUF;

	if (!bus)
		return -ENOTCONN;
	if (bus->n_subs >= HD_EVENTS_MAX_SUBSCRIBERS) {
		bus->dropped[DROP_LIMIT]++;
		return -EBUSY;
	}
	struct sub *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct sub){.bus = bus, .fd = fd, .json = json};
	if (sd_event_add_io(d->event, &s->io, fd, EPOLLIN | EPOLLOUT, sub_io, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	sd_event_source_set_priority(s->io, HD_PRIO_CONTROL);
	/* What the kernel holds for a client that stopped reading is bounded
	 * too, and small: the ring is where a slow client is noticed. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	sub_queue(s, "OK\n", 3);
	s->next = bus->subs;
	bus->subs = s;
	bus->n_subs++;
	return 0;
}

int hd_events_init(struct hd_daemon *d)
{
	struct hd_events *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return -ENOMEM;
	bus->d = d;
	d->events = bus;
	return 0;
}

int hd_events_prepare(struct hd_daemon *d, const struct hd_config *newcfg, void **prep)
{
	(void)d;
	(void)newcfg;
	*prep = NULL;
	return 0;
}

void hd_events_commit(struct hd_daemon *d, const struct hd_config *newcfg, void *prep)
{
	(void)d;
	(void)newcfg;
	(void)prep;
}

void hd_events_abort(struct hd_daemon *d, void *prep)
{
	(void)d;
	(void)prep;
}

/* Subscribers see EOF: the daemon is gone. */
void hd_events_free(struct hd_daemon *d)
{
	struct hd_events *bus = d->events;

	if (!bus)
		return;
	while (bus->subs)
		sub_free(bus->subs, DROP_LEFT);
	free(bus);
	d->events = NULL;
}

void hd_events_status_json(struct hd_daemon *d, FILE *out)
{
	const struct hd_events *bus = d->events;

	if (!bus) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"seq\":%llu,\"subscribers\":%zu,\"dropped\":{",
		(unsigned long long)bus->seq, bus->n_subs);
	for (int i = 0; i < N_DROP; i++)
		fprintf(out, "%s\"%s\":%lu", i ? "," : "", drop_names[i], bus->dropped[i]);
	fputs("}}", out);
}

void hd_events_metrics(struct hd_daemon *d, FILE *out)
{
	const struct hd_events *bus = d->events;

	hd_metric_family(out, "hadirector_events_total", "counter",
			 "Events published to hadirectorctl monitor (the last sequence number).");
	if (bus)
		hd_metric_sample(out, "hadirector_events_total", NULL, (double)bus->seq);
	hd_metric_family(out, "hadirector_events_subscribers", "gauge",
			 "hadirectorctl monitor clients connected.");
	if (bus)
		hd_metric_sample(out, "hadirector_events_subscribers", NULL, (double)bus->n_subs);
	hd_metric_family(out, "hadirector_events_subscribers_dropped_total", "counter",
			 "Monitor clients that ended, by reason: slow (fell a whole buffer "
			 "behind), limit (refused: too many), error, left (closed).");
	for (int i = 0; bus && i < N_DROP; i++)
		hd_metric_sample(out, "hadirector_events_subscribers_dropped_total",
				 (const char *[]){"reason", drop_names[i], NULL},
				 (double)bus->dropped[i]);
}
