#!/usr/bin/env bash
# isakmp sweep + isakmp plot end to end with the real simulator: a small
# sweep (tests/integration/sweep/real.cfg: 2 DH groups x 2 link delays x
# 3 replications = 12 runs of `isakmp run`) into one database, resumed
# without rerunning anything, summarised, and drawn by `isakmp plot` as
# PNG and SVG (success rate, latency, DH cost) with captions.
#   bash tests/integration/sweep_real.sh BUILD    (from the project root)
set -u
build=${1:-build}
isakmp=$PWD/$build/bin/isakmp
cfg=$PWD/tests/integration/sweep/real.cfg
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
q()      { sqlite3 -batch "$1" "$2"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if ! "$isakmp" run --help >/dev/null 2>&1; then
    echo "ok - real sweep end to end # SKIP isakmp run not in this build"
    exit 0
fi

"$isakmp" sweep "$cfg" --out "$dir/s" -j 2 2>"$dir/err"
rc=$?
check "the real sweep exits 0" test $rc -eq 0
[ $rc -eq 0 ] || { sed 's/^/# /' "$dir/err"; cat "$dir/s/logs/"*.log | head -20 | sed 's/^/# /'; }
db=$dir/s/results.db
check "12 runs, all completed" test "$(q "$db" "SELECT COUNT(*) FROM runs WHERE status = 'completed'")" -eq 12
check "one run per (parameters, replication)" \
    test "$(q "$db" "SELECT COUNT(DISTINCT parameters || '|' || replication) FROM runs")" -eq 12
check "4 parameter points x 3 replications" \
    test "$(q "$db" "SELECT COUNT(DISTINCT parameters) || 'x' || COUNT(DISTINCT replication) FROM runs")" = 4x3
check "runs vary the run number (1..3), keep the seed (3)" \
    test "$(q "$db" "SELECT group_concat(DISTINCT run_number) || '/' || group_concat(DISTINCT seed) FROM (SELECT * FROM runs ORDER BY run_number)")" = "1,2,3/3"
check "point and replication recorded" \
    test "$(q "$db" "SELECT COUNT(*) FROM runs WHERE point BETWEEN 0 AND 3 AND replication = run_number - 1")" -eq 12
check "the overrides took effect: both DH groups were computed" \
    test "$(q "$db" "SELECT COUNT(DISTINCT dh_group) FROM crypto_ops WHERE kind = 'dh-compute'")" -eq 2
check "every run has phase-1 exchanges" \
    test "$(q "$db" "SELECT COUNT(DISTINCT run_id) FROM exchanges WHERE phase = 1")" -eq 12
check "replications differ (random streams vary with the run number)" \
    test "$(q "$db" "SELECT COUNT(DISTINCT (SELECT SUM(end_ns) FROM exchanges x WHERE x.run_id = r.run_id)) FROM runs r")" -gt 4
"$isakmp" sweep "$cfg" --out "$dir/s" -j 2 2>"$dir/err2"
check "started again: nothing to run" grep -q "12 already done, 0 to run" "$dir/err2"
check "started again: still 12 runs" test "$(q "$db" "SELECT COUNT(*) FROM runs")" -eq 12
"$isakmp" sweep --summary "$db" --metric success_rate >"$dir/sum"
check "--summary: 4 points with success_rate" test "$(grep -c '^  success_rate ' "$dir/sum")" -eq 4

"$isakmp" plot "$db" --out "$dir/plots" >"$dir/plot.out" 2>"$dir/plot.err"
rc=$?
check "isakmp plot exits 0" test $rc -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$dir/plot.err"
for k in success-vs-param latency-vs-param dh-cost; do
    png=$dir/plots/sweep-real-$k.png svg=$dir/plots/sweep-real-$k.svg
    check "$k: a PNG" sh -c "file -b '$png' | grep -q '^PNG image data, 1000 x 600'"
    check "$k: an SVG" grep -q '<svg' "$svg"
    check "$k: the caption names scenario, seed and engine" \
        grep -q "scenario sweep-real, seed 3, engine $(q "$db" "SELECT engine_version FROM runs LIMIT 1")" "$svg"
    check "$k: error bars are 95% CI" grep -q "error bars: 95% CI (Student t)" "$svg"
done
check "success: the y axis is labelled with its unit" grep -q "phase-1 success rate (%)" "$dir/plots/sweep-real-success-vs-param.svg"
check "latency: the x axis names the parameter and unit" grep -q "links.lan.delay (s)" "$dir/plots/sweep-real-latency-vs-param.svg"
check "latency: one series per DH group" test "$(grep -c '^"group=modp' "$dir/plots/sweep-real-latency-vs-param.dat")" -eq 2
# the plotted points are the summary's means (ms = ns / 1e6)
want=$(q "$db" "SELECT printf('%.4f', mean / 1e6) FROM point_summary WHERE metric = 'latency_mean_ns' AND parameters LIKE '%modp1024%0.02}'")
got=$(awk '/modp1024/ {b = 1; next} b && $1 == "0.02" {printf "%.4f", $2; exit}' "$dir/plots/sweep-real-latency-vs-param.dat")
check "latency: the plotted mean is the summary's ($got ms)" test -n "$want" -a "$want" = "$got"
"$isakmp" plot "$db" --kind nonsense >/dev/null 2>&1
check "an unknown --kind is a usage error" test $? -eq 2
"$isakmp" plot "$dir/nothing.db" >/dev/null 2>&1
check "a missing database fails" test $? -eq 1
exit $((fails > 0))
