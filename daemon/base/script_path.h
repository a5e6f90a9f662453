/* Is a command line safe to run as script_user? Pure decision code: the
 * file system is reached only through the two callbacks of struct sp_fs,
 * so the rules are tested with a table of fake inodes
 * (tests/unit/test_script_path.c) and config_validate.c plugs in lstat()
 * and readlink().
 *
 * The rules (man hadirector.conf, SCRIPTS):
 *  - the line is split into words as /bin/sh does (blanks, '', "", \);
 *    anything that makes it more than one simple command (unquoted
 *    ; & | < > ( ) newline, $( or ` outside single quotes) is refused;
 *  - the first word, the program, is an absolute path with no run-time
 *    expansion ($ * ? [ {) to an executable regular file that is safe,
 *    and so is the interpreter of its "#!" line, if it has one;
 *  - a known interpreter (sh, bash, dash, ash, ksh, mksh, zsh, python*,
 *    perl, env) is looked through: its script file (first non-option
 *    argument) must be safe too; a shell's -c string is checked again as
 *    a command line; code given as an option (python -c/-m, perl -e/-E,
 *    env -S) is refused;
 *  - safe: the file, every directory from / to it and every symbolic
 *    link on the way are owned by a trusted uid, and none of those
 *    directories nor the file is writable by group or others, except a
 *    sticky directory (like /tmp): there only the entry's owner (trusted)
 *    may rename or delete it. */
#ifndef HD_SCRIPT_PATH_H
#define HD_SCRIPT_PATH_H

#include <stdbool.h>
#include <stddef.h>

struct sp_inode {
	unsigned mode; /* st_mode: type and permission bits */
	unsigned uid;
};

struct sp_fs {
	/* lstat(2): 0, or a negative errno. */
	int (*lstat)(void *ud, const char *path, struct sp_inode *st);
	/* readlink(2) into BUF, NUL-terminated: its length, or a negative
	 * errno (-ENAMETOOLONG when it does not fit). */
	int (*readlink)(void *ud, const char *path, char *buf, size_t size);
	/* Optional: the first SIZE - 1 bytes of regular file PATH into BUF,
	 * NUL-terminated: their number, or a negative errno. Used for the
	 * interpreter of a "#!" line. */
	int (*head)(void *ud, const char *path, char *buf, size_t size);
	void *ud;
	const unsigned *trusted; /* owners allowed: root, the daemon, script_user */
	size_t n_trusted;
	const char *trusted_desc; /* for messages: "root", "root or nobody" */
};

/* Checks file PATH by the "safe" rule; EXEC also wants an execute bit.
 * Returns 0, or -EPERM (refused: unsafe, missing, or not checkable) with
 * one message "script PATH: why" in MSG. RESOLVED
 * (PATH_MAX bytes, may be NULL) gets the physical path on success. */
int sp_check_file(const struct sp_fs *fs, const char *path, bool exec, char *resolved, char *msg,
		  size_t msglen);

/* Checks the command line CMD by all the rules above. Returns 0, or -EPERM
 * with one message in MSG. */
int sp_check_command(const struct sp_fs *fs, const char *cmd, char *msg, size_t msglen);

#endif
