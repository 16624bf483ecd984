#!/bin/sh
# jemalloc 5.3.0 from Debian's source with the patch in allocators/jemalloc
# (opt.lazyfree), in the guest: its own make check, the unit tests and the
# integration tests, each test with its own MALLOC_CONF script as
# jemalloc's test.sh runs it; the integration tests also with make check's
# two decay settings and with eager lazy purging (dirty pages purged lazily
# a millisecond after they are freed, muzzy ones never: jemalloc 5.3
# purges with dirty_decay_ms:0 by a forced purge, never lazily). With
# lazyfree:true, squeezed, and false, and what the kernel counted
# (lazyfree-suite.sh).
d=$(dirname "$0")/jemalloc
log=${TMPDIR:-/tmp}/jemalloc-test.log
var=JEMALLOC_LAZYFREE	# 1 or 0: lazyfree:true or false, below

# one TEST CONF: as test.sh, the test's own settings first, CONF after.
one() {
	(
		cd "$d" || exit 2
		MALLOC_CONF=
		if [ -e "$1.sh" ]; then
			# shellcheck disable=SC1090 # jemalloc's, per test
			enable_fill=1 enable_prof=0 . "./$1.sh"
		fi
		export MALLOC_CONF="${MALLOC_CONF:+$MALLOC_CONF,}$2"
		export LD_LIBRARY_PATH="$PWD/lib"
		"./$1"
	) >"$log" 2>&1
}

tests() {
	ok=0 n=0 s=0 lf=lazyfree:false
	[ "$JEMALLOC_LAZYFREE" = 1 ] && lf=lazyfree:true
	for decay in "" dirty_decay_ms:-1,muzzy_decay_ms:-1 \
	    dirty_decay_ms:0,muzzy_decay_ms:0 dirty_decay_ms:1,muzzy_decay_ms:-1; do
		while read -r t; do
			case "$decay/$t" in
			?*/test/unit/*) continue ;;
			esac
			one "$t" "$decay${decay:+,}$lf"
			case $? in
			0) n=$((n + 1)) ;;
			1) s=$((s + 1)) ;;
			*) echo "# FAIL: $t, MALLOC_CONF=$decay${decay:+,}$lf"
			   tail -n 5 "$log"; ok=1 ;;
			esac
		done <"$d/test/list"
	done
	echo "# $1: $n tests passed, $s skipped"
	return $ok
}

# shellcheck source=tests/allocators/lazyfree-suite.sh
. "$(dirname "$0")/lazyfree-suite.sh"
