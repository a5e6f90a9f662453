/* The reload's hash index (hc_match_index.h): pure. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "hc_match_index.h"

int hc_ix_init(struct hc_ix *ix, size_t n)
{
	ix->cap = 16;
	ix->steps = 0;
	while (ix->cap < 2 * n + 1)
		ix->cap <<= 1;
	ix->slot = calloc(ix->cap, sizeof(*ix->slot));
	if (ix->slot)
		return 0;
	ix->cap = 0;
	return -ENOMEM;
}

void hc_ix_free(struct hc_ix *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = 0;
}

/* The slot of KEY's entry, or the empty one where it would go. */
static size_t find(struct hc_ix *ix, uint64_t h, hc_ix_same_fn same, const void *key)
{
	size_t m = ix->cap - 1, i = (size_t)(h ^ (h >> 32)) & m;

	for (;; i = (i + 1) & m) {
		ix->steps++;
		const struct hc_ix_slot *s = &ix->slot[i];
		if (!s->e || (s->hash == h && same(s->e, key)))
			return i;
	}
}

void *hc_ix_get(struct hc_ix *ix, uint64_t h, hc_ix_same_fn same, const void *key)
{
	return ix->cap ? ix->slot[find(ix, h, same, key)].e : NULL;
}

void *hc_ix_add(struct hc_ix *ix, uint64_t h, hc_ix_same_fn same, const void *key, void *e)
{
	size_t i = find(ix, h, same, key);

	if (ix->slot[i].e)
		return ix->slot[i].e;
	ix->slot[i] = (struct hc_ix_slot){h, e};
	return e;
}
