/* The control socket: a Unix stream socket, one request line per
 * connection, answered with "OK"/"ERROR text" and a body. Everything is
 * non-blocking; a client that is slow or sends garbage costs one small
 * buffer until its timeout and never stalls the loop. "monitor" hands the
 * connection over to the event bus (events.h), which keeps it open. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "events.h"
#include "healthcheck/hc.h"
#include "log.h"
#include "modules.h"
#include "overrides.h"
#include "reload_plan.h"
#include "snapshot.h"

#define CLIENT_TIMEOUT_USEC (5 * 1000000ULL)
/* drain --wait: the kernel's counters are read this often (one netlink
 * request each), at most this many waits at once */
#define WAIT_POLL_USEC (200 * 1000ULL)
#define WAIT_MAX       64

struct hd_control {
	struct hd_daemon *d;
	int fd;
	sd_event_source *src;
	struct hd_control_stats stats;
	dev_t dev; /* the socket file we made: the only one we unlink at stop */
	ino_t ino;
};

struct ctl_client {
	struct hd_control *ctl;
	int fd;
	sd_event_source *io, *timer;
	char in[HD_CTL_MAX_REQUEST + 2];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
	struct hd_snapshot *render; /* status/metrics: a child renders it */
	int body_fd;		    /* its reply, sent after OUT (sendfile) */
	off_t body_off;
	size_t body_len;
	struct ucred peer;   /* who asked: runtime changes' events say so */
	bool draining;	     /* reply sent; discard input until EOF, so no RST */
	bool reload_pending; /* "reload" asked; the reply waits for its result */
	/* drain --wait: the poll timer (NULL: not waiting), its names, the
	 * drain's own reply (the first lines of the final one) */
	sd_event_source *wait;
	char wait_vs[128], wait_rs[128];
	char *wait_body;
	uint64_t wait_start, wait_deadline;
};

static void client_free(struct ctl_client *c)
{
	if (c->render)
		hd_snapshot_cancel(c->render);
	if (c->body_fd >= 0)
		close(c->body_fd);
	if (c->wait) {
		sd_event_source_disable_unref(c->wait);
		c->ctl->stats.drain_waits--;
	}
	free(c->wait_body);
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c);
}

static void ctl_execute(struct hd_daemon *d, const struct hd_ctl_request *req,
			const struct ucred *peer, FILE *out, bool *ok)
{
	switch (req->cmd) {
	case HD_CTL_PING:
		fputs("pong\n", out);
		break;
	case HD_CTL_DUMP:
		hd_dump_state(d);
		fputs("state dumped to the log\n", out);
		break;
	case HD_CTL_RELOAD: /* client_answer() handles these before */
	case HD_CTL_RELOAD_PLAN:
	case HD_CTL_STATUS:
	case HD_CTL_STATUS_JSON:
	case HD_CTL_METRICS:
	case HD_CTL_MONITOR:
	case HD_CTL_MONITOR_JSON:
		break;
	case HD_CTL_DRAIN:
	case HD_CTL_DRAIN_WAIT: /* the drain; the wait is client_drain_wait()'s */
	case HD_CTL_UNDRAIN:
	case HD_CTL_WEIGHT:
	case HD_CTL_MAINT:
	case HD_CTL_UNMAINT:
	case HD_CTL_MAINT_ALL:
	case HD_CTL_UNMAINT_ALL: /* live changes: overrides.h */
	case HD_CTL_ADD_RS:
	case HD_CTL_REMOVE_RS:
		*ok = hd_override_request(d, req, peer, out) == 0;
		break;
	case HD_CTL_DRAIN_DIRECTOR: /* announce mode (announce/announce.h) */
	case HD_CTL_UNDRAIN_DIRECTOR: {
		bool drain = req->cmd == HD_CTL_DRAIN_DIRECTOR;
		int r = announce_set_drained(d, drain);
		const char *err = r < 0 ? "no virtual server is in announce mode" : NULL;

		hd_events_runtime(d, drain ? "drain-director" : "undrain-director", "-", "-", -1,
				  peer->uid, peer->pid, err);
		*ok = r == 0;
		fprintf(out, "%s\n", err ? err : drain ? "director drained" : "director undrained");
		break;
	}
	}
}

