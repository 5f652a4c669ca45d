#!/bin/sh
# Scenario 8: capture an Aggressive Mode PSK exchange and recover a weak PSK
# offline.  From the project root:
#   scenarios/08-am-psk-crack/run.sh [--set PATH=VALUE ...]
# Runs the scenario twice (the weak PSK of scenario.cfg, then a strong
# random-looking PSK), attacks the WAN capture of each with
# scripts/am-psk-crack and the scenario's 1188-word dictionary, and writes
# results/08-am-psk-crack/: *.db, */*.pcap, wordlist.txt, crack.dat (one
# line per attack), crack.txt (what was found, how long) and
# 08-am-psk-crack.png.
LIB_NAME=08-am-psk-crack
. scripts/lib-common.sh
lib_need_isakmp
S=scenarios/08-am-psk-crack
R=$RESULTS/08-am-psk-crack
STRONG_PSK=${STRONG_PSK:-"v7Rq-2Lx9-Wm4T-zK8c"}
rm -rf "$R"; mkdir -p "$R"
DB=$R/08-am-psk-crack.db
"$S/make-wordlist.sh" > "$R/wordlist.txt"
nwords=$(wc -l < "$R/wordlist.txt")
weak=$(sed -n 's/^ *psk = "\([^"]*\)".*/\1/p' "$S/scenario.cfg")
lib_say "weak PSK run"
"$ISAKMP" run "$S/scenario.cfg" --quiet --out "$R/weak" --db "$DB" "$@"
lib_say "strong PSK run"
"$ISAKMP" run "$S/scenario.cfg" --quiet --out "$R/strong" --db "$DB" --set policies.road.psk="$STRONG_PSK" "$@"
: > "$R/crack.dat"
{
  echo "# scenario 08-am-psk-crack: offline dictionary attack on Aggressive Mode HASH_R"
  echo "# dictionary: $nwords words ($S/make-wordlist.sh); weak PSK '$weak' at line $(grep -n -x -F "$weak" "$R/wordlist.txt" | cut -d: -f1)"
} > "$R/crack.txt"
for which in weak strong; do
    pcap=$R/$which/08-am-psk-crack-wan-gateway.pcap
    t0=$(date +%s.%N)
    out=$(ISAKMP=$ISAKMP scripts/am-psk-crack --jobs "$JOBS" "$pcap" "$R/wordlist.txt" 2>>"$R/crack.log") || true
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "$which $secs ${out%% *}" >> "$R/crack.dat"
    echo "$which PSK: $out in $secs s ($JOBS jobs, $(nproc) cores)" >> "$R/crack.txt"
    lib_say "$which PSK: $out ($secs s)"
done
cat "$R/crack.txt"
gnuplot -e "datafile='$R/crack.dat'; outfile='$R/08-am-psk-crack.png'; nwords=$nwords; caption='$(lib_caption "$DB" "$S/scenario.cfg" "$nwords-word dictionary, $JOBS jobs, $(nproc) cores")'" "$S/plot.gp"
lib_say "results: $R/crack.txt, $R/08-am-psk-crack.png"
