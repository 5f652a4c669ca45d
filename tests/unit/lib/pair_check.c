/* Checks over a pair (see pair.h); apart from pair.c, which the fuzzers
 * link without the check library. */
#include "pair.h"
#include "check.h"

void pair_check_phase1_keys(struct pair *p)
{
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->a), pair_sa(p, p->a, 1), &ka));
    REQUIRE(isakmp_engine_phase1_keys(memnet_engine(p->net, p->b), pair_sa(p, p->b, 1), &kb));
    CHECK_MEM(ka.skeyid, ka.prf_len, kb.skeyid, kb.prf_len);
    CHECK_MEM(ka.enc_key, ka.enc_key_len, kb.enc_key, kb.enc_key_len);
}