/* The whole reply is built in memory, then sent as the socket allows. */
static void client_reply(struct ctl_client *c, const char *err, bool ok, const char *body)
{
	FILE *reply = open_memstream(&c->out, &c->out_len);
	if (!reply)
		return;
	if (err) {
		c->ctl->stats.errors++;
		fprintf(reply, "ERROR %s\n%s", err, body ? body : "");
	} else if (!ok) {
		c->ctl->stats.errors++;
		fprintf(reply, "ERROR\n%s", body ? body : "");
	} else {
		fprintf(reply, "OK\n%s", body ? body : "");
	}
	fclose(reply);
	c->out_off = 0;
	sd_event_source_set_io_events(c->io, EPOLLOUT);
}

/* A reply that is worked on elsewhere (a reload, a render): the client's
 * socket is not watched and has no timeout meanwhile; the work is bounded. */
static void client_wait(struct ctl_client *c)
{
	sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
	sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
}

static void client_resume(struct ctl_client *c)
{
	sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	sd_event_source_set_time_relative(c->timer, CLIENT_TIMEOUT_USEC);
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

/* The reload's result, on the loop, possibly before hd_reload_request()
 * returned. The client's sources were off while it waited. */
static void reload_done(void *ud, int rc, const struct hd_diag *diag)
{
	struct ctl_client *c = ud;
	char *body = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&body, &len);

	if (mem) {
		fputs(rc < 0 ? "reload failed\n" : "reloaded\n", mem);
		for (size_t i = 0; rc < 0 && i < diag->n; i++)
			fprintf(mem, "%s\n", diag->lines[i]);
		fclose(mem);
	}
	c->reload_pending = false;
	client_reply(c, mem ? NULL : "out of memory", rc == 0, body);
	free(body);
	client_resume(c);
}

/* The parse runs off the loop; the client waits for its result. */
static void client_reload(struct ctl_client *c)
{
	c->reload_pending = true;
	client_wait(c);
	if (hd_reload_request(c->ctl->d, reload_done, c) < 0 && c->reload_pending) {
		c->reload_pending = false;
		client_reply(c, "reload could not be started", false, NULL);
		client_resume(c);
	}
}

static void plan_done(void *ud, bool ok, const char *body)
{
	struct ctl_client *c = ud;

	c->reload_pending = false;
	client_reply(c, NULL, ok, body);
	client_resume(c);
}

/* reload --plan (reload_plan.h): parsed off the loop as a reload is; the
 * client waits for the plan. */
static void client_plan(struct ctl_client *c, const struct hd_ctl_request *req)
{
	const char *path;
	bool json;
	const char *err = hd_plan_args(req->argv, req->argc, &json, &path);
	int r;

	if (err) {
		client_reply(c, err, false, NULL);
		return;
	}
	c->reload_pending = true;
	client_wait(c);
	r = hd_reload_plan_request(c->ctl->d, path, json, plan_done, c);
	if (r < 0 && c->reload_pending) {
		c->reload_pending = false;
		client_reply(
		    c, r == -EBUSY ? "busy: a plan is being made" : "plan could not be started",
		    false, NULL);
		client_resume(c);
	}
}

/* The rendered reply (a memory file), sent as the client reads it. */
static void client_rendered(void *ud, int fd, size_t len)
{
	struct ctl_client *c = ud;

	c->render = NULL;
	if (fd < 0) {
		client_reply(c, "status could not be rendered", false, NULL);
	} else {
		c->body_fd = fd;
		c->body_len = len;
		sd_event_source_set_io_events(c->io, EPOLLOUT);
	}
	client_resume(c);
}

