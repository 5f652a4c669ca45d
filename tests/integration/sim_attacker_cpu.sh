#!/bin/sh
# The attackers' CPU model: a flood runs on its node's CPU (cores, per-item
# overhead, cost table), pays craft_cost per message it builds and its DH
# operations at the cost table's figures, so its rate is bounded by its CPU.
# Checked from the database against the rate the costs predict:
#   KE flood, ke = "fresh", one core: per attempt 2 craft + 3 overheads
#     (message 1; message 2 -> message 3; message 4) + 1 DH generate;
#   ke = "full": + 1 DH compute;
#   spoofed flood: per message craft + overhead;
# and the attacker's busy fraction in `samples`.
# Usage: tests/integration/sim_attacker_cpu.sh BUILD_DIR   (run from the project root)
B=${1:-build}
. "$(dirname "$0")/sim/common.sh"
within() { # value predicted percent
    awk -v v="$1" -v p="$2" -v pc="$3" 'BEGIN { d = v - p; if (d < 0) d = -d; exit !(v != "" && d <= p * pc / 100) }'
}

# Attacker m: 1 core, 50 us per item, craft 100 us, DH generate 5 ms, compute 4 ms.
# Responder r: 4 cores, cheap DH, answers everything; it never resends message 4
# within the run (retransmit initial 30 s), so the attacker gets 3 datagrams per attempt.
flood() { # $1 name, $2 attack settings
cat > "$T/$1.cfg" <<CFG
name = "$1"; seed = 5; duration = "6s"; sample_period = "500ms";
policies = { p = { mode = "main"; auth = "psk"; psk = "k";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "sha1"; group = "modp2048"; } );
  exponent = "short"; exponent_bits = 256;
  retransmit = { initial = "30s"; factor = 2; cap = "30s"; tries = 2; }; }; };
nodes = {
  r = { address = "10.0.0.1"; role = "responder"; policy = "p"; cores = 4;
        costs = ( { kind = "dh-generate"; group = "modp2048"; bits = 256; cost = "100us"; },
                  { kind = "dh-compute"; group = "modp2048"; bits = 256; cost = "100us"; } ); };
  m = { address = "10.0.0.66"; role = "attacker"; cores = 1; cpu_overhead = "50us";
        costs = ( { kind = "dh-generate"; group = "modp2048"; bits = 256; cost = "5ms"; },
                  { kind = "dh-compute"; group = "modp2048"; bits = 256; cost = "4ms"; } ); };
};
links = { lan = { type = "p2p"; nodes = ["r", "m"]; rate = "1Gbps"; delay = "100us"; }; };
attack = { f = { node = "m"; target = "r"; start = "1s"; stop = "5s"; craft_cost = "${CRAFT:-100us}"; $2 }; };
CFG
}
ctr() { q "$1" "SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter = '$2'"; }
# attacker DH generations per second in [1.5 s, 4.5 s), and its mean busy fraction there
measure() { # db kind
    rate=$(q "$1" "SELECT COUNT(*) / 3.0 FROM crypto_ops WHERE node='m' AND kind='$2' AND t_ns >= 1500000000 AND t_ns < 4500000000")
    busy=$(q "$1" "SELECT ROUND(AVG(cpu_busy), 4) FROM samples WHERE node='m' AND t_ns > 1500000000 AND t_ns <= 4500000000")
}

# ---- KE flood, fresh KE per attempt: 1 / (2 x 100 + 3 x 50 + 5000 us) = 186.92 attempts/s
for r in 100 5000; do
    flood "kf$r" "kind = \"ke-flood\"; rate = $r; ke = \"fresh\";"
    if timeout 120 "$ISAKMP" run "$T/kf$r.cfg" --quiet --out "$T/kf$r" >/dev/null 2>"$T/err"; then
        measure "$T/kf$r/kf$r.db" dh-generate
        eval "rate_$r=\$rate busy_$r=\$busy"
        eval "att_$r=$(ctr "$T/kf$r/kf$r.db" attempts) ke_$r=$(ctr "$T/kf$r/kf$r.db" ke-sent) lim_$r=$(ctr "$T/kf$r/kf$r.db" cpu-limited)"
        eval "v_$r=\$(q $T/kf$r/kf$r.db \"SELECT group_concat(DISTINCT virtual_ns) FROM crypto_ops WHERE node='m'\")"
    else
        notok "ke flood run $r" "$(cat "$T/err")"
    fi
