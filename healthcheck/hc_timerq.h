/* The probes' deadlines: a binary min-heap, pure code (no I/O, no clock).
 *
 * Why not one sd-event timer per probe: sd-event keeps every timer source
 * in two priority queues whose comparisons chase each source's pointers,
 * and re-sorts both on every new time and on every pending flag change; at
 * 1,000 probes that was about 12,000 of a check's 24,000 instructions
 * (callgrind, tests/bench/README.md). The health checker keeps one
 * sd-event timer set to the earliest deadline of this heap; the heap
 * compares plain integers stored in its own array. */
#ifndef HC_TIMERQ_H
#define HC_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

#define HC_TQ_NONE ((size_t)-1)

/* Embedded in what is scheduled; IDX is HC_TQ_NONE while not queued. */
struct hc_tq_node {
	uint64_t when;
	size_t idx;
};

struct hc_tq_slot {
	uint64_t when; /* a copy, so comparisons read the array only */
	struct hc_tq_node *node;
};

struct hc_tq {
	struct hc_tq_slot *v;
	size_t n, cap;
};

static inline void hc_tq_node_init(struct hc_tq_node *n)
{
	n->when = 0;
	n->idx = HC_TQ_NONE;
}

/* Room for N nodes: hc_tq_set() of up to N queued ones cannot fail. */
int hc_tq_reserve(struct hc_tq *q, size_t n);
/* Queue N at WHEN, or move it there if queued. -ENOMEM (N unchanged). */
int hc_tq_set(struct hc_tq *q, struct hc_tq_node *n, uint64_t when);
/* Take N out (no-op when not queued). */
void hc_tq_del(struct hc_tq *q, struct hc_tq_node *n);
/* The earliest, NULL when empty. */
struct hc_tq_node *hc_tq_first(const struct hc_tq *q);
void hc_tq_free(struct hc_tq *q);

#endif
