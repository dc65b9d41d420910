# SPDX-License-Identifier: ISC
# DNS peers for the namespace tests: a Knot DNS primary that takes RFC 2136
# updates signed with TSIG, and how the DHCPv6 clients send their name.
# Sourced after lib-netns.sh; like it, needs nothing but P (the per-run
# prefix); a test adds the server's PID (DNS_KNOT_PID, DNS_BIND_PID) to the
# PIDS its cleanup kills; dns_knot_stop kills Knot by its PID as well.
#
# Knot (knot 3.2.6, Debian 12)
#   dns_knot_start writes DIR/knot.conf, DIR/ZONE.zone and keeps the journal,
#   timers and control socket in DIR; knotd runs in the foreground (no -d) so
#   $! of `ip netns exec NS knotd` is knotd itself. An update is answered
#   after it is applied: a query right after knsupdate sees it (no
#   zonefile-sync needed for that; zonefile-sync: 0 only rewrites
#   DIR/ZONE.zone at once, so it shows the zone too).
#   The log level is debug (DNS_KNOT_LOG_LEVEL overrides it): at info Knot
#   logs nothing about a refused update or transfer.
#   Refusals, as knsupdate and dns.test saw them (knsupdate exits 1 in each case):
#   - right key name, wrong secret: rcode NOTAUTH (9), TSIG error BADSIG
#     (16), the TSIG unsigned (MAC size 0); knsupdate: ";; ERROR: reply
#     verification (failed to verify TSIG)", "status: BADSIG"; knotd:
#     "debug: [ZONE.] TSIG, key 'NAME.', verification failed 'BADSIG'"
#     (after "ACL, allowed, action update, ..., key 'NAME.'": the ACL
#     matches by key name before the MAC is checked)
#   - a key name Knot does not know: NOTAUTH, TSIG error BADKEY (17),
#     unsigned; knotd: "debug: [ZONE.] ACL, denied, action update, remote
#     ADDR@PORT, key 'NAME.'"
#   - no TSIG at all: NOTAUTH, no TSIG; knotd: "... ACL, denied, action
#     update, remote ADDR@PORT, key none"; an unsigned AXFR likewise
#     ("action transfer").
#   A dummy interface may not exist (no dummy module here): put
#   the address on one end of a veth pair inside the namespace.
#
# DHCPv6 Client FQDN option (option 39, RFC 4704): see the end of the file.

DNS_KNOT_PID=
DNS_KNOT_DIR=

# dns_key_make FILE NAME: a fresh random hmac-sha256 key, one line in the
# form `kdig -y` / `knsupdate -y` take: hmac-sha256:NAME:BASE64SECRET (mode 0600)
dns_key_make() {
	( umask 077
	  printf 'hmac-sha256:%s:%s\n' "$2" "$(head -c 32 /dev/urandom | base64 -w 0)" > "$1" ) &&
	chmod 0600 "$1"
}
# dns_key_field FILE 1|2|3: the algorithm, the name or the secret of a key file
dns_key_field() { head -n 1 "$1" | cut -d: -f"$2"; }

# dns_knot_start NS ADDR ZONE KEYFILE DIR: Knot as the primary of ZONE on
# ADDR@53 in namespace NS (ADDR must already be on an interface there, added
# nodad), updates and transfers allowed with the key only. Waits until it
# answers the zone's SOA; DNS_KNOT_PID holds its PID, DIR/knot.log its log.
dns_knot_start() {
	local ns=$1 addr=$2 zone=${3%.} keyfile=$4 dir=$5 alg kname secret rr
	alg=$(dns_key_field "$keyfile" 1); kname=$(dns_key_field "$keyfile" 2); secret=$(dns_key_field "$keyfile" 3)
	[ -n "$secret" ] || return 1
	mkdir -p "$dir" || return 1
	case $addr in *:*) rr=AAAA ;; *) rr=A ;; esac
	cat > "$dir/$zone.zone" <<ZONE
\$ORIGIN $zone.
\$TTL 300
@	SOA	ns1 hostmaster 1 3600 900 604800 300
@	NS	ns1
ns1	$rr	$addr
ZONE
	( umask 077; cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir"
    listen: $addr@53
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1

control:
    listen: "$dir/knot.sock"

log:
  - target: stderr
    any: ${DNS_KNOT_LOG_LEVEL:-debug}

database:
    storage: "$dir"

key:
  - id: $kname
    algorithm: $alg
    secret: $secret

acl:
  - id: update_key
    key: $kname
    action: [update, transfer]

zone:
  - domain: $zone
    storage: "$dir"
    file: "$zone.zone"
    zonefile-sync: 0
    zonefile-load: whole
    journal-content: changes
    acl: update_key
CONF
	)
	ip netns exec "$ns" knotd -c "$dir/knot.conf" >> "$dir/knot.log" 2>&1 &
	DNS_KNOT_PID=$! DNS_KNOT_DIR=$dir
	local i
	for i in $(seq 1 100); do
		kill -0 "$DNS_KNOT_PID" 2>/dev/null || return 1    # it exited: DIR/knot.log says why
		[ -n "$(dns_query "$ns" "$addr" "$zone." SOA)" ] && return 0
		sleep 0.1
	done
	return 1
}

