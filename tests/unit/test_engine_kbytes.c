/* Kilobyte lifetimes counted down: phase-2 SAs by the traffic the driver
 * reports (isakmp_engine_sa_traffic), phase-1 SAs by the ISAKMP messages
 * protected under them.  The soft limit rekeys, the hard limit expires
 * the SA on both sides (end ISAKMP_END_KILOBYTES) with a Delete; a
 * responder's smaller maximum (phase 2: max_p2_life_kbytes, phase 1:
 * max_p1_life_kbytes) is announced with RESPONDER-LIFETIME and adopted. */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

#define KB 1024ULL

/* The n-th (0-based) phase-2 SA_ESTABLISHED event of a node. */
static const struct isakmp_event *child(struct pair *p, int node, unsigned n)
{
    const struct isakmp_event *evs;
    size_t k = memnet_events(p->net, node, &evs);
    for (size_t i = 0; i < k; i++)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == 2 && n-- == 0)
            return &evs[i];
    return NULL;
}

/* Events of a type and phase ending with `end` (0: any). */
static unsigned count_sa(struct pair *p, int node, enum isakmp_event_type t, uint8_t phase,
                         enum isakmp_sa_end end)
{
    const struct isakmp_event *evs;
    size_t k = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < k; i++)
        c += evs[i].type == t && evs[i].u.sa.phase == phase && (!end || evs[i].u.sa.end == end);
    return c;
}

static void phase2_soft_then_hard(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p2a.life_kbytes = p.p2b.life_kbytes = 100;      /* 102400 bytes, soft at 90 % */
    p.ca.auto_rekey = true;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    const struct isakmp_event *a0 = child(&p, p.a, 0);
    REQUIRE(a0 && child(&p, p.b, 0));
    CHECK_INT(a0->u.sa.life_kbytes, 100);
    uint32_t old_out = a0->u.sa.protocols[0].spi_out, old_in = a0->u.sa.protocols[0].spi_in;
    uint64_t now = memnet_now(p.net);

    /* Below the soft limit: nothing happens. */
    CHECK(isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, old_out, 90000));
    CHECK(isakmp_engine_sa_traffic(eb, now, ISAKMP_PROTO_ESP, old_out, 90000));   /* B: inbound */
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 2, 0), 0);
    /* Past 92160 bytes: REKEY_DUE, and A (initiator, auto_rekey) renegotiates. */
    CHECK(isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, old_out, 3000));
    CHECK(isakmp_engine_sa_traffic(eb, now, ISAKMP_PROTO_ESP, old_out, 3000));
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 2, 0), 1);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_REKEY_DUE, 2, 0), 1);
    /* The inbound direction counts on its own: still far below. */
    CHECK(isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, old_in, 1000));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *a1 = child(&p, p.a, 1), *b1 = child(&p, p.b, 1);
    REQUIRE(a1 && b1);
    uint32_t new_out = a1->u.sa.protocols[0].spi_out;
    CHECK(new_out != old_out);
    CHECK_INT(b1->u.sa.protocols[0].spi_in, new_out);
    CHECK_INT(a1->u.sa.life_kbytes, 100);
    struct isakmp_stats sa;
    isakmp_engine_stats(ea, &sa);
    CHECK_INT(sa.phase2_sas, 2);                   /* old one lives until its hard limit */

    /* The new SA is used; the old one passes its hard limit on both
     * sides (each driver counts its own view of the same traffic). */
    now = memnet_now(p.net);
    CHECK(isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, new_out, 50000));
    CHECK(!isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, old_out, 9500));
    CHECK(!isakmp_engine_sa_traffic(eb, now, ISAKMP_PROTO_ESP, old_out, 9500));
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_EXPIRED, 2, ISAKMP_END_KILOBYTES), 1);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_EXPIRED, 2, ISAKMP_END_KILOBYTES), 1);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_DELETE_SENT), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_DELETE_SENT), 1);
    memnet_run(p.net, memnet_now(p.net) + 2 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_DELETE_RECEIVED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_DELETE_RECEIVED), 1);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_DELETE_RECEIVED);
    REQUIRE(d);
    CHECK_INT(d->u.notify.protocol, ISAKMP_PROTO_ESP);
    /* Gone: its SPI is unknown now; the new SA still serves. */
    CHECK(!isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, old_out, 1));
    CHECK(isakmp_engine_sa_traffic(ea, now, ISAKMP_PROTO_ESP, new_out, 1));
    struct isakmp_stats sb;
    isakmp_engine_stats(ea, &sa);
    isakmp_engine_stats(eb, &sb);
    CHECK_INT(sa.phase2_sas, 1);
    CHECK_INT(sb.phase2_sas, 1);
    CHECK_INT(sa.exchanges_failed + sb.exchanges_failed, 0);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

