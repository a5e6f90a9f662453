/* PURE DNS wire format for dns_check: build one query, judge one reply.
 *
 * No I/O. Table-tested in tests/unit/test_hc_dns_pkt.c (also hostile
 * replies: truncation, compression loops, wrong counts).
 *
 * A reply passes when all of these hold:
 * - it is at least a header long, QR is set, OPCODE is QUERY;
 * - its ID is ours (otherwise it is not a reply to this query at all:
 *   HC_DNS_IGNORE, the caller keeps waiting);
 * - RCODE is NOERROR (else HC_O_DNS_RCODE with the rcode);
 * - it echoes exactly our question (QDCOUNT 1, same name ignoring ASCII
 *   case, same type, class IN);
 * - every answer record is well formed (names, lengths inside the packet)
 *   and at least one of them has the queried type or is a CNAME (a name
 *   that is an alias answers with the CNAME, possibly without the target).
 *   A NOERROR reply without such a record (NODATA, or a referral) fails with
 *   HC_O_DNS_NO_ANSWER for every query type: pick a name and type that the
 *   server does answer (the default, SOA of ".", suits a root-serving or
 *   recursive server, as in keepalived). The TC bit is accepted: the
 *   server answered, which is what is being checked.
 * Anything else malformed is HC_O_DNS_BAD_REPLY.
 */
#ifndef HC_DNS_PKT_H
#define HC_DNS_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "hc_policy.h"

#define HC_DNS_MAX_QUERY 300 /* header + a 255-byte name + type/class */

/* "A", "AAAA", ... (as the config parser accepts them) -> type number,
 * 0 when unknown. */
uint16_t hc_dns_type(const char *name);

/* Write a query (RD set) for NAME ("." or "example.com", a trailing dot
 * allowed) of type QTYPE with ID into BUF. Returns its length, -EINVAL
 * when the name is not a valid presentation name (empty label, label > 63,
 * name > 255), -ENOSPC when LEN is too short. Backslash escapes are not
 * supported. */
int hc_dns_build_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t qtype);

#define HC_DNS_IGNORE HC_O__MAX /* not a reply to our query */

/* Judge reply PKT to the query Q (as built above, QLEN bytes). Returns
 * HC_O_OK, HC_O_DNS_RCODE (*DETAIL = rcode), HC_O_DNS_NO_ANSWER,
 * HC_O_DNS_BAD_REPLY, or HC_DNS_IGNORE. */
int hc_dns_check_reply(const uint8_t *q, size_t qlen, const uint8_t *pkt, size_t len, int *detail);

#endif
