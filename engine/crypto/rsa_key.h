/* The inside of struct isakmp_rsa_key, shared by rsa.c (operations) and
 * rsa_load.c (parsing).  Not a public header. */
#ifndef ISAKMP_CRYPTO_RSA_KEY_H
#define ISAKMP_CRYPTO_RSA_KEY_H

#include "isakmp/rsa.h"

#include <nettle/rsa.h>

/* Smallest and largest moduli accepted anywhere (bits).  512 is far too
 * weak for real use but researchers study such keys; the upper bound
 * keeps hostile certificates from costing unbounded time. */
#define RSA_MIN_BITS 512
#define RSA_MAX_BITS 8192

struct isakmp_rsa_key {
    struct rsa_public_key pub;
    struct rsa_private_key priv;
    bool has_private;
};

/* A new key with initialised (zero) numbers; NULL when out of memory. */
struct isakmp_rsa_key *rsa_key_alloc(void);

/* Check sizes and prepare nettle's cached values after parsing;
 * E_KEY when the numbers are inconsistent or the size is out of range. */
int rsa_key_finish(struct isakmp_rsa_key *k);

#endif
