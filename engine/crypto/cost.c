/* Crypto cost table: lookup, the default model, and the thread CPU clock.
 * See isakmp/cost.h for the rules and the model's reference figures. */
#include "isakmp/cost.h"
#include "isakmp/dh.h"

#include <string.h>
#include <time.h>

static const char *const kind_names[ISAKMP_COST_KIND_COUNT] = {
    [ISAKMP_COST_DH_GENERATE] = "dh-generate",
    [ISAKMP_COST_DH_COMPUTE] = "dh-compute",
    [ISAKMP_COST_RSA_SIGN] = "rsa-sign",
    [ISAKMP_COST_RSA_VERIFY] = "rsa-verify",
    [ISAKMP_COST_RSA_ENCRYPT] = "rsa-encrypt",
    [ISAKMP_COST_RSA_DECRYPT] = "rsa-decrypt",
    [ISAKMP_COST_PRF] = "prf",
    [ISAKMP_COST_CIPHER] = "cipher",
    [ISAKMP_COST_COOKIE] = "cookie",
    [ISAKMP_COST_CHEAP] = "cheap",
};

const char *isakmp_cost_kind_name(enum isakmp_cost_kind kind)
{
    if ((unsigned)kind >= ISAKMP_COST_KIND_COUNT)
        return NULL;
    return kind_names[kind];
}

bool isakmp_cost_kind_parse(const char *name, enum isakmp_cost_kind *out)
{
    for (unsigned i = 0; i < ISAKMP_COST_KIND_COUNT; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (enum isakmp_cost_kind)i;
            return true;
        }
    }
    return false;
}

void isakmp_cost_table_init(struct isakmp_cost_table *t)
{
    memset(t, 0, sizeof *t);
    t->model_fallback = true;
}

bool isakmp_cost_set(struct isakmp_cost_table *t, enum isakmp_cost_kind kind,
                     uint16_t group, uint32_t bits, uint64_t ns)
{
    if ((unsigned)kind >= ISAKMP_COST_KIND_COUNT)
        return false;
    for (size_t i = 0; i < t->n; i++) {
        struct isakmp_cost_entry *e = &t->e[i];
        if (e->kind == kind && e->group == group && e->bits == bits) {
            e->ns = ns;
            return true;
        }
    }
    if (t->n >= ISAKMP_COST_MAX_ENTRIES)
        return false;
    t->e[t->n++] = (struct isakmp_cost_entry){ kind, group, bits, ns };
    return true;
}

/* ---- the default model ("quadratic reference model") ------------------ */

/* Reference figures; see isakmp/cost.h for where they come from. */
#define MODEL_MODP_REF_NS   300000u   /* group 14, 256-bit exponent */
#define MODEL_MODP_REF_EXP  256u
#define MODEL_MODP_REF_MOD  2048u
#define MODEL_ECP_REF_NS    95000u    /* P-256 d*Q */
#define MODEL_ECP_BP_REF_NS 850000u   /* brainpoolP256r1 d*Q, libgcrypt */
#define MODEL_X25519_NS     55000u
#define MODEL_X448_NS       170000u
#define MODEL_RSA_PRIV_NS   1500000u  /* 2048-bit sign/decrypt */
#define MODEL_RSA_PUB_NS    45000u    /* 2048-bit verify/encrypt */
#define MODEL_CHEAP_NS      2000u

static bool is_rsa(enum isakmp_cost_kind k)
{
    return k >= ISAKMP_COST_RSA_SIGN && k <= ISAKMP_COST_RSA_DECRYPT;
}

static bool is_rsa_private(enum isakmp_cost_kind k)
{
    return k == ISAKMP_COST_RSA_SIGN || k == ISAKMP_COST_RSA_DECRYPT;
}

/* ns * (num/den)^power in integer steps (no overflow for the sizes here:
 * each step multiplies by at most a 14-bit number). */
static uint64_t scale_pow(uint64_t ns, uint64_t num, uint64_t den, int power)
{
    if (den == 0)
        return ns;
    for (int i = 0; i < power; i++)
        ns = ns * num / den;
    return ns;
}

