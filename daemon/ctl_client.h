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

#endif
