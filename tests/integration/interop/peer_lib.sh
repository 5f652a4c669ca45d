# Interoperability harness, part 2 (sourced by lib.sh): our own peer
# (`isakmp peer`) in a namespace, its SA file, comparison of its keys
# with charon's ike=4 log, tshark decryption of its capture, checks of
# its exports.

# ---- our own peer (isakmp peer) ------------------------------------------

# The isakmp binary: $IX_ISAKMP, else BUILD/bin/isakmp with BUILD the
# test's first argument (default build).
ix_isakmp() { echo "${IX_ISAKMP:-${IX_BUILD:-build}/bin/isakmp}"; }

# ix_peer_config SIDE key=value...: $IX_DIR/SIDE/peer.conf for one peer
# "charon" at the other side's address.  Keys as ix_charon_config where
# they mean the same: mode, proposals (ike), esp (a group = PFS), psk,
# plus ike_life / esp_life (seconds, 0 = attribute not sent),
# rekey_percent, local_ts / remote_ts, aggressive (responder accepts
# Aggressive Mode; default yes), extra_peer / extra_engine (raw lines).
ix_peer_config() {
    local side=$1; shift
    local d="$IX_DIR/$side" me peer
    me=$(ix_addr "$side"); peer=$(ix_addr "$(ix_other "$side")")
    local mode=main proposals=aes128-sha1-modp2048 esp=aes128-sha1-modp2048 psk=testsecret
    local ike_life=0 esp_life=0 rekey_percent=0 lts="" rts="" aggressive=true
    local extra_peer="" extra_engine="" auth=psk kv
    for kv in "$@"; do
        case "$kv" in
            mode=*) mode=${kv#*=} ;;
            auth=*) auth=${kv#*=} ;;
            proposals=*) proposals=${kv#*=} ;;
            esp=*) esp=${kv#*=} ;;
            psk=*) psk=${kv#*=} ;;
            ike_life=*) ike_life=${kv#*=} ;;
            esp_life=*) esp_life=${kv#*=} ;;
            rekey_percent=*) rekey_percent=${kv#*=} ;;
            local_ts=*) lts=${kv#*=} ;;
            remote_ts=*) rts=${kv#*=} ;;
            aggressive=*) aggressive=${kv#*=} ;;
            extra_peer=*) extra_peer=${kv#*=} ;;
            extra_engine=*) extra_engine=${kv#*=} ;;
            *) echo "ix_peer_config: unknown key $kv" >&2; return 1 ;;
        esac
    done
    local ts="" local_key="" peer_auth="auth = \"psk\"; psk = \"$psk\";"
    [ -n "$lts" ] && ts="local_ts = \"$lts\"; remote_ts = \"$rts\";"
    if [ "$auth" = pubkey ]; then     # the keys of ix_rsa_keys
        local_key="private_key = \"$d/key.pem\";"
        peer_auth="auth = \"rsasig\"; public_key = \"$IX_DIR/$(ix_other "$side")/pub.pem\";"
    fi
    cat >"$d/peer.conf" <<EOF2
# written by tests/integration/interop/lib.sh
local = { address = "$me"; $local_key };
engine = {
  aggressive = $aggressive;
  rekey_percent = $rekey_percent;
  retransmit = { initial_ms = 500; factor = 2; cap_ms = 2000; tries = 4; };
  $extra_engine
};
peers = (
  {
    name = "charon";
    address = "$peer";
    mode = "$mode";
    $peer_auth
    ike = "$proposals";
    ike_lifetime = $ike_life;
    esp = "$esp";
    esp_lifetime = $esp_life;
    $ts
    $extra_peer
  }
);
EOF2
}

