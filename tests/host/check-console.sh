#!/bin/bash
# check-console.sh fails a run on every kind of kernel report, and passes a
# clean boot log.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=$top/scripts/lib/check-console.sh

cat >"$tmp/clean" <<'LOG'
[    0.000000] Linux version 6.12.117+ (lazyfree@guest) #1 SMP
[    0.512000] Freeing unused kernel image (initmem) memory: 1234K
[    0.600000] zram0: detected capacity change from 0 to 131072
[    0.610000] Adding 65532k swap on /dev/zram0.
LOG
"$cc" "$tmp/clean" >/dev/null || { echo "clean log rejected"; exit 1; }

while IFS= read -r line; do
	{ cat "$tmp/clean"; printf '%s\r\n' "$line"; } >"$tmp/bad"
	if "$cc" "$tmp/bad" >/dev/null; then
		echo "not caught: $line"; exit 1
	fi
done <<'LOG'
[    1.0] WARNING: CPU: 1 PID: 42 at mm/madvise.c:123 madvise_lazyfree+0x10/0x20
[    1.0] ------------[ cut here ]------------ kernel BUG at mm/rmap.c:1000!
[    1.0] BUG: unable to handle page fault for address: ffff888000000000
[    1.0] Oops: general protection fault, probably for non-canonical address
[    1.0] BUG: KASAN: use-after-free in folio_remove_rmap_ptes+0x1/0x2
[    1.0] WARNING: possible circular locking dependency detected
[    1.0] BUG: sleeping function called from invalid context at mm/memory.c:1
[    1.0] BUG: Bad page state in process lazyfree  pfn:01234
[    1.0] Kernel panic - not syncing: Fatal exception
[    1.0] WARNING: suspicious RCU usage
LOG
# A report is attributed to the test between whose markers it came.
cat >"$tmp/marked" <<'LOG'
[    1.0] lazyfree-test: start normal/baseline-free
[    1.1] lazyfree-test: end normal/baseline-free
[    1.2] lazyfree-test: start normal/lffuzz
[    1.3] WARNING: CPU: 1 PID: 42 at mm/rmap.c:1 try_to_unmap_one+0x1/0x2
[    1.4] lazyfree-test: end normal/lffuzz
LOG
if "$cc" "$tmp/marked" >"$tmp/said"; then
	echo "a marked report was not caught"; exit 1
fi
grep -qx "vm: kernel report during normal/lffuzz" "$tmp/said" ||
	{ cat "$tmp/said"; echo "report not attributed to normal/lffuzz"; exit 1; }
if grep -q "baseline-free" "$tmp/said"; then
	cat "$tmp/said"; echo "report attributed to a test that had ended"; exit 1
fi
echo "check-console: ok"
