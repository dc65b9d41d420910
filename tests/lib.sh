# SPDX-License-Identifier: ISC
# Shared helpers for the shell tests: TAP output that automake's driver counts.
# Source it, call tap_plan N (or tap_done at the end), then ok/not_ok/check.
tap_n=0
tap_failed=0
tap_plan() { echo "1..$1"; }
tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - # SKIP $*"; }
# check NAME COMMAND...: passes when COMMAND exits 0
check() {
	local name=$1; shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name"; fi
}
tap_done() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
# is_count VALUE...: every VALUE is a whole number. A check that compares
# counts read back from a daemon must fail when reading them failed: two
# empty strings are equal, and `! cmd` passes when cmd cannot run.
is_count() { local v; for v in "$@"; do [[ $v =~ ^[0-9]+$ ]] || return 1; done; }
# same_count A B: both whole numbers, and equal
same_count() { is_count "$1" "$2" && [ "$1" -eq "$2" ]; }
# exits N CMD...: CMD runs and exits with status N. `! CMD` would also pass
# when CMD crashes or cannot be found: that is no refusal.
exits() { local want=$1; shift; "$@"; [ $? -eq "$want" ]; }
# lacks ERE FILE...: grep read the files and found no line matching ERE
# (`! grep` also passes when a file is missing or the pattern is wrong)
lacks() { grep -Eq -- "$@"; [ $? -eq 1 ]; }
# Skip the whole script with a reason (TAP "skip all"): never counted as a pass.
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