/* status and metrics: a child renders them from a snapshot (snapshot.h),
 * with renderers of their own: HTTP clients never delay them. */
static void client_render(struct ctl_client *c, hd_render_fn render)
{
	int r = hd_snapshot_start(c->ctl->d, HD_RENDER_CONTROL, render, "OK\n", client_rendered, c,
				  &c->render);
	if (r == 0) {
		client_wait(c);
		return;
	}
	if (r == -EBUSY) {
		struct hd_render_stats *st = hd_snapshot_stats(c->ctl->d, HD_RENDER_CONTROL);
		c->ctl->stats.busy++;
		if (st)
			st->busy++;
	}
	client_reply(
	    c, r == -EBUSY ? "busy: too many status requests waiting" : "no renderer available",
	    false, NULL);
}

static hd_render_fn render_fn(enum hd_ctl_cmd cmd)
{
	switch (cmd) {
	case HD_CTL_STATUS:
		return hd_status_text;
	case HD_CTL_STATUS_JSON:
		return hd_status_json;
	case HD_CTL_METRICS:
		return hd_metrics;
	default:
		return NULL;
	}
}

/* The connection becomes the event bus's (events.h): this client is
 * freed first, so its descriptor is in no epoll set when the bus adds it. */
static void client_monitor(struct ctl_client *c, bool json)
{
	struct hd_daemon *d = c->ctl->d;
	int fd = c->fd;

	c->fd = -1;
	client_free(c);
	int r = hd_events_subscribe(d, fd, json);
	if (r < 0) {
		const char *msg =
		    r == -EBUSY ? "ERROR too many monitor clients\n" : "ERROR cannot subscribe\n";
		send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
	}
}

/* drain --wait: one poll of the kernel's counters; the answer once they
 * say 0 active, the wait cannot go on, or its time is up. */
static int wait_poll(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ctl_client *c = userdata;
	uint64_t active = 0;
	char msg[400], *body = NULL;
	size_t len = 0;
	int r =
	    hd_override_drain_poll(c->ctl->d, c->wait_vs, c->wait_rs, &active, msg, sizeof(msg));

	if (r == 0 && usec < c->wait_deadline) {
		uint64_t next = usec + WAIT_POLL_USEC;
		sd_event_source_set_time(s, next < c->wait_deadline ? next : c->wait_deadline);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
		return 0;
	}
	double secs = (double)(usec - c->wait_start) / 1e6;
	FILE *mem = open_memstream(&body, &len);
	if (mem) {
		fputs(c->wait_body ? c->wait_body : "", mem);
		if (r == 0)
			fprintf(mem,
				"%s %s: %llu active connection(s) left after %.1f s; it stays "
				"drained\n",
				c->wait_vs, c->wait_rs, (unsigned long long)active, secs);
		else
			fprintf(mem, "%s (after %.1f s)\n", msg, secs);
		fclose(mem);
	}
	sd_event_source_disable_unref(c->wait);
	c->wait = NULL;
	c->ctl->stats.drain_waits--;
	client_reply(c, r == 0 ? "timeout" : NULL, r > 0, body);
	free(body);
	client_resume(c);
	return 0;
}

/* After the drain (BODY its reply): poll until done, answer then. Only a
 * hang-up is watched meanwhile (the client closed: the wait ends). */
static void client_drain_wait(struct ctl_client *c, const struct hd_ctl_request *req,
			      const char *body)
{
	uint64_t now = hd_now_usec();

	if (c->ctl->stats.drain_waits >= WAIT_MAX) {
		client_reply(c, "too many drains waiting (the drain itself is done)", false, body);
		return;
	}
	snprintf(c->wait_vs, sizeof(c->wait_vs), "%s", req->argv[0]);
	snprintf(c->wait_rs, sizeof(c->wait_rs), "%s", req->argv[1]);
	c->wait_body = body ? strdup(body) : NULL;
	c->wait_start = now;
	c->wait_deadline = now + (uint64_t)strtoul(req->argv[2], NULL, 10) * 1000000ULL;
	if (sd_event_add_time(c->ctl->d->event, &c->wait, CLOCK_MONOTONIC, now, 0, wait_poll, c) <
	    0) {
		c->wait = NULL;
		client_reply(c, "cannot wait (the drain itself is done)", false, body);
		return;
	}
	c->ctl->stats.drain_waits++;
	sd_event_source_set_priority(c->wait, HD_PRIO_CONTROL);
	sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
	sd_event_source_set_io_events(c->io, 0);
}

