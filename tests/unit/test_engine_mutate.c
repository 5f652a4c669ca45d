/* Hostile input: thousands of mutated copies (bit flips, truncations,
 * length and header fields changed) of every message of a Main Mode +
 * Quick Mode handshake, delivered at the moment the real message is
 * expected.  Nothing may crash (this test matters most under the
 * sanitizers), and mutants of the encrypted Quick Mode messages must not
 * change any state: the genuine retransmission then completes. */
#include "lib/check.h"
#include "lib/pair.h"

#include <string.h>

#define MUTANTS 2000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

static size_t mutate(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    size_t n = len < cap ? len : cap;
    memcpy(out, in, n);
    switch (rnd() % 6) {
    case 0:                                           /* flip bits */
        for (int i = 0; i < 1 + (int)(rnd() % 4); i++)
            out[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
        break;
    case 1:                                           /* truncate */
        n = rnd() % n;
        break;
    case 2:                                           /* a header field */
        out[16 + rnd() % 12] = (uint8_t)rnd();
        break;
    case 3:                                           /* a payload length */
        if (n > 32) {
            size_t at = 28 + 2 + (rnd() % 4) * 4;
            if (at + 1 < n) { out[at] = (uint8_t)rnd(); out[at + 1] = (uint8_t)rnd(); }
        }
        break;
    case 4:                                           /* append bytes */
        while (n < cap && n < len + 1 + rnd() % 40)
            out[n++] = (uint8_t)rnd();
        break;
    default:                                          /* random byte anywhere */
        out[rnd() % n] = (uint8_t)rnd();
        break;
    }
    return n;
}

static void mutants_of(unsigned k)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 19, "k", "k"));
    memnet_drop(p.net, k);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    while (memnet_sent_count(p.net) < k)
        REQUIRE(memnet_step(p.net, memnet_now(p.net) + SEC));
    const struct memnet_packet *pk = memnet_sent(p.net, k);
    uint8_t orig[2048], m[2100];
    size_t len = pk->len;
    struct isakmp_addr from = pk->from, to = pk->to;
    REQUIRE(len <= sizeof orig);
    memcpy(orig, pk->bytes, len);
    int r = k % 2 ? p.b : p.a;
    size_t mem = isakmp_engine_memory(memnet_engine(p.net, r));
    for (int i = 0; i < MUTANTS; i++) {
        size_t n = mutate(orig, len, m, sizeof m);
        if (n == len && memcmp(m, orig, len) == 0)
            continue;                   /* the mutation changed nothing */
        /* IKEv1 does not authenticate the header flags (HASH(n) covers
         * payloads only): a copy with only the commit bit changed is a
         * genuine message to the receiver.  Not a mutant for this test. */
        if (n == len && memcmp(m, orig, 19) == 0 && memcmp(m + 20, orig + 20, len - 20) == 0 &&
            (m[19] & 1) == (orig[19] & 1))
            continue;
        memnet_inject(p.net, m, n, &from, &to);
    }
    if (k >= 7) {
        /* Quick Mode: no mutant changed anything. */
        CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, r)), mem);
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    } else {
        /* Clear phase-1 messages can be forged by anyone on the path:
         * only robustness is required here. */
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
    }
    struct isakmp_stats st;
    isakmp_engine_stats(memnet_engine(p.net, r), &st);
    CHECK(st.rejected + st.duplicates + st.replays > 0);
    pair_free(&p);
}

static void mutate_all(void)
{
    for (unsigned k = 1; k <= 9; k++)
        mutants_of(k);
}

static void mutants_after_completion(void)
{
    struct pair p;
    REQUIRE(pair_init(&p, 19, 0, "k", "k"));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    REQUIRE(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED) == 2);
    memnet_run(p.net, memnet_now(p.net) + 300 * SEC);   /* lingering over */
    size_t ma = isakmp_engine_memory(memnet_engine(p.net, p.a));
    size_t mb = isakmp_engine_memory(memnet_engine(p.net, p.b));
    uint8_t m[2100];
    for (unsigned k = 1; k <= 9; k++) {
        /* Copy: the network's packet list moves as replies are sent. */
        const struct memnet_packet *pk = memnet_sent(p.net, k);
        uint8_t orig[2048];
        size_t len = pk->len;
        struct isakmp_addr from = pk->from, to = pk->to;
        REQUIRE(len <= sizeof orig);
        memcpy(orig, pk->bytes, len);
        for (int i = 0; i < MUTANTS; i++) {
            size_t n = mutate(orig, len, m, sizeof m);
            if (n == len && memcmp(m, orig, n) == 0)
                continue;
            memnet_inject(p.net, m, n, &from, &to);
        }
    }
    /* The SAs are still there.  (Mutated message 1s may have started
     * half-open exchanges at B; they time out.) */
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(memnet_engine(p.net, p.a), &sa);
    isakmp_engine_stats(memnet_engine(p.net, p.b), &sb);
    CHECK_INT(sa.phase1_sas, 1);
    CHECK_INT(sb.phase2_sas, 1);
    CHECK_INT(sb.half_open, 0);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 0);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.a)), ma);
    CHECK_INT(isakmp_engine_memory(memnet_engine(p.net, p.b)), mb);
    pair_free(&p);
}

int main(void)
{
    RUN(mutate_all);
    RUN(mutants_after_completion);
    return check_summary();
}
