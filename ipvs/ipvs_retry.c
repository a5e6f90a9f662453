/* Retries of failed IPVS writes with exponential backoff (see ipvs_retry.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs_retry.h"

bool ipvs_op_benign(enum ipvs_op_kind kind, int err)
{
	if (kind == IPVS_OP_DEL_SVC || kind == IPVS_OP_DEL_DEST)
		return err == -ENOENT || err == -ESRCH; /* already gone */
	if (kind == IPVS_OP_ADD_SVC || kind == IPVS_OP_ADD_DEST)
		return err == -EEXIST; /* raced; the re-read sees it */
	return false;
}

uint64_t ipvs_retry_backoff(uint64_t prev_usec)
{
	uint64_t b = prev_usec ? prev_usec * 2 : IPVS_RETRY_MIN_USEC;
	return b > IPVS_RETRY_MAX_USEC ? IPVS_RETRY_MAX_USEC : b;
}

struct ipvs_retry *ipvs_retries_find(struct ipvs_retries *rs, const struct ipvs_op *op)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct ipvs_retry *rt = &rs->v[i];
		if (!ipvs_svc_key_cmp(&rt->svc, &op->svc->key) && rt->has_dest == !!op->dest &&
		    (!op->dest || !ipvs_dest_key_cmp(&rt->dest, op->dest)))
			return rt;
	}
	return NULL;
}

bool ipvs_retry_due(struct ipvs_retry *rt, uint64_t now)
{
	if (!rt)
		return true;
	rt->seen = true;
	return now >= rt->next_usec;
}

struct ipvs_retry *ipvs_retries_note(struct ipvs_retries *rs, struct ipvs_retry *rt,
				     const struct ipvs_op *op, int err, uint64_t now)
{
	if (!rt) {
		if (rs->n == rs->cap) {
			size_t cap = rs->cap ? rs->cap * 2 : 8;
			struct ipvs_retry *v = realloc(rs->v, cap * sizeof(*v));
			if (!v)
				return NULL;
			rs->v = v;
			rs->cap = cap;
		}
		rt = &rs->v[rs->n++];
		memset(rt, 0, sizeof(*rt));
		rt->svc = op->svc->key;
		rt->has_dest = op->dest != NULL;
		if (op->dest)
			rt->dest = *op->dest;
	}
	rt->kind = op->kind;
	rt->err = err;
	rt->failures++;
	rt->backoff_usec = ipvs_retry_backoff(rt->backoff_usec);
	rt->next_usec = now + rt->backoff_usec;
	rt->seen = true;
	return rt;
}

void ipvs_retries_drop(struct ipvs_retries *rs, struct ipvs_retry *rt)
{
	if (rt)
		*rt = rs->v[--rs->n];
}

void ipvs_retries_begin_pass(struct ipvs_retries *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rs->v[i].seen = false;
}

void ipvs_retries_prune(struct ipvs_retries *rs)
{
	for (size_t i = 0; i < rs->n;)
		if (!rs->v[i].seen)
			rs->v[i] = rs->v[--rs->n];
		else
			i++;
}

uint64_t ipvs_retries_next(const struct ipvs_retries *rs, uint64_t latest)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i].next_usec < latest)
			latest = rs->v[i].next_usec;
	return latest;
}

void ipvs_retries_free(struct ipvs_retries *rs)
{
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}
