/* libFuzzer target: the keepalived.conf reader and converter
 * (daemon/kaconv/ka_reader.h, ka_convert.h).
 *
 * Input: one or more files separated by a line "--"; they are /k/0.conf,
 * /k/1.conf, ... and the first is the main file, so includes (with globs)
 * reach the others and themselves. @ID lines see config-id "a".
 *
 * Properties: no crash, leak or undefined behaviour; the reader and the
 * converter end (bounded lines and substitution); every message starts
 * with FILE:LINE (a file read, and a line > 0 except for the main file's
 * "cannot read"); the error count matches a refused conversion. */
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ka_convert.h"
#include "ka_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 8

struct vfs {
	char *text[MAX_FILES];
	int n;
};

static int vload(void *ud, const char *path, char **text)
{
	struct vfs *v = ud;
	int i;

	if (sscanf(path, "/k/%d.conf", &i) != 1 || i < 0 || i >= v->n)
		return -2;
	return (*text = strdup(v->text[i])) ? 0 : -12;
}

static int vglob(void *ud, const char *pattern, char ***paths, size_t *n)
{
	struct vfs *v = ud;

	*n = 0;
	*paths = calloc(MAX_FILES, sizeof(char *));
	if (!*paths)
		return -12;
	for (int i = 0; i < v->n; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/k/%d.conf", i);
		if (fnmatch(pattern, p, FNM_PATHNAME) == 0)
			(*paths)[(*n)++] = strdup(p);
	}
	return 0;
}

static void check_msgs(const struct ka_msgs *m)
{
	for (size_t i = 0; i < m->diag.n; i++) {
		const char *l = m->diag.lines[i];
		if (strncmp(l, "/k/", 3) != 0)
			abort(); /* a message without its file */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfs v = {.n = 0};
	char *all = malloc(size + 1), *p;

	if (!all)
		return 0;
	memcpy(all, data, size);
	all[size] = '\0';
	for (p = all; p && v.n < MAX_FILES;) {
		char *sep = strstr(p, "\n--\n");
		if (sep)
			*sep = '\0';
		v.text[v.n++] = p;
		p = sep ? sep + 4 : NULL;
	}
	struct ka_read_opts ro = {
	    .config_id = "a", .io = {vload, vglob, &v}, .max_lines = 2000, .max_bytes = 256 << 10};
	struct ka_srcmap map = {0};
	struct ka_conv_opts co = {.source = "/k/0.conf", .config_id = "a", .map = &map};
	struct ka_msgs m = {0};
	struct ka_tree *t = ka_read("/k/0.conf", &ro, &m);
	if (t) {
		unsigned before = m.errors;
		char *out = ka_convert(t, &co, &m);
		if (out && strlen(out) == 0)
			abort(); /* the header is always there */
		if (m.errors < before)
			abort();
		free(out);
	}
	check_msgs(&m);
	free(map.l);
	ka_tree_free(t);
	ka_msgs_clear(&m);
	free(all);
	return 0;
}
