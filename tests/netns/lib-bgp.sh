# SPDX-License-Identifier: ISC
# Two v6ext gateways announcing a routed prefix to one upstream router over
# BGP, with BIRD 2 and the configurations of contrib/routing/ (names carry
# the per-run prefix P):
#
#                      [inet] 2001:db8:ff:99::2
#                         | eth0
#                         | inet0 2001:db8:ff:99::1
#        +------------- [up: bird, AS 64500] --------------+
#        | gw1  2001:db8:ff:1::1            gw2 2001:db8:ff:2::1 |
#        | up0  2001:db8:ff:1::2            up0 2001:db8:ff:2::2 |
#   [gw1: bird, AS 64511]                   [gw2: bird, AS 64511, prepends]
#
# The gateways share one AS (one operator); gw2 is the standby: its
# routes carry the AS twice more, so the upstream prefers gw1's while both
# announce. Each gateway's bird announces what is in its kernel table 100
# (where v6extd's route-table = 100 puts each live site's sub-prefix) and
# lies inside BGP_PREFIX; the upstream's bird writes its best routes into
# its main table, so inet reaches whatever the gateways route.
#
# Source it after tests/lib.sh and lib-netns.sh. bgp_topology chains
# bgp_cleanup in front of the EXIT trap it finds (lib-site.sh's cleanup,
# say): set yours before calling it, or call bgp_cleanup from yours. A
# test adds its own namespaces and daemons beside these (v6extd in gw1 and
# gw2, clients in home namespaces) and removes them in its own cleanup;
# BGP_UP, BGP_GW1, BGP_GW2 and BGP_INET may be set beforehand to rename
# the namespaces (lib-site.sh has an ${P}inet of its own).
#
# bgp_topology                  namespaces, links, addresses, the three
#                               configurations; starts the upstream's bird
# bgp_start NS CONF             bird in NS (foreground, PID recorded)
# bgp_stop NS                   that bird, by its PID
# bgp_cli NS ARGS...            birdc of NS's bird
# bgp_routes NS [ARGS...]       birdc show route [ARGS]
# bgp_state NS PROTO           the session's state: Idle ... Established
# bgp_wait_established NS PROTO [TENTHS]
# bgp_has_route NS PREFIX NEXTHOP_ERE [ARGS]  some route for PREFIX via it
# bgp_best_route NS PREFIX NEXTHOP_ERE [ARGS] the best route for PREFIX via it
# bgp_lacks_route NS PREFIX [ARGS] bird answered, and holds no route for PREFIX
# bgp_cleanup                   kills the birds by PID, deletes namespaces
: "${P:=v6b$$-}"
BGP_UP=${BGP_UP:-${P}up} BGP_GW1=${BGP_GW1:-${P}gw1} BGP_GW2=${BGP_GW2:-${P}gw2} BGP_INET=${BGP_INET:-${P}inet}
BGP_NSS="$BGP_INET $BGP_UP $BGP_GW1 $BGP_GW2"
BGP_PREFIX=${BGP_PREFIX:-2001:db8:48::/48}
BGP_UP_AS=64500 BGP_GW_AS=64511
BGP_UP1=2001:db8:ff:1::1 BGP_GW1_IP=2001:db8:ff:1::2     # the up-gw1 link
BGP_UP2=2001:db8:ff:2::1 BGP_GW2_IP=2001:db8:ff:2::2     # the up-gw2 link
BGP_INET_IP=2001:db8:ff:99::2 BGP_UP_INET=2001:db8:ff:99::1
BGP_CONTRIB=$top_srcdir/contrib/routing
BGP_D=                  # configurations, sockets, logs (made by bgp_topology)
declare -A BGP_PIDS=()  # namespace -> bird's PID
BGP_MADE=               # the namespaces bgp_topology created

