#!/bin/bash
# Per-address options and excluded addresses (virtual_address,
# virtual_ipaddress_excluded) on the kernel: the master holds each VIP on its
# own interface (eth1, a second segment) with its label, scope and broadcast;
# gratuitous ARP for them goes out on eth1, not eth0; the advertisement lists
# only the advertised VIPs; a failover moves them all; a VIP deleted by hand
# is put back with its attributes, one re-added by hand with another label is
# replaced. Then a real keepalived (Debian's) with the same addresses as the
# peer, each way: neither finds an address-list mismatch. Last, a reload
# that changes only a label and the excluded list takes effect on a master.
. "$top_srcdir/tests/netns/lib-vrrp.sh"

VIP=192.168.168.100
command -v tcpdump >/dev/null || { echo "tcpdump not installed"; exit 1; }
v_bridge
v_host d1 192.168.168.50/24
v_host d2 192.168.168.51/24
v_link d1 eth1 br1 10.9.0.1/24
v_link d2 eth1 br1 10.9.0.2/24

hd_conf() { # FILE NAME PRIO
	cat >"$1" <<CONF
global { router_id = $2 }
vrrp_instance VI_1 {
    interface = eth0
    virtual_router_id = 51
    priority = $3
    advert_int = 0.1
    virtual_ipaddress = { $VIP/24 }
    virtual_address 10.9.0.100/24 { dev = eth1  label = eth1:web  scope = global  brd = 10.9.0.255 }
    virtual_address 10.9.0.101/32 { dev = eth1  label = eth1:lnk  scope = link }
    virtual_address 10.9.0.102/32 { dev = eth1  scope = host }
    virtual_ipaddress_excluded = { 192.168.169.200/24 }
    virtual_address 10.9.0.201/24 { dev = eth1  label = eth1:ex  excluded = yes }
    garp_master_delay = 0.5
    garp_master_repeat = 2
}
CONF
}

# addrs_ok NAME: every VIP in namespace NAME, as configured (ip -j addr)
addrs_ok() {
	ip -n "$(nsof "$1")" -j addr show | python3 -c '
import json, sys
want = {  # addr: (ifname, prefixlen, label, scope, broadcast)
    "192.168.168.100": ("eth0", 24, "eth0", "global", None),
    "10.9.0.100": ("eth1", 24, "eth1:web", "global", "10.9.0.255"),
    "10.9.0.101": ("eth1", 32, "eth1:lnk", "link", None),
    "10.9.0.102": ("eth1", 32, "eth1", "host", None),
    "192.168.169.200": ("eth0", 24, "eth0", "global", None),
    "10.9.0.201": ("eth1", 24, "eth1:ex", "global", None),
}
seen = {}
for l in json.load(sys.stdin):
    for a in l.get("addr_info", []):
        if a["local"] in want:
            seen[a["local"]] = (l["ifname"], a["prefixlen"], a.get("label"), a["scope"],
                                a.get("broadcast"))
bad = {k: (seen.get(k), v) for k, v in want.items() if seen.get(k) != v}
for k, (got, exp) in bad.items():
    print("#", k, "got", got, "want", exp)
sys.exit(1 if bad else 0)'
}
# none_of NAME: namespace NAME's addresses were read and hold none of the VIPs
none_of() {
	local a
	a=$(ip -n "$(nsof "$1")" -o addr show 2>/dev/null) && [ -n "$a" ] || return 1
	! grep -Eq "inet (192\.168\.168\.100|10\.9\.0\.10[0-2]|10\.9\.0\.201|192\.168\.169\.200)/" <<<"$a"
}
label_of() { # NAME ADDR
	ip -n "$(nsof "$1")" -j addr show | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    for a in l.get("addr_info", []):
        if a["local"] == sys.argv[1]:
            print(a.get("label"))' "$2"
}