/* Returns false when C is gone (a monitor: the bus has its socket). */
static bool client_answer(struct ctl_client *c)
{
	struct hd_ctl_request req;
	const char *err = hd_ctl_parse(c->in, c->in_len, &req);
	char *body = NULL;
	size_t body_len = 0;
	bool ok = true;

	c->ctl->stats.requests++;
	if (!err && (req.cmd == HD_CTL_MONITOR || req.cmd == HD_CTL_MONITOR_JSON)) {
		client_monitor(c, req.cmd == HD_CTL_MONITOR_JSON);
		return false;
	}
	if (!err && req.cmd == HD_CTL_RELOAD) {
		client_reload(c);
		return true;
	}
	if (!err && req.cmd == HD_CTL_RELOAD_PLAN) {
		client_plan(c, &req);
		return true;
	}
	if (!err && render_fn(req.cmd)) {
		client_render(c, render_fn(req.cmd));
		return true;
	}
	FILE *mem = open_memstream(&body, &body_len);
	if (!mem)
		err = "out of memory";
	else if (!err)
		ctl_execute(c->ctl->d, &req, &c->peer, mem, &ok);
	if (mem)
		fclose(mem);
	if (!err && ok && req.cmd == HD_CTL_DRAIN_WAIT)
		client_drain_wait(c, &req, body);
	else
		client_reply(c, err, ok, body);
	free(body);
	return true;
}

static int client_write(struct ctl_client *c)
{
	while (c->out && c->out_off < c->out_len) {
		ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w <= 0)
			goto done;
		c->out_off += (size_t)w;
	}
	while (c->body_fd >= 0 && (size_t)c->body_off < c->body_len) {
		ssize_t w =
		    sendfile(c->fd, c->body_fd, &c->body_off, c->body_len - (size_t)c->body_off);
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w <= 0)
			break;
	}
done:
	/* Closing with unread input would reset the connection and the client
	 * could lose the reply; drain instead (the client timer bounds it). */
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	sd_event_source_set_io_events(c->io, EPOLLIN);
	return 0;
}

static int client_drain(struct ctl_client *c)
{
	char buf[4096];
	ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

	if (r == 0 || (r < 0 && errno != EAGAIN))
		client_free(c);
	return 0;
}

static int client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ctl_client *c = userdata;

	if (c->wait) { /* only a hang-up is watched */
		if (revents & (EPOLLHUP | EPOLLERR))
			client_free(c);
		return 0;
	}
	if (c->draining)
		return client_drain(c);
	if (c->out || c->body_fd >= 0)
		return client_write(c);
	ssize_t r = recv(fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r <= 0) {
		if (c->in_len == 0) {
			client_free(c);
			return 0;
		}
	} else {
		c->in_len += (size_t)r;
	}
	if (r > 0 && !memchr(c->in, '\n', c->in_len) && c->in_len < sizeof(c->in))
		return 0; /* wait for the rest of the line */
	char *nl = memchr(c->in, '\n', c->in_len);
	if (nl)
		c->in_len = (size_t)(nl - c->in) + 1;
	if (!client_answer(c))
		return 0;
	if (!c->out && !c->reload_pending && !c->render && !c->wait)
		client_free(c); /* answered */
	return 0;
}

static int client_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct ctl_client *c = userdata;

	struct hd_render_stats *st = hd_snapshot_stats(c->ctl->d, HD_RENDER_CONTROL);

	c->ctl->stats.timeouts++;
	if (st)
		st->timeouts++;
	client_free(c);
	return 0;
}

