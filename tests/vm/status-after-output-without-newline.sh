#!/bin/bash
# A program whose output does not end in a newline still has its exit
# status reported: the status travels on a serial port of its own.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/nonl.c" <<'C'
#include <stdio.h>
int main(void)
{
	printf("no newline at the end");
	return 3;
}
C
gcc -static -O2 -o "$tmp/nonl" "$tmp/nonl.c" || exit 1
"$top/scripts/vm" -q -t 300 --add "$tmp/nonl" -- /nonl >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ $rc -eq 3 ] || { echo "exit status $rc, want 3"; exit 1; }
grep -q "no newline at the end" "$tmp/out" || { echo "output lost"; exit 1; }