bgp_cleanup() {
	set +e   # under set -e too, remove everything (and run the next trap)
	local ns
	for ns in "${!BGP_PIDS[@]}"; do kill "${BGP_PIDS[$ns]}" 2>/dev/null; done
	for ns in "${!BGP_PIDS[@]}"; do wait "${BGP_PIDS[$ns]}" 2>/dev/null; done
	BGP_PIDS=()
	for ns in $BGP_MADE; do ip netns del "$ns" 2>/dev/null; done
	BGP_MADE=
	[ -z "$BGP_D" ] || rm -rf "$BGP_D"
	BGP_D=
}

# bgp_fill SRC OUT NAME [standby] KEY=VALUE...: SRC with each @KEY@
# replaced, its syslog line logging to BGP_D/NAME.log instead, and with
# "standby" the standby's #standby# lines switched on. Fails when a
# placeholder is left or the standby line is missing.
bgp_fill() {
	local src=$1 out=$2 name=$3 standby= kv
	shift 3
	[ "${1:-}" != standby ] || { standby=1; shift; }
	local sedargs=(-e "s|^log syslog all;|log \"$BGP_D/$name.log\" all;|")
	[ -z "$standby" ] || sedargs+=(-e 's/#standby# //')
	for kv in "$@"; do sedargs+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
	sed "${sedargs[@]}" "$src" > "$out" || return 1
	grep -q "^log \"$BGP_D/$name.log\" all;" "$out" || return 1
	[ -z "$standby" ] || grep -q 'prepend' <(grep -v '^[[:space:]]*#' "$out") || return 1
	lacks '@[A-Z0-9_]+@' "$out"
}

