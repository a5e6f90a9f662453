/* Table-driven tests of the script safety rules (daemon/base/script_path.c) on
 * a fake file system: each inode is a row (path, type and mode, owner,
 * link target or the start of a regular file).
 * tests/netns/fault-security.sh checks the same rules on the real file
 * system through hadirector -t and a reload. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "script_path.h"
#include "unit.h"

#define D(m) (S_IFDIR | (m))
#define F(m) (S_IFREG | (m))
#define L    (S_IFLNK | 0777)

struct inode {
	const char *path;
	unsigned mode, uid;
	const char *target;
};

static const struct inode tree[] = {
    {"/", D(0755), 0, NULL},
    {"/usr", D(0755), 0, NULL},
    {"/usr/bin", D(0755), 0, NULL},
    {"/usr/bin/sh", L, 0, "dash"},
    {"/usr/bin/dash", F(0755), 0, NULL},
    {"/usr/bin/bash", F(0755), 0, NULL},
    {"/usr/bin/env", F(0755), 0, NULL},
    {"/usr/bin/python3", L, 0, "python3.11"},
    {"/usr/bin/python3.11", F(0755), 0, NULL},
    {"/usr/bin/perl", F(0755), 0, NULL},
    {"/usr/bin/true", F(0755), 0, NULL},
    {"/usr/bin/timeout", F(0755), 0, NULL},
    {"/usr/local", D(0755), 0, NULL},
    {"/usr/local/bin", D(0755), 0, NULL},
    {"/usr/local/bin/mysh", L, 0, "/usr/bin/bash"},
    {"/bin", L, 0, "usr/bin"},
    {"/etc", D(0755), 0, NULL},
    {"/etc/hd", D(0755), 0, NULL},
    {"/etc/hd/ok.sh", F(0755), 0, NULL},
    {"/etc/hd/data.sh", F(0644), 0, NULL},
    {"/etc/hd/gw.sh", F(0775), 0, NULL},
    {"/etc/hd/ow.sh", F(0757), 0, NULL},
    {"/etc/hd/nob.sh", F(0755), 65534, NULL},
    {"/etc/hd/user.sh", F(0755), 1000, NULL},
    {"/etc/hd/dir.sh", D(0755), 0, NULL},
    {"/etc/hd/bad-link", L, 0, "/tmp/evil.sh"},
    {"/etc/hd/good-link", L, 0, "../hd/./ok.sh"},
    {"/etc/hd/loop", L, 0, "loop"},
    {"/etc/hd/nobody-link", L, 65534, "ok.sh"},
    {"/etc/hd/sb-ok.sh", F(0755), 0, "#!/bin/sh -e\nexit 0\n"},
    {"/etc/hd/sb-env.sh", F(0755), 0, "#!/usr/bin/env python3\n"},
    {"/etc/hd/sb-evil.sh", F(0755), 0, "#! /tmp/evil.sh -x\n"},
    {"/etc/hd/sb-rel.sh", F(0755), 0, "#!sh\n"},
    {"/etc/hd/sb-dir.sh", F(0755), 0, "#!/opt/gw/s.sh"},
    {"/etc/hd/sb-chain.sh", F(0755), 0, "#!/etc/hd/sb-evil.sh\n"},
    {"/etc/hd/sb-loop.sh", F(0755), 0, "#!/etc/hd/sb-loop.sh\n"},
    {"/etc/hd/sb-link", L, 0, "sb-evil.sh"},
    {"/etc/hd/not-sb.sh", F(0755), 0, "# !/tmp/evil.sh\n"},
    {"/tmp", D(01777), 0, NULL},
    {"/tmp/evil.sh", F(0777), 0, NULL},
    {"/tmp/root.sh", F(0755), 0, NULL},
    {"/tmp/nob.sh", F(0755), 65534, NULL},
    {"/tmp/x", D(0755), 65534, NULL},
    {"/tmp/x/s.sh", F(0755), 0, NULL},
    {"/tmp/rx", D(0755), 0, NULL},
    {"/tmp/rx/s.sh", F(0755), 0, NULL},
    {"/opt", D(0755), 0, NULL},
    {"/opt/gw", D(0775), 0, NULL},
    {"/opt/gw/s.sh", F(0755), 0, NULL},
    {"/opt/ow", D(0777), 0, NULL},
    {"/opt/ow/s.sh", F(0755), 0, NULL},
    {"/opt/gsticky", D(01770), 0, NULL},
    {"/opt/gsticky/s.sh", F(0755), 0, NULL},
    {"/opt/other", D(0755), 1000, NULL},
    {"/opt/other/s.sh", F(0755), 0, NULL},
    {"/srv", L, 0, "/opt/gw"},
    {NULL, 0, 0, NULL},
};

/* The same, but / is group-writable. */
static const struct inode open_root[] = {
    {"/", D(0775), 0, NULL},
    {"/x.sh", F(0755), 0, NULL},
    {NULL, 0, 0, NULL},
};

