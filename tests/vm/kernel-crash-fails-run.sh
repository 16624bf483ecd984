#!/bin/bash
# A guest kernel that crashes fails the run (status 125), whatever the
# commands returned.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/scripts/vm" -q -t 300 -c 'echo c >/proc/sysrq-trigger' >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 125 ] || { echo "exit status $rc, want 125"; exit 1; }
grep -q "reported a problem" "$out" || { echo "no report named"; exit 1; }
