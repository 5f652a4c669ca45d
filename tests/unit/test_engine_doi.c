/* The IPsec DOI layer on its own: phase-2 proposals offered and chosen
 * (bundles, alternatives, PFS, lifetimes), the answers an initiator takes
 * (an unasked default lifetime, which charon sends), host identities. */
#include "lib/check.h"
#include "doi/ipsec_doi.h"
#include "lib/memnet.h"

#include <string.h>

/* Build the SA payload of `p` (one proposal) and return its body. */
static size_t sa_body(const struct isakmp_p2_proposal *p, size_t n, uint8_t *out, size_t cap)
{
    uint8_t buf[2048];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    struct ipsec_spis spis;
    memset(&spis, 0, sizeof spis);
    spis.v[ISAKMP_PROTO_AH] = 0x1111;
    spis.v[ISAKMP_PROTO_ESP] = 0x2222;
    spis.v[ISAKMP_PROTO_IPCOMP] = 0x3333;
    ipsec_put_sa(&b, p, n, &spis);
    if (b.err || b.len < 4 || b.len - 4 > cap)
        return 0;
    memcpy(out, buf + 4, b.len - 4);
    return b.len - 4;
}

static void choose_first_acceptable(void)
{
    struct isakmp_p2_proposal esp = memnet_p2_esp(14), esp3 = memnet_p2_esp(14);
    esp3.protocols[0].transform = ISAKMP_ESP_3DES;
    esp3.protocols[0].key_bits = 0;
    struct isakmp_p2_proposal offer[2] = { esp3, esp };
    uint8_t body[1024];
    size_t len = sa_body(offer, 2, body, sizeof body);
    REQUIRE(len);
    struct ipsec_choice ch;
    /* We accept only AES: the second proposal, with the peer's SPI. */
    CHECK_INT(ipsec_choose(body, len, &esp, 1, 0, &ch), 0);
    CHECK_INT(ch.prop_no, 2);
    CHECK_INT(ch.peer_spi[0], 0x2222);
    CHECK_INT(ch.alg.pfs_group, 14);
    /* A different PFS group is not acceptable. */
    struct isakmp_p2_proposal other = memnet_p2_esp(2);
    CHECK_INT(ipsec_choose(body, len, &other, 1, 0, &ch), ISAKMP_N_NO_PROPOSAL_CHOSEN);
    /* A lifetime over our maximum is shortened (RESPONDER-LIFETIME). */
    CHECK_INT(ipsec_choose(body, len, &esp, 1, 600, &ch), 0);
    CHECK_INT(ch.alg.life_seconds, 600);
    CHECK_INT(ch.offered_life, 1800);
    /* Malformed bodies are refused with a Notify, never read past. */
    for (size_t cut = 0; cut < len; cut += 3) {
        uint16_t n = ipsec_choose(body, cut, &esp, 1, 0, &ch);
        CHECK(n != 0);
    }
}

static void reply_lifetimes(void)
{
    struct isakmp_p2_proposal offer = memnet_p2_esp(0), reply = memnet_p2_esp(0);
    offer.life_seconds = 0;                     /* we ask for no lifetime */
    struct ipsec_choice ch;
    uint8_t body[1024];
    reply.life_seconds = 28800;                 /* charon echoes the default */
    size_t len = sa_body(&reply, 1, body, sizeof body);
    CHECK_INT(ipsec_check_reply(body, len, &offer, 1, &ch), 0);
    CHECK_INT(ch.alg.life_seconds, 28800);
    reply.life_seconds = 40000;                 /* longer than the default: no */
    len = sa_body(&reply, 1, body, sizeof body);
    CHECK_INT(ipsec_check_reply(body, len, &offer, 1, &ch), ISAKMP_N_NO_PROPOSAL_CHOSEN);
    offer.life_seconds = 1800;
    reply.life_seconds = 900;                   /* shorter than ours: taken */
    len = sa_body(&reply, 1, body, sizeof body);
    CHECK_INT(ipsec_check_reply(body, len, &offer, 1, &ch), 0);
    CHECK_INT(ch.alg.life_seconds, 900);
    reply.life_seconds = 3600;                  /* longer than ours: no */
    len = sa_body(&reply, 1, body, sizeof body);
    CHECK_INT(ipsec_check_reply(body, len, &offer, 1, &ch), ISAKMP_N_NO_PROPOSAL_CHOSEN);
    /* Two proposals in an answer: not an answer. */
    struct isakmp_p2_proposal two[2] = { offer, offer };
    len = sa_body(two, 2, body, sizeof body);
    CHECK_INT(ipsec_check_reply(body, len, &offer, 1, &ch), ISAKMP_N_BAD_PROPOSAL_SYNTAX);
}

static void host_identities(void)
{
    struct isakmp_addr a = isakmp_addr_v4(10, 9, 0, 1, 500);
    CHECK(ipsec_id_is_host((const uint8_t *)"\x01\x00\x00\x00\x0a\x09\x00\x01", 8, &a));
    CHECK(!ipsec_id_is_host((const uint8_t *)"\x01\x00\x00\x00\x0a\x09\x00\x02", 8, &a));
    CHECK(!ipsec_id_is_host((const uint8_t *)"\x01\x11\x00\x35\x0a\x09\x00\x01", 8, &a));
    CHECK(ipsec_id_is_host((const uint8_t *)"\x04\x00\x00\x00\x0a\x09\x00\x01\xff\xff\xff\xff", 12, &a));
    CHECK(!ipsec_id_is_host((const uint8_t *)"\x04\x00\x00\x00\x0a\x09\x00\x01\xff\xff\xff\x00", 12, &a));
    CHECK(!ipsec_id_is_host((const uint8_t *)"\x01\x00\x00\x00\x0a\x09\x00", 7, &a));
    CHECK(!ipsec_id_is_host((const uint8_t *)"\x02\x00\x00\x00gw", 6, &a));
}

int main(void)
{
    RUN(choose_first_acceptable);
    RUN(reply_lifetimes);
    RUN(host_identities);
    return check_summary();
}
