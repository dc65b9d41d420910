#!/bin/bash
# The v6ext demo. Usage: contrib/demo.sh BUILD-DIR
# Makes a server key and a client key the way an operator would, writes a
# server and a client configuration that use them, and has both daemons
# check their configuration (-n). Everything lives in a temporary directory
# that is removed at the end.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
V6EXT=$B/cli/v6ext
D=$(mktemp -d /tmp/v6ext-demo.XXXXXX)
trap 'rm -rf "$D"' EXIT
umask 077

echo "== keys: v6ext genkey | tee KEY | v6ext pubkey"
"$V6EXT" genkey > "$D/server.key"
"$V6EXT" genkey > "$D/client.key"
SERVER_PUB=$("$V6EXT" pubkey < "$D/server.key")
CLIENT_PUB=$("$V6EXT" pubkey < "$D/client.key")
echo "server public key: $SERVER_PUB"
echo "client public key: $CLIENT_PUB"
ls -l "$D"/*.key | awk '{print "  " $1, $NF}'

cat > "$D/v6extd.conf" <<CONF
[server]
private-key-file = $D/server.key
listen-port      = 51820
upstream         = eth0
prefix           = 2001:db8:64:1::/64
sub-prefix-length = 78
dns              = 2001:db8::53, 2001:db8::54
state-dir        = $D/state
control-socket   = $D/v6extd.sock

[peer home1]
public-key = $CLIENT_PUB
sub-prefix = 5
CONF
cat > "$D/client.conf" <<CONF
[client]
private-key-file  = $D/client.key
server            = [2001:db8:64:1::1]:51820
server-public-key = $SERVER_PUB
bridge            = br-v6ext
control-socket    = $D/client.sock
CONF

echo; echo "== v6extd -n -c v6extd.conf"
"$B/server/v6extd" -n -c "$D/v6extd.conf"
echo; echo "== v6ext-client -n -c client.conf"
"$B/client/v6ext-client" -n -c "$D/client.conf"

echo; echo "== a mistake in the configuration is reported with file and line"
sed -i 's/^sub-prefix-length = 78/sub-prefix-length = 130/' "$D/v6extd.conf"
"$B/server/v6extd" -n -c "$D/v6extd.conf" 2>&1 | sed "s|$D/||" || true
echo; echo "== a key file others can read is refused"
chmod 644 "$D/client.key"
"$B/client/v6ext-client" -n -c "$D/client.conf" 2>&1 | sed "s|$D/||" || true
