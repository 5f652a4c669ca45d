/* Lifetimes: with auto_rekey the initiator renegotiates its IPsec SAs and
 * its ISAKMP SA before they expire; expired SAs are deleted on both
 * sides, so the two engines always agree on which IPsec SAs exist. */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

/* Every IPsec SA of A has its mirror at B (SPIs crossed) and vice versa:
 * compared through the events (established minus deleted/expired). */
static unsigned live_children(struct pair *p, int node, uint32_t *spi_in, uint32_t *spi_out, unsigned cap)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct isakmp_event *e = &evs[i];
        if (e->type == ISAKMP_EV_SA_ESTABLISHED && e->u.sa.phase == 2 && k < cap) {
            spi_in[k] = e->u.sa.protocols[0].spi_in;
            spi_out[k++] = e->u.sa.protocols[0].spi_out;
        } else if ((e->type == ISAKMP_EV_SA_DELETED || e->type == ISAKMP_EV_SA_EXPIRED) &&
                   e->u.sa.phase == 2) {
            for (unsigned j = 0; j < k; j++)
                if (spi_in[j] == e->u.sa.protocols[0].spi_in) {
                    spi_in[j] = spi_in[k - 1];
                    spi_out[j] = spi_out[--k];
                    break;
                }
        }
    }
    return k;
}

static void auto_rekey(void)
{
    struct pair p;
    pair_setup(&p, 19, 19, "k", "k");
    p.p1a.life_seconds = p.p1b.life_seconds = 200;
    p.p2a.life_seconds = p.p2b.life_seconds = 60;
    p.ca.auto_rekey = true;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    for (int step = 0; step < 50; step++) {
        memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
        /* At every moment both sides agree on the live IPsec SAs. */
        uint32_t ai[64], ao[64], bi[64], bo[64];
        unsigned na = live_children(&p, p.a, ai, ao, 64), nb = live_children(&p, p.b, bi, bo, 64);
        struct isakmp_stats sa, sb;
        isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
        isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
        CHECK_INT(na, sa.phase2_sas);
        CHECK_INT(nb, sb.phase2_sas);
        CHECK(na >= 1 && na <= 2);
        CHECK_INT(na, nb);
        for (unsigned i = 0; i < na; i++) {
            bool found = false;
            for (unsigned j = 0; j < nb; j++)
                found |= ai[i] == bo[j] && ao[i] == bi[j];
            CHECK_MSG(found, "A's SA %08x/%08x has no mirror at B", ai[i], ao[i]);
        }
        CHECK(sa.phase1_sas >= 1 && sa.phase1_sas <= 2);
        CHECK_INT(sa.exchanges_failed + sb.exchanges_failed, 0);
    }
    /* 500 s: IPsec SAs renegotiated every 54 s, ISAKMP SAs every 180 s. */
    unsigned qm = 0, p1 = 0;
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.a, &evs);
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED)
            evs[i].u.sa.phase == 1 ? p1++ : qm++;
    CHECK(qm >= 9);
    CHECK(p1 >= 3);
    /* Each old SA went at its hard lifetime: by B's own timer or by A's
     * Delete, whichever came first. */
    CHECK(memnet_count(p.net, p.b, ISAKMP_EV_SA_EXPIRED) +
          memnet_count(p.net, p.b, ISAKMP_EV_SA_DELETED) >= 8);
    CHECK(memnet_count(p.net, p.b, ISAKMP_EV_DELETE_RECEIVED) >= 1);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

static void expiry_without_rekey(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p1a.life_seconds = p.p1b.life_seconds = 100;
    p.p2a.life_seconds = p.p2b.life_seconds = 50;
    REQUIRE(pair_start(&p));
    size_t ma = isakmp_engine_memory(memnet_engine(p.net, p.a));
    size_t mb = isakmp_engine_memory(memnet_engine(p.net, p.b));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 300 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_REKEY_DUE), 2);
    /* Phase 2 expires at 50 s on both; phase 1 at 100 s on both, unless
     * the peer's Delete (sent at the same instant) comes first. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_EXPIRED) +
              memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_EXPIRED) +
              memnet_count(p.net, p.b, ISAKMP_EV_SA_DELETED), 2);
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sa.phase1_sas + sa.phase2_sas + sb.phase1_sas + sb.phase2_sas, 0);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.a)), ma);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.b)), mb);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p.net, p.a)), UINT64_MAX);
    pair_free(&p);
}

int main(void)
{
    RUN(auto_rekey);
    RUN(expiry_without_rekey);
    return check_summary();
}
