#!/usr/bin/env bash
# Our initiator with the simplest configuration - no Quick Mode client
# IDs, no ESP lifetime attribute - against charon as responder.  charon
# answers with what it always sends: SA-Life 28800 s in the chosen
# transform (RFC 2407 default, not offered by us) and ID payloads for the
# two hosts (not sent by us).  An initiator must accept both (RFC 2409
# §5.5 lets IDs be omitted only by agreement; RFC 2407 §4.5 lifetimes).
#   bash tests/integration/interop/test_peer_charon_defaults.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_charon_defaults
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }
A=$IX_DIR/a B=$IX_DIR/b

ix_charon_config b proposals=aes128-sha1-modp2048 esp=aes128-sha1
ix_peer_config a proposals=aes128-sha1-modp2048 esp=aes128-sha1
ix_charon_start b || ix_fail "charon starts"
ix_peer_start a || ix_fail "isakmp peer starts"
ix_peer_ctl a initiate charon
ix_check "phase 1 established" ix_wait_log "$A/sa" 'sa=established phase=1 ' 8
ix_check "Quick Mode without our IDs or lifetime: established (charon adds both)" \
    ix_wait_log "$A/sa" 'sa=established phase=2 ' 5
ix_check "charon's CHILD_SA established" \
    ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 3
grep -E 'exchange-failed' "$A/peer.log" | sed 's/^/# our log: /'
ix_peer_stop a
exit 0
