/* hadirectorctl: talks to a running hadirector over its control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "ctl_client.h"
#include "ctl_proto.h"

#define REPLY_TIMEOUT_MS 10000
/* A reload answers after its parse, which a huge file under load can make
 * longer than any other request. */
#define RELOAD_TIMEOUT_MS 300000

static void usage(FILE *out)
{
	fputs("Usage: hadirectorctl [-s PATH] COMMAND [ARGS]\n\n"
	      "Commands:\n"
	      "  status [--json]        instances, virtual servers, counters\n"
	      "  reload                 reload the configuration (non-zero exit if invalid)\n"
	      "  reload --plan [--json] [--file PATH]\n"
	      "                         what a reload (to PATH) would do, without doing it\n"
	      "  dump                   write the full state to the daemon's log\n"
	      "  ping                   check that the daemon answers\n"
	      "  drain VS RS [--wait [SECONDS]]\n"
	      "                         set a real server's weight to 0; with --wait, return\n"
	      "                         when its active connections reach 0 (exit 0) or after\n"
	      "                         SECONDS (default 300; exit 3, it stays drained)\n"
	      "  undrain VS RS          give it back its weight\n"
	      "  weight VS RS N|reset   set a real server's weight at runtime (reset: the file's)\n"
	      "  maint VS|--all         drain every real server of VS (or of every VS)\n"
	      "  unmaint VS|--all       end that maintenance\n"
	      "  add-rs VS RS [OPTIONS] add a real server, checked before it takes traffic;\n"
	      "                         OPTIONS as inside its real_server block in the file\n"
	      "                         (e.g. weight = 3 tcp_check { connect_timeout = 2 });\n"
	      "                         no check given: the VS's first checked server's\n"
	      "  remove-rs VS RS        remove a real server and stop its checks\n"
	      "  drain-director         announce mode: withdraw every VIP (IPVS runs on)\n"
	      "  undrain-director       announce them again\n"
	      "  metrics                Prometheus text exposition\n"
	      "  monitor [--json]       print events as they happen, one line each\n\n"
	      "  -s, --control-socket PATH   (default " HD_CTL_DEFAULT_SOCKET ")\n",
	      out);
}

/* write(2) all of it; stdout is a pipe to a pager or a file as often as
 * a terminal, and each line is wanted as soon as it comes. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* monitor: the first line is the answer ("OK" or "ERROR why"), then events
 * until the daemon closes (it stopped, or dropped us: a client that does
 * not keep up is dropped, never waited for) or we are interrupted. */
static int monitor(int fd)
{
	char buf[8192];
	size_t len = 0;
	bool answered = false;

	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (!answered) {
			buf[len] = '\0';
			char *nl = strchr(buf, '\n');
			if (!nl && len < sizeof(buf) - 1)
				continue;
			if (strncmp(buf, "OK\n", 3) != 0) {
				if (nl)
					*nl = '\0';
				fprintf(stderr, "hadirectorctl: %s\n",
					strncmp(buf, "ERROR ", 6) ? buf : buf + 6);
				return 1;
			}
			answered = true;
			len -= 3;
			memmove(buf, buf + 3, len);
		}
		if (write_all(STDOUT_FILENO, buf, len) < 0)
			return 1;
		len = 0;
	}
	fprintf(stderr, "hadirectorctl: %s\n",
		answered ? "the daemon closed the event stream" : "no answer from the daemon");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"control-socket", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0},
	};
	const char *path = HD_CTL_DEFAULT_SOCKET;
	char req[HD_CTL_MAX_REQUEST + 1];
	size_t len = 0;
	int c;

	while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("hadirectorctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		int n =
		    snprintf(req + len, sizeof(req) - len, "%s%s", i > optind ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(req) - len - 1) {
			fprintf(stderr, "hadirectorctl: request too long\n");
			return 2;
		}
		len += (size_t)n;
	}
	req[len++] = '\n';
	/* Check locally first so a typo gets a usage message, not a round trip. */
	struct hd_ctl_request parsed;
	const char *err = hd_ctl_parse(req, len, &parsed);
	if (err) {
		fprintf(stderr, "hadirectorctl: %s\n", err);
		usage(stderr);
		return 2;
	}
	int fd = hd_ctl_connect(path);
	if (fd < 0) {
		fprintf(stderr, "hadirectorctl: cannot connect to %s: %s\n", path, strerror(-fd));
		return 1;
	}
	/* A daemon that rejects us (SO_PEERCRED) closes at once: say so
	 * instead of dying silently of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (write(fd, req, len) != (ssize_t)len) {
		if (errno == EPIPE || errno == ECONNRESET)
			fprintf(stderr, "hadirectorctl: the daemon closed the connection "
					"(only root and the daemon's own user may use it)\n");
		else
			fprintf(stderr, "hadirectorctl: write: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	if (parsed.cmd == HD_CTL_MONITOR || parsed.cmd == HD_CTL_MONITOR_JSON) {
		/* Our side stays open: closing it is how we leave. */
		int r = monitor(fd);
		close(fd);
		return r;
	}
	shutdown(fd, SHUT_WR);
	int ms = parsed.cmd == HD_CTL_RELOAD ? RELOAD_TIMEOUT_MS : REPLY_TIMEOUT_MS;
	if (parsed.cmd == HD_CTL_RELOAD_PLAN) /* it waits for a parse too */
		ms = RELOAD_TIMEOUT_MS;
	if (parsed.cmd == HD_CTL_DRAIN_WAIT) /* its seconds, plus a reply's time */
		ms = atoi(parsed.argv[2]) * 1000 + REPLY_TIMEOUT_MS;
	int r = hd_ctl_reply(fd, ms, "hadirectorctl");
	close(fd);
	return r;
}
