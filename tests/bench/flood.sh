#!/bin/bash
# SPDX-License-Identifier: ISC
# One row of the handshake-flood table: what a flood of initiations with
# valid cookies does to v6extd and to a live site. Root only; never part of
# `make check` (tests/netns/flood-cookie.test is the check).
#
#   tests/bench/flood.sh BUILDDIR [LABEL]
#
#   BUILDDIR     a build of any v6ext version: server/v6extd, client/v6ext-client
#                and cli/v6ext are taken from it (the wire format has not
#                changed since 65c8da0, so an old build compares with a new one)
#   LABEL        the row's name (default: the commit BUILDDIR was built from)
#   HSFLOOD      the flood tool (default: BUILDDIR/tests/netns/hsflood, else the
#                one built next to this script's sources, ../../build); `make
#                tests/netns/hsflood` builds it
#   FLOOD_RATE   initiations a second, in all (default 20000)
#   FLOOD_SOURCES source addresses (default 50)
#
# Topology: tests/netns/lib-tunnel.sh, IPv6 underlay; the flood comes from
# 2001:db8:1::100:0 and up in the client's namespace, as in
# flood-cookie.test. Measured, in this order:
#
#  1. the site alone: 20 pings from the host to the server's tap (5 a
#     second), then iperf3 TCP host -> tap for 8 s;
#  2. the flood starts (hsflood -r FLOOD_RATE); after 2 s every source holds
#     its cookie and sends a valid mac2;
#  3. the site only pings (20 pings, 4 s): the ping's round trip and loss,
#     the server's CPU (all its processes, % of one CPU, from /proc);
#  4. iperf3 TCP host -> tap for 8 s during the flood: throughput, CPU;
#  5. throughout the flood, `v6ext show` once a second (10 s timeout): the
#     slowest answer;
#  6. initiations a second that reached Diffie-Hellman: the growth of the
#     server's drop_unknown_key + drop_handshake_failed from before the
#     flood until the first `v6ext show` that answers after it, over that
#     time (the server may still work through its socket's queue then).
#     The counters come through the control socket, and a server that
#     does not answer it during the flood is read before and after.
#
# Prints the table's header on stderr and its row (Markdown) on stdout, so
#   tests/bench/flood.sh ../wt-old/build before >> flood.md
#   tests/bench/flood.sh build after >> flood.md
# collects the rows. Figures are printed, never judged; the machine's other
# work shows in them, so run each row more than once.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;$d' >&2; exit 2; }
BUILD=$(cd "$1" && pwd) || exit 2
LABEL=${2:-}
if [ -z "$LABEL" ]; then
	bsrc=$(sed -n 's/^abs_top_srcdir = //p' "$BUILD/Makefile" 2> /dev/null)
	LABEL=$(git -C "${bsrc:-$BUILD}" describe --always --dirty 2> /dev/null || echo "$BUILD")
fi
HSFLOOD=${HSFLOOD:-}
if [ -z "$HSFLOOD" ]; then
	for f in "$BUILD/tests/netns/hsflood" "$SRC/build/tests/netns/hsflood"; do
		[ -x "$f" ] && { HSFLOOD=$f; break; }
	done
fi
[ -x "${HSFLOOD:-}" ] || { echo "flood.sh: no hsflood (make tests/netns/hsflood, or set HSFLOOD)" >&2; exit 2; }
command -v iperf3 > /dev/null || { echo "flood.sh: iperf3 is not installed" >&2; exit 2; }
FLOOD_RATE=${FLOOD_RATE:-20000}
SOURCES=${FLOOD_SOURCES:-50}
SECS=8

top_srcdir=$SRC top_builddir=$BUILD
. "$SRC/tests/netns/lib-tunnel.sh"
set +u

topology 6
start_server || { echo "flood.sh: $BUILD/server/v6extd did not start: $(tail -3 "$D/server.log")" >&2; exit 1; }
start_client || { echo "flood.sh: the client did not start" >&2; exit 1; }
wait_for 100 session_up "$D/server.sock" || { echo "flood.sh: no session" >&2; exit 1; }
for i in $(seq 0 $((SOURCES - 1))); do
	ip -n "$C" addr add "2001:db8:1::100:$(printf %x "$i")/64" dev "${P}u1" nodad
done
ip netns exec "$S" iperf3 -s -B $TAP_IP > /dev/null 2>&1 & PIDS+=($!)
wait_for 50 quiet ip netns exec "$H" iperf3 -c $TAP_IP -t 1