static bool peer_allowed(int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) < 0)
		return false;
	return cred->uid == 0 || cred->uid == geteuid();
}

static int control_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct hd_control *ctl = userdata;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	struct ucred peer;

	if (cfd < 0)
		return 0;
	if (!peer_allowed(cfd, &peer)) {
		ctl->stats.rejected_peers++;
		close(cfd);
		return 0;
	}
	struct ctl_client *c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	c->ctl = ctl;
	c->fd = cfd;
	c->peer = peer;
	c->body_fd = -1;
	if (sd_event_add_io(ctl->d->event, &c->io, cfd, EPOLLIN, client_io, c) < 0 ||
	    sd_event_add_time_relative(ctl->d->event, &c->timer, CLOCK_MONOTONIC,
				       CLIENT_TIMEOUT_USEC, 0, client_timeout, c) < 0) {
		client_free(c);
		return 0;
	}
	sd_event_source_set_priority(c->io, HD_PRIO_CONTROL);
	return 0;
}

/* A socket left by an earlier run is replaced; anything else at PATH (a
 * file, a directory, a symlink: -s or control_socket naming the wrong
 * path, or someone's trap) is refused and left alone. */
static int remove_stale_socket(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		hd_err("control socket %s: exists and is not a socket (%s); not removing it", path,
		       S_ISLNK(st.st_mode)   ? "a symlink"
		       : S_ISDIR(st.st_mode) ? "a directory"
					     : "a file");
		return -EEXIST;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Mode 0600 from birth without touching the path after bind (a chmod by
 * name follows whatever is there by then): the socket's own mode, set on
 * the descriptor, is what bind gives the file, less the umask. */
static int bind_private(struct hd_control *ctl, const struct sockaddr_un *sa)
{
	struct stat st;

	if (fchmod(ctl->fd, 0600) < 0)
		return -errno;
	mode_t old = umask(0077);
	int r = bind(ctl->fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (r < 0)
		return -errno;
	if (lstat(sa->sun_path, &st) == 0) {
		ctl->dev = st.st_dev;
		ctl->ino = st.st_ino;
	}
	return 0;
}

int hd_control_start(struct hd_daemon *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct hd_control *ctl;
	int r;

	if (strlen(d->control_path) >= sizeof(sa.sun_path)) {
		hd_err("control socket path too long: %s", d->control_path);
		return -ENAMETOOLONG;
	}
	r = remove_stale_socket(d->control_path);
	if (r == -EEXIST)
		return r;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -ENOMEM;
	ctl->d = d;
	strcpy(sa.sun_path, d->control_path);
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0)
		r = -errno;
	else if (r == 0)
		r = bind_private(ctl, &sa);
	if (r == 0 && listen(ctl->fd, 16) < 0)
		r = -errno;
	if (r == 0 &&
	    sd_event_add_io(d->event, &ctl->src, ctl->fd, EPOLLIN, control_accept, ctl) < 0)
		r = -ENOMEM;
	if (r < 0) {
		hd_err("control socket %s: %s", d->control_path, strerror(-r));
		if (ctl->fd >= 0)
			close(ctl->fd);
		free(ctl);
		return r;
	}
	sd_event_source_set_priority(ctl->src, HD_PRIO_CONTROL);
	d->control = ctl;
	return 0;
}

void hd_control_stop(struct hd_daemon *d)
{
	struct hd_control *ctl = d->control;
	struct stat st;

	if (!ctl)
		return;
	sd_event_source_disable_unref(ctl->src);
	close(ctl->fd);
	/* Only our own socket file: not what replaced it meanwhile. */
	if (lstat(d->control_path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		unlink(d->control_path);
	free(ctl);
	d->control = NULL;
}

const struct hd_control_stats *hd_control_stats(struct hd_daemon *d)
{
	static const struct hd_control_stats none;
	return d->control ? &d->control->stats : &none;
}
