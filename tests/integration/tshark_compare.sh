#!/usr/bin/env bash
# Compares `isakmp decode --fields` with tshark (an independent dissector)
# on every ISAKMP message of ../shared/captures:
# - the IKEv1 pcaps: every field of the unencrypted messages -- header
#   (version included), payload chain (types, next payloads, lengths),
#   SA/proposal/transform fields and attributes, KE, nonce, IDs, hashes,
#   signatures, certificate encodings (not the certificates), vendor IDs,
#   ID data (IPv4 forms, names, KEY_ID), notify fields and data, delete
#   fields, NAT-D;
# - ipsec_client.pcap (IKEv2, three IKE_AUTH messages in 3 IPv4 fragments
#   each): which frames carry a message after reassembly, the fragments'
#   frames, and the header fields; we refuse each with INVALID-MAJOR-VERSION;
# - every ike-scan/*.dat (raw UDP payloads), wrapped into a pcap here with
#   text2pcap (UDP 500, or 4500 when it starts with the non-ESP marker):
#   all fields for the IKEv1 ones; header fields and our refusal reason
#   for the IKEv2, malformed and non-zero-RESERVED ones;
# - the two malformed pcaps: header fields and our refusal reason.
# Each field is compared as the ordered list of its occurrences in a
# frame.  A last case perturbs one value to show the comparison can fail.
#   tests/integration/tshark_compare.sh BUILD
set -u
build=${1:-build}
bin=$build/bin/isakmp
shared=${ISAKMP_SHARED:-../shared}
caps="ikev1-certs.pcap ipsec-ikev1-isakmp-main-mode.pcap ipsec-ikev1-isakmp-aggressive-mode.pcap ipsec.cap"
header="isakmp.ispi isakmp.rspi isakmp.nextpayload isakmp.mjver isakmp.mnver
isakmp.exchangetype isakmp.flags isakmp.messageid isakmp.length"
fields="$header isakmp.typepayload isakmp.payloadlength isakmp.sa.doi
isakmp.sa.situation isakmp.prop.number isakmp.prop.protoid isakmp.spisize isakmp.spi
isakmp.prop.transforms isakmp.trans.number isakmp.trans.id isakmp.ike.attr.type
isakmp.ike.attr.value isakmp.ipsec.attr.type isakmp.ipsec.attr.value
isakmp.key_exchange.data isakmp.nonce isakmp.id.type isakmp.id.protoid isakmp.id.port
isakmp.id.data.ipv4_addr isakmp.id.data.ipv4_subnet isakmp.id.data.ipv4_range_start
isakmp.id.data.ipv4_range_end isakmp.id.data.fqdn isakmp.id.data.user_fqdn isakmp.id.data.key_id
isakmp.notify.data
isakmp.hash isakmp.sig isakmp.cert.encoding isakmp.certreq.type isakmp.vid_bytes
isakmp.notify.doi isakmp.notify.protoid isakmp.notify.msgtype isakmp.delete.doi
isakmp.delete.protoid isakmp.spinum isakmp.delete.spi isakmp.ike.nat_hash"

if ! command -v tshark >/dev/null 2>&1; then
    echo "ok - tshark_compare # SKIP tshark not installed"
    exit 0
fi
if [ ! -x "$bin" ]; then
    echo "not ok - tshark_compare: $bin missing"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Both sides print "frame<TAB>field<TAB>v1,v2,..." sorted.
