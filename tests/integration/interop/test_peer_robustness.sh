#!/usr/bin/env bash
# isakmp peer never stops on a bad datagram: it is sent garbage, an
# IKEv2 message, lying length fields and every raw message of
# ../shared/captures/ike-scan (real devices' responses, a malformed one,
# IKEv2 ones), runs with --verbose (every datagram dissected), and must
# still be alive, report what it rejected, and then complete Main Mode
# and Quick Mode with charon.
#   bash tests/integration/interop/test_peer_robustness.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_robustness
ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }
A=$IX_DIR/a B=$IX_DIR/b
shared=$(cd "$(dirname "$0")/../../.." && pwd)/../shared/captures/ike-scan

# send FILE: one datagram from side B to our peer's port 500
send() { ip netns exec "$IX_NS_B" bash -c 'cat "$1" > /dev/udp/10.9.0.1/500' sh "$1"; }

ix_charon_config b
ix_peer_config a local_ts=10.9.0.1/32 remote_ts=10.9.0.2/32
ix_charon_start b || ix_fail "charon starts"
ix_peer_start a --verbose || ix_fail "isakmp peer starts"
pid=$IX_PEER_PID_a

hdr() { # CKY-I CKY-R NEXT VERSION XCHG FLAGS MID LENGTH (hex) -> file
    printf '%s' "$1$2$3$4$5$6$7$8" | sed 's/../\\x&/g' | xargs -0 printf >"$9"
}
hdr 0102030405060708 0000000000000000 01 10 02 00 00000000 ffffffff "$IX_DIR/len-huge"
hdr 0102030405060708 0000000000000000 21 20 22 08 00000000 0000001c "$IX_DIR/ikev2"
hdr 0102030405060708 0000000000000000 01 10 02 00 00000000 00000024 "$IX_DIR/sa-trunc"
printf '\x00\x00\x00\xff\x00\x00\x00\x01' >>"$IX_DIR/sa-trunc"    # SA payload claims 255 bytes
printf 'hello, isakmp' >"$IX_DIR/text"
n=0
for f in "$IX_DIR"/len-huge "$IX_DIR"/ikev2 "$IX_DIR"/sa-trunc "$IX_DIR"/text; do send "$f"; n=$((n + 1)); done
if [ -d "$shared" ]; then
    for f in "$shared"/*.dat; do send "$f"; n=$((n + 1)); done
else
    ix_fail "../shared/captures/ike-scan is missing"
fi
ix_note "sent $n hostile or unexpected datagrams"
ix_check "still running after $n hostile datagrams" \
    bash -c "sleep 0.5; kill -0 $pid"
ix_check "each of them is seen (message-rejected or a Notify answer)" \
    ix_wait_count "$A/peer.log" '(message-rejected|notify-sent|exchange-failed|replay)' 4 3
ix_check "--verbose dissects what it receives" \
    grep -q 'received [0-9]* bytes:' "$A/peer.log"
ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1
ix_check "then Main Mode and Quick Mode with charon still work" \
    ix_wait_log "$A/sa" 'sa=established phase=2 ' 8
ix_peer_stop a
ix_check "exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
exit 0
