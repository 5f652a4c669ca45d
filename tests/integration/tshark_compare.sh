#!/usr/bin/env bash
# Compares `isakmp decode --fields` with tshark (an independent dissector)
# on the unencrypted ISAKMP messages of every IKEv1 capture in
# ../shared/captures: header, payload chain (types, next payloads,
# lengths), SA/proposal/transform fields and attributes, KE, nonce, IDs,
# hashes, signatures, certificates, vendor IDs, notify and delete fields,
# NAT-D.  Each field is compared as the ordered list of its occurrences
# in a frame.  A last case perturbs one value to show the comparison can
# fail.
#   tests/integration/tshark_compare.sh BUILD
set -u
build=${1:-build}
bin=$build/bin/isakmp
shared=${ISAKMP_SHARED:-../shared}
caps="ikev1-certs.pcap ipsec-ikev1-isakmp-main-mode.pcap ipsec-ikev1-isakmp-aggressive-mode.pcap ipsec.cap"
fields="isakmp.ispi isakmp.rspi isakmp.nextpayload isakmp.exchangetype isakmp.flags
isakmp.messageid isakmp.length isakmp.typepayload isakmp.payloadlength isakmp.sa.doi
isakmp.sa.situation isakmp.prop.number isakmp.prop.protoid isakmp.spisize isakmp.spi
isakmp.prop.transforms isakmp.trans.number isakmp.trans.id isakmp.ike.attr.type
isakmp.ike.attr.value isakmp.ipsec.attr.type isakmp.ipsec.attr.value
isakmp.key_exchange.data isakmp.nonce isakmp.id.type isakmp.id.protoid isakmp.id.port
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

# ours: "frame<TAB>field<TAB>v1,v2,..." for unencrypted frames
ours() { # pcap
    "$bin" decode --fields "$1" 2>/dev/null | awk -v want="$fields" '
        BEGIN { n = split(want, w, /[ \n]+/); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
        /^frame=/ { frame = substr($0, 7); next }
        /^isakmp\.flags=/ { flags[frame] = substr($0, 14) }
        /=/ { k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
              if (!(k in keep)) next
              key = frame "\t" k
              if (key in val) val[key] = val[key] "," v; else val[key] = v
              fr[key] = frame }
        END { for (key in val) { f = fr[key]
                  if (flags[f] ~ /^0x0[0246ace]$/) print key "\t" val[key] } }' | sort
}

theirs() { # pcap
    local args=() f
    for f in $fields; do args+=(-e "$f"); done
    tshark -r "$1" -Y isakmp -T fields -E occurrence=a -E aggregator=, -E separator='|' \
        -e frame.number "${args[@]}" 2>/dev/null | awk -F'|' -v want="$fields" '
        BEGIN { n = split(want, w, /[ \n]+/) }
        { flags = ""
          for (i = 1; i <= n; i++) if (w[i] == "isakmp.flags") flags = $(i + 1)
          if (flags !~ /^0x0[0246ace]$/) next
          for (i = 1; i <= n; i++) if ($(i + 1) != "") print $1 "\t" w[i] "\t" $(i + 1) }' | sort
}

total=0
for c in $caps; do
    p=$shared/captures/$c
    if [ ! -f "$p" ]; then
        echo "not ok - tshark_compare $c: capture missing"
        continue
    fi
    ours "$p" >"$work/ours"
    theirs "$p" >"$work/theirs"
    lines=$(wc -l <"$work/theirs")
    frames=$(cut -f1 "$work/theirs" | sort -u | wc -l)
    total=$((total + lines))
    if [ "$lines" -eq 0 ]; then
        echo "not ok - tshark_compare $c: tshark reported no unencrypted ISAKMP field"
    elif diff -u "$work/theirs" "$work/ours" >"$work/diff"; then
        echo "ok - tshark_compare $c: $frames unencrypted messages, $lines field lists agree"
    else
        sed 's/^/# /' "$work/diff" | head -40
        echo "not ok - tshark_compare $c"
    fi
done

# The comparison must be able to fail: change one nonce byte in our output.
p=$shared/captures/ipsec-ikev1-isakmp-main-mode.pcap
theirs "$p" >"$work/theirs"
ours "$p" | awk -F'\t' 'BEGIN{OFS="\t"} $2=="isakmp.nonce" && !done { $3 = "ff" substr($3, 3); done = 1 } 1' >"$work/ours"
if diff -q "$work/theirs" "$work/ours" >/dev/null; then
    echo "not ok - tshark_compare detects a changed nonce"
else
    echo "ok - tshark_compare detects a changed nonce"
fi
