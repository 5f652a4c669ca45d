#!/bin/sh
# Network conditions that change during a run (delay, rate, reordering in
# virtual time), loss of named protocol messages, and a scenario mistake in
# them.  Every figure is computed from the results database and compared
# with what the link parameters and the cost table predict.
# Usage: tests/integration/sim_conditions.sh BUILD_DIR   (run from the project root)
B=${1:-build}
. "$(dirname "$0")/sim/common.sh"
run() { # cfg outdir
    timeout 120 "$ISAKMP" run "$1" --quiet --out "$2" >/dev/null 2>"$T/err" ||
        { notok "run $(basename "$1")" "$(cat "$T/err")"; return 1; }
}

# Two hosts on a p2p link, round cost figures (sim_run.sh's): DH generate 3 ms,
# DH compute 4 ms, PRF/cipher/cookie free, 3 us per work item.
costs='( { kind = "dh-generate"; group = "modp2048"; bits = 256; cost = "3ms"; },
         { kind = "dh-compute"; group = "modp2048"; bits = 256; cost = "4ms"; },
         { kind = "prf"; cost = 0; }, { kind = "cipher"; cost = 0; }, { kind = "cookie"; cost = 0; } )'
# Variables: DUR (run length), LDELAY (the link's delay), RINIT (the responder's
# first retransmission wait; the initiator's is 1 s).
pair() { # $1 name, $2 initiate settings, $3 link extra, $4 top-level extra
cat > "$T/$1.cfg" <<CFG
name = "$1"; seed = 7; run = 1; duration = "${DUR:-12s}"; sample_period = "1s";
policies = { p = { mode = "main"; auth = "psk"; psk = "sim-test-key";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; lifetime = "8h"; } );
  phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; keylen = 128;
                               auth = "hmac-sha1"; encap = "tunnel"; } ); pfs = "none"; lifetime = "1h"; } );
  exponent = "short"; exponent_bits = 256;
  retransmit = { initial = "1s"; factor = 2; cap = "8s"; tries = 4; }; };
  r = { mode = "main"; auth = "psk"; psk = "sim-test-key";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; lifetime = "8h"; } );
  phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; keylen = 128;
                               auth = "hmac-sha1"; encap = "tunnel"; } ); pfs = "none"; lifetime = "1h"; } );
  exponent = "short"; exponent_bits = 256;
  retransmit = { initial = "${RINIT:-1s}"; factor = 2; cap = "8s"; tries = 4; }; }; };
nodes = {
  a = { address = "10.0.0.1"; role = "initiator"; policy = "p"; cpu_overhead = "3us"; costs = $costs;
        initiate = { peer = "b"; $2 quick_modes = 1; }; };
  b = { address = "10.0.0.2"; role = "responder"; policy = "r"; cpu_overhead = "3us"; costs = $costs; };
};
links = { l = { type = "p2p"; nodes = ["a", "b"]; rate = "10Mbps"; delay = "${LDELAY:-5ms}"; queue = 100; $3 }; };
output = { pcap = true; trace = true; };
$4
CFG
}

# ---- 1. delay, rate and reordering change in virtual time ---------------------------
# Five MM + QM exchanges, 2 s apart.  Each is done at the responder (QM message 3 in)
#   start + 2 x 3 ms + 2 x 4 ms + 9 items x 3 us + 9 one-way delays + 9 transmissions,
# with the delay, the rate (ns per byte on the wire) and any hold of the moment:
#   0.1 s  delay 5 ms,  10 Mbit/s
#   2.1 s  delay 20 ms  (condition 2 s .. 4 s)
#   4.1 s  delay 5 ms   (restored)
#   6.1 s  1 Mbit/s     (condition 6 s .. 8 s)
#   8.1 s  every frame held back 50 ms (reorder = 1, condition 8 s .. 10 s)
pair cond 'start = "100ms"; count = 5; interval = "2s";' '' \
'conditions = ( { start = "2s"; stop = "4s"; link = "l"; delay = "20ms"; },
               { start = "6s"; stop = "8s"; link = "l"; rate = "1Mbps"; },
               { start = "8s"; stop = "10s"; link = "l"; reorder = 1.0; reorder_delay = "50ms"; } );'
