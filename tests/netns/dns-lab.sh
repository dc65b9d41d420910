#!/bin/bash
# Self-test of lib-dns.sh against a real Knot DNS (not registered in
# Makefile.am): in one scratch namespace Knot serves lab.example on
# 2001:db8:53::53 (a veth pair inside the namespace: this kernel may lack
# the dummy module); an update signed with the key adds and then deletes
# vm1.home1.lab.example AAAA, a query and an AXFR see each step; updates
# with a wrong secret, an unknown key and no key are refused (NOTAUTH with
# TSIG error BADSIG / BADKEY / no TSIG), change nothing, and Knot logs why.
# Run as root: top_srcdir=. tests/netns/dns-lab.sh
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
P=v6d$$-
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/netns/lib-netns.sh"
. "$top_srcdir/tests/netns/lib-dns.sh"
NS=${P}dns
D=$(mktemp -d /tmp/v6ext-dns.XXXXXX)
PIDS=()
cleanup() {
	set +e
	dns_knot_stop
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
netns_require
for c in knotd kdig knsupdate; do command -v $c > /dev/null || tap_skip_all "$c (knot, knot-dnsutils) is not installed"; done

SRV=2001:db8:53::53 Z=lab.example
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add d0 type veth peer name d1
ip -n "$NS" link set d0 up
ip -n "$NS" link set d1 up
ip -n "$NS" addr add $SRV/64 dev d0 nodad

dns_key_make "$D/update.key" v6ext-update
dns_key_make "$D/wrong-secret.key" v6ext-update     # same name, other secret
dns_key_make "$D/unknown.key" intruder               # a name Knot does not know
check "dns_key_make writes one hmac-sha256 line, mode 0600" \
	bash -c "[ \"\$(stat -c %a '$D/update.key')\" = 600 ] && grep -qxE 'hmac-sha256:v6ext-update:[A-Za-z0-9+/]{43}=' '$D/update.key'"

if command -v tshark > /dev/null; then
	ip netns exec "$NS" tcpdump -U --immediate-mode -n -i lo -w "$D/dns.pcap" udp port 53 > "$D/tcpdump.log" 2>&1 & TD=$!; PIDS+=($TD)
	wait_for 50 grep -q listening "$D/tcpdump.log"
fi
check "knotd starts in $NS on $SRV and answers the SOA of $Z" dns_knot_start "$NS" $SRV $Z "$D/update.key" "$D/knot"
echo "# knotd PID $DNS_KNOT_PID, SOA: $(dns_query "$NS" $SRV $Z SOA)"

base=$(dns_zone_dump "$NS" $SRV $Z "$D/update.key" | grep -v ' SOA ')
check "the initial zone: NS and the name server's AAAA" test "$base" = "lab.example. 300 IN NS ns1.lab.example.
ns1.lab.example. 300 IN AAAA $SRV"

V=vm1.home1.$Z. A=2001:db8:64:1:4::10
check "knsupdate -y adds $V AAAA" quiet dns_update "$NS" $SRV "$D/update.key" "zone $Z." "update add $V 60 AAAA $A"
check "kdig finds it at once" test "$(dns_query "$NS" $SRV $V AAAA)" = $A
check "the AXFR (signed) holds it too" \
	test "$(dns_zone_dump "$NS" $SRV $Z "$D/update.key" | grep -v ' SOA ')" = "$base
$V 60 IN AAAA $A"
check "the SOA serial went 1 -> 2" test "$(dns_query "$NS" $SRV $Z SOA | awk '{print $3}')" = 2

check "knsupdate -y deletes it" quiet dns_update "$NS" $SRV "$D/update.key" "zone $Z." "update delete $V AAAA"
check "kdig finds nothing" test -z "$(dns_query "$NS" $SRV $V AAAA)"
check "the zone is back to the initial records" \
	test "$(dns_zone_dump "$NS" $SRV $Z "$D/update.key" | grep -v ' SOA ')" = "$base"

# --- refusals
refused() { # refused KEYFILE|none STATUS: the update fails, knsupdate reports STATUS, nothing changed
	local out
	if [ "$1" = none ]; then
		out=$(printf 'server %s 53\nzone %s.\nupdate add vm9.%s. 60 AAAA 2001:db8::9\nsend\n' $SRV $Z $Z |
			ip netns exec "$NS" knsupdate -t 3 -r 0 2>&1)
	else
		out=$(dns_update "$NS" $SRV "$1" "zone $Z." "update add vm9.$Z. 60 AAAA 2001:db8::9" 2>&1)
	fi
	[ $? -eq 1 ] || return 1
	printf '%s\n' "$out" | grep -E 'ERROR|status:' | sed 's/^/# /'
	grep -q "status: $2;" <<< "$out" && [ -z "$(dns_query "$NS" $SRV vm9.$Z AAAA)" ]
}
check "an update signed with the right name but a wrong secret is refused: BADSIG" refused "$D/wrong-secret.key" BADSIG
check "Knot logs: TSIG, key 'v6ext-update.', verification failed 'BADSIG'" \
	grep -q "\[$Z.\] TSIG, key 'v6ext-update.', verification failed 'BADSIG'" "$D/knot/knot.log"
check "an update signed with an unknown key is refused: BADKEY" refused "$D/unknown.key" BADKEY
check "Knot logs: ACL, denied, action update, ..., key 'intruder.'" \
	grep -q "\[$Z.\] ACL, denied, action update, remote .*, key 'intruder.'" "$D/knot/knot.log"
check "an unsigned update is refused: NOTAUTH" refused none NOTAUTH
check "Knot logs: ACL, denied, action update, ..., key none" \
	grep -q "\[$Z.\] ACL, denied, action update, remote .*, key none" "$D/knot/knot.log"
check "an AXFR with the wrong secret brings nothing" exits 1 dns_zone_dump "$NS" $SRV $Z "$D/wrong-secret.key" 2>/dev/null
check "an unsigned AXFR is refused" \
	bash -c "ip netns exec '$NS' kdig @$SRV +time=2 +retry=0 $Z AXFR 2>&1 | grep -q \"server replied with error 'NOTAUTH'\""
grep -E 'DDNS|TSIG|ACL' "$D/knot/knot.log" | sed 's/^/# knot.log: /'

if [ -n "${TD:-}" ]; then
	sleep 0.3; kill $TD; wait $TD 2>/dev/null
	r=$(tshark -r "$D/dns.pcap" -Y 'dns.flags.response == 1 && dns.flags.opcode == 5' -T fields \
		-e dns.flags.rcode -e dns.tsig.error -e dns.tsig.mac_size -e dns.resp.name 2>/dev/null | tr '\t' ' ')
	sed 's/^/# tshark: update reply rcode, tsig error, mac size, key: /' <<< "$r"
	# 0 = NOERROR twice, signed (32-byte MAC); 9 = NOTAUTH; TSIG error 16 = BADSIG, 17 = BADKEY, unsigned (MAC size 0)
	check "on the wire: two NOERROR (signed), then NOTAUTH with TSIG BADSIG, BADKEY (both unsigned), NOTAUTH without TSIG" \
		test "$(awk '{print $1, $2, $3}' <<< "$r" | sed 's/ *$//')" = "0 0 32
0 0 32
9 16 0
9 17 0
9"
fi

dns_knot_stop
check "dns_knot_stop stopped knotd by its PID" eval '! ip netns pids "$NS" | grep -q .'
tap_done
