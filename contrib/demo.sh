#!/bin/bash
# SPDX-License-Identifier: ISC
# The v6ext demo, in throwaway network namespaces. Usage: contrib/demo.sh BUILD-DIR
#
#   [inet] ---- [isp: upstream router, the /64 on-link] ---- [vps: v6extd, prefix = auto]
#                  |                 |                          taps v6x-home1, v6x-home2
#             [home1: client]   [home2: client]                 (2001:db8:64:1:4::/78, :8::/78)
#                  | br0             | br0
#        [vm1] [vm1b] [vm1d]     [vm2]       vm1, vm1b, vm2: static addresses in their site's /78;
#                                            vm1d: dhclient -6 gets one from v6extd's DHCPv6;
#                                            every default route from v6extd's RA
#
# (tests/netns/lib-site.sh draws it in full.) Keys are made with `v6ext genkey
# | v6ext pubkey`, the server's configuration is checked (-n), both homes
# connect; the internet host pings a home VM's global address and fetches a
# web page from it, through the tunnel; a VM running dhclient -6 gets its
# address by DHCPv6 and is reached too; `v6ext leases` and `v6ext show`
# print the server's view. Everything is removed at the end.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$here
top_builddir=$(cd "${1:-build}" && pwd)
tap_skip_all() { echo "demo: $*" >&2; exit 1; }
. "$here/tests/netns/lib-site.sh"
set +u
VM1D=${P}vm1d
EXTRA_VMS="$VM1D:$H1"
SERVER_EXTRA="dns-search = lab.example"

step() { echo; echo "== $*"; }
step "topology: inet, isp, vps, home1 + vm1 + vm1b, home2 + vm2 (namespaces ${P}*)"
site_topology
echo "server public key: $("$B/cli/v6ext" pubkey < "$D/server.key")"
step "the server's configuration"
cat "$D/server.conf"
"$B/server/v6extd" -n -c "$D/server.conf"
step "start v6extd and both homes' v6ext-client"
site_start_server
site_start_clients
wait_for 150 eval 'peer_up "$D/server.sock" 0 && peer_up "$D/server.sock" 1' || { cat "$D"/*.log; exit 1; }
wait_for 200 eval 'has_default $VM1 && has_default $VM2' || { cat "$D"/*.log; exit 1; }
cat "$D/server.log"
step "vm1's routes: the default route came from v6extd's RA"
ip -n "$VM1" -6 route
step "rdisc6 in vm1: what the RA says"
ip netns exec "$VM1" rdisc6 -1 -n -w 3000 eth0 2>&1 || true
step "inet -> vm1 ($VM1_IP), a host in a home, at its global address"
ip netns exec "$INET" ping -c 3 -i 0.2 "$VM1_IP"
step "inet -> vm1b ($VM1B_IP): configured, never sent a packet, reachable at once"
ip netns exec "$INET" ping -c 1 -W 3 "$VM1B_IP"
step "vm1d runs dhclient -6: DHCPv6 gives it an address in home1's /78 and the DNS servers"
printf '#!/bin/sh\nDHCP6_LOG=%s exec %s "$@"\n' "$D/vm1d.events" "$here/tests/netns/dhcp6-script.sh" > "$D/vm1d-script"
chmod +x "$D/vm1d-script"
ip netns exec "$VM1D" dhclient -6 -d -lf "$D/vm1d.leases" -pf "$D/vm1d.pid" -sf "$D/vm1d-script" eth0 > /dev/null 2>&1 & PIDS+=($!)
wait_for 150 grep -q BOUND6 "$D/vm1d.events" || { cat "$D"/*.log; exit 1; }
grep BOUND6 "$D/vm1d.events"
a1d=$(ip -n "$VM1D" -6 addr show dev eth0 scope global | awk '/inet6/ {sub("/.*", "", $2); print $2; exit}')
step "v6ext leases"
"$B/cli/v6ext" -s "$D/server.sock" leases
step "inet -> vm1d ($a1d), the address DHCPv6 gave it"
ip netns exec "$INET" ping -c 3 -i 0.2 "$a1d"
step "HTTP: a web server in vm1, fetched from inet"
mkdir -p "$D/www"
echo "hello from vm1 at home, $VM1_IP" > "$D/www/index.html"
ip netns exec "$VM1" /usr/bin/python3 "$here/tests/netns/http-serve.py" :: 8080 "$D/www" > /dev/null 2>&1 & PIDS+=($!)
wait_for 50 ip netns exec "$VM1" sh -c "ss -ltn | grep -q ':8080'"
ip netns exec "$INET" /usr/bin/python3 -c "import urllib.request, sys; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode(), end='')" "http://[$VM1_IP]:8080/"
step "vm2 (the other home) -> inet"
ip netns exec "$VM2" ping -c 3 -i 0.2 "$INET_IP"
step "the upstream router's neighbour table: only addresses that exist, all at the VPS's MAC"
ip -n "$ISP" -6 neigh show dev vps0 | grep 2001:db8:64:1 || true
step "v6ext show (server)"
"$B/cli/v6ext" -s "$D/server.sock" show
step "v6ext show --json (server)"
"$B/cli/v6ext" -s "$D/server.sock" show --json
step "v6ext show (home1's client)"
"$B/cli/v6ext" -s "$D/home1.sock" show
step "cleaning up"