static const struct inode *find(const struct inode *t, const char *path)
{
	for (; t->path; t++)
		if (strcmp(t->path, path) == 0)
			return t;
	return NULL;
}

static int fake_lstat(void *ud, const char *path, struct sp_inode *st)
{
	const struct inode *i = find(ud, path);

	if (!i)
		return -ENOENT;
	st->mode = i->mode;
	st->uid = i->uid;
	return 0;
}

static int fake_readlink(void *ud, const char *path, char *buf, size_t size)
{
	const struct inode *i = find(ud, path);

	if (!i)
		return -ENOENT;
	if (!S_ISLNK(i->mode))
		return -EINVAL;
	if (strlen(i->target) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, i->target);
	return (int)strlen(buf);
}

static int fake_head(void *ud, const char *path, char *buf, size_t size)
{
	const struct inode *i = find(ud, path);

	if (!i)
		return -ENOENT;
	snprintf(buf, size, "%s", S_ISREG(i->mode) && i->target ? i->target : "");
	return (int)strlen(buf);
}

static const unsigned root_only[] = {0};
static const unsigned with_user[] = {0, 1000};

static struct sp_fs fake(const struct inode *t, bool user)
{
	return (struct sp_fs){.lstat = fake_lstat,
			      .readlink = fake_readlink,
			      .head = fake_head,
			      .ud = (void *)t,
			      .trusted = user ? with_user : root_only,
			      .n_trusted = user ? 2 : 1,
			      .trusted_desc = user ? "root or hd (script_user)" : "root"};
}

/* error NULL: accepted; otherwise refused with that substring. */
static const struct {
	const char *path;
	bool exec;
	const char *error;
	const char *resolved;
} file_cases[] = {
    {"/etc/hd/ok.sh", true, NULL, "/etc/hd/ok.sh"},
    {"/usr/bin/true", true, NULL, "/usr/bin/true"},
    {"/bin/sh", true, NULL, "/usr/bin/dash"},
    {"/usr/local/bin/mysh", true, NULL, "/usr/bin/bash"},
    {"/etc/hd/data.sh", false, NULL, "/etc/hd/data.sh"},
    {"/etc/hd/data.sh", true, "script /etc/hd/data.sh: not an executable file", NULL},
    {"/etc/hd/dir.sh", true, "script /etc/hd/dir.sh: not an executable file", NULL},
    {"/etc/hd/dir.sh", false, "script /etc/hd/dir.sh: not a regular file", NULL},
    {"/", true, "not an executable file", NULL},
    {"/etc/hd/gw.sh", true, "script /etc/hd/gw.sh: writable by group or others", NULL},
    {"/etc/hd/ow.sh", false, "script /etc/hd/ow.sh: writable by group or others", NULL},
    {"/etc/hd/nob.sh", true, "script /etc/hd/nob.sh: owned by uid 65534, must be owned by root",
     NULL},
    {"/etc/hd/user.sh", true, "owned by uid 1000, must be owned by root", NULL},
    {"/etc/hd/missing.sh", true, "script /etc/hd/missing.sh: No such file or directory", NULL},
    {"/nonexistent/x", true, "script /nonexistent/x: No such file or directory", NULL},
    {"/etc/hd/ok.sh/x", true, "Not a directory", NULL},
    {"/etc/hd/ok.sh/", true, "Not a directory", NULL},
    {"/etc/hd/loop", true, "Too many levels of symbolic links", NULL},
    {"ok.sh", true, "script ok.sh: must be an absolute path", NULL},
    {"./ok.sh", true, "must be an absolute path", NULL},
    {"", true, "must be an absolute path", NULL},
    /* symbolic links: the target and the way to it are checked */
    {"/etc/hd/good-link", true, NULL, "/etc/hd/ok.sh"},
    {"/etc/hd/bad-link", true,
     "script /etc/hd/bad-link: /tmp/evil.sh is writable by group or others", NULL},
    {"/etc/hd/nobody-link", true, "script /etc/hd/nobody-link: owned by uid 65534", NULL},
    {"/srv/s.sh", true, "script /srv/s.sh: directory /opt/gw is group-writable", NULL},
    /* every directory up to / */
    {"/opt/gw/s.sh", true, "script /opt/gw/s.sh: directory /opt/gw is group-writable", NULL},
    {"/opt/ow/s.sh", true, "script /opt/ow/s.sh: directory /opt/ow is world-writable", NULL},
    {"/opt/other/s.sh", true, "/opt/other is owned by uid 1000, must be owned by root", NULL},
    {"/tmp/x/s.sh", true, "/tmp/x is owned by uid 65534", NULL},
    /* sticky directories: only the entry's owner counts */
    {"/tmp/root.sh", true, NULL, "/tmp/root.sh"},
    {"/tmp/rx/s.sh", true, NULL, "/tmp/rx/s.sh"},
    {"/opt/gsticky/s.sh", true, NULL, "/opt/gsticky/s.sh"},
    {"/tmp/nob.sh", true, "owned by uid 65534", NULL},
    {"/tmp/evil.sh", false, "writable by group or others", NULL},
    /* . and .. are walked physically, as the kernel does */
    {"/etc/hd/../hd/./ok.sh", true, NULL, "/etc/hd/ok.sh"},
    {"/usr/bin/../../etc/hd/ok.sh", true, NULL, "/etc/hd/ok.sh"},
    {"/../../etc//hd/ok.sh", true, NULL, "/etc/hd/ok.sh"},
    {"/bin/../etc/hd/ok.sh", true, "script /bin/../etc/hd/ok.sh: No such file", NULL},
    {"/bin/../bin/true", true, NULL, "/usr/bin/true"},
};

