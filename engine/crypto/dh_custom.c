/* MODP groups given by their parameters (see dh_custom.h).  A struct
 * dh_group is built at run time (hex strings, as the built-in table has)
 * so the ordinary MODP code (dh_modp.c) computes in it unchanged. */
#include "crypto/dh_custom.h"
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dh_custom {
    struct dh_group g;
    char g_hex[9];
    char p_hex[];                     /* 2 * bytes + 1 */
};

const char *dh_custom_check_name(enum dh_custom_check r)
{
    static const char *const names[] = {
        "ok", "prime too small", "prime too large", "prime even", "not a prime",
        "not a safe prime", "generator out of range",
    };
    return (size_t)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

static void strip(const uint8_t **p, size_t *len)
{
    while (*len && **p == 0) {
        (*p)++;
        (*len)--;
    }
}

enum dh_custom_check dh_custom_check(const uint8_t *p, size_t len, uint32_t g,
                                     unsigned min_bits, bool need_safe)
{
    strip(&p, &len);
    /* The size first: nothing is imported from an oversized attribute. */
    if (len > DH_CUSTOM_MAX_BITS / 8)
        return DH_CUSTOM_TOO_LARGE;
    if (len == 0 || len * 8 < min_bits)
        return DH_CUSTOM_TOO_SMALL;
    mpz_t pz, t;
    mpz_init(pz);
    mpz_init(t);
    mpz_import(pz, len, 1, 1, 1, 0, p);
    enum dh_custom_check r = DH_CUSTOM_OK;
    if (mpz_sizeinbase(pz, 2) < min_bits)
        r = DH_CUSTOM_TOO_SMALL;
    else if (mpz_even_p(pz))
        r = DH_CUSTOM_EVEN;
    else if (g <= 1 || (mpz_sub_ui(t, pz, 1), mpz_cmp_ui(t, g) <= 0))
        r = DH_CUSTOM_BAD_GENERATOR;  /* cheap checks before the prime tests */
    else if (mpz_probab_prime_p(pz, DH_CUSTOM_PRIME_REPS) == 0)
        r = DH_CUSTOM_COMPOSITE;
    else if (need_safe && (mpz_tdiv_q_2exp(t, t, 1), mpz_probab_prime_p(t, DH_CUSTOM_PRIME_REPS) == 0))
        r = DH_CUSTOM_NOT_SAFE;
    mpz_clear(t);
    mpz_clear(pz);
    return r;
}

static struct dh_custom *alloc(size_t bytes)
{
    struct dh_custom *c = calloc(1, sizeof *c + 2 * bytes + 1);
    return c;
}

struct dh_custom *dh_custom_new(uint16_t number, const uint8_t *p, size_t len, uint32_t g)
{
    strip(&p, &len);
    if (!len || len > DH_CUSTOM_MAX_BITS / 8 || g <= 1)
        return NULL;
    struct dh_custom *c = alloc(len);
    if (!c)
        return NULL;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        c->p_hex[2 * i] = hex[p[i] >> 4];
        c->p_hex[2 * i + 1] = hex[p[i] & 15];
    }
    snprintf(c->g_hex, sizeof c->g_hex, "%x", (unsigned)g);
    unsigned bits = (unsigned)(8 * len);
    for (uint8_t top = p[0]; !(top & 0x80); top = (uint8_t)(top << 1))
        bits--;
    struct isakmp_dh_group_info *in = &c->g.info;
    in->id = number;
    in->type = ISAKMP_DH_TYPE_MODP;
    in->name = "private-modp";
    in->public_len = in->shared_len = len;
    in->modulus_bits = bits;
    in->full_exp_bits = bits - 1;
    /* No strength estimate for an arbitrary prime: SHORT with bits 0
     * means full size here. */
    in->short_exp_bits = bits - 1;
    c->g.p_hex = c->p_hex;
    c->g.g_hex = c->g_hex;
    c->g.q_hex = NULL;                /* q = (p-1)/2 (dh_modp_load) */
    c->g.ops = &dh_modp_ops;
    return c;
}

struct dh_custom *dh_custom_dup(const struct dh_custom *src)
{
    if (!src)
        return NULL;
    size_t bytes = src->g.info.public_len;
    struct dh_custom *c = alloc(bytes);
    if (!c)
        return NULL;
    memcpy(c, src, sizeof *c + 2 * bytes + 1);
    c->g.p_hex = c->p_hex;
    c->g.g_hex = c->g_hex;
    return c;
}

void dh_custom_free(struct dh_custom *c)
{
    free(c);
}

bool dh_custom_equal(const struct dh_custom *a, const struct dh_custom *b)
{
    return a && b && strcmp(a->p_hex, b->p_hex) == 0 && strcmp(a->g_hex, b->g_hex) == 0;
}

size_t dh_custom_public_len(const struct dh_custom *c)
{
    return c ? c->g.info.public_len : 0;
}

unsigned dh_custom_bits(const struct dh_custom *c)
{
    return c ? c->g.info.modulus_bits : 0;
}

enum isakmp_dh_error dh_custom_generate(const struct dh_custom *c,
                                        const struct isakmp_dh_exp_policy *policy,
                                        isakmp_random_fn *random, void *rnd_user,
                                        const struct isakmp_cost_table *cost,
                                        struct isakmp_dh_key **out,
                                        struct isakmp_crypto_cost *rep)
{
    if (!c)
        return ISAKMP_DH_ERR_ARG;
    return dh_generate_in(&c->g, c->g.info.id, policy, random, rnd_user, cost, out, rep);
}
