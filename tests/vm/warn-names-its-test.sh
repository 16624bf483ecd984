#!/bin/bash
# A real kernel WARN (lkdtm's WARNING crash point) fails the run, and the
# report is attributed to the test that triggered it by name, not to the
# tests before or after it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\ntrue\n' >"$tmp/quiet"
printf '#!/bin/sh\necho WARNING >/sys/kernel/debug/provoke-crash/DIRECT\n' >"$tmp/warn-now"
chmod +x "$tmp/quiet" "$tmp/warn-now"
"$top/scripts/vm" -q -t 300 -l "$tmp/console" --add "$tmp/quiet:/t/before" \
	--add "$tmp/warn-now:/t/warn-now" --add "$tmp/quiet:/t/after" \
	-- run-tests -n inject /t/before /t/warn-now /t/after >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ $rc -eq 125 ] || { echo "exit status $rc, want 125"; exit 1; }
grep -q "WARNING: CPU: .* lkdtm" "$tmp/console" ||
	{ echo "no WARN from lkdtm on the console"; exit 1; }
grep -qx "vm: kernel report during inject/warn-now" "$tmp/out" ||
	{ echo "the WARN was not attributed to inject/warn-now"; exit 1; }
if grep "^vm: kernel report" "$tmp/out" | grep -q "before\|after"; then
	echo "the WARN was attributed to another test"; exit 1
fi
