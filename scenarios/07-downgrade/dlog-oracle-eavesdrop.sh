#!/bin/sh
# The passive eavesdropper of scenario 07 under the DISCRETE-LOG ORACLE MODEL.
#
#   dlog-oracle-eavesdrop.sh [--groups 1,2] [--keep-table FILE] PCAP GROUND_TRUTH_TABLE
#
# Model (named so; nobody computes a discrete logarithm here): the
# eavesdropper "has precomputed" the groups of --groups (default 1,2:
# modp768 and modp1024, the Logjam setting).  For every exchange in the
# capture whose message 2 chose one of them, the oracle hands it that
# exchange's phase-1 key material; it is taken from the simulator's ground
# truth, the Wireshark decryption table the run wrote (GROUND_TRUTH_TABLE,
# lines "CKY-I","key"), and only for those exchanges.  In a real attack the
# oracle yields x from g^x, hence g^xy; with signature authentication
# SKEYID = prf(Ni_b | Nr_b, g^xy) needs nothing more (scenario 07's
# default), with a pre-shared key the PSK is needed too (with AUTH=psk the
# model assumes the eavesdropper has it; see README.md).  An exchange whose SA was never established (e.g. one that
# failed authentication) has no line in the ground truth: the model gives
# no key for it, although a real oracle would also open its message 5.
#
# What is MEASURED: with those keys only, `isakmp decode --keys` decrypts
# the capture; an exchange counts as decrypted when its first encrypted
# message (Main Mode message 5; Quick Mode for Aggressive Mode) decrypts
# and its plaintext parses (RFC 2408 checks, a HASH or SIG payload present);
# Quick Mode messages that decrypt and parse are counted too.
#
# Output (stdout), one line per phase-1 exchange seen (message 1 in the
# capture), then a summary line:
#   exchange CKY-I group G oracle yes|no|no-key p1 0|1 qm N
#   summary exchanges N chosen_in_oracle_groups N oracle_keys N decrypted N qm_decrypted N
# G is the group message 2 chose (0: no message 2 in the capture).
# Environment: ISAKMP (default build/bin/isakmp).  Exit 0; 2 on usage errors.
set -eu
ISAKMP=${ISAKMP:-build/bin/isakmp}
ORACLE_GROUPS=1,2 KEEP=""
while [ $# -gt 0 ]; do
    case $1 in
        --groups) ORACLE_GROUPS=$2; shift 2 ;;
        --keep-table) KEEP=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "dlog-oracle-eavesdrop: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || { echo "usage: dlog-oracle-eavesdrop.sh [--groups 1,2] [--keep-table FILE] PCAP TABLE" >&2; exit 2; }
PCAP=$1 TRUTH=$2
[ -r "$PCAP" ] || { echo "dlog-oracle-eavesdrop: cannot read $PCAP" >&2; exit 2; }
[ -r "$TRUTH" ] || { echo "dlog-oracle-eavesdrop: cannot read $TRUTH" >&2; exit 2; }
case $ORACLE_GROUPS in *[!0-9,]*|"") echo "dlog-oracle-eavesdrop: --groups: numbers separated by commas" >&2; exit 2 ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 1. What the eavesdropper sees in clear: every phase-1 exchange (message 1)
#    and the group its message 2 chose (Group-Description, attribute 4).
"$ISAKMP" decode --fields "$PCAP" > "$T/clear" 2>/dev/null || true
# hex() and enc(): the fields print attribute values and flags in hex
HEXFN='function hex(s,   i, r) { s = tolower(s); sub(/^0x/, "", s); r = 0
    for (i = 1; i <= length(s); i++) r = r * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
    return r }
