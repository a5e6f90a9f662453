/* keepalived.conf tree (ka_reader.h) -> hadirector.conf text (pure).
 *
 * Every keyword is looked up in a rule table per block (ka_rules*.c): it is
 * carried over (renamed, its value rewritten), left out with a warning when
 * keepalived itself ignores it or it has no effect, or refused with an error
 * saying what hadirector lacks. keepalived's defaults that differ from
 * hadirector's are written out. Comments go with the lines they stood by;
 * a line left out stays in the output as a comment saying why.
 */
#ifndef KA_CONVERT_H
#define KA_CONVERT_H

#include "ka_reader.h"

/* Where each line of the output came from: l[N] for output line N + 1
 * (file NULL: the converter's own header). */
struct ka_srcline {
	const char *file; /* the tree's */
	int line;
};
struct ka_srcmap {
	struct ka_srcline *l;
	size_t n, cap;
};

struct ka_conv_opts {
	const char *source;    /* the keepalived file, for the header */
	const char *config_id; /* for the header */
	/* Absolute path of a command keepalived would find in PATH (malloc'ed),
	 * or NULL; NULL callback = leave relative commands as they are. */
	char *(*which)(void *ud, const char *cmd);
	void *ud;
	struct ka_srcmap *map; /* filled when not NULL (free map->l) */
	/* Interfaces renamed on the way ("OLD=NEW"), e.g. to a test lab's. */
	const char *const *rename_if;
	size_t n_rename_if;
	/* A host name's address as text into OUT (LEN bytes), as keepalived
	 * resolves smtp_server when it starts; < 0 when it does not resolve.
	 * NULL: nothing resolves (tests, the fuzz target). */
	int (*resolve)(void *ud, const char *name, char *out, size_t len);
	/* The shell /bin/sh is here, which keepalived's system() runs a
	 * "</FILE" script with: the name of the file it leads to ("bash",
	 * "dash") into OUT (LEN bytes); < 0 or a NULL callback: not known. */
	int (*shell)(void *ud, char *out, size_t len);
};

/* The hadirector.conf text (malloc'ed); NULL only when out of memory.
 * Errors and warnings go to M; with M->errors the text must not be used. */
char *ka_convert(const struct ka_tree *t, const struct ka_conv_opts *o, struct ka_msgs *m);

#endif
