#!/bin/sh
# Scenario 07's parts: the on-path proposal stripper (attack kind "strip"),
# RFC 2409's protection against it (HASH_I covers SAi_b: a stripped Main
# Mode exchange must fail authentication), the eavesdropper under the
# discrete-log oracle model (scenarios/07-downgrade/dlog-oracle-eavesdrop.sh)
# and the population generator.
# Usage: tests/integration/scenario07.sh BUILD_DIR   (run from the project root)
B=${1:-build}
. "$(dirname "$0")/sim/common.sh"
export ISAKMP
S=scenarios/07-downgrade
ctr() { q "$1" "SELECT COALESCE(SUM(value), 0) FROM attack_counters WHERE counter = '$2'"; }
to() { timeout -k 5 60 "$@"; }

MM2='{ cipher = "aes"; hash = "sha1"; group = "modp2048"; }, { cipher = "aes"; hash = "sha1"; group = "modp1024"; }'
# A client offering [modp2048, modp1024] to a gateway accepting both, through
# a router; the stripper at the router keeps group 1/2 transforms from 6 s on.
# Exchange 1 (1 s) is untouched, exchange 2 (6 s) is stripped.
probe() { # $1 mode, $2 client transforms, $3 keep, $4 extra attack settings[, $5 gateway transforms]
cat > "$T/p.cfg" <<CFG
name = "s07"; seed = 7; duration = "20s"; sample_period = "1s";
policies = {
  cli = { mode = "$1"; auth = "psk"; psk = "k"; phase1 = ( $2 );
          phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; auth = "hmac-sha1"; } ); } );
          retransmit = { initial = "1s"; factor = 2; cap = "4s"; tries = 3; }; };
  gw  = { mode = "$1"; auth = "psk"; psk = "k";
          phase1 = ( ${5:-$MM2} );
          phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; auth = "hmac-sha1"; } ); } ); };
};
nodes = {
  c1 = { address = "10.1.0.11"; role = "initiator"; policy = "cli";
         initiate = { peer = "g1"; start = "1s"; count = 2; interval = "5s"; quick_modes = 1; }; };
  r  = { address = "10.1.0.1"; role = "middlebox"; };
  g1 = { address = "10.2.0.11"; role = "responder"; policy = "gw"; };
};
links = {
  inet = { type = "csma"; nodes = ["c1", "r"]; rate = "100Mbps"; delay = "1ms"; pcap = true; };
  dmz  = { type = "csma"; nodes = ["r", "g1"]; addresses = ["10.2.0.1", "10.2.0.11"];
           rate = "100Mbps"; delay = "100us"; pcap = true; };
};
attack = { s = { kind = "strip"; link = "inet"; at = "r"; keep = [$3]; start = "6s"; $4 }; };
output = { pcap = false; trace = true; };
CFG
}