uint64_t isakmp_cost_model(enum isakmp_cost_kind kind, uint16_t group, uint32_t bits)
{
    if (kind == ISAKMP_COST_DH_GENERATE || kind == ISAKMP_COST_DH_COMPUTE) {
        const struct isakmp_dh_group_info *g = isakmp_dh_group(group);
        if (!g)
            return 0;
        switch (g->type) {
        case ISAKMP_DH_TYPE_MODP: {
            uint64_t m = g->modulus_bits;
            /* linear in exponent bits, quadratic in modulus bits */
            return (uint64_t)MODEL_MODP_REF_NS * bits * m * m /
                   ((uint64_t)MODEL_MODP_REF_EXP * MODEL_MODP_REF_MOD * MODEL_MODP_REF_MOD);
        }
        case ISAKMP_DH_TYPE_ECP: {
            if (g->id >= 27 && g->id <= 30) {
                /* Brainpool on libgcrypt: quadratic in 64-bit limbs (its
                 * generic MPI arithmetic works on whole limbs: 224 and
                 * 256 bits cost the same); generate = compute (its
                 * side-channel-resistant ladder has no fixed-base table). */
                uint64_t limbs = (g->modulus_bits + 63) / 64;
                return scale_pow(MODEL_ECP_BP_REF_NS, limbs, 4, 2);
            }
            /* ~bits point operations of ~bits^2 each: cubic in field bits */
            uint64_t ns = scale_pow(MODEL_ECP_REF_NS, g->modulus_bits, 256, 3);
            return kind == ISAKMP_COST_DH_GENERATE ? ns / 3 : ns;
        }
        case ISAKMP_DH_TYPE_MONTGOMERY:
            return g->id == 31 ? MODEL_X25519_NS : MODEL_X448_NS;
        }
        return 0;
    }
    if (is_rsa(kind)) {
        if (bits == 0)
            return 0;
        return is_rsa_private(kind) ? scale_pow(MODEL_RSA_PRIV_NS, bits, 2048, 3)
                                    : scale_pow(MODEL_RSA_PUB_NS, bits, 2048, 2);
    }
    if ((unsigned)kind < ISAKMP_COST_KIND_COUNT)
        return MODEL_CHEAP_NS;
    return 0;
}

/* ---- lookup ------------------------------------------------------------ */

static const struct isakmp_cost_entry *find(const struct isakmp_cost_table *t,
                                            enum isakmp_cost_kind kind,
                                            uint16_t group, uint32_t bits)
{
    for (size_t i = 0; i < t->n && i < ISAKMP_COST_MAX_ENTRIES; i++)
        if (t->e[i].kind == kind && t->e[i].group == group && t->e[i].bits == bits)
            return &t->e[i];
    return NULL;
}

/* The entry of this kind and group whose bits are nearest (ties: the
 * first in the table), or NULL. */
static const struct isakmp_cost_entry *nearest(const struct isakmp_cost_table *t,
                                               enum isakmp_cost_kind kind,
                                               uint16_t group, uint32_t bits)
{
    const struct isakmp_cost_entry *best = NULL;
    uint32_t best_d = 0;
    for (size_t i = 0; i < t->n && i < ISAKMP_COST_MAX_ENTRIES; i++) {
        const struct isakmp_cost_entry *e = &t->e[i];
        if (e->kind != kind || e->group != group || e->bits == 0)
            continue;
        uint32_t d = e->bits > bits ? e->bits - bits : bits - e->bits;
        if (!best || d < best_d) {
            best = e;
            best_d = d;
        }
    }
    return best;
}

uint64_t isakmp_cost_lookup(const struct isakmp_cost_table *t,
                            enum isakmp_cost_kind kind,
                            uint16_t group, uint32_t bits)
{
    if (!t || (unsigned)kind >= ISAKMP_COST_KIND_COUNT)
        return 0;
    const struct isakmp_cost_entry *e = find(t, kind, group, bits);
    if (e)
        return e->ns;
    if (kind == ISAKMP_COST_DH_GENERATE || kind == ISAKMP_COST_DH_COMPUTE) {
        if ((e = nearest(t, kind, group, bits)))
            return scale_pow(e->ns, bits, e->bits, 1);
    } else if (is_rsa(kind)) {
        if ((e = nearest(t, kind, 0, bits)))
            return scale_pow(e->ns, bits, e->bits, is_rsa_private(kind) ? 3 : 2);
    } else if (kind != ISAKMP_COST_CHEAP) {
        if ((e = find(t, ISAKMP_COST_CHEAP, 0, 0)))
            return e->ns;
    }
    return t->model_fallback ? isakmp_cost_model(kind, group, bits) : 0;
}

uint64_t isakmp_cpu_thread_ns(void)
{
    /* The one clock read in the engine: a measurement reported as
     * isakmp_crypto_cost.cpu_ns.  It never influences a protocol decision
     * (virtual_ns, which the simulator charges, comes from the table). */
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
