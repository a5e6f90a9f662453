/* One real_server for a live add (hadirectorctl add-rs, overrides_rs.c),
 * parsed and converted by the file's own parser: the same options, bounds,
 * script checks and messages as in hadirector.conf. */
#ifndef HD_CONFIG_RS_H
#define HD_CONFIG_RS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hd_config.h"

/* `real_server TITLE { BODY }` in virtual server VI of CFG, as if written
 * on line 1 of FILE: 0 and OUT filled (free with hd_rs_config_free), or
 * < 0 with the errors in DIAG ("FILE:1: ..."). Exactly one real_server
 * section: a BODY that closes the block and opens another is refused.
 * A BODY without a check gets a copy of the checks of the first real
 * server of VI that has some, aimed at the new server (refused when that
 * check names a connect_ip of its own, or none has a check): an added
 * server is always health-checked. NOWAIT: -EBUSY at once (DIAG says so)
 * rather than wait while another thread parses a file (libconfuse is one
 * parse at a time: a reload's or a plan's could hold the event loop). */
int hd_rs_config_parse(const struct hd_config *cfg, size_t vi, const char *title, const char *body,
		       const char *file, bool nowait, struct hd_diag *diag,
		       struct hd_real_server_config *out);
void hd_rs_config_free(struct hd_real_server_config *rs);
/* A digest of everything the file says about RS (address, weight, options,
 * checks): equal digests, same definition. */
uint64_t hd_rs_config_digest(const struct hd_real_server_config *rs);

#endif
