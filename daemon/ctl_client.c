/* The client side of the control socket (ctl_client.h). */
#include "config.h"

#include "ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int hd_ctl_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Everything the daemon sends until it closes, NUL-terminated in *out.
 * Returns its length (0: the daemon closed without a word), -ETIMEDOUT
 * when nothing came for TIMEOUT_MS, -ENOMEM. */
static ssize_t read_all(int fd, int timeout_ms, char **out)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	for (;;) {
		if (poll(&p, 1, timeout_ms) <= 0) {
			free(buf);
			return -ETIMEDOUT;
		}
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

int hd_ctl_reply(int fd, int timeout_ms, const char *who)
{
	char *buf = NULL;
	ssize_t len = read_all(fd, timeout_ms, &buf);

	if (len < 0) {
		if (len == -ETIMEDOUT)
			fprintf(stderr, "%s: no reply from the daemon\n", who);
		else
			fprintf(stderr, "%s: reading the reply: %s\n", who, strerror((int)-len));
		return 1;
	}
	if (len == 0) {
		fprintf(stderr,
			"%s: empty reply (only root and the daemon's own user may use the "
			"control socket)\n",
			who);
		free(buf);
		return 1;
	}
	char *nl = strchr(buf, '\n');
	char *body = nl ? nl + 1 : buf + len;
	bool ok = !strncmp(buf, "OK", 2) && (buf[2] == '\n' || !buf[2]);
	/* drain --wait's time ran out: its own status (the drain stands) */
	bool timeout = !strncmp(buf, "ERROR timeout", 13) && (buf[13] == '\n' || !buf[13]);
	if (ok) {
		fputs(body, stdout);
	} else {
		if (nl)
			*nl = '\0';
		fprintf(stderr, "%s: %s\n", who, strncmp(buf, "ERROR ", 6) ? buf : buf + 6);
		fputs(body, stderr);
	}
	free(buf);
	return ok ? 0 : timeout ? 3 : 1;
}
