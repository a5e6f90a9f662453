/* hadirector: command line, process setup, signals, the one sd-event loop. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "ctl_proto.h"
#include "daemon.h"
#include "fault.h"
#include "log.h"
#include "modules.h"
#include "snapshot.h"
#include "ops.h"
#include "reload_plan.h"
#include "kaconv/ka_main.h"
#include "announce/announce.h"

#define DEFAULT_CONFIG	 SYSCONFDIR "/hadirector.conf"
#define DEFAULT_PID_FILE RUNSTATEDIR "/hadirector.pid"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: hadirector [OPTIONS]\n"
		"High-availability director: VRRP, IPVS and real server health checks.\n\n"
		"  -f, --config FILE          configuration file (default %s)\n"
		"  -n, --no-daemon            stay in the foreground\n"
		"  -t, --test-config          validate the configuration and exit\n"
		"      --plan [--json]        with -t: what reloading the running daemon\n"
		"                             with it would do (reload_plan), nothing done\n"
		"  -p, --pid-file FILE        pid file (default %s)\n"
		"  -s, --control-socket PATH  control socket (default %s)\n"
		"  -l, --log-console          log to stderr\n"
		"  -v, --verbose              more log output (repeat for debug)\n"
		"      --version              print the version and exit\n"
		"  -h, --help                 this text\n"
		"      --from-keepalived FILE [-o OUT] [--config-id ID]\n"
		"                             convert a keepalived.conf (with -t: check it)\n",
		DEFAULT_CONFIG, DEFAULT_PID_FILE, HD_CTL_DEFAULT_SOCKET);
}

/* Returns -1 to continue, else an exit status. */
static int parse_args(int argc, char **argv, struct hd_options *o)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'f'},
	    {"no-daemon", no_argument, NULL, 'n'},
	    {"test-config", no_argument, NULL, 't'},
	    {"plan", no_argument, NULL, 1001},
	    {"json", no_argument, NULL, 1002},
	    {"pid-file", required_argument, NULL, 'p'},
	    {"control-socket", required_argument, NULL, 's'},
	    {"log-console", no_argument, NULL, 'l'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;

	o->config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "f:ntp:s:lvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->config_path = optarg;
			break;
		case 'n':
			o->no_daemon = true;
			break;
		case 't':
			o->test_config = true;
			break;
		case 1001:
			o->plan = true;
			break;
		case 1002:
			o->plan_json = true;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 's':
			o->control_socket = optarg;
			break;
		case 'l':
			o->log_console = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			printf("hadirector %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hadirector: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if ((o->plan || o->plan_json) && (!o->test_config || !o->plan)) {
		fprintf(stderr, "hadirector: --plan goes with -t, --json with --plan\n");
		return 2;
	}
	return -1;
}

static void stop_now(struct hd_daemon *d)
{
	d->stop_delayed = false;
	/* Masters give up first (priority 0) so a backup starts taking over
	 * while we clean up the rest (modules.c). */
	hd_modules_shutdown(d);
	sd_event_exit(d->event, 0);
}

static int on_stop_delay(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct hd_daemon *d = userdata;

	(void)s, (void)usec;
	if (d->stop_delayed) /* else a second signal already stopped us */
		stop_now(d);
	return 0;
}

/* Announce mode: the VIPs are withdrawn first; IPVS and the checks go on
 * for stop_delay so that the router's move of the flows under way to the
 * other directors (0.1-0.2 s) finds no director without its services
 * (a flow that still arrives here would get a RST). Returns whether the
 * stop was delayed. */
