/* ECP Diffie-Hellman on Nettle (groups 19, 20, 21 of RFC 5903 and 25, 26
 * of RFC 5114 = NIST P-256, P-384, P-521, P-192, P-224).
 *
 * KE payload = x || y, each left-padded to the field size; shared secret
 * = x of d*Q, left-padded (RFC 5903 §7).  Nettle's scalar
 * multiplications are side-channel silent.  Nettle frees scalars and
 * points without wiping them, so we wipe their limbs ourselves first. */
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <string.h>

static size_t field_len(const struct dh_group *g)
{
    return (g->info.modulus_bits + 7) / 8;
}

static void scalar_wipe_clear(struct ecc_scalar *s, const struct ecc_curve *c)
{
    isakmp_wipe(s->p, (size_t)ecc_size(c) * sizeof *s->p);
    ecc_scalar_clear(s);
}

static void point_wipe_clear(struct ecc_point *pt, const struct ecc_curve *c)
{
    isakmp_wipe(pt->p, 2 * (size_t)ecc_size(c) * sizeof *pt->p);
    ecc_point_clear(pt);
}

/* Public point d*G into k->pub (k->x holds a valid scalar). */
static void ecp_public(struct isakmp_dh_key *k)
{
    const struct ecc_curve *c = k->g->curve();
    size_t fl = field_len(k->g);
    struct ecc_scalar s;
    struct ecc_point pt;
    mpz_t x, y;
    ecc_scalar_init(&s, c);
    ecc_scalar_set(&s, k->x);
    ecc_point_init(&pt, c);
    ecc_point_mul_g(&pt, &s);
    mpz_init(x);
    mpz_init(y);
    ecc_point_get(&pt, x, y);
    dh_mpz_export_padded(k->pub, fl, x);
    dh_mpz_export_padded(k->pub + fl, fl, y);
    mpz_clear(x);
    mpz_clear(y);
    ecc_point_clear(&pt);
    scalar_wipe_clear(&s, c);
}

/* Is k->x in [1, n-1]? (Nettle's ecc_scalar_set checks exactly that.) */
static bool scalar_ok(struct isakmp_dh_key *k, const struct ecc_curve *c)
{
    struct ecc_scalar s;
    ecc_scalar_init(&s, c);
    bool ok = ecc_scalar_set(&s, k->x) != 0;
    scalar_wipe_clear(&s, c);
    return ok;
}

void dh_ecp_record_full(struct isakmp_dh_key *k)
{
    k->policy.kind = ISAKMP_DH_EXP_FULL;
    k->policy.bits = k->g->info.full_exp_bits;
    k->nominal_bits = k->policy.bits;
    k->exp_bits = (unsigned)mpz_sizeinbase(k->x, 2);
}

