# SPDX-License-Identifier: ISC
# The whole product in namespaces (names carry a per-run prefix P):
#
#   [inet] 2001:db8:ff::2 ---- 2001:db8:ff::1 [isp: the upstream router] 2001:db8:64:1::1/64 ---- up0 [vps: v6extd]
#                                  | 2001:db8:a1::1      | 2001:db8:a2::1       (the /64 on-link: isp resolves   |  2001:db8:64:1:5054:ff:fe12:3456/64
#                                  |                     |                       every VPS address by NDP)        |  prefix = auto, ndp-proxy = $NDP_MODE
#               2001:db8:a1::2 [h1: v6ext-client]   [h2: v6ext-client] 2001:db8:a2::2                             |  tap v6x-home1: 2001:db8:64:1:4::/78
#                                  | br0                 | br0                                                    |  tap v6x-home2: 2001:db8:64:1:8::/78
#                        [vm1] ::4::10  [vm1b] ::4::20  [vm2] ::8::10   (static addresses in their site's /78,
#                                                                        default route from our RA)
#
# VM addresses are 2001:db8:64:1:4::10 etc. The VPS's own address holds
# sub-prefix index 0x5054 >> 2 = 5141 and the gateway's index 0: both reserved.
# Every process is killed by PID and every namespace deleted on exit.
set -u
P=v6s$$-
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/netns/lib-netns.sh"
INET=${P}inet ISP=${P}isp VPS=${P}vps H1=${P}h1 H2=${P}h2 VM1=${P}vm1 VM1B=${P}vm1b VM2=${P}vm2
NSS="$INET $ISP $VPS $H1 $H2 $VM1 $VM1B $VM2"
EXTRA_VMS=""     # NS:HOME entries: more VMs, without a static address (set after sourcing)
D=$(mktemp -d /tmp/v6ext-site.XXXXXX)
VPS_IP=2001:db8:64:1:5054:ff:fe12:3456
VM1_IP=2001:db8:64:1:4::10 VM1B_IP=2001:db8:64:1:4::20 VM2_IP=2001:db8:64:1:8::10
INET_IP=2001:db8:ff::2
NDP_MODE=${NDP_MODE:-auto}
# ROUTED=1: the provider routes 2001:db8:48::/48 to the VPS (over the link
# of NDP_MODE=off), prefix = that /48; VM_PLEN is the VMs' static prefix
# length (their sites' length there)
ROUTED=${ROUTED:-}
[ -z "$ROUTED" ] || NDP_MODE=off
VM_PLEN=78
PIDS=()
SRV_PID= C1_PID= C2_PID=

cleanup() {
	set +e   # a script under set -e must still remove everything
	for p in "${PIDS[@]}" $SRV_PID $C1_PID $C2_PID; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}" $SRV_PID $C1_PID $C2_PID; do wait "$p" 2>/dev/null; done
	for n in $NSS $(for v in $EXTRA_VMS; do echo "${v%%:*}"; done); do ip netns del "$n" 2>/dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
netns_require

