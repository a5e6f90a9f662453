/* vrrp_track_process decisions (see vrrp_proc.h). Pure: no I/O. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vrrp_proc.h"

int vrrp_proc_parse_stat(const char *buf, size_t len, char comm[VRRP_PROC_COMM_MAX], char *state)
{
	const char *open = memchr(buf, '(', len), *close = NULL;
	size_t n;

	/* comm may itself hold ')' or '(': the last ')' ends it */
	for (size_t i = len; i > 0; i--)
		if (buf[i - 1] == ')') {
			close = buf + i - 1;
			break;
		}
	if (!open || !close || close < open)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n >= VRRP_PROC_COMM_MAX || (size_t)(close - buf) + 3 > len || close[1] != ' ')
		return -EINVAL;
	memcpy(comm, open + 1, n);
	comm[n] = 0;
	*state = close[2];
	return 0;
}

bool vrrp_proc_needs_argv0(const char *name)
{
	return strchr(name, '/') || strlen(name) >= VRRP_PROC_COMM_MAX;
}

bool vrrp_proc_match(const char *name, const char *comm, const char *argv0)
{
	const char *base;

	if (strchr(name, '/'))
		return !strcmp(name, argv0);
	if (strlen(name) < VRRP_PROC_COMM_MAX)
		return !strcmp(name, comm);
	/* the kernel cut comm at 15 bytes: the program's own file name says */
	base = strrchr(argv0, '/');
	return !strcmp(name, base ? base + 1 : argv0);
}

static bool in_range(const struct hd_vrrp_process_config *cfg, unsigned count)
{
	return count >= cfg->quorum && (!cfg->quorum_max || count <= cfg->quorum_max);
}

bool vrrp_proc_step(const struct hd_vrrp_process_config *cfg, struct vrrp_proc_verdict *v,
		    unsigned count, uint64_t now)
{
	enum vrrp_proc_state want = in_range(cfg, count) ? VRRP_PROC_UP : VRRP_PROC_DOWN;
	uint64_t delay = want == VRRP_PROC_UP ? cfg->fork_delay_usec : cfg->terminate_delay_usec;

	v->count = count;
	if (v->state == VRRP_PROC_UNKNOWN) {
		v->state = want;
		v->due = 0;
		return true;
	}
	if (want == v->state) {
		v->due = 0; /* back before the delay ran out: nothing happened */
		return false;
	}
	if (delay && !v->due)
		v->due = now + delay;
	if (delay && now < v->due)
		return false;
	v->state = want;
	v->due = 0;
	return true;
}
