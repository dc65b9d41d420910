#!/bin/bash
# SPDX-License-Identifier: ISC
# v6ext benchmark: v6ext against fastd, OpenVPN, tinc, SoftEther and a plain veth, in
# network namespaces. Root only; never part of `make check`.
#
#   tests/bench/bench.sh [BUILDDIR]        (or: make bench)
#
#   BUILDDIR   where server/v6extd, client/v6ext-client and cli/v6ext are built
#              (default: $top_builddir, else ./build next to the sources)
#   QUICK=1    one run of 3 s per measurement instead of three of 10 s
#   TUNNELS    which ones, in order (default: "veth v6ext v6ext-busy v6ext-chacha
#              v6ext-plain fastd openvpn tinc softether nat64"; the v6ext-* are
#              below; nat64 is IPv4 reach, a table of its own: see bench_nat64)
#   BENCH_OUT  the TSV file written (default ./bench.tsv)
#
# For each tunnel the script builds this topology, measures it and removes it:
#
#   [inet] 2001:db8:ff::2 --- 2001:db8:ff::1 [vps] ul0 2001:db8:1::1 ==underlay veth==
#     route 2001:db8:64:1::/64 via the VPS      | vpn0 2001:db8:64:1:4::1/78
#                                               | (the tunnel's VPS end)
#   ==underlay== 2001:db8:1::2 ul0 [home] br0 = vpn0 (the tunnel's home end) + vm0
#                                               |
#                                        [vm] eth0 2001:db8:64:1:4::10/78, default via ::4::1
#
# The inner MTU is 1380 on every L2 segment (the VM's eth0, both tunnel ends;
# SoftEther's taps are named tap_vpn0). "veth" is the same picture with vpn0 a
# veth pair and no tunnel. Peer configurations: contrib/bench/ (the @...@
# fields are filled in here); keys and certificates are made in a temporary
# directory at every run.
#
# Measured per tunnel: iperf3 TCP inet->vm (down) and vm->inet (up), median
# of the receiver's Mbit/s; UDP packets/s received by the vm (inet->vm, iperf3
# -u -b 0) with a 64-byte payload and with a 1332-byte one (a 1380-byte IPv6
# packet, a full-MTU frame of 1394 bytes, ~1400 with the FCS: the udp1400
# column); ping RTT (100 pings, -i 0.01, average); CPU seconds (utime+stime
# from /proc, daemons and their children) per GB (1e9 bytes) moved in the TCP
# runs, on the VPS and at home; peak RSS (VmHWM) of the daemons at the end.
# Every daemon is killed by its PID and every namespace deleted on exit.
# shellcheck disable=SC2016,SC2046,SC2086  # PID lists and $COLS split on purpose; sh -c bodies in single quotes
set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-${top_builddir:-$SRC/build}}
B=$(cd "$B" && pwd) || exit 1
CONF=$SRC/contrib/bench
if [ "${QUICK:-0}" = 1 ]; then RUNS=1 SECS=3; else RUNS=3 SECS=10; fi
TUNNELS=${TUNNELS:-"veth v6ext v6ext-busy v6ext-chacha v6ext-plain fastd openvpn tinc softether nat64"}
BENCH_OUT=${BENCH_OUT:-./bench.tsv}
MTU=1380
UDP_SMALL=64 UDP_BIG=1332 PINGS=100
COLS="tcp_down_mbps tcp_up_mbps udp64_pps udp1400_pps rtt_ms srv_cpu_s_per_gb cli_cpu_s_per_gb srv_rss_kb cli_rss_kb"

P=b$$-
INET=${P}inet VPS=${P}vps HNS=${P}home VM=${P}vm
INET_IP=2001:db8:ff::2 VPS_INET_IP=2001:db8:ff::1
VPS_UL=2001:db8:1::1 HOME_UL=2001:db8:1::2
GW=2001:db8:64:1:4::1 VM_IP=2001:db8:64:1:4::10
D=$(mktemp -d /tmp/v6ext-bench.XXXXXX)
TICK=$(getconf CLK_TCK)

PIDS=()            # every process started for this tunnel, for the clean-up
SRV=() CLI=()      # this tunnel's daemons on the VPS and at home (CPU, RSS)
NOTE='' WHY=''     # this tunnel's cipher and MTU; why it was not measured
declare -A R       # results: R[tunnel,column]
SE_DIRS=()         # SoftEther mount points made by us, removed at the end

log() { printf '# %s\n' "$*" >&2; }

# ---- processes and namespaces ----------------------------------------------

