/* One way to start a child (spawn.h): the rule for the scripts' user, the
 * environment filter, the fork/exec with its hygiene, and a watcher that
 * always reaps. Uses no module: vrrp, the health checker and the SNMP code
 * all come here. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hd_context.h"
#include "log.h"
#include "spawn.h"

extern char **environ;

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum hd_spawn_user_why hd_spawn_user_rule(const char *configured, bool found, uid_t pw_uid,
					  gid_t pw_gid, uid_t daemon_euid,
					  struct hd_spawn_cred *out)
{
	*out = (struct hd_spawn_cred){false, daemon_euid, 0};
	if (!configured || !configured[0])
		return daemon_euid == 0 ? HD_SPAWN_USER_ROOT : HD_SPAWN_USER_DAEMON;
	if (!found) {
		/* Deleted since the configuration was checked: a user that
		 * owns nothing, never the daemon's (root) by accident. */
		*out = (struct hd_spawn_cred){true, HD_SPAWN_NOBODY, HD_SPAWN_NOBODY};
		return HD_SPAWN_USER_NOBODY;
	}
	if (daemon_euid != 0 && pw_uid != daemon_euid)
		return HD_SPAWN_USER_CANNOT;
	*out = (struct hd_spawn_cred){true, pw_uid, pw_gid};
	return HD_SPAWN_USER_CONFIGURED;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

bool hd_spawn_env_keep(const char *entry, bool script)
{
	static const char *const drop[] = {"NOTIFY_SOCKET=", "WATCHDOG_", "LISTEN_"};

	if (!strchr(entry, '=') || (script && has_prefix(entry, "LD_")))
		return false;
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (has_prefix(entry, drop[i]))
			return false;
	return true;
}

void hd_spawn_configure(struct hd_daemon *d, const struct hd_config *cfg)
{
	const char *user = cfg->global.script_user;
	struct hd_spawn_policy *p = &d->spawn;
	struct passwd *pw;
	enum hd_spawn_user_why why;

	if (p->cfg == cfg)
		return;
	p->cfg = cfg;
	errno = 0;
	pw = user[0] ? getpwnam(user) : NULL;
	why = hd_spawn_user_rule(user, pw != NULL, pw ? pw->pw_uid : 0, pw ? pw->pw_gid : 0,
				 geteuid(), &p->cred);
	switch (why) {
	case HD_SPAWN_USER_ROOT:
		hd_notice("scripts run as root: no script_user is set");
		break;
	case HD_SPAWN_USER_NOBODY:
		hd_err("script_user %s does not exist (any more): scripts run as nobody (%d)", user,
		       HD_SPAWN_NOBODY);
		break;
	case HD_SPAWN_USER_CANNOT:
		hd_warn("script_user %s: the daemon is not root and cannot switch users: scripts "
			"run as the daemon's user",
			user);
		break;
	case HD_SPAWN_USER_CONFIGURED:
		hd_info("scripts run as %s (uid %d, gid %d)", user, (int)p->cred.uid,
			(int)p->cred.gid);
		break;
	case HD_SPAWN_USER_DAEMON:
		break;
	}
}

/* Built before the fork: the child may not allocate. */
static char **build_env(bool script)
{
	size_t n = 0, k = 0;
	bool path = false;
	char **env;

	for (char **e = environ; e && *e; e++)
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (char **e = environ; e && *e; e++)
		if (hd_spawn_env_keep(*e, script)) {
			path |= has_prefix(*e, "PATH=");
			env[k++] = *e;
		}
	if (!path)
		env[k++] = DEFAULT_PATH;
	return env;
}

/* Every descriptor from FIRST up but KEEP is closed (KEEP is close-on-exec
 * and goes at the exec). Without close_range, the low ones by hand (no
 * opendir between fork and exec: not async-signal-safe). */
