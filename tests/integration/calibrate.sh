#!/usr/bin/env bash
# isakmp calibrate: a quick calibration writes a cost table that the
# cost.h loader reads back (through `calibrate --check`), with positive
# figures in a sensible order; the results database gets the measurements
# (calibrations, calibration_costs); bad options exit 2 naming the option;
# a failed write leaves nothing behind.  Then `isakmp run` into the same
# database records the cost table each run used (run_costs: the model, the
# calibration file, a node's overrides), the view cost_check sets charged
# beside measured and calibrated figures, and `isakmp sweep` carries
# run_costs into its merged database.
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
q() { sqlite3 -batch "$dir/r.db" "$1" 2>&1; }
if command -v sqlite3 >/dev/null; then
    rows=$(q "SELECT count(*) FROM calibration_costs WHERE in_cost_table = 1")
    check "database: $rows table rows = $entries file entries" test "$rows" = "$entries"
    bad=$(q "SELECT count(*) FROM calibration_costs WHERE median_ns <= 0 OR min_ns > median_ns OR median_ns > max_ns OR samples < 3")
    check "database: medians positive, min <= median <= max, >= 3 samples" test "$bad" = "0"
    cpu=$(q "SELECT cpu_model || ',' || cores || ',' || quick || ',' || cost_file FROM calibrations")
    check "database: one calibration, noting the machine and the file ($cpu)" \
        test "$cpu" = "$(sed -n 's/^# isakmp calibrate: \(.*\), \([0-9]*\) cores online/\1,\2/p' "$dir/out"),1,$dir/T"
    db14=$(q "SELECT median_ns FROM calibration_costs WHERE kind='dh-compute' AND dh_group=14 AND exp_policy='full'")
    check "database and file agree (group 14 compute)" test "$db14" = "$c14"
    # every entry of the file is a calibration_costs row of the table, same figure
    agree=$(awk '!/^#/ {printf "%s %s %s %s\n", $1, $2, $3, $4}' "$dir/check" | while read -r k g b n; do
        q "SELECT count(*) FROM calibration_costs WHERE in_cost_table = 1 AND kind = '$k' AND dh_group = $g AND bits = $b AND median_ns = $n"
    done | grep -c '^1$')
    check "database: every file entry is a calibration_costs row ($agree of $entries)" test "$agree" = "$entries"
    schema=$(q "SELECT count(*) FROM sqlite_master WHERE name IN ('runs','crypto_ops','run_costs','calibrations','calibration_costs','cost_check')")
    check "database: created with the whole results schema ($schema of 6 names)" test "$schema" = 6
    old=$(q "SELECT count(*) FROM calibration c JOIN calibration_runs r ON r.id = c.run_id WHERE c.median_ns > 0")
    check "database: the old names (views calibration, calibration_runs) still read ($old rows)" \
        test "$old" = "$(q "SELECT count(*) FROM calibration_costs")"
else
    ok "database checks # SKIP no sqlite3 shell"
fi

# ---- runs record their cost table -----------------------------------------
# Two hosts, one Main Mode (modp2048, full exponent) + Quick Mode; `$cost`
# is replaced by a cost_table line, `$bobcosts` by bob's overrides.
scenario() { # FILE COST-LINE BOB-EXTRA
    cat >"$1" <<EOS
name = "calibrate-costs";
seed = 1;
duration = "5s";
$2
policies = { lab = { mode = "main"; auth = "psk"; psk = "k";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; } );
  phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; keylen = 128; auth = "hmac-sha1"; } ); } ); }; };
