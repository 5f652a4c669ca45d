#!/usr/bin/env bash
# X.509 certificates between our peer (isakmp peer, side A) and charon
# (side B): a throw-away PKI made here with openssl (a CA both trust, a
# certificate for each side, a second "rogue" CA), then
#   - we initiate / charon initiates: Main Mode with RSA signatures and
#     CERT payloads (CR in messages 3/4, CERT + SIG in 5/6) and Quick Mode
#     complete, keys equal charon's ike=4 log, tshark decrypts the capture
#     of the veth with our decryption table and finds both certificates;
#   - charon's certificate signed by the rogue CA (we do not trust it):
#     refused with INVALID-CERT-AUTHORITY, our log says cert-untrusted,
#     no SA on either side;
#   - an expected peer identity (id = "dn:...") that is not charon's
#     subject: refused with INVALID-ID-INFORMATION, no SA on our side;
#   - configuration errors (a certificate that is not ours, a key where a
#     certificate belongs, a missing CA file) name file:line and exit 1
#     (those cases need neither root nor namespaces).
#   bash tests/integration/interop/test_peer_cert.sh BUILD
set -u
IX_BUILD=${1:-build}
. "$(dirname "$0")/lib.sh"
ix_begin peer_cert
bin=$(ix_isakmp)
[ -x "$bin" ] || { ix_fail "no isakmp binary at $bin"; exit 1; }
command -v openssl >/dev/null || { ix_fail "openssl(1) is needed to make the certificates"; exit 1; }

A=$IX_DIR/a B=$IX_DIR/b PKI=$IX_DIR/pki
P2='phase=2 '
US_DN='C=XX, O=isakmp interop, CN=isakmp peer'
CHARON_DN='C=XX, O=isakmp interop, CN=charon'

# ---- the PKI -----------------------------------------------------------------

