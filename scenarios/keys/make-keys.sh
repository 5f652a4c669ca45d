#!/bin/sh
# Test keys for the simulator's RSA scenarios (auth rsa-sig, pke, rpke):
# for each name, NAME.pem (the private key, PKCS#8 PEM, unencrypted) and
# NAME.pub (its public key, SubjectPublicKeyInfo PEM).  They are throw-away
# keys for simulations only: never use them for anything real.
# Usage: scenarios/keys/make-keys.sh [BITS] [NAME ...]   (default 2048: gw peer other)
set -e
cd "$(dirname "$0")"
BITS=${1:-2048}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- gw peer other
command -v openssl >/dev/null || { echo "make-keys.sh: needs openssl" >&2; exit 1; }
for n in "$@"; do
    openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:$BITS" -out "$n.pem"
    openssl pkey -in "$n.pem" -pubout -out "$n.pub"
    echo "$n.pem $n.pub ($BITS bits)"
done