static bool stop_delay(struct hd_daemon *d)
{
	uint64_t delay = announce_stop_begin(d);

	if (!delay || sd_event_add_time_relative(d->event, NULL, CLOCK_MONOTONIC, delay, 0,
						 on_stop_delay, d) < 0)
		return false;
	d->stop_delayed = true;
	hd_notice("announce: withdrawn; IPVS serves the flows under way for %llu ms more "
		  "(announce stop_delay; a second signal stops at once)",
		  (unsigned long long)(delay / 1000));
	return true;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct hd_daemon *d = userdata;

	switch (si->ssi_signo) {
	case SIGHUP:
		hd_reload_request(d, NULL, NULL);
		break;
	case SIGUSR1:
		hd_dump_state(d);
		break;
	default:
		if (d->stopping) {
			if (d->stop_delayed)
				stop_now(d);
			break;
		}
		hd_notice("signal %d: stopping", (int)si->ssi_signo);
		d->stopping = true;
		sd_notify(false, "STOPPING=1\nSTATUS=stopping");
		if (!stop_delay(d))
			stop_now(d);
	}
	return 0;
}

/* The pid file doubles as a lock so two daemons never share one. It is
 * opened without following a symbolic link and checked (a regular file of
 * ours, one link) before anything is written: a link planted at its path
 * must not make root truncate the file it points to. */
static int pidfile_write(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	struct stat st;
	char buf[32];
	int e;

	if (fd < 0) {
		e = errno;
		if (e == ELOOP)
			hd_err("pid file %s is a symbolic link: not following it", path);
		else
			hd_err("pid file %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_nlink != 1) {
		hd_err("pid file %s: not a regular file of uid %u with one link: not using it",
		       path, (unsigned)geteuid());
		close(fd);
		return -EPERM;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		e = errno;
		hd_err("pid file %s is locked: another hadirector is running", path);
		close(fd);
		return -e;
	}
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n) {
		e = errno ? errno : EIO; /* a short write sets none */
		hd_err("pid file %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	return fd; /* kept open: the lock lives as long as we do */
}

static int daemonize(void)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return chdir("/") < 0 ? -errno : 0;
}

static int setup_loop(struct hd_daemon *d)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	/* sd_event_add_child() (scripts, checks) needs SIGCHLD blocked too. */
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Not sd_event_default(): the default loop checks its thread with a
	 * gettid() system call on every iteration. */
	r = sd_event_new(&d->event);
	if (r >= 0)
		r = hd_loop_open(d); /* the loop's own set, with sd-event in it (loop.c) */
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		r = sd_event_add_signal(d->event, NULL, sigs[i], on_signal, d);
		if (r < 0)
			return r;
	}
	/* Pings the service manager's watchdog when WatchdogSec= is set. */
	return sd_event_set_watchdog(d->event, true);
}

static int test_config(const struct hd_options *o)
{
	const char *path = o->config_path;
	struct hd_diag diag = {0};
	struct hd_config *cfg = hd_config_load(path, &diag);

	for (size_t i = 0; i < diag.n; i++)
		fprintf(stderr, "%s\n", diag.lines[i]);
	hd_diag_clear(&diag);
	if (!cfg)
		return 1;
	for (size_t i = 0; i < cfg->warnings.n; i++) /* valid, but costly */
		fprintf(stderr, "%s\n", cfg->warnings.lines[i]);
	/* --plan: the running daemon's socket is -s, else the one this file
	 * names, else the default */
	char *sock = strdup(o->control_socket		 ? o->control_socket
			    : cfg->global.control_socket ? cfg->global.control_socket
							 : HD_CTL_DEFAULT_SOCKET);
	hd_config_free(cfg);
	int r = !o->plan ? 0 : sock ? hd_plan_client(sock, path, o->plan_json) : 1;
	free(sock);
	return r;
}

static void pick_log_target(const struct hd_options *o)
{
	int level = o->verbose >= 2 ? LOG_DEBUG : o->verbose ? LOG_INFO : LOG_NOTICE;

	if (o->log_console)
		hd_log_setup(HD_LOG_STDERR, level);
	else if (getenv("JOURNAL_STREAM") || getenv("NOTIFY_SOCKET"))
		hd_log_setup(HD_LOG_JOURNAL, level);
	else
		hd_log_setup(HD_LOG_SYSLOG, level);
}

