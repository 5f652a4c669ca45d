/* Internal to the Diffie-Hellman code (engine/crypto/dh_*.c): the group
 * table entry, the key object, and the per-type operations that
 * dh_api.c dispatches to.  Not a public header. */
#ifndef ISAKMP_CRYPTO_DH_IMPL_H
#define ISAKMP_CRYPTO_DH_IMPL_H

#include "isakmp/dh.h"

#include <gmp.h>
#include <nettle/ecc.h>

struct dh_group {
    struct isakmp_dh_group_info info;
    /* MODP: p, g and (RFC 5114 groups) q in hex; q NULL = safe prime. */
    const char *p_hex, *g_hex, *q_hex;
    /* ECP: Nettle's curve and the field prime in hex. */
    const struct ecc_curve *(*curve)(void);
    const char *field_hex;
    /* ECP on libgcrypt (Brainpool, which Nettle lacks): its curve name;
     * NULL for every other group. */
    const char *gcry_curve;
    const struct dh_ops *ops;   /* the backend: dh_api.c calls through it */
};

/* NULL when unsupported. */
const struct dh_group *dh_group_find(uint16_t id);

/* isakmp_dh_generate for a group given by its table entry (a built-in one,
 * or a private group of dh_custom.c); `group` is the number reported when
 * g is NULL (ISAKMP_DH_ERR_GROUP). */
enum isakmp_dh_error dh_generate_in(const struct dh_group *g, uint16_t group,
                                    const struct isakmp_dh_exp_policy *policy,
                                    isakmp_random_fn *random, void *rnd_user,
                                    const struct isakmp_cost_table *cost,
                                    struct isakmp_dh_key **out, struct isakmp_crypto_cost *rep);

/* Bound on rejection-sampling draws: with a working generator a draw is
 * refused with probability < 1/2, so 128 refusals mean a broken source. */
#define DH_MAX_DRAWS 128

struct isakmp_dh_key {
    const struct dh_group *g;
    struct isakmp_dh_exp_policy policy;     /* as applied */
    unsigned exp_bits;                      /* actual bit length */
    unsigned nominal_bits;                  /* policy size, used for cost */
    /* MODP: the private exponent x, the modulus p, the exponent group
     * order q (RFC 5114 groups; else (p-1)/2), all sized up front.
     * ECP: x only (the scalar). */
    mpz_t x, p, q;
    /* Montgomery: the raw little-endian scalar. */
    uint8_t raw[56];
    uint8_t pub[];                          /* info.public_len bytes */
};

/* Overwrite all allocated limbs of z with zeros, then mpz_clear it. */
void dh_mpz_wipe_clear(mpz_t z);
/* Big-endian export of z left-padded to len bytes (z must fit). */
void dh_mpz_export_padded(uint8_t *out, size_t len, const mpz_t z);

/* One backend per kind of group; dh_api.c calls through the group's ops.
 * generate fills the private value (from the policy, which only MODP
 * uses, and the random source), then the public value; from_private the
 * same from given bytes; k->g is set and k->x/p/q are initialised by the
 * caller (dh_api.c).  check validates a peer's public value; compute
 * checks it too, then writes the full-length shared secret. */
struct dh_ops {
    enum isakmp_dh_error (*generate)(struct isakmp_dh_key *k,
                                     const struct isakmp_dh_exp_policy *pol,
                                     isakmp_random_fn *random, void *user);
    enum isakmp_dh_error (*from_private)(struct isakmp_dh_key *k,
                                         const uint8_t *priv, size_t len);
    enum isakmp_dh_error (*check)(const struct dh_group *g, const uint8_t *peer, size_t len);
    enum isakmp_dh_error (*compute)(const struct isakmp_dh_key *k, const uint8_t *peer,
                                    size_t len, uint8_t *shared);
};
extern const struct dh_ops dh_modp_ops;     /* dh_modp.c, GMP */
extern const struct dh_ops dh_ecp_ops;      /* dh_ecp.c, Nettle */
extern const struct dh_ops dh_ecpg_ops;     /* dh_ecp_gcrypt.c, libgcrypt (Brainpool) */
extern const struct dh_ops dh_mont_ops;     /* dh_mont.c, Nettle curve25519/448 */

/* Load p and q (the exponent group order) of a MODP group into k. */
void dh_modp_load(struct isakmp_dh_key *k);

/* A peer's x || y: length 2 * field_len and not all zero (the usual
 * encoding of the point at infinity); the curve checks come after. */
enum isakmp_dh_error dh_ecp_check_encoding(const uint8_t *peer, size_t len, size_t field_len);
/* An ECP key's policy: FULL, its scalar's bits (k->x set). */
void dh_ecp_record_full(struct isakmp_dh_key *k);

/* ECP groups on libgcrypt (dh_ecp_gcrypt.c): same contract as dh_ecp_*. */
/* Initialise libgcrypt once per process (thread-safe); false when it is
 * unusable (older than the headers we were built with).  The dh_ecpg_*
 * functions call it; others (bench) call it before using libgcrypt. */
bool dh_gcrypt_init(void);


#endif