# dns_knot_stop: stop the server dns_knot_start started, by its PID
dns_knot_stop() {
	[ -n "$DNS_KNOT_PID" ] || return 0
	kill "$DNS_KNOT_PID" 2>/dev/null
	wait "$DNS_KNOT_PID" 2>/dev/null
	DNS_KNOT_PID=
}

# dns_bind_start NS ADDR ZONE KEYFILE DIR: BIND 9 (named, bind9) as the
# primary of ZONE on ADDR@53 in NS, updates of A and AAAA records below the
# zone and transfers allowed with the key only (update-policy, as
# docs/DNS.md configures it). Runs as root in the foreground (-g: no
# daemon, logs to DIR/named.log), rndc off; DNS_BIND_PID holds its PID.
DNS_BIND_PID=
dns_bind_start() {
	local ns=$1 addr=$2 zone=${3%.} keyfile=$4 dir=$5 alg kname secret rr fam
	alg=$(dns_key_field "$keyfile" 1); kname=$(dns_key_field "$keyfile" 2); secret=$(dns_key_field "$keyfile" 3)
	[ -n "$secret" ] || return 1
	mkdir -p "$dir" || return 1
	case $addr in *:*) rr=AAAA fam="listen-on-v6 { $addr; }; listen-on { none; };" ;;
	*) rr=A fam="listen-on { $addr; }; listen-on-v6 { none; };" ;; esac
	cat > "$dir/$zone.zone" <<ZONE
\$ORIGIN $zone.
\$TTL 300
@	SOA	ns1 hostmaster 1 3600 900 604800 300
@	NS	ns1
ns1	$rr	$addr
ZONE
	( umask 077; cat > "$dir/named.conf" <<CONF
options {
	directory "$dir";
	pid-file "$dir/named.pid";
	$fam
	recursion no;
	dnssec-validation no;
	allow-transfer { key "$kname"; };
};
controls { };
key "$kname" {
	algorithm $alg;
	secret "$secret";
};
zone "$zone" {
	type primary;
	file "$dir/$zone.zone";
	update-policy { grant "$kname" subdomain $zone. A AAAA; };
};
CONF
	)
	ip netns exec "$ns" named -g -c "$dir/named.conf" >> "$dir/named.log" 2>&1 &
	DNS_BIND_PID=$!
	local i
	for i in $(seq 1 100); do
		kill -0 "$DNS_BIND_PID" 2>/dev/null || return 1    # it exited: DIR/named.log says why
		[ -n "$(dns_query "$ns" "$addr" "$zone." SOA)" ] && return 0
		sleep 0.1
	done
	return 1
}

# dns_query NS SERVER NAME TYPE: the short answers, one a line (nothing for
# NXDOMAIN / NODATA / no answer)
dns_query() {
	ip netns exec "$1" kdig "@$2" +short +time=1 +retry=0 "$3" "$4" 2>/dev/null | grep -v '^;;'
}

# dns_update NS SERVER KEYFILE COMMAND...: one RFC 2136 update signed with the
# key (knsupdate); each COMMAND is a line such as "update add vm1.z. 60 AAAA ::1".
# Exits as knsupdate does (1 when the server refuses; its answer on stderr).
dns_update() {
	local ns=$1 server=$2 keyfile=$3; shift 3
	{ echo "server $server 53"; printf '%s\n' "$@"; echo send; } |
		ip netns exec "$ns" knsupdate -t 3 -r 0 -y "$(head -n 1 "$keyfile")"
}

# dns_zone_dump NS SERVER ZONE KEYFILE: the zone by AXFR signed with the key,
# one record a line ("name ttl class type rdata", single spaces), sorted,
# each once (the closing SOA folded into the first); fails when the transfer
# brings no SOA (refused, timed out, wrong key)
dns_zone_dump() {
	local out
	out=$(ip netns exec "$1" kdig "@$2" +time=2 +retry=0 +noall +answer -y "$(head -n 1 "$4")" "${3%.}." AXFR 2>&1) || return 1
	grep -qP '^\S+\s+\d+\s+IN\s+SOA\s' <<< "$out" || { printf '%s\n' "$out" >&2; return 1; }
	grep -v '^;' <<< "$out" | grep -vP '\sTSIG\s' | awk 'NF { $1 = $1; print }' | sort -u
}

