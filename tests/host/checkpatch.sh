#!/bin/bash
# Every patch of the series passes the kernel's scripts/checkpatch.pl
# --strict without errors (warnings and checks are printed, not fatal), and
# carries a changelog and a Signed-off-by.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=${TREE:-$top/build/linux}
cp=$tree/scripts/checkpatch.pl
[ -f "$cp" ] || { echo "checkpatch: no kernel tree at $tree (make tree)"; exit 1; }

bad=0
while read -r p; do
	f=$top/kernel/patches/$p
	out=$(cd "$tree" && perl "$cp" --strict --no-color --show-types "$f" 2>&1) || true
	summary=$(echo "$out" | grep '^total:' || echo "total: no summary")
	echo "$p: $summary"
	if ! echo "$summary" | grep -q '^total: 0 errors'; then
		echo "$out" | grep '^ERROR' | sed 's/^/    /'
		bad=1
	fi
	# A changelog: some text between the subject and the Signed-off-by.
	body=$(sed -n '/^Subject:/,/^Signed-off-by:/p' "$f" | sed '1d;$d' | grep -c '[a-z]' || true)
	if [ "$body" -lt 3 ]; then
		echo "    $p has no changelog"
		bad=1
	fi
	grep -q '^Signed-off-by: ' "$f" || { echo "    $p has no Signed-off-by"; bad=1; }
done < <("$top/scripts/lib/kernel-tree.sh" list)
[ $bad -eq 0 ] && echo "checkpatch: ok"
exit $bad
