#!/bin/bash
# SPDX-License-Identifier: ISC
# v6ext scale figures: a server with 1 000 configured peers and 100 live
# sessions. Root only; never part of `make check`.
#
#   tests/bench/scale.sh [BUILDDIR]        (or: make bench-scale)
#
#   BUILDDIR        where server/v6extd, client/v6ext-client, cli/v6ext and
#                   tests/bench/hsload are built (default: $top_builddir, else
#                   ./build next to the sources); `make tests/bench/hsload`
#                   builds the load generator (make bench-scale does)
#   SCALE_PEERS     configured peers (default 1000)
#   SCALE_SESSIONS  live sessions, v6ext-client processes (default 100)
#   BENCH_OUT       where the TSV goes: a directory (then DIR/scale.tsv) or a
#                   file (default ./scale.tsv)
#
# Topology (namespace names carry the prefix sc<PID>-):
#
#   [inet] eth0 2001:db8:ff::2 ---- inet0 2001:db8:ff::1 [vps] v6extd, 1 000 peers
#     route 2001:db8:64:1::/64 via the VPS      upstream = inet0, prefix 2001:db8:64:1::/64,
#                                               peer pNNNNN: tap tNNNNN, sub-prefix index NNNN
#                                               t00001 also holds 2001:db8:64:1:4::1/78
#                                               ul0 2001:db8:1::1 (the underlay)
#                                                 |
#   [home] ul0 2001:db8:1::2: 100 v6ext-client, client NNN: key pNNNNN, tap cNNN,
#          bridge bNNN, keepalive 1 s        b001 + vm0 ---- eth0 [vm] 2001:db8:64:1:4::10/78
#                                                                   default via ::4::1
#   [one]  up0 (a veth, its peer up0p here too): v6extd with 1 peer, for the memory baseline
#
# The provider routes the /64 to the VPS (ndp-proxy = off) and the VM has a
# static address (dhcpv6 = off), as in bench.sh: the figures are about the
# tunnel and the peers, not NDP or DHCPv6. Measured, in this order:
#
#  1. start-up: from the exec of `v6extd -f` until `v6ext show --json`
#     answers (the control socket opens after every tap exists), with 1 peer
#     and with all the peers;
#  2. memory: VmRSS and VmHWM of both servers (parent + engine) once started, the difference
#     per configured peer; and VmRSS once all sessions are live;
#  3. throughput of site 1 alone: client 001 only, iperf3 TCP inet -> vm, 10 s;
#  4. the other clients are started at once: the time until the server shows
#     every session up;
#  5. throughput of site 1 again while the others send a keepalive every
#     second (the client's minimum), and the keepalives/s the server received;
#  6. handshakes/s: tests/bench/hsload keeps 64 initiations in flight for 10 s
#     with the keys of the peers that have no client (cookie replies retried
#     with mac2, as the client does); the server's CPU over the same 10 s.
#
# Figures are printed, never judged. Every process started is killed by its
# PID and every namespace deleted on exit.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-${top_builddir:-$SRC/build}}
B=$(cd "$B" && pwd)
V6EXTD=$B/server/v6extd V6CLI=$B/client/v6ext-client V6EXT=$B/cli/v6ext HSLOAD=$B/tests/bench/hsload
N_PEERS=${SCALE_PEERS:-1000}
N_SESS=${SCALE_SESSIONS:-100}
SECS=10                 # each timed measurement
# initiations in flight: below the engine's load bar (server/hsqueue.h: 32
# waiting), since from the one source of this generator the per-source
# bucket (20 a second) would be the figure under load, not the server
HS_WINDOW=${SCALE_HS_WINDOW:-16}
KEEPALIVE=1             # seconds: the shortest interval the client accepts
MTU=1380
STARTUP_MAX=600         # seconds before a start-up counts as failed
if [ -d "${BENCH_OUT:-}" ]; then BENCH_OUT=$BENCH_OUT/scale.tsv; fi
BENCH_OUT=${BENCH_OUT:-./scale.tsv}

P=sc$$-
INET=${P}inet VPS=${P}vps HNS=${P}home VM=${P}vm ONE=${P}one
NSS="$INET $VPS $HNS $VM $ONE"
INET_IP=2001:db8:ff::2 VPS_INET_IP=2001:db8:ff::1
VPS_UL=2001:db8:1::1 HOME_UL=2001:db8:1::2
GW=2001:db8:64:1:4::1 VM_IP=2001:db8:64:1:4::10
D=$(mktemp -d /tmp/v6ext-scale.XXXXXX)
TICK=$(getconf CLK_TCK)
T_START=$SECONDS