# MODE "full": every occurrence, unencrypted messages only (E flag clear);
# MODE "header": every message, the first occurrence of each field (the
#   header's, not the payloads' next-payload fields), all of ip.fragment.
# tshark prints the version nibbles as 0x01, we print 1: the same number.
ours() { # pcap want mode [decode options]
    local pcap=$1 want=$2 mode=$3
    shift 3
    timeout 30 "$bin" decode --fields "$@" "$pcap" 2>/dev/null | awk -v want="$want" -v mode="$mode" '
        BEGIN { n = split(want, w, /[ \n]+/); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
        /^frame=/ { frame = substr($0, 7); next }
        /^isakmp\.flags=/ && !(frame in flags) { flags[frame] = substr($0, 14) }
        /=/ { k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
              if (!(k in keep)) next
              key = frame "\t" k
              if (mode == "header" && k !~ /fragment$/ && (key in val)) next
              if (key in val) val[key] = val[key] "," v; else val[key] = v
              fr[key] = frame }
        END { for (key in val) { f = fr[key]
                  if (mode == "header" || flags[f] ~ /^0x0[0246ace]$/) print key "\t" val[key] } }' | sort
}

theirs() { # pcap want mode  (memoised: tshark is slow to start)
    local cache
    cache=$work/tshark-$(echo "$*" | md5sum | cut -c1-16)
    [ -f "$cache" ] || theirs_run "$@" >"$cache"
    cat "$cache"
}
theirs_run() {
    local pcap=$1 want=$2 mode=$3 args=() f
    for f in $want; do args+=(-e "$f"); done
    timeout 60 tshark -r "$pcap" -Y isakmp -T fields -E occurrence=a -E aggregator=, -E separator='|' \
        -e frame.number "${args[@]}" 2>/dev/null | awk -F'|' -v want="$want" -v mode="$mode" '
        function hex(s,   i, v) { v = 0; s = tolower(substr(s, 3))
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v }
        BEGIN { n = split(want, w, /[ \n]+/) }
        { flags = ""
          for (i = 1; i <= n; i++) if (w[i] == "isakmp.flags") { flags = $(i + 1); sub(/,.*/, "", flags) }
          if (mode != "header" && flags !~ /^0x0[0246ace]$/) next
          for (i = 1; i <= n; i++) {
              v = $(i + 1)
              # tshark shows an empty Notification Data as <MISSING>
              if (w[i] == "isakmp.notify.data") { gsub(/(^|,)<MISSING>/, "", v); sub(/^,/, "", v) }
              if (v == "") continue
              if (mode == "header" && w[i] !~ /fragment$/) sub(/,.*/, "", v)
              if (w[i] ~ /^isakmp\.m[jn]ver$/) { m = split(v, parts, ","); v = ""
                  for (j = 1; j <= m; j++) v = v (j > 1 ? "," : "") hex(parts[j]) }
              print $1 "\t" w[i] "\t" v } }' | sort
}

# The header fields from the raw UDP payload as tshark shows it (data.data),
# for a message tshark does not dissect as ISAKMP.
theirs_raw() { # pcap
    timeout 60 tshark -r "$1" -Y 'udp.port == 500' -T fields -E separator='|' -e frame.number \
        -e data.data 2>/dev/null | awk -F'|' '
        function hex(s,   i, v) { v = 0; s = tolower(s)
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v }
        length($2) >= 56 { f = $1; d = $2
            print f "\tisakmp.ispi\t" substr(d, 1, 16)
            print f "\tisakmp.rspi\t" substr(d, 17, 16)
            print f "\tisakmp.nextpayload\t" hex(substr(d, 33, 2))
            print f "\tisakmp.mjver\t" hex(substr(d, 35, 1))
            print f "\tisakmp.mnver\t" hex(substr(d, 36, 1))
            print f "\tisakmp.exchangetype\t" hex(substr(d, 37, 2))
            print f "\tisakmp.flags\t0x" substr(d, 39, 2)
            print f "\tisakmp.messageid\t0x" substr(d, 41, 8)
            print f "\tisakmp.length\t" hex(substr(d, 49, 8)) }' | sort
}

# without the listed fields (a documented difference for one file)
drop_fields() { # "f1 f2" < list
    awk -F'\t' -v drop="$1" 'BEGIN { n = split(drop, d, " "); for (i = 1; i <= n; i++) x[d[i]] = 1 }
        !($2 in x)'
}

# only frame $1 ("" = all)
only_frame() { awk -F'\t' -v f="$1" 'f == "" || $1 == f'; }

compare() { # label pcap frame want mode exclude [decode options]
    local label=$1 pcap=$2 frame=$3 want=$4 mode=$5 exclude=$6
    shift 6
    ours "$pcap" "$want" "$mode" "$@" | only_frame "$frame" | drop_fields "$exclude" >"$work/ours"
    if [ "$mode" = raw ]; then
        theirs_raw "$pcap" | only_frame "$frame" >"$work/theirs"
    else
        theirs "$pcap" "$want" "$mode" | only_frame "$frame" | drop_fields "$exclude" >"$work/theirs"
    fi
    local lines frames
    lines=$(wc -l <"$work/theirs")
    frames=$(cut -f1 "$work/theirs" | sort -u | wc -l)
    total=$((total + lines))
    if [ "$lines" -eq 0 ]; then
        echo "not ok - tshark_compare $label: tshark reported no ISAKMP field ($mode)"
    elif diff -u "$work/theirs" "$work/ours" >"$work/diff"; then
        echo "ok - tshark_compare $label: $frames messages, $lines field lists agree ($mode)"
    else
        sed 's/^/# /' "$work/diff" | head -40
        echo "not ok - tshark_compare $label ($mode)"
    fi
}

# Our refusal: every message of the file refused with Notify NAME
# (the --brief line ends "-> NAME"); `count` messages expected.
refusal() { # label pcap count NAME [decode options]
    local label=$1 pcap=$2 count=$3 name=$4
    shift 4
    timeout 30 "$bin" decode --brief "$@" "$pcap" >"$work/brief" 2>/dev/null
    local rc=$? n bad
    n=$(wc -l <"$work/brief")
    bad=$(grep -vc -- "ERROR .* -> $name\$" "$work/brief")
    if [ "$rc" -eq 1 ] && [ "$n" -eq "$count" ] && [ "$bad" -eq 0 ]; then
        echo "ok - tshark_compare $label: $n refused with $name"
    else
        sed 's/^/# /' "$work/brief" | head -10
        echo "not ok - tshark_compare $label: want $count refused with $name (exit $rc, $n lines, $bad others)"
    fi
}

total=0
for c in $caps; do
    p=$shared/captures/$c
    if [ ! -f "$p" ]; then
        echo "not ok - tshark_compare $c: capture missing"
        continue
    fi
    compare "$c" "$p" "" "$fields" full ""
done

# IKEv2 with IP fragments: frames 1, 2 whole; 5, 8, 11 reassembled from
# 3-5, 6-8, 9-11.  Header fields and fragment lists must agree.
p=$shared/captures/ipsec_client.pcap
if [ -f "$p" ]; then
    compare ipsec_client.pcap "$p" "" "$header ip.fragment" header ""
    want=$(theirs "$p" "$header ip.fragment" header | cut -f1 | sort -un | tr '\n' ' ')
    got=$(timeout 30 "$bin" decode --fields "$p" 2>/dev/null | sed -n 's/^frame=//p' | sort -un | tr '\n' ' ')
    if [ -n "$want" ] && [ "$want" = "$got" ]; then
        echo "ok - tshark_compare ipsec_client.pcap: the same frames carry ISAKMP (${want% })"
    else
        echo "not ok - tshark_compare ipsec_client.pcap: ISAKMP frames: tshark '$want', ours '$got'"
    fi
    refusal ipsec_client.pcap "$p" 5 INVALID-MAJOR-VERSION
else
    echo "not ok - tshark_compare ipsec_client.pcap: capture missing"
fi

# The deliberately malformed pcaps: header fields agree, and we refuse.
# tshark does not take a message whose header Length is 0 for ISAKMP (it
# shows Data): there the header is compared with the bytes tshark shows.
for c in ipsec-ikev1-payload-bad-length.pcap ipsec-ikev1-zero-length.pcap; do
    p=$shared/captures/$c
    if [ ! -f "$p" ]; then
        echo "not ok - tshark_compare $c: capture missing"
        continue
    fi
    mode=header
    [ "$c" = ipsec-ikev1-zero-length.pcap ] && mode=raw
    compare "$c" "$p" "" "$header" "$mode" ""
    # payload length 3 < 4: PAYLOAD-MALFORMED; header Length 0 on a longer
    # datagram: UNEQUAL-PAYLOAD-LENGTHS (RFC 2408 5.1)
    if [ "$c" = ipsec-ikev1-zero-length.pcap ]; then
        refusal "$c" "$p" 1 UNEQUAL-PAYLOAD-LENGTHS
    else
        refusal "$c" "$p" 1 PAYLOAD-MALFORMED
    fi
done

# The raw ike-scan messages, wrapped into two pcaps with text2pcap (a
# new frame at each offset 0): UDP 500, and UDP 4500 for the ones that
# start with the non-ESP marker.  One tshark run per pcap and mode; each
# message is compared as its own frame.
if ! command -v text2pcap >/dev/null 2>&1; then
    echo "not ok - tshark_compare ike-scan: text2pcap missing (it comes with tshark)"
fi
dats=() ports=() frames=()
n500=0 n4500=0
for f in "$shared"/captures/ike-scan/*.dat; do
    [ -f "$f" ] && command -v text2pcap >/dev/null 2>&1 || continue
    port=500
    [ "$(head -c4 "$f" | od -An -tx1 | tr -d ' \n')" = 00000000 ] && port=4500
    od -Ax -tx1 -v "$f" >>"$work/dat$port.txt"
    if [ $port = 500 ]; then n500=$((n500 + 1)); frames+=($n500); else n4500=$((n4500 + 1)); frames+=($n4500); fi
    dats+=("$f") ports+=($port)
done
for port in 500 4500; do
    [ -f "$work/dat$port.txt" ] && text2pcap -q -u "$port,$port" "$work/dat$port.txt" "$work/dat$port.pcap" >/dev/null 2>&1
done
for i in "${!dats[@]}"; do
    n=$(basename "${dats[$i]}")
    pcap=$work/dat${ports[$i]}.pcap fr=${frames[$i]}
    case $n in
    pkt-ikev2.dat|pkt-v2-notify-response.dat|pkt-v2-sainit-response.dat)
        compare "$n" "$pcap" "$fr" "$header" header ""
        refusal "$n" "$pcap" 1 INVALID-MAJOR-VERSION --frame "$fr" ;;
    pkt-malformed.dat)
        # Version 3.2: tshark stops after the message ID (no exchange type
        # or length for an unknown major version), so those two are not
        # compared.  We refuse on the version, as RFC 2408 5.1 says first.
        compare "$n" "$pcap" "$fr" "$header" header "isakmp.exchangetype isakmp.length"
        refusal "$n" "$pcap" 1 INVALID-MAJOR-VERSION --frame "$fr" ;;
    pkt-custom-proposal.dat)
        # An ike-scan probe with RESERVED = 0xff in every payload header:
        # refused (RFC 2408 5.2), and compared whole with --lax-reserved.
        refusal "$n" "$pcap" 1 PAYLOAD-MALFORMED --frame "$fr"
        compare "$n --lax-reserved" "$pcap" "$fr" "$fields" full "" --lax-reserved
        # the tree (for people) shows it whole anyway, then the refusal; exit 1
        tree=$(timeout 30 "$bin" decode --frame "$fr" "$pcap" 2>/dev/null); trc=$?
        if [ $trc -eq 1 ] && [ "$(printf '%s\n' "$tree" | grep -c '^  Payload: Vendor ID (13)$')" -eq 2 ] &&
           printf '%s\n' "$tree" | grep -q '^  Error: reserved field not zero at offset 29 ' &&
           [ "$(printf '%s\n' "$tree" | grep -c 'Reserved2: 0xffff (should be 0)$')" -eq 3 ] &&
           printf '%s\n' "$tree" | grep -q '^  Notify to send: PAYLOAD-MALFORMED (16)$'; then
            echo "ok - tshark_compare $n: the tree shows the whole message, then its refusal (exit 1)"
        else
            printf '%s\n' "$tree" | tail -5 | sed 's/^/# /'
            echo "not ok - tshark_compare $n: tree of a RESERVED-only refusal (exit $trc)"
        fi ;;
    *)
        compare "$n (UDP ${ports[$i]})" "$pcap" "$fr" "$fields" full "" ;;
    esac
done
[ ${#dats[@]} -gt 0 ] || echo "not ok - tshark_compare ike-scan: no .dat file found"

# The comparison must be able to fail: change one nonce byte in our output.
p=$shared/captures/ipsec-ikev1-isakmp-main-mode.pcap
theirs "$p" "$fields" full >"$work/theirs"
ours "$p" "$fields" full | awk -F'\t' 'BEGIN{OFS="\t"} $2=="isakmp.nonce" && !done { $3 = "ff" substr($3, 3); done = 1 } 1' >"$work/ours"
if diff -q "$work/theirs" "$work/ours" >/dev/null; then
    echo "not ok - tshark_compare detects a changed nonce"
else
    echo "ok - tshark_compare detects a changed nonce"
fi
# ... and so must the header comparison: one fragment frame fewer.
p=$shared/captures/ipsec_client.pcap
theirs "$p" "$header ip.fragment" header >"$work/theirs"
ours "$p" "$header ip.fragment" header | awk -F'\t' 'BEGIN{OFS="\t"} $2=="ip.fragment" && !done { sub(/^[0-9]+,/, "", $3); done = 1 } 1' >"$work/ours"
if [ -s "$work/theirs" ] && ! diff -q "$work/theirs" "$work/ours" >/dev/null; then
    echo "ok - tshark_compare detects a missing fragment frame"
else
    echo "not ok - tshark_compare detects a missing fragment frame"
fi
