#!/bin/bash
# Self-test of what lib-dns.sh says about option 39 (Client FQDN, RFC 4704),
# not registered in Makefile.am: a client namespace and a server namespace
# joined by a veth; a few lines of Python answer Solicit/Request/Release
# (one address, 2001:db8:1::100); tcpdump on the server side records
# everything. dhcpcd (dns_dhcpcd_conf ... vm1) sends the partial name "vm1"
# with S=1 in its Solicit and Request, and a Release on SIGALRM; dhclient -6
# (dns_dhclient_conf ... vm2.home1.lab.example.) the full name with S=1, and
# a Release on -r (with option 39 in it, which RFC 4704 forbids). tshark
# finds no warning in the Solicits and Requests.
# Run as root: top_srcdir=. tests/netns/fqdn-lab.sh
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
P=v6f$$-
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/netns/lib-netns.sh"
. "$top_srcdir/tests/netns/lib-dns.sh"
C=${P}c S=${P}s
D=$(mktemp -d /tmp/v6ext-fqdn.XXXXXX)
PIDS=()
cleanup() {
	set +e
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$C" 2>/dev/null; ip netns del "$S" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$D"
}
trap cleanup EXIT
netns_require
for c in dhcpcd dhclient tshark tcpdump; do command -v $c > /dev/null || tap_skip_all "$c is not installed"; done

ip netns add "$C"; ip netns add "$S"
ip link add eth0 netns "$C" type veth peer name s0 netns "$S"
for n in "$C eth0" "$S s0"; do
	set -- $n
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
	ip -n "$1" link set lo up; ip -n "$1" link set "$2" up
done
cat > "$D/srv6.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 547))
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
             socket.inet_pton(socket.AF_INET6, "ff02::1:2") + struct.pack("@I", socket.if_nametoindex(sys.argv[1])))
sid = struct.pack("!HHHH", 2, 10, 3, 1) + bytes([2, 0, 0, 0, 0, 0x53])
addr = socket.inet_pton(socket.AF_INET6, "2001:db8:1::100")
while True:
    m, src = s.recvfrom(2048)
    opts, i = {}, 4
    while i + 4 <= len(m):
        c, l = struct.unpack("!HH", m[i:i + 4]); opts.setdefault(c, m[i + 4:i + 4 + l]); i += 4 + l
    if 1 not in opts or m[0] not in (1, 3, 5, 6, 8):
        continue
    body = struct.pack("!HH", 1, len(opts[1])) + opts[1] + sid
    if m[0] == 8:   # Release: Status Code Success
        body += struct.pack("!HHH", 13, 2, 0)
    else:
        ia = opts.get(3, b"\0\0\0\1")[:4] + struct.pack("!II", 30, 60) + \
             struct.pack("!HH", 5, 24) + addr + struct.pack("!II", 60, 120)
        body += struct.pack("!HH", 3, len(ia)) + ia
    s.sendto(bytes([2 if m[0] == 1 else 7]) + m[1:4] + body, src)
PY
ip netns exec "$S" tcpdump -U --immediate-mode -n -i s0 -w "$D/dhcp.pcap" udp port 546 or udp port 547 > "$D/tcpdump.log" 2>&1 & PIDS+=($!)
ip netns exec "$S" /usr/bin/python3 "$D/srv6.py" s0 > "$D/srv.log" 2>&1 & PIDS+=($!)
wait_for 50 grep -q listening "$D/tcpdump.log"

# opt39 MSGTYPE: "flags name-in-hex" of option 39 in each such message from the client
opt39() {
	tshark -r "$D/dhcp.pcap" -Y "dhcpv6.msgtype == $1" -T fields -e udp.payload 2>/dev/null | /usr/bin/python3 -c '
import sys
for line in sys.stdin:
    b, i, v = bytes.fromhex(line.strip().replace(":", "")), 4, "none"
    while i + 4 <= len(b):
        c, l = int.from_bytes(b[i:i + 2], "big"), int.from_bytes(b[i + 2:i + 4], "big")
        if c == 39: v = "%02x %s" % (b[i + 4], b[i + 5:i + 4 + l].hex())
        i += 4 + l
    print(v)'
}
count() { tshark -r "$D/dhcp.pcap" -Y "$1" 2>/dev/null | wc -l; }
show39() { # the dissection of option 39 in the first message of type $1, as comments
	tshark -r "$D/dhcp.pcap" -V -Y "dhcpv6.msgtype == $1" 2>/dev/null |
		awk '/^Frame [0-9]+:/ { if (f++) exit } /^    Client Fully Qualified Domain Name/ { p = 1 } p && /^    [A-Z]/ && !/Client Fully/ { p = 0 } p' |
		sed "s/^/# $2: /"
}

