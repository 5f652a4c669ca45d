/* Informational exchanges and Quick Mode options: Notify and Delete in
 * both directions (protected by HASH(1)), DPD, INITIAL-CONTACT,
 * RESPONDER-LIFETIME, the commit bit, client identities, AH+ESP and
 * IPCOMP bundles, lifetimes. */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

static bool up(struct pair *p, uint8_t xchg)
{
    if (!pair_initiate(p, xchg, true))
        return false;
    memnet_run(p->net, memnet_now(p->net) + 10 * SEC);
    return memnet_count(p->net, p->a, ISAKMP_EV_SA_ESTABLISHED) == 2 &&
           memnet_count(p->net, p->b, ISAKMP_EV_SA_ESTABLISHED) == 2;
}

static void delete_both_directions(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    size_t base_a = isakmp_engine_memory(memnet_engine(p.net, p.a));
    size_t base_b = isakmp_engine_memory(memnet_engine(p.net, p.b));
    REQUIRE(up(&p, ISAKMP_XCHG_IDPROT));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    /* A deletes the IPsec SA: B hears a protected Delete with A's SPI. */
    isakmp_handle a2 = pair_sa(&p, p.a, 2), b2 = pair_sa(&p, p.b, 2);
    struct isakmp_phase2_keys ka;
    REQUIRE(isakmp_engine_phase2_keys(ea, a2, 0, &ka));
    REQUIRE(isakmp_engine_delete(ea, memnet_now(p.net), a2));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_DELETE_RECEIVED);
    REQUIRE(d);
    CHECK(d->u.notify.protected_);
    CHECK_INT(d->u.notify.protocol, ISAKMP_PROTO_ESP);
    CHECK_INT(d->u.notify.spi_len, 4);
    CHECK_INT((uint32_t)d->u.notify.spi[0] << 24 | (uint32_t)d->u.notify.spi[1] << 16 |
              (uint32_t)d->u.notify.spi[2] << 8 | d->u.notify.spi[3], ka.spi_in);
    const struct isakmp_event *g = memnet_last(p.net, p.b, ISAKMP_EV_SA_DELETED);
    REQUIRE(g);
    CHECK_INT(g->handle, b2);
    CHECK_INT(g->u.sa.end, ISAKMP_END_PEER);
    struct isakmp_stats sb;
    isakmp_engine_stats(eb, &sb);
    CHECK_INT(sb.phase2_sas, 0);
    /* A second Quick Mode, then B deletes it: A hears it. */
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &p.p2a;
    pol.n_p2 = 1;
    isakmp_handle q2 = isakmp_engine_quick_mode(ea, memnet_now(p.net), pair_sa(&p, p.a, 1), &pol);
    REQUIRE(q2);
    memnet_run(p.net, memnet_now(p.net) + SEC);
    CHECK_INT(pair_sa(&p, p.a, 2), q2);
    REQUIRE(isakmp_engine_delete(eb, memnet_now(p.net), pair_sa(&p, p.b, 2)));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    g = memnet_last(p.net, p.a, ISAKMP_EV_SA_DELETED);
    REQUIRE(g);
    CHECK_INT(g->handle, q2);
    /* B deletes the ISAKMP SA: A removes it too. */
    REQUIRE(isakmp_engine_delete(eb, memnet_now(p.net), pair_sa(&p, p.b, 1)));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    g = memnet_last(p.net, p.a, ISAKMP_EV_SA_DELETED);
    REQUIRE(g);
    CHECK_INT(g->u.sa.phase, 1);
    struct isakmp_stats sa;
    isakmp_engine_stats(ea, &sa);
    CHECK_INT(sa.phase1_sas, 0);
    CHECK(!isakmp_engine_delete(ea, memnet_now(p.net), pair_sa(&p, p.a, 1)));
    memnet_run(p.net, memnet_now(p.net) + 300 * SEC);
    CHECK_INT(isakmp_engine_memory(ea), base_a);
    CHECK_INT(isakmp_engine_memory(eb), base_b);
    pair_free(&p);
}

