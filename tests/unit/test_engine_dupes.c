/* Answers to the peer's duplicates are bounded: a burst of copies of the
 * peer's last message makes us resend our cached reply at most once per
 * interval and at most duplicate_resends_max times; the copies left
 * unanswered are counted and reported in ISAKMP_EV_DUPLICATE.  The
 * peer's genuine retransmissions are still answered. */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

/* Our retransmissions of message `number` of the phase-1 exchange. */
static unsigned resends(struct pair *p, int node, uint8_t number)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_MESSAGE_SENT && evs[i].u.message.retransmission &&
             evs[i].u.message.exchange_type == ISAKMP_XCHG_IDPROT && evs[i].u.message.number == number;
    return c;
}

static bool run_until_sent(struct pair *p, size_t count)
{
    while (memnet_sent_count(p->net) < count)
        if (!memnet_step(p->net, memnet_now(p->net) + 10 * SEC))
            return false;
    return true;
}

/* 20 copies of Main Mode message 5, 10 ms apart, after the exchange: B
 * answers at most duplicate_resends_max of them. */
static void twenty_copies_capped(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.cb.duplicate_resends_max = 3;
    p.cb.duplicate_resend_interval_ns = 1 * MS;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 200 * MS);
    REQUIRE(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED) == 1);
    const struct memnet_packet *m5 = memnet_sent(p.net, 5);
    REQUIRE(m5);
    uint8_t msg[2048];
    size_t len = m5->len;
    struct isakmp_addr from = m5->from, to = m5->to;
    memcpy(msg, m5->bytes, len);
    for (int i = 0; i < 20; i++) {
        memnet_inject(p.net, msg, len, &from, &to);
        memnet_run(p.net, memnet_now(p.net) + 10 * MS);
    }
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_DUPLICATE), 20);
    CHECK_INT(resends(&p, p.b, 6), 3);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_DUPLICATE);
    REQUIRE(d);
    CHECK(!d->u.message.retransmission);
    CHECK_INT(d->u.message.unanswered, 17);
    struct isakmp_stats sb;
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sb.duplicates, 20);
    CHECK_INT(sb.duplicates_unanswered, 17);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_REJECTED), 0);
    pair_free(&p);
}

/* Defaults: B's message 6 is lost and 20 copies of message 5 arrive at
 * once (a duplicating link): none is answered (B has just sent 6); A's
 * genuine retransmission a second later is, and both complete. */
static void burst_then_retransmission(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 14, 0, "k", "k"));
    memnet_drop(p.net, 6);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    REQUIRE(run_until_sent(&p, 6));
    const struct memnet_packet *m5 = memnet_sent(p.net, 5);
    uint8_t msg[2048];
    size_t len = m5->len;
    struct isakmp_addr from = m5->from, to = m5->to;
    memcpy(msg, m5->bytes, len);
    for (int i = 0; i < 20; i++)
        memnet_inject(p.net, msg, len, &from, &to);
    CHECK_INT(resends(&p, p.b, 6), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_DUPLICATE), 20);
    const struct isakmp_event *d = memnet_last(p.net, p.b, ISAKMP_EV_DUPLICATE);
    REQUIRE(d);
    CHECK_INT(d->u.message.unanswered, 20);
    memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
    CHECK_INT(resends(&p, p.a, 5), 1);              /* A's genuine retransmission ... */
    CHECK_INT(resends(&p, p.b, 6), 1);              /* ... answered */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED) +
              memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    pair_free(&p);
}

int main(void)
{
    RUN(twenty_copies_capped);
    RUN(burst_then_retransmission);
    return check_summary();
}