static void test_files(void)
{
	struct sp_fs fs = fake(tree, false);

	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		char msg[PATH_MAX + 256] = "", res[PATH_MAX] = "";
		int r = sp_check_file(&fs, file_cases[i].path, file_cases[i].exec, res, msg,
				      sizeof(msg));

		if (!file_cases[i].error) {
			EXPECT(r == 0, "%s: refused: %s", file_cases[i].path, msg);
			EXPECT(strcmp(res, file_cases[i].resolved) == 0, "%s: resolved to %s",
			       file_cases[i].path, res);
		} else {
			EXPECT(r == -EPERM && strstr(msg, file_cases[i].error), "%s: got %d '%s'",
			       file_cases[i].path, r, msg);
		}
	}
}

static void test_trust(void)
{
	struct sp_fs user = fake(tree, true), root = fake(open_root, false);
	char msg[PATH_MAX + 256] = "";

	/* script_user's own files and directories are trusted */
	CHECK(sp_check_file(&user, "/etc/hd/user.sh", true, NULL, msg, sizeof(msg)) == 0);
	CHECK(sp_check_file(&user, "/opt/other/s.sh", true, NULL, msg, sizeof(msg)) == 0);
	CHECK(sp_check_file(&user, "/etc/hd/nob.sh", true, NULL, msg, sizeof(msg)) == -EPERM);
	EXPECT(strstr(msg, "must be owned by root or hd (script_user)"), "%s", msg);
	/* / itself is checked */
	CHECK(sp_check_file(&root, "/x.sh", true, NULL, msg, sizeof(msg)) == -EPERM);
	EXPECT(strstr(msg, "script /x.sh: directory / is group-writable"), "%s", msg);
}

