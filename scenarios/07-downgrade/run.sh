#!/bin/sh
# Scenario 7: weak groups, the proposal stripper, and a passive eavesdropper
# under the discrete-log oracle model.  From the project root:
#   scenarios/07-downgrade/run.sh
# Environment: SHARES (weak shares swept, default "0 0.25 0.5 0.75 1"),
# DRAWS (population draws = replications per point, default 3), ORACLE_GROUPS
# (groups the eavesdropper "has precomputed", default 1,2), JOBS (runs at once).
# For every weak share, draw and stripper off/on: make-population.sh writes
# the scenario, `isakmp run` runs it (JOBS at a time), and
# dlog-oracle-eavesdrop.sh measures what the eavesdropper decrypts from the
# gateways' segment capture.  Writes results/07-downgrade/:
#   07-downgrade.db       every run (merged with isakmp sweep --merge)
#   runs.dat              one line per run (columns in its header)
#   07-downgrade.dat      mean and 95% CI per weak share and stripper
#   07-downgrade.png      the figure;  cfg/, out/ (pcaps, keys), eavesdrop/
LIB_NAME=07-downgrade
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/07-downgrade
R=$RESULTS/07-downgrade
SHARES=${SHARES:-"0 0.25 0.5 0.75 1"}
DRAWS=${DRAWS:-3}
ORACLE_GROUPS=${ORACLE_GROUPS:-1,2}
rm -rf "$R"; mkdir -p "$R/cfg" "$R/runs" "$R/out" "$R/eavesdrop" "$R/logs"

# 1. One scenario file per (weak share, stripper, draw); point = 2 i + stripper.
i=0
for w in $SHARES; do
    for strip in off on; do
        pt=$((2 * i + $([ $strip = on ] && echo 1 || echo 0)))
        d=1
        while [ $d -le "$DRAWS" ]; do
            "$S/make-population.sh" "$w" "$d" "$strip" > "$R/cfg/p$pt-r$((d - 1)).cfg"
            echo "$w $strip $d p$pt-r$((d - 1))" >> "$R/plan"
            d=$((d + 1))
        done
    done
    i=$((i + 1))
done
nruns=$(wc -l < "$R/plan")