nodes = {
  alice = { address = "10.0.0.1"; role = "initiator"; policy = "lab";
            initiate = { peer = "bob"; start = "100ms"; count = 1; quick_modes = 1; }; };
  bob   = { address = "10.0.0.2"; role = "responder"; policy = "lab"; $3 };
};
links = { lan = { type = "p2p"; nodes = ["alice", "bob"]; rate = "100Mbps"; delay = "1ms"; }; };
EOS
}
if command -v sqlite3 >/dev/null && "$isakmp" run --help >/dev/null 2>&1; then
    scenario "$dir/model.cfg" "" ""
    scenario "$dir/file.cfg" "cost_table = \"T\";" ""
    scenario "$dir/over.cfg" "cost_table = \"T\";" \
        'costs = ( { kind = "dh-compute"; group = "modp2048"; bits = 2047; cost = "7ms"; } );'
    for s in model file over; do
        timeout 120 "$isakmp" run "$dir/$s.cfg" --db "$dir/r.db" --out "$dir/o-$s" --quiet 2>"$dir/run-$s.err"
        rc=$?
        check "isakmp run ($s) into the calibration's database exits 0" test $rc -eq 0
        [ $rc -eq 0 ] || sed 's/^/# /' "$dir/run-$s.err"
    done
    id() { q "SELECT run_id FROM runs WHERE scenario_file LIKE '%/$1.cfg'"; }
    m=$(id model) f=$(id file) o=$(id over)
    # model: every row of the run's table is the built-in model's figure
    n=$(q "SELECT count(*) FROM run_costs WHERE run_id = $m")
    check "model run: run_costs lists the table ($n rows, all node '*')" \
        test "$n" -ge 40 -a "$(q "SELECT count(*) FROM run_costs WHERE run_id = $m AND node = '*' AND source = 'model' AND exact = 1")" = "$n"
    diff=$(q "SELECT count(*) FROM run_costs k JOIN calibration_costs c USING (kind, dh_group, bits)
              WHERE k.run_id = $m AND k.virtual_ns <> c.model_ns")
    same=$(q "SELECT count(*) FROM run_costs k JOIN calibration_costs c USING (kind, dh_group, bits) WHERE k.run_id = $m")
    check "model run: figures equal calibrate's model_ns ($same compared, $diff differ)" test "$same" -ge 10 -a "$diff" = 0
    # file: every calibrated table entry is charged as measured, from the file
    diff=$(q "SELECT count(*) FROM calibration_costs c LEFT JOIN run_costs k
                ON k.run_id = $f AND k.node = '*' AND k.kind = c.kind AND k.dh_group = c.dh_group AND k.bits = c.bits
              WHERE c.in_cost_table = 1 AND (k.virtual_ns IS NOT c.median_ns OR k.source IS NOT 'file'
                    OR k.exact IS NOT 1 OR k.cost_file IS NOT '$dir/T')")
    check "file run: the $entries calibrated entries are charged as measured, source file ($diff differ)" test "$diff" = 0
    check "file run: an uncalibrated group stays on the model (group 5, source model)" \
        test "$(q "SELECT group_concat(DISTINCT source) FROM run_costs WHERE run_id = $f AND kind = 'dh-compute' AND dh_group = 5")" = model
    # what crypto_ops charged is what run_costs says, op by op
    diff=$(q "SELECT count(*) FROM crypto_ops c JOIN nodes n ON n.run_id = c.run_id AND n.name = c.node
              LEFT JOIN run_costs k ON k.run_id = c.run_id AND k.kind = c.kind AND k.dh_group = COALESCE(c.dh_group, 0)
                   AND k.bits = COALESCE(c.bits, 0)
                   AND k.node = (SELECT CASE WHEN EXISTS (SELECT 1 FROM run_costs o WHERE o.run_id = c.run_id AND o.node = c.node)
                                              THEN c.node ELSE '*' END)
              WHERE c.run_id IN ($m, $f, $o) AND k.virtual_ns IS NOT c.virtual_ns")
    ops=$(q "SELECT count(*) FROM crypto_ops WHERE run_id IN ($m, $f, $o)")
    check "every crypto_ops charge equals its run_costs row ($ops ops, $diff differ)" test "$ops" -gt 20 -a "$diff" = 0
    # overrides: bob has a table of his own; alice charges from '*'
    check "override run: bob's dh-compute is the override (7 ms)" \
        test "$(q "SELECT virtual_ns || ',' || source || ',' || exact FROM run_costs WHERE run_id = $o AND node = 'bob' AND kind = 'dh-compute' AND dh_group = 14 AND bits = 2047")" = "7000000,override,1"
    check "override run: bob's other rows come from the file" \
        test "$(q "SELECT source FROM run_costs WHERE run_id = $o AND node = 'bob' AND kind = 'dh-generate' AND dh_group = 14 AND bits = 2047")" = file
    check "override run: alice has no rows of her own" \
        test "$(q "SELECT count(*) FROM run_costs WHERE run_id = $o AND node = 'alice'")" = 0
    # the view: charged vs measured vs calibrated, per (kind, group, bits)
    v=$(q "SELECT operations || ',' || (mean_virtual_ns = calibrated_ns) || ',' || (mean_wall_cpu_ns > 0) || ',' || (median_wall_cpu_ns > 0)
           FROM cost_check WHERE run_id = $f AND kind = 'dh-compute' AND dh_group = 14 AND bits = 2047")
    check "cost_check (file run): 2 DH computes charged the calibrated figure, measured > 0 ($v)" test "$v" = "2,1,1,1"
    v=$(q "SELECT group_concat(source || ':' || operations || ':' || CAST(mean_virtual_ns AS INTEGER), ' ')
           FROM (SELECT * FROM cost_check WHERE run_id = $o AND kind = 'dh-compute' ORDER BY source)")
    check "cost_check (override run): dh-compute split by source ($v)" test "$v" = "file:1:$c14 override:1:7000000"
    r=$(q "SELECT round(wall_over_virtual, 6) = round(mean_wall_cpu_ns / mean_virtual_ns, 6) FROM cost_check WHERE run_id = $m AND kind = 'dh-generate'")
    check "cost_check: wall_over_virtual = measured / charged" test "$r" = 1

    # a sweep merges run_costs with each run
    cat "$dir/file.cfg" - >"$dir/sweep.cfg" <<'EOS'
sweep = { parameters = ( { path = "links.lan.delay"; values = ["1ms", "2ms"]; } ); };
EOS
    timeout 300 "$isakmp" sweep "$dir/sweep.cfg" --out "$dir/sw" -j 2 >/dev/null 2>"$dir/sw.err"
    rc=$?
    check "a 2-run sweep exits 0" test $rc -eq 0
    [ $rc -eq 0 ] || sed 's/^/# /' "$dir/sw.err"
    per=$(sqlite3 -batch "$dir/sw/results.db" "SELECT group_concat(c, ',') FROM (SELECT count(k.run_id) AS c FROM runs r LEFT JOIN run_costs k USING (run_id) GROUP BY r.run_id)" 2>&1)
    check "the merged sweep database has each run's run_costs ($per rows per run; the single run had $n)" \
        test "$per" = "$(q "SELECT count(*) FROM run_costs WHERE run_id = $f"),$(q "SELECT count(*) FROM run_costs WHERE run_id = $f")"
else
    ok "runs record their cost table # SKIP no sqlite3 shell or no isakmp run"
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
bad_option --rsa --rsa 1024,1024
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
