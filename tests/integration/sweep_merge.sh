#!/usr/bin/env bash
# isakmp sweep --merge: per-run databases merge into one, idempotently (a
# run already there is not merged twice, into the sweep's own database or
# a fresh one), unfinished runs and foreign files are left out, and a
# file without a sweep name keeps its own point and replication.
#   bash tests/integration/sweep_merge.sh BUILD    (from the project root)
set -u
build=${1:-build}
isakmp=$PWD/$build/bin/isakmp
here=$PWD/tests/integration/sweep
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
q()      { sqlite3 -batch "$1" "$2"; }
fingerprint() {
    q "$1" "SELECT r.scenario, r.parameters, r.point, r.replication, r.run_number, r.status,
                   (SELECT COUNT(*) || ':' || SUM(end_ns - start_ns) FROM exchanges x WHERE x.run_id = r.run_id),
                   (SELECT COUNT(*) FROM parameters p WHERE p.run_id = r.run_id)
            FROM runs r ORDER BY r.parameters, r.replication"
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export FAKE_SLEEP=0

"$isakmp" sweep "$here/fake.cfg" --runner "$here/fake-runner.sh" --out "$dir/s" -j 2 2>/dev/null
check "fake sweep exits 0" test $? -eq 0
fingerprint "$dir/s/results.db" >"$dir/ref"
rows=$(q "$dir/s/results.db" "SELECT (SELECT COUNT(*) FROM runs) || '/' || (SELECT COUNT(*) FROM exchanges) || '/' || (SELECT COUNT(*) FROM parameters)")

"$isakmp" sweep --merge "$dir/s" >"$dir/m1.out"
check "merging a merged sweep again exits 0" test $? -eq 0
check "... merges nothing: 0 merged, 100 already there" grep -q "100 files, 0 runs merged, 100 already there" "$dir/m1.out"
check "... and no row changes" test "$(q "$dir/s/results.db" "SELECT (SELECT COUNT(*) FROM runs) || '/' || (SELECT COUNT(*) FROM exchanges) || '/' || (SELECT COUNT(*) FROM parameters)")" = "$rows"

"$isakmp" sweep --merge "$dir/s" --db "$dir/fresh.db" >"$dir/m2.out"
check "merge into a fresh database: 100 merged" grep -q "100 runs merged, 0 already there" "$dir/m2.out"
check "... the same rows as the sweep's own database" cmp -s "$dir/ref" <(fingerprint "$dir/fresh.db")
"$isakmp" sweep --merge "$dir/s" --db "$dir/fresh.db" >"$dir/m3.out"
check "merging twice: 0 merged the second time" grep -q "0 runs merged, 100 already there" "$dir/m3.out"
check "... the same rows still" cmp -s "$dir/ref" <(fingerprint "$dir/fresh.db")
check "... the views work on the merged database" test "$(q "$dir/fresh.db" "SELECT COUNT(DISTINCT parameters) FROM point_summary")" -eq 20

# a folder of loose files: unfinished, foreign, and a run without a sweep name
mkdir -p "$dir/loose"
first=$(ls "$dir/s/runs" | head -1)
cp "$dir/s/runs/$first" "$dir/loose/$first"
cp "$dir/s/runs/$first" "$dir/loose/p5-r1-unfinished.db"
q "$dir/loose/p5-r1-unfinished.db" "UPDATE runs SET status = 'running', wall_end = NULL; UPDATE runs SET parameters = '{\"x\": 1}'"
echo "not a database" >"$dir/loose/junk.db"
FAKE_SLEEP=0 "$here/fake-runner.sh" run "$here/fake.cfg" --set nodes.bob.cores=9 --run 4 --db "$dir/loose/by-hand.db" --out "$dir/o"
touch "$dir/loose/.p0-r0-x.tmp.123.db"   # an unfinished job's temporary file
"$isakmp" sweep --merge "$dir/loose" >"$dir/m4.out" 2>"$dir/m4.err"
rc=$?
check "an unreadable file makes the merge exit 1" test $rc -eq 1
check "... naming the file" grep -q "junk.db" "$dir/m4.err"
check "... the others are merged (3 files + junk: 2 merged, 1 unfinished, 1 unreadable)" \
    grep -q "4 files, 2 runs merged, 0 already there, 1 unfinished, 1 unreadable" "$dir/m4.out"
check "an unfinished run is not merged" test "$(q "$dir/loose/results.db" "SELECT COUNT(*) FROM runs WHERE parameters LIKE '%\"x\"%' OR status = 'running'")" -eq 0
check "a file without a sweep name keeps its replication (run 4 - 1 = 3)" \
    test "$(q "$dir/loose/results.db" "SELECT replication FROM runs WHERE parameters LIKE '%cores\": 9%'")" = 3
check "a sweep-named file gets point and replication from its name" \
    test "$(q "$dir/loose/results.db" "SELECT point || '-' || replication FROM runs WHERE parameters NOT LIKE '%cores\": 9%'")" = "$(echo "$first" | sed 's/^p\([0-9]*\)-r\([0-9]*\)-.*/\1-\2/')"
"$isakmp" sweep --merge "$dir/nowhere" >/dev/null 2>&1
check "--merge of a missing folder fails" test $? -ne 0
"$isakmp" sweep --merge "$dir/s" --summary x.db >/dev/null 2>&1
check "--merge with --summary is a usage error" test $? -eq 2
exit $((fails > 0))
