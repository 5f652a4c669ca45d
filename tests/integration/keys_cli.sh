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

"$isakmp" keys --help >/dev/null 2>&1 && ok "--help exits 0" || not_ok "--help exits 0"

[ $fails -eq 0 ]
