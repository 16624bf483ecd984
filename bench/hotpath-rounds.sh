#!/bin/sh
# tlbcost rounds for the hot-path cost (series v2, finding 11): run in the
# guest, e.g. scripts/vm -p 2 -q -a bench/hotpath-rounds.sh:/hot.sh -- sh /hot.sh
# 5 interleaved rounds in one boot: 64 pages with 1 busy sibling, full-page
# writes and one byte per page; then one page, no sibling (tlb_flush2 shape)
for r in 1 2 3 4 5; do
  echo "## round $r w4096"
  tlbcost -c -n 2000 -k 64 -w 4096 -s 1 -m none,free,lazyfree+reuse,dontneed
  echo "## round $r w1"
  tlbcost -c -n 3000 -k 64 -w 1 -s 1 -m none,free,lazyfree+reuse,dontneed
  echo "## round $r k1"
  tlbcost -c -n 20000 -k 1 -s 0 -m none,free,lazyfree+reuse,dontneed
done
