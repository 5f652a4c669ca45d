#!/usr/bin/env bash
# isakmp plot on a fake sweep's database (tests/integration/sweep/): the
# numeric parameter is chosen for the x axis and the other makes the
# series; --x with a non-numeric parameter gives a categorical axis; a
# kind with no data fails cleanly; the data file holds the summary's
# figures.
#   bash tests/integration/plot_kinds.sh BUILD    (from the project root)
set -u
build=${1:-build}
isakmp=$PWD/$build/bin/isakmp
here=$PWD/tests/integration/sweep
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
q()      { sqlite3 -batch "$1" "$2"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

FAKE_SLEEP=0 "$isakmp" sweep "$here/fake.cfg" --runner "$here/fake-runner.sh" --out "$dir/s" -j 2 2>/dev/null
db=$dir/s/results.db
"$isakmp" plot "$db" >"$dir/out" 2>"$dir/err"
check "plot exits 0 (no DH data is not an error without --kind)" test $? -eq 0
check "default folder: next to the database" test -f "$dir/s/plots/sweep-test-success-vs-param.png"
check "4 files written (2 kinds x PNG, SVG)" test "$(wc -l <"$dir/out")" -eq 4
dat=$dir/s/plots/sweep-test-success-vs-param.dat
check "x = the numeric parameter (cores 1..4), one series per delay (5)" \
    test "$(grep -c '^"delay=' "$dat")" -eq 5 -a "$(grep -c '^[1-4] ' "$dat")" -eq 20
check "series in sweep order" test "$(grep '^"' "$dat" | tr -d '"\n')" = "delay=1msdelay=2msdelay=5msdelay=10msdelay=20ms"
# the first point's figures are the summary's, in percent
want=$(q "$db" "SELECT printf('%.6f %.6f %.6f', mean * 100, ci95_low * 100, ci95_high * 100) FROM point_summary
                WHERE metric = 'success_rate' AND parameters = '{\"nodes.bob.cores\": 3, \"links.lan.delay\": \"5ms\"}'")
got=$(awk '/"delay=5ms"/ {b = 1; next} b && $1 == 3 {printf "%.6f %.6f %.6f", $2, $3, $4; exit}' "$dat")
check "a plotted point = the summary's mean and 95% CI ($got)" test -n "$want" -a "$want" = "$got"

"$isakmp" plot "$db" --x links.lan.delay --kind latency-vs-param --out "$dir/cat" >/dev/null 2>"$dir/err"
check "--x with a text parameter: categorical axis" test $? -eq 0
check "... x labels are the values" grep -q '^0 .* 1ms$' "$dir/cat/sweep-test-latency-vs-param.dat"
check "... series per cores value (4)" test "$(grep -c '^"cores=' "$dir/cat/sweep-test-latency-vs-param.dat")" -eq 4
check "... a PNG" sh -c "file -b '$dir/cat/sweep-test-latency-vs-param.png' | grep -q PNG"

"$isakmp" plot "$db" --kind dh-cost --out "$dir/dh" >/dev/null 2>"$dir/err"
check "--kind dh-cost without DH data fails" test $? -eq 1
check "... saying so" grep -q "no Diffie-Hellman operation recorded" "$dir/err"
"$isakmp" plot "$db" --scenario nope >/dev/null 2>"$dir/err"
check "--scenario with no runs fails" test $? -eq 1
"$isakmp" plot "$db" --scripts "$dir/none" >/dev/null 2>"$dir/err"
check "a missing script folder fails, naming --scripts" grep -q -- "--scripts" "$dir/err"
exit $((fails > 0))
