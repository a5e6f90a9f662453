/* hadirector -t --plan -f PATH (reload_plan.h): the running daemon makes
 * the plan, through its control socket, as `hadirectorctl reload --plan
 * --file PATH` asks it: it holds the running state the plan is made
 * against. The path goes as an absolute one (the daemon's working
 * directory is not ours) and as one word of the control protocol. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "reload_plan.h"

/* A plan waits for a parse, as a reload does (hadirectorctl's bound). */
#define PLAN_TIMEOUT_MS 300000

int hd_plan_client(const char *socket_path, const char *path, bool json)
{
	char abs[PATH_MAX], req[HD_CTL_MAX_REQUEST];

	if (!realpath(path, abs)) {
		fprintf(stderr, "hadirector: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int n =
	    snprintf(req, sizeof(req), "reload --plan%s --file %s\n", json ? " --json" : "", abs);
	struct hd_ctl_request parsed;
	const char *err = n > 0 && (size_t)n < sizeof(req) ? hd_ctl_parse(req, (size_t)n, &parsed)
							   : "request too long";
	if (err) { /* blanks or more than 127 bytes: not one word of the protocol */
		fprintf(stderr, "hadirector: --plan: %s: %s\n", abs, err);
		return 1;
	}
	int fd = hd_ctl_connect(socket_path);
	if (fd < 0) {
		fprintf(stderr, "hadirector: --plan: cannot reach the running daemon at %s: %s\n",
			socket_path, strerror(-fd));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (write(fd, req, (size_t)n) != n) {
		fprintf(stderr,
			"hadirector: --plan: the daemon closed the connection (only root and "
			"the daemon's own user may use it)\n");
		close(fd);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	int r = hd_ctl_reply(fd, PLAN_TIMEOUT_MS, "hadirector: --plan");
	close(fd);
	return r;
}