static void notify_both_directions(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "k", "k"));
    REQUIRE(up(&p, ISAKMP_XCHG_AGGRESSIVE));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    /* DPD: A asks R-U-THERE, B answers R-U-THERE-ACK with the same sequence. */
    const uint8_t seq[4] = { 0, 0, 0, 7 };
    REQUIRE(isakmp_engine_notify(ea, memnet_now(p.net), pair_sa(&p, p.a, 1), 36136, seq, 4));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    const struct isakmp_event *n = memnet_last(p.net, p.b, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, 36136);
    CHECK(n->u.notify.protected_);
    n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, 36137);
    /* B to A: any status notify. */
    REQUIRE(isakmp_engine_notify(eb, memnet_now(p.net), pair_sa(&p, p.b, 1), 24577, NULL, 0));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
    REQUIRE(n);
    CHECK_INT(n->u.notify.type, 24577);
    /* A replayed Informational message is refused. */
    size_t last = memnet_sent_count(p.net);
    const struct memnet_packet *pk = memnet_sent(p.net, (unsigned)last);
    memnet_inject(p.net, pk->bytes, pk->len, &pk->from, &pk->to);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_REPLAY_REJECTED), 1);
    /* SAs untouched. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 0);
    pair_free(&p);
}

static void initial_contact(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.ca.initial_contact = true;
    REQUIRE(pair_start(&p));
    REQUIRE(up(&p, ISAKMP_XCHG_IDPROT));
    isakmp_handle old = pair_sa(&p, p.b, 1);
    /* A "reboots": a new engine at the same address starts again. */
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.phase1_sas, 1);
    CHECK_INT(sb.phase2_sas, 1);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_SA_DELETED);
    REQUIRE(d);
    CHECK(d->u.sa.phase == 1 || d->u.sa.phase == 2);
    bool old_gone = true;
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_SA_DELETED && evs[i].handle == old)
            seen = true;
    CHECK(seen && old_gone);
    pair_free(&p);
}

static void responder_lifetime(void)
{
    struct pair p;
    pair_setup(&p, 14, 14, "k", "k");
    p.cb.max_p2_life_seconds = 600;
    REQUIRE(pair_start(&p));
    REQUIRE(up(&p, ISAKMP_XCHG_IDPROT));
    const struct isakmp_event *a = memnet_last(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED);
    const struct isakmp_event *b = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(a && b);
    CHECK_INT(a->u.sa.life_seconds, 600);
    CHECK_INT(b->u.sa.life_seconds, 600);
    /* Soft lifetime at 90%, then expiry, on both sides. */
    memnet_run(p.net, memnet_now(p.net) + 541 * SEC);
    CHECK(memnet_count(p.net, p.a, ISAKMP_EV_SA_REKEY_DUE) >= 1);
    memnet_run(p.net, memnet_now(p.net) + 70 * SEC);
    CHECK(memnet_count(p.net, p.a, ISAKMP_EV_SA_EXPIRED) >= 1);
    struct isakmp_stats sa;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    CHECK_INT(sa.phase2_sas, 0);
    CHECK_INT(sa.phase1_sas, 1);
    pair_free(&p);
}

