#!/bin/sh
# Scenario 3: spoofed message-1 flood against each defence.  From the
# project root:  scenarios/03-flood-defences/run.sh [--set PATH=VALUE ...]
#   DEFENCES="none stateless" limits the defences run (default: all four);
#   extra --set apply to every run (e.g. --set duration=10s for a quick look).
# Writes results/03-flood-defences/03-flood-defences.db, .dat and .png.
LIB_NAME=03-flood-defences
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/03-flood-defences
R=$RESULTS/03-flood-defences
DEFENCES=${DEFENCES:-"none cookies half-open stateless"}
rm -rf "$R"; mkdir -p "$R"
DB=$R/03-flood-defences.db
for d in $DEFENCES; do
    case $d in
        none)      set -- --set nodes.gw.defence.cookies=false "$@" ;;
        cookies)   set -- --set nodes.gw.defence.cookies=true "$@" ;;
        half-open) set -- --set nodes.gw.defence.half_open_max=100 "$@" ;;
        stateless) set -- --set nodes.gw.defence.cookies=true --set nodes.gw.defence.stateless=true "$@" ;;
        *) lib_die "unknown defence $d" ;;
    esac
    lib_sweep "$S/scenario.cfg" "$R/sweep-$d" "$DB" "$@"
    shift 2; [ "$d" = stateless ] && shift 2
done

# One line per defence and flood rate, means over replications:
# success rate, mean latency (ms), responder CPU busy during the flood,
# peak half-open SAs, peak engine state (KiB), runs.
sqlite3 -separator ' ' "$DB" "
  WITH d AS (
    SELECT r.run_id,
           CASE WHEN EXISTS (SELECT 1 FROM parameters p WHERE p.run_id = r.run_id AND p.name = 'nodes.gw.defence.stateless' AND p.value = 'true') THEN 'stateless'
                WHEN EXISTS (SELECT 1 FROM parameters p WHERE p.run_id = r.run_id AND p.name = 'nodes.gw.defence.half_open_max') THEN 'half-open'
                WHEN EXISTS (SELECT 1 FROM parameters p WHERE p.run_id = r.run_id AND p.name = 'nodes.gw.defence.cookies' AND p.value = 'true') THEN 'cookies'
                ELSE 'none' END AS defence,
           (SELECT CAST(value AS REAL) FROM parameters p WHERE p.run_id = r.run_id AND p.name = 'attack.flood.rate') AS rate
    FROM runs r WHERE r.status = 'completed'),
  m AS (
    SELECT d.defence, d.rate, d.run_id,
           (SELECT success_rate FROM run_exchange_stats x WHERE x.run_id = d.run_id AND x.phase = 1) AS ok,
           (SELECT latency_mean_ns / 1e6 FROM run_exchange_stats x WHERE x.run_id = d.run_id AND x.phase = 1) AS lat,
           (SELECT AVG(cpu_busy) FROM samples s WHERE s.run_id = d.run_id AND s.node = 'gw'
              AND s.t_ns > 5500000000 AND s.t_ns <= 25000000000) AS cpu,
           (SELECT MAX(half_open) FROM samples s WHERE s.run_id = d.run_id AND s.node = 'gw') AS ho,
           (SELECT MAX(state_bytes) / 1024.0 FROM samples s WHERE s.run_id = d.run_id AND s.node = 'gw') AS mem
    FROM d)
  SELECT defence, rate, AVG(ok), AVG(lat), AVG(cpu), AVG(ho), AVG(mem), COUNT(*)
  FROM m GROUP BY defence, rate ORDER BY defence, rate;" > "$R/03-flood-defences.dat"
[ -s "$R/03-flood-defences.dat" ] || lib_die "no results in $DB"
gnuplot -e "datafile='$R/03-flood-defences.dat'; outfile='$R/03-flood-defences.png'; caption='$(lib_caption "$DB" "$S/scenario.cfg")'" "$S/plot.gp"
lib_say "results: $DB, $R/03-flood-defences.png"