# make_ca NAME CN: a self-signed CA (valid from yesterday, 2 days).
make_ca() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.pem" \
        -subj "/C=XX/O=isakmp interop/CN=$2" -days 2 -sha256 \
        -addext 'basicConstraints=critical,CA:TRUE' \
        -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
}
# make_leaf NAME KEY CA CN SAN: a certificate for KEY, signed by CA.
make_leaf() {
    local name=$1 key=$2 ca=$3 cn=$4 san=$5
    [ -f "$PKI/$key.key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
        -out "$PKI/$key.key" 2>/dev/null || return 1
    openssl req -new -key "$PKI/$key.key" -subj "/C=XX/O=isakmp interop/CN=$cn" \
        -out "$PKI/$name.csr" 2>/dev/null || return 1
    printf 'subjectAltName=%s\nkeyUsage=critical,digitalSignature\n' "$san" >"$PKI/$name.ext"
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.pem" -CAkey "$PKI/$ca.key" \
        -CAcreateserial -days 1 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.pem" 2>/dev/null
}
make_pki() {
    mkdir -p "$PKI"
    make_ca ca "Interop CA" && make_ca rogue "Rogue CA" &&
        make_leaf us us ca "isakmp peer" "IP:10.9.0.1" &&
        make_leaf charon charon ca charon "IP:10.9.0.2,DNS:charon.test" &&
        make_leaf charon-rogue charon rogue charon "IP:10.9.0.2,DNS:charon.test"
}
ix_check "openssl makes a CA, a rogue CA and certificates for both sides" make_pki

# ---- configuration errors (no network) ---------------------------------------

# conf_case LABEL STATUS ERE LOCAL_EXTRA: our configuration with extra
# settings in `local`; the error must match ERE (file:line first).
conf_case() {
    local label=$1 want=$2 re=$3 extra=$4 f="$IX_DIR/$1.conf"
    printf 'local = { address = "10.9.0.1";\n  private_key = "%s";\n  %s };\npeers = ( { name = "charon"; address = "10.9.0.2"; auth = "rsasig"; } );\n' \
        "$PKI/us.key" "$extra" >"$f"
    "$bin" peer "$f" >"$IX_DIR/$label.out" 2>"$IX_DIR/$label.err" </dev/null
    local rc=$?
    if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$IX_DIR/$label.err"; then
        ix_ok "config: $label"
    else
        ix_fail "config: $label (status $rc, want $want)"
        sed 's/^/#   /' "$IX_DIR/$label.err"
    fi
}
conf_case cert-of-another-key 1 "cert-of-another-key\.conf:3: .*charon\.pem: the certificate's public key is not the one of local\.private_key" \
    "certificate = \"$PKI/charon.pem\"; ca_certificates = [\"$PKI/ca.pem\"];"
conf_case key-as-certificate 1 "key-as-certificate\.conf:3: .*us\.key: neither a PEM CERTIFICATE block nor a DER X\.509 certificate" \
    "certificate = \"$PKI/us.key\"; ca_certificates = [\"$PKI/ca.pem\"];"
conf_case missing-ca-file 1 "missing-ca-file\.conf:3: cannot read CA certificate file /nonexistent/ca\.pem" \
    "certificate = \"$PKI/us.pem\"; ca_certificates = [\"$PKI/ca.pem\", \"/nonexistent/ca.pem\"];"
conf_case no-anchor-no-key 1 'no-anchor-no-key\.conf:4: peer "charon": public_key .*or local\.ca_certificates' \
    "certificate = \"$PKI/us.pem\";"
conf_case bad-send-certificate 1 'bad-send-certificate\.conf:3: send_certificate must be always, if-asked or never' \
    "certificate = \"$PKI/us.pem\"; ca_certificates = \"$PKI/ca.pem\"; send_certificate = \"sometimes\";"
conf_case id-not-subject 1 'id-not-subject\.conf:3: local\.id "C=XX, CN=other" is not the subject of local\.certificate' \
    "certificate = \"$PKI/us.pem\"; ca_certificates = \"$PKI/ca.pem\"; id = \"C=XX, CN=other\";"
if "$bin" peer --help | grep -q 'certificate'; then ix_ok "--help mentions certificates"; else ix_fail "--help: certificates"; fi

ix_need_root_netns
ix_netns_pair || { ix_fail "namespaces and veth"; exit 1; }

# ---- both sides' configuration -----------------------------------------------

# charon_config CERT [KEY]: charon with certificate $PKI/CERT.pem
# (charon | charon-rogue | expired) and key $PKI/KEY.key (charon),
# trusting our CA, expecting our subject; its key and the CA in swanctl's
# private/ and x509ca/ folders.
charon_config() {
    ix_charon_config b auth=psk       # strongswan.conf (ike = 4); swanctl.conf below
    local s="$B/swanctl"
    mkdir -p "$s/x509" "$s/x509ca" "$s/private"
    cp "$PKI/$1.pem" "$s/x509/charon.pem"
    cp "$PKI/ca.pem" "$s/x509ca/ca.pem"
    cp "$PKI/${2:-charon}.key" "$s/private/charon.key"
    cat >"$s/swanctl.conf" <<EOF
connections {
  v1 {
    version = 1
    local_addrs = 10.9.0.2
    remote_addrs = 10.9.0.1
    proposals = aes128-sha256-modp2048
    rekey_time = 0s
    reauth_time = 0s
    mobike = no
    fragmentation = no
    send_certreq = yes
    local {
      auth = pubkey
      certs = charon.pem
    }
    remote {
      auth = pubkey
      id = "$US_DN"
      cacerts = ca.pem
    }
    children {
      c {
        local_ts = 10.9.0.2/32
        remote_ts = 10.9.0.1/32
        esp_proposals = aes128-sha1-modp2048
        policies = no
        rekey_time = 0s
      }
    }
  }
}
EOF
}

# peer_config PEER_ID [SEND]: our side with our certificate and the CA;
# PEER_ID "" = none, SEND = send_certificate (default: not set, "always").
peer_config() {
    local id="" send="" extra_ca=""
    [ -n "$1" ] && id="id = \"$1\";"
    # the committed test CA too, for the expired certificate case
    [ "${IX_CERT_EXTRA_CA:-0}" = 1 ] && extra_ca=", \"$PKI/test-ca.pem\""
    [ -n "${2:-}" ] && send="send_certificate = \"$2\";"
    cat >"$A/peer.conf" <<EOF
# written by tests/integration/interop/test_peer_cert.sh
local = {
  address = "10.9.0.1";
  private_key = "$PKI/us.key";
  certificate = "$PKI/us.pem";
  ca_certificates = [ "$PKI/ca.pem"$extra_ca ];
  $send
};
engine = { retransmit = { initial_ms = 500; factor = 2; cap_ms = 2000; tries = 4; }; };
peers = ( {
  name = "charon";
  address = "10.9.0.2";
  auth = "rsasig";
  $id
  ike = "aes128-sha256-modp2048";
  esp = "aes128-sha1-modp2048";
} );
EOF
}

# ---- the cases -----------------------------------------------------------------

# The payloads tshark finds in the wire capture, decrypted with our table.
decrypt_wire() {
    # shellcheck disable=SC2046
    ix_tshark_decrypt "$A/wire.pcap" "$A/wire.txt" $(cat "$A/table" 2>/dev/null)
    ix_decrypted_payloads "$A/wire.txt" >"$A/wire.dec"
}

# Wireshark's X.509 dissection of the CERT payloads names both subjects.
both_certs_seen() {
    grep -q 'id-at-commonName=isakmp peer' "$A/wire.txt" && grep -q 'id-at-commonName=charon' "$A/wire.txt"
}

# Start charon (b) and our peer (a); false (case ended) when one fails.
start_both() { # LABEL
    ix_charon_start b || { ix_fail "$1: charon starts"; ix_next_case "$1"; return 1; }
    ix_peer_start a || { ix_fail "$1: isakmp peer starts"; ix_next_case "$1"; return 1; }
}
# WHO (us | charon) initiates; WAITS gets swanctl's pid (a bare wait would
# wait for the daemons too).
initiate() { # WHO
    WAITS=()
    if [ "$1" = us ]; then
        ix_peer_ctl a initiate charon
    else
        ix_swanctl b --initiate --child c >"$B/initiate.out" 2>&1 &
        WAITS+=("$!")
    fi
}

# run_ok LABEL WHO SEND: WHO (us | charon) initiates, we send our
# certificate SEND (if-asked | always); everything must succeed.
# (charon as responder sends its CR in message 4; as initiator only in
# message 5, which our responder answers in message 6.)
run_ok() {
    local label=$1 who=$2 send=$3 role=initiator conf_send=""
    [ "$who" = charon ] && role=responder
    [ "$send" = if-asked ] && conf_send=if-asked     # "always" is the default
    charon_config charon
    peer_config "dn:$CHARON_DN" "$conf_send"
    start_both "$label" || return
    ix_check "$label: our log shows the certificate set-up" \
        grep -q "certificates: ours loaded (sent $send), 1 trust anchors, cert requests sent, dates checked" "$A/peer.log"
    ix_capture_start a "$A/wire.pcap" || ix_fail "$label: dumpcap starts"
    initiate "$who"
    ix_check "$label: our phase 1 established with RSA signatures" \
        ix_wait_log "$A/sa" 'sa=established phase=1 .*auth=rsasig ' 8
    ix_check "$label: our Quick Mode established" ix_wait_log "$A/sa" "sa=established $P2" 5
    ix_check "$label: charon verified our certificate (chain to its CA)" \
        grep -q 'using trusted ca certificate ".*CN=Interop CA"' "$B/charon.log"
    ix_check "$label: charon's IKE_SA is established with our subject" \
        ix_wait_log "$B/charon.log" "IKE_SA v1\[[0-9]+\] established between 10\.9\.0\.2\[$CHARON_DN\]\.\.\.10\.9\.0\.1\[$US_DN\]" 3
    ix_check "$label: charon's CHILD_SA established" \
        ix_wait_log "$B/charon.log" 'CHILD_SA c\{[0-9]+\} established' 5
    ix_check "$label: keys equal charon's (SKEYID*, Ka, KEYMAT both ways)" \
        ix_keys_match a b "sa=established $P2" "$role"
    [ ${#WAITS[@]} -gt 0 ] && wait "${WAITS[@]}"    # only swanctl: a bare wait would wait for the daemons
    ix_capture_stop
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
    decrypt_wire
    ix_check "$label: tshark sees CR payloads in Main Mode messages 3 and 4" \
        test "$(grep -c 'Payload: Certificate Request (7)' "$A/wire.txt")" -ge 2
    ix_check "$label: tshark decrypts Main Mode messages 5 and 6: ID, CERT, SIG" \
        test "$(head -2 "$A/wire.dec" | grep -Ec '^5,6,9(,|$)')" = 2
    ix_check "$label: the CERT payloads hold our certificate and charon's" both_certs_seen
    ix_check "$label: tshark decrypts Quick Mode messages 1 and 2" \
        test "$(grep -Ec '^8,1,10,4(,5,5)?$' "$A/wire.dec")" -ge 2
    ix_check "$label: every encrypted message decrypted, none malformed" \
        test -s "$A/wire.dec" -a "$(grep -c '^$' "$A/wire.dec")" = 0 -a \
            "$(grep -ci malformed "$A/wire.txt")" = 0
    ix_next_case "$label"
}

# The committed test PKI of tests/unit/data/certs (make-certs.sh there):
# b-expired.pem, valid 2020-2021 only, for b.key, by "Test CA".
UNIT_CERTS=$(cd "$(dirname "$0")/../../unit/data/certs" && pwd)
cp "$UNIT_CERTS/b-expired.pem" "$PKI/expired.pem" && cp "$UNIT_CERTS/b.key" "$PKI/expired.key" &&
    cp "$UNIT_CERTS/ca.pem" "$PKI/test-ca.pem" || ix_fail "the committed test certificates are there"

# run_refused LABEL WHO CHARON_CERT PEER_ID REASON NOTIFY CHARON_NOTIFY:
# the exchange must fail on our side with REASON / NOTIFY, no SA on ours
# (and on charon's, when it initiated: it never gets our message 6; it
# then logs our Notify, by its short name CHARON_NOTIFY, as unprotected).
run_refused() {
    local label=$1 who=$2 cert=$3 id=$4 reason=$5 notify=$6 charon_notify=$7 key=charon
    [ "$cert" = expired ] && key=expired
    charon_config "$cert" "$key"
    peer_config "$id"
    start_both "$label" || return
    initiate "$who"
    ix_check "$label: our log says why (reason=$reason notify=$notify)" \
        ix_wait_log "$A/peer.log" "exchange-failed .*xchg=main .*reason=$reason notify=$notify" 8
    sleep 1
    ix_check "$label: no SA established on our side" \
        test "$(grep -c 'sa=established' "$A/sa" 2>/dev/null)" = 0
    if [ "$who" = charon ]; then
        ix_check "$label: no IKE_SA established on charon's side" \
            test "$(grep -c 'IKE_SA v1\[[0-9]*\] established' "$B/charon.log")" = 0
        ix_check "$label: charon got our $notify Notify" \
            grep -Eq "parsed INFORMATIONAL_V1 request [0-9]+ \[ N\($charon_notify\) \]" "$B/charon.log"
    fi
    [ ${#WAITS[@]} -gt 0 ] && wait "${WAITS[@]}"    # only swanctl: a bare wait would wait for the daemons
    ix_peer_stop a
    ix_check "$label: isakmp peer exits 0 on SIGTERM, no sanitizer report" ix_peer_clean_exit a
    ix_next_case "$label"
}

run_ok we-initiate us if-asked
run_ok charon-initiates charon if-asked
run_ok charon-initiates-always charon always
run_refused rogue-ca charon charon-rogue "" cert-untrusted INVALID-CERT-AUTHORITY INVAL_CA
run_refused rogue-ca-we-initiate us charon-rogue "" cert-untrusted INVALID-CERT-AUTHORITY INVAL_CA
# The dates are checked against the wall clock (the positive cases above
# prove the other half: their certificates are valid for one day from now).
IX_CERT_EXTRA_CA=1 run_refused expired-cert us expired "" cert-expired INVALID-CERTIFICATE INVAL_CERT
run_refused wrong-peer-id us charon "dn:C=XX, O=isakmp interop, CN=not charon" identity \
    INVALID-ID-INFORMATION INVAL_ID
exit 0