function encbit(s) { return hex(s) % 2 }'
awk "$HEXFN"'
function flush() {
    if (frame == "" || (xt != 2 && xt != 4) || enc) return
    if (rspi == "0000000000000000") { if (!(ispi in seen)) { seen[ispi] = 1; order[n++] = ispi } }
    else if (sa && group != "" && !(ispi in chosen)) chosen[ispi] = group
}
/^frame=/ { flush(); frame = $0; xt = ""; enc = 0; sa = 0; group = ""; at = ""; next }
{ k = $0; sub(/=.*/, "", k); v = substr($0, length(k) + 2) }
k == "isakmp.ispi" { ispi = v } k == "isakmp.rspi" { rspi = v }
k == "isakmp.exchangetype" { xt = v } k == "isakmp.flags" { enc = encbit(v) }
k == "isakmp.typepayload" && v == 1 { sa = 1 }
k == "isakmp.ike.attr.type" { at = v }
k == "isakmp.ike.attr.value" && at == 4 && group == "" { group = hex(v) }
END { flush(); for (i = 0; i < n; i++) print order[i], (order[i] in chosen) ? chosen[order[i]] : 0 }' "$T/clear" > "$T/groups2"

# 2. The discrete-log oracle model: keys for the exchanges in the
#    precomputed groups, from the ground truth, nothing else.
: > "$T/oracle"
while read -r cky g; do
    case ",$ORACLE_GROUPS," in *",$g,"*) ;; *) continue ;; esac
    grep -i "^\"\{0,1\}$cky\"\{0,1\}," "$TRUTH" | head -n 1 >> "$T/oracle" || true
done < "$T/groups2"
[ -z "$KEEP" ] || cp "$T/oracle" "$KEEP"

# 3. Decrypt the capture with the oracle's keys and see what parses.
"$ISAKMP" decode --keys "$T/oracle" --fields "$PCAP" > "$T/dec" 2>/dev/null || true
awk -v groups="$ORACLE_GROUPS" -v oracle="$T/oracle" -v gfile="$T/groups2" "$HEXFN"'
BEGIN {
    ng = split(groups, gl, ","); for (i = 1; i <= ng; i++) pre[gl[i] + 0] = 1
    while ((getline l < oracle) > 0) { c = l; gsub(/"/, "", c); sub(/,.*/, "", c); key[tolower(c)] = 1 }
    while ((getline l < gfile) > 0) { split(l, f, " "); cky[n++] = f[1]; grp[f[1]] = f[2] + 0 }
}
function flush() {
    if (frame == "" || !enc) return
    ok = heads >= 2 && !err && hash
    if (xt == 2 || xt == 4) { if (!(ispi in first)) { first[ispi] = 1; p1[ispi] = ok } }
    else if (xt == 32) { if (ok) qm[ispi]++; if (!(ispi in first)) { first[ispi] = 1; p1[ispi] = ok } }
}
/^frame=/ { flush(); frame = $0; heads = 0; enc = 0; err = 0; hash = 0; xt = ""; next }
{ k = $0; sub(/=.*/, "", k); v = substr($0, length(k) + 2) }
k == "isakmp.ispi" { heads++; if (heads == 1) ispi = v }
k == "isakmp.exchangetype" && heads == 1 { xt = v }
k == "isakmp.flags" && heads == 1 { enc = encbit(v) }
k == "isakmp.decrypt.error" || k == "error" { err = 1 }
(k == "isakmp.hash" || k == "isakmp.sig") && heads >= 2 { hash = 1 }
END {
    flush()
    for (i = 0; i < n; i++) {
        c = cky[i]; g = grp[c]
        o = (g in pre) ? ((tolower(c) in key) ? "yes" : "no-key") : "no"
        d = (o == "yes" && p1[c]) ? 1 : 0
        q = (o == "yes") ? qm[c] + 0 : 0
        printf "exchange %s group %d oracle %s p1 %d qm %d\n", c, g, o, d, q
        N++; if (g in pre) W++; if (o == "yes") K++; D += d; Q += q
    }
    printf "summary exchanges %d chosen_in_oracle_groups %d oracle_keys %d decrypted %d qm_decrypted %d\n", N, W, K, D, Q
}' "$T/dec"
