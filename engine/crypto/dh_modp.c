/* MODP Diffie-Hellman on GMP (groups 1, 2, 5, 14-18, 22-24).
 *
 * Secret exponentiations use mpz_powm_sec (time and memory access
 * independent of the exponent's bits, given its size).  Checks on public
 * values (y^q for RFC 5114 groups) use plain mpz_powm: nothing secret.
 * Every mpz that holds the private exponent or the shared secret is sized
 * before use so GMP never reallocates it (a reallocation would free old
 * limbs unwiped), and is wiped before it is cleared. */
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <string.h>

void dh_mpz_wipe_clear(mpz_t z)
{
    /* _mp_alloc limbs are allocated; mpz_limbs_write with n <= alloc
     * returns them without reallocating. */
    size_t alloc = (size_t)z->_mp_alloc;
    if (alloc > 0) {
        mp_limb_t *l = mpz_limbs_write(z, (mp_size_t)alloc);
        isakmp_wipe(l, alloc * sizeof *l);
        mpz_limbs_finish(z, 0);
    }
    mpz_clear(z);
}

void dh_mpz_export_padded(uint8_t *out, size_t len, const mpz_t z)
{
    size_t n = (mpz_sizeinbase(z, 2) + 7) / 8;
    if (mpz_sgn(z) == 0)
        n = 0;
    memset(out, 0, len - n);
    if (n)
        mpz_export(out + (len - n), NULL, 1, 1, 1, 0, z);
}

void dh_modp_load(struct isakmp_dh_key *k)
{
    mpz_set_str(k->p, k->g->p_hex, 16);
    if (k->g->q_hex) {
        mpz_set_str(k->q, k->g->q_hex, 16);
    } else {
        mpz_sub_ui(k->q, k->p, 1);          /* safe prime: q = (p-1)/2 */
        mpz_tdiv_q_2exp(k->q, k->q, 1);
    }
    /* Room for any exponent up to the modulus size, so x never grows. */
    mpz_realloc2(k->x, k->g->info.modulus_bits + 2 * GMP_NUMB_BITS);
}

/* Our public value g^x mod p into k->pub. */
static void modp_public(struct isakmp_dh_key *k)
{
    mpz_t gen, y;
    mpz_init_set_str(gen, k->g->g_hex, 16);
    mpz_init2(y, k->g->info.modulus_bits);
    mpz_powm_sec(y, gen, k->x, k->p);
    dh_mpz_export_padded(k->pub, k->g->info.public_len, y);
    mpz_clear(y);
    mpz_clear(gen);
}

/* Draw `bits` random bits into k->x (big-endian bytes, top bits masked);
 * top = also set bit bits-1. */
static void draw_bits(struct isakmp_dh_key *k, unsigned bits, bool top,
                      isakmp_random_fn *random, void *user, uint8_t *buf)
{
    size_t n = (bits + 7) / 8;
    unsigned spare = (unsigned)(8 * n - bits);
    random(user, buf, n);
    buf[0] &= (uint8_t)(0xff >> spare);
    if (top)
        buf[0] |= (uint8_t)(0x80 >> spare);
    mpz_import(k->x, n, 1, 1, 1, 0, buf);
}