wait_for() { # wait_for TENTHS COMMAND...: poll until COMMAND succeeds
	local n=$1; shift
	for _ in $(seq 1 "$n"); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

start() { # start NS LOG COMMAND...: run in NS, in the background; PID in LASTPID
	ip netns exec "$1" "${@:3}" >> "$2" 2>&1 &
	LASTPID=$!
	PIDS+=("$LASTPID")
}

tree() { # tree PID...: the PIDs and all their descendants that are alive
	local p
	for p in "$@"; do
		[ -d "/proc/$p" ] || continue
		echo "$p"
		tree $(ps -o pid= --ppid "$p")
	done
}

alive() { # alive PID: running (not gone, not a zombie)
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
	[ -n "$s" ] && [ "$s" != Z ]
}

stop() { # stop PID...: TERM the processes and their descendants, KILL after 10 s
	local all p
	all=$(tree "$@")
	[ -n "$all" ] || return 0
	kill $all 2> /dev/null
	for _ in $(seq 1 100); do
		for p in $all; do alive "$p" && break; p=; done
		[ -z "$p" ] && break
		sleep 0.1
	done
	kill -9 $all 2> /dev/null
	for p in $all; do wait "$p" 2> /dev/null; done
}

namespaces_del() {
	local n
	for n in $INET $VPS $HNS $VM; do ip netns del "$n" 2> /dev/null; done
}

cleanup() {
	set +e
	stop "${PIDS[@]}"
	namespaces_del
	for d in "${SE_DIRS[@]}"; do rmdir "$d" 2> /dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

link() { # link NS1 IF1 NS2 IF2: a veth pair between two namespaces, up
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

topology() { # everything but the tunnel
	local n
	for n in $INET $VPS $HNS $VM; do
		ip netns add "$n" || return 1
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip netns exec "$VPS" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip netns exec "$VM" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	link "$INET" eth0 "$VPS" inet0 && link "$VPS" ul0 "$HNS" ul0 && link "$VM" eth0 "$HNS" vm0 || return 1
	ip -n "$INET" addr add $INET_IP/64 dev eth0 nodad
	ip -n "$INET" -6 route add 2001:db8:64:1::/64 via $VPS_INET_IP
	ip -n "$VPS" addr add $VPS_INET_IP/64 dev inet0 nodad
	ip -n "$VPS" addr add $VPS_UL/64 dev ul0 nodad
	ip -n "$HNS" addr add $HOME_UL/64 dev ul0 nodad
	ip -n "$HNS" link add br0 type bridge
	ip -n "$HNS" link set vm0 mtu $MTU master br0
	ip -n "$HNS" link set br0 up
	ip -n "$VM" link set eth0 mtu $MTU
	ip -n "$VM" addr add $VM_IP/78 dev eth0 nodad
	ip -n "$VM" -6 route add default via $GW
}

plumb() { # plumb VPS-IF [HOME-IF]: the tunnel's ends join the L2 segment
	wait_for 150 ip -n "$VPS" link show "$1" || { WHY="no $1 on the VPS"; return 1; }
	ip -n "$VPS" link set "$1" mtu $MTU up
	ip -n "$VPS" addr add $GW/78 dev "$1" nodad
	[ -n "${2:-}" ] || return 0
	wait_for 150 ip -n "$HNS" link show "$2" || { WHY="no $2 at home"; return 1; }
	ip -n "$HNS" link set "$2" mtu $MTU master br0 up
}

path_up() { # the internet host reaches the VM through the tunnel (40 s at most)
	local end=$((SECONDS + 40))
	while [ $SECONDS -lt $end ]; do
		ip netns exec "$INET" ping -6 -c 1 -W 1 $VM_IP > /dev/null 2>&1 && return 0
		sleep 0.2
	done
	WHY="no ping from inet to the vm within 40 s"
	return 1
}

render() { # render TEMPLATE OUT [KEY=VALUE]...: fill in @D@, @MTU@, @VPS_UL@, @KEY@
	local t=$1 out=$2 kv args=(-e "s|@D@|$D|g" -e "s|@MTU@|$MTU|g" -e "s|@VPS_UL@|$VPS_UL|g")
	shift 2
	for kv in "$@"; do args+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
	sed "${args[@]}" "$t" > "$out"
}

need() { # need COMMAND...: WHY names the first one missing
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null 2>&1 || { WHY="$c is not installed"; return 1; }
	done
}

# ---- one setup function per tunnel: sets SRV, CLI and NOTE, or WHY ---------

setup_veth() {
	link "$VPS" vpn0 "$HNS" vpn0 || { WHY="veth pair"; return 1; }
	plumb vpn0 vpn0
	NOTE="no tunnel, MTU $MTU"
}

setup_v6ext() {
	local k=$D/v6ext c
	for c in "$B/server/v6extd" "$B/client/v6ext-client" "$B/cli/v6ext"; do
		[ -x "$c" ] || { WHY="$c is not built"; return 1; }
	done
	mkdir -p "$k/state"
	(umask 077 && "$B/cli/v6ext" genkey > "$k/server.key" && "$B/cli/v6ext" genkey > "$k/client.key")
	render "$CONF/v6ext/v6extd.conf" "$k/server.conf" "CLIENT_PUB=$("$B/cli/v6ext" pubkey < "$k/client.key")"
	render "$CONF/v6ext/client.conf" "$k/client.conf" "SERVER_PUB=$("$B/cli/v6ext" pubkey < "$k/server.key")"
	if [ "${V6EXT_BUSY_POLL:-0}" != 0 ]; then
		sed -i "/^\[server\]/a busy-poll = $V6EXT_BUSY_POLL" "$k/server.conf"
		sed -i "/^\[client\]/a busy-poll = $V6EXT_BUSY_POLL" "$k/client.conf"
	fi
	start "$VPS" "$k/server.log" "$B/server/v6extd" -f -c "$k/server.conf"
	SRV=("$LASTPID")
	wait_for 50 test -S "$k/server.sock" || { WHY="v6extd did not start: $(tail -1 "$k/server.log")"; return 1; }
	start "$HNS" "$k/client.log" "$B/client/v6ext-client" -f -c "$k/client.conf"
	CLI=("$LASTPID")
	wait_for 100 v6ext_up "$k/client.sock" || { WHY="no v6ext session: $(tail -1 "$k/client.log")"; return 1; }
	plumb vpn0      # the client puts its vpn0 into br0 itself (its MTU stays 65521, README: MTU)
	NOTE="$(v6ext_peer "$k/client.sock" cipher ChaCha20-Poly1305) (Noise IKpsk2), MTU $MTU"
}

# The same v6ext with one speed-up or another turned off or on, to show
# what each gains in the same run (docs/PERFORMANCE.md):
#   v6ext-plain   no offloads (V6EXT_OFFLOAD=off) and ChaCha20-Poly1305
#                 (V6EXT_AESGCM=off): the data path before TSO, GSO and GRO
#   v6ext-chacha  offloads on, ChaCha20-Poly1305
#   v6ext-busy    the defaults plus busy-poll = 200 (microseconds) on both ends
setup_v6ext-plain() { V6EXT_OFFLOAD=off V6EXT_AESGCM=off setup_v6ext; NOTE="$NOTE, no offloads"; }
setup_v6ext-chacha() { V6EXT_AESGCM=off setup_v6ext; }
setup_v6ext-busy() { V6EXT_BUSY_POLL=200 setup_v6ext; NOTE="$NOTE, busy-poll 200 us"; }

v6ext_peer() { # v6ext_peer SOCKET KEY [DEFAULT]: a field of the first peer in `v6ext show --json`
	"$B/cli/v6ext" -s "$1" show --json 2> /dev/null | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)["peers"][0].get(sys.argv[1]) or sys.argv[2])' "$2" "${3:-}"
}

v6ext_up() { [ "$(v6ext_peer "$1" session)" = up ]; }

setup_fastd() {
	local k=$D/fastd vs vp hs hp
	need fastd || return 1
	mkdir -p "$k"
	read -r vs vp < <(fastd --generate-key 2> /dev/null | awk '{printf "%s ", $2}')
	read -r hs hp < <(fastd --generate-key 2> /dev/null | awk '{printf "%s ", $2}')
	(umask 077
	 render "$CONF/fastd/vps.conf" "$k/vps.conf" "VPS_SECRET=$vs" "HOME_PUB=$hp"
	 render "$CONF/fastd/home.conf" "$k/home.conf" "HOME_SECRET=$hs" "VPS_PUB=$vp")
	start "$VPS" "$k/vps.log" fastd -c "$k/vps.conf"
	SRV=("$LASTPID")
	start "$HNS" "$k/home.log" fastd -c "$k/home.conf"
	CLI=("$LASTPID")
	plumb vpn0 vpn0
	NOTE="salsa2012+umac, MTU $MTU"
}

setup_openvpn() {
	local k=$D/openvpn n eku
	need openvpn openssl || return 1
	mkdir -p "$k"
	(umask 077; cd "$k" || exit 1
	 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=bench-ca -keyout ca.key -out ca.crt
	 for n in vps:serverAuth home:clientAuth; do
		eku=${n#*:} n=${n%%:*}
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj "/CN=$n" -keyout "$n.key" -out "$n.csr"
		printf 'keyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' "$eku" > "$n.ext"
		openssl x509 -req -in "$n.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
			-extfile "$n.ext" -out "$n.crt"
	 done) > "$k/openssl.log" 2>&1 || { WHY="openssl: $(tail -1 "$k/openssl.log")"; return 1; }
	render "$CONF/openvpn/vps.conf" "$k/vps.conf"
	render "$CONF/openvpn/home.conf" "$k/home.conf"
	start "$VPS" "$k/vps.log" openvpn --config "$k/vps.conf"
	SRV=("$LASTPID")
	start "$HNS" "$k/home.log" openvpn --config "$k/home.conf"
	CLI=("$LASTPID")
	plumb vpn0 vpn0 || return 1
	wait_for 150 grep -q 'Initialization Sequence Completed' "$k/home.log" ||
		{ WHY="no OpenVPN session: $(tail -1 "$k/home.log")"; return 1; }
	NOTE="$(grep -o "Data Channel: cipher '[^']*'" "$k/home.log" | tail -1 | cut -d"'" -f2) (TLS, p2p), MTU $MTU"
}

setup_tinc() {
	local k=$D/tinc n
	need tincd || return 1
	for n in vps home; do
		mkdir -p "$k/$n/hosts"
		render "$CONF/tinc/$n.conf" "$k/$n/tinc.conf"
		render "$CONF/tinc/host-$n" "$k/$n/hosts/$n"
		tincd -c "$k/$n" -K2048 < /dev/null > "$k/$n-keygen.log" 2>&1 ||
			{ WHY="tincd -K: $(tail -1 "$k/$n-keygen.log")"; return 1; }
	done
	cp "$k/vps/hosts/vps" "$k/home/hosts/vps"
	cp "$k/home/hosts/home" "$k/vps/hosts/home"
	start "$VPS" "$k/vps.log" tincd -c "$k/vps" -D -d1 --pidfile="$k/vps.pid"
	SRV=("$LASTPID")
	start "$HNS" "$k/home.log" tincd -c "$k/home" -D -d1 --pidfile="$k/home.pid"
	CLI=("$LASTPID")
	plumb vpn0 vpn0
	NOTE="aes-256-cbc+hmac-sha256 (1.0 default), MTU $MTU"
}

# SoftEther keeps its state in the compiled-in /var/lib/softether,
# /var/log/softether and /run/softether: each instance runs in a mount
# namespace of its own with those bound to a directory in $D.
SE_MOUNTS='d=$1; shift
	mkdir -p "$d/db" "$d/log" "$d/run" &&
	mount --bind "$d/db" /var/lib/softether && mount --bind "$d/log" /var/log/softether &&
	mount --bind "$d/run" /run/softether && exec "$@"'

se() { # se NS INSTANCE COMMAND...: COMMAND in NS, with INSTANCE's directories
	ip netns exec "$1" unshare -m sh -c "$SE_MOUNTS" sh "$D/softether/$2" "${@:3}"
}

se_start() { # se_start NS INSTANCE: vpnserver in the foreground (it forks its worker)
	local d=$D/softether/$2
	mkdir -p "$d"
	ip netns exec "$1" unshare -m sh -c "$SE_MOUNTS" sh "$d" \
		/usr/libexec/softether/vpnserver/vpnserver execsvc >> "$d.log" 2>&1 &
	LASTPID=$!
	PIDS+=("$LASTPID")
	wait_for 100 sh -c "ip netns exec $1 ss -Hltn 'sport = :5555' | grep -q ." ||
		{ WHY="vpnserver did not start: $(tail -1 "$d.log")"; return 1; }
}

se_batch() { # se_batch NS INSTANCE TEMPLATE: vpncmd runs the template's commands
	local d=$D/softether
	render "$3" "$d/$2.in" "PASSWORD=$SE_PASSWORD"
	sed -i '/^#/d' "$d/$2.in"
	se "$1" "$2" vpncmd localhost:5555 /SERVER /IN:"$d/$2.in" > "$d/$2.vpncmd.log" 2>&1
	if grep -q -e 'Error occurred' -e 'Command not found' "$d/$2.vpncmd.log"; then
		WHY="vpncmd ($2): $(grep -A1 -e 'Error occurred' -e 'Command not found' "$d/$2.vpncmd.log" | tr '\n' ' ')"
		return 1
	fi
}

setup_softether() {
	local d
	[ -x /usr/libexec/softether/vpnserver/vpnserver ] || { WHY="softether-vpnserver is not installed"; return 1; }
	need vpncmd unshare || return 1
	for d in /var/lib/softether /var/log/softether /run/softether; do
		[ -d "$d" ] || { mkdir -p "$d" && SE_DIRS+=("$d"); }
	done
	SE_PASSWORD=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
	se_start "$VPS" vps || return 1
	SRV=("$LASTPID")
	se_start "$HNS" home || return 1
	CLI=("$LASTPID")
	se_batch "$VPS" vps "$CONF/softether/vps.vpncmd" || return 1
	se_batch "$HNS" home "$CONF/softether/home.vpncmd" || return 1
	plumb tap_vpn0 tap_vpn0 || return 1
	wait_for 150 se_cascade 'Session Established' || { WHY="the cascade does not come up"; return 1; }
	# the cascade adds a TCP connection a second up to its maximum (8): wait for all
	wait_for 200 se_cascade_full
	NOTE="$(se_field 'Encryption') over TLS/TCP x$(se_field 'Number of TCP Connections'), MTU $MTU"
}

se_cascade() { # se_cascade REGEX: the home server's cascade status matches
	se "$HNS" home vpncmd localhost:5555 /SERVER /HUB:DEFAULT /CMD CascadeStatusGet vps \
		> "$D/softether/status" 2>&1
	grep -q "$1" "$D/softether/status"
}

se_field() { # se_field NAME: a field of the last cascade status
	sed -n "s/^$1 *|//p" "$D/softether/status" | sed 's/^Enabled (Algorithm: \(.*\))$/\1/'
}

se_cascade_full() {
	se_cascade 'Session Established' &&
	[ "$(se_field 'Number of TCP Connections')" = "$(se_field 'Maximum Number of TCP Connections')" ]
}

# ---- measurements -----------------------------------------------------------

jget() { # jget FILE PYTHON-EXPR (j is the JSON document); empty on failure
	/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1" 2> /dev/null
}

median() { # median NUMBER...: empty if none
	/usr/bin/python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(statistics.median(v) if v else "")' "$@"
}

cpu_ticks() { # cpu_ticks PID...: utime+stime of the PIDs and their descendants
	local t=0 p v
	for p in $(tree "$@"); do
		v=$(sed 's/.*) //' "/proc/$p/stat" 2> /dev/null | awk '{print $12 + $13}')
		t=$((t + ${v:-0}))
	done
	echo $t
}

rss_kb() { # rss_kb PID...: sum of VmHWM (peak RSS) over the PIDs and their descendants
	local t=0 p v
	for p in $(tree "$@"); do
		v=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2> /dev/null)
		t=$((t + ${v:-0}))
	done
	echo $t
}

