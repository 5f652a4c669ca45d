#!/bin/sh
# The attackers of `isakmp run`: the KE flood (cookie-completing, from a real
# address) against stateless cookies, the on-path replayer and tamperer, and
# the spoofed flood sent through the attacker's own stack (pcap counts).
# Usage: tests/integration/sim_attacks.sh BUILD_DIR   (run from the project root)
B=${1:-build}
. "$(dirname "$0")/sim/common.sh"
ctr() { # db attack pattern -> sum of matching counters
    q "$1" "SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE attack = '$2' AND counter LIKE '$3'"
}
run() { # cfg outdir
    "$ISAKMP" run "$1" --quiet --out "$2" >/dev/null 2>"$T/err" || { notok "run $(basename "$1")" "$(cat "$T/err")"; return 1; }
}

# ---- KE flood vs stateless cookies --------------------------------------------------
# Responder: DH generate 1 ms + DH compute 1 ms (both at message 3), 2 us per input,
# everything else free.  Each KE attempt costs it 2 inputs (messages 1, 3) + 2.000 ms,
# plus its message-4 resends (2) and the expiry (1): 3 timer inputs, so
# busy = rate x 2.010 ms (250/s: 0.5025) and saturation at 1 / 2.010 ms = 497.5 attempts/s.
flood() { # $1 kind, $2 rate
cat > "$T/f.cfg" <<CFG
name = "kef"; seed = 3; duration = "6s"; sample_period = "500ms";
policies = { p = { mode = "main"; auth = "psk"; psk = "k";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; } );
  exponent = "short"; exponent_bits = 256;
  retransmit = { initial = "500ms"; factor = 2; cap = "2s"; tries = 3; }; }; };
nodes = {
  r = { address = "10.0.0.1"; role = "responder"; policy = "p"; cpu_overhead = "2us";
        defence = { cookies = true; stateless = true; };
        costs = ( { kind = "dh-generate"; group = "modp2048"; bits = 256; cost = "1ms"; },
                  { kind = "dh-compute"; group = "modp2048"; bits = 256; cost = "1ms"; },
                  { kind = "prf"; cost = 0; }, { kind = "cipher"; cost = 0; }, { kind = "cookie"; cost = 0; } ); };
  i = { address = "10.0.0.2"; role = "initiator"; policy = "p";
        initiate = { start = "1.3s"; interval = "250ms"; count = 12; }; };
  m = { address = "10.0.0.66"; role = "attacker"; };
};
links = { lan = { type = "csma"; nodes = ["r", "i", "m"]; rate = "1Gbps"; delay = "100us"; }; };
attack = { f = { kind = "$1"; node = "m"; target = "r"; start = "1s"; stop = "5s"; rate = $2; }; };
CFG
}
for k in ke-250 ke-1000 spoof-1000; do
    case $k in ke-*) flood ke-flood "${k#ke-}" ;; *) flood spoofed-flood 1000 ;; esac
    run "$T/f.cfg" "$T/$k" || continue
    db=$T/$k/kef.db
    eval "busy_${k%-*}_${k#*-}=\$(q $db \"SELECT ROUND(AVG(cpu_busy), 4) FROM samples WHERE node='r' AND t_ns > 1500000000 AND t_ns <= 5000000000\")"
    eval "dh_${k%-*}_${k#*-}=\$(q $db \"SELECT COUNT(*) / 3.5 FROM crypto_ops WHERE node='r' AND kind='dh-compute' AND t_ns >= 1500000000 AND t_ns < 5000000000\")"
    eval "legit_${k%-*}_${k#*-}=\$(q $db \"SELECT SUM(outcome='completed') FROM exchanges\")"
    eval "lat_${k%-*}_${k#*-}=\$(q $db \"SELECT CAST(AVG(end_ns - start_ns) / 1000 AS INTEGER) FROM exchanges WHERE phase = 1 AND outcome = 'completed'\")"
