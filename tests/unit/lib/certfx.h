/* Two engines with RSA signatures and the test certificates of
 * tests/unit/data/certs (made by make-certs.sh there): A has a.pem, B the
 * certificate named; both trust ca.pem, send CR, and check dates at
 * 2027-06-01 (a fixed wall-clock time, so the files do not age). */
#ifndef TESTS_CERTFX_H
#define TESTS_CERTFX_H

#include "pair.h"
#include "isakmp/rsa.h"

#define T_2027_06_01 1811808000ull
#define T_2025_06_01 1748736000ull

struct cert_fx {
    struct pair p;
    struct isakmp_rsa_key *ka, *kb;
    uint8_t *ca, *cert_a, *cert_b;
    size_t ca_len, cert_a_len, cert_b_len;
    struct isakmp_rsa_peer peer_a;          /* for B, when a test configures A's key */
};

/* Bytes of tests/unit/data/certs/NAME (free()); NULL and a message if missing. */
uint8_t *cert_data(const char *name, size_t *len);
/* A private key from that folder, or NULL. */
struct isakmp_rsa_key *cert_load_key(const char *name);
/* pair_setup for `auth` with the certificates as above (no rsa_peers;
 * Base and Authentication Only allowed).  False if a file is missing. */
bool cert_fx_setup(struct cert_fx *f, const char *b_cert, uint16_t auth);
void cert_fx_free(struct cert_fx *f);

#endif
