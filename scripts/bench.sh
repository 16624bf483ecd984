#!/bin/bash
# bench.sh full|short : run guest/bench-suite in one boot (4 vCPUs), write
# each table to results/NAME.csv, print the tables, and (full) draw
# results/NAME.png with gnuplot.
#   make bench    full: every benchmark, charts
#   make run      short: the same tables with fewer cycles, no charts
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mode=${1:-full}
out=results
mkdir -p "$out"
log=$out/bench-$mode.log

echo ">>> booting the guest (4 vCPUs) for the $mode benchmarks"
scripts/vm -q -p 4 -t 1800 -- /lazyfree/bin/bench-suite \
	"$([ "$mode" = short ] && echo short)" >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	echo "bench: the guest run failed (rc=$rc); see $log" >&2
	tail -n 20 "$log" >&2
	exit 1
fi

# The guest's console ends lines with CR LF.
sed -i 's/\r$//' "$log"
# Split "### csv NAME" ... "### end" blocks into results/NAME.csv.
names=$(awk '/^### csv /{n=$3; print n; f=1; next}
	     /^### end/{f=0; next}
	     f{print > ("'$out'/" n ".csv")}' "$log")
how="measured in one boot, 4 vCPUs, $( [ -w /dev/kvm ] && scripts/kvm-works.sh >/dev/null 2>&1 && echo KVM || echo 'QEMU TCG: times only comparable within the run')"

table() {	# NAME TITLE [COLUMNS]
	local f=$out/$1.csv
	[ -s "$f" ] || return
	echo
	echo "== $2 ($how)"
	if [ -n "${3:-}" ]; then
		cut -d, -f"$3" "$f"
	else
		cat "$f"
	fi | column -t -s,
}
table tlbcost "tlbcost: 16 pages written, given back and taken back per cycle" 1,2,5,6,8
table tlbcost-1page "tlbcost -k 1: will-it-scale tlb_flush2 shape, one page per loop" 1,2,5,6,8
table ebizzy "ebizzy: records/s without and with memory pressure (memory.reclaim every 20 ms)" 1,6,7,9,10,11,12
table reclaim "reclaim: IPIs to take back memory given back" 1,3,4,5,6,7,8

[ "$mode" = short ] && { echo; echo ">>> tables in $out/*.csv (log: $log)"; exit 0; }

if ! command -v gnuplot >/dev/null; then
	echo "bench: gnuplot missing: no charts" >&2
	exit 0
fi
plot() {	# NAME TITLE YLABEL USING
	gnuplot <<EOF
set terminal pngcairo size 1000,500 noenhanced
set output "$out/$1.png"
set datafile separator ","
set title "$2"
set ylabel "$3"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -30
set key off
set grid ytics
plot "$4" every ::1 using $5:xtic(1)
EOF
}
# tlbcost with 3 siblings: shootdowns per cycle by mode.
awk -F, 'NR == 1 || $2 == 3' "$out/tlbcost.csv" >"$out/.tlbcost3.csv"
plot tlbcost "tlbcost, 3 busy siblings: TLB shootdowns per cycle" "shootdowns/cycle" \
	"$out/.tlbcost3.csv" 5
awk -F, 'NR == 1 || $6 == 0' "$out/ebizzy.csv" >"$out/.ebizzy0.csv"
awk -F, 'NR == 1 || $6 != 0' "$out/ebizzy.csv" >"$out/.ebizzyP.csv"
plot ebizzy "ebizzy records/s, no memory pressure" "records/s" "$out/.ebizzy0.csv" 7
plot ebizzy-pressure "ebizzy records/s, memory.reclaim every 20 ms" "records/s" \
	"$out/.ebizzyP.csv" 7
plot reclaim "reclaim: TLB shootdown IPIs per MiB discarded" "IPIs/MiB" \
	"$out/reclaim.csv" 6
rm -f "$out"/.*.csv
echo
echo ">>> $(echo $names | wc -w) tables in $out/*.csv, charts in $out/*.png (log: $log)"
