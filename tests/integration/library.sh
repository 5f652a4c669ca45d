#!/bin/sh
# The scenario library, quickly: scenarios 1 and 3 with one replication and
# short durations (their figures and data must appear, with the expected
# shape), and scenario 8's Aggressive Mode PSK cracker against a weak PSK
# (must be recovered) and a strong one (must not).
# Usage: tests/integration/library.sh BUILD_DIR   (run from the project root)
B=${1:-build}
ISAKMP=${ISAKMP:-$B/bin/isakmp}
export ISAKMP BUILD="$B"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
RESULTS=$T/results; export RESULTS
fails=0
ok() { echo "ok - $1"; }
notok() { echo "not ok - $1${2:+: $2}"; fails=$((fails + 1)); }
png_ok() { [ -s "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' ')" = 89504e47 ]; }

# ---- scenario 1: 50 points, one replication, 5 exchanges each
if scenarios/01-latency-loss/run.sh --set sweep.replications=1 --set duration=100s >"$T/s1.log" 2>&1; then
    R=$RESULTS/01-latency-loss
    n=$(sqlite3 "$R/01-latency-loss.db" "SELECT COUNT(*) FROM runs WHERE status = 'completed'")
    # Main Mode phase 1 takes 3 round trips, Aggressive Mode 1, at RTT 200 ms without loss
    mm=$(awk '$1 == "main" && $2 == 200 && $3 == 0 && $4 == 1 { print int($5) }' "$R/01-latency-loss.dat")
    am=$(awk '$1 == "aggressive" && $2 == 200 && $3 == 0 && $4 == 1 { print int($5) }' "$R/01-latency-loss.dat")
    rt=$(awk '$1 == "main" && $2 == 100 && $4 == 1 { r[$3] = $7 } END { print (r["0.3"] > r["0"]) ? "more" : "same" }' "$R/01-latency-loss.dat")
    if [ "$n" = 50 ] && png_ok "$R/01-latency-loss.png" && [ "${mm:-0}" -ge 600 ] && [ "${mm:-0}" -lt 700 ] &&
       [ "${am:-0}" -ge 200 ] && [ "${am:-0}" -lt 260 ] && [ "$rt" = more ]; then
        ok "scenario 1: 50 runs, figure drawn; RTT 200 ms: Main Mode $mm ms (3 RTT), Aggressive $am ms (1 RTT); loss adds retransmissions"
    else
        notok "scenario 1" "runs $n, MM $mm ms, AM $am ms, retransmissions $rt; $(tail -3 "$T/s1.log")"
    fi
else
    notok "scenario 1 run.sh" "$(tail -5 "$T/s1.log")"
fi

# ---- scenario 3: no defence vs stateless, 8 s runs
if DEFENCES="none stateless" scenarios/03-flood-defences/run.sh --set sweep.replications=1 --set duration=8s \
     --set attack.flood.start=1s --set attack.flood.stop=7s >"$T/s3.log" 2>&1; then
    R=$RESULTS/03-flood-defences
    rows=$(wc -l < "$R/03-flood-defences.dat")
    hn=$(awk '$1 == "none" && $2 == 2000 { print int($6) }' "$R/03-flood-defences.dat")
    hs=$(awk '$1 == "stateless" && $2 == 2000 { print int($6) }' "$R/03-flood-defences.dat")
    if [ "$rows" = 12 ] && png_ok "$R/03-flood-defences.png" && [ "${hn:-0}" -gt 1000 ] && [ "${hs:-99}" -le 8 ]; then
        ok "scenario 3: 12 points, figure drawn; at 2000 msg/s half-open SAs: none $hn, stateless $hs"
    else
        notok "scenario 3" "rows $rows, half-open none $hn stateless $hs; $(tail -3 "$T/s3.log")"
    fi
else
    notok "scenario 3 run.sh" "$(tail -5 "$T/s3.log")"
fi

# ---- scenario 8: the cracker, on a 40-word dictionary
S=scenarios/08-am-psk-crack
weak=$(sed -n 's/^ *psk = "\([^"]*\)".*/\1/p' "$S/scenario.cfg")
{ "$S/make-wordlist.sh" | head -39; echo "$weak"; } > "$T/words"
if "$ISAKMP" run "$S/scenario.cfg" --quiet --out "$T/weak" >/dev/null 2>"$T/err" &&
   "$ISAKMP" run "$S/scenario.cfg" --quiet --out "$T/strong" --set policies.road.psk=Qm7-vX2p-9LkR >/dev/null 2>>"$T/err"; then
    out=$(scripts/am-psk-crack "$T/weak/08-am-psk-crack-wan-gateway.pcap" "$T/words" 2>"$T/c1")
    [ "$out" = "FOUND $weak" ] && ok "am-psk-crack recovers the weak PSK '$weak' from the capture ($(cat "$T/c1"))" ||
        notok "am-psk-crack weak PSK" "got '$out': $(cat "$T/c1")"
    out=$(scripts/am-psk-crack "$T/strong/08-am-psk-crack-wan-gateway.pcap" "$T/words" 2>"$T/c2"); rc=$?
    [ "$out" = "NOT FOUND" ] && [ $rc = 1 ] && ok "am-psk-crack fails on a strong PSK (exit 1, all 40 words tried)" ||
        notok "am-psk-crack strong PSK" "rc $rc, '$out': $(cat "$T/c2")"
    scripts/am-psk-crack "$T/weak/08-am-psk-crack-wan-laptop.pcap" "$T/words" >/dev/null 2>&1 &&
        ok "am-psk-crack works from the other end's capture too" || notok "am-psk-crack laptop capture"
    # a Main Mode capture has no Aggressive Mode HASH_R: exit 2
    "$ISAKMP" run scenarios/basic-main-mode.cfg --quiet --out "$T/mm" >/dev/null 2>&1
    scripts/am-psk-crack "$(ls "$T"/mm/*.pcap | head -1)" "$T/words" >/dev/null 2>&1; rc=$?
    [ $rc = 2 ] && ok "am-psk-crack refuses a Main Mode capture (exit 2)" || notok "am-psk-crack on Main Mode" "rc $rc"
else
    notok "scenario 8 runs" "$(cat "$T/err")"
fi
exit $fails