static void responder_lifetime_phase1(void)
{
    /* B allows 600 s for the ISAKMP SA, A asks 3600: B takes 600 and says
     * so after Main Mode; A follows. */
    for (int x = 0; x < 2; x++) {
        struct pair p;
        pair_setup(&p, 19, 0, "k", "k");
        p.cb.max_p1_life_seconds = 600;
        REQUIRE(pair_start(&p));
        REQUIRE(up(&p, x ? ISAKMP_XCHG_AGGRESSIVE : ISAKMP_XCHG_IDPROT));
        const struct isakmp_event *n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
        REQUIRE(n);
        CHECK_INT(n->u.notify.type, ISAKMP_N_RESPONDER_LIFETIME);
        CHECK(n->u.notify.protected_);
        /* Both sides' ISAKMP SAs expire at 600 s, not 3600. */
        memnet_run(p.net, memnet_now(p.net) + 610 * SEC);
        struct isakmp_stats sa, sb;
        isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
        isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
        CHECK_INT(sa.phase1_sas, 0);
        CHECK_INT(sb.phase1_sas, 0);
        /* A's own timer moved: its soft lifetime came at 90% of 600 s. */
        const struct isakmp_event *r = memnet_last(p.net, p.a, ISAKMP_EV_SA_REKEY_DUE);
        CHECK(r && r->u.sa.phase == 1 && r->u.sa.life_seconds == 600);
        pair_free(&p);
    }
}

static void commit_bit(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p.net, p.a);
    pol.peer = memnet_addr(p.net, p.b);
    pol.p2 = &p.p2a;
    pol.n_p2 = 1;
    pol.commit = true;
    REQUIRE(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_sent_count(p.net), 6 + 4);     /* Quick Mode with CONNECTED */
    const struct memnet_packet *m = memnet_sent(p.net, 7);
    CHECK(m->bytes[19] & 0x02);
    pair_free(&p);
}

static void client_ids_and_bundles(void)
{
    struct pair p;
    pair_setup(&p, 14, 2, "k", "k");
    /* AH + ESP, and ESP + IPCOMP as a second choice B prefers. */
    struct isakmp_p2_proposal ah_esp = memnet_p2_esp(2), esp_comp = memnet_p2_esp(2);
    ah_esp.n_protocols = 2;
    ah_esp.protocols[1] = ah_esp.protocols[0];
    memset(&ah_esp.protocols[0], 0, sizeof ah_esp.protocols[0]);
    ah_esp.protocols[0].protocol = ISAKMP_PROTO_AH;
    ah_esp.protocols[0].transform = ISAKMP_AH_SHA;
    ah_esp.protocols[0].auth = ISAKMP_AALG_HMAC_SHA;
    ah_esp.protocols[0].encap = ISAKMP_ENCAP_TUNNEL;
    esp_comp.n_protocols = 2;
    esp_comp.protocols[1].protocol = ISAKMP_PROTO_IPCOMP;
    esp_comp.protocols[1].transform = ISAKMP_IPCOMP_DEFLATE;
    esp_comp.protocols[1].encap = ISAKMP_ENCAP_TUNNEL;
    struct isakmp_p2_proposal offer[2] = { esp_comp, ah_esp };
    p.cb.p2 = &ah_esp;
    p.cb.n_p2 = 1;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = offer;
    pol.n_p2 = 2;
    pol.client_local.type = ISAKMP_ID_IPV4_ADDR_SUBNET;
    memcpy(pol.client_local.data, "\x0a\x01\x00\x00\xff\xff\x00\x00", 8);
    pol.client_local.len = 8;
    pol.client_peer.type = ISAKMP_ID_IPV4_ADDR_SUBNET;
    memcpy(pol.client_peer.data, "\x0a\x02\x00\x00\xff\xff\x00\x00", 8);
    pol.client_peer.len = 8;
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    isakmp_handle q = isakmp_engine_quick_mode(ea, memnet_now(p.net), pair_sa(&p, p.a, 1), &pol);
    REQUIRE(q);
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    const struct isakmp_event *b = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(b && b->u.sa.phase == 2);
    CHECK_INT(b->u.sa.n_protocols, 2);
    CHECK_INT(b->u.sa.protocols[0].alg.protocol, ISAKMP_PROTO_AH);
    CHECK_INT(b->u.sa.protocols[1].alg.protocol, ISAKMP_PROTO_ESP);
    isakmp_handle bq = b->handle;
    for (unsigned i = 0; i < 2; i++) {
        struct isakmp_phase2_keys ka, kb;
        REQUIRE(isakmp_engine_phase2_keys(ea, q, i, &ka));
        REQUIRE(isakmp_engine_phase2_keys(eb, bq, i, &kb));
        CHECK_INT(ka.spi_in, kb.spi_out);
        CHECK_MEM(ka.keymat_in, ka.keymat_len, kb.keymat_out, kb.keymat_len);
        CHECK_MEM(ka.keymat_out, ka.keymat_len, kb.keymat_in, kb.keymat_len);
    }
    /* Now B also takes ESP + IPCOMP (first in A's list). */
    isakmp_engine_delete(ea, memnet_now(p.net), q);
    pair_free(&p);

    pair_setup(&p, 14, 2, "k", "k");
    struct isakmp_p2_proposal both[2] = { esp_comp, ah_esp };
    p.cb.p2 = both;
    p.cb.n_p2 = 2;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    q = isakmp_engine_quick_mode(memnet_engine(p.net, p.a), memnet_now(p.net), pair_sa(&p, p.a, 1), &pol);
    REQUIRE(q);
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    b = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(b && b->u.sa.phase == 2);
    CHECK_INT(b->u.sa.protocols[1].alg.protocol, ISAKMP_PROTO_IPCOMP);
    CHECK(b->u.sa.protocols[1].spi_in < 65536 && b->u.sa.protocols[1].spi_in >= 256);
    pair_free(&p);
}

