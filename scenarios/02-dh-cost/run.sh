#!/bin/sh
# Scenario 2: DH cost per group (1, 2, 5, 14-18, 19-21, 22-24), measured
# (isakmp calibrate) and charged in virtual time, with the exponent length
# as a parameter.  From the project root:
#   scenarios/02-dh-cost/run.sh [--set PATH=VALUE ...]
#   BUDGET=0.2  CPU seconds per calibrate item (default 0.2; 0.02 for a quick look)
# Writes results/02-dh-cost/: 02-dh-cost.db (the sweep's runs and the
# calibration tables), calibrate.txt, calibrate.dat, exponent.dat, 02-dh-cost.png.
LIB_NAME=02-dh-cost
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/02-dh-cost
R=$RESULTS/02-dh-cost
BUDGET=${BUDGET:-0.2}
DH_GROUPS=1,2,5,14,15,16,17,18,19,20,21,22,23,24
rm -rf "$R"; mkdir -p "$R"
DB=$R/02-dh-cost.db
lib_say "isakmp calibrate --groups $DH_GROUPS --budget $BUDGET"
"$ISAKMP" calibrate --groups "$DH_GROUPS" --rsa none --budget "$BUDGET" --db "$DB" > "$R/calibrate.txt"
lib_sweep "$S/scenario.cfg" "$R/sweep" "$DB" "$@"

# (a) per group: measured dh-compute median (full, short exponent) and the model (us)
sqlite3 -separator ' ' "$DB" "
  SELECT f.dh_group, f.algorithm, f.median_ns / 1e3, f.model_ns / 1e3,
         COALESCE(s.median_ns / 1e3, '-'), COALESCE(s.model_ns / 1e3, '-'), COALESCE(s.bits, '-')
  FROM calibration f LEFT JOIN calibration s
    ON s.run_id = f.run_id AND s.dh_group = f.dh_group AND s.kind = f.kind AND s.exp_policy = 'short'
  WHERE f.kind = 'dh-compute' AND f.exp_policy = 'full' ORDER BY f.dh_group;" > "$R/calibrate.dat"
# (b) per group and exponent length: virtual and measured cost of dh-compute in the runs (us)
sqlite3 -separator ' ' "$DB" "
  SELECT g.value, CAST(b.value AS INTEGER), AVG(c.virtual_ns) / 1e3, AVG(c.wall_cpu_ns) / 1e3, COUNT(*)
  FROM crypto_ops c JOIN runs r USING (run_id)
  JOIN parameters g ON g.run_id = c.run_id AND g.name = 'policies.lab.phase1.[0].group'
  JOIN parameters b ON b.run_id = c.run_id AND b.name = 'policies.lab.exponent_bits'
  WHERE r.status = 'completed' AND c.kind = 'dh-compute'
  GROUP BY 1, 2 ORDER BY 1, 2;" > "$R/exponent.dat"
[ -s "$R/calibrate.dat" ] && [ -s "$R/exponent.dat" ] || lib_die "no data in $DB"
cpu=$(sed -n 's/^# isakmp calibrate: //p' "$R/calibrate.txt" | head -1)
gnuplot -e "calfile='$R/calibrate.dat'; expfile='$R/exponent.dat'; outfile='$R/02-dh-cost.png'; caption='$(lib_caption "$DB" "$S/scenario.cfg" "calibrate budget $BUDGET s, $cpu")'" "$S/plot.gp"
lib_say "results: $DB, $R/02-dh-cost.png"
