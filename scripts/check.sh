#!/bin/bash
# make check: every test of the project, with one tally at the end.
#
#  1. host tests (tests/host): the scripts and helpers, no VM
#  2. the harness itself in the guest: a user's program, exit status, a
#     kernel crash failing the run
#  3. guest tests (baseline, liblazyfree, the lazyfree selftest) on the
#     normal kernel, then on the debug kernel
#  4. the lazyfree selftest again with zram swap on, normal kernel
#  5. upstream mm selftests listed in tests/mm-selftests.pass, normal kernel
#
# A guest run whose kernel printed a warning fails even if its tests passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
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

# Tally the output of run-tests: the TAP lines of kselftest-harness programs,
# one result for a program that prints none, and a program that failed
# without a failing TAP line (a crash) as one failure.
tally_tap() {	# SUITE OUTPUT
	local suite=$1 out=$2 prog="" bad=0 tap=0 line r
	while IFS= read -r line; do
		case "$line" in
		"### run "*) prog=${line#\#\#\# run }; bad=0 tap=0 ;;
		"not ok "*) result fail "$suite/$prog: ${line#not ok }"; bad=1 tap=1 ;;
		"ok "*"# SKIP"*) result skip "$prog"; tap=1 ;;
		"ok "*) result pass "$prog"; tap=1 ;;
		"### result "*)
			r=${line#\#\#\# result }; r=${r%% *}
			if [ $tap -eq 0 ]; then
				result "$r" "$suite/$prog"
			elif [ "$r" = fail ] && [ $bad -eq 0 ]; then
				result fail "$suite/$prog (crashed)"
			fi ;;
		esac
	done < <(tr -d '\r' <"$out")
}

# One result per program (the upstream selftests).
tally_programs() {	# SUITE OUTPUT
	local suite=$1 out=$2 line r name
	while read -r line; do
		set -- $line
		r=$3 name=$4
		result "$r" "$suite/$name"
	done < <(tr -d '\r' <"$out" | grep '^### result ')
}

guest() {	# NAME VM-ARGS... : run the VM, output to $res/NAME.out
	local name=$1; shift
	echo ">>> guest: $name"
	scripts/vm -q -l "$res/$name.console" "$@" >"$res/$name.out" 2>&1
	local rc=$?
	if [ $rc -eq 125 ]; then
		result fail "$name: guest kernel reported a problem or did not finish"
		grep '^vm:\|^    ' "$res/$name.out" | head -n 20
	fi
	return $rc
}

echo ">>> host tests"
for t in tests/host/*.sh; do
	if bash "$t" >"$res/host-$(basename "$t" .sh).out" 2>&1; then
		result pass "host/$(basename "$t")"
	else
		result fail "host/$(basename "$t")"
		tail -n 20 "$res/host-$(basename "$t" .sh).out"
	fi
done

echo ">>> the VM runner"
cat >"$res/hello.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv)
{
	printf("hello from %s %s\n", argv[0], argc > 1 ? argv[1] : "");
	return 7;
}
C
gcc -static -O2 -o "$res/hello" "$res/hello.c"
guest vm-add --add "$res/hello" -- /hello --flag
rc=$?
if [ $rc -eq 7 ] && grep -q "^hello from /hello --flag" "$res/vm-add.out"; then
	result pass "vm/add_runs_user_program_and_returns_its_status"
else
	result fail "vm/add_runs_user_program_and_returns_its_status (rc=$rc)"
fi
scripts/vm -q -t 120 -l "$res/vm-crash.console" -c 'echo c >/proc/sysrq-trigger' \
	>"$res/vm-crash.out" 2>&1
rc=$?
if [ $rc -eq 125 ] && grep -q "reported a problem" "$res/vm-crash.out"; then
	result pass "vm/kernel_crash_fails_the_run"
else
	result fail "vm/kernel_crash_fails_the_run (rc=$rc)"
fi

# The guest suites: the baseline tests and a short fixed-seed run of the
# fuzzer, then liblazyfree's tests on the path the kernel offers and forced
# onto the fallback, then the kernel selftest.
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
suites="$baseline$more"
guest_paths libtests 'lf-test-*'
# The series' own selftest runs on both kernels too, once the series has it.
own=()
if [ -x build/selftests-mm/lazyfree ]; then
	own=(-i build/selftests-mm.cpio.gz -c "run-tests /selftests/mm/lazyfree")
fi
# Two NUMA nodes, so that the selftest can move pages between them.
for k in normal debug; do
	guest "guest-$k" -k "$k" -n 2 -t 1500 \
		-c "run-tests $suites" \
		-c "run-tests $libtests" \
		-c "LIBLAZYFREE_FALLBACK=1 run-tests $libtests" \
		"${own[@]}"
	tally_tap "$k" "$res/guest-$k.out"
done

# Once more with zram swap on: reclaim must discard, not swap, lazily freed
# pages (the squeeze tests that want no swap skip themselves).
if [ ${#own[@]} -gt 0 ]; then
	guest guest-zram -k normal -z 256M -t 900 "${own[@]}"
	tally_tap zram "$res/guest-zram.out"
fi

# Once more with MADV_FREE acting as MADV_LAZYFREE system-wide
# (vm.madv_free_lazy): the baseline tests of MADV_FREE must still hold.
guest guest-madv-free-lazy -k normal -t 600 \
	-c "echo 1 >/proc/sys/vm/madv_free_lazy" -c "run-tests $baseline"
tally_tap madv_free_lazy "$res/guest-madv-free-lazy.out"

mapfile -t mm < <(grep -v -e '^#' -e '^$' tests/mm-selftests.pass 2>/dev/null)
if [ ${#mm[@]} -gt 0 ]; then
	guest selftests-mm -k normal -t 2400 -i build/selftests-mm.cpio.gz -- \
		run-tests -t 300 "${mm[@]/#//selftests/mm/}"
	tally_programs mm "$res/selftests-mm.out"
fi

echo ">>> make check took $(( $(date +%s) - t0 )) s; logs in $res/"
for f in "${failed[@]}"; do echo "FAILED: $f"; done
echo "check: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
