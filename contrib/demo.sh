#!/bin/bash
# The v6ext demo, in throwaway network namespaces. Usage: contrib/demo.sh BUILD-DIR
#
#   [ vps: v6extd ]==== encrypted UDP over 2001:db8:1::/64 ====[ home: v6ext-client, bridge ]
#     tap 2001:db8:99::1                                              |
#                                                           [ vm: 2001:db8:99::2 ]
#
# Keys are made with `v6ext genkey | v6ext pubkey`, both daemons check their
# configuration (-n), then run; the VM and the VPS ping each other through the
# tunnel and `v6ext show` prints both ends. Everything is removed at the end.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
top_srcdir=$here
top_builddir=$(cd "${1:-build}" && pwd)
tap_skip_all() { echo "demo: $*" >&2; exit 1; }
. "$here/tests/netns/lib-tunnel.sh"
set +u

step() { echo; echo "== $*"; }
step "topology: vps ($S), home ($C), vm ($H); keys with v6ext genkey | v6ext pubkey"
topology 6
echo "server public key: $("$B/cli/v6ext" pubkey < "$D/server.key")"
echo "client public key: $("$B/cli/v6ext" pubkey < "$D/client.key")"
step "v6extd -n / v6ext-client -n"
"$B/server/v6extd" -n -c "$D/server.conf"
"$B/client/v6ext-client" -n -c "$D/client.conf"
step "start both daemons"
start_server
start_client
wait_for 100 session_up "$D/client.sock" || { cat "$D"/*.log; exit 1; }
cat "$D/server.log" "$D/client.log"
step "vm -> vps through the tunnel: ping 2001:db8:99::1"
ip netns exec "$H" ping -c 3 -i 0.2 2001:db8:99::1
step "vps -> vm: ping 2001:db8:99::2"
ip netns exec "$S" ping -c 3 -i 0.2 2001:db8:99::2
step "v6ext show (server)"
"$B/cli/v6ext" -s "$D/server.sock" show
step "v6ext show (client)"
"$B/cli/v6ext" -s "$D/client.sock" show
step "cleaning up"