static void dead_peer_detection(void)
{
    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    p.ca.dpd_delay_ns = 10 * SEC;
    REQUIRE(pair_start(&p));
    REQUIRE(up(&p, ISAKMP_XCHG_IDPROT));
    /* A live peer answers every R-U-THERE. */
    memnet_run(p.net, memnet_now(p.net) + 35 * SEC);
    unsigned acks = 0;
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.a, &evs);
    for (size_t i = 0; i < n; i++)
        acks += evs[i].type == ISAKMP_EV_NOTIFY_RECEIVED && evs[i].u.notify.type == 36137;
    CHECK_INT(acks, 4);             /* at 10, 20, 30 and 40 s */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 0);
    /* B never asked for DPD: it answers but does not ask. */
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_NOTIFY_RECEIVED), 4);
    /* The path breaks: A gives up on B after its retransmissions. */
    memnet_partition(p.net, true);
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    const struct isakmp_event *d = memnet_last(p.net, p.a, ISAKMP_EV_SA_DELETED);
    REQUIRE(d);
    CHECK_INT(d->u.sa.end, ISAKMP_END_DPD);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 2);      /* phase 1 and 2 */
    struct isakmp_stats sa;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    CHECK_INT(sa.phase1_sas + sa.phase2_sas, 0);
    pair_free(&p);
}

static void phase2_limit(void)
{
    /* 40 Quick Modes at once: the responder takes 32, drops the rest
     * (counted), and the initiator's retransmissions get them through. */
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "k", "k"));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &p.p2a;
    pol.n_p2 = 1;
    for (int i = 0; i < 40; i++)
        REQUIRE(isakmp_engine_quick_mode(memnet_engine(p.net, p.a), memnet_now(p.net),
                                         pair_sa(&p, p.a, 1), &pol));
    memnet_run(p.net, memnet_now(p.net) + 100 * MS);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.dropped_by_limit, 8);
    CHECK_INT(sb.phase2_sas, 32);
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.phase2_sas, 40);
    pair_free(&p);
}

int main(void)
{
    RUN(phase2_limit);
    RUN(dead_peer_detection);
    RUN(delete_both_directions);
    RUN(notify_both_directions);
    RUN(initial_contact);
    RUN(responder_lifetime);
    RUN(responder_lifetime_phase1);
    RUN(commit_bit);
    RUN(client_ids_and_bundles);
    return check_summary();
}