static enum isakmp_dh_error dh_ecp_generate(struct isakmp_dh_key *k,
                                     const struct isakmp_dh_exp_policy *pol,
                                     isakmp_random_fn *random, void *user)
{
    (void)pol;                  /* no short scalars: always full size */
    const struct ecc_curve *c = k->g->curve();
    unsigned bits = k->g->info.modulus_bits;   /* order size = field size here */
    size_t n = (bits + 7) / 8;
    unsigned spare = (unsigned)(8 * n - bits);
    uint8_t buf[66];
    int tries = 0;
    bool ok = false;
    /* Uniform in [1, n-1] by rejection (n is close to 2^bits: almost
     * every draw is kept). */
    while (!ok && tries++ < DH_MAX_DRAWS) {
        random(user, buf, n);
        buf[0] &= (uint8_t)(0xff >> spare);
        mpz_import(k->x, n, 1, 1, 1, 0, buf);
        ok = scalar_ok(k, c);
    }
    isakmp_wipe(buf, sizeof buf);
    if (!ok)
        return ISAKMP_DH_ERR_RANDOM;
    dh_ecp_record_full(k);
    ecp_public(k);
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_ecp_from_private(struct isakmp_dh_key *k,
                                         const uint8_t *priv, size_t len)
{
    if (!priv || len == 0 || len > field_len(k->g))
        return ISAKMP_DH_ERR_ARG;
    mpz_import(k->x, len, 1, 1, 1, 0, priv);
    if (!scalar_ok(k, k->g->curve()))
        return ISAKMP_DH_ERR_ARG;
    dh_ecp_record_full(k);
    ecp_public(k);
    return ISAKMP_DH_OK;
}

enum isakmp_dh_error dh_ecp_check_encoding(const uint8_t *peer, size_t len, size_t field_len)
{
    if (!peer || len != 2 * field_len)
        return ISAKMP_DH_ERR_PEER_LENGTH;
    uint8_t any = 0;
    for (size_t i = 0; i < len; i++)
        any |= peer[i];
    return any ? ISAKMP_DH_OK : ISAKMP_DH_ERR_PEER_INFINITY;   /* the usual encoding of O */
}

/* Decode and validate a peer point; on success *pt is initialised and
 * set (the caller clears it). */
static enum isakmp_dh_error peer_point(const struct dh_group *g,
                                       const uint8_t *peer, size_t len,
                                       struct ecc_point *pt)
{
    size_t fl = field_len(g);
    enum isakmp_dh_error e = dh_ecp_check_encoding(peer, len, fl);
    if (e != ISAKMP_DH_OK)
        return e;
    mpz_t x, y, p;
    mpz_init(x);
    mpz_init(y);
    mpz_init_set_str(p, g->field_hex, 16);
    mpz_import(x, fl, 1, 1, 1, 0, peer);
    mpz_import(y, fl, 1, 1, 1, 0, peer + fl);
    enum isakmp_dh_error err = ISAKMP_DH_OK;
    if (mpz_cmp(x, p) >= 0 || mpz_cmp(y, p) >= 0) {
        err = ISAKMP_DH_ERR_PEER_RANGE;
    } else {
        const struct ecc_curve *c = g->curve();
        ecc_point_init(pt, c);
        /* ecc_point_set checks y^2 = x^3 - 3x + b (mod p). */
        if (!ecc_point_set(pt, x, y)) {
            ecc_point_clear(pt);
            err = ISAKMP_DH_ERR_PEER_NOT_ON_CURVE;
        }
    }
    mpz_clear(p);
    mpz_clear(y);
    mpz_clear(x);
    return err;
}

static enum isakmp_dh_error dh_ecp_check(const struct dh_group *g,
                                  const uint8_t *peer, size_t len)
{
    struct ecc_point pt;
    enum isakmp_dh_error err = peer_point(g, peer, len, &pt);
    if (err == ISAKMP_DH_OK)
        ecc_point_clear(&pt);
    return err;
}

static enum isakmp_dh_error dh_ecp_compute(const struct isakmp_dh_key *k,
                                    const uint8_t *peer, size_t len,
                                    uint8_t *shared)
{
    struct ecc_point q;
    enum isakmp_dh_error err = peer_point(k->g, peer, len, &q);
    if (err != ISAKMP_DH_OK)
        return err;
    /* The curves have cofactor 1 and d is in [1, n-1], so d*Q on the
     * curve is never the point at infinity. */
    const struct ecc_curve *c = k->g->curve();
    struct ecc_scalar s;
    struct ecc_point r;
    mpz_t x, y;
    ecc_scalar_init(&s, c);
    ecc_scalar_set(&s, k->x);
    ecc_point_init(&r, c);
    ecc_point_mul(&r, &s, &q);
    mpz_init2(x, k->g->info.modulus_bits + 2 * GMP_NUMB_BITS);
    mpz_init2(y, k->g->info.modulus_bits + 2 * GMP_NUMB_BITS);
    ecc_point_get(&r, x, y);
    dh_mpz_export_padded(shared, k->g->info.shared_len, x);
    dh_mpz_wipe_clear(x);
    dh_mpz_wipe_clear(y);
    point_wipe_clear(&r, c);
    scalar_wipe_clear(&s, c);
    ecc_point_clear(&q);
    return ISAKMP_DH_OK;
}

const struct dh_ops dh_ecp_ops = {
    dh_ecp_generate, dh_ecp_from_private, dh_ecp_check, dh_ecp_compute,
};