static enum isakmp_dh_error dh_modp_generate(struct isakmp_dh_key *k,
                                      const struct isakmp_dh_exp_policy *pol,
                                      isakmp_random_fn *random, void *user)
{
    const struct isakmp_dh_group_info *in = &k->g->info;
    bool full = !pol || pol->kind == ISAKMP_DH_EXP_FULL;
    unsigned bits = in->full_exp_bits;
    if (!full) {
        if (pol->kind != ISAKMP_DH_EXP_SHORT)
            return ISAKMP_DH_ERR_POLICY;
        bits = pol->bits ? pol->bits : in->short_exp_bits;
        if (bits < 64 || bits > in->full_exp_bits)
            return ISAKMP_DH_ERR_POLICY;
        if (bits == in->full_exp_bits)
            full = true;                    /* short = full size is FULL */
    }
    uint8_t buf[ISAKMP_DH_MAX_PUBLIC];
    enum isakmp_dh_error err = ISAKMP_DH_OK;
    if (full) {
        /* Uniform in [2, q-1] by rejection: q's top bits are mostly ones
         * (safe primes) or at worst just above a power of two (group 23),
         * so a draw is kept with probability > 1/2. */
        unsigned qbits = (unsigned)mpz_sizeinbase(k->q, 2);
        int tries = 0;
        for (;;) {
            draw_bits(k, qbits, false, random, user, buf);
            if (mpz_cmp_ui(k->x, 2) >= 0 && mpz_cmp(k->x, k->q) < 0)
                break;
            if (++tries == DH_MAX_DRAWS) {
                err = ISAKMP_DH_ERR_RANDOM;
                break;
            }
        }
        k->policy.kind = ISAKMP_DH_EXP_FULL;
        k->policy.bits = in->full_exp_bits;
    } else {
        /* Exactly `bits` bits: < 2^(full bits - 1) <= q, so always in range. */
        draw_bits(k, bits, true, random, user, buf);
        k->policy.kind = ISAKMP_DH_EXP_SHORT;
        k->policy.bits = bits;
    }
    isakmp_wipe(buf, sizeof buf);
    if (err != ISAKMP_DH_OK)
        return err;
    k->nominal_bits = k->policy.bits;
    k->exp_bits = (unsigned)mpz_sizeinbase(k->x, 2);
    modp_public(k);
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_modp_from_private(struct isakmp_dh_key *k,
                                          const uint8_t *priv, size_t len)
{
    const struct isakmp_dh_group_info *in = &k->g->info;
    if (!priv || len == 0 || len > in->public_len)
        return ISAKMP_DH_ERR_ARG;
    mpz_import(k->x, len, 1, 1, 1, 0, priv);
    mpz_t pm1;
    mpz_init(pm1);
    mpz_sub_ui(pm1, k->p, 1);
    bool ok = mpz_sgn(k->x) > 0 && mpz_cmp(k->x, pm1) < 0;
    mpz_clear(pm1);
    if (!ok)
        return ISAKMP_DH_ERR_ARG;
    k->exp_bits = (unsigned)mpz_sizeinbase(k->x, 2);
    if (k->exp_bits < in->full_exp_bits) {
        k->policy.kind = ISAKMP_DH_EXP_SHORT;
        k->policy.bits = k->exp_bits;
    } else {
        k->policy.kind = ISAKMP_DH_EXP_FULL;
        k->policy.bits = in->full_exp_bits;
    }
    k->nominal_bits = k->policy.bits;
    modp_public(k);
    return ISAKMP_DH_OK;
}

/* Validate y (already imported) against p and, for RFC 5114 groups, q. */
static enum isakmp_dh_error check_value(const struct dh_group *g, const mpz_t y,
                                        const mpz_t p, const mpz_t q)
{
    mpz_t t;
    mpz_init(t);
    mpz_sub_ui(t, p, 1);
    enum isakmp_dh_error err = ISAKMP_DH_OK;
    if (mpz_cmp_ui(y, 1) <= 0 || mpz_cmp(y, t) >= 0) {
        err = ISAKMP_DH_ERR_PEER_RANGE;     /* 0, 1, p-1 or >= p */
    } else if (g->q_hex) {
        /* Small-subgroup confinement: y must lie in the order-q group. */
        mpz_powm(t, y, q, p);
        if (mpz_cmp_ui(t, 1) != 0)
            err = ISAKMP_DH_ERR_PEER_SUBGROUP;
    }
    mpz_clear(t);
    return err;
}

static enum isakmp_dh_error dh_modp_check(const struct dh_group *g,
                                   const uint8_t *peer, size_t len)
{
    if (!peer || len != g->info.public_len)
        return ISAKMP_DH_ERR_PEER_LENGTH;
    mpz_t y, p, q;
    mpz_init(y);
    mpz_init_set_str(p, g->p_hex, 16);
    mpz_init(q);
    if (g->q_hex)
        mpz_set_str(q, g->q_hex, 16);
    mpz_import(y, len, 1, 1, 1, 0, peer);
    enum isakmp_dh_error err = check_value(g, y, p, q);
    mpz_clear(q);
    mpz_clear(p);
    mpz_clear(y);
    return err;
}

static enum isakmp_dh_error dh_modp_compute(const struct isakmp_dh_key *k,
                                     const uint8_t *peer, size_t len,
                                     uint8_t *shared)
{
    if (!peer || len != k->g->info.public_len)
        return ISAKMP_DH_ERR_PEER_LENGTH;
    mpz_t y, z;
    mpz_init2(y, k->g->info.modulus_bits);
    mpz_import(y, len, 1, 1, 1, 0, peer);
    enum isakmp_dh_error err = check_value(k->g, y, k->p, k->q);
    if (err == ISAKMP_DH_OK) {
        mpz_init2(z, k->g->info.modulus_bits + 2 * GMP_NUMB_BITS);
        mpz_powm_sec(z, y, k->x, k->p);
        dh_mpz_export_padded(shared, k->g->info.shared_len, z);
        dh_mpz_wipe_clear(z);
    }
    mpz_clear(y);
    return err;
}

const struct dh_ops dh_modp_ops = {
    dh_modp_generate, dh_modp_from_private, dh_modp_check, dh_modp_compute,
};
