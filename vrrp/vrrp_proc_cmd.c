/* vrrp_track_process command line decisions (see vrrp_proc_cmd.h). Pure:
 * no I/O. */
#include "config.h"

#include <string.h>

#include "vrrp_proc_cmd.h"

static bool checks_params(const struct hd_vrrp_process_config *p)
{
	return p->params || p->param_match != HD_PROC_PARAMS_ANY;
}

bool vrrp_proc_wants_cmdline(const struct hd_vrrp_process_config *p, const char *comm)
{
	if (p->full_command || vrrp_proc_needs_argv0(p->process))
		return true;
	return checks_params(p) && !strcmp(p->process, comm);
}

bool vrrp_proc_params_match(enum hd_proc_param_match m, const char *want, size_t wlen,
			    const char *have, size_t hlen, bool trunc)
{
	if (m == HD_PROC_PARAMS_ANY)
		return true;
	if (m == HD_PROC_PARAMS_EXACT) /* a cut line has more than HAVE */
		return !trunc && hlen == wlen && (!wlen || !memcmp(have, want, wlen));
	if (!wlen)
		return true; /* partial or initial with none: any parameters */
	if (hlen < wlen)
		return false; /* fewer (or, cut, argv[0] took the buffer: not decided) */
	if (m == HD_PROC_PARAMS_PARTIAL)
		return !memcmp(have, want, wlen); /* the first ones, each whole */
	/* initial: the last one may go on; "" alone: any one or more */
	return wlen == 1 || !memcmp(have, want, wlen - 1);
}

bool vrrp_proc_cmd_match(const struct hd_vrrp_process_config *p, const char *comm, const char *cl,
			 size_t len, bool trunc)
{
	const char *end = memchr(cl, 0, len);
	size_t a0 = end ? (size_t)(end - cl) : len;

	if (!end && trunc)
		return false; /* argv[0] longer than we read: no name is that long */
	if (p->full_command) {
		if (a0 != strlen(p->process) || memcmp(cl, p->process, a0))
			return false;
	} else if (!vrrp_proc_match(p->process, comm, cl)) {
		return false;
	}
	if (!checks_params(p))
		return true;
	return vrrp_proc_params_match(p->param_match, p->params, p->params_len,
				      end ? end + 1 : cl + len, end ? len - a0 - 1 : 0, trunc);
}

int vrrp_proc_weight_delta(int weight, bool reverse, enum vrrp_proc_state st)
{
	if ((weight > 0 && st == VRRP_PROC_UP) || (weight < 0 && st == VRRP_PROC_DOWN))
		return reverse ? -weight : weight;
	return 0;
}

bool vrrp_proc_is_fault(int weight, bool reverse, enum vrrp_proc_state st)
{
	return !weight && st == (reverse ? VRRP_PROC_UP : VRRP_PROC_DOWN);
}
