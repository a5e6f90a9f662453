/* vrrp_vip_diff(): which kernel copies of a virtual address are ours as
 * configured and which the daemon must replace, through a table. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "vrrp/vrrp_vip.h"
#include "unit.h"

struct row {
	const char *name;
	const char *vip; /* ADDR/LEN */
	const char *label, *brd;
	uint8_t scope;
	/* kernel's copy */
	uint8_t k_len;
	const char *k_label, *k_brd;
	uint8_t k_scope;
	unsigned want;
};

#define G RT_SCOPE_UNIVERSE
#define L RT_SCOPE_LINK
#define H RT_SCOPE_HOST

static const struct row rows[] = {
    {"as added, no options", "10.0.0.1/24", "", NULL, G, 24, "eth1", NULL, G, 0},
    {"as added, all options", "10.0.0.1/24", "eth1:v", "10.0.0.255", L, 24, "eth1:v", "10.0.0.255",
     L, 0},
    {"prefix length changed", "10.0.0.1/24", "", NULL, G, 32, "eth1", NULL, G,
     VRRP_VIP_DIFF_PREFIX},
    {"label lost", "10.0.0.1/24", "eth1:v", NULL, G, 24, "eth1", NULL, G, VRRP_VIP_DIFF_LABEL},
    {"label where none configured", "10.0.0.1/24", "", NULL, G, 24, "eth1:x", NULL, G,
     VRRP_VIP_DIFF_LABEL},
    {"no label reported", "10.0.0.1/24", "eth1:v", NULL, G, 24, NULL, NULL, G, VRRP_VIP_DIFF_LABEL},
    {"scope host wanted, global seen", "10.0.0.1/24", "", NULL, H, 24, "eth1", NULL, G,
     VRRP_VIP_DIFF_SCOPE},
    {"broadcast lost", "10.0.0.1/24", "", "10.0.0.255", G, 24, "eth1", NULL, G, VRRP_VIP_DIFF_BRD},
    {"other broadcast", "10.0.0.1/24", "", "10.0.0.255", G, 24, "eth1", "10.0.0.127", G,
     VRRP_VIP_DIFF_BRD},
    {"broadcast not configured: any is fine", "10.0.0.1/24", "", NULL, G, 24, "eth1", "10.0.0.255",
     G, 0},
    {"everything differs", "10.0.0.1/24", "eth1:v", "10.0.0.255", L, 16, "eth1", NULL, G,
     VRRP_VIP_DIFF_PREFIX | VRRP_VIP_DIFF_LABEL | VRRP_VIP_DIFF_SCOPE | VRRP_VIP_DIFF_BRD},
    {"IPv6: kernel scope and no label are ours", "2001:db8::1/64", "", NULL, G, 64, NULL, NULL,
     RT_SCOPE_LINK, 0},
    {"IPv6: prefix length still counts", "2001:db8::1/64", "", NULL, G, 128, NULL, NULL, G,
     VRRP_VIP_DIFF_PREFIX},
};

/* vrrp_vips_same(): any attribute of either list counts. */
static void test_same(void)
{
	struct hd_prefix va[2] = {0}, vb[2] = {0}, ea[1] = {0}, eb[1] = {0};
	struct hd_vrrp_instance_config a = {
	    .vips = va, .n_vips = 2, .excl_vips = ea, .n_excl_vips = 1};
	struct hd_vrrp_instance_config b = {
	    .vips = vb, .n_vips = 2, .excl_vips = eb, .n_excl_vips = 1};

	CHECK(hd_prefix_parse("10.0.0.1/24", &va[0]) == 0 &&
	      hd_prefix_parse("10.0.0.2", &va[1]) == 0);
	CHECK(hd_prefix_parse("2001:db8::1", &ea[0]) == 0);
	snprintf(va[1].dev, sizeof(va[1].dev), "eth1");
	snprintf(va[1].label, sizeof(va[1].label), "eth1:x");
	va[1].has_brd = true;
	CHECK(hd_addr_parse("10.0.0.255", &va[1].brd) == 0);
	memcpy(vb, va, sizeof(va));
	memcpy(eb, ea, sizeof(ea));
	CHECK(vrrp_vips_same(&a, &b));
	vb[1].label[5] = 'y';
	EXPECT(!vrrp_vips_same(&a, &b), "label");
	memcpy(vb, va, sizeof(va));
	vb[1].scope = RT_SCOPE_LINK;
	EXPECT(!vrrp_vips_same(&a, &b), "scope");
	memcpy(vb, va, sizeof(va));
	vb[1].brd.u.v4.s_addr ^= htonl(1);
	EXPECT(!vrrp_vips_same(&a, &b), "broadcast");
	memcpy(vb, va, sizeof(va));
	vb[1].dev[0] = 0;
	EXPECT(!vrrp_vips_same(&a, &b), "dev");
	memcpy(vb, va, sizeof(va));
	CHECK(hd_prefix_parse("2001:db8::2", &eb[0]) == 0);
	EXPECT(!vrrp_vips_same(&a, &b), "excluded address");
	memcpy(eb, ea, sizeof(ea));
	b.n_excl_vips = 0;
	EXPECT(!vrrp_vips_same(&a, &b), "excluded count");
	b.n_excl_vips = 1;
	CHECK(vrrp_vips_same(&a, &b));
}

int main(void)
{
	test_same();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct hd_prefix v = {0};
		struct vrrp_vip_seen k = {
		    .prefixlen = r->k_len, .label = r->k_label, .scope = r->k_scope};
		unsigned got;

		CHECK(hd_prefix_parse(r->vip, &v) == 0);
		snprintf(v.label, sizeof(v.label), "%s", r->label);
		v.scope = r->scope;
		if (r->brd) {
			v.has_brd = true;
			CHECK(hd_addr_parse(r->brd, &v.brd) == 0);
		}
		if (r->k_brd) {
			k.has_brd = true;
			CHECK(hd_addr_parse(r->k_brd, &k.brd) == 0);
		}
		got = vrrp_vip_diff(&v, "eth1", &k);
		EXPECT(got == r->want, "%s: got %#x, want %#x", r->name, got, r->want);
	}
	return failures != 0;
}
