/* Every process the daemon starts (notify, vrrp_script, misc_check,
 * quorum_up/down and real server notify scripts, the SNMP subagent) is
 * started by hd_spawn(): the security policy is here and nowhere else.
 *
 * The child gets stdin on /dev/null, stdout and stderr as the daemon's,
 * no other descriptor (but the one passed as HD_SPAWN_PASS_FD), no
 * supplementary groups, default signals, its environment without the
 * service manager's protocol variables (hd_spawn_env_keep), and a script
 * runs as the user hd_spawn_user_rule() decided once per configuration.
 * A failure between fork and exec comes back as an errno on a pipe, the
 * same for every kind of child. */
#ifndef HD_SPAWN_H
#define HD_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hd_daemon;
struct hd_config;

#define HD_SPAWN_NOBODY	 65534 /* uid and gid of nobody/nogroup */
#define HD_SPAWN_PASS_FD 3     /* where hd_spawn.pass_fd lands in the child */

/* Who a script runs as. */
struct hd_spawn_cred {
	bool change; /* setgid(gid) + setuid(uid); else the daemon's own user */
	uid_t uid;
	gid_t gid;
};

enum hd_spawn_user_why {
	HD_SPAWN_USER_CONFIGURED, /* script_user, found: that user */
	HD_SPAWN_USER_DAEMON,	  /* no script_user, the daemon is not root: its user */
	HD_SPAWN_USER_ROOT,	  /* no script_user, the daemon is root: root, warned */
	HD_SPAWN_USER_CANNOT,	  /* script_user found but the daemon is not root:
				   * it cannot switch; its own (non-root) user */
	HD_SPAWN_USER_NOBODY,	  /* script_user does not resolve (any more): nobody */
};

/* The rule, pure: CONFIGURED is global.script_user ("" when unset), FOUND
 * whether it resolved (to PW_UID/PW_GID), DAEMON_EUID who we are. Never
 * root unless asked for (script_user root) or nothing was configured. */
enum hd_spawn_user_why hd_spawn_user_rule(const char *configured, bool found, uid_t pw_uid,
					  gid_t pw_gid, uid_t daemon_euid,
					  struct hd_spawn_cred *out);

/* Pure: whether the environment entry "NAME=value" reaches a child. The
 * service manager's protocol (NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*) speaks
 * for the daemon only; the loader's LD_* are not for a SCRIPT (the SNMP
 * subagent, our own program, may need them as the daemon did). */
bool hd_spawn_env_keep(const char *entry, bool script);

/* Per daemon: the scripts' user as resolved for one configuration. */
struct hd_spawn_policy {
	const struct hd_config *cfg; /* resolved for (alive: current or new) */
	struct hd_spawn_cred cred;
};

/* Resolve global.script_user of CFG (the current or the incoming
 * configuration) once: every module calls it at start and reload, only the
 * first call for a configuration looks the user up and logs the rule. */
void hd_spawn_configure(struct hd_daemon *d, const struct hd_config *cfg);

struct hd_spawn {
	char *const *argv;   /* argv[0]: the path executed */
	const char *what;    /* for the log: "vrrp_script chk_web", "notify" */
	bool as_script_user; /* else the daemon's own user */
	bool own_group;	     /* its own process group: a kill reaches its children */
	bool die_with_daemon;
	bool ignore_sigpipe; /* else SIGPIPE back to its default */
	int pass_fd;	     /* -1, or a descriptor the child gets as HD_SPAWN_PASS_FD */
};

/* Fork and exec SP. Returns the pid, or -errno (nothing started). *ERRFD
 * gets the read end (non-blocking, close-on-exec) of a pipe on which the
 * child writes an int errno when it could not get to exec; end of file
 * once it did. The caller reaps (sd_event_add_child or hd_child_run). */
pid_t hd_spawn(struct hd_daemon *d, const struct hd_spawn *sp, int *errfd);

/* A spawned child watched on the loop: reaped always, killed (its process
 * group) at the timeout. */
struct hd_child;
enum hd_child_end { HD_CHILD_EXIT, HD_CHILD_SIGNAL, HD_CHILD_TIMEOUT, HD_CHILD_EXEC_FAILED };
struct hd_child_result {
	enum hd_child_end end;
	int value; /* exit status, signal number or errno; 0 for a timeout */
};
typedef void (*hd_child_done_fn)(void *ud, const struct hd_child_result *r);

/* Start SP (own_group is forced) and report once through DONE (may be
 * NULL) from the loop, never from inside this call. NULL when it could not
 * start (logged). PRIORITY: of its sd-event sources. */
struct hd_child *hd_child_run(struct hd_daemon *d, const struct hd_spawn *sp, uint64_t timeout_usec,
			      int64_t priority, hd_child_done_fn done, void *ud);
/* Kill its process group and forget it: DONE is not called, the process is
 * still reaped by the loop when the kernel hands it back. NULL is fine. */
void hd_child_abandon(struct hd_child *ch);
/* At exit only: forget it and let it run (a notify script telling STOP);
 * whoever inherits it reaps it. */
void hd_child_release(struct hd_child *ch);
pid_t hd_child_pid(const struct hd_child *ch);
/* The object DONE is given from now on (a reload moves its owner). */
void hd_child_set_userdata(struct hd_child *ch, void *ud);
/* A line for the log: "exited with 3", "timed out", ... */
const char *hd_child_result_str(const struct hd_child_result *r, char *buf, size_t size);

#endif