# ix_peer_start SIDE [options...]: run `isakmp peer` in the side's
# namespace with every report on (files in $IX_DIR/SIDE: peer.log,
# sa, peer.pcap, table, xfrm, setkey, ctl = the control FIFO); returns
# once it listens (at most 5 s).
ix_peer_start() {
    local side=$1; shift
    local d="$IX_DIR/$side" bin
    bin=$(ix_isakmp)
    [ -x "$bin" ] || { echo "# no isakmp binary at $bin" >&2; return 1; }
    # not through ix_run_in: $! must be the peer itself, not a subshell
    ip netns exec "$(ix_ns "$side")" "$bin" peer --log "$d/peer.log" --control "$d/ctl" --sa-file "$d/sa" \
        --pcap "$d/peer.pcap" --decrypt-table "$d/table" --xfrm "$d/xfrm" --setkey "$d/setkey" \
        --show-keys "$@" "$d/peer.conf" >"$d/peer.out" 2>&1 </dev/null &
    local pid=$!
    IX_PIDS+=("$pid")
    eval "IX_PEER_PID_$side=$pid"
    ix_wait_log "$d/peer.log" 'listening on' 5 || { cat "$d/peer.out" >&2; return 1; }
}

# ix_peer_ctl SIDE COMMAND...: one control line to the running peer.
ix_peer_ctl() {
    local side=$1; shift
    timeout 3 sh -c 'printf "%s\n" "$2" > "$1"' sh "$IX_DIR/$side/ctl" "$*"
}

# ix_peer_stop SIDE: SIGTERM (it sends its Deletes), wait at most 3 s;
# its exit status goes to IX_PEER_RC_SIDE (137: it had to be killed).
ix_peer_stop() {
    local pid rc
    eval "pid=\${IX_PEER_PID_$1:-}"
    [ -n "$pid" ] || return 0
    ix_stop_pid "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
    eval "IX_PEER_RC_$1=$rc IX_PEER_PID_$1="
}

# ix_peer_clean_exit SIDE: the stopped peer exited with 0 and printed no
# sanitizer report (ASan/UBSan builds).
ix_peer_clean_exit() {
    local rc
    eval "rc=\${IX_PEER_RC_$1:-none}"
    [ "$rc" = 0 ] || { ix_note "isakmp peer exit status: $rc"; return 1; }
    ! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error' "$IX_DIR/$1/peer.out"
}

# ix_sa_field FILE SELECTOR KEY: the value of KEY on the first line of the
# SA file that matches the grep -E SELECTOR.
ix_sa_field() {
    grep -E -- "$2" "$1" 2>/dev/null | head -1 | tr ' ' '\n' | sed -n "s/^$3=//p" | head -1
}

# ix_keys_match SIDE_PEER SIDE_CHARON SA_SELECTOR ROLE: compare the keys
# of the phase-1 SA and of the phase-2 SA picked by SA_SELECTOR (a grep -E
# on our SA file) with what charon logged at ike/chd = 4.  ROLE is our
# role (initiator|responder): charon's "initiator" keys are those of the
# SA the initiator sends on, i.e. our "out" keys when we initiated.
# Prints a comment per mismatch; returns 1 when any.
ix_keys_match() {
    local ours="$IX_DIR/$1/sa" theirs="$IX_DIR/$2/keys" sel=$3 role=$4 bad=0
    ix_charon_keys "$IX_DIR/$2/charon.log" >"$theirs"
    local pair k v
    for pair in skeyid:SKEYID skeyid_d:SKEYID_d skeyid_a:SKEYID_a skeyid_e:SKEYID_e \
                enc_key:encryption_key_Ka; do
        k=${pair%%:*}
        v=$(ix_sa_field "$ours" 'phase=1 ' "$k")
        if [ -z "$v" ] || ! grep -qx "${pair#*:}=$v" "$theirs"; then
            ix_note "phase-1 $k differs or is missing (ours: ${v:-none})"; bad=1
        fi
    done
    local mine_out=initiator mine_in=responder
    [ "$role" = responder ] && { mine_out=responder; mine_in=initiator; }
    for pair in enc_key_out:encryption_${mine_out}_key integ_key_out:integrity_${mine_out}_key \
                enc_key_in:encryption_${mine_in}_key integ_key_in:integrity_${mine_in}_key; do
        k=${pair%%:*}
        v=$(ix_sa_field "$ours" "$sel" "$k")
        if [ -z "$v" ] || ! grep -qx "${pair#*:}=$v" "$theirs"; then
            ix_note "phase-2 $k differs or is missing (ours: ${v:-none})"; bad=1
        fi
    done
    return $bad
}

