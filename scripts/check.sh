#!/bin/bash
# make check: every test of the project, with one tally at the end.
#
#  1. host tests (tests/host): the scripts, the library, checkpatch, shellcheck
#  2. the harness itself (tests/vm): a user's program and its exit status, a
#     kernel crash or WARN failing the run and naming its test, KVM fallback
#  3. guest tests (baseline, allocator, fuzzer, liblazyfree, the lazyfree
#     selftest) on the normal kernel, then on the debug kernel
#  4. the lazyfree selftest again with zram swap on, normal kernel
#  5. the baseline tests with MADV_FREE acting as MADV_LAZYFREE
#  6. upstream mm selftests listed in tests/mm-selftests.pass, normal kernel
#
# Every suite is run by guest/run-tests, which prints TAP; one parser
# (tally) counts it. A guest run whose kernel printed a warning fails even
# if its tests passed, and the report is charged to the test that was
# running (the markers guest/run-tests writes to /dev/kmsg).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
res=build/check
rm -rf "$res"
mkdir -p "$res"
pass=0 fail=0 skip=0
failed=()
t0=$(date +%s)

result() {	# pass|fail|skip NAME
	case $1 in
	pass) pass=$((pass + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed+=("$2") ;;
	esac
}

# tap LINE: the result (pass|fail|skip) and the name of one TAP result line.
tap() {
	local l=$1 d=""
	case "$l" in
	"not ok"*) tap_r=fail l=${l#not ok} ;;
	*) tap_r=pass l=${l#ok} ;;
	esac
	[[ $l =~ ^\ *[0-9]*\ *(.*)$ ]] && l=${BASH_REMATCH[1]}
	case "$l" in
	*" # "*) d=${l#* # } l=${l%% # *} ;;
	"# "*) d=${l#\# } l="" ;;
	esac
	case "$d" in
	[Ss][Kk][Ii][Pp]*) [ "$tap_r" = pass ] && tap_r=skip ;;
	esac
	tap_name=${l% - } tap_dir=$d
}

# tally FILE: count the TAP streams of guest/run-tests in FILE. A program's
# own TAP lines (indented: subtests) count one each; a program without them
# counts once; a program that failed without a failing subtest (a crash, a
# timeout) counts as one failure more; a stream that ends before its plan
# (a guest that died) fails for each program that never reported.
tally() {
	local line planned=0 seen=0 prog sub_fail=0 r
	local -a subs=()
	short() {	# LAST: the programs of the stream that never reported
		[ "$seen" -lt "$planned" ] &&
			result fail "$((planned - seen)) of $planned programs never reported (last: $1)"
	}
	while IFS= read -r line; do
		case "$line" in
		"    ok"*|"    not ok"*)
			tap "${line#    }"
			subs+=("$tap_r $tap_name")
			[ "$tap_r" = fail ] && sub_fail=1 ;;
		1..*)
			short "${prog:-none}"
			planned=${line#1..} seen=0 subs=() sub_fail=0 ;;
		ok*|"not ok"*)
			tap "$line"
			prog=$tap_name seen=$((seen + 1))
			if [ ${#subs[@]} -eq 0 ]; then
				result "$tap_r" "$prog${tap_dir:+ ($tap_dir)}"
			else
				for r in "${subs[@]}"; do
					result "${r%% *}" "$prog: ${r#* }"
				done
				[ "$tap_r" = fail ] && [ $sub_fail -eq 0 ] &&
					result fail "$prog (${tap_dir:-failed})"
			fi
			subs=() sub_fail=0 ;;
		esac
	done < <(tr -d '\r' <"$1")
	short "${prog:-none}"
}

# why FILE: the diagnostics (up to 6 "#" lines) each failing subtest of
# FILE printed before its "not ok", kept for the end of the report, where
# a log that is cut to its tail still shows them.
whys=()
why() {
	local line
	local -a last=()
	while IFS= read -r line; do
		case "$line" in
		"    #"*)
			last+=("$line")
			[ ${#last[@]} -gt 6 ] && last=("${last[@]:1}") ;;
		"    not ok"*)
			whys+=("${line#    }" "${last[@]}")
			last=() ;;
		"    ok"*) last=() ;;
		esac
	done < <(tr -d '\r' <"$1")
}