iperf() { # iperf NS OUT ARGS...: an iperf3 client run, JSON in OUT
	ip netns exec "$1" timeout --foreground -k 5 $((SECS + 30)) iperf3 -J "${@:3}" > "$2" 2> "$2.err"
}

iperf_servers() {
	start "$VM" "$D/iperf-vm.log" iperf3 -s -B $VM_IP
	start "$INET" "$D/iperf-inet.log" iperf3 -s -B $INET_IP
	wait_for 50 sh -c "ip netns exec $VM ss -Hltn 'sport = :5201' | grep -q ." &&
	wait_for 50 sh -c "ip netns exec $INET ss -Hltn 'sport = :5201' | grep -q ."
}

measure() { # measure TUNNEL: fills R[TUNNEL,...]
	local t=$1 f i down=() up=() bytes=0 b s0 c0 s1 c1 gb v
	iperf_servers || { log "$t: iperf3 servers did not start"; return 1; }
	R[$t,rtt_ms]=$(ip netns exec "$INET" ping -6 -q -c $PINGS -i 0.01 -W 2 $VM_IP |
		sed -n 's|^rtt [^=]*= [^/]*/\([^/]*\)/.*|\1|p')
	s0=$(cpu_ticks "${SRV[@]}") c0=$(cpu_ticks "${CLI[@]}")
	for i in $(seq 1 $RUNS); do
		f=$D/$t-tcp-down-$i.json
		iperf "$INET" "$f" -c $VM_IP -t $SECS
		v=$(jget "$f" "j['end']['sum_received']['bits_per_second'] / 1e6") && [ -n "$v" ] && down+=("$v")
		b=$(jget "$f" "j['end']['sum_received']['bytes']") && bytes=$((bytes + ${b:-0}))
		f=$D/$t-tcp-up-$i.json
		iperf "$VM" "$f" -c $INET_IP -t $SECS
		v=$(jget "$f" "j['end']['sum_received']['bits_per_second'] / 1e6") && [ -n "$v" ] && up+=("$v")
		b=$(jget "$f" "j['end']['sum_received']['bytes']") && bytes=$((bytes + ${b:-0}))
	done
	s1=$(cpu_ticks "${SRV[@]}") c1=$(cpu_ticks "${CLI[@]}")
	R[$t,tcp_down_mbps]=$(median "${down[@]}")
	R[$t,tcp_up_mbps]=$(median "${up[@]}")
	if [ ${#SRV[@]} -gt 0 ] && [ "$bytes" -gt 0 ]; then
		gb=$(awk -v b="$bytes" 'BEGIN {print b / 1e9}')
		R[$t,srv_cpu_s_per_gb]=$(awk -v d=$((s1 - s0)) -v h="$TICK" -v g="$gb" 'BEGIN {print d / h / g}')
		R[$t,cli_cpu_s_per_gb]=$(awk -v d=$((c1 - c0)) -v h="$TICK" -v g="$gb" 'BEGIN {print d / h / g}')
	fi
	for i in $UDP_SMALL $UDP_BIG; do
		f=$D/$t-udp-$i.json
		iperf "$INET" "$f" -c $VM_IP -u -b 0 -l "$i" -t $SECS
		v=$(jget "$f" "j['end']['sum_received']['bytes'] / $i / j['end']['sum_received']['seconds']")
		[ "$i" = "$UDP_SMALL" ] && R[$t,udp64_pps]=$v || R[$t,udp1400_pps]=$v
	done
	if [ ${#SRV[@]} -gt 0 ]; then
		R[$t,srv_rss_kb]=$(rss_kb "${SRV[@]}")
		R[$t,cli_rss_kb]=$(rss_kb "${CLI[@]}")
	fi
}

bench_one() { # bench_one TUNNEL: topology, tunnel, measurements, teardown
	local t=$1
	SRV=() CLI=() NOTE='' WHY=''
	log "$t: setting up"
	if ! topology; then
		WHY="topology"
	elif "setup_$t" && path_up; then
		log "$t: measuring ($NOTE)"
		measure "$t" || WHY="measurement failed"
	fi
	R[$t,note]=${WHY:+not measured: $WHY}
	R[$t,note]=${R[$t,note]:-$NOTE}
	log "$t: ${R[$t,note]}"
	stop "${PIDS[@]}"
	PIDS=()         # all gone: a PID must not outlive its process here
	namespaces_del
}

# ---- IPv4 reach -------------------------------------------------------------
# The same topology with IPv4 on the internet side: the internet host is
# 10.9.0.2, the VPS's public address 10.9.0.1 on inet0 (v6extd's upstream).
# TCP from the IPv4 host to the VM through four paths, in the same run:
#   ipv6      the v6ext tunnel's IPv6 path to the VM (the reference)
#   forward   v6ext's translator: forward = tcp 5202 [vm]:5201 (the client's
#             address kept, as 64:ff9b:1::a09:2)
#   tayga     tayga 0.9 in the VPS namespace, map 10.9.0.12 -> the VM, its
#             prefix 2001:db8:46::/96 routed to its TUN (the client's address kept)
#   haproxy   HAProxy mode tcp on 10.9.0.1:5203 to [vm]:5201 (the client's
#             address lost: the VM sees the VPS)
# all through the same v6ext tunnel; VPS CPU (v6extd, tayga or haproxy) per GB.
NAT_PATHS="ipv6 forward tayga haproxy"
declare -A N       # N[path,column]

nat64_setup() { # the topology, v6ext with a forward, tayga, haproxy
	local k=$D/v6ext t=$D/tayga
	topology || { WHY="topology"; return 1; }
	ip -n "$INET" addr add 10.9.0.2/24 dev eth0
	ip -n "$VPS" addr add 10.9.0.1/24 dev inet0
	setup_v6ext || return 1
	path_up || return 1
	# the forward, added at run time as an operator would
	"$B/cli/v6ext" -s "$k/server.sock" forward add home tcp 5202 "[$VM_IP]:5201" > /dev/null ||
		{ WHY="forward add failed"; return 1; }
	if need tayga; then
		mkdir -p "$t"
		cat > "$t/tayga.conf" <<-EOF
		tun-device tayga0
		ipv4-addr 10.9.1.1
		prefix 2001:db8:46::/96
		map 10.9.0.12 $VM_IP
		data-dir $t
		EOF
		ip netns exec "$VPS" tayga -c "$t/tayga.conf" --mktun > /dev/null 2>&1
		ip -n "$VPS" link set tayga0 up
		ip -n "$VPS" route add 10.9.0.12/32 dev tayga0
		ip -n "$VPS" route add 10.9.1.0/24 dev tayga0
		ip -n "$VPS" -6 route add 2001:db8:46::/96 dev tayga0
		ip -n "$VPS" neigh add proxy 10.9.0.12 dev inet0
		start "$VPS" "$t/tayga.log" tayga -c "$t/tayga.conf" --nodetach
		TAYGA=$LASTPID
	fi
	if need haproxy; then
		cat > "$D/haproxy.cfg" <<-EOF
		global
		    maxconn 100
		defaults
		    mode tcp
		    timeout connect 5s
		    timeout client 60s
		    timeout server 60s
		frontend f
		    bind 10.9.0.1:5203
		    default_backend b
		backend b
		    server vm [$VM_IP]:5201
		EOF
		start "$VPS" "$D/haproxy.log" haproxy -f "$D/haproxy.cfg" -db
		HAPROXY=$LASTPID
	fi
	start "$VM" "$D/iperf-vm.log" iperf3 -s -B $VM_IP
	wait_for 50 sh -c "ip netns exec $VM ss -Hltn 'sport = :5201' | grep -q ."
}

nat64_measure() { # nat64_measure PATH TARGET PORT PID...: N[PATH,...]
	local p=$1 target=$2 port=$3 f i down=() up=() bytes=0 b v c0 c1
	shift 3
	c0=$(cpu_ticks "$@")
	for i in $(seq 1 $RUNS); do
		f=$D/nat64-$p-down-$i.json
		iperf "$INET" "$f" -c "$target" -p "$port" -t $SECS
		v=$(jget "$f" "j['end']['sum_received']['bits_per_second'] / 1e6") && [ -n "$v" ] && down+=("$v")
		b=$(jget "$f" "j['end']['sum_received']['bytes']") && bytes=$((bytes + ${b:-0}))
		f=$D/nat64-$p-up-$i.json
		iperf "$INET" "$f" -c "$target" -p "$port" -t $SECS -R
		v=$(jget "$f" "j['end']['sum_received']['bits_per_second'] / 1e6") && [ -n "$v" ] && up+=("$v")
		b=$(jget "$f" "j['end']['sum_received']['bytes']") && bytes=$((bytes + ${b:-0}))
	done
	c1=$(cpu_ticks "$@")
	N[$p,down]=$(median "${down[@]}")
	N[$p,up]=$(median "${up[@]}")
	[ "$bytes" -gt 0 ] && N[$p,cpu]=$(awk -v d=$((c1 - c0)) -v h="$TICK" -v b="$bytes" 'BEGIN {print d / h / (b / 1e9)}')
}

bench_nat64() {
	local k=$D/v6ext
	SRV=() CLI=() NOTE='' WHY='' TAYGA='' HAPROXY=''
	log "nat64: setting up"
	if nat64_setup; then
		log "nat64: measuring"
		nat64_measure ipv6 $VM_IP 5201 "${SRV[@]}"
		nat64_measure forward 10.9.0.1 5202 "${SRV[@]}"
		[ -n "$TAYGA" ] && nat64_measure tayga 10.9.0.12 5201 "${SRV[@]}" "$TAYGA"
		[ -n "$HAPROXY" ] && nat64_measure haproxy 10.9.0.1 5203 "${SRV[@]}" "$HAPROXY"
		N[show]=$("$B/cli/v6ext" -s "$k/server.sock" show --json 2> /dev/null | /usr/bin/python3 -c '
import json, sys
j = json.load(sys.stdin)
print("translator: %d packets in, %d out; the forward: %d packets in, %d out" % (j["nat64_packets_in"],
    j["nat64_packets_out"], j["forwards"][0]["packets_in"], j["forwards"][0]["packets_out"]))' 2> /dev/null)
	fi
	N[note]=${WHY:+not measured: $WHY}
	stop "${PIDS[@]}"
	PIDS=()
	namespaces_del
}

nat64_report() {
	local p r
	echo
	echo "IPv4 reach: TCP from an IPv4-only host to the VM through the v6ext tunnel (Mbit/s, median of $RUNS x ${SECS} s)"
	[ -n "${N[note]:-}" ] && echo "${N[note]}"
	row path tcp_down tcp_up vps_cpu/GB "note"
	for p in $NAT_PATHS; do
		row "$p" "$(fmt x "${N[$p,down]:-}")" "$(fmt x "${N[$p,up]:-}")" "$(fmt cpu "${N[$p,cpu]:-}")" \
		    "$(case $p in ipv6) echo "IPv6, no translation";; forward) echo "v6ext's translator, client address kept";;
		    tayga) echo "tayga, client address kept";; haproxy) echo "HAProxy relay, client address lost";; esac)"
		tsv "nat64-$p" "${N[$p,down]:-}" "${N[$p,up]:-}" "${N[$p,cpu]:-}"
	done
	echo
	row ratio tcp_down tcp_up "" "goal"
	for r in "forward/ipv6 >= 0.8" "forward/tayga >= 2" "forward/haproxy >= 1"; do
		set -- $r
		local a=${1%/*} b=${1#*/}
		row "$1" "$(awk -v a="${N[$a,down]:-}" -v b="${N[$b,down]:-}" 'BEGIN { if (a != "" && b + 0 != 0) printf "%.2f", a / b; else print "-" }')" \
		    "$(awk -v a="${N[$a,up]:-}" -v b="${N[$b,up]:-}" 'BEGIN { if (a != "" && b + 0 != 0) printf "%.2f", a / b; else print "-" }')" \
		    "" "$2 $3"
	done
	[ -n "${N[show]:-}" ] && echo "${N[show]}"
	return 0
}

# ---- report -----------------------------------------------------------------

fmt() { # fmt COLUMN VALUE: rounded for the table; - when empty
	[ -n "$2" ] || { echo -; return; }
	case $1 in
	rtt_ms) printf '%.3f' "$2" ;;
	*cpu*) printf '%.2f' "$2" ;;
	*) printf '%.0f' "$2" ;;
	esac
}