static void close_from(int first, int keep)
{
	struct rlimit rl;
	int max = 65536, r;

	if (keep < first) {
		r = close_range((unsigned)first, ~0U, 0);
	} else {
		r = keep > first ? close_range((unsigned)first, (unsigned)keep - 1, 0) : 0;
		if (r == 0)
			r = close_range((unsigned)keep + 1, ~0U, 0);
	}
	if (r == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (int fd = first; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* In the child: async-signal-safe calls only, from here to exec. */
static void __attribute__((noreturn))
child(const struct hd_spawn *sp, const struct hd_spawn_cred *cred, char **env, int err,
      pid_t parent)
{
	struct sched_param sched = {0};
	struct sigaction sa = {.sa_handler = SIG_DFL};
	sigset_t none;
	int e, nul;

	for (int sig = 1; sig < NSIG; sig++) {
		sa.sa_handler = sig == SIGPIPE && sp->ignore_sigpipe ? SIG_IGN : SIG_DFL;
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (sp->own_group)
		setpgid(0, 0);
	if (sp->die_with_daemon) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
	}
	sched_setscheduler(0, SCHED_OTHER, &sched);
	/* The error pipe above every descriptor we are about to place. */
	e = fcntl(err, F_DUPFD_CLOEXEC, HD_SPAWN_PASS_FD + 1);
	if (e < 0)
		_exit(127);
	close(err);
	if (sp->pass_fd >= 0 && dup2(sp->pass_fd, HD_SPAWN_PASS_FD) < 0)
		goto fail;
	nul = open("/dev/null", O_RDWR);
	if (nul < 0 || dup2(nul, 0) < 0)
		goto fail;
	for (int fd = 1; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && dup2(nul, fd) < 0)
			goto fail;
	if (nul > 2 && nul != (sp->pass_fd >= 0 ? HD_SPAWN_PASS_FD : -1))
		close(nul);
	close_from(sp->pass_fd >= 0 ? HD_SPAWN_PASS_FD + 1 : 3, e);
	/* Root keeps no supplementary group (the service manager's, ours);
	 * then the script's user, group first. */
	if (geteuid() == 0 && setgroups(0, NULL) < 0)
		goto fail;
	if (sp->as_script_user && cred->change && (setgid(cred->gid) < 0 || setuid(cred->uid) < 0))
		goto fail;
	execve(sp->argv[0], sp->argv, env);
fail:
	nul = errno;
	if (write(e, &nul, sizeof(nul)) < 0)
		_exit(127);
	_exit(127);
}

pid_t hd_spawn(struct hd_daemon *d, const struct hd_spawn *sp, int *errfd)
{
	struct hd_spawn_cred cred;
	char **env = build_env(sp->as_script_user);
	pid_t parent = getpid(), pid;
	int fds[2], r;

	if (sp->as_script_user && !d->spawn.cfg)
		hd_spawn_configure(d, d->config);
	cred = d->spawn.cred;
	if (!env)
		return -ENOMEM;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = -errno;
		free(env);
		return r;
	}
	pid = hd_fork(d);
	if (pid == 0)
		child(sp, &cred, env, fds[1], parent);
	r = -errno;
	close(fds[1]);
	free(env);
	if (pid < 0) {
		close(fds[0]);
		return r;
	}
	if (sp->own_group)
		setpgid(pid, pid); /* also here: a kill right away reaches the group */
	*errfd = fds[0];
	return pid;
}

/* ---- the watcher ---- */

struct hd_child {
	struct hd_daemon *d;
	pid_t pid;
	int errfd;
	bool timed_out;
	sd_event_source *exit_src, *timer;
	char *what; /* for the log */
	hd_child_done_fn done;
	void *ud;
};

static void child_free(struct hd_child *ch)
{
	sd_event_source_disable_unref(ch->exit_src);
	sd_event_source_disable_unref(ch->timer);
	if (ch->errfd >= 0)
		close(ch->errfd);
	free(ch->what);
	free(ch);
}

const char *hd_child_result_str(const struct hd_child_result *r, char *buf, size_t size)
{
	switch (r->end) {
	case HD_CHILD_EXIT:
		snprintf(buf, size, "exited with %d", r->value);
		break;
	case HD_CHILD_SIGNAL:
		snprintf(buf, size, "killed by signal %d", r->value);
		break;
	case HD_CHILD_TIMEOUT:
		snprintf(buf, size, "timed out");
		break;
	case HD_CHILD_EXEC_FAILED:
		snprintf(buf, size, "could not be executed: %s", strerror(r->value));
		break;
	}
	return buf;
}

static int exit_cb(sd_event_source *s, const siginfo_t *si, void *userdata)
{
	struct hd_child *ch = userdata;
	struct hd_child_result r;
	siginfo_t reaped;
	pid_t pid = 0;
	int err = 0;
	char why[96];

	/* Reap here: the source may be gone before sd-event would. */
	if (sd_event_source_get_child_pid(s, &pid) >= 0)
		(void)waitid(P_PID, (id_t)pid, &reaped, WEXITED | WNOHANG);
	if (!ch) { /* abandoned: drop the loop's (last) reference */
		sd_event_source_set_floating(s, 0);
		return 0;
	}
	if (read(ch->errfd, &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		r = (struct hd_child_result){HD_CHILD_EXEC_FAILED, err};
		hd_err("%s: could not be executed: %s", ch->what, strerror(err));
	} else if (ch->timed_out) {
		r = (struct hd_child_result){HD_CHILD_TIMEOUT, 0};
	} else if (si->si_code == CLD_EXITED) {
		r = (struct hd_child_result){HD_CHILD_EXIT, si->si_status};
	} else {
		r = (struct hd_child_result){HD_CHILD_SIGNAL, si->si_status};
	}
	if (r.end == HD_CHILD_TIMEOUT || r.end == HD_CHILD_SIGNAL)
		hd_debug("%s (process %d) %s", ch->what, (int)ch->pid,
			 hd_child_result_str(&r, why, sizeof(why)));
	hd_child_done_fn done = ch->done;
	void *ud = ch->ud;
	child_free(ch);
	if (done)
		done(ud, &r);
	return 0;
}

static int timeout_cb(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hd_child *ch = userdata;

	hd_warn("%s (process %d) timed out: killing its process group", ch->what, (int)ch->pid);
	ch->timed_out = true;
	kill(-ch->pid, SIGKILL);
	return 0;
}

struct hd_child *hd_child_run(struct hd_daemon *d, const struct hd_spawn *spec,
			      uint64_t timeout_usec, int64_t priority, hd_child_done_fn done,
			      void *ud)
{
	struct hd_child *ch = calloc(1, sizeof(*ch));
	struct hd_spawn sp = *spec;
	int r = -ENOMEM;

	sp.own_group = true;
	if (!ch || !(ch->what = strdup(sp.what ? sp.what : sp.argv[0])))
		goto fail;
	ch->d = d, ch->done = done, ch->ud = ud, ch->errfd = -1;
	ch->pid = r = hd_spawn(d, &sp, &ch->errfd);
	if (r < 0)
		goto fail;
	r = sd_event_add_child(d->event, &ch->exit_src, ch->pid, WEXITED, exit_cb, ch);
	if (r >= 0)
		r = sd_event_source_set_priority(ch->exit_src, priority);
	/* From now, not sd-event's now (_relative): that is its last
	 * iteration's, and a check starts outside one (loop.c). */
	if (r >= 0)
		r = sd_event_add_time(d->event, &ch->timer, CLOCK_MONOTONIC,
				      hd_now_usec() + timeout_usec, 1000, timeout_cb, ch);
	if (r >= 0)
		r = sd_event_source_set_priority(ch->timer, priority);
	if (r < 0) {
		hd_err("%s: cannot watch process %d: %s", ch->what, (int)ch->pid, strerror(-r));
		hd_child_abandon(ch);
		return NULL;
	}
	return ch;
fail:
	hd_err("%s: cannot start: %s", sp.what ? sp.what : sp.argv[0], strerror(-r));
	if (ch) {
		ch->pid = 0;
		child_free(ch);
	}
	return NULL;
}

void hd_child_abandon(struct hd_child *ch)
{
	if (!ch)
		return;
	if (ch->pid > 0)
		kill(-ch->pid, SIGKILL);
	if (ch->exit_src) {
		/* The source lives on (owned by the loop) until the kernel
		 * hands the child back; exit_cb reaps it then. */
		sd_event_source_set_userdata(ch->exit_src, NULL);
		sd_event_source_set_floating(ch->exit_src, 1);
		sd_event_source_unref(ch->exit_src);
		ch->exit_src = NULL;
	} else if (ch->pid > 0) {
		/* Not watched: killed above, so this wait is short. */
		waitpid(ch->pid, NULL, 0);
	}
	child_free(ch);
}

void hd_child_release(struct hd_child *ch)
{
	if (ch)
		child_free(ch);
}

pid_t hd_child_pid(const struct hd_child *ch)
{
	return ch ? ch->pid : 0;
}

void hd_child_set_userdata(struct hd_child *ch, void *ud)
{
	ch->ud = ud;
}
