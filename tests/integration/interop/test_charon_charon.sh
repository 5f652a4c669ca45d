#!/usr/bin/env bash
# Proves the harness itself: two charon instances (A initiates, B
# responds) in Main Mode and Aggressive Mode with PSK.  Checks that both
# establish, that both sides log the same key material at ike/chd = 4
# (so the key parser is right), that tshark decrypts the capture with
# the charon-derived key (so the decryption check is right) and that a
# Delete from A reaches B.
#   bash tests/integration/interop/test_charon_charon.sh [BUILD]
set -u
. "$(dirname "$0")/lib.sh"
ix_begin charon_charon
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }

# keys_equal SIDE_A_FILE SIDE_B_FILE NAME: the first value of NAME agrees
keys_equal() {
    local x y
    x=$(grep -m1 "^$3=" "$1" | cut -d= -f2)
    y=$(grep -m1 "^$3=" "$2" | cut -d= -f2)
    [ -n "$x" ] && [ "$x" = "$y" ]
}

run_case() { # label mode ike-proposal esp-proposal
    local label=$1 mode=$2 ike=$3 esp=$4
    ix_charon_config a mode="$mode" proposals="$ike" esp="$esp"
    ix_charon_config b mode="$mode" proposals="$ike" esp="$esp"
    ix_charon_start a || { ix_fail "$label: charon A starts"; return; }
    ix_charon_start b || { ix_fail "$label: charon B starts"; return; }
    ix_capture_start a "$IX_DIR/$label.pcap" || ix_fail "$label: capture starts"
    ix_swanctl a --initiate --child c >"$IX_DIR/a/initiate.out" 2>&1
    ix_check "$label: A IKE_SA established" \
        ix_wait_log "$IX_DIR/a/charon.log" 'IKE_SA v1\[[0-9]+\] established' 10
    ix_check "$label: B CHILD_SA established" \
        ix_wait_log "$IX_DIR/b/charon.log" 'CHILD_SA c\{[0-9]+\} established' 10
    ix_capture_stop

    ix_charon_keys "$IX_DIR/a/charon.log" >"$IX_DIR/a/keys"
    ix_charon_keys "$IX_DIR/b/charon.log" >"$IX_DIR/b/keys"
    local k all=0
    for k in shared_Diffie_Hellman_secret SKEYID SKEYID_d SKEYID_a SKEYID_e \
             encryption_key_Ka encryption_initiator_key encryption_responder_key \
             integrity_initiator_key integrity_responder_key; do
        keys_equal "$IX_DIR/a/keys" "$IX_DIR/b/keys" "$k" || { ix_note "differs or missing: $k"; all=1; }
    done
    ix_check "$label: both sides log the same 10 ike=4 keys" test "$all" = 0

    local ispi ka
    ispi=$(ix_ikev1_ispi "$IX_DIR/$label.pcap")
    ka=$(grep -m1 '^encryption_key_Ka=' "$IX_DIR/a/keys" | cut -d= -f2)
    ix_tshark_decrypt "$IX_DIR/$label.pcap" "$IX_DIR/$label.txt" "$ispi,$ka"
    ix_decrypted_payloads "$IX_DIR/$label.txt" >"$IX_DIR/$label.dec"
    local first=5,8
    [ "$mode" = aggressive ] && first=8
    ix_check "$label: tshark decrypts phase 1 (first encrypted message: $first)" \
        grep -q "^$first" <(head -1 "$IX_DIR/$label.dec")
    local qm='8,1,10,5,5'       # HASH SA Nonce ID ID
    case "$esp" in *modp*|*ecp*) qm='8,1,10,4,5,5' ;; esac    # + KE with PFS
    ix_check "$label: tshark decrypts Quick Mode messages 1 and 2 ($qm)" \
        test "$(grep -c "^$qm\$" "$IX_DIR/$label.dec")" = 2
    ix_check "$label: every encrypted message decrypted" \
        bash -c "! grep -q '^\$' '$IX_DIR/$label.dec'"
    ix_check "$label: no malformed packet in the decrypted capture" \
        bash -c "! grep -qi malformed '$IX_DIR/$label.txt'"

    ix_swanctl a --terminate --ike v1 >"$IX_DIR/a/terminate.out" 2>&1
    ix_check "$label: B receives A's Delete" \
        ix_wait_log "$IX_DIR/b/charon.log" 'received DELETE for IKE_SA' 10
}

run_case main main aes128-sha1-modp2048 aes128-sha1-modp2048
ix_next_case main
run_case aggressive aggressive aes256-sha256-modp1024 aes256-sha256
exit 0