static void phase2_without_kbytes_only_counted(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "k", "k"));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *a0 = child(&p, p.a, 0);
    REQUIRE(a0);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a);
    CHECK(isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_ESP,
                                   a0->u.sa.protocols[0].spi_out, UINT64_MAX));
    CHECK(isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_ESP,
                                   a0->u.sa.protocols[0].spi_out, UINT64_MAX));
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 2, 0), 0);
    /* Wrong protocol or SPI: unknown. */
    CHECK(!isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_AH,
                                    a0->u.sa.protocols[0].spi_out, 1));
    CHECK(!isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_ESP, 0x12345, 1));
    CHECK(!isakmp_engine_sa_traffic(NULL, 0, ISAKMP_PROTO_ESP, 1, 1));
    pair_free(&p);
}

static void responder_lifetime_kbytes(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p2a.life_kbytes = 1000;
    p.cb.max_p2_life_kbytes = 500;
    p.cb.max_p2_life_seconds = 600;                  /* both attributes in one Notify */
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *a0 = child(&p, p.a, 0), *b0 = child(&p, p.b, 0);
    REQUIRE(a0 && b0);
    CHECK_INT(b0->u.sa.life_kbytes, 500);
    CHECK_INT(a0->u.sa.life_kbytes, 500);            /* taken from RESPONDER-LIFETIME */
    CHECK_INT(b0->u.sa.life_seconds, 600);
    CHECK_INT(a0->u.sa.life_seconds, 600);
    /* A enforces what B announced: 500 KiB, not the 1000 it offered. */
    struct isakmp_engine *ea = memnet_engine(p.net, p.a);
    uint32_t out = a0->u.sa.protocols[0].spi_out;
    CHECK(isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_ESP, out, 500 * KB - 1));
    CHECK(!isakmp_engine_sa_traffic(ea, memnet_now(p.net), ISAKMP_PROTO_ESP, out, 1));
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_EXPIRED, 2, ISAKMP_END_KILOBYTES), 1);
    pair_free(&p);

    /* A smaller offer than our maximum is taken as it is, unannounced. */
    pair_setup(&p, 19, 0, "k", "k");
    p.p2a.life_kbytes = 300;
    p.cb.max_p2_life_kbytes = 500;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    a0 = child(&p, p.a, 0);
    b0 = child(&p, p.b, 0);
    REQUIRE(a0 && b0);
    CHECK_INT(a0->u.sa.life_kbytes, 300);
    CHECK_INT(b0->u.sa.life_kbytes, 300);
    CHECK_INT(b0->u.sa.life_seconds, 1800);
    pair_free(&p);
}

static void phase1_kbytes_from_protected_messages(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p1a.life_kbytes = p.p1b.life_kbytes = 4;        /* 4096 bytes, soft at 3686 */
    p.ca.auto_rekey = true;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    isakmp_handle old = pair_sa(&p, p.a, 1);
    REQUIRE(old);
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 1, 0), 0);
    /* Protected Notifies under the old SA until both sides see the soft
     * limit: each counts what it sent and received, i.e. the same. */
    struct isakmp_engine *ea = memnet_engine(p.net, p.a);
    uint8_t data[500];
    memset(data, 0xab, sizeof data);
    unsigned sent = 0;
    while (count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 1, 0) == 0 && sent < 20) {
        REQUIRE(isakmp_engine_notify(ea, memnet_now(p.net), old, 40000, data, sizeof data));
        sent++;
        memnet_run(p.net, memnet_now(p.net) + SEC);
    }
    CHECK(sent >= 3);                               /* MM 5/6 + QM are ~600 bytes */
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 1, 0), 1);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_REKEY_DUE, 1, 0), 1);
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    /* A renegotiated phase 1 (auto_rekey). */
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_ESTABLISHED, 1, 0), 2);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_ESTABLISHED, 1, 0), 2);
    CHECK(pair_sa(&p, p.a, 1) != old);
    /* Past the hard limit the old SA expires on both sides. */
    for (unsigned i = 0; i < 3 && isakmp_engine_notify(ea, memnet_now(p.net), old, 40000, data, sizeof data); i++)
        memnet_run(p.net, memnet_now(p.net) + SEC);
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    /* A, whose Notify crossed the limit, expires first; B counts the
     * same bytes when that Notify arrives, but A's Delete travels with
     * it and may be read before B's own timer runs: B's old SA goes
     * either way, once. */
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_EXPIRED, 1, ISAKMP_END_KILOBYTES), 1);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_EXPIRED, 1, ISAKMP_END_KILOBYTES) +
              count_sa(&p, p.b, ISAKMP_EV_SA_DELETED, 1, ISAKMP_END_PEER), 1);
    CHECK(memnet_count(p.net, p.a, ISAKMP_EV_DELETE_SENT) >= 1);
    CHECK(memnet_count(p.net, p.b, ISAKMP_EV_DELETE_RECEIVED) >= 1);
    CHECK(!isakmp_engine_notify(ea, memnet_now(p.net), old, 40000, data, 4));
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(ea, &sa);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sa.phase1_sas, 1);
    CHECK_INT(sb.phase1_sas, 1);
    CHECK_INT(sa.exchanges_failed + sb.exchanges_failed, 0);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

