/* The client side of the control socket, shared by hadirectorctl and
 * hadirector -t --plan (reload_plan_client.c). Not pure (sockets): kept
 * apart from ctl_proto.c, which the unit test and the fuzz target build
 * alone. */
#ifndef HD_CTL_CLIENT_H
#define HD_CTL_CLIENT_H

/* Connects to the daemon's control socket at PATH. Returns the socket
 * (close-on-exec) or -errno (-ENAMETOOLONG: PATH does not fit a
 * sockaddr_un); says nothing itself, the caller names the failure. */
int hd_ctl_connect(const char *path);

/* Reads the daemon's reply to one request until it closes (waiting at most
 * TIMEOUT_MS for each part of it) and prints it: the body to stdout, or the
 * error line and the body to stderr, each message led by WHO (the program,
 * e.g. "hadirectorctl"). Returns the exit status: 0 OK, 3 "ERROR timeout"
 * (drain --wait's time ran out; the drain stands), 1 any other error, no
 * reply, or the daemon closing without one (a peer it refused). */
int hd_ctl_reply(int fd, int timeout_ms, const char *who);

#endif
