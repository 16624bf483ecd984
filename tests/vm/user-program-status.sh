#!/bin/bash
# A user's static program added with --add runs in the guest with its
# arguments, its output comes back on stdout, scripts/vm exits with its
# status, and the guest is told the accelerator it really runs on.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/hello.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("hello from %s %s\n", argv[0], argc > 1 ? argv[1] : "");
	return 7;
}
C
gcc -static -O2 -o "$tmp/hello" "$tmp/hello.c" || exit 1
"$top/scripts/vm" -t 300 --add "$tmp/hello" \
	-c 'tr " " "\n" </proc/cmdline | grep "^lazyfree.accel="' -- /hello --flag \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out" "$tmp/err"
[ $rc -eq 7 ] || { echo "exit status $rc, want 7"; exit 1; }
grep -qx "hello from /hello --flag" "$tmp/out" || { echo "output lost"; exit 1; }
accel=$(sed -n 's/^>>> booted the .* kernel with \([a-z]*\),.*/\1/p' "$tmp/err")
grep -qx "lazyfree.accel=$accel" "$tmp/out" ||
	{ echo "the guest was not told it runs on '$accel'"; exit 1; }
