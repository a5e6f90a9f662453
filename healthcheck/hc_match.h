/* Reload, the health-check side, as pure decisions (tests/unit/test_hc_match.c):
 * which probes and which real-server states carry over.
 *
 * A probe is shared by every check of the configuration with the same key
 * (hc_probe_key: everything that changes what it sends, where, how often
 * or how its results are counted) and, across a reload, a probe whose key
 * is unchanged keeps its state, its timer and its counters; a check whose
 * key changed is a new probe that starts counting afresh. A real server's
 * state (up, weight, drain, operator override, its last change) carries
 * over when its virtual server is the same one (hc_vs_same: a group by
 * name, a fwmark by mark and family, else protocol, address and port)
 * and its address and port are the same (hc_ep_same). */
#ifndef HC_MATCH_H
#define HC_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "hc_fwd_pkt.h"
#include "hc_policy.h"
#include "hd_config.h"

#define HC_DEFAULT_DELAY_LOOP	   (60ULL * 1000000)
#define HC_DEFAULT_CONNECT_TIMEOUT (5ULL * 1000000)

/* What a probe takes from the configuration (hc_probe_params). */
struct hc_pparams {
	const struct hd_check_config *k;
	const char *host;
	struct hd_endpoint target;
	struct hd_endpoint rs_ep; /* the real server's: part of a misc check's identity */
	uint64_t timeout_usec;
	struct hc_policy pol;
	bool has_fwd; /* check_forwarding_path: its probe's target (hc_fwd_pkt.h) */
	struct hc_fwd_params fwd;
};

/* The parts of a probe that follow from the configuration: CFG's
 * defaults, VS's, then the check K's own. */
void hc_probe_params(struct hc_pparams *p, const struct hd_config *cfg,
		     const struct hd_virtual_server_config *vs,
		     const struct hd_real_server_config *rs, const struct hd_check_config *k);
/* Everything that makes two checks the same probe, in canonical text
 * (malloc'ed; NULL when out of memory). P: hc_probe_params() of it. */
char *hc_probe_key(const struct hd_virtual_server_config *vs,
		   const struct hd_real_server_config *rs, const struct hd_check_config *k,
		   const struct hc_pparams *p);
/* The same identity as hc_probe_key's text, in binary: a reload matches
 * tens of thousands of probes, and formatting each key (a stream, a dozen
 * fprintf) was most of the time the event loop spent applying it. Equal
 * keys <=> hc_probe_same(); hc_probe_same() => equal hashes. */
uint64_t hc_probe_hash(const struct hc_pparams *p);
bool hc_probe_same(const struct hc_pparams *a, const struct hc_pparams *b);
/* The same virtual server, for the real servers' state. */
bool hc_vs_same(const struct hd_virtual_server_config *a, const struct hd_virtual_server_config *b);
bool hc_ep_same(const struct hd_endpoint *a, const struct hd_endpoint *b);
/* Hashes agreeing with hc_vs_same() and hc_ep_same(). */
uint64_t hc_vs_hash(const struct hd_virtual_server_config *v);
uint64_t hc_ep_hash(const struct hd_endpoint *e);

#endif