static const struct {
	const char *cmd;
	const char *error; /* NULL: accepted */
} cmd_cases[] = {
    {"/usr/bin/true", NULL},
    {"  /etc/hd/ok.sh arg1 'a b' \"c ${X}\" $Y *", NULL},
    {"'/etc/hd/ok.sh' x", NULL},
    {"/etc/hd/ok.sh 'a;b|c>d $(e) `f`' \"g;h\"", NULL},
    {"/etc/hd/ok.sh #; /tmp/evil.sh", NULL},
    {"/etc/hd/ok.sh\\\n arg", NULL},
    {"/etc/hd/ok.sh a\\;b", NULL},
    {"/etc/hd/gw.sh arg", "script /etc/hd/gw.sh: writable by group or others"},
    {"\"/tmp/evil.sh\"", "script /tmp/evil.sh: writable by group or others"},
    {"", "script: empty command"},
    {"  \t ", "script: empty command"},
    {"FOO=1 /etc/hd/ok.sh", "script FOO=1: must be an absolute path"},
    {"pgrep nginx", "script pgrep: must be an absolute path"},
    /* more than one simple command */
    {"  /etc/hd/ok.sh; /tmp/evil.sh",
     "script /etc/hd/ok.sh: shell syntax ';' is not allowed (at \"; /tmp/evil.sh\")"},
    {"/etc/hd/ok.sh && /tmp/evil.sh", "shell syntax '&'"},
    {"/etc/hd/ok.sh | /tmp/evil.sh", "shell syntax '|'"},
    {"/etc/hd/ok.sh >/dev/null", "shell syntax '>'"},
    {"/etc/hd/ok.sh </dev/null", "shell syntax '<'"},
    {"/etc/hd/ok.sh $(/tmp/evil.sh)", "shell syntax '$(' is not allowed"},
    {"/etc/hd/ok.sh \"$(/tmp/evil.sh)\"", "shell syntax '$(' is not allowed"},
    {"/etc/hd/ok.sh `/tmp/evil.sh`", "shell syntax '`'"},
    {"/etc/hd/ok.sh \"`/tmp/evil.sh`\"", "shell syntax '`'"},
    {"/etc/hd/ok.sh\n/tmp/evil.sh", "shell syntax (a newline)"},
    {"(/tmp/evil.sh)", "shell syntax '('"},
    {"/etc/hd/ok.sh 'open", "unterminated ' quote"},
    {"/etc/hd/ok.sh \"open", "unterminated \" quote"},
    /* a program the shell would choose at run time */
    {"/etc/hd/o*.sh", "script /etc/hd/o*.sh: expanded by the shell at run time"},
    {"$HOME/x.sh", "expanded by the shell"},
    {"\"${D}/x.sh\"", "expanded by the shell"},
    {"/etc/hd/{ok,gw}.sh", "expanded by the shell"},
    {"'/etc/hd/o*.sh'", "script /etc/hd/o*.sh: No such file"},
    /* shells */
    {"/bin/sh /etc/hd/data.sh arg", NULL},
    {"/bin/sh /tmp/evil.sh", "script /tmp/evil.sh: writable by group or others"},
    {"/bin/sh", NULL},
    {"/bin/sh -e -x /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/bin/sh -- /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/bin/sh - /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/bin/sh data.sh", "script data.sh: must be an absolute path"},
    {"/bin/sh /etc/hd/bad-link", "/tmp/evil.sh is writable"},
    {"/bin/sh /opt/gw/s.sh", "directory /opt/gw is group-writable"},
    {"/bin/sh /etc/hd/*.sh", "script /etc/hd/*.sh: expanded by the shell"},
    {"/bin/sh /etc/hd/ok.sh /tmp/evil.sh", NULL}, /* the script's own argument */
    {"/usr/bin/bash -o pipefail /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/bash -euo pipefail /etc/hd/data.sh", NULL},
    {"/usr/bin/bash --norc --rcfile /tmp/evil.sh /etc/hd/ok.sh", "script /tmp/evil.sh"},
    {"/usr/local/bin/mysh /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/dash /tmp/nob.sh", "owned by uid 65534"},
    {"/bin/sh -c '/usr/bin/true x'", NULL},
    {"/bin/sh -c \"/usr/bin/true x\"", NULL},
    {"/bin/sh -c /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/bash -ec '/etc/hd/ok.sh; /tmp/evil.sh'", "shell syntax ';'"},
    {"/bin/sh -c '/usr/bin/env /tmp/evil.sh'", "script /tmp/evil.sh: writable"},
    {"/bin/sh -c \"$CMD\"", "the -c string is expanded by the shell"},
    {"/bin/sh -c '/etc/hd/ok.sh \"$1\"' sh /tmp/evil.sh", NULL},
    {"/bin/sh -c \"/bin/sh -c '/bin/sh -c \\\"/bin/sh -c /bin/sh\\\"'\"", NULL},
    {"/bin/sh -c '/bin/sh -c \"/bin/sh -c /tmp/evil.sh\"'", "/tmp/evil.sh: writable"},
    {"/bin/sh -c", NULL},
    /* env */
    {"/usr/bin/env /tmp/evil.sh", "script /tmp/evil.sh: writable by group or others"},
    {"/usr/bin/env -i FOO=1 /etc/hd/ok.sh a", NULL},
    {"/usr/bin/env -u X -C /tmp -- /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env -uX FOO=/x /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env --unset=X /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env -a /usr/bin/true /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env --argv0 /usr/bin/true /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env - /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/env", NULL},
    {"/usr/bin/env python3 /etc/hd/data.sh", "script python3: must be an absolute path"},
    {"/usr/bin/env /usr/bin/python3 /tmp/evil.sh", "script /tmp/evil.sh"},
    {"/usr/bin/env -S '/tmp/evil.sh x'", "-S runs code that is not in a file"},
    {"/usr/bin/env -iS '/tmp/evil.sh x'", "-S runs code"},
    {"/usr/bin/env --split-string='/tmp/evil.sh'", "--split-string runs code"},
    {"/usr/bin/env /usr/bin/env /usr/bin/env /usr/bin/env /usr/bin/env /usr/bin/true",
     "nested too deeply"},
    /* python, perl */
    {"/usr/bin/python3 /etc/hd/data.sh", NULL},
    {"/usr/bin/python3 -u -W ignore -X dev /etc/hd/data.sh x", NULL},
    {"/usr/bin/python3 /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/python3 -Wignore /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/python3.11 -I /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/python3 -c 'import os'", "script /usr/bin/python3: -c runs code"},
    {"/usr/bin/python3 -Ic 'import os'", "-c runs code"},
    {"/usr/bin/python3 -m http.server", "-m runs code"},
    {"/usr/bin/python3 -", NULL},
    {"/usr/bin/perl -w /etc/hd/data.sh", NULL},
    {"/usr/bin/perl -Mstrict -I/x /etc/hd/data.sh", NULL},
    {"/usr/bin/perl /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/perl -0 /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/perl -l -x /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/perl -I /etc/hd/data.sh /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/perl -wI /etc/hd/data.sh /tmp/evil.sh", "script /tmp/evil.sh: writable"},
    {"/usr/bin/perl -I/etc/hd /etc/hd/data.sh", NULL},
    {"/usr/bin/perl -e 'exec \"/tmp/evil.sh\"'", "-e runs code"},
    {"/usr/bin/perl -wE 1", "-E runs code"},
    /* the kernel runs a #! line's interpreter */
    {"/etc/hd/sb-ok.sh", NULL},
    {"/etc/hd/sb-env.sh", NULL}, /* env's argument (from PATH) is not examined */
    {"/etc/hd/not-sb.sh", NULL},
    {"/etc/hd/sb-evil.sh a", "script /etc/hd/sb-evil.sh: #!/tmp/evil.sh: writable by group"},
    {"/etc/hd/sb-rel.sh", "script /etc/hd/sb-rel.sh: #!sh: must be an absolute path"},
    {"/etc/hd/sb-dir.sh", "#!/opt/gw/s.sh: directory /opt/gw is group-writable"},
    {"/etc/hd/sb-chain.sh",
     "script /etc/hd/sb-chain.sh: #!/etc/hd/sb-evil.sh: #!/tmp/evil.sh: writable"},
    {"/etc/hd/sb-loop.sh", "#! interpreters nested too deeply"},
    {"/etc/hd/sb-link", "script /etc/hd/sb-link: #!/tmp/evil.sh: writable"},
    {"/usr/bin/env /etc/hd/sb-evil.sh", "#!/tmp/evil.sh: writable"},
    {"/bin/sh /etc/hd/sb-evil.sh", NULL}, /* sh reads #! as a comment */
    /* other programs' arguments are not looked at */
    {"/usr/bin/timeout 5 /tmp/evil.sh", NULL},
    {"/usr/bin/true /tmp/evil.sh", NULL},
};

