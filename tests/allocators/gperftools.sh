#!/bin/sh
# gperftools 2.10 (tcmalloc_minimal) from Debian's source with the patch in
# allocators/gperftools (TCMALLOC_LAZYFREE), in the guest: its own unit
# tests pass with TCMALLOC_LAZYFREE=1 and the kernel counts the releases
# and commits as pages lazily freed and taken back; they pass again under
# a memory cgroup squeeze; and with TCMALLOC_LAZYFREE=0 they pass and the
# kernel counts none.
d=$(dirname "$0")/gperftools
export LD_LIBRARY_PATH="$d"
log=${TMPDIR:-/tmp}/gperftools-test.log
fail=0

v() { sed -n "s/^$1 //p" /proc/vmstat; }

run() {	# LAZYFREE LABEL: every unit test, then the counts
	p=$(v lazyfree_pages) r=$(v lazyfree_reused) x=$(v lazyfree_discarded)
	n=0
	while read -r t; do
		n=$((n + 1))
		if ! TCMALLOC_LAZYFREE=$1 "$d/$t" >"$log" 2>&1; then
			echo "# FAIL: $t, $2"; tail -n 5 "$log"; fail=1
		fi
	done <"$d/list"
	p=$(( $(v lazyfree_pages) - p )) r=$(( $(v lazyfree_reused) - r ))
	x=$(( $(v lazyfree_discarded) - x ))
	echo "# $2: $n unit tests; $p pages lazily freed, $r taken back, $x discarded"
}

run 1 "TCMALLOC_LAZYFREE=1"
if [ "$p" -eq 0 ] || [ "$r" -eq 0 ]; then
	echo "# FAIL: TCMALLOC_LAZYFREE gave nothing back lazily"; fail=1
fi

# The same in a memory cgroup that reclaim squeezes all along.
cg=/sys/fs/cgroup/gperftools-lazyfree
if mkdir -p "$cg" 2>/dev/null; then
	# The squeezer stays outside the cgroup; this shell and the tests go in.
	( while [ -d "$cg" ]; do echo 8M >"$cg/memory.reclaim" 2>/dev/null; sleep 0.05; done ) &
	squeezer=$!
	if echo $$ >"$cg/cgroup.procs"; then
		run 1 "TCMALLOC_LAZYFREE=1, squeezed"
		echo $$ >/sys/fs/cgroup/cgroup.procs
	fi
	rmdir "$cg"
	wait "$squeezer" 2>/dev/null
fi

run 0 "TCMALLOC_LAZYFREE=0"
if [ "$p" -ne 0 ]; then
	echo "# FAIL: lazily freed pages with TCMALLOC_LAZYFREE=0"; fail=1
fi
exit $fail