# ---- Main Mode: the downgrade is caught at message 5 -------------------------------------
probe main "$MM2" '"modp768", "modp1024"' ""
if to "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/mm" >/dev/null 2>"$T/err"; then
    db=$T/mm/s07.db
    x=$(q "$db" "SELECT group_concat(COALESCE(dh_group, '-') || ':' || outcome || ':' || COALESCE(notify, '-'), ' ')
                 FROM (SELECT * FROM exchanges WHERE phase = 1 ORDER BY exchange_id)")
    c="$(ctr "$db" main.1.stripped)/$(ctr "$db" main.1.transforms-removed)/$(ctr "$db" main.1.later-failed:authentication)/$(ctr "$db" main.1.later-completed)"
    if [ "$x" = "14:completed:- -:failed:24" ] && [ "$c" = "1/1/1/0" ]; then
        ok "Main Mode: stripped exchange fails authentication (exchanges $x; stripped/removed/failed-auth/completed $c)"
    else
        notok "Main Mode: stripped exchange fails authentication" "exchanges '$x' (want '14:completed:- -:failed:24'), counters $c (want 1/1/1/0)"
    fi
    # What each side of the router saw in message 1 of exchange 2: two
    # transforms from the client, one (group 2) at the gateway.
    n_in=$("$ISAKMP" decode --fields "$T/mm/s07-inet-c1.pcap" | awk '/^isakmp.rspi=/ { z = ($0 ~ /=0000000000000000$/) } /^isakmp.prop.transforms=/ && z { v = $0 } END { sub(/.*=/, "", v); print v }')
    n_out=$("$ISAKMP" decode --fields "$T/mm/s07-dmz-g1.pcap" | awk '/^isakmp.rspi=/ { z = ($0 ~ /=0000000000000000$/) } /^isakmp.prop.transforms=/ && z { v = $0 } END { sub(/.*=/, "", v); print v }')
    if [ "$n_in" = 2 ] && [ "$n_out" = 1 ]; then ok "message 1: 2 transforms sent, 1 delivered after stripping"
    else notok "message 1: 2 transforms sent, 1 delivered after stripping" "sent $n_in, delivered $n_out"; fi
    if command -v tshark >/dev/null; then
        bad=$(tshark -r "$T/mm/s07-dmz-g1.pcap" -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
        np=$(tshark -r "$T/mm/s07-dmz-g1.pcap" -Y 'isakmp.prop.number == 1 && isakmp.rspi == 00:00:00:00:00:00:00:00' -T fields -e isakmp.prop.transforms 2>/dev/null | tail -n 1)
        if [ "$bad" = 0 ] && [ "$np" = 1 ]; then ok "tshark parses the stripped message 1 (1 transform, nothing malformed)"
        else notok "tshark parses the stripped message 1" "malformed/error frames $bad, transforms '$np'"; fi
    fi
    # ---- the eavesdropper under the discrete-log oracle model --------------------------
    table=$T/mm/s07.ikev1_decryption_table
    e14=$("$S/dlog-oracle-eavesdrop.sh" --groups 14 "$T/mm/s07-dmz-r.pcap" "$table" 2>&1 | tail -n 1)
    e12=$("$S/dlog-oracle-eavesdrop.sh" "$T/mm/s07-dmz-r.pcap" "$table" 2>&1)
    if [ "$e14" = "summary exchanges 2 chosen_in_oracle_groups 1 oracle_keys 1 decrypted 1 qm_decrypted 3" ]; then
        ok "oracle for group 14: the completed exchange's message 5 and 3 Quick Mode messages decrypt and parse"
    else notok "oracle for group 14" "$e14"; fi
    if printf '%s\n' "$e12" | grep -q ' group 2 oracle no-key p1 0 qm 0$' &&
       printf '%s\n' "$e12" | grep -q '^summary exchanges 2 chosen_in_oracle_groups 1 oracle_keys 0 decrypted 0 qm_decrypted 0$'; then
        ok "oracle for groups 1,2: the stripped (failed) exchange chose group 2 but has no ground-truth key; nothing decrypted"
    else notok "oracle for groups 1,2" "$e12"; fi
    # A wrong key must not count as decrypted: the measurement can fail.
    sed 's/,"\(..\)/,"ff/' "$table" > "$T/bad.table"
    if cmp -s "$table" "$T/bad.table"; then sed 's/,"\(..\)/,"00/' "$table" > "$T/bad.table"; fi
    eb=$("$S/dlog-oracle-eavesdrop.sh" --groups 14 "$T/mm/s07-dmz-r.pcap" "$T/bad.table" 2>&1 | tail -n 1)
    if [ "$eb" = "summary exchanges 2 chosen_in_oracle_groups 1 oracle_keys 1 decrypted 0 qm_decrypted 0" ]; then
        ok "a wrong oracle key decrypts nothing that parses"
    else notok "a wrong oracle key decrypts nothing that parses" "$eb"; fi
    "$S/dlog-oracle-eavesdrop.sh" --groups x "$T/mm/s07-dmz-r.pcap" "$table" >/dev/null 2>&1
    rc=$?
    if [ $rc = 2 ]; then ok "eavesdropper: bad --groups exits 2"; else notok "eavesdropper: bad --groups exits 2" "rc $rc"; fi
else
    notok "Main Mode strip run" "$(cat "$T/err")"
fi

# ---- what the stripper leaves alone --------------------------------------------------------
# Only weak transforms offered: nothing to remove.  No weak transform: the
# stripper does not empty the SA.  Both exchanges complete.
for case in only-weak no-weak; do
    case $case in
        only-weak) probe main '{ cipher = "aes"; hash = "sha1"; group = "modp1024"; }' '"modp1024"' "" ;;
        no-weak) probe main '{ cipher = "aes"; hash = "sha1"; group = "modp2048"; }' '"modp768"' "" ;;
    esac
    if to "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/$case" >/dev/null 2>"$T/err"; then
        db=$T/$case/s07.db
        done_=$(q "$db" "SELECT SUM(outcome = 'completed') FROM exchanges WHERE phase = 1")
        sk=$(ctr "$db" "main.1.skipped-$case")
        st=$(ctr "$db" main.1.stripped)
        if [ "$done_" = 2 ] && [ "$sk" = 1 ] && [ "$st" = 0 ]; then ok "$case offer passes unchanged (skipped-$case 1) and completes"
        else notok "$case offer passes unchanged" "completed $done_ (want 2), skipped-$case $sk (want 1), stripped $st (want 0)"; fi
    else notok "$case run" "$(cat "$T/err")"; fi
