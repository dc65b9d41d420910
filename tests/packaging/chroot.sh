#!/bin/bash
# SPDX-License-Identifier: ISC
# Install, remove and purge the .debs in a clean Debian chroot and check
# that nothing is left behind: the file system before the install and
# after the purge are the same (the system user stays, as Debian policy
# keeps system users). Usage (root): chroot.sh DEBDIR [SUITE]
# Needs debootstrap and network access to a Debian mirror; prints ok/not ok.
set -u
debdir=$(cd "$1" && pwd) suite=${2:-bookworm}
. "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (chroot)"
command -v debootstrap > /dev/null || tap_skip_all "debootstrap is not installed"
root=$(mktemp -d /tmp/v6ext-chroot.XXXXXX)
cleanup() {
	for m in proc dev/pts dev; do umount "$root/$m" 2>/dev/null; done
	rm -rf "$root" "$root.log" "$root.deps.log"
}
trap cleanup EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
# the file system as a package would change it, without what any apt run changes
census() {
	in_root find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /var/cache \
		-o -path /var/lib/apt -o -path /var/lib/dpkg -o -path /var/log -o -path /run \) -prune -o -print |
		sort
}

bootstrap() { debootstrap --variant=minbase "$suite" "$root" http://deb.debian.org/debian > "$root.log" 2>&1; }
check "debootstrap $suite (minbase)" bootstrap || { tail -n 20 "$root.log"; tap_done; exit 1; }
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mkdir -p "$root/tmp/debs" && cp "$debdir"/v6ext*_*.deb "$root/tmp/debs/" && rm -f "$root"/tmp/debs/*dbgsym*
# the packages' dependencies, so the census before and after differs only by ours
in_root apt-get install -y -q --no-install-recommends adduser nftables libsodium23 libevent-2.1-7 libnl-3-200 \
	libnl-route-3-200 libmnl0 libinih1 libseccomp2 libldns3 > "$root.deps.log" 2>&1
in_root adduser --system --group --quiet --no-create-home --home /nonexistent v6ext
before=$(census)
debs=()
for f in "$root"/tmp/debs/*.deb; do debs+=("/tmp/debs/${f##*/}"); done
installed=0
check "apt installs ${debs[*]##*/}" in_root apt-get install -y -q --no-install-recommends "${debs[@]}" && installed=1
check "v6extd runs from the package (its usage)" eval 'in_root /usr/sbin/v6extd -h 2>&1 | grep -q "usage: v6extd"'
check "v6ext genkey runs" eval 'in_root /usr/bin/v6ext genkey 2>/dev/null | grep -qE "^[A-Za-z0-9+/]{43}="'
check "/etc/v6ext is root's, 0700" test "$(stat -c %a:%U "$root/etc/v6ext")" = 700:root
check "the v6ext user exists" in_root getent passwd v6ext
check "the units are installed" test -f "$root/lib/systemd/system/v6extd.service" -a -f "$root/lib/systemd/system/v6ext-client.service"
check "apt removes them" in_root apt-get remove -y -q v6ext v6extd v6ext-client
check "apt purges them" in_root apt-get purge -y -q v6ext v6extd v6ext-client
after=$(census)
left=$(diff <(echo "$before") <(echo "$after"))
check "nothing is left behind after the purge${left:+: $left}" test "$installed" = 1 -a -z "$left"
tap_done
