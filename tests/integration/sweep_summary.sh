#!/usr/bin/env bash
# isakmp sweep --summary: the per-point statistics (n, mean, standard
# deviation, 95% Student-t interval, median, p95) of a sweep's results
# agree with an independent computation from the raw rows
# (tests/integration/sweep/summary_check.py), as CSV and as a table.
#   bash tests/integration/sweep_summary.sh BUILD    (from the project root)
set -u
build=${1:-build}
isakmp=$PWD/$build/bin/isakmp
here=$PWD/tests/integration/sweep
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

FAKE_SLEEP=0 "$isakmp" sweep "$here/fake.cfg" --runner "$here/fake-runner.sh" --out "$dir/s" -j 2 2>/dev/null
check "fake sweep exits 0" test $? -eq 0
"$isakmp" sweep --summary "$dir/s/results.db" --csv >"$dir/sum.csv"
check "--summary --csv exits 0" test $? -eq 0
check "CSV header" test "$(head -1 "$dir/sum.csv")" = "scenario,parameters,metric,n,mean,stddev,ci95_low,ci95_high,median,p95"
python3 "$here/summary_check.py" "$dir/s/results.db" "$dir/sum.csv" >"$dir/check.out"
rc=$?
cat "$dir/check.out"
[ $rc -eq 0 ] || fails=$((fails + 1))

"$isakmp" sweep --summary "$dir/s/results.db" --metric success_rate >"$dir/sum.txt"
check "table: one block per point (20)" test "$(grep -c '^sweep-test  {' "$dir/sum.txt")" -eq 20
check "table: --metric keeps one metric" test "$(grep -c '^  success_rate ' "$dir/sum.txt")" -eq 20
check "table: no other metric" test "$(grep -c '^  latency' "$dir/sum.txt")" -eq 0
# the table shows the same mean as the CSV for the first point
m_csv=$(awk -F, 'NR > 1 && $NF != "" && /success_rate/ {print $(NF-5); exit}' "$dir/sum.csv")
m_txt=$(awk '/^  success_rate/ {print $3; exit}' "$dir/sum.txt")
check "table and CSV agree on a mean ($m_txt ~ $m_csv)" \
    python3 -c "import sys; sys.exit(abs(float('$m_txt') - float('$m_csv')) > 1e-5 * abs(float('$m_csv')))"
"$isakmp" sweep --summary "$dir/missing.db" >/dev/null 2>&1
check "a missing database fails" test $? -ne 0
exit $((fails > 0))
