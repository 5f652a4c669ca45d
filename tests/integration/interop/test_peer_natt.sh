#!/usr/bin/env bash
# NAT traversal (RFC 3947) with charon, and charon renewing the ISAKMP SA
# against our responder.  No real NAT: one side pretends to be behind one
# by sending a NAT-D hash no address gives (charon's encap = yes, our
# nat_t = "force"), so both sides must detect it, float the ISAKMP SA to
# UDP 4500 (non-ESP marker) and negotiate ESP in UDP:
#   natt-initiator   our initiator (side A, nat_t = on) -> charon responder
#                    (B, encap = yes: charon "behind a NAT")
#   natt-responder   charon initiator (B, encap = no; kernel-libipsec may make
#                    charon fake its own NAT-D all the same) -> our responder
#                    (A, nat_t = force: we "behind a NAT", so we send keepalives)
#   reauth-by-charon charon renews its IKE_SA after 4 s (IKEv1: a new Main
#                    Mode; charon 5.9 keeps the old one and its CHILD_SA until
#                    they expire), our responder accepts, and a Quick Mode
#                    runs under the new one
# Checks: both logs say NAT, the capture of the veth shows ISAKMP on 4500
# from Main Mode message 5 on, our SA file and charon's list-sas say
# UDP encapsulation, our xfrm export carries encap espinudp 4500 4500,
# keys equal charon's ike=4 log.
#   bash tests/integration/interop/test_peer_natt.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_natt
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }

A=$IX_DIR/a B=$IX_DIR/b
P2='sa=established phase=2 '

# ISAKMP messages on the wire by UDP port: "SRCPORT DSTPORT" per line.
isakmp_ports() {
    tshark -r "$1" -Y isakmp -T fields -e udp.srcport -e udp.dstport 2>/dev/null
}

# The float: some ISAKMP on 500, then (MM message 5 on) only 4500 both ways.
floated_to_4500() {
    local ports=$1
    [ "$(grep -c '^500	500$' "$ports")" -ge 4 ] &&
        [ "$(grep -c '^4500	4500$' "$ports")" -ge 2 ] &&
        ! sed -n "/^4500	4500$/,\$p" "$ports" | grep -q '^500	'
}

# natt_checks LABEL ROLE NAT_FIELDS CHARON_ERE: NAT_FIELDS is what our SA
# file must say (nat_local=.. nat_peer=.. nat_forced=..), CHARON_ERE what
# charon logs about it.
natt_checks() {
    local label=$1 role=$2 fields=$3 charon=$4
    ix_check "$label: we log the NAT detection" ix_wait_log "$A/peer.log" 'nat-detected .*nat_t=rfc3947' 3
    ix_check "$label: charon logs it too ($charon)" ix_wait_log "$B/charon.log" "$charon" 3
    ix_check "$label: our SA file: ISAKMP SA with RFC 3947, $fields, on 4500" \
        grep -Eq "sa=established phase=1 .* nat_t=rfc3947 $fields sport=4500 dport=4500" "$A/sa"
    ix_check "$label: our IPsec SA is UDP-encapsulated tunnel mode" \
        grep -Eq "$P2.*encap=udp-tunnel .*udp_encap=1 sport=4500 dport=4500" "$A/sa"
    ix_swanctl b --list-sas >"$B/list-sas.out" 2>&1
    ix_check "$label: charon's CHILD_SA is TUNNEL-in-UDP" grep -q 'TUNNEL-in-UDP' "$B/list-sas.out"
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "$P2" "$role"
    ix_check "$label: our xfrm export sets encap espinudp 4500 4500" \
        grep -q 'encap espinudp 4500 4500 0.0.0.0' "$A/xfrm"
    ix_check "$label: our ip xfrm exports parse" ix_xfrm_commands_parse a
}

# ---- our initiator, charon responder with encap = yes --------------------
label=natt-initiator
ix_charon_config b encap=yes
ix_peer_config a extra_engine='nat_t = "on";'
if ix_charon_start b && ix_peer_start a --verbose; then
    ix_capture_start a "$A/wire.pcap" || ix_fail "$label: dumpcap starts"
    ix_peer_ctl a initiate charon
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "$P2" 8
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    natt_checks "$label" initiator 'nat_local=0 nat_peer=1 nat_forced=0' 'faking NAT situation'
    ix_check "$label: --verbose shows Main Mode message 5 in clear (ID, HASH)" \
        grep -q 'sent, before encryption,' "$A/peer.log"
    ix_check "$label: --verbose shows charon's message 6 decrypted" \
        grep -q 'received, decrypted,' "$A/peer.log"
    ix_capture_stop
    isakmp_ports "$A/wire.pcap" >"$A/ports"
    ix_check "$label: the wire shows MM 1-4 on 500, then ISAKMP on 4500 with the marker" \
        floated_to_4500 "$A/ports"
    ix_check "$label: our pcap holds what dumpcap saw on the wire (4500 included)" \
        ix_pcap_matches_wire "$A/peer.pcap" "$A/wire.pcap"
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
else
    ix_fail "$label: charon and isakmp peer start"
