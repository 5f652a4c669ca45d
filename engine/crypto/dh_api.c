/* The public Diffie-Hellman API (isakmp/dh.h): key objects, dispatch to
 * the MODP / ECP (Nettle, or libgcrypt for Brainpool) / Montgomery code,
 * errors, and cost reports. */
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <stdlib.h>
#include <string.h>

static struct isakmp_dh_key *key_alloc(const struct dh_group *g)
{
    struct isakmp_dh_key *k = calloc(1, sizeof *k + g->info.public_len);
    if (!k)
        return NULL;
    k->g = g;
    mpz_init(k->x);
    mpz_init(k->p);
    mpz_init(k->q);
    if (g->info.type == ISAKMP_DH_TYPE_MODP)
        dh_modp_load(k);
    else if (g->info.type == ISAKMP_DH_TYPE_ECP)
        mpz_realloc2(k->x, g->info.modulus_bits + 2 * GMP_NUMB_BITS);
    return k;
}

void isakmp_dh_key_free(struct isakmp_dh_key *k)
{
    if (!k)
        return;
    dh_mpz_wipe_clear(k->x);
    mpz_clear(k->p);
    mpz_clear(k->q);
    isakmp_free_secret(k, sizeof *k + k->g->info.public_len);
}

struct isakmp_dh_key *isakmp_dh_key_dup(const struct isakmp_dh_key *src)
{
    if (!src)
        return NULL;
    struct isakmp_dh_key *k = key_alloc(src->g);
    if (!k)
        return NULL;
    mpz_set(k->x, src->x);              /* x is presized: no reallocation */
    memcpy(k->raw, src->raw, sizeof k->raw);
    memcpy(k->pub, src->pub, src->g->info.public_len);
    k->policy = src->policy;
    k->exp_bits = src->exp_bits;
    k->nominal_bits = src->nominal_bits;
    return k;
}

static void report(struct isakmp_crypto_cost *r, enum isakmp_cost_kind kind,
                   uint16_t group, unsigned bits, uint64_t t0,
                   const struct isakmp_cost_table *cost, bool charged)
{
    if (!r)
        return;
    uint64_t t1 = isakmp_cpu_thread_ns();
    r->kind = kind;
    r->group = group;
    r->bits = bits;
    r->cpu_ns = t1 >= t0 ? t1 - t0 : 0;
    r->virtual_ns = charged ? isakmp_cost_lookup(cost, kind, group, bits) : 0;
}

enum isakmp_dh_error isakmp_dh_generate(uint16_t group,
                                        const struct isakmp_dh_exp_policy *policy,
                                        isakmp_random_fn *random, void *rnd_user,
                                        const struct isakmp_cost_table *cost,
                                        struct isakmp_dh_key **out,
                                        struct isakmp_crypto_cost *rep)
{
    return dh_generate_in(dh_group_find(group), group, policy, random, rnd_user, cost, out, rep);
}

enum isakmp_dh_error dh_generate_in(const struct dh_group *g, uint16_t group,
                                    const struct isakmp_dh_exp_policy *policy,
                                    isakmp_random_fn *random, void *rnd_user,
                                    const struct isakmp_cost_table *cost,
                                    struct isakmp_dh_key **out, struct isakmp_crypto_cost *rep)
{
    uint64_t t0 = rep ? isakmp_cpu_thread_ns() : 0;   /* measured only when asked */
    enum isakmp_dh_error err = ISAKMP_DH_OK;
    struct isakmp_dh_key *k = NULL;
    if (out)
        *out = NULL;
    if (!g)
        err = ISAKMP_DH_ERR_GROUP;
    else if (!random || !out)
        err = ISAKMP_DH_ERR_ARG;
    else if (policy && policy->kind != ISAKMP_DH_EXP_FULL &&
             policy->kind != ISAKMP_DH_EXP_SHORT)
        err = ISAKMP_DH_ERR_POLICY;
    else if (!(k = key_alloc(g)))
        err = ISAKMP_DH_ERR_NOMEM;
    else
        err = g->ops->generate(k, policy, random, rnd_user);
    if (err != ISAKMP_DH_OK) {
        isakmp_dh_key_free(k);
        report(rep, ISAKMP_COST_DH_GENERATE, group, 0, t0, cost, false);
        return err;
    }
    report(rep, ISAKMP_COST_DH_GENERATE, group, k->nominal_bits, t0, cost, true);
    *out = k;
    return ISAKMP_DH_OK;
}

enum isakmp_dh_error isakmp_dh_key_from_private(uint16_t group,
                                                const uint8_t *priv, size_t len,
                                                const struct isakmp_cost_table *cost,
                                                struct isakmp_dh_key **out,
                                                struct isakmp_crypto_cost *rep)
{
    uint64_t t0 = rep ? isakmp_cpu_thread_ns() : 0;   /* measured only when asked */
    enum isakmp_dh_error err;
    struct isakmp_dh_key *k = NULL;
    const struct dh_group *g = dh_group_find(group);
    if (out)
        *out = NULL;
    if (!g)
        err = ISAKMP_DH_ERR_GROUP;
    else if (!out)
        err = ISAKMP_DH_ERR_ARG;
    else if (!(k = key_alloc(g)))
        err = ISAKMP_DH_ERR_NOMEM;
    else
        err = g->ops->from_private(k, priv, len);
    if (err != ISAKMP_DH_OK) {
        isakmp_dh_key_free(k);
        report(rep, ISAKMP_COST_DH_GENERATE, group, 0, t0, cost, false);
        return err;
    }
    report(rep, ISAKMP_COST_DH_GENERATE, group, k->nominal_bits, t0, cost, true);
    *out = k;
    return ISAKMP_DH_OK;
}