# ---------------------------------------------------------------------------
# DHCPv6 clients and the Client FQDN option (option 39, RFC 4704), as
# captured on the server side of a veth. Value =
# one flags byte (S 0x01: server updates AAAA; O 0x02: set by servers only;
# N 0x04: nobody updates) then the name in DNS wire format; a partial name
# lacks the final zero-length label.
#
# dhcpcd 9.4.1 (dhcpcd-base), run as dhcp6.test runs it: dhcpcd -6 -B -f CONF
# eth0 inside `ip netns exec NS sh -c "mount -t tmpfs tmpfs /var/lib/dhcpcd &&
# mount -t tmpfs tmpfs /run && exec dhcpcd ..."` (its pid file and control
# socket live in that private /run, the DUID/leases in /var/lib/dhcpcd).
#   - The line that makes option 39 go out is `hostname NAME`: Solicit,
#     Request then carry it. Without a hostname line nothing is
#     sent (the man page says "fqdn ... The default is both", but in effect
#     the default is off); `fqdn both` alone sends the system host name, which
#     `ip netns exec` does not change (the host's UTS name): always give
#     `hostname`.
#   - `fqdn disable` does NOT stop it once `hostname` is set (DHCPv6 has no
#     host name option, so dhcpcd sends the FQDN option with S=1 instead).
#   - Flags: default or `fqdn both` -> 0x01 (S); `fqdn ptr` -> 0x00 (client
#     updates AAAA, server PTR); `fqdn none` -> 0x04 (N).
#   - `hostname vm1` -> partial name: value 01 03 76 6d 31, tshark:
#         Client Fully Qualified Domain Name
#             Option: Client Fully Qualified Domain Name (39)
#             Length: 5
#             Flags: 0x01  [CLIENT wants SERVER to update both its AAAA and PTR RRs]
#                 .... .0.. = N bit: Server SHOULD perform PTR RR updates
#                 .... ...1 = S bit: Server SHOULD perform AAAA RR updates
#             Partial domain name: vm1
#     `hostname vm1.home1.lab.example` (has a dot) -> fully qualified:
#     Length: 24, "Client Domain Name: vm1.home1.lab.example." (ends in 00).
#   - Release: `kill -ALRM PID` (what `dhcpcd -6 -k eth0` does: "sending
#     signal ALRM to pid N"; the log says "received SIGALRM, releasing")
#     always sends a Release and exits. SIGTERM (`kill PID`, `dhcpcd -x`)
#     sends one only when the config has `release`; without it dhcpcd just
#     drops the address. `dhcpcd -k/-x` must run in the same mount namespace
#     as the daemon (another `ip netns exec` sees another /run and finds no
#     dhcpcd): signalling the PID is simpler. The Release leaves a moment
#     AFTER the PID a test waits on has exited (privilege separation: a
#     helper sends it), so wait for its effect, not for the PID.
#
# ISC dhclient 4.4.3 (isc-dhcp-client), dhclient -6 -d -cf CONF -lf LEASES
# -pf PID -sf SCRIPT eth0:
#   - `send fqdn.fqdn "NAME";` makes Solicit and Request carry option 39;
#     without it nothing is sent. Flags are 0x00 (S=0: the client would
#     update AAAA itself) unless `send fqdn.server-update on;` -> 0x01.
#     (`send fqdn.no-client-update on;` sets 0x02, the O bit, which RFC 4704
#     reserves to servers: do not use it.)
#   - dhclient always sends a fully qualified name: "vm2" goes out as 03 76
#     6d 32 00 = "vm2." (root-terminated), which tshark dissects as
#     "Top Level Domain name (TLD): vm2." with an expert WARNING ("TLDs are
#     rarely resolvable") -- a capture check like dhcp6.test's "no warning"
#     filter would trip over it. Give the full name ("vm2.home1.lab.example.")
#     -> "Client Domain Name: vm2.home1.lab.example.", no warning. A server
#     must therefore take a one-label FQDN "vm2." like the partial "vm2".
#   - Release: dhclient -6 -r (as dhcp6.test does). Its Release carries
#     option 39 as well, which RFC 4704 section 5 forbids; tshark marks it
#     "[Expert Info (Error/Protocol): This message type is not permitted to
#     use OPTION_CLIENT_FQDN]" (dhcpcd's Release has none). A server must
#     ignore it there, and a capture check must leave Releases out.
#
# Capturing: tcpdump without --immediate-mode hands packets over a block at
# a time, up to a second late; a check that reads the capture right after
# the client acted must use --immediate-mode or poll.

# dns_dhcpcd_conf FILE HOSTNAME [release]: a dhcpcd.conf for DHCPv6 only (no
# RS, one IA_NA) that sends option 39 with HOSTNAME (S=1); with "release" a
# SIGTERM releases too (kill -ALRM always does)
dns_dhcpcd_conf() {
	printf 'duid\nipv6only\nnoipv6rs\nia_na 1\noption domain_name_servers, domain_search\nhostname %s\nfqdn both\n%s' \
		"$2" "${3:+release
}" > "$1"
}

# dns_dhclient_conf FILE NAME: a dhclient6.conf that sends option 39 with
# NAME (S=1); give a full name ending in a dot, see above
dns_dhclient_conf() {
	printf 'send fqdn.fqdn "%s";\nsend fqdn.server-update on;\n' "$2" > "$1"
}
