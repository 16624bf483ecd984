#!/bin/bash
# The three allocators with the project's patches (allocators/), on the
# host's kernel: a stock kernel, where MADV_LAZYFREE and MADV_REUSE are
# EINVAL. With their switches on, each must probe once, find no support and
# behave exactly as without the patch:
#  - their own test suites pass, run as the guest runs them
#    (build/bin/alloc-NAME: tests/allocators/NAME.sh) with the switch on and
#    off;
#  - a program that gives memory back all along (strace) asks for
#    MADV_LAZYFREE once, the probe, and never for MADV_REUSE.
# On a host kernel that has the advices, the suites run as in the guest and
# the count is not checked.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

stock=1
grep -q '^lazyfree_pages ' /proc/vmstat && stock=0

# calls NAME PROG...: the MADV_LAZYFREE (104) and MADV_REUSE (105) calls
# PROG makes, with its children and threads; one probe, no REUSE, if stock.
calls() {
	local name=$1 lf re all
	shift
	strace -f -qq -o "$tmp/trace" -e trace=madvise "$@" >"$tmp/out" 2>&1 ||
		{ echo "$name failed under strace:"; tail -n 5 "$tmp/out"; status=1; return; }
	lf=$(grep -c ', \(0x68 /\*\|MADV_LAZYFREE)\)' "$tmp/trace")
	re=$(grep -c ', \(0x69 /\*\|MADV_REUSE)\)' "$tmp/trace")
	all=$(grep -c 'madvise(' "$tmp/trace")
	echo "$name: $lf MADV_LAZYFREE, $re MADV_REUSE of $all madvise calls"
	[ $stock -eq 1 ] || return
	if [ "$lf" -ne 1 ] || [ "$re" -ne 0 ]; then
		echo "FAIL: $name: on a kernel without them, only the probe's MADV_LAZYFREE"
		status=1
	elif [ "$all" -le 1 ]; then
		echo "FAIL: $name gave no memory back: no test of the fallback"
		status=1
	fi
}

for a in jemalloc mimalloc gperftools; do
	if [ ! -x "$bin/alloc-$a" ]; then
		echo "FAIL: no build/bin/alloc-$a (make image builds it)"; exit 1
	fi
	echo ">>> $a's own tests"
	"$bin/alloc-$a" || { echo "FAIL: $a's tests"; status=1; }
done

if command -v strace >/dev/null; then
	# Lazy purging within a millisecond of each free (jemalloc 5.3
	# purges with dirty_decay_ms:0 by a forced purge, never lazily).
	calls "jemalloc (integration/rallocx)" env -C "$bin/jemalloc" \
		MALLOC_CONF=lazyfree:true,dirty_decay_ms:1,muzzy_decay_ms:-1 \
		test/integration/rallocx
	calls "mimalloc (test-stress)" env LD_LIBRARY_PATH="$bin/mimalloc" \
		MIMALLOC_LAZYFREE=1 MIMALLOC_RESET_DELAY=0 "$bin/mimalloc/mimalloc-test-stress" 2 10 2
	calls "tcmalloc (tcmalloc_minimal_unittest)" env LD_LIBRARY_PATH="$bin/gperftools" \
		TCMALLOC_LAZYFREE=1 "$bin/gperftools/tcmalloc_minimal_unittest"
else
	echo "# no strace: the calls are not counted"
fi
exit $status
