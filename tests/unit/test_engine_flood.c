/* The large flood: 100 000 spoofed Main Mode message 1s, against a
 * responder with cookies + half-open limits and against the stateless
 * responder.  Memory stays under the bound throughout; legitimate
 * exchanges complete (stateless: during the flood). */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

#define FLOOD 100000
#define MEMORY_MAX (8u << 20)

static void run(enum isakmp_defence_mode mode)
{
    struct pair q;
    pair_setup(&q, 19, 0, "k", "k");
    REQUIRE(pair_start(&q));
    REQUIRE(pair_initiate(&q, ISAKMP_XCHG_IDPROT, false));
    uint8_t m1[2048];
    size_t len = memnet_sent(q.net, 1)->len;
    memcpy(m1, memnet_sent(q.net, 1)->bytes, len);
    pair_free(&q);

    struct pair p;
    pair_setup(&p, 19, 0, "k", "k");
    memset(&p.psk_b.addr, 0, sizeof p.psk_b.addr);       /* a responder for anyone */
    p.cb.defence.mode = mode;
    p.cb.defence.half_open_max = 2000;
    p.cb.defence.half_open_per_source = 3;
    p.cb.defence.memory_max = MEMORY_MAX;
    p.cb.defence.notify_per_second = 100;
    REQUIRE(pair_start(&p));
    struct isakmp_engine *eb = memnet_engine(p.net, p.b);
    struct isakmp_addr to = memnet_addr(p.net, p.b);
    size_t peak = 0;
    unsigned legit_ok = 0;
    for (unsigned i = 0; i < FLOOD; i++) {
        uint32_t v = i * 2654435761u + 7;
        memcpy(m1, &v, 4);
        memcpy(m1 + 4, &i, 4);
        struct isakmp_addr from = isakmp_addr_v4(100, (uint8_t)(64 + (v >> 26)), (uint8_t)(v >> 8),
                                                 (uint8_t)(v | 1), 500);
        memnet_inject(p.net, m1, len, &from, &to);
        size_t m = isakmp_engine_memory(eb);
        if (m > peak)
            peak = m;
        if (i % 20000 == 19999) {
            /* Time passes a little during the flood. */
            memnet_run(p.net, memnet_now(p.net) + 2 * SEC);
            if (mode == ISAKMP_DEFENCE_STATELESS) {
                unsigned before = memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED);
                pair_initiate(&p, ISAKMP_XCHG_IDPROT, false);
                memnet_run(p.net, memnet_now(p.net) + SEC);
                legit_ok += memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED) == before + 1;
            }
        }
    }
    CHECK(peak <= MEMORY_MAX + 16384);
    struct isakmp_stats st;
    isakmp_engine_stats(eb, &st);
    CHECK(st.half_open <= 2000);
    if (mode == ISAKMP_DEFENCE_STATELESS)
        CHECK_INT(legit_ok, FLOOD / 20000);
    /* After the flood, the bogus state goes and a legitimate exchange completes. */
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    isakmp_engine_stats(eb, &st);
    CHECK_INT(st.half_open, 0);
    unsigned before = memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), before + 2);
    pair_free(&p);
}

static void flood_100k_cookies(void) { run(ISAKMP_DEFENCE_COOKIES); }
static void flood_100k_stateless(void) { run(ISAKMP_DEFENCE_STATELESS); }

int main(void)
{
    RUN(flood_100k_cookies);
    RUN(flood_100k_stateless);
    return check_summary();
}