row() { # row NAME VALUE... NOTE: one table line, aligned
	printf '%-20s' "$1"; shift
	while [ $# -gt 1 ]; do printf ' %12s' "$1"; shift; done
	printf '  %s\n' "$1"
}

tsv() { # tsv FIELD...: one line of $BENCH_OUT
	(IFS=$'\t'; echo "$*") >> "$BENCH_OUT"
}

table() {
	local t c vals
	echo
	echo "v6ext benchmark ($( [ "${QUICK:-0}" = 1 ] && echo "QUICK: 1 run of ${SECS} s" || echo "median of $RUNS runs of ${SECS} s"), $(nproc) CPUs, $(uname -r))"
	row tunnel tcp_down tcp_up udp64 udp1400 rtt_ms srv_cpu/GB cli_cpu/GB srv_rss_kB cli_rss_kB note
	for t in $TUNNELS; do
		[ "$t" = nat64 ] && continue
		vals=()
		for c in $COLS; do vals+=("$(fmt "$c" "${R[$t,$c]:-}")"); done
		row "$t" "${vals[@]}" "${R[$t,note]}"
		tsv "$t" "${vals[@]}" "${R[$t,note]}"
	done
}

ratios() { # each v6ext in the run / each other tunnel
	local v peer c vals
	echo
	echo "v6ext / peer (throughput, pps: higher is better; rtt, cpu, rss: lower is better)"
	row ratio tcp_down tcp_up udp64 udp1400 rtt_ms srv_cpu/GB cli_cpu/GB srv_rss_kB cli_rss_kB ""
	for v in $TUNNELS; do
		case $v in v6ext*) ;; *) continue ;; esac
		for peer in $TUNNELS; do
			case $peer in v6ext* | nat64) continue ;; esac
			vals=()
			for c in $COLS; do
				vals+=("$(awk -v a="${R[$v,$c]:-}" -v b="${R[$peer,$c]:-}" \
					'BEGIN { if (a != "" && b != "" && b + 0 != 0) printf "%.2f", a / b; else print "-" }')")
			done
			row "$v/$peer" "${vals[@]}" ""
			tsv "$v/$peer" "${vals[@]}" ratio
		done
	done
}

