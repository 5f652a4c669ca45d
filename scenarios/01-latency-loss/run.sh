#!/bin/sh
# Scenario 1: latency and retransmissions against RTT and loss, Main vs
# Aggressive Mode (+ Quick Mode).  From the project root:
#   scenarios/01-latency-loss/run.sh [--set PATH=VALUE ...]
# (extra --set apply to every run, e.g. --set duration=100s for a quick look).
# Writes results/01-latency-loss/01-latency-loss.db, .dat and .png.
LIB_NAME=01-latency-loss
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/01-latency-loss
R=$RESULTS/01-latency-loss
rm -rf "$R"; mkdir -p "$R"
DB=$R/01-latency-loss.db
lib_sweep "$S/scenario.cfg" "$R/sweep" "$DB" "$@"

# One line per mode, RTT, loss, phase: mean latency of completed exchanges (ms),
# success rate, retransmissions per exchange; means over exchanges of all replications.
sqlite3 -separator ' ' "$DB" "
  SELECT m.value, 2 * CAST(REPLACE(d.value, 'ms', '') AS REAL) AS rtt_ms,
         CAST(l.value AS REAL) AS loss, x.phase,
         AVG(CASE WHEN x.outcome = 'completed' THEN (x.end_ns - x.start_ns) / 1e6 END),
         AVG(x.outcome = 'completed'), AVG(x.retransmissions), COUNT(*)
  FROM exchanges x JOIN runs r USING (run_id)
  JOIN parameters m ON m.run_id = x.run_id AND m.name = 'policies.site.mode'
  JOIN parameters d ON d.run_id = x.run_id AND d.name = 'links.wan.delay'
  JOIN parameters l ON l.run_id = x.run_id AND l.name = 'links.wan.errors.rate'
  WHERE r.status = 'completed' AND x.outcome != 'unfinished'
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 4, 2, 3;" > "$R/01-latency-loss.dat"
[ -s "$R/01-latency-loss.dat" ] || lib_die "no exchanges in $DB"
gnuplot -e "datafile='$R/01-latency-loss.dat'; outfile='$R/01-latency-loss.png'; caption='$(lib_caption "$DB" "$S/scenario.cfg")'" "$S/plot.gp"
lib_say "results: $DB, $R/01-latency-loss.png"
