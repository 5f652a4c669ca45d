#!/usr/bin/env bash
# isakmp sweep --emit: the GNU parallel job list has one well-formed shell
# command per run not yet done; run (by GNU parallel when installed, else
# xargs -P 2) and merged with --merge they give the same results as a
# local sweep; the Slurm job-array script passes bash -n, declares the
# array, and each task runs its job.
#   bash tests/integration/sweep_emit.sh BUILD    (from the project root)
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
fingerprint() {
    q "$1" "SELECT r.scenario, r.parameters, r.point, r.replication, r.run_number, r.status,
                   (SELECT COUNT(*) || ':' || SUM(end_ns - start_ns) FROM exchanges x WHERE x.run_id = r.run_id)
            FROM runs r ORDER BY r.parameters, r.replication"
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export FAKE_SLEEP=0
N=100

# ---- GNU parallel job list ----------------------------------------------------
"$isakmp" sweep "$cfg" --emit parallel --bin "$fake" --out "$dir/p" -o "$dir/jobs.txt"
check "--emit parallel exits 0" test $? -eq 0
check "the job list has $N lines" test "$(wc -l <"$dir/jobs.txt")" -eq $N
bad=0
while IFS= read -r line; do
    bash -n -c "$line" 2>/dev/null || bad=$((bad + 1))
done <"$dir/jobs.txt"
check "every line is valid shell (bash -n)" test $bad -eq 0
check "every line runs 'run' with --set, --run and a per-run --db" \
    test "$(grep -c -- " run $cfg --set nodes.bob.cores=[0-9] --set links.lan.delay=[0-9]*ms --run [0-9]* --db \"\$db\" " "$dir/jobs.txt")" -eq $N
check "every line renames its database only on success" test "$(grep -c '&& mv -f "$db" ' "$dir/jobs.txt")" -eq $N
check "stdout is the default output" test "$("$isakmp" sweep "$cfg" --emit parallel --bin "$fake" --out "$dir/p" | wc -l)" -eq $N
check "the binary defaults to this one" grep -q "^mkdir.* $isakmp run " <("$isakmp" sweep "$cfg" --emit parallel --out "$dir/p" | head -1)

if command -v parallel >/dev/null 2>&1; then
    how="GNU parallel -j 2"
    parallel -j 2 <"$dir/jobs.txt"
else
    how="xargs -P 2 (GNU parallel not installed)"
    tr '\n' '\0' <"$dir/jobs.txt" | xargs -0 -P 2 -n 1 bash -c
fi
check "the jobs ran ($how)" test "$(ls "$dir/p/runs" | grep -c '\.db$')" -eq $N
check "no temporary file left" test "$(ls -A "$dir/p/runs" | grep -c '^\.')" -eq 0
"$isakmp" sweep --merge "$dir/p" >"$dir/merge.out"
check "--merge DIR merges the $N runs" grep -q "$N runs merged" "$dir/merge.out"
"$isakmp" sweep "$cfg" --runner "$fake" --out "$dir/local" -j 2 2>/dev/null
check "emitted + merged = a local sweep (same rows)" cmp -s <(fingerprint "$dir/local/results.db") <(fingerprint "$dir/p/results.db")
check "once done, --emit writes no job" test "$("$isakmp" sweep "$cfg" --emit parallel --bin "$fake" --out "$dir/p" | wc -l)" -eq 0
rm -f "$dir/p/results.db"* "$dir/p/runs/p3-"*
check "runs done as files but not merged are not emitted (5 missing)" \
    test "$("$isakmp" sweep "$cfg" --emit parallel --bin "$fake" --out "$dir/p" | wc -l)" -eq 5

# ---- Slurm job array ------------------------------------------------------------
"$isakmp" sweep "$cfg" --emit slurm --bin "$fake" --out "$dir/s" -o "$dir/sweep.sbatch" -j 8
check "--emit slurm exits 0" test $? -eq 0
check "the script passes bash -n" bash -n "$dir/sweep.sbatch"
check "the script is executable" test -x "$dir/sweep.sbatch"
check "it declares the array 0-$((N - 1)) with at most 8 at once" grep -q "^#SBATCH --array=0-$((N - 1))%8$" "$dir/sweep.sbatch"
check "it names its log files per task" grep -q "^#SBATCH --output=.*slurm-%A_%a.out" "$dir/sweep.sbatch"
check "it holds the same $N jobs as the parallel list" \
    cmp -s <(sed -n '/^mapfile/,/^ISAKMP_SWEEP_JOBS$/p' "$dir/sweep.sbatch" | sed '1d;$d' | sed "s|$dir/s/|D/|g") \
           <(sed "s|$dir/p/|D/|g" "$dir/jobs.txt")
for t in 0 1 57; do
    SLURM_ARRAY_TASK_ID=$t bash "$dir/sweep.sbatch"
done
check "tasks 0, 1 and 57 each wrote their run" test "$(ls "$dir/s/runs" | grep -c '\.db$')" -eq 3
check "task 57 ran the 58th job" test -f "$dir/s/runs/$(sed -n 58p "$dir/jobs.txt" | sed 's|.*mv -f "$db" [^ ]*/runs/\([^ ]*\.db\) .*|\1|')"
bash "$dir/sweep.sbatch" >/dev/null 2>&1
check "without SLURM_ARRAY_TASK_ID it refuses (exit 2)" test $? -eq 2
SLURM_ARRAY_TASK_ID=$N bash "$dir/sweep.sbatch" >/dev/null 2>&1
check "a task id past the end fails" test $? -ne 0

# ---- usage ----------------------------------------------------------------------
"$isakmp" sweep "$cfg" --emit condor >/dev/null 2>&1
check "--emit of an unknown kind is a usage error" test $? -eq 2
"$isakmp" sweep --merge "$dir/p" --emit slurm >/dev/null 2>&1
check "--emit without a scenario is a usage error" test $? -eq 2
exit $((fails > 0))