link() { # link NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	ip netns exec "$3" sysctl -qw "net.ipv6.conf.$4.accept_dad=0"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

vm() { # vm NS HOME [ADDR]: a VM on HOME's bridge, with a static address in the /78 if given
	ip netns add "$1"
	ip -n "$1" link set lo up
	link "$1" eth0 "$2" "v${1#"$P"}"
	[ -z "${3:-}" ] || ip -n "$1" addr add "$3/$VM_PLEN" dev eth0 nodad
}

site_topology() {
	for n in $INET $ISP $VPS $H1 $H2; do ip netns add "$n"; ip -n "$n" link set lo up; done
	ip netns exec "$ISP" sysctl -qw net.ipv6.conf.all.forwarding=1
	link "$INET" eth0 "$ISP" inet0
	link "$ISP" vps0 "$VPS" up0
	link "$ISP" h1 "$H1" eth0
	link "$ISP" h2 "$H2" eth0
	ip -n "$INET" addr add $INET_IP/64 dev eth0 nodad
	ip -n "$INET" -6 route add default via 2001:db8:ff::1
	ip -n "$ISP" addr add 2001:db8:ff::1/64 dev inet0 nodad
	ip -n "$ISP" addr add 2001:db8:a1::1/64 dev h1 nodad
	ip -n "$ISP" addr add 2001:db8:a2::1/64 dev h2 nodad
	if [ "$NDP_MODE" = off ]; then
		# the provider routes the /64 to the VPS instead
		ip -n "$ISP" addr add 2001:db8:64:0::1/64 dev vps0 nodad
		ip -n "$ISP" -6 route add 2001:db8:64:1::/64 via 2001:db8:64::2 dev vps0
		[ -z "$ROUTED" ] || ip -n "$ISP" -6 route add 2001:db8:48::/48 via 2001:db8:64::2 dev vps0
		ip -n "$VPS" addr add 2001:db8:64::2/64 dev up0 nodad
	else
		ip -n "$ISP" addr add 2001:db8:64:1::1/64 dev vps0 nodad
	fi
	ip -n "$VPS" addr add $VPS_IP/64 dev up0 nodad
	if [ "$NDP_MODE" = off ]; then
		ip -n "$VPS" -6 route add default via 2001:db8:64::1
		PREFIX=2001:db8:64:1::/64      # up0 holds two /64s: auto would refuse
		[ -z "$ROUTED" ] || PREFIX=2001:db8:48::/48
	else
		ip -n "$VPS" -6 route add default via 2001:db8:64:1::1
		PREFIX=auto
	fi
	ip netns exec "$VPS" sysctl -qw net.ipv6.conf.up0.accept_ra=1
	for h in "$H1 a1" "$H2 a2"; do
		set -- $h
		ip -n "$1" addr add "2001:db8:$2::2/64" dev eth0 nodad
		ip -n "$1" -6 route add default via "2001:db8:$2::1"
	done
	vm "$VM1" "$H1" $VM1_IP
	vm "$VM1B" "$H1" $VM1B_IP
	vm "$VM2" "$H2" $VM2_IP
	local v
	for v in $EXTRA_VMS; do
		case $v in *:*) vm "${v%%:*}" "${v##*:}" ;; esac
	done

	umask 077
	for k in server home1 home2; do "$B/cli/v6ext" genkey > "$D/$k.key"; done
	cat > "$D/server.conf" <<CONF
[server]
private-key-file = $D/server.key
upstream = up0
prefix = $PREFIX
dns = 2001:db8:ff::53, 2001:db8:ff::54
ndp-proxy = $NDP_MODE
${SERVER_EXTRA:-}
state-dir = $D/state
control-socket = $D/server.sock

[peer home1]
public-key = $("$B/cli/v6ext" pubkey < "$D/home1.key")

[peer home2]
public-key = $("$B/cli/v6ext" pubkey < "$D/home2.key")
CONF
	for h in 1 2; do
		cat > "$D/home$h.conf" <<CONF
[client]
private-key-file = $D/home$h.key
server = [$VPS_IP]:51820
server-public-key = $("$B/cli/v6ext" pubkey < "$D/server.key")
tap = v6ext0
bridge = br0
keepalive = 2
control-socket = $D/home$h.sock
CONF
	done
}

site_start_server() {
	rm -f "$D/server.sock"
	ip netns exec "$VPS" "$B/server/v6extd" -f -c "$D/server.conf" >> "$D/server.log" 2>&1 &
	SRV_PID=$!
	wait_for 50 test -S "$D/server.sock"
}

site_start_client() { # site_start_client 1|2
	local h=$1 ns
	ns=$([ "$h" = 1 ] && echo "$H1" || echo "$H2")
	rm -f "$D/home$h.sock"
	ip netns exec "$ns" "$B/client/v6ext-client" -f -c "$D/home$h.conf" >> "$D/home$h.log" 2>&1 &
	eval "C${h}_PID=$!"
	wait_for 50 test -S "$D/home$h.sock" || return 1
	wait_for 50 ip -n "$ns" link show br0 || return 1
	for v in "$VM1:$H1" "$VM1B:$H1" "$VM2:$H2" $EXTRA_VMS; do
		[ "${v##*:}" = "$ns" ] || continue
		ip -n "$ns" link set "v$(echo "${v%%:*}" | sed "s/^$P//")" master br0
	done
}

site_start_clients() { site_start_client 1 && site_start_client 2; }

# session_up SOCKET PEER-NUMBER (0-based)
peer_up() { [ "$(json_get "$1" "j['peers'][$2]['session']")" = up ]; }
# a VM's default route learnt from our RA
has_default() { ip -n "$1" -6 route show default | grep -q 'via fe80::'; }
# lacks_default NS: its routes can be read, and none is that default route
lacks_default() { local r; r=$(ip -n "$1" -6 route show default) && ! grep -q 'via fe80::' <<< "$r"; }
