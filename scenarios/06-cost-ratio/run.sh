#!/bin/sh
# Scenario 6: the attacker/responder cost ratio per bogus request, as a
# table.  From the project root:  scenarios/06-cost-ratio/run.sh [--set PATH=VALUE ...]
# Writes results/06-cost-ratio/: 06-cost-ratio.db, cost-ratio.md (the
# table), cost-ratio.dat and 06-cost-ratio.png.
# ATTACKER_US: the CPU time charged to the attacker per message it sends
# (default 2, the simulator's per-input overhead; the flood itself is not
# CPU-modelled: it builds each message with no expensive operation and
# reuses one KE for all Aggressive Mode message 1s).
LIB_NAME=06-cost-ratio
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/06-cost-ratio
R=$RESULTS/06-cost-ratio
ATTACKER_US=${ATTACKER_US:-2}
rm -rf "$R"; mkdir -p "$R"
DB=$R/06-cost-ratio.db
for v in main aggressive stateless; do
    case $v in
        main)       sets="--set attack.flood.mode=main" ;;
        aggressive) sets="--set attack.flood.mode=aggressive --set policies.gateway.mode=aggressive" ;;
        stateless)  sets="--set attack.flood.mode=main --set nodes.gw.defence.cookies=true --set nodes.gw.defence.stateless=true" ;;
    esac
    lib_say "variant $v"
    # shellcheck disable=SC2086
    "$ISAKMP" run "$S/scenario.cfg" --quiet --out "$R/out" --db "$DB" $sets "$@"
done

# Per run (variant): bogus requests delivered; responder's expensive
# operations and virtual CPU per request (all of its CPU is the attack's:
# there is no legitimate traffic); bytes in and out per request; peak
# half-open SAs and state; the attacker's recorded crypto operations.
q="
WITH v AS (
  SELECT r.run_id,
         CASE WHEN (SELECT value FROM parameters WHERE run_id = r.run_id AND name = 'nodes.gw.defence.stateless') = 'true' THEN 'stateless'
              ELSE (SELECT value FROM parameters WHERE run_id = r.run_id AND name = 'attack.flood.mode') END AS variant,
         (SELECT delivered FROM attack_traffic a WHERE a.run_id = r.run_id) AS n,
         (SELECT sent FROM attack_traffic a WHERE a.run_id = r.run_id) AS sent
  FROM runs r WHERE r.status = 'completed')
SELECT variant, n,
  (SELECT COUNT(*) FROM crypto_ops c WHERE c.run_id = v.run_id AND c.node = 'gw' AND c.kind = 'dh-generate') * 1.0 / n,
  (SELECT COUNT(*) FROM crypto_ops c WHERE c.run_id = v.run_id AND c.node = 'gw' AND c.kind = 'dh-compute') * 1.0 / n,
  (SELECT COUNT(*) FROM crypto_ops c WHERE c.run_id = v.run_id AND c.node = 'gw' AND c.kind IN ('prf', 'cookie', 'cipher')) * 1.0 / n,
  (SELECT COALESCE(SUM(virtual_ns), 0) FROM crypto_ops c WHERE c.run_id = v.run_id AND c.node = 'gw') / 1000.0 / n,
  (SELECT SUM(s.cpu_busy * n2.cores) * (MAX(s.t_ns) - MIN(s.t_ns)) / (COUNT(*) - 1) / 1000.0
     FROM samples s JOIN nodes n2 ON n2.run_id = s.run_id AND n2.name = s.node
     WHERE s.run_id = v.run_id AND s.node = 'gw') / n,
  (SELECT COALESCE(SUM(size), 0) FROM messages m WHERE m.run_id = v.run_id AND m.node = 'gw' AND m.direction = 'in') * 1.0 / n,
  (SELECT COALESCE(SUM(size), 0) FROM messages m WHERE m.run_id = v.run_id AND m.node = 'gw' AND m.direction = 'out') * 1.0 / n,
  (SELECT MAX(half_open) FROM samples s WHERE s.run_id = v.run_id AND s.node = 'gw'),
  (SELECT MAX(state_bytes) - MIN(state_bytes) FROM samples s WHERE s.run_id = v.run_id AND s.node = 'gw') * 1.0 / n,
  (SELECT COUNT(*) FROM crypto_ops c WHERE c.run_id = v.run_id AND c.node = 'mallory') * 1.0 / sent
FROM v ORDER BY run_id;"
sqlite3 -separator ' ' "$DB" "$q" > "$R/cost-ratio.dat"
[ -s "$R/cost-ratio.dat" ] || lib_die "no runs in $DB"
# cost-ratio.dat: VARIANT N DHGEN DHCOMP PRF/COOKIE CRYPTO_US CPU_US BYTES_IN BYTES_OUT HALF_OPEN STATE_B ATT_OPS
{
  echo "# Cost of one bogus message 1: responder vs attacker (scenario 06-cost-ratio)"
  echo
  echo "$(lib_caption "$DB" "$S/scenario.cfg"). Attacker CPU per message: $ATTACKER_US us (assumed, see README)."
  echo
  echo "| exchange opened | bogus requests | responder DH generate / req | DH compute / req | PRF+cookie / req | responder crypto CPU / req (us) | responder CPU / req (us) | bytes in / req | bytes out / req (incl. retransmissions) | peak half-open SAs | responder state growth / req (B) | attacker crypto ops / req | attacker CPU / req (us) | responder/attacker CPU ratio |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -v au="$ATTACKER_US" '{
      name = ($1 == "main") ? "Main Mode" : ($1 == "aggressive") ? "Aggressive Mode" : "Main Mode, stateless responder"
      printf "| %s | %d | %.2f | %.2f | %.2f | %.1f | %.1f | %.0f | %.0f | %d | %.0f | %.4f | %.1f | %.0f |\n", \
          name, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, au, $7 / au
  }' "$R/cost-ratio.dat"
} > "$R/cost-ratio.md"
cat "$R/cost-ratio.md"
gnuplot -e "datafile='$R/cost-ratio.dat'; outfile='$R/06-cost-ratio.png'; au=$ATTACKER_US; caption='$(lib_caption "$DB" "$S/scenario.cfg")'" "$S/plot.gp"
lib_say "results: $R/cost-ratio.md, $R/06-cost-ratio.png"
