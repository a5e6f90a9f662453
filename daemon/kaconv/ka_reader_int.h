/* Inside the keepalived.conf reader: its state, shared by ka_reader.c (the
 * tree) and ka_lines.c (what happens to each line before). */
#ifndef KA_READER_INT_H
#define KA_READER_INT_H

#include "ka_reader.h"

struct ka_def {
	char *name;
	char *value; /* lines of a multi-line definition are '\n'-separated */
};

struct rd {
	const struct ka_read_opts *o;
	struct ka_tree *t;
	struct ka_msgs *m;
	const char *file; /* the file being read (a name the tree owns) */
	int line;
	int depth;	/* open blocks */
	int dead_depth; /* blocks opened beyond MAX_DEPTH, dropped */
	struct {
		struct ka_node *parent, *last;
		const char *file; /* where its '{' was */
		int line;
	} level[64];
	struct ka_node *line_node;  /* the last keyword line of this line */
	struct ka_node *want_block; /* a block keyword whose '{' has not come yet */
	struct ka_node *orphans;    /* blocks without a keyword, dropped */
	char *pending;		    /* comments waiting for the next keyword line */
	struct ka_def *defs;
	size_t n_defs;
	struct ka_def *ml; /* multi-line definition being read */
	int include_depth;
	bool too_many_files;
	unsigned long produced, max_produced;
	size_t bytes, max_bytes; /* of the lines given to the tree */
	size_t max_expansion;
	int max_include;
};

bool ka_decomment(char *s, char **comment, bool *unterminated);
void ka_emit_line(struct rd *r, const char *s, char *tail);
void ka_add_comment(struct rd *r, const char *c);
void ka_physical_line(struct rd *r, char *s);
void ka_end_multiline(struct rd *r);
int ka_read_file(struct rd *r, const char *path);
void ka_rd_free(struct rd *r);
void ka_free_words(char **w, size_t n);

#endif