PIDS=()                 # every process started, for the clean-up
SRV='' CLI1=''          # the 1 000-peer v6extd, client 001
declare -A R            # figures: R[name]
declare -A NOTE         # a note per figure (how, or why it is missing)

log() { printf '# %s\n' "$*" >&2; }

# ---- processes and namespaces ----------------------------------------------

wait_for() { # wait_for TENTHS COMMAND...: poll until COMMAND succeeds
	local n=$1; shift
	for _ in $(seq 1 "$n"); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}

start() { # start NS LOG COMMAND...: in NS, in the background; PID in LASTPID
	# `ip netns exec` execs the command, so the PID is the program's own
	ip netns exec "$1" "${@:3}" >> "$2" 2>&1 &
	LASTPID=$!
	PIDS+=("$LASTPID")
}

alive() { # alive PID: running (not gone, not a zombie)
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -c1)
	[ -n "$s" ] && [ "$s" != Z ]
}
gone() { ! alive "$1"; }

stop() { # stop PID...: TERM, KILL whatever is left after 10 s, reap
	local p left
	[ $# -gt 0 ] || return 0
	kill "$@" 2> /dev/null || true
	for _ in $(seq 1 100); do
		left=
		for p in "$@"; do alive "$p" && { left=1; break; }; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	kill -9 "$@" 2> /dev/null || true
	for p in "$@"; do wait "$p" 2> /dev/null || true; done
}

forget() { # forget PID: gone, so the clean-up must not signal a reused PID
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

cleanup() {
	set +e
	stop "${PIDS[@]}"
	for n in $NSS; do ip netns del "$n" 2> /dev/null; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

link() { # link NS1 IF1 NS2 IF2: a veth pair between two namespaces, up
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

topology() {
	local n
	for n in $NSS; do
		ip netns add "$n"
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	# the 100 home bridges would otherwise each take a default route from our RAs
	ip netns exec "$HNS" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	ip netns exec "$VM" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	link "$INET" eth0 "$VPS" inet0
	link "$VPS" ul0 "$HNS" ul0
	link "$VM" eth0 "$HNS" vm0
	ip -n "$INET" addr add $INET_IP/64 dev eth0 nodad
	ip -n "$INET" -6 route add 2001:db8:64:1::/64 via $VPS_INET_IP
	ip -n "$VPS" addr add $VPS_INET_IP/64 dev inet0 nodad
	ip -n "$VPS" addr add $VPS_UL/64 dev ul0 nodad
	ip -n "$HNS" addr add $HOME_UL/64 dev ul0 nodad
	ip -n "$HNS" link set vm0 mtu $MTU
	ip -n "$VM" link set eth0 mtu $MTU
	ip -n "$VM" addr add $VM_IP/78 dev eth0 nodad
	ip -n "$VM" -6 route add default via $GW
	# a veth pair with both ends here: this kernel may have no dummy driver
	ip -n "$ONE" link add up0 type veth peer name up0p
	ip -n "$ONE" link set up0p up
	ip -n "$ONE" link set up0 up
}

# ---- keys and configurations ------------------------------------------------

keys() { # N_PEERS client keys in $D/keys/pNNNNN.key, public keys in $D/keys/pub
	local i
	mkdir -p "$D/keys"
	(umask 077; "$V6EXT" genkey > "$D/server.key")
	if [ -x "$HSLOAD" ]; then
		"$HSLOAD" keygen "$D/keys" "$N_PEERS" > "$D/keys/pub"
	else
		# 2 processes per key: slower, the same keys
		for i in $(seq 1 "$N_PEERS"); do
			(umask 077; "$V6EXT" genkey > "$D/keys/p$(printf %05d "$i").key")
			echo "$i $("$V6EXT" pubkey < "$D/keys/p$(printf %05d "$i").key")"
		done > "$D/keys/pub"
	fi
	SERVER_PUB=$("$V6EXT" pubkey < "$D/server.key")
}

server_conf() { # server_conf FILE N UPSTREAM NAME: a server with the first N peers
	local f=$1 n=$2
	{
		cat <<-CONF
		[server]
		private-key-file = $D/server.key
		listen-port = 51820
		upstream = $3
		prefix = 2001:db8:64:1::/64
		mtu = $MTU
		ndp-proxy = off
		dhcpv6 = off
		state-dir = $D/$4-state
		control-socket = $D/$4.sock
		CONF
		# peer i: sub-prefix index i (index 1 is 2001:db8:64:1:4::/78), tap tNNNNN
		awk -v n="$n" '$1 <= n { printf "\n[peer p%05d]\npublic-key = %s\nsub-prefix = %d\ntap = t%05d\n", $1, $2, $1, $1 }' \
			"$D/keys/pub"
	} > "$f"
}

client_conf() { # client_conf I: client I's configuration file, printed path
	local i=$1 c
	c=$(printf %03d "$i")
	cat > "$D/c$c.conf" <<-CONF
	[client]
	private-key-file = $D/keys/p$(printf %05d "$i").key
	server = [$VPS_UL]:51820
	server-public-key = $SERVER_PUB
	tap = c$c
	bridge = b$c
	keepalive = $KEEPALIVE
	mtu = $MTU
	control-socket = $D/c$c.sock
	CONF
	echo "$D/c$c.conf"
}

# ---- measurements -----------------------------------------------------------

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# A daemon and its children: v6extd is a parent and an engine (the engine
# holds the sites and does the work), v6ext-client one process.
tree() { echo "$1" $(cat "/proc/$1/task/$1/children" 2> /dev/null); }

status_kb() { # status_kb PID FIELD: VmRSS or VmHWM of PID and its children, in kB
	local p
	for p in $(tree "$1"); do cat "/proc/$p/status" 2> /dev/null; done |
		awk -v f="$2:" '$1 == f { kb += $2; n++ } END { if (n) print kb }'
}

cpu_ticks() { # cpu_ticks PID: utime+stime of PID and its children
	local p
	for p in $(tree "$1"); do sed 's/.*) //' "/proc/$p/stat" 2> /dev/null; done |
		awk '{ t += $12 + $13; n++ } END { if (n) print t }'
}

show() { "$V6EXT" -s "$1" show --json; }

sessions_up() { # sessions_up SOCKET: how many peers the server shows as up
	show "$1" 2> /dev/null | /usr/bin/python3 -c \
		'import json,sys; print(sum(p.get("session") == "up" for p in json.load(sys.stdin)["peers"]))'
}

all_up() { [ "$(sessions_up "$1")" -ge "$2" ]; }

peer_rx_packets() { # peer_rx_packets SOCKET FIRST LAST: rx_packets summed over peers FIRST..LAST (1-based)
	show "$1" 2> /dev/null | /usr/bin/python3 -c \
		'import json,sys; p=json.load(sys.stdin)["peers"]; print(sum(x["rx_packets"] for x in p[int(sys.argv[1])-1:int(sys.argv[2])]))' "$2" "$3"
}

# start_server NS CONF NAME: start v6extd, wait until `show --json` answers.
# Sets LASTPID and STARTUP (seconds), or WHY.
start_server() {
	local t0 end
	rm -f "$D/$3.sock"
	t0=$(now)
	start "$1" "$D/$3.log" "$V6EXTD" -f -c "$2"
	end=$((SECONDS + STARTUP_MAX))
	# the socket appears once every tap exists: poll cheaply, then ask it
	while [ $SECONDS -lt $end ]; do
		alive "$LASTPID" || { WHY="v6extd exited: $(tail -1 "$D/$3.log")"; return 1; }
		if [ -S "$D/$3.sock" ] && show "$D/$3.sock" > "$D/$3.show" 2> /dev/null; then
			STARTUP=$(elapsed "$t0" "$(now)")
			return 0
		fi
		sleep 0.05
	done
	WHY="no answer on the control socket within $STARTUP_MAX s: $(tail -1 "$D/$3.log")"
	return 1
}

measure_startup() {
	local pid1 n
	server_conf "$D/one.conf" 1 up0 one
	if start_server "$ONE" "$D/one.conf" one; then
		pid1=$LASTPID
		R[startup_1_peer_s]=$STARTUP
		sleep 1         # let it settle: the first tick, the first RA timers
		R[rss_1_peer_kb]=$(status_kb "$pid1" VmRSS) R[hwm_1_peer_kb]=$(status_kb "$pid1" VmHWM)
		stop "$pid1"
		forget "$pid1"
	else
		NOTE[startup_1_peer_s]=$WHY
	fi
	n=$N_PEERS
	server_conf "$D/vps.conf" "$n" inet0 vps
	log "starting v6extd with $n peers ($(grep -c '^\[peer' "$D/vps.conf") [peer] sections, $(wc -c < "$D/vps.conf") bytes)"
	if ! start_server "$VPS" "$D/vps.conf" vps; then
		NOTE[startup_peers_s]="$N_PEERS peers: $WHY"
		log "${NOTE[startup_peers_s]}"
		return 1
	fi
	SRV=$LASTPID
	R[startup_peers_s]=$STARTUP
	NOTE[startup_peers_s]="$(awk -v s="$STARTUP" -v n="$n" 'BEGIN { printf "%.2f ms per peer (tap, sysctls, link, route)", s * 1000 / n }')"
	R[show_reply_kb]=$(( $(wc -c < "$D/vps.show") / 1024 ))
	NOTE[show_reply_kb]="show --json with $n peers (the control reply is capped at 32 MiB of key=value lines)"
	sleep 1
	R[rss_peers_kb]=$(status_kb "$SRV" VmRSS) R[hwm_peers_kb]=$(status_kb "$SRV" VmHWM)
	if [ -n "${R[rss_1_peer_kb]:-}" ]; then
		R[rss_per_peer_kb]=$(awk -v a="${R[rss_1_peer_kb]}" -v b="${R[rss_peers_kb]}" -v n="$n" \
			'BEGIN { printf "%.2f", (b - a) / (n - 1) }')
		R[hwm_per_peer_kb]=$(awk -v a="${R[hwm_1_peer_kb]}" -v b="${R[hwm_peers_kb]}" -v n="$n" \
			'BEGIN { printf "%.2f", (b - a) / (n - 1) }')
	fi
}

start_client() { # start_client I: v6ext-client I in the home namespace
	local c
	c=$(printf %03d "$1")
	start "$HNS" "$D/c$c.log" "$V6CLI" -f -c "$(client_conf "$1")"
	[ "$1" != 1 ] || CLI1=$LASTPID
}

# iperf_down NAME: TCP inet -> vm for SECS, the receiver's Mbit/s in R[NAME];
# CPU_NOTE says how busy v6extd and client 001 were (utime+stime, % of one
# core), to tell a daemon at its limit from a machine that is
iperf_down() {
	local f=$D/$1.json s0 c0 s1 c1
	s0=$(cpu_ticks "$SRV") c0=$(cpu_ticks "$CLI1")
	if ip netns exec "$INET" timeout --foreground -k 5 $((SECS + 30)) iperf3 -J -c $VM_IP -t $SECS > "$f" 2> "$f.err"; then
		R[$1]=$(/usr/bin/python3 -c 'import json,sys; print("%.0f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$f")
	else
		NOTE[$1]="iperf3 failed: $(tail -1 "$f.err")"
	fi
	s1=$(cpu_ticks "$SRV") c1=$(cpu_ticks "$CLI1")
	CPU_NOTE=$(awk -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v h="$TICK" -v t=$SECS \
		'BEGIN { printf "v6extd %.0f%%, client 001 %.0f%% CPU", s / h / t * 100, c / h / t * 100 }')
}

measure_site_alone() {
	local sock=$D/vps.sock
	start_client 1
	if ! wait_for 150 all_up "$sock" 1; then
		NOTE[tput_alone_mbps]="client 001 did not come up: $(tail -1 "$D/c001.log")"
		return 1
	fi
	wait_for 50 ip -n "$HNS" link show b001 || { NOTE[tput_alone_mbps]="no bridge b001"; return 1; }
	ip -n "$HNS" link set vm0 master b001
	ip -n "$VPS" addr add $GW/78 dev t00001 nodad
	start "$VM" "$D/iperf-vm.log" iperf3 -s -B $VM_IP
	wait_for 50 sh -c "ip netns exec $VM ss -Hltn 'sport = :5201' | grep -q ." || true
	if ! wait_for 100 ip netns exec "$INET" ping -6 -c 1 -W 1 $VM_IP; then
		NOTE[tput_alone_mbps]="no ping from inet to the vm behind client 001"
		return 1
	fi
	iperf_down tput_alone_mbps
	NOTE[tput_alone_mbps]=${NOTE[tput_alone_mbps]:-"iperf3 TCP inet -> vm behind client 001, ${SECS} s, only its session live; $CPU_NOTE"}
}

measure_sessions() {
	local sock=$D/vps.sock i t0 n
	t0=$(now)
	for i in $(seq 2 "$N_SESS"); do start_client "$i"; done
	if wait_for 1200 all_up "$sock" "$N_SESS"; then
		R[sessions_up_s]=$(elapsed "$t0" "$(now)")
		NOTE[sessions_up_s]="clients 002..$(printf %03d "$N_SESS") started at once (001 already up) until show --json has $N_SESS up"
	else
		n=$(sessions_up "$sock" || echo '?')
		NOTE[sessions_up_s]="only $n of $N_SESS sessions up after 120 s"
		log "${NOTE[sessions_up_s]}"
	fi
	R[sessions_live]=$(sessions_up "$sock" || echo '')
	sleep 2
	R[rss_sessions_kb]=$(status_kb "$SRV" VmRSS)
	NOTE[rss_sessions_kb]="VmRSS with ${R[sessions_live]:-?} sessions live"
}

measure_site_busy() {
	local sock=$D/vps.sock k0 k1 t0 t1
	[ -n "${R[tput_alone_mbps]:-}" ] || { NOTE[tput_busy_mbps]="site 1 was not measured alone"; return 1; }
	k0=$(peer_rx_packets "$sock" 2 "$N_SESS") t0=$(now)
	iperf_down tput_busy_mbps
	k1=$(peer_rx_packets "$sock" 2 "$N_SESS") t1=$(now)
	R[keepalives_per_s]=$(awk -v a="$k0" -v b="$k1" -v t="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.0f", (b - a) / t }')
	NOTE[keepalives_per_s]="packets/s the server received from the other $((N_SESS - 1)) sites during that run (keepalive = $KEEPALIVE s)"
	NOTE[tput_busy_mbps]=${NOTE[tput_busy_mbps]:-"the same, while $((N_SESS - 1)) other sessions send keepalives; $CPU_NOTE"}
}

# Where the server's CPU goes in the runs above (perf): the kernel picks a
# source address for every datagram the unbound, unconnected UDP socket
# sends, and for a global destination ipv6_dev_get_saddr() scores every
# interface of the namespace, 1 000 taps included. use_oif_addrs_only on the
# outgoing interface limits it to that interface's addresses: one more run
# with it on the VPS's and the home's underlay shows what that costs.
measure_site_oif() {
	[ -n "${R[tput_busy_mbps]:-}" ] || { NOTE[tput_oif_mbps]="not measured: no figure without it"; return 1; }
	ip netns exec "$VPS" sysctl -qw net.ipv6.conf.ul0.use_oif_addrs_only=1
	ip netns exec "$HNS" sysctl -qw net.ipv6.conf.ul0.use_oif_addrs_only=1
	iperf_down tput_oif_mbps
	ip netns exec "$VPS" sysctl -qw net.ipv6.conf.ul0.use_oif_addrs_only=0
	ip netns exec "$HNS" sysctl -qw net.ipv6.conf.ul0.use_oif_addrs_only=0
	NOTE[tput_oif_mbps]=${NOTE[tput_oif_mbps]:-"the same with net.ipv6.conf.ul0.use_oif_addrs_only=1 on both underlay ends (diagnosis, not a default); $CPU_NOTE"}
}

# The clients go first (killed by PID), then v6extd gets SIGTERM: the time
# until it is gone is mostly the kernel deleting its taps as their file
# descriptors close.
measure_shutdown() {
	local t0 p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$SRV" ] || keep+=("$p"); done
	stop "${keep[@]}"
	PIDS=("$SRV")
	t0=$(now)
	kill "$SRV" 2> /dev/null || true
	if wait_for 1200 gone "$SRV"; then
		R[shutdown_peers_s]=$(elapsed "$t0" "$(now)")
		NOTE[shutdown_peers_s]="SIGTERM to v6extd until it is gone, $N_PEERS taps"
	else
		NOTE[shutdown_peers_s]="v6extd still running 120 s after SIGTERM"
	fi
	stop "$SRV"
	forget "$SRV"
}

measure_handshakes() {
	local files=() i c0 c1 out
	[ -x "$HSLOAD" ] || { NOTE[handshakes_per_s]="$HSLOAD is not built (make tests/bench/hsload)"; return 1; }
	[ "$N_PEERS" -gt "$N_SESS" ] || { NOTE[handshakes_per_s]="no configured peer without a client"; return 1; }
	for i in $(seq $((N_SESS + 1)) "$N_PEERS"); do files+=("$D/keys/p$(printf %05d "$i").key"); done
	c0=$(cpu_ticks "$SRV")
	out=$(ip netns exec "$HNS" "$HSLOAD" run $VPS_UL 51820 "$SERVER_PUB" $SECS $HS_WINDOW "${files[@]}" 2> "$D/hsload.err") ||
		{ NOTE[handshakes_per_s]="hsload failed: $(tail -1 "$D/hsload.err")"; return 1; }
	c1=$(cpu_ticks "$SRV")
	log "hsload: $out"
	R[handshakes_per_s]=$(sed -n 's/.* rate=\([^ ]*\).*/\1/p' <<< "$out")
	R[hs_server_cpu_pct]=$(awk -v d=$((c1 - c0)) -v h="$TICK" -v s=$SECS 'BEGIN { printf "%.0f", d / h / s * 100 }')
	R[hs_load_cpu_pct]=$(sed -n 's/.* cpu_s=\([^ ]*\).*/\1/p' <<< "$out" | awk -v s=$SECS '{ printf "%.0f", $1 / s * 100 }')
	NOTE[handshakes_per_s]="$(sed -n 's/.*\(initiations=[0-9]*\) \(cookies=[0-9]*\) \(timeouts=[0-9]*\) \(data=[0-9]*\) \(bad=[0-9]*\).* \(per_second=.*\)/\1 \2 \3 \4 \5 \6/p' <<< "$out"), ${#files[@]} keys, window $HS_WINDOW"
	NOTE[hs_server_cpu_pct]="v6extd (parent + engine) utime+stime over the ${SECS} s, % of one core"
	NOTE[hs_load_cpu_pct]="hsload's own, on the same $(nproc) CPUs"
}

# ---- report -----------------------------------------------------------------

FIGURES="keygen_s startup_1_peer_s startup_peers_s show_reply_kb rss_1_peer_kb hwm_1_peer_kb rss_peers_kb hwm_peers_kb
rss_per_peer_kb hwm_per_peer_kb tput_alone_mbps sessions_up_s sessions_live rss_sessions_kb tput_busy_mbps
keepalives_per_s tput_oif_mbps handshakes_per_s hs_server_cpu_pct hs_load_cpu_pct shutdown_peers_s"

report() {
	local f
	echo
	echo "v6ext scale: $N_PEERS configured peers, $N_SESS live sessions; $(nproc) CPUs, $(uname -r)"
	printf '%-20s %12s  %s\n' figure value note
	printf 'figure\tvalue\tnote\n' > "$BENCH_OUT"
	for f in $FIGURES; do
		printf '%-20s %12s  %s\n' "$f" "${R[$f]:--}" "${NOTE[$f]:-}"
		printf '%s\t%s\t%s\n' "$f" "${R[$f]:-}" "${NOTE[$f]:-}" >> "$BENCH_OUT"
	done
	echo "whole run: $((SECONDS - T_START)) s; TSV: $BENCH_OUT"
}

# ---- main -------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "scale.sh: needs root (network namespaces)" >&2; exit 77; }
for c in ip iperf3 ping /usr/bin/python3 "$V6EXTD" "$V6CLI" "$V6EXT"; do
	command -v "$c" > /dev/null || { echo "scale.sh: $c is not installed or built" >&2; exit 1; }
done
if [ "$N_SESS" -gt "$N_PEERS" ] || [ "$N_SESS" -gt 999 ] || [ "$N_PEERS" -gt 16383 ] || [ "$N_SESS" -lt 1 ]; then
	echo "scale.sh: need 1 <= SCALE_SESSIONS <= SCALE_PEERS, SCALE_SESSIONS <= 999, SCALE_PEERS <= 16383 (a /64 of /78s)" >&2
	exit 1
fi
log "build $B, work dir $D, namespaces $P*"
topology
t=$(now)
keys
R[keygen_s]=$(elapsed "$t" "$(now)")
NOTE[keygen_s]="$N_PEERS client keys ($([ -x "$HSLOAD" ] && echo "hsload keygen" || echo "v6ext genkey + pubkey"))"
NOTE[rss_per_peer_kb]="(VmRSS with $N_PEERS peers - with 1) / $((N_PEERS - 1))"
NOTE[hwm_per_peer_kb]="the same with VmHWM"
log "start-up and memory"
if measure_startup; then
	log "site 1 alone"
	measure_site_alone || log "${NOTE[tput_alone_mbps]}"
	log "$N_SESS sessions"
	measure_sessions
	log "site 1 with the others sending keepalives"
	measure_site_busy || log "${NOTE[tput_busy_mbps]}"
	log "site 1 with use_oif_addrs_only"
	measure_site_oif || log "${NOTE[tput_oif_mbps]}"
	log "handshakes"
	measure_handshakes || log "${NOTE[handshakes_per_s]}"
	log "shut-down"
	measure_shutdown
fi
report
