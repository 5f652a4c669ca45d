/* Exchanges that must fail: wrong pre-shared key, unacceptable proposals,
 * a bad public value, a bad authentication hash, an unexpected identity.
 * Each side reports the failure with the right Notify type, and frees
 * everything (the engine's counted memory returns to its baseline). */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

struct base { size_t a, b; };

static struct base baseline(struct pair *p)
{
    struct base m = { isakmp_engine_memory(memnet_engine(p->net, p->a)),
                      isakmp_engine_memory(memnet_engine(p->net, p->b)) };
    return m;
}

static void check_baseline(struct pair *p, struct base m)
{
    CHECK_INT(pair_events_malformed(p, p->a), 0);
    CHECK_INT(pair_events_malformed(p, p->b), 0);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p->net, p->a)), m.a);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p->net, p->b)), m.b);
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(memnet_engine(p->net, p->a), &sa);
    isakmp_engine_stats(memnet_engine(p->net, p->b), &sb);
    CHECK_INT(sb.half_open, 0);
    CHECK_INT(sa.phase1_sas + sb.phase1_sas, 0);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p->net, p->a)), UINT64_MAX);
    CHECK_INT(isakmp_engine_next_deadline(memnet_engine(p->net, p->b)), UINT64_MAX);
}

/* The failure event of a node: reason and Notify. */
static void check_failed(struct pair *p, int node, enum isakmp_fail_reason why, uint16_t notify)
{
    /* The phase-1 failure (a Quick Mode waiting for it fails after). */
    const struct isakmp_event *evs, *f = NULL;
    size_t n = memnet_events(p->net, node, &evs);
    for (size_t i = 0; i < n && !f; i++)
        if (evs[i].type == ISAKMP_EV_EXCHANGE_FAILED)
            f = &evs[i];
    CHECK_MSG(f != NULL, "node %d: no failure event", node);
    if (!f)
        return;
    CHECK_MSG(f->u.exchange.reason == why, "node %d: reason %s, expected %s", node,
              isakmp_fail_name(f->u.exchange.reason), isakmp_fail_name(why));
    CHECK_INT(f->u.exchange.notify, notify);
    CHECK_INT(memnet_count(p->net, node, ISAKMP_EV_SA_ESTABLISHED), 0);
}

/* Offset of the body of the first payload of `type` in a clear message. */
static size_t find_payload(const uint8_t *m, size_t len, uint8_t type, size_t *body_len)
{
    size_t off = 28;
    uint8_t t = m[16];
    while (t && off + 4 <= len) {
        size_t pl = (size_t)(m[off + 2] << 8 | m[off + 3]);
        if (t == type) {
            *body_len = pl - 4;
            return off + 4;
        }
        t = m[off];
        off += pl;
    }
    return 0;
}

static void wrong_psk(uint8_t xchg)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "right-key", "wrong-key"));
    struct base m = baseline(&p);
    REQUIRE(pair_initiate(&p, xchg, true));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    if (xchg == ISAKMP_XCHG_IDPROT) {
        /* B cannot read message 5: the keys differ.  It says so in clear. */
        check_failed(&p, p.b, ISAKMP_FAIL_AUTH, ISAKMP_N_AUTHENTICATION_FAILED);
        check_failed(&p, p.a, ISAKMP_FAIL_PEER_NOTIFY, ISAKMP_N_AUTHENTICATION_FAILED);
    } else {
        /* A finds HASH_R wrong in message 2. */
        check_failed(&p, p.a, ISAKMP_FAIL_AUTH, ISAKMP_N_AUTHENTICATION_FAILED);
        check_failed(&p, p.b, ISAKMP_FAIL_PEER_NOTIFY, ISAKMP_N_AUTHENTICATION_FAILED);
    }
    /* The Quick Mode waiting for phase 1 fails with it. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED), 2);
    const struct isakmp_event *q = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
    CHECK(q && q->u.exchange.exchange_type == ISAKMP_XCHG_QUICK &&
          q->u.exchange.reason == ISAKMP_FAIL_DELETED);
    check_baseline(&p, m);
    pair_free(&p);
}

static void wrong_psk_main(void) { wrong_psk(ISAKMP_XCHG_IDPROT); }
static void wrong_psk_aggressive(void) { wrong_psk(ISAKMP_XCHG_AGGRESSIVE); }

static void no_phase1_proposal(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.p1b.cipher = ISAKMP_ENC_3DES_CBC;
    p.p1b.key_bits = 0;
    REQUIRE(pair_start(&p));
    struct base m = baseline(&p);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    check_failed(&p, p.b, ISAKMP_FAIL_NO_PROPOSAL, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    check_failed(&p, p.a, ISAKMP_FAIL_PEER_NOTIFY, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(memnet_sent_count(p.net), 2);     /* message 1, the Notify */
    check_baseline(&p, m);
    pair_free(&p);
}

