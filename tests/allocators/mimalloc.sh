#!/bin/sh
# mimalloc 2.0.9 from Debian's source with the patch in allocators/mimalloc
# (option lazyfree), in the guest: mimalloc's own tests (test-api,
# test-stress) with MIMALLOC_LAZYFREE on, squeezed, and off, and what the
# kernel counted (lazyfree-suite.sh).
d=$(dirname "$0")/mimalloc
export LD_LIBRARY_PATH="$d"
log=${TMPDIR:-/tmp}/mimalloc-test.log
var=MIMALLOC_LAZYFREE

tests() {
	ok=0
	if ! "$d/mimalloc-test-api" >"$log" 2>&1; then
		echo "# FAIL: test-api, $1"; tail -n 5 "$log"; ok=1
	fi
	if ! "$d/mimalloc-test-stress" 4 25 3 >"$log" 2>&1; then
		echo "# FAIL: test-stress, $1"; tail -n 5 "$log"; ok=1
	fi
	return $ok
}

# shellcheck source=tests/allocators/lazyfree-suite.sh
. "$(dirname "$0")/lazyfree-suite.sh"
