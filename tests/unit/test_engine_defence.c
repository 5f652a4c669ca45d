/* Message-1 floods from spoofed sources against a responder in each
 * defence mode: memory stays under the configured bound, forged cookies
 * are dropped before any expensive work, and a legitimate exchange
 * completes when the defence allows it. */
#include "lib/check.h"
#include "lib/pair.h"

#include <stdio.h>
#include <string.h>

#define FLOOD 10000
#define HALF_OPEN_MAX 1000
#define MEMORY_MAX (4u << 20)

static void setup(struct pair *p, enum isakmp_defence_mode mode)
{
    pair_setup(p, 14, 0, "k", "k");
    p->cb.defence.mode = mode;
    p->cb.defence.half_open_max = HALF_OPEN_MAX;
    p->cb.defence.half_open_per_source = 5;
    p->cb.defence.memory_max = MEMORY_MAX;
    p->cb.defence.notify_per_second = 10;
    /* A responder for anyone (road warriors): the flood's spoofed
     * sources are acceptable peers, so only the defences stop them. */
    memset(&p->psk_b.addr, 0, sizeof p->psk_b.addr);
}

/* A genuine Main Mode message 1 of A, to be replayed with new cookies and
 * sources.  The first datagram on the network. */
static bool capture_msg1(struct pair *p, uint8_t *buf, size_t *len)
{
    struct pair q;
    pair_setup(&q, 14, 0, "k", "k");
    if (!pair_start(&q) || !pair_initiate(&q, ISAKMP_XCHG_IDPROT, false))
        return false;
    const struct memnet_packet *m = memnet_sent(q.net, 1);
    memcpy(buf, m->bytes, m->len);
    *len = m->len;
    pair_free(&q);
    (void)p;
    return true;
}

static void flood(struct pair *p, const uint8_t *msg1, size_t len, unsigned n, bool one_source)
{
    uint8_t m[2048];
    memcpy(m, msg1, len);
    struct isakmp_addr to = memnet_addr(p->net, p->b);
    for (unsigned i = 0; i < n; i++) {
        uint32_t v = i * 2654435761u + 12345;
        memcpy(m, &v, 4);
        memcpy(m + 4, &i, 4);
        struct isakmp_addr from = one_source ? isakmp_addr_v4(192, 0, 2, 66, 500)
            : isakmp_addr_v4(172, (uint8_t)(16 + (v >> 24) % 16), (uint8_t)(v >> 8), (uint8_t)(v | 1), 500);
        memnet_inject(p->net, m, len, &from, &to);
    }
}

static bool legit_completes(struct pair *p, uint64_t within)
{
    unsigned before = memnet_count(p->net, p->a, ISAKMP_EV_SA_ESTABLISHED);
    if (!pair_initiate(p, ISAKMP_XCHG_IDPROT, true))
        return false;
    memnet_run(p->net, memnet_now(p->net) + within);
    return memnet_count(p->net, p->a, ISAKMP_EV_SA_ESTABLISHED) == before + 2;
}

static void flood_mode(enum isakmp_defence_mode mode)
{
    struct pair p;
    uint8_t msg1[2048];
    size_t len;
    REQUIRE(capture_msg1(&p, msg1, &len));
    setup(&p, mode);
    REQUIRE(pair_start(&p));
    struct isakmp_engine *eb = memnet_engine(p.net, p.b);
    size_t base = isakmp_engine_memory(eb);
    flood(&p, msg1, len, FLOOD, false);
    size_t after = isakmp_engine_memory(eb);
    struct isakmp_stats sb;
    isakmp_engine_stats(eb, &sb);
    CHECK(after <= MEMORY_MAX + 16384);
    CHECK(sb.half_open <= HALF_OPEN_MAX);
    if (mode == ISAKMP_DEFENCE_STATELESS) {
        /* Nothing kept per request: memory is exactly what it was. */
        CHECK_INT(after, base);
        CHECK_INT(sb.half_open, 0);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_DEFENCE), FLOOD);
        /* ... so a legitimate initiator gets through during the flood. */
        CHECK(legit_completes(&p, 10 * SEC));
    } else {
        CHECK_INT(sb.half_open, HALF_OPEN_MAX);
        CHECK_INT(sb.dropped_by_limit, FLOOD - HALF_OPEN_MAX);
        printf("# mode %d: %zu bytes per half-open SA (message 2 cached)\n", (int)mode,
               (after - base) / HALF_OPEN_MAX);
        /* While the table is full a new initiator is refused ... */
        CHECK(!legit_completes(&p, 500 * MS));
        /* ... until the bogus half-open SAs time out. */
        memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
        isakmp_engine_stats(eb, &sb);
        CHECK_INT(sb.half_open, 0);
        CHECK_INT(isakmp_engine_memory(eb), base);
        CHECK(legit_completes(&p, 10 * SEC));
    }
    pair_free(&p);
}