guest() {	# NAME VM-ARGS... : run the VM, output to $res/NAME.out, tally it
	local name=$1 rc line; shift
	echo ">>> guest: $name"
	scripts/vm -q -l "$res/$name.console" "$@" >"$res/$name.out" 2>&1
	rc=$?
	grep '^>>> ' "$res/$name.out"
	tally "$res/$name.out"
	why "$res/$name.out"
	if [ $rc -eq 125 ]; then
		result fail "$name: the guest kernel reported a problem or did not finish"
		while IFS= read -r line; do
			result fail "${line#vm: kernel report during }: the guest kernel reported a problem while it ran"
		done < <(grep '^vm: kernel report during ' "$res/$name.out")
		grep '^vm:\|^    ' "$res/$name.out" | grep -v '^    \(ok\|not ok\|#\|TAP\|1\.\.\)' | head -n 20
	fi
}

suite() {	# NAME PROGRAM... : a host suite, by guest/run-tests
	local name=$1; shift
	echo ">>> $name"
	guest/run-tests -t 1200 -n "$name" "$@" >"$res/$name.out" 2>&1
	# The accelerator decision of the first boot, if this suite booted
	# (not that of a test's stand-in QEMU with its own answer file).
	grep '^    >>> accel:' "$res/$name.out" | grep -m1 'build/\.accel' | sed 's/^    //'
	tally "$res/$name.out"
	grep '^not ok' "$res/$name.out" | sed 's/^/    /'
}

suite host tests/host/*.sh
suite vm tests/vm/*.sh

# The guest suites: the baseline tests, the allocator tests and a short
# fixed-seed run of the fuzzer, then liblazyfree's tests on the path the
# kernel offers and forced onto the fallback, then the kernel selftest.
guest_paths() {	# VAR 'GLOB'... : VAR = the guest paths of the programs
	local var=$1 g f out=""
	shift
	for g in "$@"; do
		for f in build/bin/$g; do
			[ -e "$f" ] || { result fail "check: no program build/bin/$g"; continue; }
			out+="/lazyfree/bin/${f#build/bin/} "
		done
	done
	printf -v "$var" '%s' "$out"
}
guest_paths baseline 'baseline-*'
guest_paths more 'alloc-*' lffuzz
guest_paths libtests 'lf-test-*'
own=()
if [ -x build/selftests-mm/lazyfree ]; then
	own=(-i build/selftests-mm.cpio.gz)
fi
# Two NUMA nodes, so that the selftest can move pages between them. The
# allocators' own test suites (alloc-jemalloc, alloc-mimalloc,
# alloc-gperftools) run three times each: up to 14 minutes on the debug
# kernel under emulation. On the host (tests/host/allocators-fallback.sh)
# they ran on a stock kernel, the allocators' fallback.
for k in normal debug; do
	args=(-c "run-tests -t 1500 -n $k $baseline$more"
	      -c "run-tests -n $k $libtests"
	      -c "LIBLAZYFREE_FALLBACK=1 run-tests -n $k-fallback $libtests")
	[ ${#own[@]} -gt 0 ] && args+=("${own[@]}" -c "run-tests -n $k /selftests/mm/lazyfree")
	guest "guest-$k" -k "$k" -n 2 -t 2700 "${args[@]}"
done

# Once more with zram swap on: reclaim must discard, not swap, lazily freed
# pages (the squeeze tests that want no swap skip themselves).
if [ ${#own[@]} -gt 0 ]; then
	guest guest-zram -k normal -z 256M -t 900 "${own[@]}" \
		-c "run-tests -n zram /selftests/mm/lazyfree"
fi

# Once more with MADV_FREE acting as MADV_LAZYFREE system-wide
# (vm.madv_free_lazy): the baseline tests of MADV_FREE must still hold.
guest guest-madv-free-lazy -k normal -t 600 \
	-c "echo 1 >/proc/sys/vm/madv_free_lazy" -c "run-tests -n madv_free_lazy $baseline"

mapfile -t mm < <(grep -v -e '^#' -e '^$' tests/mm-selftests.pass 2>/dev/null)
if [ ${#mm[@]} -gt 0 ]; then
	guest selftests-mm -k normal -t 2400 -i build/selftests-mm.cpio.gz -- \
		run-tests -t 300 -n mm "${mm[@]/#//selftests/mm/}"
fi

echo ">>> make check took $(($(date +%s) - t0)) s; logs in $res/"
for f in "${whys[@]}"; do echo "WHY: $f"; done
for f in "${failed[@]}"; do echo "FAILED: $f"; done
echo "check: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
