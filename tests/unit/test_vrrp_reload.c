/* Reload, VRRP side (vrrp/vrrp_reload_match.h), through tables: which
 * configuration change keeps a running instance (its role, timers, socket
 * and counters carry over) and which replaces it by a new router; which
 * running instance each new one continues; what a kept one does with its
 * addresses. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_reload_match.h"
#include "unit.h"

static struct hd_addr peers_a[2], peers_b[2];
static struct hd_prefix vips_a[1], vips_b[1], excl_b[1];

static struct hd_addr v4(const char *s)
{
	struct hd_addr a = {.family = AF_INET};

	inet_pton(AF_INET, s, &a.u.v4);
	return a;
}

static struct hd_vrrp_instance_config base(void)
{
	struct hd_vrrp_instance_config c = {0};

	strcpy(c.name, "VI_1");
	strcpy(c.interface, "eth1");
	c.vrid = 51;
	c.priority = 100;
	c.advert_int_cs = 100;
	c.version = 3;
	c.family = AF_INET;
	c.preempt = true;
	c.vips = vips_a;
	c.n_vips = 1;
	return c;
}

/* One change each; KEPT: the running instance continues. */
enum change {
	C_NONE,
	C_NAME,
	C_INTERFACE,
	C_VRID,
	C_FAMILY,
	C_VERSION,
	C_TO_UNICAST,
	C_UNICAST_SRC,
	C_USE_VMAC,
	C_VMAC_NAME,
	C_VMAC_XMIT_BASE,
	C_PRIORITY,
	C_ADVERT_INT,
	C_PREEMPT,
	C_PREEMPT_DELAY,
	C_VIPS,
	C_PEER_ADDRS,
	C_SRC_ADDR,
	C_LOWER_PRIO_NO_ADVERT,
	C_DONT_TRACK_PRIMARY,
};

static struct hd_vrrp_instance_config changed(enum change ch)
{
	struct hd_vrrp_instance_config c = base();

	switch (ch) {
	case C_NONE:
		break;
	case C_NAME:
		strcpy(c.name, "VI_2");
		break;
	case C_INTERFACE:
		strcpy(c.interface, "eth2");
		break;
	case C_VRID:
		c.vrid = 52;
		break;
	case C_FAMILY:
		c.family = AF_INET6;
		break;
	case C_VERSION:
		c.version = 2;
		break;
	case C_TO_UNICAST:
		c.unicast_peers = peers_a, c.n_unicast_peers = 1;
		break;
	case C_UNICAST_SRC:
		c.has_unicast_src = true, c.unicast_src = v4("10.0.0.1");
		break;
	case C_USE_VMAC:
		c.use_vmac = true;
		break;
	case C_VMAC_NAME:
		strcpy(c.vmac_name, "vrrp.x");
		break;
	case C_VMAC_XMIT_BASE:
		c.vmac_xmit_base = true;
		break;
	case C_PRIORITY:
		c.priority = 200;
		break;
	case C_ADVERT_INT:
		c.advert_int_cs = 10;
		break;
	case C_PREEMPT:
		c.preempt = false;
		break;
	case C_PREEMPT_DELAY:
		c.preempt_delay_usec = 5000000;
		break;
	case C_VIPS:
		c.vips = vips_b;
		break;
	case C_PEER_ADDRS: /* in both: peers_a then peers_b, same count */
		break;
	case C_SRC_ADDR:
		c.has_unicast_src = true, c.unicast_src = v4("10.0.0.2");
		break;
	case C_LOWER_PRIO_NO_ADVERT:
		c.lower_prio_no_advert = true;
		break;
	case C_DONT_TRACK_PRIMARY:
		c.dont_track_primary = true;
		break;
	}
	return c;
}

static const struct {
	const char *what;
	enum change ch;
	bool kept;
} identity[] = {
    {"nothing changed", C_NONE, true},
    /* a new router: what it sends or where changes */
    {"renamed", C_NAME, false},
    {"other interface", C_INTERFACE, false},
    {"other VRID", C_VRID, false},
    {"other address family", C_FAMILY, false},
    {"VRRPv3 to v2", C_VERSION, false},
    {"multicast to unicast", C_TO_UNICAST, false},
    {"unicast_src set", C_UNICAST_SRC, false},
    {"use_vmac on", C_USE_VMAC, false},
    {"vmac_name", C_VMAC_NAME, false},
    {"vmac_xmit_base", C_VMAC_XMIT_BASE, false},
    /* adopted by the running instance */
    {"priority", C_PRIORITY, true},
    {"advert_int", C_ADVERT_INT, true},
    {"preempt off", C_PREEMPT, true},
    {"preempt_delay", C_PREEMPT_DELAY, true},
    {"virtual addresses", C_VIPS, true},
    {"unicast peers' addresses, same count", C_PEER_ADDRS, true},
    {"unicast_src address, still set", C_SRC_ADDR, true},
    {"lower_prio_no_advert", C_LOWER_PRIO_NO_ADVERT, true},
    {"dont_track_primary", C_DONT_TRACK_PRIMARY, true},
};

