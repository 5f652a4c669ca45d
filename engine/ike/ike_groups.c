/* Private groups defined by New Group Mode (RFC 2409 §5.6): an
 * engine-wide table from a private Group Description number to the
 * supported group with the same parameters, and the resolution every use
 * of a group number goes through (phase-1 transforms, KE lengths, PFS).
 *
 * Only groups the DH layer can already compute are accepted: a MODP
 * prime and generator are compared with those of the supported safe-prime
 * groups.  isakmp/dh.h has no accessor for a group's parameters, so this
 * adapter reads the DH layer's own table (crypto/dh_impl.h); a public
 * accessor there would remove that dependency. */
#include "ike/ike.h"
#include "crypto/dh_impl.h"

#include <string.h>

#define IKE_MAX_PRIVATE_GROUPS 16

struct ike_engine {
    struct {
        uint16_t number, equivalent;
    } groups[IKE_MAX_PRIVATE_GROUPS];
    unsigned n;
};

bool ike_engine_init(struct isakmp_engine *e)
{
    e->kx_engine = fw_alloc(e, sizeof(struct ike_engine));
    return e->kx_engine != NULL;
}

void ike_engine_free(struct isakmp_engine *e)
{
    fw_free(e, e->kx_engine);
    e->kx_engine = NULL;
}

uint16_t ike_group_equivalent(const struct isakmp_engine *e, uint16_t number)
{
    const struct ike_engine *ie = e->kx_engine;
    if (!ie || number < ISAKMP_PRIVATE_GROUP_MIN)
        return 0;
    for (unsigned i = 0; i < ie->n; i++)
        if (ie->groups[i].number == number)
            return ie->groups[i].equivalent;
    return 0;
}

uint16_t ike_group_resolve(const struct isakmp_engine *e, uint16_t group)
{
    return group >= ISAKMP_PRIVATE_GROUP_MIN ? ike_group_equivalent(e, group) : group;
}

size_t ike_group_public_len(const struct isakmp_engine *e, uint16_t group)
{
    return ike_dh_public_len(ike_group_resolve(e, group));
}

bool ike_group_define(struct isakmp_engine *e, uint16_t number, uint16_t equivalent)
{
    struct ike_engine *ie = e->kx_engine;
    if (!ie || number < ISAKMP_PRIVATE_GROUP_MIN || !ike_group_supported(equivalent))
        return false;
    for (unsigned i = 0; i < ie->n; i++)
        if (ie->groups[i].number == number) {
            ie->groups[i].equivalent = equivalent;      /* redefined */
            return true;
        }
    if (ie->n == IKE_MAX_PRIVATE_GROUPS)
        return false;
    ie->groups[ie->n].number = number;
    ie->groups[ie->n].equivalent = equivalent;
    ie->n++;
    return true;
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