static void test_commands(void)
{
	struct sp_fs fs = fake(tree, false);

	for (size_t i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		char msg[PATH_MAX + 256] = "";
		int r = sp_check_command(&fs, cmd_cases[i].cmd, msg, sizeof(msg));

		if (!cmd_cases[i].error)
			EXPECT(r == 0, "[%s]: refused: %s", cmd_cases[i].cmd, msg);
		else
			EXPECT(r == -EPERM && strstr(msg, cmd_cases[i].error), "[%s]: got %d '%s'",
			       cmd_cases[i].cmd, r, msg);
	}
}

/* Long inputs: paths and command lines past PATH_MAX, deep link chains. */
static void test_limits(void)
{
	static char big[3 * PATH_MAX];
	static char msg[4 * PATH_MAX];
	struct sp_fs fs = fake(tree, false);

	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	CHECK(sp_check_file(&fs, big, true, NULL, msg, sizeof(msg)) == -EPERM);
	CHECK(strstr(msg, "File name too long") != NULL);
	CHECK(sp_check_command(&fs, big + 1, msg, sizeof(msg)) == -EPERM);
	CHECK(strstr(msg, "must be an absolute path") != NULL);
	for (size_t i = 0; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, " ''", 3);
	CHECK(sp_check_command(&fs, big, msg, sizeof(msg)) == -EPERM);
	CHECK(strstr(msg, "must be an absolute path") != NULL);
	memset(big, '/', PATH_MAX - 20);
	strcpy(big + PATH_MAX - 20, "etc/hd/ok.sh");
	CHECK(sp_check_file(&fs, big, true, NULL, msg, sizeof(msg)) == 0);
}

int main(void)
{
	test_files();
	test_trust();
	test_commands();
	test_limits();
	return failures ? 1 : 0;
}
