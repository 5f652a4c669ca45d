#!/bin/sh
# RSA authentication in the simulator: Main Mode with RSA signatures, public
# key encryption (PKE) and revised PKE, with the test keys of scenarios/keys/
# (per-node rsa_key, peer_keys by file and by named peer, the "trust every
# other node" default).  Checks from the database: both exchanges complete,
# crypto_ops holds the RSA operations each method needs with the virtual
# cost of the cost table (the built-in model for 2048-bit keys, or a
# scenario's override), and tshark decrypts the simulated pcap with the
# written table.  Also: a wrong peer key makes authentication fail, and key
# mistakes are refused with file:line.
# Usage: tests/integration/sim_rsa.sh BUILD_DIR   (run from the project root)
B=${1:-build}
. "$(dirname "$0")/sim/common.sh"
KEYS=$(pwd)/scenarios/keys
for k in gw peer other; do
    [ -r "$KEYS/$k.pem" ] && [ -r "$KEYS/$k.pub" ] || { notok "test keys" "missing $KEYS/$k.*"; exit 1; }
done
# The built-in model for 2048-bit keys (engine/include/isakmp/cost.h):
# sign/decrypt 1 500 000 ns, verify/encrypt 45 000 ns.
SIGN=1500000 VERIFY=45000

rsa() { # $1 name, $2 auth, $3 a's extra, $4 b's extra
cat > "$T/$1.cfg" <<CFG
name = "$1"; seed = 11; duration = "5s"; sample_period = "1s";
policies = { p = { mode = "main"; auth = "$2";
  phase1 = ( { cipher = "aes"; keylen = 128; hash = "${HASH:-sha2-256}"; group = "modp2048"; lifetime = "8h"; } );
  phase2 = ( { protocols = ( { protocol = "esp"; transform = "aes"; keylen = 128;
                               auth = "hmac-sha1"; } ); pfs = "none"; lifetime = "1h"; } );
  exponent = "short"; exponent_bits = 256; }; };
nodes = {
  a = { address = "10.0.0.1"; role = "initiator"; policy = "p"; rsa_key = "$KEYS/peer.pem"; $3
        initiate = { peer = "b"; start = "100ms"; count = 1; }; };
  b = { address = "10.0.0.2"; role = "responder"; policy = "p"; rsa_key = "$KEYS/gw.pem"; $4 };
};
links = { l = { type = "p2p"; nodes = ["a", "b"]; rate = "100Mbps"; delay = "2ms"; }; };
output = { pcap = true; trace = true; };
CFG
}
ops() { # db node -> "kind:count:virtual_ns ..." of its RSA operations
    q "$1" "SELECT group_concat(kind || ':' || n || ':' || v, ' ') FROM (SELECT kind, COUNT(*) AS n,
            group_concat(DISTINCT virtual_ns) AS v FROM crypto_ops WHERE node = '$2' AND kind LIKE 'rsa-%'
            GROUP BY kind ORDER BY kind)"
}
tshark_check() { # dir name -> decrypts MM 5/6 and QM 1/2
    line=$(grep -v '^#' "$1/$2.ikev1_decryption_table" | tr -d '"')
    pcap=$(ls "$1"/"$2"-1-*.pcap 2>/dev/null | head -1)
    if [ -z "$line" ] || [ -z "$pcap" ]; then
        notok "$2: tshark decryption" "no table line or no pcap"; return
    fi
    if ! command -v tshark >/dev/null; then
        echo "ok - $2: tshark decryption # SKIP tshark not installed"; return
    fi
    mal=$(tshark -r "$pcap" -Y '_ws.malformed || _ws.expert.severity >= "error"' 2>/dev/null | wc -l)
    tshark -r "$pcap" -o "uat:ikev1_decryption_table:$line" -V 2>/dev/null > "$T/v.txt"
    # frames 5, 6: Main Mode 5/6 (ID + SIG or HASH); 7, 8: Quick Mode (HASH, SA, Nonce)
    f5=$(awk '/^Frame 5:/{f=1} /^Frame 6:/{f=0} f' "$T/v.txt" | grep -c -E 'Payload: (Identification|Hash|Signature)')
    f6=$(awk '/^Frame 6:/{f=1} /^Frame 7:/{f=0} f' "$T/v.txt" | grep -c -E 'Payload: (Identification|Hash|Signature)')
    f7=$(awk '/^Frame 7:/{f=1} /^Frame 8:/{f=0} f' "$T/v.txt" | grep -c -E 'Payload: (Hash|Security Association|Nonce)')
    f8=$(awk '/^Frame 8:/{f=1} /^Frame 9:/{f=0} f' "$T/v.txt" | grep -c -E 'Payload: (Hash|Security Association|Nonce)')
    if [ "$mal" = 0 ] && [ "$f5" -ge 1 ] && [ "$f6" -ge 1 ] && [ "$f7" = 3 ] && [ "$f8" = 3 ]; then
        ok "$2: tshark decrypts the simulated pcap with the table (MM 5: $f5, MM 6: $f6 payloads; QM: $f7, $f8), no malformed frame"
    else
        notok "$2: tshark decryption" "malformed $mal; payloads found: msg5 $f5 msg6 $f6 qm1 $f7 qm2 $f8"
    fi
}

