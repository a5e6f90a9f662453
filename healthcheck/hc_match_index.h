/* An open-addressing hash index of pointers, for the reload's matching
 * (hc_daemon.c): new probes against the running ones, new virtual and real
 * servers against the old. Every lookup is O(1) expected, so a reload is
 * linear in the size of the configuration; the matching it replaced was a
 * scan of the old virtual servers per new one (quadratic: 2,277 virtual
 * servers made 2.6 million comparisons on the event loop). Pure. */
#ifndef HC_MATCH_INDEX_H
#define HC_MATCH_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hc_ix_slot {
	uint64_t hash; /* spares comparing entries that only share a slot */
	void *e;
};

struct hc_ix {
	struct hc_ix_slot *slot; /* hash beside entry: one cache line per look */
	size_t cap;		 /* a power of two, at least twice the entries */
	uint64_t steps;		 /* slots looked at, ever: tests see the work done */
};

/* Room for N entries; -ENOMEM. */
int hc_ix_init(struct hc_ix *ix, size_t n);
void hc_ix_free(struct hc_ix *ix);
/* SAME(entry, key): whether ENTRY is the one KEY names. */
typedef bool (*hc_ix_same_fn)(const void *entry, const void *key);
/* The entry with hash H that SAME says is KEY's, or NULL. */
void *hc_ix_get(struct hc_ix *ix, uint64_t h, hc_ix_same_fn same, const void *key);
/* Put E under H unless an entry SAME says is KEY's is there: returns that
 * one (E is not added) or E. Never more entries than hc_ix_init's N. */
void *hc_ix_add(struct hc_ix *ix, uint64_t h, hc_ix_same_fn same, const void *key, void *e);

#endif
