/* keepalived.conf, read the way keepalived reads it (pure: the files come
 * through a callback).
 *
 * keepalived's parser works on lines: comments (`!`, `#`) are cut, `@ID`
 * lines selected, `$NAME=value` definitions taken and `$NAME`/`${NAME}`
 * replaced, `~SEQ` lines repeated, `include` patterns followed, and what is
 * left is split at every `{` and `}` (outside double quotes) into keyword
 * lines and braces. The result here is that structure as a tree: one node
 * per keyword line, a block's lines as its children, each with the file and
 * line it came from and the comments written around it, so that a
 * converter can carry them over.
 */
#ifndef KA_READER_H
#define KA_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "hd_config.h"

struct ka_node {
	char *kw;    /* first word of the line */
	char **args; /* the other words, quotes removed */
	size_t nargs;
	const char *file; /* owned by the tree */
	int line;
	char *lead;	       /* comment lines just before it ('\n'-joined), or NULL */
	char *tail;	       /* comment at the end of its line, or NULL */
	char *end_lead;	       /* block: comments before its closing brace */
	bool block;	       /* followed by { ... } */
	struct ka_node *child; /* first line of the block */
	struct ka_node *next;
};

/* Warnings and errors, each "FILE:LINE: ..." (warnings say "warning: "). */
#define KA_MAX_MSGS 1000

struct ka_msgs {
	struct hd_diag diag; /* the first KA_MAX_MSGS */
	unsigned errors, warnings;
	unsigned dropped; /* beyond those: counted, not kept */
};

struct ka_io {
	/* The whole file as a NUL-terminated malloc'ed string; 0 or -errno. */
	int (*load)(void *ud, const char *path, char **text);
	/* The paths matching an absolute glob pattern, sorted, each and the
	 * array malloc'ed; 0 (also for no match) or -errno. */
	int (*glob)(void *ud, const char *pattern, char ***paths, size_t *n);
	void *ud;
};

struct ka_read_opts {
	const char *config_id; /* what `@ID` lines are compared with; NULL = none */
	struct ka_io io;
	unsigned long max_lines; /* lines ~SEQ and definitions may produce; 0 = 1000000 */
	size_t max_bytes;	 /* text of all lines together; 0 = 64 MB */
};

struct ka_tree {
	struct ka_node root; /* root.child: the top-level lines */
	char **files;	     /* every file read, in order (node->file points here) */
	size_t n_files;
	char *end_comments; /* comments after the last line */
};

/* Returns NULL only when out of memory or the main file cannot be read;
 * otherwise a tree, with whatever could not be read reported in M. */
struct ka_tree *ka_read(const char *path, const struct ka_read_opts *o, struct ka_msgs *m);
void ka_tree_free(struct ka_tree *t);

void ka_warn(struct ka_msgs *m, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ka_error(struct ka_msgs *m, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ka_msgs_clear(struct ka_msgs *m);

#endif
