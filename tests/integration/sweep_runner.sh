#!/usr/bin/env bash
# isakmp sweep, the local runner, with a fake `isakmp run`
# (tests/integration/sweep/fake-runner.sh through the testing option
# --runner): 100 runs on 2 workers take about half the wall time of 1
# worker; a sweep killed with kill -9 (sweep and workers) and started
# again completes with exactly one row set per run, identical to an
# uninterrupted sweep; failed runs are retried, and only they; SIGTERM
# stops a sweep that then resumes.
#   bash tests/integration/sweep_runner.sh BUILD    (from the project root)
set -u
build=${1:-build}
isakmp=$PWD/$build/bin/isakmp
here=$PWD/tests/integration/sweep
fake=$here/fake-runner.sh
cfg=$here/fake.cfg
fails=0
ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
check()  { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
q()      { sqlite3 -batch "$1" "$2"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export FAKE_SLEEP=0.3
N=100

# What a run's rows look like, one line per run (no run_id, no wall_*):
# the identity and a digest of its exchanges.
fingerprint() {
    q "$1" "SELECT r.scenario, r.parameters, r.point, r.replication, r.run_number, r.status,
                   (SELECT COUNT(*) || ':' || SUM(end_ns - start_ns) || ':' || SUM(outcome = 'completed')
                    FROM exchanges x WHERE x.run_id = r.run_id),
                   (SELECT group_concat(name || '=' || value) FROM parameters p WHERE p.run_id = r.run_id)
            FROM runs r ORDER BY r.parameters, r.replication"
}
dups() { q "$1" "SELECT COUNT(*) FROM (SELECT 1 FROM runs GROUP BY scenario, parameters, replication HAVING COUNT(*) > 1)"; }

# ---- 1 worker vs 2 workers ------------------------------------------------
t0=$(date +%s.%N)
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/j1" -j 1 2>"$dir/j1.err"
rc1=$?
t1=$(date +%s.%N)
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/j2" -j 2 2>"$dir/j2.err"
rc2=$?
t2=$(date +%s.%N)
w1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
w2=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')
echo "# $N runs (fake runner, FAKE_SLEEP=$FAKE_SLEEP): 1 worker ${w1} s, 2 workers ${w2} s, ratio $(awk -v a="$w1" -v b="$w2" 'BEGIN { printf "%.2f", b / a }')"
check "1 worker: exit 0" test $rc1 -eq 0
check "2 workers: exit 0" test $rc2 -eq 0
check "1 worker: $N runs merged" test "$(q "$dir/j1/results.db" "SELECT COUNT(*) FROM runs")" -eq $N
check "2 workers: $N runs merged" test "$(q "$dir/j2/results.db" "SELECT COUNT(*) FROM runs")" -eq $N
check "2 workers: no run twice" test "$(dups "$dir/j2/results.db")" -eq 0
check "2 workers: $N per-run files" test "$(ls "$dir/j2/runs" | grep -c '\.db$')" -eq $N
check "no temporary file left" test "$(ls -A "$dir/j2/runs" | grep -c '^\.')" -eq 0
fingerprint "$dir/j1/results.db" >"$dir/ref"
check "1 and 2 workers give the same rows" cmp -s "$dir/ref" <(fingerprint "$dir/j2/results.db")
# ideal 0.5; the fake's own CPU (bash, sqlite3) and the merges do not
# halve on a machine shared with other work, hence the margin
check "2 workers take at most 0.75 x the time of 1 (about half)" \
    awk -v a="$w1" -v b="$w2" 'BEGIN { exit !(b <= 0.75 * a) }'
check "non-tty progress: one line per run" test "$(grep -c '^isakmp sweep: [0-9]*/100 p' "$dir/j2.err")" -eq $N
check "progress lines show failures and ETA" grep -q 'failed 0 ETA ' "$dir/j2.err"
check "replication k has run number k+1 (scenario run = 1)" \
    test "$(q "$dir/j2/results.db" "SELECT COUNT(*) FROM runs WHERE run_number <> replication + 1")" -eq 0
check "the seed stays fixed" test "$(q "$dir/j2/results.db" "SELECT COUNT(DISTINCT seed) || seed FROM runs")" = 17

export FAKE_SLEEP=0.05   # the rest tests mechanics, not speed

# ---- again: nothing to do ---------------------------------------------------
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/j2" -j 2 2>"$dir/again.err"
check "a finished sweep started again runs nothing" grep -q "100 already done, 0 to run" "$dir/again.err"
check "... and merges nothing twice" test "$(q "$dir/j2/results.db" "SELECT COUNT(*) FROM runs")" -eq $N

# ---- kill -9 halfway, resume ------------------------------------------------
setsid "$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/k" -j 2 2>"$dir/k1.err" &
pid=$!
for _ in $(seq 200); do
    n=$(ls "$dir/k/runs" 2>/dev/null | grep -c '^p.*\.db$')
    [ "$n" -ge $((N / 2)) ] && break
    sleep 0.1
done
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 0.3
done_at_kill=$(ls "$dir/k/runs" | grep -c '^p.*\.db$')
echo "# killed with $done_at_kill of $N runs finished; workers alive after: $(pgrep -f "$dir/k/runs" | wc -l)"
check "killed halfway ($done_at_kill of $N)" test "$done_at_kill" -ge $((N / 2)) -a "$done_at_kill" -lt $N
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/k" -j 2 2>"$dir/k2.err"
check "resumed sweep exits 0" test $? -eq 0
todo=$(sed -n 's/.*already done, \([0-9]*\) to run/\1/p' "$dir/k2.err")
echo "# resumed: $(grep 'already done' "$dir/k2.err")"
check "resume runs only the missing runs ($todo <= $((N - done_at_kill)))" test "${todo:-999}" -le $((N - done_at_kill))
check "resumed: exactly $N runs" test "$(q "$dir/k/results.db" "SELECT COUNT(*) FROM runs")" -eq $N
check "resumed: no run twice" test "$(dups "$dir/k/results.db")" -eq 0
check "resumed: rows identical to an uninterrupted sweep" cmp -s "$dir/ref" <(fingerprint "$dir/k/results.db")
check "resumed: no orphan exchanges" test "$(q "$dir/k/results.db" "SELECT COUNT(*) FROM exchanges WHERE run_id NOT IN (SELECT run_id FROM runs)")" -eq 0

# ---- failed runs are retried, and only they ----------------------------------
FAKE_FAIL_RUN=3 "$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/f" -j 2 2>"$dir/f1.err"
rc=$?
check "crashing runs: exit 1" test $rc -eq 1
check "crashing runs: 20 failures reported" grep -q "80/100 runs done, 20 failed" "$dir/f1.err"
check "crashing runs: their log says why" grep -q "simulated crash" "$dir/f/logs/p0-r2-"*.log
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/f" -j 2 2>"$dir/f2.err"
check "retry: exit 0" test $? -eq 0
check "retry: only the 20 failed runs run" grep -q "80 already done, 20 to run" "$dir/f2.err"
check "retry: rows identical to an uninterrupted sweep" cmp -s "$dir/ref" <(fingerprint "$dir/f/results.db")

# ---- SIGTERM: stop, keep, resume ---------------------------------------------
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/t" -j 2 2>"$dir/t1.err" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"
rc=$?
check "SIGTERM: exit 130" test $rc -eq 130
check "SIGTERM: says how to resume" grep -q "interrupted (run the same command again to resume)" "$dir/t1.err"
check "SIGTERM: the runs it stopped are not failures" test "$(grep -c FAILED "$dir/t1.err")" -eq 0
check "SIGTERM: no temporary file left" test "$(ls -A "$dir/t/runs" | grep -c '^\.')" -eq 0
# resumed on a terminal (script(1)): the progress bar instead of lines
if command -v script >/dev/null 2>&1; then
    script -q -e -c "'$isakmp' sweep '$cfg' --runner '$fake' --out '$dir/t' -j 2" "$dir/tty.log" >/dev/null 2>&1
    check "on a terminal: a bar redrawn in place, with counts, failures and ETA" \
        grep -q $'\r\[#*\.*\] [0-9]*/100  failed 0  elapsed [0-9:]*  ETA ' "$dir/tty.log"
    check "on a terminal: no per-run lines" test "$(grep -c 'isakmp sweep: [0-9]*/100 p' "$dir/tty.log")" -eq 0
else
    "$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/t" -j 2 2>"$dir/t2.err"
fi
check "after SIGTERM: resumes to $N runs, identical" cmp -s "$dir/ref" <(fingerprint "$dir/t/results.db")

# ---- one sweep per folder; the scenario must not change under it -------------
setsid "$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/l" -j 1 2>/dev/null &
pid=$!
sleep 0.5
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/l" -j 1 2>"$dir/l.err"
check "a second sweep on the same folder is refused" test $? -ne 0
check "... saying why" grep -q "another sweep or merge is using this folder" "$dir/l.err"
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sed 's/duration = "2s"/duration = "3s"/' "$cfg" >"$dir/changed.cfg"
"$isakmp" sweep "$dir/changed.cfg" --runner "$fake" --out "$dir/j2" -j 2 2>"$dir/m.err"
check "a changed scenario in the same folder is refused" test $? -eq 1
check "... naming --force" grep -q -- "--force" "$dir/m.err"

# ---- usage ------------------------------------------------------------------
"$isakmp" sweep "$cfg" -j 0 2>/dev/null
check "-j 0 is a usage error (exit 2)" test $? -eq 2
"$isakmp" sweep 2>/dev/null
check "no scenario is a usage error (exit 2)" test $? -eq 2
"$isakmp" sweep "$dir/nonexistent.cfg" 2>"$dir/u.err"
check "a missing scenario fails (exit 1) naming it" grep -q "nonexistent.cfg" "$dir/u.err"
"$isakmp" sweep "$cfg" --set nodes.bob.corez=2 --list >/dev/null 2>"$dir/u.err"
check "a typo in --set is refused before anything runs" grep -q "corez" "$dir/u.err"
exit $((fails > 0))