# the server's processes: one before c650a00, a parent and its engine after
server_ticks() {
	local t=0 p
	for p in $SRV_PID $(cat "/proc/$SRV_PID/task/$SRV_PID/children" 2> /dev/null); do
		t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
	done
	echo $t
}
dh() { json_get "$D/server.sock" "j['drops']['unknown_key'] + j['drops']['handshake_failed']"; }
hz=$(getconf CLK_TCK)
cpu() { echo "100 * ($3 - $1) / $hz / ($4 - $2)" | bc; }      # cpu TICKS0 T0 TICKS1 T1
now() { date +%s.%N; }
pings() { # "avg/max ms, loss" of 20 pings
	local out
	out=$(ip netns exec "$H" ping -c 20 -i 0.2 -W 3 $TAP_IP 2>&1)
	local rtt
	rtt=$(grep -o 'rtt [^=]*= [0-9.]*/[0-9.]*/[0-9.]*' <<< "$out" | awk -F'[=/ ]+' '{ printf "%.1f/%.1f ms", $(NF-1), $NF }')
	printf '%s, %s' "${rtt:--}" "$(grep -o '[0-9.]*% packet loss' <<< "$out" | cut -d' ' -f1)"
}
tcp() { # Mbit/s of SECS of iperf3 TCP host -> tap
	ip netns exec "$H" iperf3 -c $TAP_IP -t $SECS -J 2> /dev/null |
		/usr/bin/python3 -c "import json,sys; print('%.0f' % (json.load(sys.stdin)['end']['sum_received']['bits_per_second'] / 1e6))" 2> /dev/null || echo 0
}

ping_alone=$(pings)
tcp_alone=$(tcp)
d0=$(dh)
ip netns exec "$C" "$HSFLOOD" -r "$FLOOD_RATE" -t $((SECS + 9)) \
	2001:db8:1::1 51820 "$("$B/cli/v6ext" pubkey < "$D/server.key")" 2001:db8:1::100:0 "$SOURCES" > "$D/flood.out" 2>&1 &
FP=$!; PIDS+=($FP)
tf=$(now)
(
	while kill -0 $FP 2> /dev/null; do
		s=$(now)
		if timeout 10 "$B/cli/v6ext" -s "$D/server.sock" show > /dev/null 2>&1; then
			echo "$(now) - $s" | bc >> "$D/show.times"
		else
			echo "no answer" >> "$D/show.times"
		fi
		sleep 1
	done
) &
SP=$!; PIDS+=($SP)
sleep 2
c0=$(server_ticks) t0=$(now)
ping_flood=$(pings)
c1=$(server_ticks) t1=$(now)
tcp_flood=$(tcp)
c2=$(server_ticks) t2=$(now)
wait $FP; wait $SP
for _ in $(seq 1 30); do d1=$(dh) && [ -n "$d1" ] && break; sleep 1; done
td=$(now)
dh_rate=$(echo "(${d1:-0} - $d0) / ($td - $tf)" | bc)
slowest=$(grep -v 'no answer' "$D/show.times" | sort -g | tail -1)
slowest=$(printf %.1f "${slowest:-0}")
n_none=$(grep -c 'no answer' "$D/show.times")
[ "$n_none" = 0 ] || slowest="no answer in 10 s ($n_none of $(wc -l < "$D/show.times"))"
mac2=$(tr ' ' '\n' < "$D/flood.out" | sed -n 's/^sent_mac2=//p')
sent=$(tr ' ' '\n' < "$D/flood.out" | sed -n 's/^sent=//p')

echo "| build | flood /s (with mac2) | DH/s | server CPU %, site pinging | server CPU %, site iperf3 | slowest show (s) | ping alone avg/max, loss | ping in flood avg/max, loss | TCP alone Mbit/s | TCP in flood Mbit/s |" >&2
echo "|---|---|---|---|---|---|---|---|---|---|" >&2
printf '| %s | %s (%s%%) | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$LABEL" \
	"$(echo "${sent:-0} / ($SECS + 9)" | bc)" "$( [ "${sent:-0}" -gt 0 ] && echo "100 * ${mac2:-0} / $sent" | bc || echo 0)" \
	"$dh_rate" "$(cpu "$c0" "$t0" "$c1" "$t1")" "$(cpu "$c1" "$t1" "$c2" "$t2")" \
	"$slowest" "$ping_alone" "$ping_flood" "$tcp_alone" "$tcp_flood"