# ---- RSA signatures: a gives the responder's public key by file (matched to b by its
# rsa_key), b trusts every other node (default); each side signs once and verifies once
rsa sig rsa-sig "peer_keys = [\"$KEYS/gw.pub\"];" ''
if timeout 60 "$ISAKMP" run "$T/sig.cfg" --quiet --out "$T/sig" >/dev/null 2>"$T/err"; then
    db=$T/sig/sig.db
    xs=$(q "$db" "SELECT group_concat(phase || ':' || COALESCE(auth, '') || ':' || outcome, ' ') FROM exchanges")
    oa=$(ops "$db" a); ob=$(ops "$db" b)
    want="rsa-sign:1:$SIGN rsa-verify:1:$VERIFY"
    if [ "$xs" = "1:rsa-sig:completed 2::completed" ] && [ "$oa" = "$want" ] && [ "$ob" = "$want" ]; then
        ok "rsa-sig: Main Mode + Quick Mode complete; crypto_ops a: $oa, b: $ob (model: sign $SIGN ns, verify $VERIFY ns)"
    else
        notok "rsa-sig" "exchanges $xs; crypto_ops a: $oa, b: $ob (want $want)"
    fi
    # the CPU model charges them: b's busy period for message 5 -> 6 is the virtual cost of
    # the operations of that engine call (verify + sign + PRF/cipher) + the 2 us overhead
    in5=$(q "$db" "SELECT t_ns FROM messages WHERE node='b' AND direction='in' AND exchange_type=2 AND message_no=5")
    out6=$(q "$db" "SELECT t_ns FROM messages WHERE node='b' AND direction='out' AND exchange_type=2 AND message_no=6")
    sum=$(q "$db" "SELECT SUM(virtual_ns) FROM crypto_ops WHERE node='b' AND t_ns=$in5")
    has=$(q "$db" "SELECT group_concat(kind, ',') FROM (SELECT kind FROM crypto_ops WHERE node='b' AND t_ns=$in5 AND kind LIKE 'rsa-%' ORDER BY kind)")
    [ "$has" = "rsa-sign,rsa-verify" ] && [ $((out6 - in5)) = $((sum + 2000)) ] &&
        ok "rsa-sig: the responder's message 5 -> 6 takes $((out6 - in5)) ns = its operations' virtual cost $sum ns (rsa-verify + rsa-sign + PRF/cipher) + 2 us overhead" ||
        notok "rsa-sig CPU charge" "message 5 in $in5, 6 out $out6, operations $has sum $sum"
    tshark_check "$T/sig" sig
else
    notok "rsa-sig run" "$(cat "$T/err")"
fi

# ---- PKE (RFC 2409 5.2): each side encrypts its nonce and ID to the other (2 encrypt)
# and decrypts the other's (2 decrypt); the scenario overrides the cost of a decrypt
rsa pke pke "peer_keys = ( { peer = \"b\"; key = \"$KEYS/gw.pub\"; } );" \
    'costs = ( { kind = "rsa-decrypt"; bits = 2048; cost = "2ms"; } );'
