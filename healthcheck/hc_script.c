/* misc_check and notify scripts: hd_child_run (daemon/base/spawn.h) starts
 * them as script_user in a process group of their own, reaps them through
 * the loop and kills the group at the timeout. Nothing here waits. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hc_int.h"
#include "log.h"

struct hc_child {
	struct hd_child *ch;
	hc_child_done_fn done;
	void *ud;
};

/* Shell syntax means /bin/sh -c; otherwise exec the words directly. */
static char **build_argv(const char *cmd)
{
	size_t n = 0, cap = 8;
	char **av = calloc(cap, sizeof(char *));
	char *dup = strdup(cmd), *save = NULL;

	if (!av || !dup)
		goto fail;
	if (strpbrk(cmd, "|&;<>()$`\\\"'*?[]#~=%{}\n")) {
		av[0] = strdup("/bin/sh");
		av[1] = strdup("-c");
		av[2] = dup;
		return av;
	}
	for (char *w = strtok_r(dup, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n + 2 > cap) {
			char **nav = realloc(av, (cap *= 2) * sizeof(char *));
			if (!nav)
				goto fail;
			av = nav;
		}
		av[n++] = strdup(w);
		av[n] = NULL;
	}
	free(dup);
	if (n)
		return av;
	dup = NULL;
fail:
	free(dup);
	for (size_t i = 0; av && av[i]; i++)
		free(av[i]);
	free(av);
	return NULL;
}

static void free_argv(char **av)
{
	for (size_t i = 0; av[i]; i++)
		free(av[i]);
	free(av);
}

static void child_done(void *ud, const struct hd_child_result *r)
{
	struct hc_child *h = ud;
	hc_child_done_fn done = h->done;
	void *done_ud = h->ud;
	struct hc_result res;

	switch (r->end) {
	case HD_CHILD_EXEC_FAILED:
		res = (struct hc_result){
		    .outcome = HC_O_SCRIPT_EXEC_FAILED, .detail = r->value, .dyn_weight = -1};
		break;
	case HD_CHILD_TIMEOUT:
		res = (struct hc_result){
		    .outcome = HC_O_SCRIPT_TIMEOUT, .detail = 0, .dyn_weight = -1};
		break;
	case HD_CHILD_SIGNAL:
		res = (struct hc_result){
		    .outcome = HC_O_SCRIPT_SIGNAL, .detail = r->value, .dyn_weight = -1};
		break;
	default:
		/* The dynamic-weight mapping is the caller's (it knows the check). */
		res = (struct hc_result){.outcome = r->value ? HC_O_SCRIPT_EXIT : HC_O_OK,
					 .detail = r->value,
					 .dyn_weight = -1};
		break;
	}
	free(h);
	if (done)
		done(done_ud, &res);
}

struct hc_child *hc_child_spawn(struct hc_ctx *c, const char *cmd, uint64_t timeout_usec,
				hc_child_done_fn done, void *ud)
{
	struct hc_child *h = calloc(1, sizeof(*h));
	char **av = build_argv(cmd), what[96];
	struct hd_spawn sp = {av, what, true, true, false, false, -1};

	if (!h || !av) {
		free(h);
		if (av)
			free_argv(av);
		return NULL;
	}
	snprintf(what, sizeof(what), "script %.80s", cmd);
	h->done = done;
	h->ud = ud;
	h->ch = hd_child_run(c->d, &sp, timeout_usec, HD_PRIO_HC, child_done, h);
	free_argv(av);
	if (!h->ch) {
		free(h);
		return NULL;
	}
	return h;
}

void hc_child_abandon(struct hc_child *h)
{
	if (!h)
		return;
	hd_child_abandon(h->ch);
	free(h);
}

void hc_child_release(struct hc_child *h)
{
	if (!h)
		return;
	hd_child_release(h->ch);
	free(h);
}

/* misc_check */
static void script_done(void *ud, const struct hc_result *raw)
{
	struct hc_probe *p = ud;
	struct hc_result r = *raw;

	p->io = NULL;
	if (r.outcome == HC_O_OK || r.outcome == HC_O_SCRIPT_EXIT)
		hc_script_result(true, r.detail, p->k->dynamic_weight, &r);
	hc_probe_done(p, &r);
}

static int script_start(struct hc_probe *p)
{
	p->io = hc_child_spawn(p->ctx, p->k->script, p->timeout_usec, script_done, p);
	return p->io ? 0 : -EAGAIN;
}

static void script_cancel(struct hc_probe *p)
{
	hc_child_abandon(p->io);
	p->io = NULL;
}

/* The child's own timer kills it at the timeout and reports: no timeout(). */
const struct hc_ops hc_script_ops = {script_start, NULL, script_cancel, false};