done
# Aggressive Mode: the KE of message 1 fixes the group, so every transform
# has it - the stripper can remove all (refused: skipped-no-weak) or none.
AM='{ cipher = "aes"; hash = "sha1"; group = "modp2048"; }, { cipher = "3des"; hash = "sha1"; group = "modp2048"; }'
probe aggressive "$AM" '"modp1024"' "" "$AM"
if to "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/am" >/dev/null 2>"$T/err"; then
    db=$T/am/s07.db
    done_=$(q "$db" "SELECT SUM(outcome = 'completed') FROM exchanges WHERE phase = 1")
    sk=$(ctr "$db" aggressive.1.skipped-no-weak)
    if [ "$done_" = 2 ] && [ "$sk" = 1 ]; then ok "Aggressive Mode group-2048 offer: nothing weak to keep, passes unchanged, completes"
    else notok "Aggressive Mode offer" "completed $done_ (want 2), skipped-no-weak $sk (want 1)"; fi
else notok "Aggressive Mode run" "$(cat "$T/err")"; fi
# max_count = 0 means no limit; stop before the second exchange: nothing stripped.
probe main "$MM2" '"modp1024"' 'stop = "5s";'
sed -i 's/start = "6s"; stop = "5s";/start = "500ms"; stop = "5s";/' "$T/p.cfg"
if to "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/win" >/dev/null 2>"$T/err"; then
    db=$T/win/s07.db
    x=$(q "$db" "SELECT group_concat(outcome, ' ') FROM (SELECT * FROM exchanges WHERE phase = 1 ORDER BY exchange_id)")
    if [ "$x" = "failed completed" ] && [ "$(ctr "$db" main.1.stripped)" = 1 ]; then
        ok "start/stop: only the exchange inside the window is stripped (and fails)"
    else notok "start/stop window" "outcomes '$x' (want 'failed completed'), stripped $(ctr "$db" main.1.stripped)"; fi
else notok "start/stop run" "$(cat "$T/err")"; fi

