/* Reload plans: `hadirectorctl reload --plan [--json] [--file PATH]` and
 * `hadirector -t --plan -f PATH` print what a reload to a file would do,
 * and do nothing.
 *
 * A plan is a reload stopped before its commit: the file is parsed off
 * the loop (as a reload's, reload.c), then on the loop every module
 * prepares it (modules.h: no side effect on the running state), the
 * decisions are read off the running state, the two configurations and
 * the prepared health-check verdicts (reload_plan_diff.h), and every
 * module aborts. The IPVS writes are the diff the reload's first pass
 * would make against the same cached kernel table, so a reload made right
 * after makes those writes (tests/vm/scenarios/reload-plan.sh compares
 * them); verdicts that change in between change the reload too. */
#ifndef HD_RELOAD_PLAN_H
#define HD_RELOAD_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include "hd_context.h"
#include "reload_plan_diff.h"

/* Everything a plan says, for the renderers (pure: reload_plan_render.c). */
struct hd_plan {
	const char *path;
	const struct hd_config *oldc, *newc;
	struct hd_plan_vrrp *vrrp;
	size_t n_vrrp;
	struct hd_plan_checks checks;
	bool ipvs_available;		   /* false: no kernel IPVS, no writes */
	const struct ipvs_ops *ipvs_ops;   /* NULL when not available */
	const struct ipvs_table *observed; /* the kernel's table the writes apply to */
};

void hd_plan_text(FILE *out, const struct hd_plan *p);
void hd_plan_json(FILE *out, const struct hd_plan *p);

/* The control socket's request: "reload --plan" then in any order
 * "--json" and "--file PATH" (an absolute path). ARGV/ARGC: the words after
 * "--plan". Returns NULL, or what is wrong. PATH NULL: the running file. */
const char *hd_plan_args(const char (*argv)[128], size_t argc, bool *json, const char **path);

/* BODY: the plan (OK true), or the file's errors / why it cannot be made. */
typedef void (*hd_plan_done_fn)(void *ud, bool ok, const char *body);
/* Make a plan for PATH (NULL: the running configuration's file). DONE is
 * called on the loop, maybe before this returns. Returns < 0 when the
 * request was not taken (-EBUSY: a plan is being made). */
int hd_reload_plan_request(struct hd_daemon *d, const char *path, bool json, hd_plan_done_fn done,
			   void *ud);
/* At exit: wait for a parse in flight and drop it (DONE is not called). */
void hd_reload_plan_free(struct hd_daemon *d);

/* hadirector -t --plan -f PATH: ask the daemon at SOCKET, print the plan.
 * Returns the exit status. */
int hd_plan_client(const char *socket, const char *path, bool json);

#endif
