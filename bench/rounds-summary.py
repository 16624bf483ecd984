#!/usr/bin/env python3
"""rounds-summary.py allocators|memcg|redis CSV: one line per configuration
from the per-round rows of guest/bench-allocators or guest/bench-redis.

Times are comparable only within a round (the rounds are interleaved), so
each rate is also divided by the rate of the configuration that never gives
memory back (stock/never of the same allocator and pressure; stock-never
for redis) in the same round, and the ratio's median, min and max are
printed beside the rate's. Counts are per second of the run (ebizzy) or
per request (redis), medians over the rounds; the footprint is the median
over the rounds of the mean RSS sampled during each run (KiB: VmRSS, which
lazily freed pages have left) and of the mean lazily freed."""
import csv
import statistics as st
import sys


def rows(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def mmm(xs, fmt):
    return [fmt % st.median(xs), fmt % min(xs), fmt % max(xs)]


def group(data, key):
    """The rows by configuration, in the order the configurations come."""
    groups = {}
    for r in data:
        groups.setdefault(key(r), []).append(r)
    return groups


def summary(data, key, base_of, rate, counts, scale, ops):
    byround = {(key(r), r['round']): r for r in data}
    out = []
    for k, rs in group(data, key).items():
        rates = [float(r[rate]) for r in rs]
        ratios = []
        for r in rs:
            b = byround.get((base_of(k), r['round']))
            if b and float(b[rate]) > 0:
                ratios.append(float(r[rate]) / float(b[rate]))
        line = list(k) + [str(len(rs))] + mmm(rates, '%.0f')
        line += mmm(ratios, '%.2f') if ratios else ['-', '-', '-']
        user = [float(r['user_s']) for r in rs]
        sys_ = [float(r['sys_s']) for r in rs]
        line.append('%.2f' % st.median(
            [s / (u + s) if u + s > 0 else 0 for u, s in zip(user, sys_)]))
        for c in counts:
            line.append('%.1f' % st.median([float(r[c]) / scale(r) for r in rs]))
        line.append('%.0f' % st.median([float(r['rss_kb_mean']) for r in rs]))
        line.append('%.0f' % st.median([float(r['lazyfree_kb_mean']) for r in rs]))
        # The kernel's time per operation, in microseconds.
        us = [float(r['sys_s']) * 1e6 / ops(r) for r in rs if ops(r) > 0]
        line.append('%.1f' % st.median(us) if us else '-')
        out.append(line)
    return out


def redis_requests(r):
    """The requests of a bench-redis run (0: a log without the column)."""
    return float(r.get('requests') or 0)


def main():
    what, path = sys.argv[1], sys.argv[2]
    data = rows(path)
    w = csv.writer(sys.stdout, lineterminator='\n')
    if what == 'allocators':
        def key(r):
            return (r['allocator'], r['library'], r['mode'], r['pressure_ms'])

        def base(k):
            return (k[0], 'stock', 'never', k[3])
        w.writerow(['allocator', 'library', 'mode', 'pressure_ms', 'rounds',
                    'records_per_s', 'min', 'max', 'vs_never', 'vs_min',
                    'vs_max', 'sys_share', 'shootdowns_per_s', 'faults_per_s',
                    'rss_kb', 'lazyfree_kb', 'sys_us_per_record'])
        # ebizzy prints the totals of a run: per second of it.
        w.writerows(summary(data, key, base, 'records_per_s',
                            ['shootdowns', 'faults'],
                            lambda r: float(r['seconds']),
                            lambda r: float(r['records_per_s']) *
                            float(r['seconds'])))
    elif what == 'redis':
        def key(r):
            return (r['config'],)

        def base(k):
            return ('stock-never',)
        w.writerow(['config', 'rounds', 'requests_per_s', 'min', 'max',
                    'vs_never', 'vs_min', 'vs_max', 'sys_share',
                    'shootdowns_per_req', 'faults_per_req', 'rss_kb',
                    'lazyfree_kb', 'sys_us_per_request'])
        w.writerows(summary(data, key, base, 'requests_per_s',
                            ['shootdowns_per_req', 'faults_per_req'],
                            lambda r: 1.0, redis_requests))
    elif what == 'memcg':
        # Two bursting processes in one memory cgroup: whether they fit.
        w.writerow(['allocator', 'library', 'mode', 'rounds', 'limit_mib',
                    'processes_done', 'oom_kills', 'records_per_s', 'min',
                    'max', 'bursts', 'swapped_out_pages', 'peak_kb'])
        for k, rs in group(data, lambda r: (r['allocator'], r['library'],
                                             r['mode'])).items():
            rec = [float(r['records_per_s']) for r in rs]
            w.writerow(list(k) + [len(rs), rs[0]['limit_mib'],
                       '%d/%d' % (sum(int(r['processes_done']) for r in rs),
                                  2 * len(rs)),
                       sum(int(r['oom_kills']) for r in rs)] +
                       mmm(rec, '%.0f') +
                       ['%.0f' % st.median(float(r[c]) for r in rs)
                        for c in ('bursts', 'swapped_out_pages', 'peak_kb')])
    else:
        sys.exit('usage: rounds-summary.py allocators|redis|memcg CSV')


if __name__ == '__main__':
    main()
