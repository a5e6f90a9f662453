/* libFuzzer target: control socket requests through hd_ctl_parse(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_ctl_request req;
	const char *err;
	/* A copy of exactly SIZE bytes on the heap, so ASan sees any read
	 * past the request the way the control socket would hand it over. */
	char *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&req, 0xa5, sizeof(req));
	err = hd_ctl_parse(buf, size, &req);
	if (err) {
		if (!*err)
			abort();
	} else {
		/* Accepted: known command, sane argument count, every argument
		 * a NUL-terminated printable word. */
		if ((unsigned)req.cmd > HD_CTL_CMD_LAST || req.argc > HD_CTL_MAX_ARGS)
			abort();
		for (size_t i = 0; i < req.argc; i++) {
			size_t n = strnlen(req.argv[i], sizeof(req.argv[i]));
			if (n == 0 || n == sizeof(req.argv[i]))
				abort();
			for (size_t j = 0; j < n; j++)
				if (req.argv[i][j] < 0x21 || req.argv[i][j] > 0x7e)
					abort();
		}
		/* add-rs: its options a NUL-terminated line of printable
		 * characters and tabs */
		if (req.cmd == HD_CTL_ADD_RS) {
			size_t n = strnlen(req.body, sizeof(req.body));
			if (n == sizeof(req.body))
				abort();
			for (size_t j = 0; j < n; j++) {
				unsigned char c = (unsigned char)req.body[j];
				if ((c < 0x20 && c != '\t') || c > 0x7e)
					abort();
			}
		}
	}
	free(buf);
	return 0;
}