# --- dhcpcd: hostname vm1 -> partial name 03 76 6d 31, S=1
dns_dhcpcd_conf "$D/dhcpcd.conf" vm1
ip netns exec "$C" sh -c "mount -t tmpfs tmpfs /var/lib/dhcpcd && mount -t tmpfs tmpfs /run &&
	exec dhcpcd -6 -B -f $D/dhcpcd.conf -c /bin/true eth0" > "$D/dhcpcd.log" 2>&1 & DCP=$!; PIDS+=($DCP)
check "dhcpcd binds 2001:db8:1::100" wait_for 150 eval 'ip -n "$C" -6 addr show dev eth0 | grep -q 2001:db8:1::100'
is() { [ "$1" = "$2" ] || { echo "# got '$1', want '$2'"; return 1; }; }
# without --immediate-mode tcpdump hands packets over a block at a time, up to
# a second late: give the capture that long anyway
settle() { wait_for 20 eval "[ \"\$(count 'dhcpv6.msgtype == $1')\" -ge $2 ]"; }
settle 3 1
check "its Solicit carries option 39: S=1, partial name vm1" is "$(opt39 1 | sort -u)" "01 03766d31"
check "its Request too" is "$(opt39 3 | sort -u)" "01 03766d31"
show39 1 "dhcpcd Solicit"
kill -ALRM $DCP
check "kill -ALRM: dhcpcd sends a Release" wait_for 50 eval '[ "$(count "dhcpv6.msgtype == 8")" -ge 1 ]'
wait $DCP 2>/dev/null
grep -E 'SIGALRM|exited' "$D/dhcpcd.log" | sed 's/^/# dhcpcd: /'
released=$(count "dhcpv6.msgtype == 8")

# --- dhclient -6: the full name, S=1
ip -n "$C" -6 addr flush dev eth0 scope global
dns_dhclient_conf "$D/dhclient6.conf" vm2.home1.lab.example.
n1=$(count "dhcpv6.msgtype == 1") n3=$(count "dhcpv6.msgtype == 3")
ip netns exec "$C" dhclient -6 -d -v -cf "$D/dhclient6.conf" -lf "$D/dhclient.leases" -pf "$D/dhclient.pid" \
	-sf /bin/true eth0 > "$D/dhclient.log" 2>&1 & DHC=$!; PIDS+=($DHC)
check "dhclient -6 gets a Reply to its Request" wait_for 100 eval '[ "$(count "dhcpv6.msgtype == 7")" -ge 3 ]'
want="01 03766d320568$(printf home1 | od -An -tx1 | tr -d ' \n' | cut -c3-)036c6162076578616d706c6500"
settle 3 $((n3 + 1))
check "its Solicit carries option 39: S=1, vm2.home1.lab.example." is "$(opt39 1 | tail -n +$((n1 + 1)) | sort -u)" "$want"
check "its Request too" is "$(opt39 3 | tail -n +$((n3 + 1)) | sort -u)" "$want"
tshark -r "$D/dhcp.pcap" -V -Y "dhcpv6.msgtype == 1" 2>/dev/null |
	awk -v n=$((n1 + 1)) '/^Frame [0-9]+:/ { k++ } k == n && /^    Client Fully Qualified Domain Name/ { p = 1 } p && /^    [A-Z]/ && !/Client Fully/ { p = 0 } k == n && p' |
	sed 's/^/# dhclient Solicit: /'
kill $DHC; wait $DHC 2>/dev/null
ip netns exec "$C" dhclient -6 -r -v -cf "$D/dhclient6.conf" -lf "$D/dhclient.leases" -pf "$D/dhclient.pid" \
	-sf /bin/true eth0 > "$D/dhclient-r.log" 2>&1
check "dhclient -6 -r sends a Release" wait_for 50 eval '[ "$(count "dhcpv6.msgtype == 8")" -gt "$released" ]'
check "dhcpcd's Release leaves option 39 out" is "$(opt39 8 | sed -n 1p)" none
# RFC 4704 section 5: "A client MUST NOT include the Client FQDN option in
# ... Release ... messages" -- dhclient does, tshark flags it as an error
check "dhclient's Release carries it (tshark: 'This message type is not permitted to use OPTION_CLIENT_FQDN')" \
	is "$(opt39 8 | tail -n 1)" "$want"
check "tshark finds no warning or malformed field in the clients' Solicits and Requests" \
	is "$(count '(dhcpv6.msgtype == 1 || dhcpv6.msgtype == 3) && (_ws.expert.severity >= "Warning" || _ws.malformed)')" 0
tap_done
