/* The slow timer's full re-read of the IPVS table, off the event loop.
 *
 * The re-read exists to repair a table changed behind the daemon's back;
 * it has no deadline. At keepalived's reload-scale figure (2,277 services,
 * 37,205 destinations) it is 2,278 netlink dumps and ~40,000 messages
 * parsed: tens of ms natively, 300 ms and more under emulation, every 5 s.
 * On the loop that held back VRRP adverts (advert_int 0.1: a backup took
 * over in tests/bench/reload-scale.sh's quiet window). So the dump runs in
 * a thread on a netlink socket of its own, and the loop only merges the
 * result (see ipvs_daemon.c: services written meanwhile keep the loop's
 * copy). The thread touches nothing but its socket, its table and an
 * eventfd; ipvs_nl_dump() keeps no state outside its struct ipvs_nl. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ipvs_bgdump.h"
#include "ipvs_genl.h"

struct ipvs_bgdump {
	pthread_t thread;
	int efd;
	sd_event_source *src;
	ipvs_bgdump_fn done;
	void *arg;
	/* written by the thread, read on the loop after pthread_join() */
	int result;
	struct ipvs_table table;
};

static void *dump_thread(void *p)
{
	struct ipvs_bgdump *b = p;
	struct ipvs_nl *nl = NULL;
	uint64_t one = 1;

	b->result = ipvs_nl_open(&nl);
	if (b->result == 0)
		b->result = ipvs_nl_dump(nl, &b->table);
	ipvs_nl_close(nl);
	if (write(b->efd, &one, sizeof(one)) != sizeof(one))
		abort(); /* an eventfd write of 1 cannot fail */
	return NULL;
}

static void destroy(struct ipvs_bgdump *b)
{
	sd_event_source_disable_unref(b->src);
	close(b->efd);
	ipvs_table_free(&b->table);
	free(b);
}

static int on_done(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct ipvs_bgdump *b = userdata;
	ipvs_bgdump_fn done = b->done;
	void *arg = b->arg;
	struct ipvs_table t;
	int r;

	(void)s, (void)fd, (void)revents;
	pthread_join(b->thread, NULL);
	r = b->result;
	ipvs_table_init(&t);
	ipvs_table_move(&t, &b->table);
	destroy(b);	  /* before the callback, which may start the next one */
	done(arg, r, &t); /* takes T */
	return 0;
}

int ipvs_bgdump_start(sd_event *e, int64_t priority, ipvs_bgdump_fn done, void *arg,
		      struct ipvs_bgdump **out)
{
	struct ipvs_bgdump *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return -ENOMEM;
	ipvs_table_init(&b->table);
	b->done = done;
	b->arg = arg;
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0) {
		r = -errno;
		free(b);
		return r;
	}
	r = sd_event_add_io(e, &b->src, b->efd, EPOLLIN, on_done, b);
	if (r >= 0)
		r = sd_event_source_set_priority(b->src, priority);
	if (r >= 0)
		r = -pthread_create(&b->thread, NULL, dump_thread, b);
	if (r < 0) {
		sd_event_source_disable_unref(b->src);
		close(b->efd);
		free(b);
		return r;
	}
	*out = b;
	return 0;
}

/* Stop or free while a dump may still run: waits for it (one dump) and
 * drops its result; the callback is not called. */
void ipvs_bgdump_cancel(struct ipvs_bgdump *b)
{
	if (!b)
		return;
	pthread_join(b->thread, NULL);
	destroy(b);
}
