#!/usr/bin/env bash
# Dead Peer Detection (RFC 3706) between charon and our peer: both probe
# every second and both answer; then charon is killed without a word
# (SIGKILL) and our peer must declare it dead and remove its SAs.
#   bash tests/integration/interop/test_peer_dpd.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_dpd
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }
A=$IX_DIR/a B=$IX_DIR/b

ix_charon_config b esp=aes128-sha1 extra_conn="dpd_delay = 1s"
ix_peer_config a esp=aes128-sha1 extra_engine="dpd_delay = 1;"
ix_charon_start b || ix_fail "charon starts"
ix_peer_start a || ix_fail "isakmp peer starts"
ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1
ix_check "established" ix_wait_log "$A/sa" 'sa=established phase=2 ' 8
ix_check "we answer charon's R-U-THERE" \
    ix_wait_log "$A/peer.log" 'notify-sent .*type=R-U-THERE-ACK' 5
ix_check "charon answers our R-U-THERE" \
    ix_wait_log "$A/peer.log" 'notify-received .*type=R-U-THERE-ACK' 5
ix_check "charon keeps the IKE_SA (no DPD timeout on its side)" \
    bash -c "! grep -q 'DPD.*dead\|giving up' '$B/charon.log'"
ix_charon_kill b
ix_check "charon killed silently: we declare it dead and remove the ISAKMP SA" \
    ix_wait_log "$A/sa" 'sa=deleted phase=1 .*end=dpd' 10
ix_check "... and its IPsec SA" ix_wait_log "$A/sa" 'sa=deleted phase=2 .*end=dpd' 1
ix_peer_stop a
ix_check "exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
exit 0
