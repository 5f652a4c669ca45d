#!/bin/sh
# Scenario 4: KE flood CPU exhaustion.  From the project root:
#   scenarios/04-ke-flood/run.sh [--set PATH=VALUE ...]
# Needs the `ke-flood` attacker; without it, exits 3 with a message and
# writes nothing.  Writes results/04-ke-flood/04-ke-flood.db, .dat, .png.
LIB_NAME=04-ke-flood
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/04-ke-flood
R=$RESULTS/04-ke-flood
if ! lib_attack_available ke-flood; then
    lib_say "this build does not simulate the ke-flood attacker:"
    lib_say "  ${LIB_ATTACK_ERROR:-unknown error}"
    lib_say "nothing run, nothing written (see README.md: what runs today)"
    exit 3
fi
rm -rf "$R"; mkdir -p "$R"
DB=$R/04-ke-flood.db
lib_sweep "$S/scenario.cfg" "$R/sweep" "$DB" "$@"
# One line per per-source limit and attack rate: success rate, latency (ms),
# responder CPU busy during the attack, responder dh-compute per second.
sqlite3 -separator ' ' "$DB" "
  SELECT CAST(l.value AS INTEGER), CAST(a.value AS REAL),
         AVG((SELECT success_rate FROM run_exchange_stats x WHERE x.run_id = r.run_id AND x.phase = 1)),
         AVG((SELECT latency_mean_ns / 1e6 FROM run_exchange_stats x WHERE x.run_id = r.run_id AND x.phase = 1)),
         AVG((SELECT AVG(cpu_busy) FROM samples s WHERE s.run_id = r.run_id AND s.node = 'gw'
                AND s.t_ns > 5500000000 AND s.t_ns <= 25000000000)),
         AVG((SELECT COUNT(*) / 20.0 FROM crypto_ops c WHERE c.run_id = r.run_id AND c.node = 'gw'
                AND c.kind = 'dh-compute' AND c.t_ns >= 5000000000 AND c.t_ns < 25000000000))
  FROM runs r
  JOIN parameters l ON l.run_id = r.run_id AND l.name = 'nodes.gw.defence.half_open_per_source'
  JOIN parameters a ON a.run_id = r.run_id AND a.name = 'attack.kef.rate'
  WHERE r.status = 'completed' GROUP BY 1, 2 ORDER BY 1, 2;" > "$R/04-ke-flood.dat"
[ -s "$R/04-ke-flood.dat" ] || lib_die "no results in $DB"
gnuplot -e "datafile='$R/04-ke-flood.dat'; outfile='$R/04-ke-flood.png'; caption='$(lib_caption "$DB" "$S/scenario.cfg")'" "$S/plot.gp"
lib_say "results: $DB, $R/04-ke-flood.png"
