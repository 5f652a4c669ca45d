#!/usr/bin/env python3
"""Independent check of `isakmp sweep --summary DB --csv` (for
tests/integration/sweep_summary.sh): recompute, from the raw `exchanges`
rows with plain Python, each parameter point's n, mean, sample standard
deviation, 95% Student-t confidence interval, median and p95 (linear
interpolation, R type 7) of the per-run phase-1 success rate and mean
latency, and compare with the CSV.  The t quantile is found by numerical
integration of the t density, not from a table.
usage: summary_check.py DB SUMMARY.csv    prints ok/not ok lines."""
import csv
import math
import sqlite3
import statistics
import sys


def t_pdf(x, df):
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    return c * (1 + x * x / df) ** (-(df + 1) / 2)


def t_cdf_half(t, df, steps=4000):
    """integral of the density from 0 to t (Simpson)."""
    h = t / steps
    s = t_pdf(0, df) + t_pdf(t, df)
    for i in range(1, steps):
        s += (4 if i % 2 else 2) * t_pdf(i * h, df)
    return s * h / 3


def t975(df):
    lo, hi = 0.0, 100.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if t_cdf_half(mid, df) < 0.475:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def quantile7(xs, p):
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    i = int(math.floor(h))
    if i + 1 >= len(xs):
        return xs[-1]
    return xs[i] + (h - i) * (xs[i + 1] - xs[i])


def main():
    db, summary = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db)
    per_point = {}
    for run_id, scn, params in con.execute(
            "SELECT run_id, scenario, parameters FROM runs WHERE status = 'completed'"):
        rows = con.execute("SELECT outcome, start_ns, end_ns FROM exchanges "
                           "WHERE run_id = ? AND phase = 1", (run_id,)).fetchall()
        if not rows:
            continue
        done = [r for r in rows if r[0] == 'completed']
        m = per_point.setdefault((scn, params), {'success_rate': [], 'latency_mean_ns': []})
        m['success_rate'].append(len(done) / len(rows))
        if done:
            m['latency_mean_ns'].append(sum(e - s for _, s, e in done) / len(done))
    got = {}
    with open(summary) as f:
        for r in csv.DictReader(f):
            got[(r['scenario'], r['parameters'], r['metric'])] = r
    fails = checked = 0
    tcache = {}
    for (scn, params), metrics in sorted(per_point.items()):
        for metric, xs in metrics.items():
            row = got.get((scn, params, metric))
            if row is None:
                print(f"not ok - summary has {metric} of {params}")
                fails += 1
                continue
            n = len(xs)
            mean = statistics.fmean(xs)
            want = {'n': n, 'mean': mean, 'median': quantile7(xs, 0.5), 'p95': quantile7(xs, 0.95)}
            if n > 1:
                sd = statistics.stdev(xs)
                t = tcache.setdefault(n - 1, t975(n - 1))
                want.update(stddev=sd, ci95_low=mean - t * sd / math.sqrt(n),
                            ci95_high=mean + t * sd / math.sqrt(n))
            for k, v in want.items():
                g = float(row[k])
                # 5e-6 relative: the schema's t table has 7 significant digits
                if not math.isclose(g, v, rel_tol=5e-6, abs_tol=1e-9 * max(1.0, abs(mean))):
                    print(f"not ok - {params} {metric} {k}: summary {g}, independent {v}")
                    fails += 1
                checked += 1
    print(f"# {checked} figures of {len(per_point)} points compared")
    if checked == 0:
        print("not ok - nothing compared")
        fails += 1
    if fails == 0:
        print(f"ok - summary (n, mean, stddev, 95% CI, median, p95) matches an independent computation ({checked} figures)")
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
