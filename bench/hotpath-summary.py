#!/usr/bin/env python3
"""Ratios from the log of bench/hotpath-rounds.sh: for each shape, the
median and range over the rounds of each mode's cycle time over another's,
taken within the same round (times are comparable only within a round)."""
import re
import statistics as st
import sys

PAIRS = [('lazyfree+reuse', 'none'), ('free', 'none'), ('dontneed', 'none'),
         ('lazyfree+reuse', 'free'), ('lazyfree+reuse', 'dontneed')]

shapes, cur = {}, None
for line in open(sys.argv[1]):
    m = re.match(r'## round (\d+) (\S+)', line)
    if m:
        cur = (m.group(2), int(m.group(1)))
        continue
    f = line.strip().split(',')
    if cur and len(f) == 8 and f[0] != 'mode':
        shapes.setdefault(cur[0], {}).setdefault(cur[1], {})[f[0]] = float(f[6])
for shape, rounds in shapes.items():
    print(shape)
    for a, b in PAIRS:
        r = [x[a] / x[b] for x in rounds.values() if a in x and b in x]
        if r:
            print(f'  {a}/{b}: median {st.median(r):.2f} '
                  f'range {min(r):.2f}-{max(r):.2f} rounds {len(r)}')
