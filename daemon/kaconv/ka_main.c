/* hadirector --from-keepalived: reads keepalived.conf (its includes too),
 * converts it, and writes the result, or with -t runs it through the
 * daemon's own configuration check (hd_config_load, as `hadirector -t`).
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hd_config.h"
#include "ka_convert.h"
#include "ka_main.h"
#include "ka_reader.h"

int ka_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--from-keepalived", 17) &&
		    (argv[i][17] == '\0' || argv[i][17] == '='))
			return 1;
	return 0;
}

static int io_load(void *ud, const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	(void)ud;
	if (!f)
		return -errno;
	do {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	return 0;
}

static int io_glob(void *ud, const char *pattern, char ***paths, size_t *n)
{
	glob_t g;
	int r = glob(pattern, GLOB_BRACE, NULL, &g);

	(void)ud;
	*paths = NULL;
	*n = 0;
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return r == GLOB_NOSPACE ? -ENOMEM : -EIO;
	*paths = calloc(g.gl_pathc + 1, sizeof(char *));
	for (size_t i = 0; *paths && i < g.gl_pathc; i++) {
		struct stat st;
		if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
			continue; /* keepalived skips directories a pattern matches */
		(*paths)[(*n)++] = strdup(g.gl_pathv[i]);
	}
	globfree(&g);
	return *paths ? 0 : -ENOMEM;
}

/* keepalived resolves smtp_server's host name once, when it starts. */
static int io_resolve(void *ud, const char *name, char *out, size_t len)
{
	struct addrinfo hint = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int r;

	(void)ud;
	if (getaddrinfo(name, NULL, &hint, &res) != 0 || !res)
		return -ENOENT;
	r = getnameinfo(res->ai_addr, res->ai_addrlen, out, (socklen_t)len, NULL, 0,
			NI_NUMERICHOST);
	freeaddrinfo(res);
	return r ? -ENOENT : 0;
}

/* keepalived runs a relative command through PATH. */
static char *io_which(void *ud, const char *cmd)
{
	static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					   "/usr/bin",	      "/sbin",		"/bin"};
	char *p = NULL;

	(void)ud;
	if (strchr(cmd, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (asprintf(&p, "%s/%s", dirs[i], cmd) < 0)
			return NULL;
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* What /bin/sh is: keepalived's system() runs "</FILE" scripts with it. */
static int io_shell(void *ud, char *out, size_t len)
{
	char *real = realpath("/bin/sh", NULL);
	const char *base = real ? strrchr(real, '/') : NULL;
	int r = base ? 0 : -ENOENT;

	(void)ud;
	if (base)
		snprintf(out, len, "%s", base + 1);
	free(real);
	return r;
}

/* The daemon's own check on the converted text (a temporary file), its
 * messages naming the converted file. */
static int validate(const char *file, const char *text, const struct ka_srcmap *map)
{
	char tmp[] = "/tmp/hadirector-from-keepalived-XXXXXX";
	struct hd_diag diag = {0};
	int fd = mkstemp(tmp), bad;
	size_t tl = strlen(tmp);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		fprintf(stderr, "hadirector: temporary file: %s\n", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return 1;
	}
	close(fd);
	struct hd_config *cfg = hd_config_load(tmp, &diag);
	unlink(tmp);
	for (size_t i = 0; i < diag.n; i++) {
		const char *l = diag.lines[i];
		char *end = NULL;
		long n = !strncmp(l, tmp, tl) && l[tl] == ':' ? strtol(l + tl + 1, &end, 10) : 0;
		if (n > 0 && *end == ':' && (size_t)n <= map->n && map->l[n - 1].file)
			fprintf(stderr, "%s:%d:%s (converted line %ld)\n", map->l[n - 1].file,
				map->l[n - 1].line, end + 1, n);
		else if (!strncmp(l, tmp, tl))
			fprintf(stderr, "%s:%s\n", file, l + tl + 1);
		else
			fprintf(stderr, "%s\n", l);
	}
	bad = cfg == NULL;
	hd_diag_clear(&diag);
	hd_config_free(cfg);
	return bad;
}

static int write_out(const char *out, const char *text)
{
	char *tmp = NULL;
	FILE *f;

	if (!out) {
		fputs(text, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (asprintf(&tmp, "%s.tmp", out) < 0)
		return 1;
	f = fopen(tmp, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, out) < 0) {
		fprintf(stderr, "hadirector: %s: %s\n", out, strerror(errno));
		unlink(tmp);
		free(tmp);
		return 1;
	}
	free(tmp);
	return 0;
}

static int run(const char *file, const char *out, const char *id, int test, const char *const *ren,
	       size_t n_ren)
{
	struct ka_read_opts ro = {.config_id = id, .io = {io_load, io_glob, NULL}};
	struct ka_srcmap map = {0};
	struct ka_conv_opts co = {.source = file,
				  .config_id = id,
				  .which = io_which,
				  .resolve = io_resolve,
				  .shell = io_shell,
				  .map = &map,
				  .rename_if = ren,
				  .n_rename_if = n_ren};
	struct ka_msgs m = {0};
	struct ka_tree *t = ka_read(file, &ro, &m);
	char *text = t ? ka_convert(t, &co, &m) : NULL;
	int rc;

	for (size_t i = 0; i < m.diag.n; i++)
		fprintf(stderr, "%s\n", m.diag.lines[i]);
	if (m.dropped)
		fprintf(stderr, "%s: %u more messages not shown\n", file, m.dropped);
	if (!t || !text || m.errors) {
		if (t && !text)
			fprintf(stderr, "%s: out of memory\n", file);
		rc = 1;
	} else if (test) {
		rc = validate(file, text, &map);
	} else {
		rc = write_out(out, text);
	}
	free(text);
	free(map.l);
	ka_tree_free(t);
	ka_msgs_clear(&m);
	return rc;
}

int ka_main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"from-keepalived", required_argument, NULL, 'K'},
	    {"config-id", required_argument, NULL, 'i'},
	    {"output", required_argument, NULL, 'o'},
	    {"test-config", no_argument, NULL, 't'},
	    {"rename-interface", required_argument, NULL, 'R'},
	    {0},
	};
	const char *file = NULL, *out = NULL, *id = NULL, *ren[32];
	size_t n_ren = 0;
	int c, test = 0;
	struct utsname u;
	char host[sizeof(u.nodename)];

	optind = 1;
	while ((c = getopt_long(argc, argv, "to:i:", lo, NULL)) != -1) {
		if (c == 'K')
			file = optarg;
		else if (c == 'i')
			id = optarg;
		else if (c == 'o')
			out = optarg;
		else if (c == 't')
			test = 1;
		else if (c == 'R' && strchr(optarg, '=') && n_ren < 32)
			ren[n_ren++] = optarg;
		else
			goto usage;
	}
	if (!file || optind < argc)
		goto usage;
	if (!id && uname(&u) == 0) { /* keepalived: the host name up to the first dot */
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(u.nodename, "."), u.nodename);
		id = host;
	}
	return run(file, out, id, test, ren, n_ren);
usage:
	fprintf(stderr, "Usage: hadirector [-t] --from-keepalived FILE [-o OUT] [--config-id ID]\n"
			"                  [--rename-interface OLD=NEW]...\n");
	return 2;
}