fi
ix_next_case "$label"

# ---- charon initiator, our responder pretending a NAT ----------------------
label=natt-responder
ix_charon_config b
ix_peer_config a extra_engine='nat_t = "force"; nat_keepalive = 1;'

if ix_charon_start b && ix_peer_start a; then
    ix_capture_start a "$A/wire.pcap" || ix_fail "$label: dumpcap starts"
    ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1 &
    wpid=$!
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "$P2" 8
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    ix_check "$label: we followed charon to 4500 (nat-address-changed)" \
        grep -q 'nat-address-changed .*local=10.9.0.1:4500' "$A/peer.log"
    # (nat_peer: charon with kernel-libipsec wants UDP encapsulation and may
    # fake its own NAT-D even with encap = no - with our nat_t = "on" and no
    # NAT its log says "faking NAT situation to enforce UDP encapsulation",
    # while its NAT-D for our address matches ours - so either value)
    natt_checks "$label" responder 'nat_local=1 nat_peer=[01] nat_forced=1' 'remote host is behind NAT'
    sleep 2.2           # two keepalives at 1 s intervals
    wait "$wpid"
    ix_capture_stop
    isakmp_ports "$A/wire.pcap" >"$A/ports"
    ix_check "$label: the wire shows MM 1-4 on 500, then ISAKMP on 4500 with the marker" \
        floated_to_4500 "$A/ports"
    ix_check "$label: we send NAT keepalives (one 0xff byte, no marker) from 4500" \
        test "$(tshark -r "$A/wire.pcap" -Y 'ip.src==10.9.0.1 && udp.srcport==4500 && udp.length==9' \
                -T fields -e udp.payload 2>/dev/null | grep -cx ff)" -ge 2
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
else
    ix_fail "$label: charon and isakmp peer start"
fi
ix_next_case "$label"

# ---- charon renews the ISAKMP SA against our responder --------------------
label=reauth-by-charon
# (over_time: the IKE_SA outlives its rekey, so the old one is deleted by
# charon once the new one is up, not expired under it)
ix_charon_config b rekey_time=4 extra_conn='over_time = 20s
    rand_time = 0s'
ix_peer_config a
if ix_charon_start b && ix_peer_start a; then
    ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1 &
    wpid=$!
    ix_check "$label: first ISAKMP SA and Quick Mode" ix_wait_log "$A/sa" "$P2" 8
    ix_check "$label: charon starts a new IKE_SA after 4 s, we establish it" \
        ix_wait_count "$A/sa" 'sa=established phase=1 ' 2 12
    ix_check "$label: charon says its second IKE_SA is established" \
        ix_wait_count "$B/charon.log" 'IKE_SA v1\[[0-9]+\] established' 2 5
    new_cky=$(grep 'sa=established phase=1 ' "$A/sa" | tail -1 | sed 's/.* cky_i=\([0-9a-f]*\) .*/\1/')
    first_cky=$(grep 'sa=established phase=1 ' "$A/sa" | head -1 | sed 's/.* cky_i=\([0-9a-f]*\) .*/\1/')
    ix_check "$label: the new ISAKMP SA has new cookies" test "$new_cky" != "$first_cky"
    new_p1=$(grep 'sa=established phase=1 ' "$A/sa" | tail -1 | sed 's/.* handle=\([0-9]*\) .*/\1/')
    ix_peer_ctl a quick charon
    ix_check "$label: a Quick Mode under the new ISAKMP SA (handle ${new_p1:-?})" \
        ix_wait_log "$A/sa" "$P2.*phase1=${new_p1:-none} " 5
    ix_check "$label: charon installs that CHILD_SA" \
        ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 5
    ix_check "$label: keys of the new ISAKMP SA equal charon's" \
        grep -qx "SKEYID_e=$(grep 'sa=established phase=1 ' "$A/sa" | sed -n 2p | sed 's/.* skeyid_e=\([0-9a-f]*\).*/\1/')" \
            <(ix_charon_keys "$B/charon.log")
    wait "$wpid"
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
else
    ix_fail "$label: charon and isakmp peer start"
fi
ix_next_case "$label"
exit 0
