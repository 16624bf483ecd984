#!/bin/bash
# bench.sh [full|short] : run guest/bench-suite in one boot of the guest and
# print its tables.
#   make bench    full: every benchmark at full length; results/NAME.csv,
#                 charts results/NAME.png (gnuplot), and docs/results.md
#                 rewritten: the tables with what they show
#   make run      short: fewer cycles and seconds, the same tables, printed
#                 only (and kept in results/short/); docs/results.md and
#                 results/*.csv are left alone
#
# The machine the figures come from is read from the run's own log, as the
# guest printed it before its tables (### accel, ### cpus, ### kernel):
# scripts/vm chooses the accelerator and tells the guest which one it really
# booted with (lazyfree.accel= on the kernel command line). Nothing here
# probes it again. Under TCG the times are emulated and comparable only
# within the run; the counts are exact either way.
#
# Environment:
#   BENCH_LOG=FILE   no boot: take the tables from FILE, the log of an
#                    earlier run (results/bench-full.log), e.g. to redo the
#                    CSVs, charts and docs/results.md from it
#   BENCH_CPUS=N     vCPUs to boot with (default 4)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mode=${1:-full}
case "$mode" in
full) out=results args=() ;;
short) out=results/short args=(short) ;;
*) echo "usage: $0 [full|short]" >&2; exit 2 ;;
esac
doc=docs/results.md
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lazyfree-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ -n "${BENCH_LOG:-}" ]; then
	log=$BENCH_LOG
	[ -r "$log" ] || { echo "bench: BENCH_LOG=$log: cannot read it" >&2; exit 2; }
	echo ">>> bench: the $mode tables from $log (no boot)"
else
	log=$out/bench-$mode.log
	cpus=${BENCH_CPUS:-4}
	echo ">>> booting the guest ($cpus vCPUs) for the $mode benchmarks"
	# The host's side of the record; the guest adds its own lines.
	{
		echo "### date $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "### host-cpus $(nproc)"
		echo "### qemu $(qemu-system-x86_64 --version 2>/dev/null | head -n 1)"
		scripts/vm -q -p "$cpus" -t 3600 -- /lazyfree/bin/bench-suite "${args[@]}"
	} >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "bench: the guest run failed (rc=$rc); see $log" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
fi
# The guest's console may end lines with CR LF.
tr -d '\r' <"$log" >"$tmp/log"

# What the run was measured on, from its log only.
meta() { sed -n "s/^### $1 //p" "$tmp/log" | head -n 1; }
accel=$(meta accel) cpus=$(meta cpus) kernel=$(meta kernel)
when=$(meta date) hostcpus=$(meta host-cpus) qemu=$(meta qemu)
[ -n "$when" ] || when=$(date -u -r "$log" '+%Y-%m-%d %H:%M UTC (the log file)')
[ -n "$cpus" ] || cpus=unknown
[ -n "$kernel" ] || kernel=unknown
vcpus="$cpus vCPUs${hostcpus:+ on $hostcpus host CPUs}"
case "$accel" in
kvm) how="KVM, $vcpus" ;;
tcg) how="QEMU TCG, $vcpus: times emulated, comparable only within this run" ;;
*) accel=unknown
   how="accelerator unknown, $vcpus: compare times only within this run" ;;
esac
echo ">>> measured on: $how; guest kernel $kernel"
if [ "$accel" = unknown ]; then
	echo "bench: the log has no '### accel' line (a guest image older than" \
	     "guest/bench-suite? make image)" >&2
fi

# Split the "### csv NAME" ... "### end" blocks into $out/NAME.csv, with two
# more columns on every row: the accelerator and the vCPUs. A block's first
# line with a comma is its header; a line with another number of fields
# (a program's message on stderr) is not data, and is shown instead.
mkdir "$tmp/csv"
names=$(awk -F, -v dir="$tmp/csv" -v accel="$accel" -v cpus="$cpus" '
	/^### csv / { name = $0; sub(/^### csv /, "", name); file = dir "/" name ".csv"
		      f = 1; nf = 0; print name; next }
	/^### end/ { if (f && nf) close(file); f = 0; next }
	!f { next }
	nf == 0 && NF > 1 { nf = NF; print $0 ",accel,vcpus" > file; next }
	nf > 0 && NF == nf { print $0 "," accel "," cpus > file; next }
	NF > 0 { print "bench: " name ": " $0 > "/dev/stderr" }' "$tmp/log")
