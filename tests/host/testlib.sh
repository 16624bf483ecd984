#!/bin/bash
# The shared test helpers, on the host: counters parse, tags round-trip.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -Wall -Wextra -pthread -I "$top/testlib" -I "$top/lib" -o "$tmp/t" \
	"$top/tests/host/testlib-test.c" "$top/testlib/testlib.c"
"$tmp/t"
