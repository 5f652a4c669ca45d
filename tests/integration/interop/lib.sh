# Interoperability harness: two network namespaces joined by a veth pair,
# strongSwan's charon in either of them, packet captures, log parsing.
# Sourced by the tests in this folder (bash).  Nothing here touches the
# host's network: every address lives in namespaces this file creates
# (10.9.0.1 on side A, 10.9.0.2 on side B) and everything is removed by
# an EXIT trap, also when a test fails or is interrupted.
#
#   ix_begin NAME            TAP-ish output helpers, work dir, the trap
#   ix_need_root_netns       prints "ok - NAME # SKIP reason" and exits 0 when
#                            not root or namespaces are unavailable
#   ix_netns_pair            namespaces $IX_NS_A/$IX_NS_B, veth, addresses
#   ix_charon_config SIDE key=value...   strongswan.conf + swanctl.conf
#   ix_charon_start SIDE     charon in that namespace (private /run)
#   ix_swanctl SIDE args...  swanctl inside that charon's namespaces
#   ix_wait_log FILE ERE [SECONDS]      bounded wait for a log line
#   ix_capture_start SIDE FILE / ix_capture_stop
#   ix_charon_keys LOG       charon's ike=4 key material as NAME=hex lines
#   ix_rsa_keys              RSA key pairs for both sides (openssl)
#   ix_tshark_decrypt / ix_decrypted_payloads   tshark -V with decryption
#                            table lines, and what each encrypted message held
#   ix_next_case LABEL       stop the daemons, file this case's logs away
#   peer_lib.sh (sourced at the end): ix_peer_config/start/ctl/stop for our
#                            own `isakmp peer`, ix_keys_match, ix_check_decryption
#
# charon runs with LD_PRELOAD=libipsec_shim.c (built here with cc): see
# that file for why (this kernel has no ESP; libipsec in 5.9 wants NAT-T).
#
# SIDE is "a" (10.9.0.1) or "b" (10.9.0.2).  Files go to $IX_DIR/<side>/.
# IX_KEEP=1 keeps $IX_DIR (and prints its path) for post-mortems.

IX_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IX_ADDR_A=10.9.0.1
IX_ADDR_B=10.9.0.2
IX_CHARON=${IX_CHARON:-/usr/lib/ipsec/charon}
IX_PIDS=()          # every background process we started (killed by pid)
IX_NAME=""
IX_DIR=""
IX_NS_A="" IX_NS_B=""
IX_NS_EXTRA=()      # further namespaces a test made (e.g. a NAT router), deleted on exit
IX_FAILED=0

ix_ok()   { echo "ok - $IX_NAME: $*"; }
ix_fail() { echo "not ok - $IX_NAME: $*"; IX_FAILED=$((IX_FAILED + 1)); }
ix_note() { echo "# $*"; }
# ix_check DESCRIPTION command...: ok when the command succeeds.
ix_check() {
    local what=$1; shift
    if "$@"; then ix_ok "$what"; else ix_fail "$what"; fi
}