done
# 100/s: under capacity, every tick is an attempt; busy = 100 x 5.35 ms = 0.535
if within "$rate_100" 100 1 && within "$busy_100" 0.535 2 && [ "${lim_100:-1}" = 0 ] && [ "$v_100" = 5000000 ]; then
    ok "KE flood 100/s (under capacity): $rate_100 DH/s, attacker busy $busy_100 (predicted 0.535), 0 ticks CPU-limited, each DH charged $v_100 ns"
else
    notok "KE flood 100/s" "rate $rate_100 (100), busy $busy_100 (0.535), cpu-limited $lim_100, costs $v_100"
fi
# 5000/s offered: saturated at 186.92/s
if within "$rate_5000" 186.92 2 && awk -v b="$busy_5000" 'BEGIN { exit !(b >= 0.99) }' &&
   [ "${lim_5000:-0}" -gt 10000 ] && within "$ke_5000" $((att_5000)) 1; then
    ok "KE flood 5000/s offered, one 5-ms-DH core: saturates at $rate_5000 attempts/s (predicted 1 / 5.35 ms = 186.92), attacker busy $busy_5000, $att_5000 attempts, $ke_5000 message 3s, $lim_5000 ticks CPU-limited"
else
    notok "KE flood saturation" "rate $rate_5000 (186.92 predicted), busy $busy_5000, attempts $att_5000, ke-sent $ke_5000, cpu-limited $lim_5000"
fi

# ---- ke = "full": + the shared secret on message 4: 1 / 9.35 ms = 106.95 attempts/s
flood kfull 'kind = "ke-flood"; rate = 5000; ke = "full";'
if timeout 120 "$ISAKMP" run "$T/kfull.cfg" --quiet --out "$T/kfull" >/dev/null 2>"$T/err"; then
    db=$T/kfull/kfull.db
    measure "$db" dh-compute
    gen=$(ctr "$db" attacker-dh-generate); comp=$(ctr "$db" attacker-dh-compute)
    if within "$rate" 106.95 2 && awk -v b="$busy" 'BEGIN { exit !(b >= 0.99) }' && within "$comp" "$gen" 2; then
        ok "KE flood ke = full: $rate attempts/s (predicted 1 / 9.35 ms = 106.95), $gen DH generate, $comp DH compute, busy $busy"
    else
        notok "KE flood full" "rate $rate (106.95), generate $gen, compute $comp, busy $busy"
    fi
else
    notok "ke flood full run" "$(cat "$T/err")"
fi

# ---- the default ke = "reuse" keeps the Matsuura-Imai asymmetry: one DH in all
flood kreuse 'kind = "ke-flood"; rate = 100;'
if timeout 120 "$ISAKMP" run "$T/kreuse.cfg" --quiet --out "$T/kreuse" >/dev/null 2>"$T/err"; then
    db=$T/kreuse/kreuse.db
    n=$(q "$db" "SELECT COUNT(*) FROM crypto_ops WHERE node='m'")
    measure "$db" none
    # busy: 100 x (2 x 100 + 3 x 50 us) = 0.035 (+ 5 ms once, at 1 s)
    [ "$n" = 1 ] && [ "$(ctr "$db" completed)" -ge 399 ] && within "$busy" 0.035 3 &&
        ok "KE flood ke = reuse: 1 DH operation by the attacker in all, $(ctr "$db" completed) attempts completed, attacker busy $busy (predicted 0.035)" ||
        notok "KE flood reuse" "attacker operations $n, completed $(ctr "$db" completed), busy $busy (0.035)"
else
    notok "ke flood reuse run" "$(cat "$T/err")"
fi

# ---- spoofed flood, craft 1 ms: 1 / (1000 + 50 us) = 952.4 messages/s at most
CRAFT=1ms flood spoof 'kind = "spoofed-flood"; rate = 5000;'
if timeout 300 "$ISAKMP" run "$T/spoof.cfg" --quiet --out "$T/spoof" >/dev/null 2>"$T/err"; then
    db=$T/spoof/spoof.db
    sent=$(q "$db" "SELECT sent / 4.0 FROM attack_traffic WHERE attack = 'f'")
    measure "$db" none
    within "$sent" 952.4 1 && awk -v b="$busy" 'BEGIN { exit !(b >= 0.99) }' &&
        ok "spoofed flood 5000/s offered, craft 1 ms: $sent messages/s sent (predicted 1 / 1.05 ms = 952.4), attacker busy $busy" ||
        notok "spoofed flood CPU bound" "sent/s $sent (952.4), busy $busy"
else
    notok "spoofed flood run" "$(cat "$T/err")"
fi
exit $fails
