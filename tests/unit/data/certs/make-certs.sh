#!/bin/sh
# Regenerate the X.509 test certificates of tests/unit/test_engine_cert.c
# (run from anywhere; writes next to this script).  Needs openssl(1).
# The tests check dates at a fixed time, 2027-06-01, so these files do
# not age:
#   ca.pem            "Test CA" (trust anchor of both engines)
#   ca2.pem           "Other CA" (trusted by nobody in the tests)
#   a.key, a.pem      node A 10.0.0.1, signed by Test CA
#   b.key, b.pem      node B 10.0.0.2 (+ DNS b.example, email b@example), by Test CA
#   b-ca2.pem         B's key, signed by Other CA           -> INVALID-CERT-AUTHORITY
#   b-expired.pem     B's key, valid 2020-2021 only          -> INVALID-CERTIFICATE
#   b-wrong-san.pem   B's key, names 10.0.0.99/wrong.example -> INVALID-ID-INFORMATION
# The CA private keys are thrown away.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# A CA: self-signed, basicConstraints CA:TRUE.
make_ca() {  # name, cn
    key "$tmp/$1.key"
    mkdir -p "$tmp/$1.db"
    : > "$tmp/$1.db/index"
    echo 01 > "$tmp/$1.db/serial"
    cat > "$tmp/$1.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = $tmp/$1.db
database = \$dir/index
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $tmp/$1.crt
private_key = $tmp/$1.key
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = $2
O = isakmp tests
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
    openssl req -new -key "$tmp/$1.key" -config "$tmp/$1.cnf" -out "$tmp/$1.csr"
    openssl ca -batch -selfsign -config "$tmp/$1.cnf" -in "$tmp/$1.csr" -extensions ca_ext \
        -extfile "$tmp/$1.cnf" -startdate 20260101000000Z -enddate 20400101000000Z \
        -out "$tmp/$1.crt" 2>/dev/null
    openssl x509 -in "$tmp/$1.crt" -out "$2.pem.tmp"
}

# An end entity: ca, key file, cn, subjectAltName, start, end, output.
make_ee() {
    cat > "$tmp/ee.ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectAltName = $4
EXT
    openssl req -new -key "$2" -subj "/O=isakmp tests/CN=$3" -out "$tmp/ee.csr"
    openssl ca -batch -config "$tmp/$1.cnf" -in "$tmp/ee.csr" -extfile "$tmp/ee.ext" \
        -startdate "$5" -enddate "$6" -out "$tmp/ee.crt" 2>/dev/null
    openssl x509 -in "$tmp/ee.crt" -out "$7"
}

make_ca ca "Test CA"; mv "Test CA.pem.tmp" ca.pem
make_ca ca2 "Other CA"; mv "Other CA.pem.tmp" ca2.pem
key a.key
key b.key
good_from=20260101000000Z
good_to=20360101000000Z
make_ee ca a.key "node a" "IP:10.0.0.1, DNS:a.example" $good_from $good_to a.pem
make_ee ca b.key "node b" "IP:10.0.0.2, DNS:b.example, email:b@example" $good_from $good_to b.pem
make_ee ca2 b.key "node b" "IP:10.0.0.2, DNS:b.example" $good_from $good_to b-ca2.pem
make_ee ca b.key "node b" "IP:10.0.0.2, DNS:b.example" 20200101000000Z 20210101000000Z b-expired.pem
make_ee ca b.key "node b" "IP:10.0.0.99, DNS:wrong.example" $good_from $good_to b-wrong-san.pem
echo "certificates written to $(pwd)"
