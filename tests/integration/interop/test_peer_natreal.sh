#!/usr/bin/env bash
# NAT traversal (RFC 3947) with charon through a REAL NAT: no side pretends
# (our nat_t = "on", never "force"; charon's encap = no).  Three network
# namespaces, none of them the host's:
#
#   side A: isakmp peer          router: nftables NAT             side B: charon
#   192.168.77.2/24  ---- LAN ---- 192.168.77.1 | 10.9.0.1 ---- WAN ---- 10.9.0.2/24
#   (default route via .1)        snat udp to 10.9.0.1:40000-40999
#                                 (so UDP 500 and 4500 leave as OTHER ports)
#
#   nat-initiator    our initiator behind the source NAT -> charon responder
#                    (remote_addrs = %any).  Both sides find that WE are behind
#                    the NAT (our SA file nat_local=1, charon "remote host is
#                    behind NAT"); from Main Mode message 5 on the ISAKMP SA runs
#                    on 4500 - on the WAN our 500 and 4500 appear as two
#                    different ports of 40000-40999 and charon answers to them;
#                    Quick Mode gives UDP-encapsulated tunnel mode; keys equal
#                    charon's ike=4 log; our keepalives (nat_keepalive = 1) leave
#                    through the same mapping once a second.
#   second-qm-delete (same SAs) a second Quick Mode, our Delete of an IPsec SA,
#                    then charon's Deletes (swanctl --terminate), all on the
#                    floated, translated path.
#   nat-portforward  charon cannot initiate to a host behind a source NAT (it has
#                    no address to send to), so the router also forwards UDP 500
#                    and 4500 of its WAN address to us (dnat, a "port forward"):
#                    charon initiates to 10.9.0.1, our responder behind the
#                    forward finds itself behind a NAT (its own address is not the
#                    one charon addressed: NAT-D of the destination differs, ports
#                    unchanged), the SA floats to 4500 through the forward, we send
#                    keepalives back through it, we start a Quick Mode and Delete
#                    the ISAKMP SA ourselves.
#
# Skips (ok - ... # SKIP) when not root, without namespaces, without nft, or
# when the router's nat table cannot be made.  NR_NO_NAT=1 builds the same
# network with plain routing instead of NAT: a self-test showing the NAT
# checks fail (charon then also cannot reach the forward of nat-portforward).
#   bash tests/integration/interop/test_peer_natreal.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_natreal
ix_need_root_netns
command -v nft >/dev/null || { echo "ok - $IX_NAME # SKIP nft (nftables) not installed"; exit 0; }

# our side on a private subnet, charon on the router's WAN
IX_ADDR_A=192.168.77.2
IX_ADDR_B=10.9.0.2
LAN_R=192.168.77.1 WAN_R=10.9.0.1
A=$IX_DIR/a B=$IX_DIR/b
P2='sa=established phase=2 '
NR_CAPS=()

# nr_net_up: the three namespaces, veth pairs created directly inside them
# (nothing is ever left in the host's namespace), addresses, routes.
nr_net_up() {
    local tag="nr$$"
    IX_NS_A="${tag}a" IX_NS_B="${tag}b" NR_NS_R="${tag}r"
    IX_NS_EXTRA=("$NR_NS_R")
    IX_IF_A="${tag}la" IX_IF_B="${tag}wb" NR_IF_LAN="${tag}lr" NR_IF_WAN="${tag}wr"
    ip netns add "$IX_NS_A" && ip netns add "$IX_NS_B" && ip netns add "$NR_NS_R" || return 1
    ip link add "$IX_IF_A" netns "$IX_NS_A" type veth peer name "$NR_IF_LAN" netns "$NR_NS_R" || return 1
    ip link add "$NR_IF_WAN" netns "$NR_NS_R" type veth peer name "$IX_IF_B" netns "$IX_NS_B" || return 1
    local ns
    for ns in "$IX_NS_A" "$IX_NS_B" "$NR_NS_R"; do
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
        ip -n "$ns" link set lo up || return 1
    done
    ip -n "$IX_NS_A" addr add "$IX_ADDR_A/24" dev "$IX_IF_A" &&
        ip -n "$NR_NS_R" addr add "$LAN_R/24" dev "$NR_IF_LAN" &&
        ip -n "$NR_NS_R" addr add "$WAN_R/24" dev "$NR_IF_WAN" &&
        ip -n "$IX_NS_B" addr add "$IX_ADDR_B/24" dev "$IX_IF_B" || return 1
    ip -n "$IX_NS_A" link set "$IX_IF_A" up && ip -n "$NR_NS_R" link set "$NR_IF_LAN" up &&
        ip -n "$NR_NS_R" link set "$NR_IF_WAN" up && ip -n "$IX_NS_B" link set "$IX_IF_B" up || return 1
    ip -n "$IX_NS_A" route add default via "$LAN_R" || return 1
    ip netns exec "$NR_NS_R" sysctl -qw net.ipv4.ip_forward=1
}

