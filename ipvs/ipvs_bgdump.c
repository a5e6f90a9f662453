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
 * copy). The thread touches nothing but its socket, its table, the keys
 * it was given and an eventfd; ipvs_nl_dump() keeps no state outside its
 * struct ipvs_nl.
 *
 * Slices: even in a thread the re-read is CPU the checks pay for. At
 * 100 virtual servers of 10 real servers it was 60 % of what a check cost
 * above one bare connection (tests/bench/README.md, run 12): 101 dumps
 * and 1,100 messages of counters every 5 s. keepalived never re-reads;
 * we do because we repair what is changed behind our back. So every
 * period reads the list of services (one dump: a flushed table, a service
 * deleted, added or edited by hand is seen within one period, as before),
 * but the destinations of only a slice of them, IPVS_BG_SLICE_DESTS at
 * most, taking turns; the others keep what the cache had. A destination
 * deleted or edited by hand is seen within ceil(D / IPVS_BG_SLICE_DESTS)
 * periods for D destinations (one period up to 128), and the per
 * destination counters shown in status, metrics and SNMP are that old at
 * most. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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
	/* services whose destinations the cache gives (built before the
	 * thread starts, read only by it until pthread_join()) */
	struct ipvs_keyset skip;
	const struct ipvs_table *cache;
	/* written by the thread, read on the loop after pthread_join() */
	int result;
	struct ipvs_table table;
};

static bool read_dests(const struct ipvs_svc_key *k, void *p)
{
	const struct ipvs_bgdump *b = p;
	return !ipvs_keyset_has(&b->skip, k);
}

static void *dump_thread(void *p)
{
	struct ipvs_bgdump *b = p;
	struct ipvs_nl *nl = NULL;
	uint64_t one = 1;

	b->result = ipvs_nl_open(&nl);
	if (b->result == 0)
		b->result = ipvs_nl_dump_sel(nl, &b->table, read_dests, b);
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
	ipvs_keyset_free(&b->skip);
	free(b);
}

/* The services not read get their destinations from the cache, on the
 * loop. One the cache lost meanwhile was written by the loop, whose copy
 * replaces it (ipvs_daemon.c): it keeps none here. */
static int fill_from_cache(struct ipvs_bgdump *b)
{
	for (size_t i = 0; i < b->table.n; i++) {
		struct ipvs_service *s = &b->table.svcs[i];
		if (!ipvs_keyset_has(&b->skip, &s->key))
			continue;
		const struct ipvs_service *c = ipvs_table_find(b->cache, &s->key);
		if (!c || !c->n_dests || s->n_dests) /* s->n_dests: not ours to fill */
			continue;
		if (!(s->dests = malloc(c->n_dests * sizeof(*s->dests))))
			return -ENOMEM;
		memcpy(s->dests, c->dests, c->n_dests * sizeof(*s->dests));
		s->n_dests = s->cap_dests = c->n_dests;
		s->dests_sorted = c->dests_sorted;
	}
	return 0;
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
	if (r == 0 && b->skip.n && (r = fill_from_cache(b)) < 0)
		ipvs_table_free(&b->table); /* empty on error */
	ipvs_table_init(&t);
	ipvs_table_move(&t, &b->table);
	destroy(b);	  /* before the callback, which may start the next one */
	done(arg, r, &t); /* takes T */
	return 0;
}

/* The keys of CACHE outside this period's slice into SKIP, and SLICE
 * moved on: from its cursor (wrapping), services while their destinations
 * add up to IPVS_BG_SLICE_DESTS, at least one. CACHE is sorted. */
static int pick_slice(const struct ipvs_table *cache, struct ipvs_bgslice *slice,
		      struct ipvs_keyset *skip)
{
	size_t n = cache->n, start = 0, taken = 0, dests = 0, i;
	int r = 0;

	if (!n)
		return 0;
	while (slice->set && start < n &&
	       ipvs_svc_key_cmp(&cache->svcs[start].key, &slice->next) < 0)
		start++;
	if (start == n)
		start = 0;
	for (i = start; taken < n; i = (i + 1) % n) {
		size_t cost = cache->svcs[i].n_dests ? cache->svcs[i].n_dests : 1; /* a dump */
		if (taken && dests + cost > IPVS_BG_SLICE_DESTS)
			break;
		dests += cost;
		taken++;
	}
	if (start + taken >= n) /* the last service is in this slice */
		slice->rounds++;
	slice->next = cache->svcs[i].key;
	slice->set = taken < n;
	for (size_t k = 0; k < n && r == 0; k++) /* in order: each add appends */
		if ((k + n - start) % n >= taken)
			r = ipvs_keyset_add(skip, &cache->svcs[k].key);
	return r;
}

int ipvs_bgdump_start(sd_event *e, int64_t priority, ipvs_bgdump_fn done, void *arg,
		      struct ipvs_bgdump **out)
{
	return ipvs_bgdump_start_slice(e, priority, NULL, NULL, done, arg, out);
}

int ipvs_bgdump_start_slice(sd_event *e, int64_t priority, const struct ipvs_table *cache,
			    struct ipvs_bgslice *slice, ipvs_bgdump_fn done, void *arg,
			    struct ipvs_bgdump **out)
{
	struct ipvs_bgdump *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return -ENOMEM;
	ipvs_table_init(&b->table);
	b->done = done;
	b->arg = arg;
	b->cache = cache;
	if (cache && slice && (r = pick_slice(cache, slice, &b->skip)) < 0) {
		ipvs_keyset_free(&b->skip);
		free(b);
		return r;
	}
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0) {
		r = -errno;
		ipvs_keyset_free(&b->skip);
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
		ipvs_keyset_free(&b->skip);
		free(b);
		return r;
	}
	*out = b;
	return 0;
}

/* Dumped destinations are zeroed before they are parsed (padding too),
 * so with the counters cleared memcmp compares every setting, also those
 * added later (a difference found where there is none costs one pass). */
static bool dest_same(const struct ipvs_dest *a, const struct ipvs_dest *b)
{
	struct ipvs_dest x = *a, y = *b;

	x.activeconns = x.inactconns = x.persistconns = 0;
	y.activeconns = y.inactconns = y.persistconns = 0;
	memset(&x.stats, 0, sizeof(x.stats));
	memset(&y.stats, 0, sizeof(y.stats));
	return !memcmp(&x, &y, sizeof(x));
}

bool ipvs_bgdump_same(const struct ipvs_table *a, const struct ipvs_table *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct ipvs_service *s = &a->svcs[i], *t = &b->svcs[i];
		if (ipvs_svc_key_cmp(&s->key, &t->key) ||
		    strncmp(s->sched, t->sched, sizeof(s->sched)) || s->flags != t->flags ||
		    s->timeout != t->timeout || s->netmask != t->netmask ||
		    s->n_dests != t->n_dests)
			return false;
		for (size_t j = 0; j < s->n_dests; j++)
			if (!dest_same(&s->dests[j], &t->dests[j]))
				return false;
	}
	return true;
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
