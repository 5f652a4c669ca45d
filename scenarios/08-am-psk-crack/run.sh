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
    out=$(ISAKMP=$ISAKMP scripts/am-psk-crack "$pcap" "$R/wordlist.txt" 2>>"$R/crack.log") || true
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "$which $secs ${out%% *}" >> "$R/crack.dat"
    rate=$(sed -n 's/^isakmp keys: .*(\([0-9]*\) words\/s)$/\1/p' "$R/crack.log" | tail -n 1)
    echo "$which PSK: $out in $secs s (whole script; isakmp keys --crack-psk: $rate words/s, one process)" >> "$R/crack.txt"
    lib_say "$which PSK: $out ($secs s)"
done
# The same candidates tried the way the first version of the tool did: one
# `isakmp keys` process per word (the first 50 words of the dictionary).
eval "$(ISAKMP=$ISAKMP scripts/am-psk-crack --show "$R/weak/08-am-psk-crack-wan-gateway.pcap" |
        awk '{ gsub(/[-^]/, "", $1); print "V_" $1 "=" $2 }')"
t0=$(date +%s.%N)
head -n 50 "$R/wordlist.txt" | while IFS= read -r w; do
    "$ISAKMP" keys --auth psk --hash "$V_hash" --cipher aes128 --psk-text "$w" --ni "$V_Ni_b" --nr "$V_Nr_b" \
        --gxy 00 --cky-i "$V_CKYI" --cky-r "$V_CKYR" --gxi "$V_gxi" --gxr "$V_gxr" --sai "$V_SAi_b" \
        --idir "$V_IDir_b" > /dev/null
done
t1=$(date +%s.%N)
per_proc=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", 50 / (b - a) }')
batch=$(sed -n 's/^isakmp keys: .*(\([0-9]*\) words\/s)$/\1/p' "$R/crack.log" | tail -n 1)
printf '"one process per word" %s\n"isakmp keys --crack-psk" %s\n' "$per_proc" "$batch" > "$R/rate.dat"
echo "rate: one isakmp keys process per word: $per_proc words/s (50 words); --crack-psk: $batch words/s" >> "$R/crack.txt"
cat "$R/crack.txt"
gnuplot -e "datafile='$R/crack.dat'; ratefile='$R/rate.dat'; outfile='$R/08-am-psk-crack.png'; nwords=$nwords; caption='$(lib_caption "$DB" "$S/scenario.cfg" "$nwords-word dictionary, isakmp keys --crack-psk, $(nproc) cores")'" "$S/plot.gp"
lib_say "results: $R/crack.txt, $R/08-am-psk-crack.png"
