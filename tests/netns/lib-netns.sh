# SPDX-License-Identifier: ISC
# Helpers every namespace test shares. Needs B (the build directory) unset or set.
B=$top_builddir

# Skip the whole test, with the reason, where namespaces cannot work.
netns_require() {
	[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root for network namespaces"
	ip netns add "${P}probe" 2>/dev/null || tap_skip_all "cannot create network namespaces here"
	ip netns del "${P}probe"
	command -v ping > /dev/null || tap_skip_all "ping (iputils-ping) is not installed"
}

wait_for() { # wait_for TENTHS COMMAND...: poll until COMMAND succeeds
	local n=$1; shift
	for _ in $(seq 1 "$n"); do "$@" > /dev/null 2>&1 && return 0; sleep 0.1; done
	return 1
}
quiet() { "$@" > /dev/null 2>&1; }
# pcap_count FILE [FILTER]: how many packets of a capture match FILTER;
# nothing at all when tcpdump cannot read the capture, so 0 means 0
pcap_count() { local o; o=$(tcpdump -n -r "$1" ${2:+"$2"} 2> /dev/null) || return 1; grep -c . <<< "$o"; }
# link_gone NS DEV: the links of NS can be listed, and DEV is not one
link_gone() { local l; l=$(ip -n "$1" -o link show) && ! grep -qE "^[0-9]+: $2[@:]" <<< "$l"; }
show_json() { "$B/cli/v6ext" -s "$1" show --json; }
json_get() { # json_get SOCKET PYTHON-EXPR (j is the reply)
	/usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print($2)" < <(show_json "$1")
}
