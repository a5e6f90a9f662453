/* The keepalived conversion tests' harness (ka_case.h). */
#include "ka_case.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

/* The case's text is the whole of k.conf; it includes nothing. */
static int mem_load(void *ud, const char *path, char **out)
{
	(void)path;
	return (*out = strdup(ud)) ? 0 : -ENOMEM;
}

static int no_glob(void *ud, const char *pattern, char ***paths, size_t *n)
{
	(void)ud;
	(void)pattern;
	*paths = NULL;
	*n = 0;
	return 0;
}

/* The daemon's own check on the text (script checks included: the
 * tests' scripts are ones the machine has). */
static void daemon_loads(const char *name, const char *conf)
{
	char tmp[] = "/tmp/test_ka_case-XXXXXX";
	int fd = mkstemp(tmp);
	struct hd_diag d = {0};

	if (fd < 0 || write(fd, conf, strlen(conf)) != (ssize_t)strlen(conf)) {
		EXPECT(0, "%s: temporary file", name);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return;
	}
	close(fd);
	struct hd_config *cfg = hd_config_load(tmp, &d);
	EXPECT(cfg, "%s: hd_config_load rejects the conversion: %s\n%s", name,
	       d.n ? d.lines[0] : "", conf);
	hd_config_free(cfg);
	hd_diag_clear(&d);
	unlink(tmp);
}

int ka_case_check(const struct ka_case *c, const struct ka_conv_opts *co)
{
	struct ka_read_opts ro = {.io = {mem_load, no_glob, (void *)c->in}};
	struct ka_conv_opts o = *co;
	struct ka_msgs m = {0};
	int before = failures;

	o.source = "k.conf";
	struct ka_tree *t = ka_read("k.conf", &ro, &m);
	char *out = t ? ka_convert(t, &o, &m) : NULL;
	EXPECT(out, "%s: no output", c->name);
	if (!out)
		goto done;
	EXPECT((m.errors > 0) == c->refused, "%s: %u errors (%s)\n%s", c->name, m.errors,
	       m.diag.n ? m.diag.lines[0] : "", out);
	for (int k = 0; k < KA_CASE_MAX && c->want[k]; k++)
		EXPECT(strstr(out, c->want[k]), "%s: no '%s' in\n%s", c->name, c->want[k], out);
	for (int k = 0; k < KA_CASE_MAX && c->not [k]; k++)
		EXPECT(!strstr(out, c->not [k]), "%s: '%s' in\n%s", c->name, c->not [k], out);
	bool found = !c->msg;
	for (size_t k = 0; k < m.diag.n; k++) {
		found |= c->msg && strstr(m.diag.lines[k], c->msg);
		EXPECT(!strncmp(m.diag.lines[k], "k.conf:", 7), "%s: no FILE:LINE: %s", c->name,
		       m.diag.lines[k]);
	}
	EXPECT(found, "%s: no message '%s' (%s)", c->name, c->msg,
	       m.diag.n ? m.diag.lines[0] : "none");
	if (!c->refused)
		daemon_loads(c->name, out);
done:
	free(out);
	ka_tree_free(t);
	ka_msgs_clear(&m);
	return failures - before;
}
