#!/bin/bash
# kernel-tree.sh on a tiny fake 6.12 tree: the series applies as one commit
# per patch, export writes it back, and a patch that does not apply stops
# the build with a message naming it.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kt=$top/scripts/lib/kernel-tree.sh

mkdir -p "$tmp/src/mm"
printf 'kernelversion:\n\t@echo 6.12.99\n' >"$tmp/src/Makefile"
printf 'line one\nline two\n' >"$tmp/src/mm/madvise.c"
export KSRC=$tmp/src TREE=$tmp/linux PATCHDIR=$tmp/patches
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
mkdir -p "$PATCHDIR"
: >"$PATCHDIR/series"

"$kt" prepare
[ "$(git -C "$TREE" rev-list --count HEAD)" = 1 ] || { echo "base commit missing"; exit 1; }

# A developer commits a change, exports it, and a fresh tree gets it back.
echo "line three" >>"$TREE/mm/madvise.c"
git -C "$TREE" commit -qam "mm: add line three"
"$kt" export
[ -f "$PATCHDIR/0001-mm-add-line-three.patch" ] || { echo "patch not written"; exit 1; }
grep -qx "0001-mm-add-line-three.patch" "$PATCHDIR/series" || { echo "series not written"; exit 1; }
rm -rf "$TREE"
"$kt" prepare
grep -q "line three" "$TREE/mm/madvise.c" || { echo "patch not applied"; exit 1; }
[ "$(git -C "$TREE" rev-list --count HEAD)" = 2 ] || { echo "not one commit per patch"; exit 1; }

# A second prepare with nothing changed leaves the tree alone.
head=$(git -C "$TREE" rev-parse HEAD)
"$kt" prepare
[ "$(git -C "$TREE" rev-parse HEAD)" = "$head" ] || { echo "tree rebuilt needlessly"; exit 1; }

# A patch that does not apply names itself.
sed -i 's/^ line two$/ line deux/' "$PATCHDIR/0001-mm-add-line-three.patch"
rm -rf "$TREE"
if "$kt" prepare 2>"$tmp/err"; then
	echo "a broken patch applied"; exit 1
fi
grep -q "kernel/patches/0001-mm-add-line-three.patch does not apply" "$tmp/err" ||
	{ cat "$tmp/err"; echo "message does not name the patch"; exit 1; }
echo "kernel-tree: ok"
