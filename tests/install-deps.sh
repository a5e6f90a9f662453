#!/bin/sh
# Install everything hadirector needs to build and run its whole test suite on Debian 12 (root).
# Idempotent: does nothing (and does not touch the network) when all packages are installed.
# Extra packages can be added with HD_EXTRA_PKGS="pkg ...".
set -eu
PKGS="build-essential autoconf automake libtool pkg-config
libsystemd-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libconfuse-dev libssl-dev
iproute2 ipvsadm keepalived qemu-system-x86 busybox-static kmod cpio python3 tcpdump procps psmisc
jq curl openssl systemd man-db clang clang-format libclang-rt-14-dev valgrind
libsnmp-dev snmpd snmp snmptrapd exim4-daemon-light
prometheus python3-yaml debhelper lintian frr bird2 nginx apache2
${HD_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing; run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
# bird2 enables bird.service (its default config exports every route to the kernel's
# tables) and starts it where policy-rc.d lets it: the tests run their own BIRD in
# namespaces (tests/netns/announce-bird.sh), so none may run on the host.
case " $missing " in
*" bird2 "*)
	systemctl disable bird.service >/dev/null 2>&1 || true
	if [ -d /run/systemd/system ]; then
		systemctl stop bird.service || true
	else
		invoke-rc.d bird stop >/dev/null 2>&1 || true
	fi
	;;
esac
