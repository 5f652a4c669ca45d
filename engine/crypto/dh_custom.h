/* MODP Diffie-Hellman in a group given by its parameters rather than by
 * a built-in number: the private groups of New Group Mode (RFC 2409
 * §5.6).  Internal to the engine (the IKE layer's ike_groups.c).
 *
 * Parameters are validated before anything computes with them
 * (dh_custom_check): p odd, within the size bounds, a probable prime
 * (mpz_probab_prime_p, DH_CUSTOM_PRIME_REPS rounds), optionally a safe
 * prime ((p-1)/2 prime as well), and 1 < g < p-1.  Keys then work with
 * the ordinary isakmp/dh.h calls (isakmp_dh_public, isakmp_dh_compute,
 * isakmp_dh_key_free): the exponent is drawn in [2, (p-1)/2) (FULL) or
 * with the SHORT policy's bits, peer values must satisfy 1 < y < p-1.
 * For a prime that is not safe nothing confines peer values to a large
 * subgroup (New Group Mode carries no subgroup order): that is why safe
 * primes are required unless the caller's policy says otherwise. */
#ifndef ISAKMP_CRYPTO_DH_CUSTOM_H
#define ISAKMP_CRYPTO_DH_CUSTOM_H

#include "isakmp/dh.h"

#define DH_CUSTOM_PRIME_REPS 30
#define DH_CUSTOM_MAX_BITS 8192       /* = the largest built-in group */

enum dh_custom_check {
    DH_CUSTOM_OK = 0,
    DH_CUSTOM_TOO_SMALL,              /* fewer than min_bits bits */
    DH_CUSTOM_TOO_LARGE,              /* more than DH_CUSTOM_MAX_BITS */
    DH_CUSTOM_EVEN,                   /* p even */
    DH_CUSTOM_COMPOSITE,              /* p not a probable prime */
    DH_CUSTOM_NOT_SAFE,               /* (p-1)/2 not a probable prime */
    DH_CUSTOM_BAD_GENERATOR,          /* g <= 1 or g >= p-1 */
};
const char *dh_custom_check_name(enum dh_custom_check r);

/* Validate p (big-endian, leading zeros allowed) and g. */
enum dh_custom_check dh_custom_check(const uint8_t *p, size_t len, uint32_t g,
                                     unsigned min_bits, bool need_safe);

/* A group (already validated) under IKE number `number` (reported as the
 * group of the cost events).  NULL: no memory / bad arguments. */
struct dh_custom;
struct dh_custom *dh_custom_new(uint16_t number, const uint8_t *p, size_t len, uint32_t g);
struct dh_custom *dh_custom_dup(const struct dh_custom *c);
void dh_custom_free(struct dh_custom *c);
/* True when both describe the same p and g. */
bool dh_custom_equal(const struct dh_custom *a, const struct dh_custom *b);
/* KE payload bytes (= bytes of p). */
size_t dh_custom_public_len(const struct dh_custom *c);
/* Bits of p. */
unsigned dh_custom_bits(const struct dh_custom *c);

/* A fresh key pair in the group, like isakmp_dh_generate.  The key
 * points into `c`: c must outlive it. */
enum isakmp_dh_error dh_custom_generate(const struct dh_custom *c,
                                        const struct isakmp_dh_exp_policy *policy,
                                        isakmp_random_fn *random, void *rnd_user,
                                        const struct isakmp_cost_table *cost,
                                        struct isakmp_dh_key **out,
                                        struct isakmp_crypto_cost *report);

#endif
