/* Two engines complete phase 1 (Main or Aggressive Mode, PSK) and Quick
 * Mode (with and without PFS) for groups 2, 14, 19 and 28 (Brainpool, on
 * libgcrypt), and derive the same keys on both sides. */
#include "lib/check.h"
#include "lib/pair.h"

#include <stdio.h>
#include <string.h>

static void check_keys(struct pair *p)
{
    struct isakmp_engine *ea = memnet_engine(p->net, p->a), *eb = memnet_engine(p->net, p->b);
    isakmp_handle a1 = pair_sa(p, p->a, 1), b1 = pair_sa(p, p->b, 1);
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(ea, a1, &ka));
    REQUIRE(isakmp_engine_phase1_keys(eb, b1, &kb));
    CHECK_MEM(ka.cky_i, 8, kb.cky_i, 8);
    CHECK_MEM(ka.cky_r, 8, kb.cky_r, 8);
    CHECK_INT(ka.prf_len, 20);
    CHECK_MEM(ka.skeyid_e, ka.prf_len, kb.skeyid_e, kb.prf_len);
    CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
    CHECK_INT(ka.enc_key_len, 16);
    CHECK_MEM(ka.enc_key, ka.enc_key_len, kb.enc_key, kb.enc_key_len);
    /* The Wireshark line: CKY-I, then the cipher key. */
    char line[200];
    size_t n = isakmp_engine_wireshark_line(ea, a1, line, sizeof line);
    CHECK_INT(n, 16 + 1 + 32);
    char want[200];
    size_t o = 0;
    for (int i = 0; i < 8; i++)
        o += (size_t)snprintf(want + o, sizeof want - o, "%02x", ka.cky_i[i]);
    want[o++] = ',';
    for (size_t i = 0; i < ka.enc_key_len; i++)
        o += (size_t)snprintf(want + o, sizeof want - o, "%02x", ka.enc_key[i]);
    CHECK_STR(line, want);
    CHECK_INT(isakmp_engine_wireshark_line(ea, a1, line, 49), 0);     /* no room for the NUL */

    isakmp_handle a2 = pair_sa(p, p->a, 2), b2 = pair_sa(p, p->b, 2);
    struct isakmp_phase2_keys qa, qb;
    REQUIRE(isakmp_engine_phase2_keys(ea, a2, 0, &qa));
    REQUIRE(isakmp_engine_phase2_keys(eb, b2, 0, &qb));
    CHECK_INT(qa.protocol, ISAKMP_PROTO_ESP);
    CHECK_INT(qa.spi_in, qb.spi_out);
    CHECK_INT(qa.spi_out, qb.spi_in);
    CHECK(qa.spi_in != qa.spi_out);
    CHECK_MEM(qa.keymat_in, qa.keymat_len, qb.keymat_out, qb.keymat_len);
    CHECK_MEM(qa.keymat_out, qa.keymat_len, qb.keymat_in, qb.keymat_len);
    CHECK(memcmp(qa.keymat_in, qa.keymat_out, qa.keymat_len) != 0);
    CHECK(!isakmp_engine_phase2_keys(ea, a2, 1, &qa));
}

static void run_case(uint8_t xchg, uint16_t group, uint16_t pfs)
{
    struct pair p;
    REQUIRE(pair_init(&p, group, pfs, "testsecret", "testsecret"));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    isakmp_handle h = pair_initiate(&p, xchg, true);
    CHECK(h != 0);
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_MESSAGE_REJECTED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_REJECTED), 0);
    /* Message counts: MM 6 or AM 3, QM 3, no retransmissions. */
    CHECK_INT(memnet_sent_count(p.net), (xchg == ISAKMP_XCHG_IDPROT ? 6 : 3) + 3);
    struct isakmp_stats sa, sb;
    isakmp_engine_stats(ea, &sa);
    isakmp_engine_stats(eb, &sb);
    CHECK_INT(sa.phase1_sas, 1);
    CHECK_INT(sb.phase2_sas, 1);
    CHECK_INT(sb.half_open, 0);
    CHECK_INT(sa.retransmits + sb.retransmits, 0);
    const struct isakmp_event *ev = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    CHECK_INT(ev->u.sa.phase, 2);
    CHECK_INT(ev->u.sa.pfs_group, pfs);
    CHECK_INT(ev->u.sa.life_seconds, 1800);
    /* Both sides charged DH work: two key pairs + two shared secrets each
     * with PFS, one of each without. */
    unsigned dh = 0;
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    for (size_t i = 0; i < n; i++)
        dh += evs[i].type == ISAKMP_EV_CRYPTO && evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_SHARED;
    CHECK_INT(dh, pfs ? 2 : 1);
    check_keys(&p);
    pair_free(&p);
}

#define CASE(name, x, g, pfs) static void name(void) { run_case(x, g, pfs); }
CASE(main_g2, ISAKMP_XCHG_IDPROT, 2, 0)
CASE(main_g2_pfs, ISAKMP_XCHG_IDPROT, 2, 2)
CASE(main_g14, ISAKMP_XCHG_IDPROT, 14, 0)
CASE(main_g14_pfs, ISAKMP_XCHG_IDPROT, 14, 14)
CASE(main_g19, ISAKMP_XCHG_IDPROT, 19, 0)
CASE(main_g19_pfs, ISAKMP_XCHG_IDPROT, 19, 19)
CASE(main_g28_pfs, ISAKMP_XCHG_IDPROT, 28, 28)
CASE(aggr_g2, ISAKMP_XCHG_AGGRESSIVE, 2, 0)
CASE(aggr_g14_pfs, ISAKMP_XCHG_AGGRESSIVE, 14, 14)
CASE(aggr_g19, ISAKMP_XCHG_AGGRESSIVE, 19, 19)

int main(void)
{
    RUN(main_g2);
    RUN(main_g2_pfs);
    RUN(main_g14);
    RUN(main_g14_pfs);
    RUN(main_g19);
    RUN(main_g19_pfs);
    RUN(main_g28_pfs);
    RUN(aggr_g2);
    RUN(aggr_g14_pfs);
    RUN(aggr_g19);
    return check_summary();
}
