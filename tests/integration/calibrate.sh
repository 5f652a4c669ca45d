#!/usr/bin/env bash
# isakmp calibrate: a quick calibration writes a cost table that the
# cost.h loader reads back (through `calibrate --check`), with positive
# figures in a sensible order; the database gets the measurements; bad
# options exit 2 naming the option; a failed write leaves nothing behind.
#   bash tests/integration/calibrate.sh BUILD     (from the project root)
set -u
build=${1:-build}
isakmp=$build/bin/isakmp
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# ---- a quick run -------------------------------------------------------
"$isakmp" calibrate --quick --groups 2,14,19 --output "$dir/T" --db "$dir/r.db" \
    >"$dir/out" 2>"$dir/err"
rc=$?
check "calibrate --quick exits 0" test "$rc" -eq 0
[ $rc -eq 0 ] || sed 's/^/# /' "$dir/err"
check "stdout notes the machine" grep -q "^# isakmp calibrate: .*, [0-9]* cores online" "$dir/out"
check "the output file exists" test -s "$dir/T"
check "no temporary file is left" test "$(ls "$dir" | grep -c '\.tmp\.')" -eq 0

# Read it back with the cost.h loader.
"$isakmp" calibrate --check "$dir/T" >"$dir/check" 2>"$dir/check.err"
check "the cost.h loader reads the file back (--check exits 0)" test $? -eq 0
entries=$(grep -vc '^#' "$dir/check")
check "the file has entries ($entries)" test "$entries" -ge 15

# ns of an entry: kind group bits (empty when absent).
ns() { awk -v k="$1" -v g="$2" -v b="$3" '$1==k && $2==g && $3==b {print $4}' "$dir/check"; }
# ns of the entry of a DH kind and group with the most exponent bits (full).
dh_full() { awk -v k="$1" -v g="$2" '$1==k && $2==g && $3>m {m=$3; v=$4} END {print v}' "$dir/check"; }
dh_short() { awk -v k="$1" -v g="$2" '$1==k && $2==g && (m=="" || $3<m) {m=$3; v=$4} END {print v}' "$dir/check"; }

all_positive=1
while read -r kind group bits n; do
    case $kind in \#*) continue ;; esac
    [ "${n:-0}" -gt 0 ] 2>/dev/null || { all_positive=0; echo "# not positive: $kind $group $bits $n"; }
done <"$dir/check"
check "every figure is positive" test $all_positive -eq 1

for g in 2 14 19; do
    for k in dh-generate dh-compute; do
        check "$k group $g measured" test -n "$(dh_full $k $g)"
    done
done
c2=$(dh_full dh-compute 2) c14=$(dh_full dh-compute 14)
check "group 14 compute ($c14 ns) > group 2 compute ($c2 ns)" test "${c14:-0}" -gt "${c2:-0}"
s14=$(dh_short dh-compute 14)
check "group 14: short exponent ($s14 ns) < full ($c14 ns)" test "${s14:-0}" -lt "${c14:-0}"
g14=$(dh_full dh-generate 14) g2=$(dh_full dh-generate 2)
check "group 14 generate ($g14 ns) > group 2 generate ($g2 ns)" test "${g14:-0}" -gt "${g2:-0}"
check "group 3 (unsupported) has no entry" test -z "$(dh_full dh-compute 3)"
r1=$(ns rsa-sign 0 1024) r2=$(ns rsa-sign 0 2048) v2=$(ns rsa-verify 0 2048)
check "rsa-sign 2048 ($r2 ns) > rsa-sign 1024 ($r1 ns)" test "${r2:-0}" -gt "${r1:-0}"
check "rsa-verify 2048 ($v2 ns) < rsa-sign 2048 ($r2 ns)" test "${v2:-0}" -lt "${r2:-0}" -a "${v2:-0}" -gt 0
for k in prf cipher cookie; do
    check "$k has an entry" test -n "$(ns $k 0 0)"
done
# The table the file gives equals what stdout marked as in the table.
marked=$(grep -c ' \*$' "$dir/out")
check "stdout marks as many table entries as the file has ($marked)" test "$marked" -eq "$entries"

# ---- the database ------------------------------------------------------
if command -v sqlite3 >/dev/null; then
    rows=$(sqlite3 "$dir/r.db" "SELECT count(*) FROM calibration WHERE in_cost_table = 1" 2>&1)
    check "database: $rows table rows = $entries file entries" test "$rows" = "$entries"
    bad=$(sqlite3 "$dir/r.db" "SELECT count(*) FROM calibration WHERE median_ns <= 0 OR min_ns > median_ns OR median_ns > max_ns OR samples < 3" 2>&1)
    check "database: medians positive, min <= median <= max, >= 3 samples" test "$bad" = "0"
    cpu=$(sqlite3 "$dir/r.db" "SELECT cpu_model || ',' || cores FROM calibration_runs" 2>&1)
    check "database: the run notes the machine ($cpu)" test -n "$cpu"
    db14=$(sqlite3 "$dir/r.db" "SELECT median_ns FROM calibration WHERE kind='dh-compute' AND dh_group=14 AND exp_policy='full'")
    check "database and file agree (group 14 compute)" test "$db14" = "$c14"
else
    ok "database checks # SKIP no sqlite3 shell"
fi

# ---- bad options: exit 2, the message names the option -----------------
bad_option() { # expected-word, args...
    local word=$1; shift
    "$isakmp" calibrate "$@" >"$dir/bo.out" 2>"$dir/bo.err"
    local rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$word" "$dir/bo.err"; then
        ok "calibrate $* -> exit 2 naming $word"
    else
        not_ok "calibrate $* -> exit 2 naming $word (got $rc: $(head -1 "$dir/bo.err"))"
    fi
}
bad_option --budget --budget abc
bad_option --budget --budget -1
bad_option --budget --budget
bad_option --groups --groups 3
bad_option --groups --groups 2,,14
bad_option --groups --groups=x
bad_option --groups --groups 2,14,2
bad_option --rsa --rsa 100
bad_option --frobnicate --frobnicate
bad_option --check --check "$dir/T" --quick

# ---- failures leave nothing half-written --------------------------------
"$isakmp" calibrate --quick --groups 2 --rsa none --output "$dir/missing/T" >/dev/null 2>"$dir/e1"
rc=$?
check "output in a missing directory: exit 1 with a message" test $rc -eq 1 -a -s "$dir/e1"
check "... and no file" test ! -e "$dir/missing"

mkdir "$dir/adir"
before=$(ls -A "$dir" | sort | tr '\n' ' ')
"$isakmp" calibrate --quick --groups 2 --rsa none --output "$dir/adir" >/dev/null 2>"$dir/e2"
rc=$?
after=$(ls -A "$dir" | grep -v '^e2$' | sort | tr '\n' ' ')
check "output path is a directory: exit 1 ($(head -1 "$dir/e2"))" test $rc -eq 1
check "... no partial or temporary file left" test "$before" = "$after"
check "... the directory is untouched" test -z "$(ls -A "$dir/adir")"

printf 'dh-compute 14 2048 1000\nbogus line here\n' >"$dir/broken"
"$isakmp" calibrate --check "$dir/broken" >/dev/null 2>"$dir/e3"
rc=$?
check "--check of a broken table: exit 1 naming file:line ($(head -1 "$dir/e3"))" \
    test $rc -eq 1 -a -n "$(grep -F "$dir/broken:2" "$dir/e3")"

exit $((fails > 0))
