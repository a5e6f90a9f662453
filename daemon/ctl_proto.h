/* Control protocol (PURE): one request line in, "OK" or "ERROR text" line
 * plus a body out, then the server closes. See hadirectorctl(8). */
#ifndef HD_CTL_PROTO_H
#define HD_CTL_PROTO_H

#include <stddef.h>

#define HD_CTL_DEFAULT_SOCKET RUNSTATEDIR "/hadirector.sock" /* configure: /run */
#define HD_CTL_MAX_REQUEST    4096
#define HD_CTL_MAX_ARGS	      8
#define HD_CTL_WAIT_DEFAULT   300 /* drain --wait: seconds */
#define HD_CTL_WAIT_MAX	      86400

enum hd_ctl_cmd {
	HD_CTL_STATUS,
	HD_CTL_STATUS_JSON,
	HD_CTL_RELOAD,
	HD_CTL_RELOAD_PLAN, /* reload --plan [--json] [--file PATH]: argv, the words after --plan */
	HD_CTL_DUMP,
	HD_CTL_PING,
	HD_CTL_DRAIN,	/* VS RS */
	HD_CTL_UNDRAIN, /* VS RS */
	HD_CTL_WEIGHT,	/* VS RS N */
	HD_CTL_METRICS,
	HD_CTL_MONITOR,	       /* the connection stays open: one line per event */
	HD_CTL_MONITOR_JSON,   /* the same as JSON lines */
	HD_CTL_DRAIN_WAIT,     /* VS RS --wait [SECONDS]: argv[2] the timeout */
	HD_CTL_MAINT,	       /* VS */
	HD_CTL_UNMAINT,	       /* VS */
	HD_CTL_MAINT_ALL,      /* maint --all */
	HD_CTL_UNMAINT_ALL,    /* unmaint --all */
	HD_CTL_DRAIN_DIRECTOR, /* announce mode: withdraw every VIP */
	HD_CTL_UNDRAIN_DIRECTOR,
	HD_CTL_ADD_RS,			    /* VS RS, body: the real_server block's inside */
	HD_CTL_REMOVE_RS,		    /* VS RS */
	HD_CTL_CMD_LAST = HD_CTL_REMOVE_RS, /* the bound the fuzz target checks */
};

struct hd_ctl_request {
	enum hd_ctl_cmd cmd;
	size_t argc;
	char argv[HD_CTL_MAX_ARGS][128];
	/* add-rs: the rest of the line after VS RS, blanks kept ("" if none) */
	char body[HD_CTL_MAX_REQUEST + 1];
};

/* Parse one request (without or with its trailing newline). Returns NULL
 * on success, or a static text saying what is wrong. */
const char *hd_ctl_parse(const char *buf, size_t len, struct hd_ctl_request *req);

#endif