# nr_net_down: remove the three namespaces (and with them the veths).
nr_net_down() {
    ip netns del "$IX_NS_A" 2>/dev/null; ip netns del "$IX_NS_B" 2>/dev/null
    ip netns del "$NR_NS_R" 2>/dev/null
    IX_NS_A="" IX_NS_B="" IX_NS_EXTRA=()
}

# nr_nat [forward]: the router's nftables NAT: every UDP datagram from the LAN
# leaves with source 10.9.0.1 and a port of 40000-40999 (never 500 or 4500);
# "forward" adds the port forward of UDP 500 and 4500 to our peer.
# NR_NO_NAT=1: plain routing instead (charon gets a route to the LAN).
nr_nat() {
    if [ "${NR_NO_NAT:-0}" = 1 ]; then
        ix_note "NR_NO_NAT=1: no NAT, plain routing (self-test: the NAT checks must fail)"
        ip -n "$IX_NS_B" route add 192.168.77.0/24 via "$WAN_R"
        return 0
    fi
    local fwd=""
    [ "${1:-}" = forward ] && fwd="chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    iifname \"$NR_IF_WAN\" ip daddr $WAN_R udp dport { 500, 4500 } dnat to $IX_ADDR_A
  }"
    ip netns exec "$NR_NS_R" nft -f - <<EOF
table ip nrnat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "$NR_IF_WAN" ip saddr 192.168.77.0/24 meta l4proto udp snat to $WAN_R:40000-40999
    oifname "$NR_IF_WAN" ip saddr 192.168.77.0/24 masquerade
  }
  $fwd
}
EOF
}

