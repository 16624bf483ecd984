#!/bin/sh
# gperftools 2.10 (tcmalloc_minimal) from Debian's source with the patch in
# allocators/gperftools (TCMALLOC_LAZYFREE), in the guest: its own unit
# tests with TCMALLOC_LAZYFREE on, squeezed, and off, and what the kernel
# counted (lazyfree-suite.sh).
d=$(dirname "$0")/gperftools
export LD_LIBRARY_PATH="$d"
log=${TMPDIR:-/tmp}/gperftools-test.log
var=TCMALLOC_LAZYFREE

tests() {
	ok=0 n=0
	while read -r t; do
		n=$((n + 1))
		if ! "$d/$t" >"$log" 2>&1; then
			echo "# FAIL: $t, $1"; tail -n 5 "$log"; ok=1
		fi
	done <"$d/list"
	echo "# $1: $n unit tests"
	return $ok
}

# shellcheck source=tests/allocators/lazyfree-suite.sh
. "$(dirname "$0")/lazyfree-suite.sh"
