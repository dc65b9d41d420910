# SPDX-License-Identifier: ISC
# IPv4 reach in namespaces: lib-site.sh's topology plus an IPv4 side.
#
#   [inet4] 10.9.0.2 ---- 10.9.0.1 [isp] 10.0.0.1 ---- 10.0.0.2 up0 [vps]   (10.0.0.11: a spare
#   (IPv4 only)                                                              address for ipv4-map)
#
# nat64_topology adds it after site_topology; the test writes its forwards
# and maps into $D/server.conf (nat64_conf) before site_start_server.
. "$top_srcdir/tests/netns/lib-site.sh"
INET4=${P}inet4
NSS="$NSS $INET4"
PUB4=10.0.0.2 MAP4=10.0.0.11 CLI4=10.9.0.2
# 10.9.0.2 under 64:ff9b:1::/96 (RFC 6052 2.2)
CLI4_IN_PREFIX=64:ff9b:1::a09:2
command -v curl > /dev/null || tap_skip_all "curl is not installed"
command -v nft > /dev/null || tap_skip_all "nft (nftables) is not installed"

nat64_topology() {
	site_topology
	ip netns add "$INET4"
	ip -n "$INET4" link set lo up
	link "$INET4" eth0 "$ISP" inet4
	ip netns exec "$ISP" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$INET4" addr add $CLI4/24 dev eth0
	ip -n "$INET4" route add default via 10.9.0.1
	ip -n "$ISP" addr add 10.9.0.1/24 dev inet4
	ip -n "$ISP" addr add 10.0.0.1/24 dev vps0
	ip -n "$VPS" addr add $PUB4/24 dev up0
	ip -n "$VPS" route add default via 10.0.0.1
	# Linux takes RA routes only up to the length it is told (docs/IPV4.md)
	local v
	for v in "$VM1" "$VM1B" "$VM2"; do
		ip netns exec "$v" sysctl -qw net.ipv6.conf.eth0.accept_ra_rt_info_max_plen=96
	done
}

nat64_conf() { # nat64_conf PEER LINE...: keys into [peer PEER]
	local peer=$1 l
	shift
	for l in "$@"; do
		sed -i "/^\[peer $peer\]/a $l" "$D/server.conf"
	done
}

# the value of one show key of the server (python expression over j)
srv_json() { json_get "$D/server.sock" "$1"; }
