# Sourced by an allocator's guest test (alloc-jemalloc, alloc-mimalloc,
# alloc-gperftools): runs its tests() three times and checks what the
# kernel counted: with its switch $var=1 (pages lazily freed and taken
# back), again in a memory cgroup that reclaim squeezes all along (some
# discarded), and with $var=0 (none lazily freed). tests LABEL runs the allocator's own tests with $var
# in the environment and fails, having said why, if any of them failed.
# shellcheck shell=sh disable=SC2154 # $var and tests() come from the caller
#
# On a kernel without MADV_LAZYFREE (no lazyfree_* in /proc/vmstat: a stock
# kernel, the host of make check) the allocator probes, finds EINVAL and
# must behave exactly as without its switch: the tests run with $var=1 and
# $var=0, and nothing is counted.
fail=0

v() { sed -n "s/^$1 //p" /proc/vmstat; }

if [ -z "$(v lazyfree_pages)" ]; then
	for value in 1 0; do
		export "$var=$value"
		tests "$var=$value, a kernel without MADV_LAZYFREE" || fail=1
		unset "$var"
	done
	exit $fail
fi

run() {	# VALUE LABEL: the tests, then the counts (p, r, x)
	p=$(v lazyfree_pages) r=$(v lazyfree_reused) x=$(v lazyfree_discarded)
	export "$var=$1"
	tests "$2" || fail=1
	unset "$var"
	p=$(( $(v lazyfree_pages) - p )) r=$(( $(v lazyfree_reused) - r ))
	x=$(( $(v lazyfree_discarded) - x ))
	echo "# $2: $p pages lazily freed, $r taken back, $x discarded"
}

run 1 "$var=1"
if [ "$p" -eq 0 ] || [ "$r" -eq 0 ]; then
	echo "# FAIL: $var=1 gave nothing back lazily"; fail=1
fi

cg=/sys/fs/cgroup/$var
if mkdir -p "$cg" 2>/dev/null; then
	# The squeezer stays outside the cgroup; this shell and the tests go in.
	( while [ -d "$cg" ]; do echo 8M >"$cg/memory.reclaim" 2>/dev/null; sleep 0.05; done ) &
	squeezer=$!
	if echo $$ >"$cg/cgroup.procs"; then
		run 1 "$var=1, squeezed"
		echo $$ >/sys/fs/cgroup/cgroup.procs
	fi
	rmdir "$cg"
	wait "$squeezer" 2>/dev/null
fi

run 0 "$var=0"
if [ "$p" -ne 0 ]; then
	echo "# FAIL: lazily freed pages with $var=0"; fail=1
fi
exit $fail
