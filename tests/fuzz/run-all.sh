#!/bin/sh
# SPDX-License-Identifier: ISC
# Run each libFuzzer target for SECONDS from its seed corpus; print the
# number of executions each reached. Usage: run-all.sh SECONDS TARGET...
set -u
secs=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
fail=0
for t in "$@"; do
	name=$(basename "$t"); name=${name#fuzz_}
	work=$(mktemp -d)
	cp "$here/corpus/$name/"* "$work/" 2>/dev/null
	if "$t" -max_total_time="$secs" -print_final_stats=1 -max_len=4096 "$work" > "$work.log" 2>&1; then
		execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work.log")
		echo "fuzz_$name: ${execs:-?} executions in ${secs}s, no crash"
	else
		echo "fuzz_$name: FAILED"; tail -n 40 "$work.log"; fail=1
	fi
	rm -rf "$work" "$work.log"
done
exit $fail
