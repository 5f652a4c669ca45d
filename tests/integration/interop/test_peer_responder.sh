#!/usr/bin/env bash
# charon as initiator (side B) against our responder (isakmp peer, side
# A): phase 1 and Quick Mode for a matrix of modes and algorithms, keys
# compared byte for byte with charon's ike=4 log, tshark decrypting our
# capture with our decryption table, a second Quick Mode on the same
# ISAKMP SA, charon's rekey, Deletes from either side.
#   bash tests/integration/interop/test_peer_responder.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_responder
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }

A=$IX_DIR/a B=$IX_DIR/b
P2='phase=2 '

# run_case LABEL MODE IKE ESP [extra...]: extras are "second-qm",
# "delete-by-us", "delete-by-charon", "rekey", "rsa" (RSA signatures with
# raw public keys instead of the PSK).
run_case() {
    local label=$1 mode=$2 ike=$3 esp=$4; shift 4
    local auth=psk
    [[ " $* " == *" rsa "* ]] && { auth=pubkey; ix_rsa_keys || ix_fail "$label: openssl makes RSA keys"; }
    local extras=" $* " rekey=0 life=0
    case "$extras" in *" rekey "*) rekey=3 life=10 ;; esac
    ix_charon_config b auth=$auth mode="$mode" proposals="$ike" esp="$esp" child_rekey=$rekey child_life=$life
    ix_peer_config a auth=$auth mode="$mode" proposals="$ike" esp="$esp"
    ix_charon_start b || { ix_fail "$label: charon starts"; ix_next_case "$label"; return; }
    ix_peer_start a || { ix_fail "$label: isakmp peer starts"; ix_next_case "$label"; return; }
    # swanctl --initiate waits for the outcome: run it aside (at most 20 s)
    ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1 &
    local waits=("$!")
    ix_check "$label: our phase 1 established" \
        ix_wait_log "$A/sa" 'sa=established phase=1 ' 8
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "sa=established $P2" 5
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "sa=established $P2" responder
    ix_check "$label: our ip xfrm exports parse" ix_xfrm_commands_parse a

    if [[ $extras == *" second-qm "* ]]; then
        ix_swanctl b --initiate --child c2 >"$B/initiate2.out" 2>&1 &
        waits+=("$!")
        ix_check "$label: second Quick Mode (UDP client IDs) on the same ISAKMP SA" \
            ix_wait_count "$A/sa" "sa=established $P2.*phase1=1 " 2 5
        ix_check "$label: charon's second CHILD_SA established" \
            ix_wait_log "$B/charon.log" 'CHILD_SA c2\{[0-9]+\} established' 5
    fi
    if [[ $extras == *" rekey "* ]]; then
        ix_check "$label: charon rekeys the CHILD_SA after 3 s, we accept" \
            ix_wait_count "$A/sa" "sa=established $P2" 2 6
        ix_check "$label: charon installs the new CHILD_SA" \
            ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 3
    fi
    if [[ $extras == *" delete-by-charon "* ]]; then
        ix_swanctl b --terminate --child c >"$B/terminate.out" 2>&1
        ix_check "$label: we receive charon's Delete for the ESP SA" \
            ix_wait_log "$A/sa" 'sa=deleted phase=2 .*end=peer' 5
    fi
    if [[ $extras == *" delete-by-us "* ]]; then
        ix_peer_ctl a delete-ike charon
        ix_check "$label: charon receives our Delete for the ISAKMP SA" \
            ix_wait_log "$B/charon.log" 'received DELETE for IKE_SA' 5
    fi
    wait "${waits[@]}"    # only the swanctl calls: charon and the peer run on
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
    ix_check_decryption "$label" "$A/peer.pcap" "$A/table" "$mode" "$(ix_qm_pattern "$esp")"
    ix_next_case "$label"
}

run_case main-g14-aes128-sha1-pfs main aes128-sha1-modp2048 aes128-sha1-modp2048 second-qm delete-by-charon
run_case main-g2-aes256-sha256 main aes256-sha256-modp1024 aes256-sha256 delete-by-us
run_case main-g19-3des-sha1-pfs main 3des-sha1-ecp256 3des-sha1-ecp256
run_case main-g28-aes128-sha256-pfs main aes128-sha256-ecp256bp aes128-sha256-ecp256bp
run_case aggressive-g14-aes128-sha1 aggressive aes128-sha1-modp2048 aes128-sha1-modp2048
run_case main-g14-rekey main aes128-sha256-modp2048 aes128-sha256 rekey
run_case main-rsasig-g14-aes256-sha1 main aes256-sha1-modp2048 aes128-sha1-modp2048 rsa
exit 0
