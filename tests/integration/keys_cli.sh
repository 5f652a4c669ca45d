#!/usr/bin/env bash
# `isakmp keys` on the first Main Mode chain of
# ../shared/vectors/ikev1_session_chains.json: SKEYID, the cipher key,
# the phase-1 IV and HASH_R must match the file; bad input must give
# exit status 2 and a message naming the option.
#   tests/integration/keys_cli.sh BUILD_DIR   (run from the project root)
set -u
build=${1:-build}
isakmp=$build/bin/isakmp
json=${ISAKMP_SHARED:-../shared}/vectors/ikev1_session_chains.json
n=0 fails=0

ok()     { n=$((n + 1)); echo "ok - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "# $l"; done; }

if [ ! -x "$isakmp" ] || [ ! -f "$json" ]; then
    not_ok "setup" "need $isakmp and $json"
    exit 1
fi

# First occurrence of "name": "value" in the file = the first chain
# (the file is one field per line).  Lower-cased: the CLI prints lower case.
field() {
    grep -m1 "^ *\"$1\": " "$json" | sed 's/^[^:]*: *"\([^"]*\)".*/\1/' | tr 'A-F' 'a-f'
}

psk=$(grep -m1 '"psk": ' "$json" | sed 's/^[^:]*: *"\([^"]*\)".*/\1/')
args=(--auth psk --hash sha1 --cipher aes128 --psk-text "$psk"
      --ni "$(field ni)" --nr "$(field nr)" --gxi "$(field g_xi)" --gxr "$(field g_xr)"
      --gxy "$(field g_xy)" --cky-i "$(field cky_i)" --cky-r "$(field cky_r)"
      --sai "$(field sai_b)" --idir "$(field idr_b)")
out=$("$isakmp" keys "${args[@]}" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "keys exits 0 on chain 1"; else not_ok "keys exits 0 on chain 1" "rc=$rc" "$out"; fi

check_line() { # printed name, json field
    local want got
    want=$(field "$2")
    got=$(printf '%s\n' "$out" | grep -m1 "^$1 = " | sed 's/^[^=]*= //')
    if [ -n "$want" ] && [ "$got" = "$want" ]; then ok "chain 1 $1"
    else not_ok "chain 1 $1" "want '$want'" "got  '$got'"; fi
}
check_line SKEYID SKEYID
check_line SKEYID_d SKEYID_d
check_line SKEYID_a SKEYID_a
check_line SKEYID_e SKEYID_e
check_line CIPHER_KEY Ka
check_line IV_PHASE1 IV_phase1
check_line HASH_R HASH_R

# Chain 2 (second entry of the file: the second occurrence of each field)
# through HASH_R and the IV of Informational message ID d8029d42.
field2() { grep "^ *\"$1\": " "$json" | sed -n 2p | sed 's/^[^:]*: *"\([^"]*\)".*/\1/' | tr 'A-F' 'a-f'; }
args2=(--auth psk --hash sha1 --cipher aes128 --psk-text "$(grep '"psk": ' "$json" | sed -n 2p | sed 's/^[^:]*: *"\([^"]*\)".*/\1/')"
       --ni "$(field2 ni)" --nr "$(field2 nr)" --gxi "$(field2 g_xi)" --gxr "$(field2 g_xr)"
       --gxy "$(field2 g_xy)" --cky-i "$(field2 cky_i)" --cky-r "$(field2 cky_r)"
       --sai "$(field2 sai_b)" --idir "$(field2 idr_b)" --msgid "$(field msgid)")
out2=$("$isakmp" keys "${args2[@]}" 2>&1)
for pair in SKEYID:SKEYID SKEYID_d:SKEYID_d SKEYID_a:SKEYID_a SKEYID_e:SKEYID_e CIPHER_KEY:Ka \
            IV_PHASE1:IV_phase1 HASH_R:HASH_R IV_MSGID:IV_msgid; do
    name=${pair%%:*} key=${pair#*:}
    if [ "$key" = IV_msgid ]; then want=$(field IV_msgid); else want=$(field2 "$key"); fi
    got=$(printf '%s\n' "$out2" | grep -m1 "^$name = " | sed 's/^[^=]*= //')
    if [ -n "$want" ] && [ "$got" = "$want" ]; then ok "chain 2 $name"
    else not_ok "chain 2 $name" "want '$want'" "got  '$got'"; fi
done

ws=$("$isakmp" keys "${args[@]}" --wireshark 2>&1)
if [ "$ws" = "$(field cky_i),$(field Ka)" ]; then ok "--wireshark prints CKY-I,key"
else not_ok "--wireshark prints CKY-I,key" "got '$ws'"; fi

expect_usage() { # name, pattern the message must contain, args...
    local name=$1 pattern=$2; shift 2
    local msg rc
    msg=$("$isakmp" keys "$@" 2>&1 >/dev/null)
    rc=$?
    if [ $rc -eq 2 ] && printf '%s' "$msg" | grep -q -- "$pattern"; then ok "$name"
    else not_ok "$name" "rc=$rc (want 2)" "message: $msg"; fi
}
expect_usage "unknown option: exit 2, names it" "--no-such-option" "${args[@]}" --no-such-option x
expect_usage "bad hex: exit 2, names the option" "--gxy" "${args[@]:0:10}" --gxy 12zz --cky-i 00 --cky-r 00
expect_usage "odd hex: exit 2, names the option" "--ni" --auth psk --hash sha1 --cipher aes128 --ni abc
expect_usage "missing value: exit 2" "--cky-r" "${args[@]}" --cky-r
expect_usage "short cookie: exit 2" "--cky-i" --auth psk --hash sha1 --cipher aes128 --psk 00 \
    --ni 00 --nr 00 --gxy 00 --cky-i 0011 --cky-r 0011223344556677
expect_usage "missing input: exit 2, names it" "--gxy" --auth sig --hash sha1 --cipher 3des \
    --ni 00 --nr 00 --cky-i 0011223344556677 --cky-r 0011223344556677
expect_usage "AES key length 100 refused" "aes" --auth psk --hash sha1 --cipher aes \
    --key-length 100 --psk 00

# ---- --crack-psk: the dictionary attack on HASH_R --------------------------------
# Chain 1's values; HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
# is the same formula in Main and Aggressive Mode.  The key is at a known line.
crack=(--hash sha1 --ni "$(field ni)" --nr "$(field nr)" --gxi "$(field g_xi)" --gxr "$(field g_xr)"
       --cky-i "$(field cky_i)" --cky-r "$(field cky_r)" --sai "$(field sai_b)" --idir "$(field idr_b)"
       --hash-r "$(field HASH_R)")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
long=$(printf 'x%.0s' $(seq 1 2000))
# line 1 password, 2 empty, 3 "secret" (CRLF), 4 NUL byte (skipped), 5 2000 bytes
# (skipped), 6 a near miss, 7 the key with a DOS line end, 8 after the key
printf 'password\n\nsecret\r\nAA\000AA\n%s\n%s\n%s\r\nzzz\n' "$long" "${psk}x" "$psk" > "$tmp/words"
out=$("$isakmp" keys --crack-psk "$tmp/words" "${crack[@]}" 2>"$tmp/err")
rc=$?
want="FOUND $psk
tried 4 words (found at line 7 of $tmp/words), skipped 2 lines, 1 empty"
if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then ok "--crack-psk finds the key at line 7 after 4 words (CRLF, empty, NUL, overlong lines handled)"
else not_ok "--crack-psk finds the key at line 7" "rc=$rc (want 0)" "got: $out" "want: $want"; fi
if grep -q "words:4: skipped: holds a NUL byte" "$tmp/err" && grep -q "words:5: skipped: longer than 1024 bytes" "$tmp/err"; then
    ok "--crack-psk names the skipped lines on stderr"
else not_ok "--crack-psk names the skipped lines on stderr" "$(cat "$tmp/err")"; fi
# the key absent: every word tried, exit 1
tr -d '\r' < "$tmp/words" | grep -a -v -x -F "$psk" > "$tmp/absent"
out=$("$isakmp" keys --crack-psk "$tmp/absent" "${crack[@]}" 2>/dev/null)
rc=$?
if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "NOT FOUND" ] &&
   printf '%s\n' "$out" | grep -q "^tried 4 words (all, to line 7 of "; then ok "--crack-psk: absent key, NOT FOUND after 4 words, exit 1"
else not_ok "--crack-psk: absent key" "rc=$rc (want 1)" "$out"; fi
# the last line without a newline, and standard input
out=$(printf 'a\nb\n%s' "$psk" | "$isakmp" keys --crack-psk - "${crack[@]}" 2>/dev/null)
rc=$?
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | head -n 1)" = "FOUND $psk" ] &&
   printf '%s\n' "$out" | grep -q "^tried 3 words (found at line 3 of (stdin))"; then ok "--crack-psk - reads stdin; a last line without newline is tried"
else not_ok "--crack-psk stdin / last line" "rc=$rc" "$out"; fi
# one wrong byte of HASH_R: nothing matches
hr=$(field HASH_R)
last=${hr: -1}
if [ "$last" = 0 ]; then bad_hr=${hr%?}1; else bad_hr=${hr%?}0; fi
out=$("$isakmp" keys --crack-psk "$tmp/words" "${crack[@]:0:18}" --hash-r "$bad_hr" 2>/dev/null)
rc=$?
if [ $rc -eq 1 ]; then ok "--crack-psk: a changed HASH_R is not matched"; else not_ok "--crack-psk: a changed HASH_R" "rc=$rc" "$out"; fi
expect_usage "--crack-psk: unreadable word list, exit 2" "cannot read" --crack-psk "$tmp/nonexistent" "${crack[@]}"
expect_usage "--crack-psk: missing --hash-r" "--hash-r" --crack-psk "$tmp/words" "${crack[@]:0:18}"
expect_usage "--crack-psk: HASH_R of the wrong length" "--hash-r" --crack-psk "$tmp/words" "${crack[@]:0:18}" --hash-r 0011
expect_usage "--crack-psk: --psk-text refused" "--psk" --crack-psk "$tmp/words" "${crack[@]}" --psk-text x
expect_usage "--crack-psk: --auth sig refused" "only --auth psk" --crack-psk "$tmp/words" "${crack[@]}" --auth sig
expect_usage "--hash-r without --crack-psk" "--hash-r is for --crack-psk" "${args[@]}" --hash-r "$hr"

# The hashes of phase-2 and Informational exchanges, each checked against
# HMAC-SHA1 computed by openssl (an independent implementation) from the
# SKEYID_a the chain vector confirmed above.
if command -v openssl >/dev/null 2>&1; then
    ska=$("$isakmp" keys "${args[@]}" 2>/dev/null | grep -m1 "^SKEYID_a = " | sed "s/^[^=]*= //")
    hmac() { # hex data -> hex HMAC-SHA1 under SKEYID_a
        printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" |
            openssl dgst -sha1 -mac HMAC -macopt "hexkey:$ska" | sed 's/^.*= //'
    }
    mid=5f1e2d3c qni=0a0b0c0d0e0f1011 qnr=a1a2a3a4a5a6a7a8
    rest1=0a000010000000010000000104000000 rest2=0a00000c0000000101000000
    info=0000000c0000000101100018 ngm=0000001000000001000000010203
    hout=$("$isakmp" keys "${args[@]}" --msgid $mid --qm-ni $qni --qm-nr $qnr \
        --qm1-rest $rest1 --qm2-rest $rest2 --info-payloads $info --ngm-sa $ngm 2>&1)
    check_hash() { # printed name, expected hex
        local got
        got=$(printf '%s\n' "$hout" | grep -m1 "^$1 = " | sed 's/^[^=]*= //')
        if [ -n "$2" ] && [ "$got" = "$2" ]; then ok "$1 = openssl HMAC"
        else not_ok "$1 = openssl HMAC" "want '$2'" "got  '$got'" "$hout"; fi
    }
    check_hash QM_HASH1 "$(hmac "$mid$rest1")"
    check_hash QM_HASH2 "$(hmac "$mid$qni$rest2")"
    check_hash QM_HASH3 "$(hmac "00$mid$qni$qnr")"
    check_hash INFO_HASH1 "$(hmac "$mid$info")"
    check_hash NGM_HASH "$(hmac "$mid$ngm")"
    # with --msgid and message inputs the IV is still printed (chain 1 has g^xi/g^xr)
    if printf '%s\n' "$hout" | grep -q '^IV_MSGID = '; then ok "IV_MSGID printed beside the hashes"
    else not_ok "IV_MSGID printed beside the hashes" "$hout"; fi
else
    echo "ok - message hashes # SKIP openssl not installed"
fi
expect_usage "--qm1-rest without --msgid" "needs --msgid" "${args[@]}" --qm1-rest 00
expect_usage "--qm2-rest without --qm-ni" "needs --qm-ni" "${args[@]}" --msgid 01020304 --qm2-rest 00
expect_usage "--qm-ni alone (no KEYMAT inputs, no --msgid)" "missing --protocol" "${args[@]}" --qm-ni 00

"$isakmp" keys --help >/dev/null 2>&1 && ok "--help exits 0" || not_ok "--help exits 0"

[ $fails -eq 0 ]
