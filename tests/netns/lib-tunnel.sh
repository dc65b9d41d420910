# SPDX-License-Identifier: ISC
# Shared set-up for the tunnel tests. Topology (names carry a per-run prefix):
#
#   [ S: v6extd ]--veth (underlay: 2001:db8:1::/64 and/or 10.99.0.0/24)--[ C: v6ext-client, bridge ]
#        tap T: 2001:db8:64:1:4::1/78, 10.98.0.1/24                              |
#                                                          veth --[ H: host 2001:db8:64:1:4::2/78, 10.98.0.2/24 ]
#
# The site is the first sub-prefix of 2001:db8:64:1::/64: 2001:db8:64:1:4::/78.
#
# Every process started is killed by PID and every namespace deleted on exit.
set -u
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/netns/lib-netns.sh"
P=v6t$$-
S=${P}s C=${P}c H=${P}h
D=$(mktemp -d /tmp/v6ext-test.XXXXXX)
TAP_IP=2001:db8:64:1:4::1 HOST_IP=2001:db8:64:1:4::2
PIDS=()
SRV_PID= CLI_PID=

cleanup() {
	set +e   # a script under set -e must still remove everything
	for p in "${PIDS[@]}" $SRV_PID $CLI_PID; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}" $SRV_PID $CLI_PID; do wait "$p" 2>/dev/null; done
	for n in $S $C $H; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$D" "/etc/netns/$C"
}
trap cleanup EXIT

netns_require

# topology FAMILY: 6 (IPv6-only underlay), 4 (IPv4-only underlay) or 46 (both,
# the server reached by the name vps.test: /etc/netns/C/hosts, which
# `ip netns exec` mounts over /etc/hosts, gives it HOSTS_V6 and 10.99.0.1)
topology() {
	local fam=$1
	ip netns add "$S"; ip netns add "$C"; ip netns add "$H"
	ip link add "${P}u0" netns "$S" type veth peer name "${P}u1" netns "$C"
	ip link add "${P}h0" netns "$H" type veth peer name "${P}h1" netns "$C"
	for n in $S $C $H; do ip -n "$n" link set lo up; done
	for n in "$S ${P}u0" "$C ${P}u1" "$H ${P}h0" "$C ${P}h1"; do set -- $n; ip -n "$1" link set "$2" up; done
	if [ "$fam" = 6 ]; then
		ip -n "$S" addr add 2001:db8:1::1/64 dev "${P}u0" nodad
		ip -n "$C" addr add 2001:db8:1::2/64 dev "${P}u1" nodad
		SERVER_EP="[2001:db8:1::1]:51820"
	elif [ "$fam" = 46 ]; then
		ip -n "$S" addr add 2001:db8:1::1/64 dev "${P}u0" nodad
		ip -n "$C" addr add 2001:db8:1::2/64 dev "${P}u1" nodad
		ip -n "$S" addr add 10.99.0.1/24 dev "${P}u0"
		ip -n "$C" addr add 10.99.0.2/24 dev "${P}u1"
		mkdir -p "/etc/netns/$C"
		printf '%s vps.test\n10.99.0.1 vps.test\n' "${HOSTS_V6:-2001:db8:1::1}" > "/etc/netns/$C/hosts"
		SERVER_EP="vps.test:51820"
	else
		# IPv4 only on the underlay; the tunnel still carries IPv6 inside
		ip netns exec "$S" sysctl -qw "net.ipv6.conf.${P}u0.disable_ipv6=1"
		ip netns exec "$C" sysctl -qw "net.ipv6.conf.${P}u1.disable_ipv6=1"
		ip -n "$S" addr add 10.99.0.1/24 dev "${P}u0"
		ip -n "$C" addr add 10.99.0.2/24 dev "${P}u1"
		SERVER_EP="10.99.0.1:51820"
	fi
	ip -n "$H" addr add $HOST_IP/78 dev "${P}h0" nodad
	ip -n "$H" addr add 10.98.0.2/24 dev "${P}h0"
	umask 077
	"$B/cli/v6ext" genkey > "$D/server.key"
	"$B/cli/v6ext" genkey > "$D/client.key"
	"$B/cli/v6ext" genkey > "$D/other.key"
	cat > "$D/server.conf" <<CONF
[server]
private-key-file = $D/server.key
upstream = ${P}u0
prefix = 2001:db8:64:1::/64
control-socket = $D/server.sock
state-dir = $D/state

[peer home1]
public-key = $("$B/cli/v6ext" pubkey < "$D/client.key")
tap = ${P}t
CONF
	write_client_conf "$D/client.key" "$D/server.key"
}

write_client_conf() { # write_client_conf PRIVATE-KEY-FILE SERVER-KEY-FILE-TO-TRUST
	cat > "$D/client.conf" <<CONF
[client]
private-key-file = $1
server = $SERVER_EP
server-public-key = $("$B/cli/v6ext" pubkey < "$2")
tap = ${P}ct
bridge = ${P}br
keepalive = 2
control-socket = $D/client.sock
CONF
}

start_server() {
	# a server killed with -9 leaves its socket file: never mistake it for the new one
	rm -f "$D/server.sock"
	ip netns exec "$S" "$B/server/v6extd" -f -c "$D/server.conf" >> "$D/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 50 test -S "$D/server.sock" || return 1
	# the control socket opens after every tap exists; address the first one
	wait_for 50 ip -n "$S" link show "${P}t" || return 1
	ip -n "$S" addr add $TAP_IP/78 dev "${P}t" nodad
	ip -n "$S" addr add 10.98.0.1/24 dev "${P}t"
}

start_client() {
	rm -f "$D/client.sock"
	ip netns exec "$C" "$B/client/v6ext-client" -f -c "$D/client.conf" >> "$D/client.log" 2>&1 &
	CLI_PID=$!
	wait_for 50 test -S "$D/client.sock" || return 1
	wait_for 50 ip -n "$C" link show "${P}br" || return 1
	ip -n "$C" link set "${P}h1" master "${P}br"
}

session_up() { [ "$(json_get "$1" "j['peers'][0]['session']")" = up ]; }