# nr_capture NS IF FILE: dumpcap (UDP) on that interface; returns once running.
nr_capture() {
    ip netns exec "$1" dumpcap -q -i "$2" -f udp -w "$3" >"$3.err" 2>&1 &
    NR_CAPS+=("$!"); IX_PIDS+=("$!")
    local i
    for i in $(seq 50); do
        grep -q "Capturing on" "$3.err" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
nr_captures_stop() {
    local p i
    sleep 0.3
    for p in "${NR_CAPS[@]}"; do kill -INT "$p" 2>/dev/null; done
    for p in "${NR_CAPS[@]}"; do
        for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    done
    NR_CAPS=()
}

# nr_isakmp_rows PCAP: "SRC SPORT DST DPORT MARKER" per ISAKMP message (MARKER:
# the first 4 bytes of the UDP payload, 00000000 for the non-ESP marker).
nr_isakmp_rows() {
    tshark -r "$1" -Y isakmp -T fields -e ip.src -e udp.srcport -e ip.dst -e udp.dstport \
        -e udp.payload 2>/dev/null | awk '{ print $1, $2, $3, $4, substr($5, 1, 8) }'
}

# nr_in_range PORT: one of the router's source ports.
nr_in_range() { [ -n "$1" ] && [ "$1" -ge 40000 ] && [ "$1" -le 40999 ]; }

# nr_wan_float ROWS: what the WAN shows of the initiator behind the NAT:
# our first two messages (MM 1, 3) from mapped port P500 to 500, every later
# one from a different mapped port P4500 to 4500 with the marker; charon
# answers to exactly those ports.  Sets NR_P500 / NR_P4500.
nr_wan_float() {
    local rows=$1
    NR_P500=$(awk -v r="$WAN_R" '$1 == r && $4 == 500 { print $2; exit }' "$rows")
    NR_P4500=$(awk -v r="$WAN_R" '$1 == r && $4 == 4500 { print $2; exit }' "$rows")
    ix_note "WAN: our ISAKMP 500 left as port ${NR_P500:-none}, 4500 as ${NR_P4500:-none}"
    nr_in_range "$NR_P500" && nr_in_range "$NR_P4500" && [ "$NR_P500" != "$NR_P4500" ] || return 1
    # ours: exactly 2 on 500 (no retransmission expected here), then only 4500
    [ "$(awk -v r="$WAN_R" '$1 == r' "$rows" | head -2 | grep -c " $NR_P500 $IX_ADDR_B 500 ")" = 2 ] || return 1
    [ "$(awk -v r="$WAN_R" '$1 == r' "$rows" | tail -n +3 | grep -vc " $NR_P4500 $IX_ADDR_B 4500 00000000$")" = 0 ] || return 1
    [ "$(awk -v r="$WAN_R" '$1 == r' "$rows" | wc -l)" -ge 4 ] || return 1
    # charon's: to P500 from 500, then to P4500 from 4500 with the marker
    [ "$(awk -v b="$IX_ADDR_B" '$1 == b' "$rows" | head -2 | grep -c "^$IX_ADDR_B 500 $WAN_R $NR_P500 ")" = 2 ] || return 1
    [ "$(awk -v b="$IX_ADDR_B" '$1 == b' "$rows" | tail -n +3 | grep -vc "^$IX_ADDR_B 4500 $WAN_R $NR_P4500 00000000$")" = 0 ]
}

# nr_lan_untranslated ROWS: on the LAN our peer itself used 500 and 4500.
nr_lan_untranslated() {
    [ "$(grep -c "^$IX_ADDR_A 500 $IX_ADDR_B 500 " "$1")" -ge 2 ] &&
        [ "$(grep -c "^$IX_ADDR_A 4500 $IX_ADDR_B 4500 00000000$" "$1")" -ge 2 ] &&
        ! grep -Eq "^$IX_ADDR_A (4[0-9]{4}) " "$1"
}

# nr_keepalives PCAP SRC SPORT: the NAT keepalives (one 0xff byte) from
# SRC:SPORT to charon's 4500, "TIME" per line.
nr_keepalives() {
    tshark -r "$1" -Y "ip.src==$2 && udp.srcport==$3 && ip.dst==$IX_ADDR_B && udp.dstport==4500 && udp.length==9" \
        -T fields -e frame.time_relative -e udp.payload 2>/dev/null | awk '$2 == "ff" { print $1 }'
}

# nr_intervals_ok FILE LO HI: every gap between successive times in LO..HI s.
nr_intervals_ok() {
    awk -v lo="$2" -v hi="$3" 'NR > 1 { d = $1 - prev; if (d < lo || d > hi) bad = 1; printf "%.2f ", d }
        { prev = $1 } END { print ""; exit bad }' "$1"
}

# nr_charon_from PORT_ERE TO_PORT: charon logged a packet from the router's
# address and a port matching PORT_ERE to its own TO_PORT.
nr_charon_from() {
    grep -Eq "received packet: from ${WAN_R//./\\.}\[$1\] to ${IX_ADDR_B//./\\.}\[$2\]" "$B/charon.log"
}

# nr_all_on_4500 ROWS FIRST_ROW: every ISAKMP message from row FIRST_ROW on
# (the Informational exchanges) has charon's side on 4500 with the marker.
nr_all_on_4500() {
    tail -n +"$2" "$1" | awk -v b="$IX_ADDR_B" '
        { n++; if (!(($1 == b && $2 == 4500) || ($3 == b && $4 == 4500)) || $5 != "00000000") bad = 1 }
        END { exit (n == 0 || bad) }'
}

# nr_info_floated FILE: at least 3 Informational messages ("SRC SPORT DST
# DPORT" lines), every one between our mapped 4500 and charon's 4500.
nr_info_floated() {
    awk -v r="$WAN_R" -v p="${NR_P4500:-none}" -v b="$IX_ADDR_B" '
        { n++; if (!(($1 == r && $2 == p && $3 == b && $4 == 4500) ||
                     ($1 == b && $2 == 4500 && $3 == r && $4 == p))) bad = 1 }
        END { exit (n < 3 || bad) }' "$1"
}

nr_setup() {   # nr_setup [forward]: fresh network and NAT for one case
    nr_net_up || { ix_fail "namespaces, veths and routes"; exit 1; }
    if ! nr_nat "$@" 2>"$IX_DIR/nft.err"; then
        echo "ok - $IX_NAME # SKIP nftables nat table cannot be made: $(head -1 "$IX_DIR/nft.err")"
        exit 0
    fi
}

# ---- our initiator behind the source NAT -> charon responder ----------------
# Both sides see that WE are behind the NAT: our log and charon's.
nr_both_detect_nat() {
    ix_check "$1: we detect that we are behind a NAT (local_behind_nat=1)" \
        grep -q 'nat-detected .*nat_t=rfc3947 local_behind_nat=1 .*forced=0' "$A/peer.log"
    ix_check "$1: charon detects it: \"remote host is behind NAT\"" \
        grep -q 'remote host is behind NAT' "$B/charon.log"
}

label=nat-initiator
nr_setup
ix_charon_config b remote_addrs=%any
ix_peer_config a extra_engine='nat_t = "on"; nat_keepalive = 1;' \
    local_ts="$IX_ADDR_A/32" remote_ts="$IX_ADDR_B/32"
if ix_charon_start b && ix_peer_start a --verbose; then
    nr_capture "$NR_NS_R" "$NR_IF_WAN" "$IX_DIR/wan.pcap" || ix_fail "$label: dumpcap on the WAN starts"
    nr_capture "$IX_NS_A" "$IX_IF_A" "$IX_DIR/lan.pcap" || ix_fail "$label: dumpcap on the LAN starts"
    ix_peer_ctl a initiate charon
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "$P2" 8
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    nr_both_detect_nat "$label"
    ix_check "$label: our SA file: RFC 3947, nat_local=1, not forced, on 4500" \
        grep -Eq "sa=established phase=1 .*peer=$IX_ADDR_B:4500 .* nat_t=rfc3947 nat_local=1 nat_peer=[01] nat_forced=0 sport=4500 dport=4500" "$A/sa"
    # (nat_peer=1 although charon is not behind a NAT: charon 5.9 with
    # kernel-libipsec forces UDP encapsulation and silently sends a random
    # hash as its own (source) NAT-D - checked by hand against SHA-1 of
    # CKY-I|CKY-R|10.9.0.2|500 - so either value)
    ix_note "our phase 1: $(grep 'sa=established phase=1 ' "$A/sa" | head -1 | grep -o 'nat_t=.*dport=[0-9]*')"
    ix_check "$label: charon saw us at 10.9.0.1 from a 40000-40999 port, on 500 then 4500" \
        eval 'nr_charon_from "40[0-9]{3}" 500 && nr_charon_from "40[0-9]{3}" 4500'
    ix_check "$label: our IPsec SA is UDP-encapsulated tunnel mode" \
        grep -Eq "$P2.*encap=udp-tunnel .*nat_local=1 .*udp_encap=1 sport=4500 dport=4500" "$A/sa"
    ix_swanctl b --list-sas >"$B/list-sas.out" 2>&1
    ix_check "$label: charon's CHILD_SA is TUNNEL-in-UDP" grep -q 'TUNNEL-in-UDP' "$B/list-sas.out"
    ix_check "$label: charon's IKE_SA has us at the router's mapped port" \
        grep -Eq "remote .*${WAN_R//./\\.}\[40[0-9]{3}\]" "$B/list-sas.out"
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "$P2" initiator
    ix_check "$label: our xfrm export sets encap espinudp 4500 4500" \
        grep -q 'encap espinudp 4500 4500 0.0.0.0' "$A/xfrm"
    sleep 3.3               # keepalives, one a second

    # ---- a second Quick Mode and Deletes over the floated, NATed path ------
    label2=second-qm-delete
    ix_peer_ctl a quick charon
    ix_check "$label2: our second Quick Mode established (UDP-encapsulated)" \
        ix_wait_count "$A/sa" "$P2.*encap=udp-tunnel .*udp_encap=1" 2 6
    ix_check "$label2: charon's second CHILD_SA established" \
        ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 5
    ix_check "$label2: keys of the second IPsec SA equal charon's" \
        ix_keys_match a b "$(grep "$P2" "$A/sa" | sed -n 2p | sed 's/.* \(spi_in=[0-9a-f]*\) .*/\1/') " initiator
    ix_peer_ctl a delete-esp charon
    ix_check "$label2: we delete an IPsec SA (end=local)" \
        ix_wait_log "$A/sa" 'sa=deleted phase=2 .*end=local' 4
    ix_check "$label2: charon receives our Delete" \
        ix_wait_log "$B/charon.log" 'received DELETE for ESP CHILD_SA' 4
    ix_swanctl b --terminate --ike v1 >"$B/terminate.out" 2>&1
    ix_check "$label2: charon's Delete of the ISAKMP SA reaches us (end=peer)" \
        ix_wait_log "$A/sa" 'sa=deleted phase=1 .*end=peer' 4
    ix_check "$label2: charon's Delete of the other IPsec SA reaches us (end=peer)" \
        ix_wait_log "$A/sa" 'sa=deleted phase=2 .*end=peer' 2
    nr_captures_stop
    nr_isakmp_rows "$IX_DIR/wan.pcap" >"$IX_DIR/wan.rows"
    nr_isakmp_rows "$IX_DIR/lan.pcap" >"$IX_DIR/lan.rows"
    ix_check "$label: the WAN shows MM 1-4 from a mapped 500, then a different mapped 4500 to 4500 with the marker" \
        nr_wan_float "$IX_DIR/wan.rows"
    ix_check "$label: the LAN shows our peer itself on 500 and 4500 (the router translates)" \
        nr_lan_untranslated "$IX_DIR/lan.rows"
    nr_keepalives "$IX_DIR/wan.pcap" "$WAN_R" "${NR_P4500:-0}" >"$IX_DIR/keepalives"
    ix_note "keepalives on the WAN from $WAN_R:${NR_P4500:-?}: $(wc -l <"$IX_DIR/keepalives"), gaps (s): $(nr_intervals_ok "$IX_DIR/keepalives" 0 99)"
    ix_check "$label: our keepalives leave through the 4500 mapping, at least 3, 0.7-1.5 s apart" \
        eval '[ "$(wc -l <"$IX_DIR/keepalives")" -ge 3 ] && nr_intervals_ok "$IX_DIR/keepalives" 0.7 1.5 >/dev/null'
    ix_check "$label2: 2 Quick Modes and the Informational exchanges ran on the floated path" \
        eval '[ "$(awk "\$4 == 4500 || \$2 == 4500" "$IX_DIR/wan.rows" | wc -l)" -ge 10 ] && nr_all_on_4500 "$IX_DIR/wan.rows" 5'
    tshark -r "$IX_DIR/wan.pcap" -Y 'isakmp.exchangetype == 5' -T fields -e ip.src -e udp.srcport \
        -e ip.dst -e udp.dstport 2>/dev/null >"$IX_DIR/wan.info"
    ix_note "Informational exchanges on the WAN: $(wc -l <"$IX_DIR/wan.info")"
    ix_check "$label2: the Deletes (ours, charon's ESP and ISAKMP) cross the WAN on 4500 only" \
        nr_info_floated "$IX_DIR/wan.info"
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
else
    ix_fail "$label: charon and isakmp peer start"
fi
ix_next_case "$label"
mv "$IX_DIR"/wan.* "$IX_DIR"/lan.* "$IX_DIR/keepalives" "$IX_DIR/$label/" 2>/dev/null
nr_captures_stop
nr_net_down

# ---- charon initiator -> our responder behind a port forward ---------------
label=nat-portforward
nr_setup forward
ix_charon_config b remote_addrs="$WAN_R"
ix_peer_config a extra_engine='nat_t = "on"; nat_keepalive = 1;' \
    local_ts="$IX_ADDR_A/32" remote_ts="$IX_ADDR_B/32"
if ix_charon_start b && ix_peer_start a; then
    nr_capture "$NR_NS_R" "$NR_IF_WAN" "$IX_DIR/wan.pcap" || ix_fail "$label: dumpcap on the WAN starts"
    ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1 &
    wpid=$!
    ix_check "$label: our Quick Mode established (responder)" ix_wait_log "$A/sa" "$P2" 8
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    nr_both_detect_nat "$label"
    ix_check "$label: our SA file: RFC 3947, nat_local=1, not forced, on 4500" \
        grep -Eq "sa=established phase=1 .*initiator=0 .* nat_t=rfc3947 nat_local=1 nat_peer=[01] nat_forced=0 sport=4500 dport=4500" "$A/sa"
    ix_check "$label: we followed charon to 4500 (nat-address-changed)" \
        grep -q "nat-address-changed .*local=$IX_ADDR_A:4500" "$A/peer.log"
    ix_check "$label: our IPsec SA is UDP-encapsulated tunnel mode" \
        grep -Eq "$P2.*encap=udp-tunnel .*udp_encap=1 sport=4500 dport=4500" "$A/sa"
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "$P2" responder
    sleep 3.3               # keepalives, one a second
    ix_peer_ctl a quick charon
    ix_check "$label: our own Quick Mode through the forward (UDP-encapsulated)" \
        ix_wait_count "$A/sa" "$P2.*initiator=1 .*encap=udp-tunnel .*udp_encap=1" 1 6
    ix_check "$label: charon's second CHILD_SA established" \
        ix_wait_count "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 2 5
    ix_peer_ctl a delete-ike charon
    ix_check "$label: we delete the ISAKMP SA (end=local)" \
        ix_wait_log "$A/sa" 'sa=deleted phase=1 .*end=local' 4
    ix_check "$label: charon receives our Delete of the ISAKMP SA" \
        ix_wait_log "$B/charon.log" 'received DELETE for IKE_SA' 4
    wait "$wpid"
    nr_captures_stop
    nr_isakmp_rows "$IX_DIR/wan.pcap" >"$IX_DIR/wan.rows"
    ix_check "$label: the WAN shows charon -> 10.9.0.1 on 500, then 4500 <-> 4500 with the marker" \
        eval '[ "$(grep -c "^$IX_ADDR_B 500 $WAN_R 500 " "$IX_DIR/wan.rows")" -ge 2 ] &&
              [ "$(grep -c "^$WAN_R 500 $IX_ADDR_B 500 " "$IX_DIR/wan.rows")" -ge 2 ] &&
              ! grep -v " 4500 00000000$" <(tail -n +5 "$IX_DIR/wan.rows") | grep -q . &&
              [ "$(wc -l <"$IX_DIR/wan.rows")" -ge 10 ]'
    nr_keepalives "$IX_DIR/wan.pcap" "$WAN_R" 4500 >"$IX_DIR/keepalives"
    ix_note "keepalives through the forward: $(wc -l <"$IX_DIR/keepalives"), gaps (s): $(nr_intervals_ok "$IX_DIR/keepalives" 0 99)"
    ix_check "$label: our keepalives leave through the forward, at least 3, 0.7-1.5 s apart" \
        eval '[ "$(wc -l <"$IX_DIR/keepalives")" -ge 3 ] && nr_intervals_ok "$IX_DIR/keepalives" 0.7 1.5 >/dev/null'
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
else
    ix_fail "$label: charon and isakmp peer start"
fi
ix_next_case "$label"
mv "$IX_DIR"/wan.* "$IX_DIR/keepalives" "$IX_DIR/$label/" 2>/dev/null
exit 0