/* The last phase-1 SA_ESTABLISHED event of a node. */
static const struct isakmp_event *p1_up(struct pair *p, int node)
{
    const struct isakmp_event *evs, *last = NULL;
    size_t k = memnet_events(p->net, node, &evs);
    for (size_t i = 0; i < k; i++)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == 1)
            last = &evs[i];
    return last;
}

/* Phase 1 with a kilobyte lifetime offered (`offer`, 0: none stated)
 * above the responder's config.max_p1_life_kbytes: B cuts it to 4 KiB
 * and announces it with RESPONDER-LIFETIME; A adopts it, so A's own
 * count of the protected ISAKMP bytes reaches the soft and hard limits
 * of 4 KiB, not of what it offered. */
static void phase1_responder_lifetime(uint32_t offer)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p1a.life_kbytes = p.p1b.life_kbytes = offer;
    p.cb.max_p1_life_kbytes = 4;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *a = p1_up(&p, p.a), *b = p1_up(&p, p.b);
    REQUIRE(a && b);
    CHECK_INT(b->u.sa.p1.life_kbytes, 4);
    CHECK_INT(a->u.sa.p1.life_kbytes, offer);         /* what was agreed in message 2 */
    CHECK_INT(b->u.sa.p1.life_seconds, 3600);         /* the seconds offered were fine */
    /* The announcement: one protected RESPONDER-LIFETIME for the ISAKMP SA. */
    const struct isakmp_event *n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, ISAKMP_N_RESPONDER_LIFETIME);
    CHECK_INT(n->u.notify.protocol, ISAKMP_PROTO_ISAKMP);
    CHECK(n->u.notify.protected_);
    /* A counts against 4 KiB: soft limit (90 %) within a few Notifies of
     * 500 bytes, then expiry; without adoption (100 KiB offered, or no
     * limit) neither would come. */
    isakmp_handle sa = pair_sa(&p, p.a, 1);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a);
    uint8_t data[500];
    memset(data, 0x5a, sizeof data);
    unsigned sent = 0;
    while (count_sa(&p, p.a, ISAKMP_EV_SA_EXPIRED, 1, 0) == 0 && sent < 20 &&
           isakmp_engine_notify(ea, memnet_now(p.net), sa, 40000, data, sizeof data)) {
        sent++;
        memnet_run(p.net, memnet_now(p.net) + SEC);
    }
    CHECK(sent >= 2 && sent <= 8);
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_REKEY_DUE, 1, 0), 1);
    CHECK_INT(count_sa(&p, p.a, ISAKMP_EV_SA_EXPIRED, 1, ISAKMP_END_KILOBYTES), 1);
    CHECK_INT(count_sa(&p, p.b, ISAKMP_EV_SA_EXPIRED, 1, ISAKMP_END_KILOBYTES) +
              count_sa(&p, p.b, ISAKMP_EV_SA_DELETED, 1, ISAKMP_END_PEER), 1);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

static void phase1_responder_lifetime_cut(void) { phase1_responder_lifetime(100); }
static void phase1_responder_lifetime_unstated(void) { phase1_responder_lifetime(0); }

/* An offer within the maximum is taken as it is, and nothing announced. */
static void phase1_kbytes_within_max(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.p1a.life_kbytes = p.p1b.life_kbytes = 3;
    p.cb.max_p1_life_kbytes = 4;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *a = p1_up(&p, p.a), *b = p1_up(&p, p.b);
    REQUIRE(a && b);
    CHECK_INT(a->u.sa.p1.life_kbytes, 3);
    CHECK_INT(b->u.sa.p1.life_kbytes, 3);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED), 0);
    pair_free(&p);
}

int main(void)
{
    RUN(phase2_soft_then_hard);
    RUN(phase2_without_kbytes_only_counted);
    RUN(responder_lifetime_kbytes);
    RUN(phase1_kbytes_from_protected_messages);
    RUN(phase1_responder_lifetime_cut);
    RUN(phase1_responder_lifetime_unstated);
    RUN(phase1_kbytes_within_max);
    return check_summary();
}
