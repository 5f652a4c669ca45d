/* The DH exponent policy is visible in what the engine reports: every DH
 * crypto event carries the private exponent's size, so a results
 * database records which policy a run used. */
#include "lib/check.h"
#include "lib/pair.h"

static uint32_t keygen_bits(struct pair *p, int node)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    uint32_t bits = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_CRYPTO && evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_KEYGEN)
            bits = evs[i].u.crypto.bits;
    return bits;
}

static void run(bool short_exp, uint32_t want_min, uint32_t want_max)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.ca.dh.short_exponent = p.cb.dh.short_exponent = short_exp;
    p.ca.dh.exponent_bits = p.cb.dh.exponent_bits = short_exp ? 256 : 0;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
    for (int node = 0; node < 2; node++) {
        uint32_t bits = keygen_bits(&p, node == 0 ? p.a : p.b);
        CHECK_MSG(bits >= want_min && bits <= want_max, "node %d: keygen bits %u, expected %u..%u",
                  node, bits, want_min, want_max);
    }
    pair_free(&p);
}

static void short_exponent_reported(void) { run(true, 256, 256); }
static void full_exponent_reported(void) { run(false, 2000, 2048); }

int main(void)
{
    RUN(short_exponent_reported);
    RUN(full_exponent_reported);
    return check_summary();
}
