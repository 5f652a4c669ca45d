#!/usr/bin/env bash
# Our initiator (isakmp peer, side A) against charon as responder (side B):
# phase 1 and Quick Mode for a matrix of modes and algorithms, keys
# compared byte for byte with charon's ike=4 log, tshark decrypting our
# capture with our decryption table, a second Quick Mode on the same
# ISAKMP SA, a rekey, Deletes from either side.
#   bash tests/integration/interop/test_peer_initiator.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_initiator
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }

A=$IX_DIR/a B=$IX_DIR/b
P2='phase=2 '

# run_case LABEL MODE IKE ESP [extra...]: extras are "second-qm",
# "delete-by-us", "delete-by-charon", "rekey" (IPsec SA), "rekey-ike"
# (ISAKMP SA), "rsa", "ts" (we send client IDs and a lifetime; without it
# we send neither and charon adds both in its answer) (RSA signatures with
# raw public keys instead of the PSK).
run_case() {
    local label=$1 mode=$2 ike=$3 esp=$4; shift 4
    local auth=psk
    [[ " $* " == *" rsa "* ]] && { auth=pubkey; ix_rsa_keys || ix_fail "$label: openssl makes RSA keys"; }
    local extras=" $* " life=0 pct=0 ike_life=0 ts=()
    case "$extras" in *" ts "*) life=28800 ts=(local_ts=10.9.0.1/32 remote_ts=10.9.0.2/32) ;; esac
    case "$extras" in *" rekey "*) life=6 pct=50 ;; esac
    case "$extras" in *" rekey-ike "*) ike_life=6 pct=50 ;; esac
    ix_charon_config b auth=$auth mode="$mode" proposals="$ike" esp="$esp"
    ix_peer_config a auth=$auth mode="$mode" proposals="$ike" esp="$esp" esp_life=$life \
        ike_life=$ike_life rekey_percent=$pct "${ts[@]}"
    ix_charon_start b || { ix_fail "$label: charon starts"; ix_next_case "$label"; return; }
    ix_peer_start a || { ix_fail "$label: isakmp peer starts"; ix_next_case "$label"; return; }
    ix_capture_start a "$A/wire.pcap" || ix_fail "$label: dumpcap starts"
    ix_peer_ctl a initiate charon
    ix_check "$label: our phase 1 established" \
        ix_wait_log "$A/sa" 'sa=established phase=1 ' 8
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "sa=established $P2" 5
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "sa=established $P2" initiator
    ix_check "$label: our ip xfrm exports parse" ix_xfrm_commands_parse a

    if [[ $extras == *" second-qm "* ]]; then
        ix_peer_ctl a quick charon
        ix_check "$label: second Quick Mode on the same ISAKMP SA" \
            ix_wait_count "$A/sa" "sa=established $P2.*phase1=1 " 2 5
        ix_check "$label: charon has 2 CHILD_SAs under 1 IKE_SA" \
            ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 5
        ix_check "$label: keys of the second IPsec SA equal charon's" \
            ix_keys_match a b "sa=established $P2.*handle=[0-9]+ .*phase1=1 .*spi_in=$(
                grep "sa=established $P2" "$A/sa" | tail -1 | sed 's/.*spi_in=\([0-9a-f]*\).*/\1/')" initiator
    fi
    if [[ $extras == *" rekey "* ]]; then
        ix_check "$label: we rekey the IPsec SA before its 6 s lifetime ends" \
            ix_wait_count "$A/sa" "sa=established $P2" 2 6
        ix_check "$label: charon installs the new CHILD_SA" \
            ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 3
    fi
    if [[ $extras == *" rekey-ike "* ]]; then
        ix_check "$label: we renew the ISAKMP SA before its 6 s lifetime ends" \
            ix_wait_count "$A/sa" 'sa=established phase=1 ' 2 6
        ix_check "$label: charon establishes the new IKE_SA" \
            ix_wait_count "$B/charon.log" 'IKE_SA v1\[[0-9]+\] established' 2 3
        local new_p1
        new_p1=$(grep 'sa=established phase=1 ' "$A/sa" | tail -1 | sed 's/.* handle=\([0-9]*\) .*/\1/')
        ix_peer_ctl a quick charon
        ix_check "$label: a Quick Mode under the new ISAKMP SA (handle ${new_p1:-?})" \
            ix_wait_log "$A/sa" "sa=established $P2.*phase1=${new_p1:-none} " 5
    fi
    if [[ $extras == *" delete-by-us "* ]]; then
        ix_peer_ctl a delete-esp charon
        ix_check "$label: charon receives our Delete for the ESP SA" \
            ix_wait_log "$B/charon.log" 'received DELETE for ESP CHILD_SA' 5
    fi
    if [[ $extras == *" delete-by-charon "* ]]; then
        ix_swanctl b --terminate --ike v1 >"$B/terminate.out" 2>&1
        ix_check "$label: we receive charon's Delete for the ISAKMP SA" \
            ix_wait_log "$A/sa" 'sa=deleted phase=1 .*end=peer' 5
    else
        ix_peer_stop a
        ix_check "$label: on SIGTERM we delete, charon receives it" \
            ix_wait_log "$B/charon.log" 'received DELETE for IKE_SA' 5
    fi
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
    ix_capture_stop
    ix_check "$label: our pcap holds what dumpcap saw on the wire (headers, cookies, IDs)" \
        ix_pcap_matches_wire "$A/peer.pcap" "$A/wire.pcap"
    ix_check_decryption "$label" "$A/peer.pcap" "$A/table" "$mode" "$(ix_qm_pattern "$esp")"
    ix_next_case "$label"
}

run_case main-g14-aes128-sha1-pfs main aes128-sha1-modp2048 aes128-sha1-modp2048 second-qm delete-by-us ts
run_case main-g2-aes256-sha256 main aes256-sha256-modp1024 aes256-sha256 delete-by-charon
run_case main-g19-3des-sha1-pfs main 3des-sha1-ecp256 3des-sha1-ecp256
run_case main-g28-aes128-sha256-pfs main aes128-sha256-ecp256bp aes128-sha256-ecp256bp
run_case aggressive-g14-aes128-sha1 aggressive aes128-sha1-modp2048 aes128-sha1
run_case main-g14-rekey main aes128-sha256-modp2048 aes128-sha256 rekey
run_case main-g14-rekey-ike main aes128-sha1-modp2048 aes128-sha1 rekey-ike
run_case main-rsasig-g14-aes256-sha1 main aes256-sha1-modp2048 aes128-sha1-modp2048 rsa ts
exit 0
