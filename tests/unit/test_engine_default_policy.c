/* An engine configured with no phase-1 transforms uses the default policy
 * (isakmp/cipher.h): it offers, and accepts, only transforms without DES,
 * MD5 or group 1, with the authentication its credentials allow. */
#include "lib/check.h"
#include "lib/pair.h"

#include "isakmp/cipher.h"
#include "isakmp/registry.h"
#include "isakmp/wire.h"

#include <string.h>

/* Every transform of the SA payload in datagram `seq` passes the
 * default-policy rule; *count gets how many transforms there were. */
static void check_offer(struct memnet *net, unsigned seq, uint16_t want_auth, unsigned *count)
{
    *count = 0;
    const struct memnet_packet *pk = memnet_sent(net, seq);
    REQUIRE(pk != NULL);
    static struct isakmp_message m;
    REQUIRE(isakmp_decode(pk->bytes, pk->len, 0, &m) == 0);
    const struct isakmp_payload *sa = isakmp_msg_find(&m, ISAKMP_PL_SA, 0);
    REQUIRE(sa != NULL);
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal p;
    while (isakmp_next_proposal(&pi, &p) == 1) {
        struct isakmp_iter ti = isakmp_transforms(&p);
        struct isakmp_transform t;
        while (isakmp_next_transform(&ti, &t) == 1) {
            struct isakmp_attr enc, hash, grp, auth, kl;
            REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_ENCRYPTION, &enc));
            REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_HASH, &hash));
            REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_GROUP_DESC, &grp));
            REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_AUTH_METHOD, &auth));
            uint16_t bits = isakmp_attr_find(t.attrs, ISAKMP_IKE_KEY_LENGTH, &kl)
                ? (uint16_t)kl.value : 0;
            CHECK(enc.value != ISAKMP_ENC_DES_CBC);
            CHECK(hash.value != ISAKMP_HASH_MD5);
            CHECK(grp.value != 1);
            CHECK(isakmp_policy_is_default_allowed((uint16_t)enc.value, bits,
                                                   (uint16_t)hash.value, (uint16_t)grp.value));
            CHECK_INT(auth.value, want_auth);
            (*count)++;
        }
    }
}

/* PSK on both sides, no transforms configured: the default list is
 * offered whole and the first (AES-256, SHA2-256, group 14) chosen. */
static void psk_default_offer_and_choice(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "default-policy", "default-policy");
    p.ca.p1 = NULL;
    p.ca.n_p1 = 0;
    p.cb.p1 = NULL;
    p.cb.n_p1 = 0;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, true) != 0);
    memnet_run(p.net, 10 * SEC);
    unsigned offered = 0;
    check_offer(p.net, 1, ISAKMP_AUTH_PSK, &offered);
    CHECK_INT(offered, ISAKMP_DEFAULT_P1_COUNT);
    REQUIRE(pair_sa(&p, p.a, 1) != 0);
    REQUIRE(pair_sa(&p, p.a, 2) != 0);
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.a, &evs);
    const struct isakmp_p1_transform *got = NULL;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == 1)
            got = &evs[i].u.sa.p1;
    REQUIRE(got != NULL);
    struct isakmp_p1_transform first;
    REQUIRE(isakmp_default_p1_transforms(ISAKMP_AUTH_PSK, &first, 1) == 1);
    CHECK_INT(got->cipher, first.cipher);
    CHECK_INT(got->key_bits, first.key_bits);
    CHECK_INT(got->hash, first.hash);
    CHECK_INT(got->group, first.group);
    pair_check_phase1_keys(&p);
    pair_free(&p);
}

/* A responder on the default policy refuses a DES/MD5/group-1 offer and
 * accepts a transform of the default list. */
static void default_responder_refuses_weak(void)
{
    struct pair p;
    pair_setup(&p, 1, 0, "default-policy", "default-policy");
    p.p1a.cipher = ISAKMP_ENC_DES_CBC;
    p.p1a.key_bits = 0;
    p.p1a.hash = ISAKMP_HASH_MD5;
    p.cb.p1 = NULL;
    p.cb.n_p1 = 0;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false) != 0);
    memnet_run(p.net, 60 * SEC);
    CHECK_INT(pair_sa(&p, p.a, 1), 0);
    CHECK_INT(pair_sa(&p, p.b, 1), 0);
    /* the same responder takes a default-policy transform (AES-128,
     * SHA-1, group 14, in the default list) */
    struct isakmp_p1_transform ok = p.p1a;
    ok.cipher = ISAKMP_ENC_AES_CBC;
    ok.key_bits = 128;
    ok.hash = ISAKMP_HASH_SHA1;
    ok.group = 14;
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p.net, p.a);
    pol.peer = memnet_addr(p.net, p.b);
    pol.exchange_type = ISAKMP_XCHG_IDPROT;
    pol.p1 = &ok;
    pol.n_p1 = 1;
    REQUIRE(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol) != 0);
    memnet_run(p.net, 120 * SEC);
    CHECK(pair_sa(&p, p.a, 1) != 0);
    CHECK(pair_sa(&p, p.b, 1) != 0);
    pair_free(&p);
}

/* No credentials, no transforms: nothing to offer, initiate refuses. */
static void nothing_without_credentials(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "k", "k");
    p.ca.p1 = NULL;
    p.ca.n_p1 = 0;
    p.ca.psks = NULL;
    p.ca.n_psks = 0;
    REQUIRE(pair_start(&p));
    CHECK_INT(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false), 0);
    pair_free(&p);
}

int main(void)
{
    RUN(psk_default_offer_and_choice);
    RUN(default_responder_refuses_weak);
    RUN(nothing_without_credentials);
    return check_summary();
}