done
db=$T/ke-250/kef.db
c="$(ctr "$db" f attempts)/$(ctr "$db" f answered)/$(ctr "$db" f ke-sent)/$(ctr "$db" f completed)"
if [ "$c" = "1000/1000/1000/1000" ] && [ "$(ctr "$db" f attacker-dh-generate)" = 1 ] &&
   awk -v b="$busy_ke_250" -v d="$dh_ke_250" 'BEGIN { exit !(b > 0.495 && b < 0.515 && d > 245 && d < 256) }'; then
    ok "KE flood 250/s through stateless cookies: attempts/answered/KE sent/completed $c, responder busy $busy_ke_250 (predicted 0.5025), $dh_ke_250 DH/s; attacker made 1 DH value in all"
else
    notok "KE flood 250/s" "counters $c, busy $busy_ke_250 (0.5025 predicted), DH/s $dh_ke_250, attacker DH $(ctr "$db" f attacker-dh-generate)"
fi
if awk -v b="$busy_ke_1000" -v d="$dh_ke_1000" 'BEGIN { exit !(b > 0.99 && d > 485 && d < 500) }' &&
   [ "${lat_ke_1000:-0}" -gt $((10 * ${lat_ke_250:-1000000})) ] && [ "${legit_spoof_1000:-0}" = 12 ] &&
   awk -v b="$busy_spoof_1000" 'BEGIN { exit !(b < 0.05) }'; then
    ok "KE flood 1000/s saturates the stateless responder (busy $busy_ke_1000, $dh_ke_1000 DH/s, predicted 497.5): legitimate phase 1 takes $lat_ke_1000 us on average vs $lat_ke_250 us at 250/s ($legit_ke_1000 and $legit_ke_250 of 12 completed); a spoofed flood at 1000/s is stopped (busy $busy_spoof_1000, $legit_spoof_1000/12)"
else
    notok "KE flood 1000/s" "busy $busy_ke_1000, DH/s $dh_ke_1000, legitimate latency $lat_ke_1000 vs $lat_ke_250 us ($legit_ke_1000, $legit_ke_250 of 12); spoofed: busy $busy_spoof_1000, legitimate $legit_spoof_1000"
fi

# ---- two hosts, three Main Mode + Quick Mode exchanges, an on-path attack at b ---------
pair() { # $1 name, $2 attack group ('' = none)
att=""; [ -n "$2" ] && att="attack = { $2 };"
cat > "$T/$1.cfg" <<CFG
name = "$1"; seed = 7; run = 1; duration = "10s"; sample_period = "1s";
policies = { p = { mode = "main"; auth = "psk"; psk = "sim-test-key";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; lifetime = "8h"; } );
  phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; keylen = 128;
                               auth = "hmac-sha1"; encap = "tunnel"; } ); pfs = "none"; lifetime = "1h"; } );
  exponent = "short"; exponent_bits = 256;
  retransmit = { initial = "1s"; factor = 2; cap = "8s"; tries = 4; }; }; };
nodes = {
  a = { address = "10.0.0.1"; role = "initiator"; policy = "p";
        initiate = { peer = "b"; start = "100ms"; count = 3; interval = "2s"; quick_modes = 1; }; };
  b = { address = "10.0.0.2"; role = "responder"; policy = "p"; };
};
links = { l = { type = "p2p"; nodes = ["a", "b"]; rate = "10Mbps"; delay = "5ms"; queue = 100; }; };
$att
output = { pcap = true; trace = true; };
CFG
}
sas() { q "$1" "SELECT group_concat(established, ',') FROM (SELECT established FROM samples WHERE node='b' ORDER BY t_ns)"; }

pair base ''
run "$T/base.cfg" "$T/base" && base_sas=$(sas "$T/base/base.db")

# ---- replay: every ISAKMP message b receives, again 1 s later (exchange over) and,
# for message 1, 3 copies 2 ms later (exchange alive)
pair rp 'late = { kind = "replay"; link = "l"; at = "b"; delay = "1s"; };
         soon = { kind = "replay"; link = "l"; at = "b"; exchange = "main"; messages = [1]; delay = "2ms"; copies = 3; };'
