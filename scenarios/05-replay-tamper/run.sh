#!/bin/sh
# Scenario 5: duplicated, replayed and tampered messages.  From the project root:
#   scenarios/05-replay-tamper/run.sh [--set PATH=VALUE ...]
# Runs today: duplicate.cfg (link duplication: copies of genuine messages).
# replay.cfg and tamper.cfg need the `replay` / `tamper` attackers: run when
# the build simulates them; otherwise the script says so and exits 3 after
# the duplication part (nothing is written for the missing parts).
# Writes results/05-replay-tamper/: 05-replay-tamper.db, fates.dat,
# 05-replay-tamper.png, pcaps under out/.
LIB_NAME=05-replay-tamper
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/05-replay-tamper
R=$RESULTS/05-replay-tamper
rm -rf "$R"; mkdir -p "$R"
DB=$R/05-replay-tamper.db
missing=""
for part in duplicate replay tamper; do
    case $part in
        replay|tamper) if ! lib_attack_available "$part"; then
                           lib_say "part '$part' skipped: ${LIB_ATTACK_ERROR:-attacker not available}"
                           missing="$missing $part"; continue
                       fi ;;
    esac
    lib_say "part $part"
    "$ISAKMP" run "$S/$part.cfg" --quiet --out "$R/out" --db "$DB" "$@"
done
# Per part, at the responder (east) and the initiator (west): messages
# received, by exchange type and number, accepted or dropped (and why).
sqlite3 -separator ' ' "$DB" "
  SELECT r.scenario, m.node,
         CASE m.exchange_type WHEN 2 THEN 'MM' WHEN 4 THEN 'AM' WHEN 32 THEN 'QM' WHEN 5 THEN 'Info' ELSE m.exchange_type END
           || '-' || COALESCE(m.message_no, '?') AS msg,
         SUM(m.dropped_reason IS NULL), SUM(m.dropped_reason IS NOT NULL),
         COALESCE(group_concat(DISTINCT m.dropped_reason), '-')
  FROM messages m JOIN runs r USING (run_id)
  WHERE m.direction = 'in' AND r.status = 'completed'
  GROUP BY r.run_id, m.node, m.exchange_type, m.message_no ORDER BY r.run_id, m.node, m.exchange_type, m.message_no;" > "$R/fates.dat"
sqlite3 -header -column "$DB" "
  SELECT r.scenario, x.phase, SUM(x.outcome = 'completed') AS completed, COUNT(*) AS exchanges,
         SUM(x.retransmissions) AS retransmissions
  FROM exchanges x JOIN runs r USING (run_id) GROUP BY r.run_id, x.phase;" > "$R/outcomes.txt"
cat "$R/outcomes.txt"
gnuplot -e "datafile='$R/fates.dat'; outfile='$R/05-replay-tamper.png'; caption='$(lib_caption "$DB" "$S/*.cfg")'" "$S/plot.gp"
lib_say "results: $DB, $R/fates.dat, $R/05-replay-tamper.png"
if [ -n "$missing" ]; then
    lib_say "NOT RUN (attacker not in this build):$missing"
    exit 3
fi