static void flood_none(void) { flood_mode(ISAKMP_DEFENCE_NONE); }
static void flood_cookies(void) { flood_mode(ISAKMP_DEFENCE_COOKIES); }
static void flood_stateless(void) { flood_mode(ISAKMP_DEFENCE_STATELESS); }

static void per_source_limit(void)
{
    struct pair p;
    uint8_t msg1[2048];
    size_t len;
    REQUIRE(capture_msg1(&p, msg1, &len));
    setup(&p, ISAKMP_DEFENCE_COOKIES);
    REQUIRE(pair_start(&p));
    flood(&p, msg1, len, 200, true);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.half_open, 5);
    CHECK_INT(sb.dropped_by_limit, 195);
    /* Another source is not affected. */
    CHECK(legit_completes(&p, 10 * SEC));
    pair_free(&p);
}

static void forged_cookie_costs_no_dh(void)
{
    /* Message 3 with a CKY-R the responder never made: one MAC, no DH. */
    for (int mode = ISAKMP_DEFENCE_COOKIES; mode <= ISAKMP_DEFENCE_STATELESS; mode++) {
        struct pair p;
        setup(&p, (enum isakmp_defence_mode)mode);
        REQUIRE(pair_start(&p));
        memnet_drop(p.net, 3);
        REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
        while (memnet_sent_count(p.net) < 3)
            REQUIRE(memnet_step(p.net, memnet_now(p.net) + SEC));
        memnet_clear_events(p.net);
        const struct memnet_packet *m3 = memnet_sent(p.net, 3);
        uint8_t msg[2048];
        memcpy(msg, m3->bytes, m3->len);
        for (int i = 0; i < 100; i++) {
            msg[8] = (uint8_t)i;        /* a wrong CKY-R */
            msg[9] ^= 0x5a;
            memnet_inject(p.net, msg, m3->len, &m3->from, &m3->to);
        }
        struct isakmp_stats sb;
        isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
        CHECK_INT(sb.bad_cookie, 100);
        const struct isakmp_event *evs;
        size_t n = memnet_events(p.net, p.b, &evs);
        unsigned dh = 0, macs = 0;
        for (size_t i = 0; i < n; i++)
            if (evs[i].type == ISAKMP_EV_CRYPTO) {
                dh += evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_KEYGEN ||
                      evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_SHARED;
                macs += evs[i].u.crypto.op == ISAKMP_CRYPTO_COOKIE;
            }
        CHECK_INT(dh, 0);
        CHECK(macs >= 100);
        /* The genuine message 3 (retransmitted) still completes phase 1. */
        memnet_run(p.net, memnet_now(p.net) + 30 * SEC);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
        pair_free(&p);
    }
}

static void cookie_secret_rotation(void)
{
    /* An exchange spanning a rotation still completes (previous secret
     * accepted), and the responder reports the rotation. */
    struct pair p;
    setup(&p, ISAKMP_DEFENCE_STATELESS);
    p.cb.defence.cookie_rotate_ns = 2 * SEC;
    REQUIRE(pair_start(&p));
    memnet_delay(p.net, 3, 3 * SEC);          /* message 3 arrives after a rotation */
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 30 * SEC);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_DEFENCE);
    CHECK(d != NULL);
    pair_free(&p);
}

int main(void)
{
    RUN(flood_none);
    RUN(flood_cookies);
    RUN(flood_stateless);
    RUN(per_source_limit);
    RUN(forged_cookie_costs_no_dh);
    RUN(cookie_secret_rotation);
    return check_summary();
}