# Print the last lines of every log in the work dir, as TAP comments,
# so that a failure in CI explains itself.
ix_dump_logs() {
    local f
    if grep -h 'loaded plugins:' "$IX_DIR"/*/charon.log "$IX_DIR"/*/*/charon.log 2>/dev/null |
        grep -qv ' openssl '; then
        echo "# hint: charon runs without its openssl plugin, so it has no 3DES and no ECP"
        echo "#       groups: install libstrongswan-standard-plugins"
    fi
    for f in "$IX_DIR"/*/charon.log "$IX_DIR"/*/peer.log "$IX_DIR"/*/*/charon.log \
             "$IX_DIR"/*/*/peer.log "$IX_DIR"/*/*.err; do
        [ -s "$f" ] || continue
        echo "# ---- ${f#"$IX_DIR"/} (last 25 lines)"
        tail -25 "$f" | sed 's/^/#   /'
    done
}

ix_cleanup() {
    local rc=$?
    local p
    trap - EXIT INT TERM
    if [ "$IX_FAILED" -gt 0 ] && [ -n "$IX_DIR" ]; then ix_dump_logs; fi
    for p in "${IX_PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${IX_PIDS[@]}"; do
        # bounded: give each 2 s, then KILL
        local i
        for i in $(seq 20); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    [ -n "$IX_NS_A" ] && ip netns del "$IX_NS_A" 2>/dev/null
    [ -n "$IX_NS_B" ] && ip netns del "$IX_NS_B" 2>/dev/null
    for p in "${IX_NS_EXTRA[@]}"; do
        ip netns del "$p" 2>/dev/null
    done
    if [ -n "$IX_DIR" ]; then
        if [ "${IX_KEEP:-0}" = 1 ]; then echo "# kept $IX_DIR"; else rm -rf "$IX_DIR"; fi
    fi
    exit $rc
}

# ix_begin NAME: names the test, makes the work dir, installs the trap.
ix_begin() {
    IX_NAME=$1
    IX_DIR=$(mktemp -d "/tmp/ix-$IX_NAME.XXXXXX")
    mkdir -p "$IX_DIR/a" "$IX_DIR/b"
    chmod 755 "$IX_DIR"
    trap ix_cleanup EXIT
    trap 'exit 130' INT TERM
}

# Exit with a SKIP line when this machine cannot run the test.
ix_need_root_netns() {
    local why=""
    if [ "$(id -u)" -ne 0 ]; then
        why="not root"
    elif ! command -v ip >/dev/null || ! ip netns add "ixprobe$$" 2>/dev/null; then
        why="network namespaces unavailable"
    else
        ip netns del "ixprobe$$"
    fi
    if [ -n "$why" ]; then
        echo "ok - $IX_NAME # SKIP $why"
        exit 0
    fi
}

# ix_ns SIDE: the namespace name of a side.
ix_ns() { if [ "$1" = a ]; then echo "$IX_NS_A"; else echo "$IX_NS_B"; fi; }
ix_addr() { if [ "$1" = a ]; then echo "$IX_ADDR_A"; else echo "$IX_ADDR_B"; fi; }
ix_other() { if [ "$1" = a ]; then echo b; else echo a; fi; }

# Two namespaces with unique names, one veth pair between them.
ix_netns_pair() {
    local tag="ix$$"
    IX_NS_A="${tag}a" IX_NS_B="${tag}b"
    ip netns add "$IX_NS_A" || return 1
    ip netns add "$IX_NS_B" || return 1
    ip link add "${tag}va" type veth peer name "${tag}vb" || return 1
    ip link set "${tag}va" netns "$IX_NS_A" || return 1
    ip link set "${tag}vb" netns "$IX_NS_B" || return 1
    IX_IF_A="${tag}va" IX_IF_B="${tag}vb"
    ip -n "$IX_NS_A" addr add "$IX_ADDR_A/24" dev "$IX_IF_A" || return 1
    ip -n "$IX_NS_B" addr add "$IX_ADDR_B/24" dev "$IX_IF_B" || return 1
    ip -n "$IX_NS_A" link set "$IX_IF_A" up && ip -n "$IX_NS_B" link set "$IX_IF_B" up
    ip -n "$IX_NS_A" link set lo up && ip -n "$IX_NS_B" link set lo up
    # no IPv6 link-local chatter in the captures and logs
    ip netns exec "$IX_NS_A" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
    ip netns exec "$IX_NS_B" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
    return 0
}
ix_if() { if [ "$1" = a ]; then echo "$IX_IF_A"; else echo "$IX_IF_B"; fi; }

# ix_charon_config SIDE key=value...
# Writes $IX_DIR/SIDE/strongswan.conf and $IX_DIR/SIDE/swanctl/swanctl.conf
# for one connection "v1" to the other side, children "c" and "c2".
#   mode=main|aggressive        (main)
#   auth=psk|pubkey             (psk; pubkey uses the RSA keys made by
#                                ix_rsa_keys, raw public keys, no certs)
#   proposals=aes128-sha1-modp2048   IKE proposal(s), comma separated
#   esp=aes128-sha1-modp2048    child "c" ESP proposal (a DH group = PFS)
#   esp2=...                    child "c2" ESP proposal (default: esp)
#   psk=testsecret
#   rekey_time=0 / reauth_time=0 / child_rekey=0   seconds (0 = charon default
#                                off for IKE, 1h for children)
#   ike_lifetime=...            IKEv1 "over_time" is derived by charon
#   log=4                       ike log level (4 prints derived keys)
#   local_id / remote_id        default: the addresses
#   extra_conn=...              raw lines appended to the connection block
#   encap=no|yes                yes: charon pretends a NAT (fake NAT-D), so both
#                               sides float to 4500 and encapsulate ESP in UDP
#   remote_addrs=...            where charon expects the other side (default: its
#                               address; behind a real NAT: the router's, or %any)
ix_charon_config() {
    local side=$1; shift
    local d="$IX_DIR/$side"
    local me peer
    me=$(ix_addr "$side"); peer=$(ix_addr "$(ix_other "$side")")
    local mode=main auth=psk proposals=aes128-sha1-modp2048 esp=aes128-sha1-modp2048
    local esp2="" psk=testsecret rekey_time=0 reauth_time=0 child_rekey=0 log=4
    local local_id=$me remote_id=$peer extra_conn="" child_life=0 encap=no
    local remote_addrs=$peer
    local kv
    for kv in "$@"; do
        case "$kv" in
            mode=*) mode=${kv#*=} ;;
            auth=*) auth=${kv#*=} ;;
            proposals=*) proposals=${kv#*=} ;;
            esp=*) esp=${kv#*=} ;;
            esp2=*) esp2=${kv#*=} ;;
            psk=*) psk=${kv#*=} ;;
            rekey_time=*) rekey_time=${kv#*=} ;;
            reauth_time=*) reauth_time=${kv#*=} ;;
            child_rekey=*) child_rekey=${kv#*=} ;;
            child_life=*) child_life=${kv#*=} ;;
            log=*) log=${kv#*=} ;;
            local_id=*) local_id=${kv#*=} ;;
            remote_id=*) remote_id=${kv#*=} ;;
            extra_conn=*) extra_conn=${kv#*=} ;;
            encap=*) encap=${kv#*=} ;;
            remote_addrs=*) remote_addrs=${kv#*=} ;;
            *) echo "ix_charon_config: unknown key $kv" >&2; return 1 ;;
        esac
    done
    [ -n "$esp2" ] || esp2=$esp
    mkdir -p "$d/swanctl/pubkey" "$d/swanctl/private" "$d/swanctl/rsa"
    cat >"$d/strongswan.conf" <<EOF
charon {
  load_modular = yes
  install_routes = no
  install_virtual_ip = no
  # the responder side of the Aggressive Mode PSK tests
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  # one short retransmission schedule: a lost exchange fails in seconds
  retransmit_tries = 3
  retransmit_timeout = 1.0
  retransmit_base = 1.4
  plugins {
    include /etc/strongswan.d/charon/*.conf
    # user-space ESP: this kernel has none (see libipsec_shim.c)
    kernel-libipsec {
      load = yes
    }
  }
  filelog {
    sw {
      path = $d/charon.log
      default = 1
      ike = $log
      chd = $log
      esp = 2
      cfg = 2
      time_format = %T
      flush_line = yes
    }
  }
}
swanctl {
  socket = unix:///run/charon.vici
}
EOF
    local auth_local auth_remote
    if [ "$auth" = pubkey ]; then
        auth_local="auth = pubkey
                pubkeys = $side.pub"
        auth_remote="auth = pubkey
                 pubkeys = $(ix_other "$side").pub"
    else
        auth_local="auth = psk"
        auth_remote="auth = psk"
    fi
    local aggressive=no
    [ "$mode" = aggressive ] && aggressive=yes
    local child_times="rekey_time = ${child_rekey}s"
    [ "$child_life" != 0 ] && child_times="$child_times
                life_time = ${child_life}s
                rand_time = 0s"
    cat >"$d/swanctl/swanctl.conf" <<EOF
connections {
  v1 {
    version = 1
    aggressive = $aggressive
    local_addrs = $me
    remote_addrs = $remote_addrs
    proposals = $proposals
    rekey_time = ${rekey_time}s
    reauth_time = ${reauth_time}s
    encap = $encap
    mobike = no
    fragmentation = no
    $extra_conn
    local {
      $auth_local
      id = $local_id
    }
    remote {
      $auth_remote
      id = $remote_id
    }
    children {
      c {
        local_ts = $me/32
        remote_ts = $peer/32
        esp_proposals = $esp
        policies = no
        $child_times
      }
      c2 {
        local_ts = $me/32[udp]
        remote_ts = $peer/32[udp]
        esp_proposals = $esp2
        policies = no
        $child_times
      }
    }
  }
}
secrets {
  ike-1 {
    id-1 = $local_id
    id-2 = $remote_id
    secret = "$psk"
  }
}
EOF
}

# RSA key pairs for both sides (PKCS#1 private key in swanctl/rsa, public
# key PEM in swanctl/pubkey), made with openssl; also left as
# $IX_DIR/SIDE/key.pem and pub.pem for our own peer.
ix_rsa_keys() {
    local s
    for s in a b; do
        openssl genrsa -traditional -out "$IX_DIR/$s/key.pem" 2048 2>/dev/null ||
            openssl genrsa -out "$IX_DIR/$s/key.pem" 2048 2>/dev/null || return 1
        openssl rsa -in "$IX_DIR/$s/key.pem" -pubout -out "$IX_DIR/$s/pub.pem" 2>/dev/null || return 1
    done
    for s in a b; do
        mkdir -p "$IX_DIR/$s/swanctl/rsa" "$IX_DIR/$s/swanctl/pubkey"
        cp "$IX_DIR/$s/key.pem" "$IX_DIR/$s/swanctl/rsa/$s.pem"
        cp "$IX_DIR/a/pub.pem" "$IX_DIR/$s/swanctl/pubkey/a.pub"
        cp "$IX_DIR/b/pub.pem" "$IX_DIR/$s/swanctl/pubkey/b.pub"
    done
}

# ix_run_in SIDE command...: run a command in that side's network
# namespace (not in charon's mount namespace).
ix_run_in() { local ns; ns=$(ix_ns "$1"); shift; ip netns exec "$ns" "$@"; }

# The LD_PRELOAD shim of libipsec_shim.c (see there why), built once per
# test run into the work dir.
ix_shim() {
    local so="$IX_DIR/libipsec_shim.so"
    if [ ! -f "$so" ]; then
        ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC -o "$so" \
            "$IX_LIB_DIR/libipsec_shim.c" -ldl >&2 || return 1
    fi
    echo "$so"
}

# ix_charon_start SIDE: start charon in the side's namespace with a
# private /run (so its pid file and vici socket do not clash), wait until
# its control socket answers (at most 10 s) and load the configuration.
ix_charon_start() {
    local side=$1 d="$IX_DIR/$1" ns shim
    ns=$(ix_ns "$side")
    shim=$(ix_shim) || return 1
    rm -f "$d/charon.pid"
    # shellcheck disable=SC2016
    LD_PRELOAD="$shim" STRONGSWAN_CONF="$d/strongswan.conf" setsid ip netns exec "$ns" \
        unshare -m sh -c 'echo $$ > "$1"; mount -t tmpfs none /run && exec "$2"' \
        sh "$d/charon.pid" "$IX_CHARON" >"$d/charon.out" 2>&1 </dev/null &
    IX_PIDS+=("$!")
    local i
    for i in $(seq 100); do
        [ -s "$d/charon.pid" ] && break
        sleep 0.1
    done
    local pid
    pid=$(cat "$d/charon.pid" 2>/dev/null) || return 1
    IX_PIDS+=("$pid")
    eval "IX_CHARON_PID_$side=$pid"
    for i in $(seq 100); do
        ix_swanctl "$side" --stats >/dev/null 2>&1 && break
        sleep 0.1
    done
    ix_swanctl "$side" --load-all --file "$d/swanctl/swanctl.conf" >"$d/load.out" 2>&1 ||
        { cat "$d/load.out" >&2; return 1; }
}

# ix_swanctl SIDE args...: swanctl in charon's network and mount namespace.
ix_swanctl() {
    local side=$1; shift
    local pid
    eval "pid=\${IX_CHARON_PID_$side:-}"
    [ -n "$pid" ] || return 1
    SWANCTL_DIR="$IX_DIR/$side/swanctl" STRONGSWAN_CONF="$IX_DIR/$side/strongswan.conf" \
        timeout 20 nsenter -t "$pid" -m -n swanctl "$@"
}

# ix_wait_log FILE ERE [SECONDS=10]: wait until a line of FILE matches
# (grep -E); returns 1 after SECONDS without one.  Never hangs.
ix_wait_log() {
    local f=$1 re=$2 t=${3:-10}
    local n=$((t * 10)) i
    for ((i = 0; i < n; i++)); do
        grep -Eq -- "$re" "$f" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ix_count_log FILE ERE: number of matching lines.
ix_count_log() { grep -Ec -- "$2" "$1" 2>/dev/null; }

# ix_capture_start SIDE FILE: dumpcap on the side's veth (UDP only) into
# FILE; returns once the capture is running.
ix_capture_start() {
    local side=$1 file=$2 ns ifc
    ns=$(ix_ns "$side"); ifc=$(ix_if "$side")
    ip netns exec "$ns" dumpcap -q -i "$ifc" -f udp -w "$file" >"$file.err" 2>&1 &
    IX_CAP_PID=$!
    IX_PIDS+=("$IX_CAP_PID")
    local i
    for i in $(seq 50); do
        grep -q "Capturing on" "$file.err" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# Stop the running capture and wait until dumpcap has closed the file.
ix_capture_stop() {
    [ -n "${IX_CAP_PID:-}" ] || return 0
    sleep 0.3      # let the last datagrams reach the capture
    kill -INT "$IX_CAP_PID" 2>/dev/null
    local i
    for i in $(seq 50); do kill -0 "$IX_CAP_PID" 2>/dev/null || break; sleep 0.1; done
    IX_CAP_PID=""
}

# ix_charon_keys LOG: the key material charon 5.9 logs at "ike = 4" for
# IKEv1, as NAME=hex lines, in log order (a name repeats for every SA).
#
# What charon 5.9.8 prints (src/libcharon/sa/ikev1/keymat_v1.c: DBG4 with
# %B, a hex dump under a "NAME => N bytes @ 0xADDR" line, 16 bytes a line):
#     09:01:02 08[IKE] shared Diffie Hellman secret => 256 bytes @ 0x7f..
#     09:01:02 08[IKE]    0: 3C 24 8F ... (16 hex pairs)  <.$.....
#     09:01:02 08[IKE]   16: ...
# Phase 1 ([IKE], "ike = 4"): "shared Diffie Hellman secret" (g^xy),
# "SKEYID", "SKEYID_d", "SKEYID_a", "SKEYID_e", "encryption key Ka" (the
# cipher key, RFC 2409 App. B), "initial IV".  (Also "natd_chunk",
# "natd_hash", "next IV for MID n", "HASH_I", "Hash(1)" ... at levels 3/4.)
# Each CHILD_SA ([CHD], "chd = 4"; derive_child_keys): "DH secret" (PFS
# g(qm)^xy), "initiator SA seed" (= [g^xy] | protocol | SPI_r | Ni | Nr),
# "responder SA seed" (same with SPI_i), then "encryption initiator key",
# "encryption responder key", "integrity initiator key", "integrity
# responder key".  The "initiator" keys are the first bytes of the KEYMAT
# under the responder's SPI (the SA the initiator sends on).
# Names printed here: the text before " => " with spaces made "_"
# (shared_Diffie_Hellman_secret, SKEYID, SKEYID_d, SKEYID_a, SKEYID_e,
# encryption_key_Ka, initial_IV, encryption_initiator_key, ...).
# Hex is lower case without spaces.
ix_charon_keys() {
    awk '
        function flush() { if (name != "") print name "=" hex; name = ""; hex = "" }
        / => [0-9]+ bytes @ / {
            flush()
            line = $0
            sub(/^[^[]*\[[A-Z]+\] /, "", line)
            sub(/ => [0-9]+ bytes @ .*$/, "", line)
            gsub(/ /, "_", line)
            name = line; want = $0; sub(/^.* => /, "", want); sub(/ bytes.*$/, "", want)
            next
        }
        name != "" && /\[[A-Z]+\] +[0-9]+: / {
            line = $0
            sub(/^[^[]*\[[A-Z]+\] +[0-9]+: /, "", line)
            # the dump is "XX XX ... XX  ascii"; take the hex pairs only
            n = split(line, f, " ")
            for (i = 1; i <= n && length(hex) < 2 * want; i++)
                if (f[i] ~ /^[0-9A-F][0-9A-F]$/) hex = hex tolower(f[i])
                else break
            next
        }
        { flush() }
        END { flush() }
    ' "$1"
}

# ix_ikev1_ispi PCAP: CKY-I (hex) of the first ISAKMP message in a capture.
ix_ikev1_ispi() {
    tshark -r "$1" -Y isakmp -T fields -e isakmp.ispi 2>/dev/null | head -1 | tr -d ':'
}

# ix_tshark_decrypt PCAP OUT LINE...: full dissection (-V) of PCAP's
# ISAKMP messages into OUT, decrypted with the given ikev1_decryption_table
# lines ("CKYI,KEY" hex, one -o option each: every one adds a record).
# Retransmissions (a UDP payload identical to an earlier one) are left
# out: Wireshark decrypts them with the IV the original already advanced,
# which shows them as garbage ("Malformed") although they are not.  Their
# frame numbers go to OUT.retransmissions.
ix_tshark_decrypt() {
    local pcap=$1 out=$2; shift 2
    local args=() l dups filter=isakmp
    for l in "$@"; do
        args+=(-o "uat:ikev1_decryption_table:${l%%,*},${l#*,}")
    done
    dups=$(tshark -r "$pcap" -Y isakmp -T fields -e frame.number -e udp.payload 2>/dev/null |
        awk 'seen[$2]++ { printf "%s,", $1 }')     # tshark 4.0 wants {7,8}, not {7 8}
    printf '%s\n' "$dups" >"$out.retransmissions"
    [ -n "$dups" ] && filter="isakmp && !(frame.number in {${dups%,}})"
    tshark -r "$pcap" -V -Y "$filter" "${args[@]}" >"$out" 2>"$out.err"
}

# ix_stop_pid PID: TERM, wait at most 3 s, then KILL.
ix_stop_pid() {
    local p=$1 i
    kill -TERM "$p" 2>/dev/null || return 0
    for i in $(seq 30); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
}

# ix_charon_stop SIDE: stop that side's charon (it sends its Deletes).
ix_charon_stop() {
    local pid
    eval "pid=\${IX_CHARON_PID_$1:-}"
    [ -n "$pid" ] && ix_stop_pid "$pid"
    eval "IX_CHARON_PID_$1="
}

# ix_charon_kill SIDE: SIGKILL, no Delete sent (a peer that just dies).
ix_charon_kill() {
    local pid
    eval "pid=\${IX_CHARON_PID_$1:-}"
    [ -n "$pid" ] || return 0
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null     # reaped quietly (the exec chain left it our child)
    eval "IX_CHARON_PID_$1="
}

# ix_next_case LABEL: stop both charons and move this case's files to
# $IX_DIR/LABEL/, so the next case starts with fresh daemons and logs.
ix_next_case() {
    ix_charon_stop a; ix_charon_stop b
    mkdir -p "$IX_DIR/$1"
    mv "$IX_DIR/a" "$IX_DIR/b" "$IX_DIR/$1/"
    mkdir -p "$IX_DIR/a" "$IX_DIR/b"
}

# ix_decrypted_payloads TSHARK_V_OUTPUT: one line per encrypted ISAKMP
# message that tshark managed to decrypt, listing the payload types found
# inside (RFC 2408 numbers, comma separated: "5,8" = ID, HASH;
# "8,1,10,4,5,5" = Quick Mode with PFS).  An undecrypted message shows
# as an empty line ("Encrypted Data" with no payload below it).
ix_decrypted_payloads() {
    awk '
        function flush() { if (inside) print list; inside = 0; list = "" }
        /^Frame [0-9]+:/ { flush() }
        /^    Encrypted Data \(/ { flush(); inside = 1; next }
        inside && /^        Payload: / {
            n = $0; sub(/^.*\(/, "", n); sub(/\).*$/, "", n)
            list = (list == "" ? n : list "," n); next
        }
        inside && /^ {0,4}[^ ]/ { flush() }
        END { flush() }
    ' "$1"
}

# Our own peer, key comparison and decryption checks: peer_lib.sh.
# shellcheck source=peer_lib.sh
. "$IX_LIB_DIR/peer_lib.sh"
