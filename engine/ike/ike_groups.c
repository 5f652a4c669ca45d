/* Private groups defined by New Group Mode (RFC 2409 §5.6): an
 * engine-wide table from a private Group Description number to either
 * the supported group with the same parameters, or (config
 * accept_private_groups) a MODP group of its own given by prime and
 * generator (crypto/dh_custom.c, validated before it is defined); and
 * the resolution every use of a group number goes through (phase-1
 * transforms, KE lengths, key pairs, PFS).
 *
 * A MODP prime and generator are first compared with those of the
 * supported safe-prime groups: isakmp/dh.h has no accessor for a group's
 * parameters, so this adapter reads the DH layer's own table
 * (crypto/dh_impl.h); a public accessor there would remove that
 * dependency.
 *
 * The engine-wide state of the IKE layer lives here too, with the
 * certificate state of ike_cert.c. */
#include "ike/ike.h"
#include "ike/ike_cert.h"
#include "crypto/dh_impl.h"
#include "crypto/dh_custom.h"

#include <string.h>

#define IKE_MAX_PRIVATE_GROUPS 16

struct ike_engine {
    struct {
        uint16_t number, equivalent;   /* equivalent 0: custom */
        struct dh_custom *custom;
    } groups[IKE_MAX_PRIVATE_GROUPS];
    unsigned n;
    struct ike_cert_engine *cert;
};

bool ike_engine_init(struct isakmp_engine *e)
{
    if (!ike_default_p1(e))
        return false;
    struct ike_engine *ie = fw_alloc(e, sizeof(struct ike_engine));
    e->kx_engine = ie;
    if (ie && !ike_cert_engine_init(e, &ie->cert)) {
        fw_free(e, ie);
        e->kx_engine = NULL;
    }
    return e->kx_engine != NULL;
}

void ike_engine_free(struct isakmp_engine *e)
{
    struct ike_engine *ie = e->kx_engine;
    if (ie) {
        for (unsigned i = 0; i < ie->n; i++)
            dh_custom_free(ie->groups[i].custom);
        ike_cert_engine_free(e, ie->cert);
    }
    fw_free(e, e->kx_engine);
    e->kx_engine = NULL;
}

struct ike_cert_engine *ike_cert_state(const struct isakmp_engine *e)
{
    const struct ike_engine *ie = e->kx_engine;
    return ie ? ie->cert : NULL;
}

static int find(const struct isakmp_engine *e, uint16_t number)
{
    const struct ike_engine *ie = e->kx_engine;
    if (!ie || number < ISAKMP_PRIVATE_GROUP_MIN)
        return -1;
    for (unsigned i = 0; i < ie->n; i++)
        if (ie->groups[i].number == number)
            return (int)i;
    return -1;
}

uint16_t ike_group_equivalent(const struct isakmp_engine *e, uint16_t number)
{
    int i = find(e, number);
    return i < 0 ? 0 : ((const struct ike_engine *)e->kx_engine)->groups[i].equivalent;
}

static const struct dh_custom *custom_of(const struct isakmp_engine *e, uint16_t number)
{
    int i = find(e, number);
    return i < 0 ? NULL : ((const struct ike_engine *)e->kx_engine)->groups[i].custom;
}

uint16_t ike_group_resolve(const struct isakmp_engine *e, uint16_t group)
{
    return group >= ISAKMP_PRIVATE_GROUP_MIN ? ike_group_equivalent(e, group) : group;
}

bool ike_group_usable(const struct isakmp_engine *e, uint16_t group)
{
    return custom_of(e, group) || ike_group_supported(ike_group_resolve(e, group));
}

size_t ike_group_public_len(const struct isakmp_engine *e, uint16_t group)
{
    const struct dh_custom *c = custom_of(e, group);
    return c ? dh_custom_public_len(c) : ike_dh_public_len(ike_group_resolve(e, group));
}

static void free_custom(void *p)
{
    dh_custom_free(p);
}