report() {
	: > "$BENCH_OUT"
	tsv tunnel $COLS note
	[ "$TUNNELS" = nat64 ] || table
	case " $TUNNELS " in *" v6ext"*) ratios ;; esac
	case " $TUNNELS " in *" nat64 "*) nat64_report ;; esac
	echo
	echo "udp64/udp1400: packets/s received by the vm, payload $UDP_SMALL and $UDP_BIG bytes (a full $MTU-byte IPv6 packet)."
	echo "cpu: utime+stime of the daemons per GB moved by TCP (kernel softirq work is not in it); rss: VmHWM."
	echo "TSV: $BENCH_OUT"
}

# ---- main -------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "bench.sh: needs root (network namespaces)" >&2; exit 77; }
for c in ip iperf3 ping /usr/bin/python3 ps; do
	command -v "$c" > /dev/null || { echo "bench.sh: $c is not installed" >&2; exit 1; }
done
for t in $TUNNELS; do
	[ "$t" = nat64 ] || declare -F "setup_$t" > /dev/null || { echo "bench.sh: unknown tunnel $t" >&2; exit 1; }
done
log "build $B, work dir $D, namespaces $P*, $RUNS x $SECS s"
for t in $TUNNELS; do
	if [ "$t" = nat64 ]; then bench_nat64; else bench_one "$t"; fi
done
report