# 2. Run them, JOBS at a time; then the eavesdropper on each capture.
lib_say "$nruns runs, $JOBS at a time"
export ISAKMP R
cut -d' ' -f4 "$R/plan" | xargs -P "$JOBS" -I{} sh -c '
    "$ISAKMP" run "$R/cfg/{}.cfg" --quiet --out "$R/out/{}" --db "$R/runs/{}.db" > "$R/logs/{}.log" 2>&1 ||
        echo "run {} failed (see $R/logs/{}.log)" >&2
    pcap=$(ls "$R/out/{}"/*-dmz-r.pcap 2>/dev/null | head -n 1)
    table=$(ls "$R/out/{}"/*.ikev1_decryption_table 2>/dev/null | head -n 1)
    [ -n "$pcap" ] && [ -n "$table" ] &&
        "$0" --groups "$1" "$pcap" "$table" > "$R/eavesdrop/{}.txt"' "$S/dlog-oracle-eavesdrop.sh" "$ORACLE_GROUPS"
"$ISAKMP" sweep --merge "$R/runs" --db "$R/07-downgrade.db" >&2 || lib_die "merge failed"
DB=$R/07-downgrade.db

# 3. One line per run: what happened (database) and what the eavesdropper
#    saw and decrypted (its measurement).
echo "# share strip draw started completed negotiated_weak completed_weak decrypted qm_decrypted stripped stripped_completed stripped_failed_auth stripped_failed_other oracle_keys" > "$R/runs.dat"
while read -r w strip d name; do
    db=$R/runs/$name.db
    [ -s "$db" ] && [ -s "$R/eavesdrop/$name.txt" ] || { lib_say "no result for $name"; continue; }
    set -- $(sed -n 's/^summary exchanges \([0-9]*\) chosen_in_oracle_groups \([0-9]*\) oracle_keys \([0-9]*\) decrypted \([0-9]*\) qm_decrypted \([0-9]*\)$/\1 \2 \3 \4 \5/p' "$R/eavesdrop/$name.txt")
    seen=$1 chosen=$2 keys=$3 dec=$4 qm=$5
    row=$(sqlite3 -separator ' ' "$db" "
      SELECT COUNT(*), SUM(outcome = 'completed'), SUM(outcome = 'completed' AND dh_group IN (1, 2)),
             (SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter = 'main.1.stripped'),
             (SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter = 'main.1.later-completed'),
             (SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter = 'main.1.later-failed:authentication'),
             (SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter LIKE 'main.1.later-failed:%'
                                                                      AND counter <> 'main.1.later-failed:authentication')
      FROM exchanges WHERE phase = 1")
    set -- $row
    [ "$1" = "$seen" ] || lib_say "$name: $1 exchanges started but $seen message 1s in the capture"
    echo "$w $strip $d $1 $2 $chosen $3 $dec $qm $4 $5 $6 $7 $keys" >> "$R/runs.dat"
done < "$R/plan"

# 4. Mean and 95% confidence interval (Student t, the schema's student_t95
#    table) over the draws, per weak share and stripper, of the shares of
#    started phase-1 exchanges: completed, negotiated in group 1/2 (message
#    2 of the capture), completed in group 1/2, decrypted by the eavesdropper.
RUNS_TABLE="CREATE TEMP TABLE r (share REAL, strip TEXT, draw INT, started INT, completed INT, neg INT,
  cweak INT, dec INT, qm INT, stripped INT, s_ok INT, s_auth INT, s_other INT, keys INT);"
sqlite3 "$DB" > "$R/07-downgrade.dat" <<SQL
.mode list
.separator " "
$RUNS_TABLE
.import --skip 1 $R/runs.dat r
WITH v AS (
  SELECT share, strip, 'completed' AS m, 1.0 * completed / started AS x FROM r
  UNION ALL SELECT share, strip, 'negotiated_weak', 1.0 * neg / started FROM r
  UNION ALL SELECT share, strip, 'completed_weak', 1.0 * cweak / started FROM r
  UNION ALL SELECT share, strip, 'decrypted', 1.0 * dec / started FROM r),
a AS (SELECT share, strip, m, COUNT(*) AS n, AVG(x) AS mean,
             CASE WHEN COUNT(*) > 1 THEN sqrt(MAX(SUM(x * x) - SUM(x) * SUM(x) / COUNT(*), 0) / (COUNT(*) - 1))
                  ELSE 0 END AS sd
      FROM v GROUP BY share, strip, m),
c AS (SELECT a.*, COALESCE((SELECT t FROM student_t95 WHERE df <= n - 1 ORDER BY df DESC LIMIT 1), 0)
                  * sd / sqrt(n) AS ci FROM a)
SELECT share, strip,
       MAX(CASE m WHEN 'completed' THEN mean END), MAX(CASE m WHEN 'completed' THEN ci END),
       MAX(CASE m WHEN 'negotiated_weak' THEN mean END), MAX(CASE m WHEN 'negotiated_weak' THEN ci END),
       MAX(CASE m WHEN 'completed_weak' THEN mean END), MAX(CASE m WHEN 'completed_weak' THEN ci END),
       MAX(CASE m WHEN 'decrypted' THEN mean END), MAX(CASE m WHEN 'decrypted' THEN ci END), MAX(n)
FROM c GROUP BY share, strip ORDER BY strip, share;
SQL
[ -s "$R/07-downgrade.dat" ] || lib_die "no results"
sed -i '1i # share strip completed ci negotiated_weak ci completed_weak ci decrypted ci n  (shares of started phase-1 exchanges; ci = 95% half-width)' "$R/07-downgrade.dat"

# 5. The stripper's own account (summed over all runs with it).
sqlite3 ":memory:" <<SQL | tee "$R/stripper.txt" >&2
.mode list
.separator " "
$RUNS_TABLE
.import --skip 1 $R/runs.dat r
SELECT 'stripper: ' || SUM(stripped) || ' messages 1 stripped in ' || COUNT(*) || ' runs; at the responder their exchanges '
       || SUM(s_ok) || ' completed, ' || SUM(s_auth) || ' failed authentication (HASH_I covers SAi_b), '
       || SUM(s_other) || ' failed otherwise (no proposal chosen)' FROM r WHERE strip = 'on';
SQL
cap=$(lib_caption "$DB" "$S/make-population.sh" "eavesdropper: discrete-log oracle model for groups $ORACLE_GROUPS")
gnuplot -e "datafile='$R/07-downgrade.dat'; outfile='$R/07-downgrade.png'; caption='$cap'" scripts/plot-downgrade.gp
lib_say "results: $DB, $R/07-downgrade.dat, $R/07-downgrade.png"