# A message 1 truncated on path before the stripper sees it (a tamperer hooked
# first at the same end): the stripper must not touch it.
probe main "$MM2" '"modp1024"' ""
sed -i 's/^attack = { s = /attack = { cut = { kind = "tamper"; link = "inet"; at = "r"; exchange = "main"; messages = [1]; action = "truncate"; truncate_by = 10; };\n  s = /' "$T/p.cfg"
if to "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/cut" >/dev/null 2>"$T/err"; then
    db=$T/cut/s07.db
    m=$(ctr "$db" main.1.skipped-malformed); st=$(ctr "$db" main.1.stripped)
    if [ "$m" -ge 1 ] && [ "$st" = 0 ]; then ok "a truncated message 1 is left alone (skipped-malformed $m)"
    else notok "truncated message 1" "skipped-malformed $m, stripped $st"; fi
else notok "truncate + strip run" "$(cat "$T/err")"; fi

# ---- the scenario reader -----------------------------------------------------------------
refuse() { # name, keep, extra, message pattern
    probe main "$MM2" "$2" "$3"
    if "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/bad" >/dev/null 2>"$T/err"; then
        notok "refused: $1" "the run was accepted"
    elif grep -q -- "$4" "$T/err"; then ok "refused: $1"
    else notok "refused: $1" "$(cat "$T/err")"; fi
}
refuse "unknown group in keep" '"modp999"' "" "'keep': element 1 is not a group name"
refuse "a number in keep" '2' "" "'keep': element 1 is not a group name"
refuse "group twice in keep" '"modp1024", "modp1024"' "" "names \"modp1024\" twice"
refuse "Quick Mode exchange" '"modp1024"' 'exchange = "quick";' "a stripper rewrites phase-1 message 1"
refuse "messages setting (message 1 only)" '"modp1024"' 'messages = [3];' "unknown setting 'messages'"
probe main "$MM2" '"modp1024"' ""
sed -i 's/keep = \[[^]]*\];//' "$T/p.cfg"
if "$ISAKMP" run "$T/p.cfg" --quiet --out "$T/bad" >/dev/null 2>"$T/err"; then notok "refused: missing keep" "accepted"
elif grep -q "'keep' must be an array" "$T/err"; then ok "refused: missing keep"
else notok "refused: missing keep" "$(cat "$T/err")"; fi

# ---- the population generator ------------------------------------------------------------
if "$S/make-population.sh" 0.5 2 on > "$T/pop.cfg" 2>"$T/err" &&
   to "$ISAKMP" run "$T/pop.cfg" --quiet --out "$T/pop" >/dev/null 2>>"$T/err"; then
    db=$(ls "$T/pop"/*.db)
    n=$(q "$db" "SELECT COUNT(*) FROM exchanges WHERE phase = 1")
    sc=$(q "$db" "SELECT COUNT(*) FROM attack_counters WHERE counter LIKE 'main.1.later-completed'")
    ev=$("$S/dlog-oracle-eavesdrop.sh" "$(ls "$T/pop"/*-dmz-r.pcap)" "$(ls "$T/pop"/*.ikev1_decryption_table)" | tail -n 1)
    if [ "$n" = 48 ] && [ "$sc" = 0 ] && printf '%s' "$ev" | grep -q '^summary exchanges 48 '; then
        ok "population 0.5/draw 2/strip: 48 exchanges, no stripped exchange completed, eavesdropper saw all 48"
    else notok "population run" "exchanges $n (want 48), later-completed rows $sc (want 0), '$ev'"; fi
else notok "population generator + run" "$(cat "$T/err")"; fi
a=$("$S/make-population.sh" 0.5 2 on | md5sum); b=$("$S/make-population.sh" 0.5 2 on | md5sum)
c=$("$S/make-population.sh" 0.5 3 on | md5sum)
if [ "$a" = "$b" ] && [ "$a" != "$c" ]; then ok "population: same draw same file, another draw another population"
else notok "population determinism"; fi
for bad in "1.5 1 on" "0.5 0 on" "0.5 1 maybe"; do
    # shellcheck disable=SC2086
    if "$S/make-population.sh" $bad >/dev/null 2>&1; then notok "population refuses '$bad'"
    else ok "population refuses '$bad'"; fi
done

[ $fails -eq 0 ]
