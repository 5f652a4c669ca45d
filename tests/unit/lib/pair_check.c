/* Checks over a pair (see pair.h); apart from pair.c, which the fuzzers
 * link without the check library. */
#include "pair.h"
#include "check.h"

#include "isakmp/wire.h"

#include <string.h>

void pair_check_phase1_keys(struct pair *p)
{
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->a), pair_sa(p, p->a, 1), &ka));
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->b), pair_sa(p, p->b, 1), &kb));
    CHECK_MEM(ka.skeyid, ka.prf_len, kb.skeyid, kb.prf_len);
    CHECK_MEM(ka.enc_key, ka.enc_key_len, kb.enc_key, kb.enc_key_len);
}

void pair_check_mm_in_group(struct pair *p, uint16_t group, size_t ke_len)
{
    static struct isakmp_message m;          /* large: off the stack */
    struct isakmp_engine *ea = memnet_engine(p->net, p->a), *eb = memnet_engine(p->net, p->b);
    struct isakmp_p1_transform t = memnet_p1(group);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p->net, p->a);
    pol.peer = memnet_addr(p->net, p->b);
    pol.p1 = &t;
    pol.n_p1 = 1;
    size_t before = memnet_sent_count(p->net);
    memnet_clear_events(p->net);
    isakmp_handle h = isakmp_engine_initiate(ea, memnet_now(p->net), &pol);
    REQUIRE(h);
    memnet_run(p->net, memnet_now(p->net) + 5 * SEC);
    const struct isakmp_event *ev = memnet_last(p->net, p->b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    CHECK_INT(ev->u.sa.p1.group, group);
    for (unsigned k = 3; k <= 4; k++) {       /* the KE payloads of messages 3 and 4 */
        const struct memnet_packet *pk = memnet_sent(p->net, (unsigned)before + k);
        REQUIRE(pk && isakmp_decode(pk->bytes, pk->len, 0, &m) == 0);
        const struct isakmp_payload *ke = isakmp_msg_find(&m, ISAKMP_PL_KE, 0);
        REQUIRE(ke);
        CHECK_INT(ke->u.data.len, ke_len);
    }
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(ea, h, &ka));
    REQUIRE(isakmp_engine_phase1_keys(eb, pair_sa(p, p->b, 1), &kb));
    CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
}