# ix_check_decryption LABEL PCAP TABLE MODE QM_ERE: tshark decrypts
# our capture with our decryption table: phase 1 (Main Mode: messages 5
# and 6 hold ID and HASH, or SIG; Aggressive: message 3 holds HASH), at least one
# Quick Mode pair with payloads matching QM_ERE, every encrypted message, and
# no malformed packet.
ix_check_decryption() {
    local label=$1 pcap=$2 table=$3 mode=$4 qm=$5
    local txt="$pcap.txt" dec="$pcap.dec"
    # shellcheck disable=SC2046
    ix_tshark_decrypt "$pcap" "$txt" $(cat "$table" 2>/dev/null)
    ix_decrypted_payloads "$txt" >"$dec"
    if [ "$mode" = aggressive ]; then
        ix_check "$label: tshark decrypts Aggressive Mode message 3 (HASH)" \
            grep -q '^8' <(head -1 "$dec")
    else
        ix_check "$label: tshark decrypts Main Mode messages 5 and 6 (ID, HASH or SIG)" \
            test "$(head -2 "$dec" | grep -Ec '^5,(8|9)')" = 2
    fi
    ix_check "$label: tshark decrypts Quick Mode messages 1 and 2 ($qm)" \
        test "$(grep -Ec "^$qm\$" "$dec")" -ge 2
    ix_check "$label: every encrypted message decrypted, none malformed" \
        test "$(grep -c '^$' "$dec")" = 0 -a "$(grep -ci malformed "$txt")" = 0
}

# ix_wait_count FILE ERE N [SECONDS=10]: wait until N lines match.
ix_wait_count() {
    local f=$1 re=$2 want=$3 t=${4:-10} i
    for ((i = 0; i < t * 10; i++)); do
        [ "$(grep -Ec -- "$re" "$f" 2>/dev/null)" -ge "$want" ] && return 0
        sleep 0.1
    done
    return 1
}

# ix_qm_pattern ESP_PROPOSAL: the payloads tshark must find in Quick Mode
# messages 1 and 2, as an ERE: HASH SA Nonce, KE exactly when the proposal
# names a group (PFS), then the two client IDs when they were sent.
ix_qm_pattern() {
    case "$1" in *modp*|*ecp*|*curve*) echo '8,1,10,4(,5,5)?' ;; *) echo '8,1,10(,5,5)?' ;; esac
}

# ix_xfrm_commands_parse SIDE: every `ip xfrm state add` line our peer
# exported parses: run in the side's namespace, it either succeeds or is
# refused by the kernel (no ESP in this kernel: "Requested type not
# found", status 2) - never by ip's own argument parser.
ix_xfrm_commands_parse() {
    local f="$IX_DIR/$1/xfrm" line out n=0
    [ -s "$f" ] || { ix_note "no xfrm export"; return 1; }
    while IFS= read -r line; do
        n=$((n + 1))
        out=$(ix_run_in "$1" sh -c "$line" 2>&1)
        case $? in
            0) ;;
            2) case "$out" in *"is wrong"*|*Usage*|*"Unknown"*) ix_note "line $n: $out"; return 1 ;; esac ;;
            *) ix_note "line $n: $out"; return 1 ;;
        esac
    done <"$f"
    [ "$n" -ge 2 ]
}

# ix_pcap_matches_wire OURS WIRE: the ISAKMP datagrams of our pcap (with
# its synthesized IPv4/UDP headers) are those dumpcap saw on the veth:
# same addresses, ports, UDP lengths, cookies and message IDs, in order.
ix_pcap_matches_wire() {
    local fields=(-T fields -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e udp.length
                  -e isakmp.ispi -e isakmp.rspi -e isakmp.messageid -e isakmp.exchangetype)
    tshark -r "$1" -Y isakmp "${fields[@]}" >"$1.fields" 2>/dev/null
    tshark -r "$2" -Y isakmp "${fields[@]}" >"$2.fields" 2>/dev/null
    [ -s "$1.fields" ] && cmp -s "$1.fields" "$2.fields" ||
        { diff "$1.fields" "$2.fields" | head -5 | sed 's/^/# /'; return 1; }
}