if [ -z "$names" ]; then
	echo "bench: no table in $log" >&2
	tail -n 20 "$tmp/log" >&2
	exit 1
fi
# This run's tables replace the last run's, charts included.
rm -f "$out"/*.csv "$out"/*.png
mv "$tmp"/csv/*.csv "$out"/ 2>/dev/null

# The displayed form of a table: the named columns of its CSV, retitled,
# as CSV (empty cells shown as "-").
pick() {	# NAME COLUMN=TITLE...
	local f=$out/$1.csv spec
	shift
	spec=$(printf '%s|' "$@")
	awk -F, -v OFS=, -v spec="${spec%|}" '
	NR == 1 {
		n = split(spec, s, "|")
		for (i = 1; i <= NF; i++)
			col[$i] = i
		for (i = 1; i <= n; i++) {
			eq = index(s[i], "=")
			src[i] = col[substr(s[i], 1, eq - 1)]
			printf "%s%s", substr(s[i], eq + 1), (i < n ? OFS : ORS)
		}
		next
	}
	{
		for (i = 1; i <= n; i++) {
			v = src[i] ? $src[i] : ""
			printf "%s%s", (v == "" ? "-" : v), (i < n ? OFS : ORS)
		}
	}' "$f"
}
# ebizzy: one line per configuration, without and with memory pressure.
ebizzy_view() {
	awk -F, -v OFS=, '
	function cell(v) { return v == "" ? "-" : v }
	NR == 1 {
		for (i = 1; i <= NF; i++)
			c[$i] = i
		print "config", "records/s", "shootdowns", "faults", "P: records/s",
		      "P: shootdowns", "P: faults", "P: discarded"
		next
	}
	{
		k = $c["config"]
		if (!(k in seen)) { seen[k] = 1; order[n++] = k }
		v = cell($c["records_per_s"]) OFS cell($c["shootdowns"]) OFS cell($c["faults"])
		if ($c["pressure_ms"] + 0 == 0)
			plain[k] = v
		else
			press[k] = v OFS cell($c["discarded_pages"])
	}
	END {
		for (i = 0; i < n; i++) {
			k = order[i]
			print k, (k in plain ? plain[k] : "-,-,-"), (k in press ? press[k] : "-,-,-,-")
		}
	}' "$out/ebizzy.csv"
}
# The per-round tables (guest/bench-allocators, guest/bench-redis) summed up by
# bench/rounds-summary.py: one line per configuration, medians with their
# range, each rate also as a ratio to never giving memory back, round by
# round.
summary() {	# NAME
	local kind=allocators
	case "$1" in
	allocators-memcg) kind=memcg ;;
	redis) kind=redis ;;
	esac
	python3 bench/rounds-summary.py "$kind" "$out/$1.csv"
}
view() {	# NAME
	case "$1" in
	tlbcost) pick "$1" mode=mode siblings=siblings \
		shootdowns_per_cycle=shootdowns/cycle faults_per_cycle=faults/cycle \
		time_vs_none=time/none ;;
	tlbcost-1page) pick "$1" mode=mode siblings=siblings \
		shootdowns_per_cycle=shootdowns/loop faults_per_cycle=faults/loop \
		time_vs_none=time/none ;;
	tlbcost-huge) pick "$1" mode=mode siblings=siblings \
		shootdowns_per_cycle=shootdowns/cycle faults_per_cycle=faults/cycle \
		splits_per_cycle=splits/cycle time_vs_none=time/none ;;
	tlbcost-batch) pick "$1" mode=mode siblings=siblings \
		syscalls_per_cycle=syscalls/cycle shootdowns_per_cycle=shootdowns/cycle \
		faults_per_cycle=faults/cycle time_vs_none=time/none ;;
	ebizzy) ebizzy_view ;;
	allocators-memcg) summary "$1" | awk -F, -v OFS=, '
		NR == 1 { print "allocator", "library", "mode", "limit MiB",
			  "processes done", "OOM kills", "records/s (min-max)",
			  "bursts", "pages swapped out", "peak MiB"; next }
		{ print $1, $2, $3, $5, $6, $7, $8 " (" $9 "-" $10 ")", $11, $12,
			sprintf("%.0f", $13 / 1024) }' ;;
	allocators*) summary "$1" | awk -F, -v OFS=, '
		# the display: the rate with its range, the ratio with its range
		NR == 1 { print "allocator", "library", "mode", "records/s (min-max)",
			  "vs never (min-max)", "sys share", "sys us/record", "shootdowns/s",
			  "faults/s", "RSS MiB", "lazily freed MiB"; next }
		{ print $1, $2, $3, $6 " (" $7 "-" $8 ")", $9 " (" $10 "-" $11 ")", $12,
			$17, $13, $14, sprintf("%.1f", $15 / 1024), sprintf("%.1f", $16 / 1024) }' ;;
	redis) summary "$1" | awk -F, -v OFS=, '
		NR == 1 { print "config", "requests/s (min-max)", "vs never (min-max)",
			  "sys share", "sys us/req", "shootdowns/req", "faults/req", "RSS MiB",
			  "lazily freed MiB"; next }
		{ print $1, $3 " (" $4 "-" $5 ")", $6 " (" $7 "-" $8 ")", $9, $14, $10, $11,
			sprintf("%.1f", $12 / 1024), sprintf("%.1f", $13 / 1024) }' ;;
	redis-rss) echo "samples,$(($(wc -l <"$out/$1.csv") - 1)) (see the chart)" ;;
	reclaim) pick "$1" mode=mode "mib_discarded=MiB disc." \
		"ipis_give_back=IPIs give" "ipis_discard=IPIs disc." \
		ipis_per_mib=IPIs/MiB "lazyfree_ipis_sent=lf sent" \
		"lazyfree_ipis_avoided=lf avoided" ;;
	*) cat "$out/$1.csv" ;;
	esac
}
title() {	# NAME
	case "$1" in
	tlbcost) echo "tlbcost: 16 pages written, given back and taken back per cycle" ;;
	tlbcost-1page) echo "tlbcost -k 1: will-it-scale tlb_flush2 shape, one page per loop" ;;
	tlbcost-huge) echo "tlbcost -H: one 2 MiB THP written, given back and taken back per cycle" ;;
	tlbcost-batch) echo "tlbcost -b 64: 64 one-page ranges per cycle, per-range calls or one vector" ;;
	ebizzy) echo "ebizzy: without and with memory pressure (P: memory.reclaim every 20 ms)" ;;
	reclaim) echo "reclaim: IPIs to take back memory given back" ;;
	allocators) echo "allocators: ebizzy over Debian's and the patched jemalloc, mimalloc, tcmalloc (2 vCPUs, interleaved rounds)" ;;
	allocators-pressure) echo "allocators under memory pressure (memory.reclaim of 8 MiB every 20 ms)" ;;
	allocators-all-cpus) echo "allocators on every vCPU, one round: the counts" ;;
	allocators-memcg) echo "allocators: two processes bursting in turn in a memory cgroup that fits one burst" ;;
	redis) echo "redis: Debian's redis-server, stock libjemalloc against patched (2 vCPUs, interleaved rounds)" ;;
	redis-rss) echo "redis: RSS samples of the last round" ;;
	*) echo "$1" ;;
	esac
}

for name in $names; do
	[ -s "$out/$name.csv" ] || { echo "bench: the $name table is empty" >&2; continue; }
	echo
	echo "== $(title "$name") [$how]"
	view "$name" | column -t -s,
done

if [ "$mode" = short ]; then
	echo
	echo ">>> tables in $out/*.csv (log: $log)"
	exit 0
fi

# Charts, their titles saying where they were measured.
if command -v gnuplot >/dev/null; then
	case "$accel" in
	kvm) on="KVM, $cpus vCPUs" ;;
	tcg) on="QEMU TCG, $cpus vCPUs" ;;
	*) on="accelerator unknown, $cpus vCPUs" ;;
	esac
	gp() {	# NAME SIZE TITLE: gnuplot, a chart's preamble, then stdin
		{ printf 'set terminal pngcairo size %s noenhanced\n' "$2"
		  printf 'set output "%s"\nset datafile separator ","\n' "$out/$1.png"
		  printf 'set title "%s"\n' "$3"
		  cat; } | gnuplot || echo "bench: gnuplot failed on $1" >&2
	}
	plot() {	# NAME TITLE YLABEL CSV COLUMN
		[ -s "$4" ] || return 0
		gp "$1" 1000,500 "$2" <<EOF
set ylabel "$3"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -30
set key off
set grid ytics
set yrange [0:*]
set rmargin 12
plot "$4" every ::1 using $5:xtic(1)
EOF
	}
	if [ -s "$out/tlbcost.csv" ]; then
		awk -F, 'NR == 1 || $2 == 3' "$out/tlbcost.csv" >"$tmp/tlbcost3.csv"
		plot tlbcost "tlbcost, 3 busy siblings: TLB shootdowns per cycle ($on)" \
			"shootdowns/cycle" "$tmp/tlbcost3.csv" 5
	fi
	if [ -s "$out/ebizzy.csv" ]; then
		awk -F, 'NR == 1 || $6 == 0' "$out/ebizzy.csv" >"$tmp/ebizzy0.csv"
		awk -F, 'NR == 1 || $6 != 0' "$out/ebizzy.csv" >"$tmp/ebizzyP.csv"
		t=$on; [ "$accel" = kvm ] || t="$on: emulated, compare within this run only"
		plot ebizzy "ebizzy records/s, no memory pressure ($t)" "records/s" \
			"$tmp/ebizzy0.csv" 7
		plot ebizzy-pressure "ebizzy records/s, memory.reclaim every 20 ms ($t)" \
			"records/s" "$tmp/ebizzyP.csv" 7
	fi
	plot reclaim "reclaim: TLB shootdown IPIs per MiB discarded ($on)" "IPIs/MiB" \
		"$out/reclaim.csv" 6
	# Footprint against throughput: one point per allocator, library and
	# mode; the memory the system cannot take back (mean RSS, which lazily
	# freed pages have left) across, the records/s as a ratio to never
	# giving memory back (same allocator, same round) up.
	if [ -s "$out/allocators.csv" ]; then
		summary allocators >"$tmp/as.csv"
		gp allocators 1100,650 \
			"ebizzy: throughput against footprint, stock and patched allocators ($on, pinned to 2)" <<EOF
set xlabel "footprint: mean RSS during the run, MiB (lazily freed memory is not in it)"
set ylabel "records/s / records/s never giving back (median of rounds)"
set grid
set key outside right
set yrange [0:1.3]
set offsets 0.3, 0.3, 0, 0
plot for [a in "jemalloc mimalloc tcmalloc"] for [l in "stock patched"] "$tmp/as.csv" every ::1 \
	using (strcol(1) eq a && strcol(2) eq l ? \$15/1024 : NaN):9 \
	with points pt (l eq "stock" ? 6 : 7) ps 1.6 \
	lc (a eq "jemalloc" ? 1 : a eq "mimalloc" ? 2 : 3) title a." ".l, \
     "$tmp/as.csv" every ::1 using (\$15/1024):9:3 with labels offset char 0,0.9 \
	font ",8" notitle
EOF
	fi
	if [ -s "$out/redis-rss.csv" ]; then
		cfgs=$(awk -F, 'NR > 1 && !s[$1]++ { printf "%s ", $1 }' "$out/redis-rss.csv")
		gp redis-rss 1000,500 \
			"redis-server under redis-benchmark: RSS over the last round ($on, pinned to 2)" <<EOF
set xlabel "ms"
set ylabel "VmRSS, MiB"
set grid
set key outside right
plot for [c in "$cfgs"] "$out/redis-rss.csv" every ::1 \
	using (strcol(1) eq c ? \$2 : NaN):(\$3/1024) with lines lw 2 title c
EOF
	fi
else
	echo "bench: gnuplot missing: no charts" >&2
fi

# docs/results.md: the tables with what they show. The text lives here; the
# file is rewritten whole by every make bench.
md_table() {	# display CSV on stdin: an aligned markdown table
	awk -F, '
	{
		for (i = 1; i <= NF; i++) {
			cell[NR, i] = $i
			if (length($i) > w[i])
				w[i] = length($i)
		}
		if (NF > nf)
			nf = NF
	}
	END {
		for (r = 1; r <= NR; r++) {
			line = "|"
			for (i = 1; i <= nf; i++)
				line = line " " sprintf((i == 1 ? "%-" : "%") (w[i] < 3 ? 3 : w[i]) "s", cell[r, i]) " |"
			print line
			if (r > 1)
				continue
			line = "|"
			for (i = 1; i <= nf; i++) {
				d = sprintf("%" (w[i] < 3 ? 3 : w[i]) "s", "")
				gsub(/ /, "-", d)
				line = line " " (i == 1 ? d : substr(d, 2) ":") " |"
			}
			print line
		}
	}'
}
has() { [ -s "$out/$1.csv" ]; }
table_md() {	# NAME
	echo
	view "$1" | md_table
	local png alt first=1
	for png in "$1" "$1-pressure"; do
		[ -f "$out/$png.png" ] || continue
		case "$png" in
		tlbcost) alt="tlbcost, 3 busy siblings: TLB shootdowns per cycle" ;;
		ebizzy) alt="ebizzy records/s, no memory pressure" ;;
		ebizzy-pressure) alt="ebizzy records/s, memory.reclaim every 20 ms" ;;
		reclaim) alt="reclaim: TLB shootdown IPIs per MiB discarded" ;;
		*) alt=$png ;;
		esac
		[ $first -eq 1 ] && echo
		first=0
		echo "![$alt](charts/$png.png)"
	done
}
# Prose, refilled to 76 columns (the computed sentences are long); blank
# lines separate paragraphs.
para() {
	awk '
	function flush() { if (line != "") print line; line = "" }
	NF == 0 { flush(); print; next }
	{
		for (i = 1; i <= NF; i++) {
			# (a word that would read as a list item or a heading
			# at the start of a line stays on this one)
			if (line != "" && length(line) + 1 + length($i) > 76 &&
			    $i !~ /^([0-9]+[.)]|[-+*#>]+)$/)
				flush()
			line = line == "" ? $i : line " " $i
		}
	}
	END { flush() }'
}
# The eager jemalloc rows compared, from ebizzy.csv.
ebizzy_eager() {
	awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		k = $c["config"] ($c["pressure_ms"] + 0 ? "/P" : "")
		r[k] = $c["records_per_s"]; s[k] = $c["shootdowns"]
		f[k] = $c["faults"]; d[k] = $c["discarded_pages"]
	}
	END {
		h = "jemalloc-eager-lazyfree-hooks"; b = "jemalloc-eager-dontneed"
		if (r[h] == "" || r[b] + 0 <= 0)
			exit
		printf "In this run: %.1f times the records/s of `MADV_DONTNEED` (%s against %s) with %s shootdowns instead of %s and %s faults instead of %s",
			r[h] / r[b], r[h], r[b], s[h], s[b], f[h], f[b]
		if (r[h "/P"] != "" && r[b "/P"] + 0 > 0)
			printf "; under pressure, %.1f times (%s against %s), the kernel discarding %s pages meanwhile, with %s shootdowns",
				r[h "/P"] / r[b "/P"], r[h "/P"], r[b "/P"], d[h "/P"], s[h "/P"]
		print "."
	}' "$out/ebizzy.csv"
}
# The allocators' load, from its CSV.
alloc_load() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		 { printf "%s threads, %s chunks of %d KiB, %s s per run", $c["threads"],
			 $c["chunks"], $c["chunk_bytes"] / 1024, $c["seconds"]; exit }' \
		"$out/allocators.csv"
}
# Per allocator: patched eager against stock eager and against never.
alloc_compare() {	# NAME
	summary "$1" | awk -F, '
	NR == 1 { next }
	{ k = $1 "/" $2 "/" $3; r[k] = $6; v[k] = $9; sd[k] = $13; f[k] = $14 }
	END {
		n = split("jemalloc mimalloc tcmalloc", a, " ")
		for (i = 1; i <= n; i++) {
			p = a[i] "/patched/eager"; q = a[i] "/stock/eager"
			if (!(p in r) || !(q in r) || r[q] + 0 <= 0)
				continue
			printf "%s%s, eager: patched %s records/s, %.1f times stock (%s), %s of never giving back; %s shootdowns/s against %s, %s faults/s against %s.",
				(out++ ? " " : "In this run: "), a[i], r[p], r[p] / r[q], r[q], v[p],
				sd[p], sd[q], f[p], f[q]
		}
		if (out)
			print ""
	}'
}
# The ebizzy load, from its CSV: threads, chunks and their size.
ebizzy_load() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		 { printf "%s threads, %s chunks of %d KiB", $c["threads"], $c["chunks"],
			 $c["chunk_bytes"] / 1024; exit }' "$out/ebizzy.csv"
}
case "$accel" in
tcg) accel_md="QEMU TCG (software emulation)"
     times_md="**Times are emulated.** The guest ran under QEMU TCG, $vcpus. The
time and rate columns (tlbcost's time/none, ebizzy's records/s) are
comparable only within this run: an IPI waits for its target vCPU's host
thread to be scheduled, which inflates it, enormously and noisily when the
vCPUs outnumber the host's CPUs. The counts (shootdowns, IPIs, faults,
discarded pages) are exact."
     time_col="Times and rates are emulated (see above); the counts are exact." ;;
kvm) accel_md="KVM"
     times_md="The guest ran under KVM, $vcpus: the times are those of a virtual
machine on real CPUs. The counts (shootdowns, IPIs, faults, discarded pages)
are exact."
     time_col="The counts are exact; the times and rates are KVM's." ;;
*) accel_md="unknown (the log has no \`### accel\` line)"
   times_md="**The run's log does not say which accelerator the guest ran
under**, so compare times only within this run. The counts (shootdowns,
IPIs, faults, discarded pages) are exact."
   time_col="Compare times only within this run; the counts are exact." ;;
esac
{
	cat <<EOF
<!-- Generated by scripts/bench.sh (make bench) from the run's log; the next
make bench rewrites this file whole: edit the text in scripts/bench.sh. -->
# Measured results

The tables of one \`make bench\`: one boot of the patched guest kernel, every
benchmark of \`guest/bench-suite\` run in it. The README says what the
benchmarks are and what the rows mean
([Allocators and the benchmarks](../README.md#allocators-and-the-benchmarks)).

| run | |
| --- | --- |
| date | $when |
| guest kernel | \`$kernel\` |
| vCPUs | $cpus |
| accelerator | $accel_md |
EOF
	[ -n "$hostcpus" ] && echo "| host CPUs | $hostcpus |"
	[ -n "$qemu" ] && echo "| QEMU | $qemu |"
	cat <<EOF
| produced by | \`make bench\` (\`scripts/bench.sh full\`), log \`$log\` |
| CSVs | \`$out/NAME.csv\` (with \`accel\` and \`vcpus\` columns); not in git |

EOF
	echo "$times_md" | para
	if has tlbcost; then
		para <<EOF

## tlbcost: the cost of giving memory back

\`bench/tlbcost\`: for each way of giving memory back, with 1 and 3 sibling
threads busy on other vCPUs, the TLB shootdowns and page faults per cycle
(write 16 pages, give them back, take them back) and the time as a ratio to
never giving memory back. \`free-lazy\` is \`MADV_FREE\` with the per-process
switch on; \`lazyfree+reuse\` gives the pages back with \`MADV_LAZYFREE\` and
takes them back with \`MADV_REUSE\`; \`lazyfree+fault\` takes them back by
touching them.
EOF
		table_md tlbcost
	fi
	if has tlbcost-1page; then
		para <<EOF

With one page per loop (will-it-scale's \`tlb_flush2\` shape, 3 siblings):
EOF
		table_md tlbcost-1page
	fi
	if has tlbcost || has tlbcost-1page; then
		para <<EOF

Every call of \`MADV_DONTNEED\` or \`MADV_FREE\` costs one shootdown IPI per busy
sibling, and \`MADV_DONTNEED\` also a fault per page on reuse; \`MADV_LAZYFREE\`
costs none, and with \`MADV_REUSE\` no fault either. \`MADV_FREE\` made lazy
keeps its flush (the README's
[MADV_FREE users without a code change](../README.md#madv_free-users-without-a-code-change)
says why) and adds a fault per page. $time_col
EOF
	fi
	if has tlbcost-huge; then
		para <<EOF

With one 2 MiB transparent huge page per cycle (\`tlbcost -H\`, THP on, 3
siblings), and the PMD splits per cycle (\`thp_split_pmd\`): \`MADV_FREE\`
keeps a whole huge page but flushes the siblings; \`MADV_LAZYFREE\` keeps it
whole and huge with no flush, and \`MADV_REUSE\` maps it back with no fault.
EOF
		table_md tlbcost-huge
	fi
	if has tlbcost-batch; then
		para <<EOF

Batched (\`tlbcost -b 64\`, 3 siblings): 64 one-page ranges written and
given back per cycle, with a call per range, or (\`-vec\`) with one
\`process_madvise()\` on the process itself for all of them.
EOF
		table_md tlbcost-batch
	fi
	if has ebizzy; then
		para <<EOF

## ebizzy: allocators giving memory back

\`bench/ebizzy\` over glibc, Debian's jemalloc 5.3 and mimalloc 2.0
($(ebizzy_load), 5 s each; the rows are explained in the README's
[Allocators and the benchmarks](../README.md#allocators-and-the-benchmarks)),
without and with memory pressure (the \`P:\` columns: \`memory.reclaim\` of
8 MiB every 20 ms).
EOF
		table_md ebizzy
		para <<EOF

When jemalloc gives memory back at every free (\`eager\`), compare
\`jemalloc-eager-lazyfree-hooks\` (\`MADV_LAZYFREE\`, taken back with
\`MADV_REUSE\`) with \`jemalloc-eager-dontneed\`. $(ebizzy_eager) Under
pressure the hooks pay some shootdowns: reclaim flushing CPUs that lag, and
the conservative flush that a pending reclaim batch forces on the next
\`MADV_REUSE\`. With jemalloc's decay, little is given back and the
allocators are close; under pressure \`MADV_FREE\` (\`jemalloc-decay-free\`)
pays for reclaim's flushes, which the switch (\`jemalloc-decay-free-switch\`)
removes and the hooks avoid altogether. mimalloc resetting every freed page
with \`MADV_FREE\` sends a shootdown per reset; the switch keeps them and adds
a fault per page reused, so it does not help an allocator that frees and
reuses at this rate: only \`MADV_LAZYFREE\` with \`MADV_REUSE\` at the point of
reuse removes the flush. The seed's vrange table (jemalloc 3, 52,389 against
203,414 records/s) measured the eager regime on real hardware. $time_col
EOF
	fi
	if has reclaim; then
		para <<EOF

## reclaim: taking the memory back

\`bench/reclaim\` shows the other half: what it costs the kernel to take the
memory back. It gives 32 MiB back, then squeezes its own memory cgroup
(\`memory.reclaim\`) until all of it is discarded, with 3 sibling threads
either spinning in user space or ping-ponging in pairs through a pipe
(context switches between threads of the process). Counts only.
EOF
		table_md reclaim
		para <<EOF

Reclaim of \`MADV_FREE\` pages flushes every sibling once per batch of pages;
reclaim of lazily freed pages flushes only a CPU that has not caught up with
the range's TLB generation: each spinning sibling once for the whole range,
and the switching siblings mostly not at all (a CPU caught in the middle of
a switch is flushed, to be safe). \`free-lazy\` (\`MADV_FREE\` with the switch)
flushes at the call as \`MADV_FREE\` does, every CPU that runs the process
then being caught up, and its discards send none.
EOF
	fi
	if has allocators; then
		para <<EOF

## Allocators: Debian's and the patched ones

\`guest/bench-allocators\`: one program (\`bench/ebizzy\`, dynamic, $(alloc_load))
over jemalloc 5.3, mimalloc 2.0 and tcmalloc 2.10 preloaded: each as Debian
ships it (\`stock\`) and built from Debian's source with the patch in
\`allocators/\` and its switch on (\`patched\`), in the modes an allocator
gives memory back (\`never\`, \`decay\`, \`eager\`; the README's
[The patched allocators](../README.md#the-patched-allocators) gives each
setting). Every configuration ran once per round, the rounds interleaved,
on 2 vCPUs; the records/s are the median of the rounds with their range,
and \`vs never\` the ratio to the same allocator never giving memory back,
taken round by round. \`sys share\` is system time over user plus system
time, \`sys us/record\` the system time per loop; shootdowns and faults are
per second (in this loop every fault maps a page the kernel zeroed: the
faults are the pages zeroed); RSS is the mean of VmRSS sampled every 50 ms,
which lazily freed memory has left (the last column).
EOF
		table_md allocators
		para <<EOF

$(alloc_compare allocators) $time_col
EOF
	fi
	if has allocators-pressure; then
		para <<EOF

The same under memory pressure (\`memory.reclaim\` of 8 MiB every 20 ms):
EOF
		table_md allocators-pressure
	fi
	if has allocators-all-cpus; then
		para <<EOF

One round without pinning, the counts with every vCPU running the
process's threads:
EOF
		table_md allocators-all-cpus
	fi
	if has allocators-memcg; then
		para <<EOF

Footprint decides whether programs fit: two such processes in one memory
cgroup of the size given, each allocating a burst (48 MiB) and freeing it,
never both at once, with zram swap set up for the run. What an allocator
keeps after a burst is what the other process needs for its own: memory
never given back is swapped out (or, without swap, the OOM killer is
called), memory given back with \`MADV_DONTNEED\` or lazily freed is not.
EOF
		table_md allocators-memcg
	fi
	if has redis; then
		para <<EOF

## redis: a real server, stock library against patched

\`guest/bench-redis\`: Debian's \`redis-server\` 7.0 (linked against Debian's
\`libjemalloc.so.2\`, not rebuilt) under \`redis-benchmark\`: SET of 256 KiB
values over 64 keys, each request freeing the value it replaces. The rows
differ only in \`LD_LIBRARY_PATH\` (the patched library first) and
\`MALLOC_CONF\`; each ran once per round, interleaved, server and client
on 2 vCPUs. Shootdowns and faults are per request; RSS as above.
EOF
		table_md redis
		[ -f "$out/redis-rss.png" ] &&
			printf '\n![redis-server RSS over the last round](charts/redis-rss.png)\n'
	fi
} >"$tmp/results.md"
mkdir -p "$(dirname "$doc")"
mv "$tmp/results.md" "$doc"
# The charts beside it, in git (results/ is not): docs/charts/NAME.png.
rm -rf "$(dirname "$doc")/charts"
mkdir -p "$(dirname "$doc")/charts"
cp "$out"/*.png "$(dirname "$doc")/charts/" 2>/dev/null
echo
charts=$(find "$out" -maxdepth 1 -name '*.png' | wc -l)
echo ">>> $(echo "$names" | wc -w) tables in $out/*.csv, $charts charts in $out/*.png," \
     "$doc rewritten (log: $log)"
