#!/bin/bash
# SPDX-License-Identifier: ISC
# The soak (make soak; never part of make check): SOAK_SECONDS (default 600)
# of everything at once against one v6extd and one v6ext-client (topology:
# lib-tunnel.sh, IPv6 underlay), then whether they grew.
#
#   traffic   iperf3 TCP host -> server's tap at 100 Mbit/s throughout, and a
#             ping host -> tap 5 a second
#   peers     `v6ext peer add/remove` of six run-time peers, one call every
#             0.5 s (churn.py peers)
#   leases    a DHCPv6 client in the host namespace: Solicit with Rapid
#             Commit for a fresh DUID, and once it holds 200 leases a Release
#             of the oldest, 4 messages a second (churn.py dhcp6)
#   hostile   200 datagrams a second to the server's port from the client's
#             namespace: random bytes, truncated and garbled handshake and
#             data messages, wrong types, one initiation a second with a
#             valid mac1 and a garbled body; data with the live session's
#             index (snooped off the underlay) and garbage for its AEAD, and
#             the client's own data messages replayed (churn.py hostile)
#
# Every 10 s: VmRSS and open descriptors of v6extd's parent, its engine and
# the client, and the leases held by the DHCPv6 client against `v6ext
# leases` (printed as TAP comments). The peer churn pauses for a sample and
# holds no control connection then.
#
# Flat means: each process's final VmRSS is at most its VmRSS after the
# first minute plus 10 % plus 1 MiB; its descriptors are as many as then
# (before the final sample the run-time peers are put back to the set of
# the first minute's sample, so the engine holds the same taps). And no
# lease is lost at any sample. Every process is killed by PID and every
# namespace deleted on exit.
export top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_builddir=${top_builddir:-$top_srcdir/build}
. "$top_srcdir/tests/netns/lib-tunnel.sh"
command -v iperf3 > /dev/null || tap_skip_all "iperf3 is not installed"
SOAK_SECONDS=${SOAK_SECONDS:-600}
[ "$SOAK_SECONDS" -ge 120 ] || tap_skip_all "SOAK_SECONDS=$SOAK_SECONDS: at least 120 (a minute to settle, a minute to compare)"
CHURN=$top_srcdir/tests/netns/churn.py
BASE_AT=60          # the reference sample
v6x() { "$B/cli/v6ext" -s "$D/server.sock" "$@"; }

topology 6
mkdir "$D/keys"
for n in r0 r1 r2 r3 r4 r5; do
	"$B/cli/v6ext" genkey | "$B/cli/v6ext" pubkey > "$D/keys/$n.pub"
done
start_server
start_client
check "session comes up" wait_for 100 session_up "$D/server.sock"
ENG=$(awk '{ print $1 }' "/proc/$SRV_PID/task/$SRV_PID/children")
t_start=$(date +%s)

ip netns exec "$S" iperf3 -s -B $TAP_IP > /dev/null 2>&1 & PIDS+=($!)
wait_for 50 quiet ip netns exec "$H" iperf3 -c $TAP_IP -t 1
ip netns exec "$H" iperf3 -c $TAP_IP -b 100M -t "$SOAK_SECONDS" -J > "$D/iperf.json" 2> "$D/iperf.err" &
IPERF=$!; PIDS+=($IPERF)
ip netns exec "$H" ping -i 0.2 -W 2 -w "$SOAK_SECONDS" $TAP_IP > "$D/ping.log" 2>&1 &
PING=$!; PIDS+=($PING)
/usr/bin/python3 "$CHURN" peers "$B/cli/v6ext" "$D/server.sock" "$D/keys" "$D/peers.log" "$D/pause" 0.5 &
PEERS=$!; PIDS+=($PEERS)
ip netns exec "$H" /usr/bin/python3 "$CHURN" dhcp6 "${P}h0" "$D/grants.log" 4 200 2> "$D/dhcp6.out" &
DHCP=$!; PIDS+=($DHCP)
ip netns exec "$C" /usr/bin/python3 "$CHURN" hostile 2001:db8:1::1 51820 \
	"$("$B/cli/v6ext" pubkey < "$D/server.key")" 200 "${P}u1" 2> "$D/hostile.out" &
HOSTILE=$!; PIDS+=($HOSTILE)

rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status" 2> /dev/null; }
fds() { ls "/proc/$1/fd" 2> /dev/null | wc -l; }
pause() { touch "$D/pause"; wait_for 150 test -e "$D/pause.ack"; }
resume() { rm -f "$D/pause"; }
peer_set() { json_get "$D/server.sock" "' '.join(sorted(p['name'] for p in j['peers'] if p['name'] != 'home1'))"; }
lost_total=0 samples=0 dead=
# sample: one line of figures; fills S_RSS/S_FD for parent, engine, client
sample() {
	local t=$(( $(date +%s) - t_start )) held
	S_RSS=("$(rss "$SRV_PID")" "$(rss "$ENG")" "$(rss "$CLI_PID")")
	S_FD=("$(fds "$SRV_PID")" "$(fds "$ENG")" "$(fds "$CLI_PID")")
	v6x leases --json > "$D/leases.json" 2> /dev/null
	held=$(/usr/bin/python3 "$CHURN" held "$D/grants.log" "$D/leases.json" 2>&1)
	grep -q '^LOST' <<< "$held" && { lost_total=$((lost_total + 1)); sed -n '2,4{s/^/#   /;p}' <<< "$held"; }
	samples=$((samples + 1))
	printf '# t=%4ds  parent %6s kB %3s fds | engine %6s kB %3s fds | client %6s kB %3s fds | %s\n' "$t" \
		"${S_RSS[0]:-gone}" "${S_FD[0]:-}" "${S_RSS[1]:-gone}" "${S_FD[1]:-}" "${S_RSS[2]:-gone}" "${S_FD[2]:-}" \
		"$(head -1 <<< "$held")"
	for p in $SRV_PID $ENG $CLI_PID; do kill -0 "$p" 2> /dev/null || dead="$dead $p"; done
}

echo "# soak: $SOAK_SECONDS s; a sample every 10 s (the peer churn paused for each)"
end=$((t_start + SOAK_SECONDS))
next=$((t_start + 10))
while [ "$(date +%s)" -lt "$end" ]; do
	sleep $((next - $(date +%s) > 0 ? next - $(date +%s) : 0))
	next=$((next + 10))
	pause
	sample
	if [ -z "${BASE_RSS:-}" ] && [ $(( $(date +%s) - t_start )) -ge $BASE_AT ]; then
		BASE_RSS=("${S_RSS[@]}") BASE_FD=("${S_FD[@]}")
		BASE_PEERS=$(peer_set)
		echo "# ^ the reference sample; run-time peers then: ${BASE_PEERS:-none}"
	fi
	resume
done

# --- the end: the churn stops, the run-time peers as at the reference sample
gone_churn=
for w in "peers $PEERS" "dhcp6 $DHCP" "hostile $HOSTILE"; do
	set -- $w
	kill -0 "$2" 2> /dev/null || gone_churn+=" $1"
done
kill "$HOSTILE" "$DHCP" "$PEERS"; wait "$HOSTILE" "$DHCP" "$PEERS" 2> /dev/null
wait "$IPERF" "$PING" 2> /dev/null
now_peers=$(peer_set)
for n in r0 r1 r2 r3 r4 r5; do
	want=0 have=0
	grep -qw "$n" <<< "$BASE_PEERS" && want=1
	grep -qw "$n" <<< "$now_peers" && have=1
	[ $want = $have ] && continue
	if [ $want = 1 ]; then v6x peer add "$n" "$(cat "$D/keys/$n.pub")" > /dev/null; else v6x peer remove "$n" > /dev/null; fi
done
sleep 2
sample
echo "# final run-time peers: $(peer_set) (reference: ${BASE_PEERS:-none})"
echo "# $(cat "$D/dhcp6.out")"
echo "# $(cat "$D/hostile.out")"
echo "# peer churn: $(wc -l < "$D/peers.log") calls, $(grep -c '"rc": 0' "$D/peers.log") answered with success"
echo "# ping: $(grep -o '[0-9]* packets transmitted.*loss' "$D/ping.log"); $(grep -o 'rtt.*' "$D/ping.log")"
mbit=$(/usr/bin/python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print('%.0f Mbit/s over %.0f s' % (j['end']['sum_received']['bits_per_second']/1e6, j['end']['sum_received']['seconds']))" "$D/iperf.json" 2> /dev/null)
echo "# iperf3 TCP at 100 Mbit/s: ${mbit:-no result ($(head -c 200 "$D/iperf.err"))}"
echo "# server drops: $(json_get "$D/server.sock" "', '.join('%s %d' % kv for kv in sorted(j['drops'].items()) if kv[1])")"

check "v6extd's parent and engine and the client ran throughout${dead:+ (gone:$dead)}" test -z "$dead"
check "the peer, lease and hostile churns ran throughout${gone_churn:+ (gone:$gone_churn)}" test -z "$gone_churn"
check "the run-time peers are as at the reference sample ($(peer_set))" test "$(peer_set)" = "$BASE_PEERS"
names=(parent engine client)
for i in 0 1 2; do
	lim=$(( ${BASE_RSS[$i]:-0} * 110 / 100 + 1024 ))
	check "${names[$i]}: VmRSS flat (${BASE_RSS[$i]:-?} kB at ${BASE_AT} s, ${S_RSS[$i]:-?} kB at the end, at most $lim)" \
		test "${S_RSS[$i]:-999999999}" -le "$lim"
	check "${names[$i]}: descriptors flat (${BASE_FD[$i]:-?} at ${BASE_AT} s, ${S_FD[$i]:-?} at the end)" \
		test "${S_FD[$i]:-x}" = "${BASE_FD[$i]:-y}"
done
check "no lease lost at any of $samples samples ($lost_total with a loss)" test "$lost_total" = 0
check "traffic flowed (iperf3: ${mbit:-none})" test -n "$mbit"
tap_done
