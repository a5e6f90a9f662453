/* libFuzzer target: whole configuration files through hd_config_load().
 *
 * The input is written to a memfd and loaded through /proc/self/fd/N, so
 * the real read path (fopen, NUL check, prescan, libconfuse, conversion,
 * validation, script checks) runs on every input.
 *
 * Determinism and speed:
 *  - ${VAR} expansion (done by libconfuse with getenv()) sees a fixed
 *    environment set up once in LLVMFuzzerInitialize(): FUZZ_A=/bin/true,
 *    FUZZ_B=lb1 and nothing else, so every run of an input expands the same.
 *  - The script_user check calls getpwnam(), which may consult NSS
 *    (files, systemd, LDAP...). build.sh links this target with
 *    -Wl,--wrap=getpwnam, so config_validate.c calls __wrap_getpwnam()
 *    below: "root" and "nobody" exist, nothing else does.
 *  - The script checks (daemon/base/script_path.c) lstat() each directory and
 *    link on the way to a program and read the first 255 bytes of it (for
 *    a #! line): a few system calls, no exec; left real so that path is
 *    fuzzed too.
 */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hd_config.h"

static int memfd = -1;
static char path[64];

struct passwd *__wrap_getpwnam(const char *name);

struct passwd *__wrap_getpwnam(const char *name)
{
	static struct passwd root = {
	    .pw_name = "root", .pw_uid = 0, .pw_gid = 0, .pw_dir = "/root", .pw_shell = "/bin/sh"};
	static struct passwd nobody = {.pw_name = "nobody",
				       .pw_uid = 65534,
				       .pw_gid = 65534,
				       .pw_dir = "/nonexistent",
				       .pw_shell = "/usr/sbin/nologin"};

	if (strcmp(name, "root") == 0)
		return &root;
	if (strcmp(name, "nobody") == 0)
		return &nobody;
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	clearenv();
	setenv("FUZZ_A", "/bin/true", 1);
	setenv("FUZZ_B", "lb1", 1);
	memfd = memfd_create("hd-fuzz-config", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_diag diag = {0};
	struct hd_config *cfg;

	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	cfg = hd_config_load(path, &diag);
	/* A config is either returned with no diagnostics or refused with at
	 * least one: never both, never neither. */
	if ((cfg != NULL) == (diag.n != 0)) {
		fprintf(stderr, "hd_config_load: cfg=%p with %zu diagnostics\n", (void *)cfg,
			diag.n);
		abort();
	}
	for (size_t i = 0; i < diag.n; i++)
		if (strncmp(diag.lines[i], path, strlen(path)) != 0 ||
		    diag.lines[i][strlen(path)] != ':')
			abort(); /* every message starts with FILE: */
	hd_config_free(cfg);
	hd_diag_clear(&diag);
	return 0;
}