static int run(struct hd_daemon *d)
{
	int r;

	r = setup_loop(d);
	if (r < 0) {
		hd_err("event loop setup: %s", strerror(-r));
		return 1;
	}
	d->start_usec = hd_now_usec();
	d->pid = (int)getpid();
	hd_apply_scheduling(d);
	hd_fault_arm("start"); /* test builds: fault.h */
	r = hd_control_start(d);
	if (r >= 0)
		r = hd_modules_init(d);
	hd_fault_disarm();
	if (r < 0) {
		hd_err("startup failed");
		return 1;
	}
	hd_mark_dirty(d);
	hd_trim_later(d);
	hd_notice("hadirector %s started: %zu VRRP instances, %zu virtual servers", PACKAGE_VERSION,
		  d->config->n_instances, d->config->n_virtual_servers);
	sd_notify(false, "READY=1\nSTATUS=running");
	r = hd_loop_run(d);
	hd_notice("hadirector stopped");
	return r < 0 ? 1 : 0;
}

static void cleanup(struct hd_daemon *d)
{
	hd_reload_free(d);
	hd_reload_plan_free(d);
	hd_snapshot_free_all(d);
	hd_control_stop(d);
	hd_modules_free(d);
	sd_event_source_disable_unref(d->reconcile_src);
	hd_loop_close(d);
	sd_event_unref(d->event);
	hd_config_free(d->config);
	free(d->control_path);
}

/* The pass hd_mark_dirty() asks for: IPVS follows the verdicts, then the
 * announcements (a route draws flows only to a table in place). */
static void reconcile(struct hd_daemon *d)
{
	ipvs_reconcile(d);
	announce_reconcile(d);
}

int main(int argc, char **argv)
{
	/* the pass hd_mark_dirty() asks for: IPVS follows the verdicts */
	struct hd_daemon d = {.reconcile = reconcile, .loop_fd = -1};
	struct hd_diag diag = {0};
	int r, pidfd;

	if (ka_wanted(argc, argv))
		return ka_main(argc, argv);
	r = parse_args(argc, argv, &d.opts);
	if (r >= 0)
		return r;
	if (d.opts.test_config)
		return test_config(&d.opts);
	if (!d.opts.no_daemon && !getenv("NOTIFY_SOCKET") && (r = daemonize()) < 0) {
		fprintf(stderr, "hadirector: daemonize: %s\n", strerror(-r));
		return 1;
	}
	pick_log_target(&d.opts);
	/* No transparent huge pages: where the kernel backs anonymous memory
	 * with them always (Debian's default), the parse's malloc arena, 64 MB
	 * aligned, got whole 2 MB pages that malloc_trim cannot give back:
	 * 2.5-4.4 MB resident for 0.45 MB in use at 1,000 real servers. A
	 * daemon of a few MB gains nothing from them. Scripts inherit it. */
	(void)prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	d.config = hd_config_load_apart(d.opts.config_path, &diag);
	for (size_t i = 0; i < diag.n; i++)
		hd_err("%s", diag.lines[i]);
	hd_diag_clear(&diag);
	if (!d.config)
		return 1;
	d.control_path = strdup(d.opts.control_socket		  ? d.opts.control_socket
				: d.config->global.control_socket ? d.config->global.control_socket
								  : HD_CTL_DEFAULT_SOCKET);
	const char *pidpath = d.opts.pid_file		  ? d.opts.pid_file
			      : d.config->global.pid_file ? d.config->global.pid_file
							  : DEFAULT_PID_FILE;
	pidfd = pidfile_write(pidpath);
	if (pidfd < 0) {
		hd_config_free(d.config);
		free(d.control_path);
		return 1;
	}
	r = run(&d);
	cleanup(&d);
	unlink(pidpath);
	close(pidfd);
	return r;
}