if run "$T/cond.cfg" "$T/c"; then
    db=$T/c/cond.db
    xs=$(q "$db" "SELECT group_concat(phase || ':' || outcome || ':' || retransmissions, ' ') FROM exchanges")
    good=0; report=""
    k=0
    for spec in "5000000 800 0" "20000000 800 0" "5000000 800 0" "5000000 8000 0" "5000000 800 50000000"; do
        set -- $spec; delay=$1; perbyte=$2; hold=$3
        s=$((100000000 + k * 2000000000)); e=$((s + 1900000000))
        done_at=$(q "$db" "SELECT MIN(t_ns) FROM messages WHERE node='b' AND direction='in' AND exchange_type=32 AND message_no=3 AND t_ns BETWEEN $s AND $e")
        tx=$(q "$db" "SELECT SUM((size + 30) * $perbyte) FROM messages WHERE direction='out' AND retransmission=0 AND exchange_type IN (2, 32) AND t_ns BETWEEN $s AND $e")
        n9=$(q "$db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND retransmission=0 AND exchange_type IN (2, 32) AND t_ns BETWEEN $s AND $e")
        expect=$((s + 2 * 3000000 + 2 * 4000000 + 9 * 3000 + 9 * delay + 9 * hold + tx))
        diff=$((${done_at:-0} - expect)); [ $diff -lt 0 ] && diff=$((-diff))
        [ "$n9" = 9 ] && [ $diff -le 20 ] && good=$((good + 1))
        report="$report $((${done_at:-0} - s))/$((expect - s))"
        k=$((k + 1))
    done
    if [ $good = 5 ] && [ "$xs" = "1:completed:0 2:completed:0 1:completed:0 2:completed:0 1:completed:0 2:completed:0 1:completed:0 2:completed:0 1:completed:0 2:completed:0" ]; then
        ok "conditions: MM+QM latency (measured/predicted ns)$report: delay 5 ms -> 20 ms at 2 s -> 5 ms at 4 s, 1 Mbit/s at 6 s, 50 ms hold at 8 s"
    else
        notok "conditions: latency per delay" "measured/predicted:$report; exchanges $xs"
    fi
    # Latency difference between delay 20 ms and 5 ms: exactly 9 x 15 ms
    l1=$(q "$db" "SELECT end_ns - start_ns FROM exchanges WHERE phase = 1 ORDER BY exchange_id LIMIT 1")
    l2=$(q "$db" "SELECT end_ns - start_ns FROM exchanges WHERE phase = 1 ORDER BY exchange_id LIMIT 1 OFFSET 1")
    [ $((l2 - l1)) = $((6 * 15000000)) ] && ok "conditions: phase-1 latency at the initiator grows by 6 one-way delays x 15 ms ($l1 -> $l2 ns)" ||
        notok "conditions: phase-1 latency difference" "$l1 -> $l2 (expected +90000000)"
fi

# A frame on the wire keeps its delay: with a cut from 200 ms to 5 ms while
# message 1 flies, message 2's answer overtakes nothing but message 1 still
# needs its 200 ms.
LDELAY=200ms pair cut 'start = "100ms"; count = 1;' '' \
'conditions = ( { start = "150ms"; link = "l"; delay = "5ms"; } );'
if run "$T/cut.cfg" "$T/cut"; then
    db=$T/cut/cut.db
    m1=$(q "$db" "SELECT t_ns FROM messages WHERE node='b' AND direction='in' AND exchange_type=2 AND message_no=1")
    m1s=$(q "$db" "SELECT t_ns FROM messages WHERE node='a' AND direction='out' AND exchange_type=2 AND message_no=1")
    m2=$(q "$db" "SELECT t_ns FROM messages WHERE node='a' AND direction='in' AND exchange_type=2 AND message_no=2")
    m2s=$(q "$db" "SELECT t_ns FROM messages WHERE node='b' AND direction='out' AND exchange_type=2 AND message_no=2")
    d1=$((m1 - m1s)); d2=$((m2 - m2s))
    # out row: the datagram leaves; in row: the receiver's engine takes it (no queue here)
    if [ $d1 -gt 200000000 ] && [ $d1 -lt 201000000 ] && [ $d2 -gt 5000000 ] && [ $d2 -lt 6000000 ]; then
        ok "conditions: a frame sent before the cut keeps 200 ms ($d1 ns), the next one takes 5 ms ($d2 ns)"
    else
        notok "conditions: delay cut" "message 1 took $d1 ns, message 2 $d2 ns"
    fi
fi

