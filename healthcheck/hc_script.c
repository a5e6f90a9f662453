/* misc_check and notify scripts: fork/exec as script_user in a new process
 * group, reaped through sd_event_add_child, SIGKILL to the whole group at
 * the timeout. Nothing here waits: the loop goes on while scripts run. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hc_int.h"
#include "log.h"

struct hc_child {
	struct hc_ctx *ctx;
	pid_t pid;
	int errpipe; /* read end: the child writes errno here if exec fails */
	bool timed_out;
	sd_event_source *child_src, *timer;
	hc_child_done_fn done;
	void *ud;
};

int hc_resolve_script_user(struct hc_ctx *c, const char *user)
{
	struct passwd *pw;
	int n = 0;

	free(c->groups);
	c->groups = NULL;
	c->drop_privs = false;
	if (!user || !user[0] || geteuid() != 0)
		return 0;
	pw = getpwnam(user);
	if (!pw)
		return -ENOENT;
	getgrouplist(user, pw->pw_gid, NULL, &n);
	c->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (!c->groups)
		return -ENOMEM;
	if (getgrouplist(user, pw->pw_gid, c->groups, &n) < 0)
		n = 0;
	c->n_groups = n;
	c->uid = pw->pw_uid;
	c->gid = pw->pw_gid;
	c->drop_privs = true;
	return 0;
}

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

/* In the child: only async-signal-safe calls from here to exec. */
static void __attribute__((noreturn)) child_exec(struct hc_ctx *c, char **av, int errfd)
{
	sigset_t all;
	int err, nul;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	nul = open("/dev/null", O_RDWR);
	if (nul >= 0) {
		dup2(nul, 0);
		if (nul > 0)
			close(nul);
	}
	if (c->drop_privs && (setgroups((size_t)c->n_groups, c->groups) < 0 || setgid(c->gid) < 0 ||
			      setuid(c->uid) < 0)) {
		err = errno;
		goto out;
	}
	execv(av[0], av);
	err = errno;
out:
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

static void child_free(struct hc_child *ch)
{
	sd_event_source_disable_unref(ch->child_src);
	sd_event_source_disable_unref(ch->timer);
	if (ch->errpipe >= 0)
		close(ch->errpipe);
	free(ch);
}

static int child_exit_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct hc_child *ch = userdata;
	struct hc_result r;
	siginfo_t reaped;
	pid_t pid = 0;
	int err = 0;

	/* Reap here: the source may be freed before sd-event would. */
	if (sd_event_source_get_child_pid(s, &pid) >= 0)
		(void)waitid(P_PID, (id_t)pid, &reaped, WEXITED | WNOHANG);
	if (!ch) { /* abandoned: drop the loop's reference */
		sd_event_source_set_floating(s, 0);
		sd_event_source_disable_unref(s);
		return 0;
	}
	if (read(ch->errpipe, &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		r = (struct hc_result){HC_O_SCRIPT_EXEC_FAILED, err, -1};
	} else if (ch->timed_out) {
		r = (struct hc_result){HC_O_SCRIPT_TIMEOUT, 0, -1};
	} else {
		/* The dynamic-weight mapping is the caller's (it knows the check). */
		r = (struct hc_result){si->si_code == CLD_EXITED ? HC_O_SCRIPT_EXIT
								 : HC_O_SCRIPT_SIGNAL,
				       si->si_status, -1};
		if (si->si_code == CLD_EXITED && si->si_status == 0)
			r.outcome = HC_O_OK;
	}
	hc_child_done_fn done = ch->done;
	void *ud = ch->ud;
	child_free(ch);
	if (done)
		done(ud, &r);
	return 0;
}

static int child_timeout_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hc_child *ch = userdata;

	ch->timed_out = true;
	kill(-ch->pid, SIGKILL);
	return 0;
}

static int child_watch(struct hc_child *ch, uint64_t timeout_usec)
{
	sd_event *ev = ch->ctx->d->event;
	int r = sd_event_add_child(ev, &ch->child_src, ch->pid, WEXITED, child_exit_cb, ch);

	if (r < 0)
		return r;
	sd_event_source_set_priority(ch->child_src, HD_PRIO_HC);
	r = sd_event_add_time_relative(ev, &ch->timer, CLOCK_MONOTONIC, timeout_usec, 1000,
				       child_timeout_cb, ch);
	if (r >= 0)
		sd_event_source_set_priority(ch->timer, HD_PRIO_HC);
	return r;
}

struct hc_child *hc_child_spawn(struct hc_ctx *c, const char *cmd, uint64_t timeout_usec,
				hc_child_done_fn done, void *ud)
{
	struct hc_child *ch = calloc(1, sizeof(*ch));
	char **av = build_argv(cmd);
	int fds[2] = {-1, -1};

	if (!ch || !av || pipe2(fds, O_CLOEXEC) < 0)
		goto fail;
	ch->ctx = c;
	ch->done = done;
	ch->ud = ud;
	ch->errpipe = fds[0];
	ch->pid = hd_fork(c->d);
	if (ch->pid == 0)
		child_exec(c, av, fds[1]);
	close(fds[1]);
	fds[1] = -1;
	if (ch->pid < 0)
		goto fail;
	setpgid(ch->pid, ch->pid); /* also here: no race with the timeout kill */
	free_argv(av);
	av = NULL;
	if (child_watch(ch, timeout_usec) < 0) {
		kill(-ch->pid, SIGKILL);
		hc_child_abandon(ch);
		return NULL;
	}
	return ch;
fail:
	if (fds[1] >= 0)
		close(fds[1]);
	if (av)
		free_argv(av);
	if (ch) {
		ch->errpipe = fds[0];
		ch->pid = 0;
		child_free(ch);
	}
	return NULL;
}

void hc_child_abandon(struct hc_child *ch)
{
	if (!ch)
		return;
	if (ch->pid > 0)
		kill(-ch->pid, SIGKILL);
	if (ch->child_src) {
		/* The source lives on until the kernel hands back the child. */
		sd_event_source_set_userdata(ch->child_src, NULL);
		sd_event_source_set_floating(ch->child_src, 1);
		sd_event_source_unref(ch->child_src);
		ch->child_src = NULL;
	} else if (ch->pid > 0) {
		waitpid(ch->pid, NULL, WNOHANG);
	}
	child_free(ch);
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