bgp_link() { # bgp_link NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	ip netns exec "$3" sysctl -qw "net.ipv6.conf.$4.accept_dad=0"
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

bgp_topology() {
	local ns prev
	# chain in front of the EXIT trap already set (lib-site.sh's cleanup)
	eval "prev=($(trap -p EXIT))"
	trap "bgp_cleanup; ${prev[2]:-}" EXIT
	BGP_D=$(mktemp -d /tmp/v6ext-bgp.XXXXXX) || return 1
	for ns in $BGP_NSS; do
		ip netns add "$ns" || return 1
		BGP_MADE="$BGP_MADE $ns"
		ip -n "$ns" link set lo up
	done
	for ns in $BGP_UP $BGP_GW1 $BGP_GW2; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	bgp_link "$BGP_INET" eth0 "$BGP_UP" inet0 &&
	bgp_link "$BGP_UP" gw1 "$BGP_GW1" up0 &&
	bgp_link "$BGP_UP" gw2 "$BGP_GW2" up0 || return 1
	ip -n "$BGP_INET" addr add $BGP_INET_IP/64 dev eth0 nodad
	ip -n "$BGP_INET" -6 route add default via $BGP_UP_INET
	ip -n "$BGP_UP" addr add $BGP_UP_INET/64 dev inet0 nodad
	ip -n "$BGP_UP" addr add $BGP_UP1/64 dev gw1 nodad
	ip -n "$BGP_UP" addr add $BGP_UP2/64 dev gw2 nodad
	ip -n "$BGP_GW1" addr add $BGP_GW1_IP/64 dev up0 nodad
	ip -n "$BGP_GW1" -6 route add default via $BGP_UP1
	ip -n "$BGP_GW2" addr add $BGP_GW2_IP/64 dev up0 nodad
	ip -n "$BGP_GW2" -6 route add default via $BGP_UP2

	bgp_fill "$BGP_CONTRIB/bird-upstream.conf" "$BGP_D/up.conf" up \
		ROUTER_ID=10.255.0.1 LOCAL_AS=$BGP_UP_AS PREFIX=$BGP_PREFIX \
		GW1=$BGP_GW1_IP GW1_AS=$BGP_GW_AS GW2=$BGP_GW2_IP GW2_AS=$BGP_GW_AS &&
	bgp_fill "$BGP_CONTRIB/bird-gateway.conf" "$BGP_D/gw1.conf" gw1 \
		ROUTER_ID=10.255.0.11 LOCAL_AS=$BGP_GW_AS PREFIX=$BGP_PREFIX \
		NEIGHBOR=$BGP_UP1 NEIGHBOR_AS=$BGP_UP_AS &&
	bgp_fill "$BGP_CONTRIB/bird-gateway.conf" "$BGP_D/gw2.conf" gw2 standby \
		ROUTER_ID=10.255.0.12 LOCAL_AS=$BGP_GW_AS PREFIX=$BGP_PREFIX \
		NEIGHBOR=$BGP_UP2 NEIGHBOR_AS=$BGP_UP_AS || return 1
	bgp_start "$BGP_UP" "$BGP_D/up.conf"
}

bgp_name() { echo "${1#"$P"}"; }
bgp_sock() { echo "$BGP_D/$(bgp_name "$1").ctl"; }

# bgp_start NS CONF: bird in NS in the foreground (ip netns exec execs it,
# so $! is bird's PID), its socket in BGP_D; waits until it answers
bgp_start() {
	local n
	n=$(bgp_name "$1")
	bird -p -c "$2" || return 1
	rm -f "$BGP_D/$n.ctl"
	ip netns exec "$1" bird -f -c "$2" -s "$BGP_D/$n.ctl" -P "$BGP_D/$n.pid" >> "$BGP_D/$n.out" 2>&1 &
	BGP_PIDS[$1]=$!
	wait_for 50 bgp_cli "$1" show status
}

bgp_stop() {
	local pid=${BGP_PIDS[$1]:-}
	[ -n "$pid" ] || return 1
	kill "$pid"; wait "$pid" 2>/dev/null
	unset "BGP_PIDS[$1]"
}

bgp_cli() { local ns=$1; shift; birdc -s "$(bgp_sock "$ns")" "$@"; }
bgp_routes() { local ns=$1; shift; bgp_cli "$ns" show route "$@"; }

# bgp_state NS PROTO: the session's BGP state (Idle, Connect, Active,
# OpenSent, OpenConfirm, Established); nothing when birdc fails
bgp_state() { bgp_cli "$1" show protocols all "$2" | awk '$1 == "BGP" && $2 == "state:" { print $3; exit }'; }
bgp_established() { [ "$(bgp_state "$1" "$2")" = Established ]; }
bgp_wait_established() { wait_for "${3:-300}" bgp_established "$1" "$2"; }

# bgp_via NS PREFIX [ARGS...]: the next hops ("via ADDR on IF" or "dev
# IF") of the routes for PREFIX, one a line, ARGS added to `show route`
# (primary: the best only; table v6ext: a gateway's learnt routes); fails
# when birdc does (it also does when it holds no route for PREFIX)
bgp_via() {
	local ns=$1 pfx=$2 out
	shift 2
	out=$(bgp_routes "$ns" "$pfx" "$@") || return 1
	awk '$1 == "via" || $1 == "dev" { print }' <<< "$out"
}
# bgp_has_route NS PREFIX NEXTHOP_ERE [ARGS...]: some route for PREFIX has
# a next hop matching NEXTHOP_ERE
bgp_has_route() {
	local ns=$1 pfx=$2 re=$3 v
	shift 3
	v=$(bgp_via "$ns" "$pfx" "$@") && grep -Eq -- "$re" <<< "$v"
}
# bgp_best_route NS PREFIX NEXTHOP_ERE [ARGS...]: the best route does
bgp_best_route() {
	local ns=$1 pfx=$2 re=$3 v
	shift 3
	v=$(bgp_via "$ns" "$pfx" primary "$@") && [ "$(grep -c . <<< "$v")" = 1 ] && grep -Eq -- "$re" <<< "$v"
}
# bgp_lacks_route NS PREFIX [ARGS...]: bird answered, with no route for
# PREFIX (birdc exits 1 on "Network not found": the answer is read instead)
bgp_lacks_route() {
	local ns=$1 pfx=$2 out
	shift 2
	out=$(bgp_routes "$ns" "$pfx" "$@")
	grep -q '^BIRD .* ready\.$' <<< "$out" || return 1
	grep -qx 'Network not found' <<< "$out" || ! grep -Eq '^[[:space:]]+(via|dev) ' <<< "$out"
}
