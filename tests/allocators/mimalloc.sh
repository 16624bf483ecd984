#!/bin/sh
# mimalloc 2.0.9 from Debian's source with the patch in allocators/mimalloc
# (option lazyfree), in the guest: mimalloc's own tests (test-api,
# test-stress) pass with MIMALLOC_LAZYFREE=1, and the kernel counts the
# decommits and commits as pages lazily freed and taken back; they pass
# again under a memory cgroup squeeze, which discards some; and with
# MIMALLOC_LAZYFREE=0 they pass and the kernel counts none.
d=$(dirname "$0")/mimalloc
export LD_LIBRARY_PATH="$d"
log=${TMPDIR:-/tmp}/mimalloc-test.log
fail=0

v() { sed -n "s/^$1 //p" /proc/vmstat; }

run() {	# LAZYFREE LABEL: both tests, then the counts
	p=$(v lazyfree_pages) r=$(v lazyfree_reused) x=$(v lazyfree_discarded)
	if ! MIMALLOC_LAZYFREE=$1 "$d/mimalloc-test-api" >"$log" 2>&1; then
		echo "# FAIL: test-api, $2"; tail -n 5 "$log"; fail=1
	fi
	if ! MIMALLOC_LAZYFREE=$1 "$d/mimalloc-test-stress" 4 25 3 >"$log" 2>&1; then
		echo "# FAIL: test-stress, $2"; tail -n 5 "$log"; fail=1
	fi
	p=$(( $(v lazyfree_pages) - p )) r=$(( $(v lazyfree_reused) - r ))
	x=$(( $(v lazyfree_discarded) - x ))
	echo "# $2: $p pages lazily freed, $r taken back, $x discarded"
}

run 1 "MIMALLOC_LAZYFREE=1"
if [ "$p" -eq 0 ] || [ "$r" -eq 0 ]; then
	echo "# FAIL: the lazyfree option gave nothing back lazily"; fail=1
fi

# The same in a memory cgroup that reclaim squeezes all along.
cg=/sys/fs/cgroup/mimalloc-lazyfree
if mkdir -p "$cg" 2>/dev/null; then
	# The squeezer stays outside the cgroup; this shell and the tests go in.
	( while [ -d "$cg" ]; do echo 8M >"$cg/memory.reclaim" 2>/dev/null; sleep 0.05; done ) &
	squeezer=$!
	if echo $$ >"$cg/cgroup.procs"; then
		run 1 "MIMALLOC_LAZYFREE=1, squeezed"
		echo $$ >/sys/fs/cgroup/cgroup.procs
	fi
	rmdir "$cg"
	wait "$squeezer" 2>/dev/null
fi

run 0 "MIMALLOC_LAZYFREE=0"
if [ "$p" -ne 0 ]; then
	echo "# FAIL: lazily freed pages with the option off"; fail=1
fi
exit $fail