static void test_identity(void)
{
	for (size_t i = 0; i < sizeof(identity) / sizeof(identity[0]); i++) {
		struct hd_vrrp_instance_config a = base(), b = changed(identity[i].ch);

		if (identity[i].ch == C_PEER_ADDRS || identity[i].ch == C_SRC_ADDR) {
			a.unicast_peers = peers_a, a.n_unicast_peers = 2;
			b.unicast_peers = identity[i].ch == C_PEER_ADDRS ? peers_b : peers_a;
			b.n_unicast_peers = 2;
			a.has_unicast_src = true, a.unicast_src = v4("10.0.0.1");
			if (identity[i].ch == C_PEER_ADDRS)
				b.has_unicast_src = true, b.unicast_src = a.unicast_src;
		}
		EXPECT(vrrp_same_identity(&a, &b) == identity[i].kept, "%s: %s", identity[i].what,
		       identity[i].kept ? "should keep the instance" : "should replace it");
		EXPECT(vrrp_same_identity(&b, &a) == identity[i].kept, "%s (reversed)",
		       identity[i].what);
	}
}

/* Matching: old and new lists by name letter; '-' = a slot whose instance
 * is gone (NULL). A lower-case letter is the same name with another VRID
 * (not the same router). */
static const struct {
	const char *what, *old, *new_list;
	size_t from[4];
} matches[] = {
    {"same list", "AB", "AB", {1, 2}},
    {"reordered: each continues its own", "AB", "BA", {2, 1}},
    {"one removed, one added", "AB", "BC", {2, 0}},
    {"all new", "AB", "CD", {0, 0}},
    {"renumbered VRID: a new router", "A", "a", {0}},
    {"an old one continues at most one", "A", "AA", {1, 0}},
    {"a gone slot is skipped", "-A", "A", {2}},
    {"nothing ran before", "", "AB", {0, 0}},
};

static void inst_of(char ch, struct hd_vrrp_instance_config *c)
{
	*c = base();
	c->name[0] = ch >= 'a' ? (char)(ch - 'a' + 'A') : ch;
	c->name[1] = 0;
	c->vrid = ch >= 'a' ? 200 : 51;
}

static void test_match(void)
{
	for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		struct hd_vrrp_instance_config oc[4], nc[4];
		const struct hd_vrrp_instance_config *old[4];
		size_t n_old = strlen(matches[i].old), n_new = strlen(matches[i].new_list);
		size_t from[4] = {99, 99, 99, 99};

		for (size_t k = 0; k < n_old; k++) {
			inst_of(matches[i].old[k], &oc[k]);
			old[k] = matches[i].old[k] == '-' ? NULL : &oc[k];
		}
		for (size_t k = 0; k < n_new; k++)
			inst_of(matches[i].new_list[k], &nc[k]);
		vrrp_reload_match(old, n_old, nc, n_new, from);
		for (size_t k = 0; k < n_new; k++)
			EXPECT(from[k] == matches[i].from[k], "%s: new #%zu from %zu, want %zu",
			       matches[i].what, k, from[k], matches[i].from[k]);
	}
}

static const struct {
	const char *what;
	bool vips_changed, excl_changed, vips_on, master;
	struct vrrp_adopt want;
} adopts[] = {
    {"same addresses, master", false, false, true, true, {false, false}},
    {"new addresses, master holding the old", true, false, true, true, {true, true}},
    {"new addresses, backup", true, false, false, false, {false, false}},
    {"new addresses, old ones still on (leaving master)", true, false, true, false, {true, false}},
    {"new addresses, master that holds none", true, false, false, true, {false, true}},
    {"excluded addresses changed, master", false, true, true, true, {true, true}},
    {"same addresses, backup", false, false, false, false, {false, false}},
};

static void test_adopt(void)
{
	for (size_t i = 0; i < sizeof(adopts) / sizeof(adopts[0]); i++) {
		struct hd_vrrp_instance_config a = base(), b = base();
		struct vrrp_adopt r;

		if (adopts[i].vips_changed)
			b.vips = vips_b;
		if (adopts[i].excl_changed)
			b.excl_vips = excl_b, b.n_excl_vips = 1;
		r = vrrp_reload_adopt(&a, &b, adopts[i].vips_on, adopts[i].master);
		EXPECT(r.del_vips == adopts[i].want.del_vips && r.readd == adopts[i].want.readd,
		       "%s: del %d readd %d, want %d %d", adopts[i].what, r.del_vips, r.readd,
		       adopts[i].want.del_vips, adopts[i].want.readd);
	}
}

int main(void)
{
	peers_a[0] = v4("10.0.0.10"), peers_a[1] = v4("10.0.0.11");
	peers_b[0] = v4("10.0.0.10"), peers_b[1] = v4("10.0.0.12");
	vips_a[0] = (struct hd_prefix){.addr = v4("192.168.1.1"), .prefixlen = 24};
	vips_b[0] = (struct hd_prefix){.addr = v4("192.168.1.2"), .prefixlen = 24};
	excl_b[0] = (struct hd_prefix){.addr = v4("192.168.2.1"), .prefixlen = 24};
	test_identity();
	test_match();
	test_adopt();
	printf("%s\n", failures ? "FAIL" : "ok - test_vrrp_reload");
	return failures != 0;
}
