#!/bin/bash
# kernel/man-pages/*.patch applies to the madvise.2 that Debian ships
# (man-pages 6.03, the release the patch is written against) and the
# result formats without groff warnings. Skips where the page or groff is
# not installed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=/usr/share/man/man2/madvise.2.gz
if [ ! -f "$src" ] || ! command -v groff >/dev/null; then
	echo "man-pages: SKIP (no $src or no groff)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/man2"
zcat "$src" >"$tmp/man2/madvise.2"
for p in "$top"/kernel/man-pages/*.patch; do
	patch -s -p1 -d "$tmp" <"$p"
done
warn=$(groff -man -Tutf8 -ww -z "$tmp/man2/madvise.2" 2>&1 || true)
[ -z "$warn" ] || { echo "$warn"; echo "man-pages: groff warnings"; exit 1; }
for a in MADV_LAZYFREE MADV_LAZYFREE_STRICT MADV_REUSE; do
	grep -q "^\.BR $a \"" "$tmp/man2/madvise.2" ||
		{ echo "man-pages: $a is not documented"; exit 1; }
done
echo "man-pages: ok"