if timeout 60 "$ISAKMP" run "$T/pke.cfg" --quiet --out "$T/pke" >/dev/null 2>"$T/err"; then
    db=$T/pke/pke.db
    xs=$(q "$db" "SELECT group_concat(phase || ':' || COALESCE(auth, '') || ':' || outcome, ' ') FROM exchanges")
    oa=$(ops "$db" a); ob=$(ops "$db" b)
    if [ "$xs" = "1:pke:completed 2::completed" ] && [ "$oa" = "rsa-decrypt:2:$SIGN rsa-encrypt:2:$VERIFY" ] &&
       [ "$ob" = "rsa-decrypt:2:2000000 rsa-encrypt:2:$VERIFY" ]; then
        ok "pke: Main Mode + Quick Mode complete; crypto_ops a: $oa, b: $ob (b's decrypt cost overridden to 2 ms)"
    else
        notok "pke" "exchanges $xs; crypto_ops a: $oa, b: $ob"
    fi
    tshark_check "$T/pke" pke
else
    notok "pke run" "$(cat "$T/err")"
fi

# ---- revised PKE (RFC 2409 5.3): one encrypt/decrypt each (the nonce), the rest symmetric.
rsa rpke rpke '' ''
if timeout 60 "$ISAKMP" run "$T/rpke.cfg" --quiet --out "$T/rpke" >/dev/null 2>"$T/err"; then
    db=$T/rpke/rpke.db
    xs=$(q "$db" "SELECT group_concat(phase || ':' || COALESCE(auth, '') || ':' || outcome, ' ') FROM exchanges")
    oa=$(ops "$db" a); ob=$(ops "$db" b)
    want="rsa-decrypt:1:$SIGN rsa-encrypt:1:$VERIFY"
    [ "$xs" = "1:rpke:completed 2::completed" ] && [ "$oa" = "$want" ] && [ "$ob" = "$want" ] &&
        ok "rpke: Main Mode + Quick Mode complete; crypto_ops a: $oa, b: $ob" ||
        notok "rpke" "exchanges $xs; crypto_ops a: $oa, b: $ob (want $want)"
else
    notok "rpke run" "$(cat "$T/err")"
fi

# ---- a wrong key for the responder (another node's): its signature does not verify
rsa wrong rsa-sig "peer_keys = ( { peer = \"b\"; key = \"$KEYS/other.pub\"; } );" ''
if timeout 60 "$ISAKMP" run "$T/wrong.cfg" --quiet --out "$T/wrong" >/dev/null 2>"$T/err"; then
    xs=$(q "$T/wrong/wrong.db" "SELECT outcome || ':' || COALESCE(failure_reason, '') FROM exchanges WHERE phase = 1")
    case $xs in completed*|unfinished*|'') notok "rsa-sig with a wrong peer key" "phase 1: $xs" ;;
         *) ok "rsa-sig with a wrong peer key: phase 1 $xs" ;; esac
else
    notok "wrong-key run" "$(cat "$T/err")"
fi

# ---- mistakes: a public key as rsa_key, a peer key that is no node's, a non-key file
rsa bad1 rsa-sig '' ''
sed -i "s#rsa_key = \"$KEYS/gw.pem\"#rsa_key = \"$KEYS/gw.pub\"#" "$T/bad1.cfg"
"$ISAKMP" run "$T/bad1.cfg" --out "$T/b1" >/dev/null 2>"$T/err"; rc=$?
grep -q "bad1.cfg:[0-9]*: node 'b': key file .*gw.pub holds no private key" "$T/err" && [ $rc = 2 ] &&
    ok "scenario error: $(cat "$T/err")" || notok "public key as rsa_key" "rc $rc: $(cat "$T/err")"
rsa bad2 rsa-sig "peer_keys = [\"$KEYS/other.pub\"];" ''
"$ISAKMP" run "$T/bad2.cfg" --out "$T/b2" >/dev/null 2>"$T/err"; rc=$?
grep -q "bad2.cfg:[0-9]*: node 'a': peer key .*other.pub is the public key of no other node's rsa_key" "$T/err" && [ $rc != 0 ] &&
    ok "scenario error: $(cat "$T/err")" || notok "unmatched peer key" "rc $rc: $(cat "$T/err")"
echo "not a key" > "$T/junk.pem"
rsa bad3 rsa-sig "peer_keys = [\"$T/junk.pem\"];" ''
"$ISAKMP" run "$T/bad3.cfg" --out "$T/b3" >/dev/null 2>"$T/err"; rc=$?
grep -q "bad3.cfg:[0-9]*: node 'a': key file .*junk.pem: " "$T/err" && [ $rc = 2 ] &&
    ok "scenario error: $(cat "$T/err")" || notok "junk key file" "rc $rc: $(cat "$T/err")"
exit $fails
