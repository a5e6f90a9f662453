/* The control socket's client side (daemon/ctl_client.c), on real sockets:
 * hd_ctl_reply() against replies a daemon could send, written into a
 * socketpair (the exit status and what goes to stdout and stderr), and
 * hd_ctl_connect() against a listening socket, a missing one and a path
 * too long for sockaddr_un. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_client.h"
#include "unit.h"

struct reply_case {
	const char *reply; /* NULL: the daemon writes nothing and stays */
	int status;
	const char *out, *err; /* err: how stderr starts */
};

static const struct reply_case cases[] = {
    {"OK\nVI_1 MASTER\n", 0, "VI_1 MASTER\n", ""},
    {"OK", 0, "", ""},
    {"OK\n", 0, "", ""},
    {"ERROR unknown real server\n", 1, "", "W: unknown real server\n"},
    {"ERROR broken.conf:3: syntax\nbroken.conf:4: more\n", 1, "",
     "W: broken.conf:3: syntax\nbroken.conf:4: more\n"},
    /* drain --wait's time ran out: status 3, and only for that word */
    {"ERROR timeout\n2 connections left\n", 3, "", "W: timeout\n2 connections left\n"},
    {"ERROR timeout", 3, "", "W: timeout\n"},
    {"ERROR timeouts\n", 1, "", "W: timeouts\n"},
    {"OKAY\n", 1, "", "W: OKAY\n"},
    {"", 1, "", "W: empty reply (only root"}, /* a refused peer: closed at once */
    {NULL, 1, "", "W: no reply from the daemon\n"},
};

/* What FILE holds from the start, NUL-terminated (at most CAP - 1). */
static void slurp(FILE *f, char *buf, size_t cap)
{
	fflush(f);
	rewind(f);
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
}

/* hd_ctl_reply() on REPLY with fd 1 and 2 sent to files: the status, and
 * what each got. */
static int run_reply(const char *reply, size_t len, char *out, char *err, size_t cap)
{
	int sv[2], keep1 = dup(1), keep2 = dup(2);
	FILE *fo = tmpfile(), *fe = tmpfile();

	if (keep1 < 0 || keep2 < 0 || !fo || !fe || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("setup");
		exit(1);
	}
	if (reply && write(sv[1], reply, len) != (ssize_t)len) {
		perror("write");
		exit(1);
	}
	if (reply)
		close(sv[1]);
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	int status = hd_ctl_reply(sv[0], 50, "W");
	fflush(stdout);
	fflush(stderr);
	dup2(keep1, 1);
	dup2(keep2, 2);
	close(keep1);
	close(keep2);
	close(sv[0]);
	if (!reply)
		close(sv[1]);
	slurp(fo, out, cap);
	slurp(fe, err, cap);
	fclose(fo);
	fclose(fe);
	return status;
}

static void test_replies(void)
{
	static char out[65536], err[65536];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct reply_case *c = &cases[i];
		int st =
		    run_reply(c->reply, c->reply ? strlen(c->reply) : 0, out, err, sizeof(out));
		EXPECT(st == c->status, "case %zu: status %d, want %d", i, st, c->status);
		EXPECT(!strcmp(out, c->out), "case %zu: stdout '%s', want '%s'", i, out, c->out);
		EXPECT(!strncmp(err, c->err, strlen(c->err)) && (*c->err || !*err),
		       "case %zu: stderr '%s', want '%s'", i, err, c->err);
	}
	/* a body longer than the first buffers (8 KiB, then doubled) comes
	 * whole, in order */
	static char big[40000];
	memcpy(big, "OK\n", 3);
	for (size_t i = 3; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	int st = run_reply(big, sizeof(big), out, err, sizeof(out));
	CHECK(st == 0);
	EXPECT(strlen(out) == sizeof(big) - 3 && !memcmp(out, big + 3, sizeof(big) - 3),
	       "a 40000-byte reply: %zu bytes out", strlen(out));
}

static void test_connect(void)
{
	char dir[] = "/tmp/test_ctl_client.XXXXXX", path[128], longp[200];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	strcpy(sa.sun_path, path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0) {
		perror("listen");
		exit(1);
	}
	int fd = hd_ctl_connect(path);
	EXPECT(fd >= 0, "connect to a listening socket: %d", fd);
	if (fd >= 0) {
		int a = accept(l, NULL, NULL);
		EXPECT(a >= 0, "the daemon side sees the connection");
		if (a >= 0)
			close(a);
		close(fd);
	}
	close(l);
	unlink(path);
	fd = hd_ctl_connect(path);
	EXPECT(fd == -ENOENT, "no socket: %d, want -ENOENT", fd);
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	fd = hd_ctl_connect(longp);
	EXPECT(fd == -ENAMETOOLONG, "a path longer than sun_path: %d", fd);
	rmdir(dir);
}

int main(void)
{
	test_replies();
	test_connect();
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	return failures ? 1 : 0;
}