static void no_phase2_proposal(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.p2b.protocols[0].transform = ISAKMP_ESP_3DES;
    p.p2b.protocols[0].key_bits = 0;
    REQUIRE(pair_start(&p));
    struct base m = baseline(&p);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    /* Phase 1 stands; the Quick Mode fails on both sides. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
    const struct isakmp_event *fb = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
    const struct isakmp_event *fa = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(fa && fb);
    CHECK_INT(fb->u.exchange.exchange_type, ISAKMP_XCHG_QUICK);
    CHECK_INT(fb->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(fa->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
    CHECK_INT(fa->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED), 1);
    const struct isakmp_event *n = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
    CHECK(n && n->u.notify.protected_);
    /* Deleting phase 1 returns both engines to where they started. */
    REQUIRE(isakmp_engine_delete(memnet_engine(p.net, p.a), memnet_now(p.net), pair_sa(&p, p.a, 1)));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_DELETED), 1);
    check_baseline(&p, m);
    pair_free(&p);
}

static void bad_public_value(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    struct base m = baseline(&p);
    memnet_drop(p.net, 3);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    while (memnet_sent_count(p.net) < 3)
        REQUIRE(memnet_step(p.net, memnet_now(p.net) + SEC));
    const struct memnet_packet *m3 = memnet_sent(p.net, 3);
    uint8_t msg[2048];
    REQUIRE(m3->len <= sizeof msg);
    memcpy(msg, m3->bytes, m3->len);
    size_t kl = 0, ko = find_payload(msg, m3->len, ISAKMP_PL_KE, &kl);
    REQUIRE(ko && kl == 256);
    memset(msg + ko, 0, kl);                   /* g^x = 1: outside (1, p-1) */
    msg[ko + kl - 1] = 1;
    memnet_inject(p.net, msg, m3->len, &m3->from, &m3->to);
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    check_failed(&p, p.b, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    check_failed(&p, p.a, ISAKMP_FAIL_PEER_NOTIFY, ISAKMP_N_INVALID_KEY_INFORMATION);
    check_baseline(&p, m);
    pair_free(&p);
}

static void bad_hash_r(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "k", "k"));
    struct base m = baseline(&p);
    memnet_drop(p.net, 2);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AGGRESSIVE, false));
    while (memnet_sent_count(p.net) < 2)
        REQUIRE(memnet_step(p.net, memnet_now(p.net) + SEC));
    const struct memnet_packet *m2 = memnet_sent(p.net, 2);
    uint8_t msg[2048];
    memcpy(msg, m2->bytes, m2->len);
    size_t hl = 0, ho = find_payload(msg, m2->len, ISAKMP_PL_HASH, &hl);
    REQUIRE(ho && hl == 20);
    msg[ho] ^= 0x80;
    memnet_inject(p.net, msg, m2->len, &m2->from, &m2->to);
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    /* One altered message 2 is dropped and counted (as a wrong HASH in
     * Main Mode): B's retransmission completes the exchange.  A wrong
     * key failing after config.auth_failures_max: test_engine_tamper.c. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
    struct isakmp_stats sa;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    CHECK_INT(sa.auth_failures, 1);
    (void)m;
    pair_free(&p);
}

static void unexpected_identity(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p.net, p.a);
    pol.peer = memnet_addr(p.net, p.b);
    pol.peer_id.type = ISAKMP_ID_FQDN;
    memcpy(pol.peer_id.data, "gw.example", 10);
    pol.peer_id.len = 10;
    /* The PSK is found by address: the identity only decides acceptance. */
    REQUIRE(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    check_failed(&p, p.a, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    struct isakmp_stats sa;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    CHECK_INT(sa.phase1_sas, 0);
    pair_free(&p);
}

static void hostile_garbage(void)
{
    /* Truncated, oversized, wrong version, IKEv2, zero cookies: all
     * rejected without state or reply. */
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    struct base m = baseline(&p);
    struct isakmp_addr from = memnet_addr(p.net, p.a), to = memnet_addr(p.net, p.b);
    uint8_t msg[64];
    memset(msg, 0, sizeof msg);
    memcpy(msg, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    msg[16] = 1;
    msg[17] = 0x10;
    msg[18] = 2;
    msg[27] = 28;
    memnet_inject(p.net, msg, 27, &from, &to);        /* truncated */
    msg[17] = 0x20;
    memnet_inject(p.net, msg, 28, &from, &to);        /* IKEv2 */
    msg[17] = 0x10;
    msg[27] = 64;
    memnet_inject(p.net, msg, 28, &from, &to);        /* length field lies */
    msg[27] = 40;
    msg[28 + 2] = 0;
    msg[28 + 3] = 200;                                /* payload longer than the message */
    memnet_inject(p.net, msg, 40, &from, &to);
    memset(msg, 0, 16);
    msg[27] = 28;
    memnet_inject(p.net, msg, 28, &from, &to);        /* zero CKY-I */
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.rejected, 5);
    CHECK_INT(memnet_sent_count(p.net), 1);            /* only a Notify for the bad payload */
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    check_baseline(&p, m);
    pair_free(&p);
}

int main(void)
{
    RUN(wrong_psk_main);
    RUN(wrong_psk_aggressive);
    RUN(no_phase1_proposal);
    RUN(no_phase2_proposal);
    RUN(bad_public_value);
    RUN(bad_hash_r);
    RUN(unexpected_identity);
    RUN(hostile_garbage);
    return check_summary();
}