# (1) d1 master: addresses with their attributes; GARP on the right
# segment; adverts carry the four advertised VIPs, not the excluded ones
hd_conf "$V_DIR/d1.conf" d1 150
hd_conf "$V_DIR/d2.conf" d2 100
ip netns exec "$V_BR" timeout 4 tcpdump -l -n -i br0 arp >"$V_DIR/arp0.txt" 2>/dev/null &
ip netns exec "$V_BR" timeout 4 tcpdump -l -n -e -i br1 arp >"$V_DIR/arp1.txt" 2>/dev/null &
ip netns exec "$V_BR" timeout 4 tcpdump -l -n -v -i br0 'ip proto 112' >"$V_DIR/adv.txt" 2>/dev/null &
sleep 1
v_start d1 "$V_DIR/d1.conf"
v_start d2 "$V_DIR/d2.conf"
check "d1 master" wait_for 4 v_state_is d1 VI_1 MASTER
check "d2 backup" wait_for 4 v_state_is d2 VI_1 BACKUP
check "d1 holds every VIP with its interface, label, scope, broadcast" wait_for 4 addrs_ok d1
check "d2 holds none" none_of d2
sleep 3.2 # the captures end
mac1=$(ip -n "$(nsof d1)" -j link show eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
check "GARP for 10.9.0.100 on eth1's segment, from eth1's MAC ($mac1)" \
	grep -Eq "^.*$mac1 > ff:ff:ff:ff:ff:ff.*(who-has 10\.9\.0\.100 tell 10\.9\.0\.100|Announcement 10\.9\.0\.100)" "$V_DIR/arp1.txt"
check "GARP for the excluded 10.9.0.201 on eth1's segment" grep -q "10\.9\.0\.201" "$V_DIR/arp1.txt"
check "GARP for $VIP on eth0's segment" grep -q "$VIP" "$V_DIR/arp0.txt"
check "no GARP for eth1's addresses on eth0's segment" absent "10\.9\.0\." "$V_DIR/arp0.txt"
check "adverts seen" grep -q "vrid 51, prio 150" "$V_DIR/adv.txt"
check "adverts list the 4 advertised VIPs" grep -q "addrs(4): $VIP,10.9.0.100,10.9.0.101,10.9.0.102" "$V_DIR/adv.txt"
check "no advert lists an excluded address" absent -E "192\.168\.169\.200|10\.9\.0\.201" "$V_DIR/adv.txt"
check "d2 dropped none of d1's adverts" \
	[ "$(v_status d2 | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["vrrp"][0]["drops"].values()))')" = 0 ]

# (2) a VIP deleted by hand on eth1 is put back with its attributes; a
# copy added by hand with another prefix length and label is removed
ip -n "$(nsof d1)" addr del 10.9.0.100/24 dev eth1
check "deleted 10.9.0.100 is put back as configured" wait_for 4 addrs_ok d1
check "restore counted" [ "$(v_field d1 VI_1 vips_restored)" -ge 1 ]
ip -n "$(nsof d1)" addr add 10.9.0.101/24 dev eth1 label eth1:bad
check "a /24 copy of 10.9.0.101 labelled eth1:bad is removed" \
	wait_for 4 eval '! ip -n "$(nsof d1)" -o addr show dev eth1 | grep -q "10.9.0.101/24"'
check "10.9.0.101/32 still as configured" addrs_ok d1

# (3) failover moves them all, with their attributes; d2 had a copy of
# 10.9.0.101 added by hand with another label and scope: it takes ours
ip -n "$(nsof d2)" addr add 10.9.0.101/32 dev eth1 label eth1:bad scope global
v_stop d1
check "d1 stopped: d2 master" wait_for 4 v_state_is d2 VI_1 MASTER
check "d2 holds every VIP as configured" wait_for 4 addrs_ok d2
v_stop d2
check "d2 stopped: its addresses are gone, excluded ones too" wait_for 4 none_of d2

# (4) keepalived as the peer, the same addresses in its syntax
if ! command -v keepalived >/dev/null; then
	fail "keepalived not installed"
	v_done
fi
ka_conf() { # FILE PRIO
	cat >"$1" <<CONF
global_defs {
  router_id ka
}
vrrp_instance VI_1 {
  interface eth0
  version 3
  virtual_router_id 51
  priority $2
  advert_int 0.1
  virtual_ipaddress {
    $VIP/24
    10.9.0.100/24 dev eth1 label eth1:web scope global brd 10.9.0.255
    10.9.0.101/32 dev eth1 scope link label eth1:lnk
    10.9.0.102/32 dev eth1 scope host
  }
  virtual_ipaddress_excluded {
    192.168.169.200/24
    10.9.0.201/24 dev eth1 label eth1:ex
  }
}
CONF
}
ka_stop() {
	local p
	p=$(v_pid d2)
	kill -TERM "$p" 2>/dev/null
	wait_for 5 gone "$p"
	rm -f "$V_DIR"/d2.*pid
}
: >"$V_DIR/d2.log"
ka_conf "$V_DIR/ka.conf" 100
v_start d1 "$V_DIR/d1.conf"
check "hadirector master again" wait_for 4 v_state_is d1 VI_1 MASTER
v_keepalived d2 "$V_DIR/ka.conf"
sleep 2
check "keepalived stays backup" grep -q "Entering BACKUP STATE" "$V_DIR/d2.log"
check "keepalived holds none of the addresses" none_of d2
check "hadirector still master" v_state_is d1 VI_1 MASTER
check "keepalived found nothing wrong in our adverts" \
	absent -Ei 'checksum|invalid|mismatch|wrong|not present|different' "$V_DIR/d2.log"
v_stop d1
check "hadirector stopped: keepalived takes the addresses" wait_for 4 addrs_ok d2
ka_stop
ka_conf "$V_DIR/ka.conf" 150
: >"$V_DIR/d2.log"
v_keepalived d2 "$V_DIR/ka.conf"
check "keepalived master holds the addresses" wait_for 8 addrs_ok d2
hd_conf "$V_DIR/d1.conf" d1 100
v_start d1 "$V_DIR/d1.conf"
sleep 1.5
check "hadirector backup behind keepalived" v_state_is d1 VI_1 BACKUP
check "hadirector accepts keepalived's adverts" [ "$(v_field d1 VI_1 adverts_received)" -ge 5 ]
check "no drops of keepalived's adverts (same address list)" \
	[ "$(v_status d1 | python3 -c 'import json,sys; print(sum(json.load(sys.stdin)["vrrp"][0]["drops"].values()))')" = 0 ]
check "hadirector holds none of the addresses" none_of d1
ka_stop
check "keepalived stopped: hadirector takes the addresses as configured" wait_for 4 addrs_ok d1

# (5) a reload that changes only a label and the excluded list: the master
# re-adds its addresses as the new file says
sed -i -e 's/label = eth1:web/label = eth1:new/' -e 's|10.9.0.201/24 {|10.9.0.202/24 {|' "$V_DIR/d1.conf"
n=$(grep -c "reload complete" "$V_DIR/d1.log")
kill -HUP "$(v_pid d1)"
check "reloaded" wait_for 3 eval "[ \$(grep -c 'reload complete' '$V_DIR/d1.log') -gt $n ]"
check "still master" v_state_is d1 VI_1 MASTER
check "reload: 10.9.0.100 has the new label" wait_for 2 eval '[ "$(label_of d1 10.9.0.100)" = eth1:new ]'
check "reload: the new excluded 10.9.0.202 is on eth1" [ "$(label_of d1 10.9.0.202)" = eth1:ex ]
check "reload: the excluded 10.9.0.201 no longer in the file is gone" \
	eval '[ -n "$(label_of d1 10.9.0.100)" ] && [ -z "$(label_of d1 10.9.0.201)" ]'
v_done
