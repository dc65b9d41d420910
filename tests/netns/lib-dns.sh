# DNS peers for the namespace tests: a Knot DNS primary that takes RFC 2136
# updates signed with TSIG, and how the DHCPv6 clients send their name.
# Sourced after lib-netns.sh; like it, needs nothing but P (the per-run
# prefix), and appends every process it starts to PIDS when the test keeps
# that array (lib-site.sh's cleanup kills them by PID); dns_knot_stop kills
# the server by its PID as well.
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
#   Refusals, as dns-lab.sh shows them (knsupdate exits 1 in each case):
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
#   A dummy interface may not exist (no dummy module here): dns-lab.sh puts
#   the address on one end of a veth pair inside the namespace.
#
# DHCPv6 Client FQDN option (option 39, RFC 4704): FINDINGS at the end.

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
	[ "${PIDS+set}" = set ] && PIDS+=("$DNS_KNOT_PID")
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
