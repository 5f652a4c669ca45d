/* Montgomery-curve Diffie-Hellman on Nettle: group 31 (curve25519) and
 * group 32 (curve448), RFC 7748 X25519/X448 as used by RFC 8031.
 *
 * Private value: 32/56 random bytes (Nettle clamps them inside the
 * multiplication).  KE payload and shared secret: the little-endian
 * u-coordinate.  Every u of the right length is accepted as input (RFC
 * 7748 §5); a low-order peer point shows as an all-zero secret, which
 * RFC 8031 §2 requires us to refuse. */
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <nettle/curve25519.h>
#include <nettle/curve448.h>
#include <string.h>

static bool is25519(const struct dh_group *g)
{
    return g->info.id == 31;
}

static void mont_public(struct isakmp_dh_key *k)
{
    if (is25519(k->g))
        curve25519_mul_g(k->pub, k->raw);
    else
        curve448_mul_g(k->pub, k->raw);
    k->policy.kind = ISAKMP_DH_EXP_FULL;
    k->policy.bits = k->g->info.full_exp_bits;
    k->nominal_bits = k->policy.bits;
    k->exp_bits = k->g->info.full_exp_bits;    /* after clamping */
}

static enum isakmp_dh_error dh_mont_generate(struct isakmp_dh_key *k,
                                      const struct isakmp_dh_exp_policy *pol,
                                      isakmp_random_fn *random, void *user)
{
    (void)pol;                  /* no short scalars: always full size */
    random(user, k->raw, k->g->info.public_len);
    mont_public(k);
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_mont_from_private(struct isakmp_dh_key *k,
                                          const uint8_t *priv, size_t len)
{
    if (!priv || len != k->g->info.public_len)
        return ISAKMP_DH_ERR_ARG;
    memcpy(k->raw, priv, len);
    mont_public(k);
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_mont_check(const struct dh_group *g,
                                   const uint8_t *peer, size_t len)
{
    if (!peer || len != g->info.public_len)
        return ISAKMP_DH_ERR_PEER_LENGTH;
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_mont_compute(const struct isakmp_dh_key *k,
                                     const uint8_t *peer, size_t len,
                                     uint8_t *shared)
{
    enum isakmp_dh_error err = dh_mont_check(k->g, peer, len);
    if (err != ISAKMP_DH_OK)
        return err;
    if (is25519(k->g))
        curve25519_mul(shared, k->raw, peer);
    else
        curve448_mul(shared, k->raw, peer);
    uint8_t any = 0;                /* no early exit: time independent of the secret */
    for (size_t i = 0; i < len; i++)
        any |= shared[i];
    if (!any) {
        isakmp_wipe(shared, len);
        return ISAKMP_DH_ERR_PEER_ZERO_SECRET;
    }
    return ISAKMP_DH_OK;
}

const struct dh_ops dh_mont_ops = {
    dh_mont_generate, dh_mont_from_private, dh_mont_check, dh_mont_compute,
};