const uint8_t *isakmp_dh_public(const struct isakmp_dh_key *k, size_t *len)
{
    if (len)
        *len = k->g->info.public_len;
    return k->pub;
}

uint16_t isakmp_dh_key_group(const struct isakmp_dh_key *k)
{
    return k->g->info.id;
}

struct isakmp_dh_exp_policy isakmp_dh_key_policy(const struct isakmp_dh_key *k)
{
    return k->policy;
}

unsigned isakmp_dh_key_exp_bits(const struct isakmp_dh_key *k)
{
    return k->exp_bits;
}

size_t isakmp_dh_key_export_private(const struct isakmp_dh_key *k,
                                    uint8_t *buf, size_t cap)
{
    const struct isakmp_dh_group_info *in = &k->g->info;
    if (in->type == ISAKMP_DH_TYPE_MONTGOMERY) {
        if (cap < in->public_len)
            return 0;
        memcpy(buf, k->raw, in->public_len);
        return in->public_len;
    }
    size_t n = (in->full_exp_bits + 7) / 8;
    size_t need = (mpz_sizeinbase(k->x, 2) + 7) / 8;
    if (need > n)
        n = need;                       /* from_private may exceed q's size */
    if (cap < n)
        return 0;
    dh_mpz_export_padded(buf, n, k->x);
    return n;
}

enum isakmp_dh_error isakmp_dh_check_public(uint16_t group,
                                            const uint8_t *peer, size_t len)
{
    const struct dh_group *g = dh_group_find(group);
    if (!g)
        return ISAKMP_DH_ERR_GROUP;
    return g->ops->check(g, peer, len);
}

enum isakmp_dh_error isakmp_dh_compute(const struct isakmp_dh_key *k,
                                       const uint8_t *peer, size_t peer_len,
                                       uint8_t *shared, size_t cap, size_t *shared_len,
                                       const struct isakmp_cost_table *cost,
                                       struct isakmp_crypto_cost *rep)
{
    uint64_t t0 = rep ? isakmp_cpu_thread_ns() : 0;   /* measured only when asked */
    if (shared_len)
        *shared_len = 0;
    if (!k || !shared || cap < k->g->info.shared_len) {
        report(rep, ISAKMP_COST_DH_COMPUTE, k ? k->g->info.id : 0, 0, t0, cost, false);
        return ISAKMP_DH_ERR_ARG;
    }
    enum isakmp_dh_error err = k->g->ops->compute(k, peer, peer_len, shared);
    /* Refused peer values are charged too: validating them took work. */
    report(rep, ISAKMP_COST_DH_COMPUTE, k->g->info.id, k->nominal_bits, t0, cost, true);
    if (err == ISAKMP_DH_OK && shared_len)
        *shared_len = k->g->info.shared_len;
    return err;
}

const char *isakmp_dh_strerror(enum isakmp_dh_error err)
{
    switch (err) {
    case ISAKMP_DH_OK: return "ok";
    case ISAKMP_DH_ERR_GROUP: return "Diffie-Hellman group not supported";
    case ISAKMP_DH_ERR_POLICY: return "exponent policy not usable for this group";
    case ISAKMP_DH_ERR_NOMEM: return "out of memory";
    case ISAKMP_DH_ERR_ARG: return "bad argument or private value";
    case ISAKMP_DH_ERR_PEER_LENGTH: return "peer public value has the wrong length";
    case ISAKMP_DH_ERR_PEER_RANGE: return "peer public value out of range";
    case ISAKMP_DH_ERR_PEER_SUBGROUP: return "peer public value not in the prime-order subgroup";
    case ISAKMP_DH_ERR_PEER_NOT_ON_CURVE: return "peer public value not on the curve";
    case ISAKMP_DH_ERR_PEER_INFINITY: return "peer public value is the point at infinity";
    case ISAKMP_DH_ERR_PEER_ZERO_SECRET: return "peer public value gives an all-zero secret";
    case ISAKMP_DH_ERR_RANDOM: return "random source failed (too many draws out of range)";
    }
    return "unknown Diffie-Hellman error";
}

bool isakmp_dh_error_is_peer(enum isakmp_dh_error err)
{
    return err >= ISAKMP_DH_ERR_PEER_LENGTH && err <= ISAKMP_DH_ERR_PEER_ZERO_SECRET;
}

uint16_t isakmp_dh_error_notify(enum isakmp_dh_error err)
{
    return isakmp_dh_error_is_peer(err) ? 17 /* INVALID-KEY-INFORMATION */ : 0;
}