# ---- 2. named messages -------------------------------------------------------------
# Main Mode message 5 (encrypted) lost once at the responder: the initiator resends it
# exactly once, at its back-off time: 1 s (retransmit initial) after the engine call
# that sent it (the work item that took message 4, whose 'in' row marks its start),
# plus that timer item's 3 us; the exchange completes.  The responder waits 3 s
# before resending message 4 (RINIT), so only the initiator's back-off acts (with
# 1 s it resends message 4 first, and the initiator answers that duplicate with
# message 5: a second resend, also correct behaviour).
RINIT=3s pair mm5 'start = "100ms"; count = 1;' 'errors = { at = "b"; drop = { exchange = "main"; message = 5; count = 1; }; };'
if run "$T/mm5.cfg" "$T/mm5"; then
    db=$T/mm5/mm5.db
    m4in=$(q "$db" "SELECT t_ns FROM messages WHERE node='a' AND direction='in' AND exchange_type=2 AND message_no=4")
    sent=$(q "$db" "SELECT group_concat(t_ns || ':' || retransmission, ' ') FROM (SELECT * FROM messages WHERE node='a' AND direction='out' AND exchange_type=2 AND message_no=5 ORDER BY t_ns)")
    got=$(q "$db" "SELECT COUNT(*) FROM messages WHERE node='b' AND direction='in' AND exchange_type=2 AND message_no=5")
    other=$(q "$db" "SELECT COUNT(*) FROM messages WHERE direction='out' AND retransmission=1 AND NOT (node='a' AND exchange_type=2 AND message_no=5)")
    xs=$(q "$db" "SELECT group_concat(phase || ':' || outcome || ':' || retransmissions, ' ') FROM exchanges")
    set -- $(echo "$sent" | tr ':' ' ')
    if [ $# = 4 ] && [ "$2" = 0 ] && [ "$4" = 1 ] && [ $(($3 - ${m4in:-0})) = 1000003000 ] && [ "$got" = 1 ] &&
       [ "$other" = 0 ] && [ "$xs" = "1:completed:1 2:completed:0" ]; then
        ok "named loss: Main Mode message 5 lost once -> one retransmission at its back-off time (sent at $1 and $3 ns; message 4 taken at $m4in + 1 s + 3 us), received once, exchanges $xs"
    else
        notok "named loss MM 5" "sent $sent (message 4 in at $m4in), received $got, other retransmissions $other, exchanges $xs"
    fi
fi
# Quick Mode message 2 (from the responder) lost once at the initiator.
pair qm2 'start = "100ms"; count = 1;' 'errors = { at = "a"; drop = { exchange = "quick"; message = 2; from = "responder"; }; };'
if run "$T/qm2.cfg" "$T/qm2"; then
    db=$T/qm2/qm2.db
    sent=$(q "$db" "SELECT group_concat(t_ns || ':' || retransmission, ' ') FROM (SELECT * FROM messages WHERE node='b' AND direction='out' AND exchange_type=32 AND message_no=2 ORDER BY t_ns)")
    qm1=$(q "$db" "SELECT group_concat(t_ns || ':' || retransmission, ' ') FROM (SELECT * FROM messages WHERE node='a' AND direction='out' AND exchange_type=32 AND message_no=1 ORDER BY t_ns)")
    got=$(q "$db" "SELECT COUNT(*) FROM messages WHERE node='a' AND direction='in' AND exchange_type=32 AND message_no=2")
    xs=$(q "$db" "SELECT group_concat(phase || ':' || outcome || ':' || retransmissions, ' ') FROM exchanges")
    set -- $(echo "$sent" | tr ':' ' ')
    if [ $# = 4 ] && [ "$2" = 0 ] && [ "$4" = 1 ] && [ $(($3 - $1)) = 1000000000 ] &&
       [ "$got" = 1 ] && [ "${xs%% *}" = "1:completed:0" ] && [ "${xs#* }" = "2:completed:${qm1_r:-1}" ]; then
        ok "named loss: Quick Mode message 2 lost once -> resent once exactly 1 s later (its back-off) ($sent; initiator's QM 1: $qm1), received once, exchanges $xs"
    else
        notok "named loss QM 2" "QM2 sent $sent, QM1 sent $qm1, received $got, exchanges $xs"
    fi
fi
# count = 0: every Main Mode message 3 lost -> the exchange times out after its 4 tries
# (sent at +0, +1, +3, +7 s, given up 8 s later)
DUR=20s pair mm3 'start = "100ms"; count = 1;' 'errors = { at = "b"; drop = { exchange = "main"; message = 3; count = 0; }; };'
if run "$T/mm3.cfg" "$T/mm3"; then
    db=$T/mm3/mm3.db
    n=$(q "$db" "SELECT COUNT(*) FROM messages WHERE node='a' AND direction='out' AND exchange_type=2 AND message_no=3")
    got=$(q "$db" "SELECT COUNT(*) FROM messages WHERE node='b' AND direction='in' AND exchange_type=2 AND message_no=3")
    xs=$(q "$db" "SELECT outcome FROM exchanges WHERE phase = 1")
    [ "$n" = 4 ] && [ "$got" = 0 ] && [ "$xs" = timeout ] &&
        ok "named loss: count = 0 loses all 4 transmissions of message 3, the exchange times out" ||
        notok "named loss count 0" "sent $n, received $got, outcome $xs"
fi

# ---- 3. mistakes are refused with file:line -----------------------------------------
pair bad1 'start = "100ms";' 'errors = { drop = { exchange = "main"; message = 7; }; };'
"$ISAKMP" run "$T/bad1.cfg" --out "$T/bad1" >/dev/null 2>"$T/err"; rc=$?
grep -q "bad1.cfg:[0-9]*: link 'l': errors: drop: main has messages 1 to 6" "$T/err" && [ $rc = 2 ] &&
    ok "scenario error: $(cat "$T/err")" || notok "named drop range error" "rc $rc: $(cat "$T/err")"
pair bad2 'start = "100ms";' '' 'conditions = ( { start = "1s"; link = "l"; at = "a"; delay = "9ms"; } );'
"$ISAKMP" run "$T/bad2.cfg" --out "$T/bad2" >/dev/null 2>"$T/err"; rc=$?
grep -q "bad2.cfg:[0-9]*: condition 1: 'delay' and 'rate' are the link's" "$T/err" && [ $rc = 2 ] &&
    ok "scenario error: $(cat "$T/err")" || notok "condition at+delay error" "rc $rc: $(cat "$T/err")"
exit $fails