if run "$T/rp.cfg" "$T/rp1" && run "$T/rp.cfg" "$T/rp2"; then
    db=$T/rp1/rp.db
    # per message: every capture replayed (copies = 1 / 3), late replays of all 5 kinds
    bad=$(q "$db" "SELECT COUNT(*) FROM (SELECT a.attack, a.counter, a.value AS c,
             (SELECT value FROM attack_counters b WHERE b.attack = a.attack AND
              b.counter = replace(a.counter, '.captured', '.replayed')) AS r
           FROM attack_counters a WHERE a.counter LIKE '%.captured')
         WHERE r IS NOT c * CASE attack WHEN 'soon' THEN 3 ELSE 1 END")
    kinds=$(q "$db" "SELECT group_concat(counter, ' ') FROM (SELECT counter FROM attack_counters WHERE attack = 'late' AND counter LIKE '%.replayed' ORDER BY counter)")
    sent=$(q "$db" "SELECT SUM(sent) FROM attack_traffic"); deliv=$(q "$db" "SELECT SUM(delivered) FROM attack_traffic")
    reacted=$(q "$db" "SELECT SUM(value) FROM attack_counters WHERE counter LIKE '%.replay-rejected' OR counter LIKE '%.duplicate' OR counter LIKE '%.duplicate-answered' OR counter LIKE '%.rejected'")
    accepted=$(q "$db" "SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter LIKE '%.accepted' OR counter LIKE '%.ignored'")
    xs=$(q "$db" "SELECT group_concat(outcome, ' ') FROM exchanges")
    if [ "$bad" = 0 ] && [ "$kinds" = "main.1.replayed main.3.replayed main.5.replayed quick.1.replayed quick.3.replayed" ] &&
       [ "$sent" -ge 24 ] && [ "$deliv" = "$sent" ] && [ "$reacted" = "$sent" ] && [ "$accepted" = 0 ] &&
       [ "$(sas "$db")" = "$base_sas" ] && [ -n "$base_sas" ] &&
       [ "$xs" = "completed completed completed completed completed completed" ]; then
        ok "replay: $sent replayed messages all rejected or answered as duplicates by b (0 accepted), per-message captured/replayed counts agree, established SAs unchanged ($base_sas)"
    else
        notok "replay" "mismatched per-message counts $bad, kinds '$kinds'; sent $sent delivered $deliv rejected/duplicate $reacted accepted $accepted; SAs $(sas "$db") vs $base_sas; exchanges $xs"
    fi
    r=$(q "$db" "SELECT group_concat(counter || '=' || value, ' ') FROM (SELECT * FROM attack_counters WHERE counter NOT LIKE '%captured' AND counter NOT LIKE '%replayed' ORDER BY attack, counter)")
    echo "# replay reactions: $r"
    dump() { q "$1" "SELECT attack, counter, value FROM attack_counters ORDER BY 1, 2; SELECT * FROM messages ORDER BY msg_id" | cut -d'|' -f2-; }
    same=1
    for p in "$T"/rp1/*.pcap; do cmp -s "$p" "$T/rp2/$(basename "$p")" || same=0; done
    if [ $same = 1 ] && [ "$(dump "$db")" = "$(dump "$T/rp2/rp.db")" ]; then
        ok "replay: two runs give identical counters, trace and pcaps"
    else
        notok "replay determinism"
    fi
fi

# ---- tamper: truncating one message 3 -> rejected, then the retransmission completes
pair tr 't = { kind = "tamper"; link = "l"; at = "b"; exchange = "main"; messages = [3]; max_count = 1; action = "truncate"; truncate_by = 10; };'
if run "$T/tr.cfg" "$T/tr"; then
    db=$T/tr/tr.db
    t=$(ctr "$db" t main.3.tampered); rj=$(ctr "$db" t main.3.rejected); acc=$(ctr "$db" t %.accepted)
    xs=$(q "$db" "SELECT group_concat(outcome || ':' || retransmissions, ' ') FROM exchanges")
    rt=$(q "$db" "SELECT COUNT(*) FROM messages WHERE node='a' AND direction='out' AND exchange_type=2 AND message_no=3 AND retransmission=1")
    if [ "$t" = 1 ] && [ "$rj" = 1 ] && [ "$acc" = 0 ] && [ "$rt" -ge 1 ] &&
       [ "$(q "$db" "SELECT SUM(outcome='completed') FROM exchanges")" = 6 ]; then
        ok "tamper truncate: the one altered message 3 rejected ($(q "$db" "SELECT group_concat(counter, ',') FROM attack_counters WHERE counter LIKE 'main.3.rejected:%'")), all 6 exchanges completed after $rt retransmission(s) of message 3"
    else
        notok "tamper truncate" "tampered $t rejected $rj accepted $acc, message-3 retransmissions $rt, exchanges $xs"
    fi
fi

# ---- tamper: a bit flip in every encrypted message 5, and a KE from another exchange
# in every message 3: no altered message leads to an established SA
pair bf 't = { kind = "tamper"; link = "l"; at = "b"; exchange = "main"; messages = [5]; action = "bitflip"; bits = 1; };'
pair sw 't = { kind = "tamper"; link = "l"; at = "b"; exchange = "main"; messages = [3]; action = "swap"; swap = ["ke"]; };'
for x in bf sw; do
    run "$T/$x.cfg" "$T/$x" || continue
    db=$T/$x/$x.db
    t=$(ctr "$db" t %.tampered); rj=$(ctr "$db" t %.rejected); acc=$(ctr "$db" t %.accepted)
    lf=$(ctr "$db" t %.later-failed%); lc=$(ctr "$db" t %.later-completed); nd=$(ctr "$db" t %.skipped-no-donor)
    done1=$(q "$db" "SELECT SUM(outcome='completed') FROM exchanges WHERE phase=1")
    # bitflip: every tampered message 5 is rejected at once or accepted and its exchange fails;
    # swap: the first message 3 has no donor (passes), the 2 others are accepted and fail at message 5
    if [ "$t" -gt 0 ] && [ $((rj + acc)) = "$t" ] && [ "$acc" = "$lf" ] && [ "$lc" = 0 ] &&
       { { [ $x = bf ] && [ "$done1" = 0 ]; } || { [ $x = sw ] && [ "$nd" = 1 ] && [ "$t" = 2 ] && [ "$done1" = 1 ]; }; }; then
        ok "tamper $x: $t altered: $rj rejected at once, $acc accepted then their exchange failed ($lf), 0 completed; phase-1 completed $done1/3"
    else
        notok "tamper $x" "tampered $t rejected $rj accepted $acc later-failed $lf later-completed $lc no-donor $nd, phase 1 completed $done1"
    fi
done

# ---- the spoofed flood through the attacker's own stack (via = "stack"): every frame is
# on the wire at 1000/s when the CSMA segment can carry it (delay 100 us); with 2 ms a
# CSMA segment (busy for transmission + propagation) carries <= 1 / 2.013 ms = 497 frames/s
F=scenarios/default-flood.cfg
for d in 100us 2ms; do
    if "$ISAKMP" run $F --quiet --out "$T/v$d" --set duration=4.5s --set attack.flood.start=1s \
         --set attack.flood.stop=4s --set attack.flood.rate=1000 --set attack.flood.via=stack \
         --set links.lan.delay=$d --set nodes.gw.pcap=true >/dev/null 2>"$T/err"; then
        eval "wire_$d=\$(tshark -r $T/v$d/default-flood-0-1.pcap -Y 'ip.src==198.51.100.0/24 || ip.src==203.0.113.0/24' 2>/dev/null | wc -l)"
        eval "sent_$d=\$(q $T/v$d/default-flood.db 'SELECT sent FROM attack_traffic')"
    else
        notok "flood via stack ($d)" "$(cat "$T/err")"
    fi
done
if ! command -v tshark >/dev/null; then
    echo "ok - flood via the attacker's stack # SKIP tshark not installed"
elif [ "$sent_100us" = 3000 ] && [ "$wire_100us" = 3000 ] && [ "${wire_2ms:-0}" -gt 0 ] && [ "$wire_2ms" -le $((3 * 497)) ]; then
    ok "spoofed flood via the attacker's stack: 3000/3000 frames in the pcap at 1000/s (CSMA delay 100 us); $wire_2ms with 2 ms delay (segment limit 497/s)"
else
    notok "flood via stack" "sent $sent_100us, on the wire $wire_100us (delay 100 us), $wire_2ms (delay 2 ms)"
fi
exit $fails