struct ike_dh *ike_group_dh_new(struct isakmp_engine *e, uint16_t group)
{
    const struct dh_custom *c = custom_of(e, group);
    if (!c)
        return ike_dh_new(e, ike_group_resolve(e, group));
    /* The key points into its group: a copy of its own, so that a
     * redefinition of the number cannot pull it away. */
    struct dh_custom *mine = dh_custom_dup(c);
    struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_FULL, 0 };
    if (e->cfg.dh.short_exponent) {
        pol.kind = ISAKMP_DH_EXP_SHORT;
        pol.bits = e->cfg.dh.exponent_bits;
    }
    struct isakmp_dh_key *key = NULL;
    struct isakmp_crypto_cost r;
    memset(&r, 0, sizeof r);
    if (!mine || dh_custom_generate(mine, &pol, e->cb.random, e->user, e->cfg.cost, &key, &r) !=
                     ISAKMP_DH_OK) {
        dh_custom_free(mine);
        return NULL;
    }
    return ike_dh_adopt(e, key, &r, mine, free_custom);
}

/* Set slot `number` (new or redefined); takes `custom`. */
static bool define(struct isakmp_engine *e, uint16_t number, uint16_t equivalent,
                   struct dh_custom *custom)
{
    struct ike_engine *ie = e->kx_engine;
    if (!ie || number < ISAKMP_PRIVATE_GROUP_MIN) {
        dh_custom_free(custom);
        return false;
    }
    int i = find(e, number);
    if (i < 0) {
        if (ie->n == IKE_MAX_PRIVATE_GROUPS) {
            dh_custom_free(custom);
            return false;
        }
        i = (int)ie->n++;
        ie->groups[i].number = number;
    } else {
        dh_custom_free(ie->groups[i].custom);          /* redefined */
    }
    ie->groups[i].equivalent = equivalent;
    ie->groups[i].custom = custom;
    return true;
}

bool ike_group_define(struct isakmp_engine *e, uint16_t number, uint16_t equivalent)
{
    if (!ike_group_supported(equivalent))
        return false;
    return define(e, number, equivalent, NULL);
}

bool ike_group_define_custom(struct isakmp_engine *e, uint16_t number, struct dh_custom *c)
{
    return c && define(e, number, 0, c);
}

unsigned isakmp_engine_private_group_bits(const struct isakmp_engine *e, uint16_t number)
{
    const struct dh_custom *c = custom_of(e, number);
    if (c)
        return dh_custom_bits(c);
    const struct isakmp_dh_group_info *g = isakmp_dh_group(ike_group_equivalent(e, number));
    return g && number >= ISAKMP_PRIVATE_GROUP_MIN ? g->modulus_bits : 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Does the hex string (no leading zeros assumed) equal these bytes? */
static bool hex_equals(const char *hex, const uint8_t *b, size_t len)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != b[i])
            return false;
    }
    return true;
}

uint16_t ike_modp_equivalent(const uint8_t *prime, size_t len, uint32_t generator)
{
    while (len && *prime == 0) {            /* a TLV value may carry leading zeros */
        prime++;
        len--;
    }
    if (generator != 2 || len == 0)
        return 0;
    uint16_t ids[64];
    size_t n = isakmp_dh_groups(ids, sizeof ids / sizeof ids[0]);
    for (size_t i = 0; i < n && i < sizeof ids / sizeof ids[0]; i++) {
        const struct dh_group *g = dh_group_find(ids[i]);
        /* Safe-prime MODP groups only: RFC 5114 groups need the subgroup
         * order, which New Group Mode has no attribute for. */
        if (g && g->info.type == ISAKMP_DH_TYPE_MODP && !g->q_hex && g->g_hex &&
            strcmp(g->g_hex, "2") == 0 && g->p_hex && hex_equals(g->p_hex, prime, len))
            return ids[i];
    }
    return 0;
}
