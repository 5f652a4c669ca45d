/* New Group Mode (RFC 2409 §5.6) with a MODP group no built-in group
 * has: a safe prime made here, at test time (GMP, a fixed seed), is
 * proposed as private group 33000 and then used - Quick Mode PFS and a
 * new Main Mode in it, with the KE length of the new prime and equal keys
 * on both sides.  The parameter checks (crypto/dh_custom.c) are tested
 * directly, and end to end: an initiator refuses to propose bad groups,
 * and a responder answers New Group messages crafted here (encrypted
 * under the ISAKMP SA with the RFC 2409 App. B phase-2 IV and a valid
 * HASH(1)) carrying an even "prime", a composite, generator 1, a
 * generator that does not fit (p-1), an oversized prime, a prime below
 * its minimum size, a prime that is not safe, and an ECP group type,
 * each with ATTRIBUTES-NOT-SUPPORTED, defining nothing. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/wire.h"
#include "isakmp/cipher.h"
#include "isakmp/prf.h"
#include "crypto/dh_custom.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#define GROUP 33000


/* A safe prime p = 2q + 1 of `bits` bits (big-endian into out). */
static size_t make_safe_prime(unsigned bits, unsigned long seed, uint8_t *out)
{
    gmp_randstate_t rs;
    gmp_randinit_default(rs);
    gmp_randseed_ui(rs, seed);
    mpz_t q, p;
    mpz_init(q);
    mpz_init(p);
    for (;;) {
        mpz_urandomb(q, rs, bits - 1);
        mpz_setbit(q, bits - 2);
        mpz_nextprime(q, q);
        mpz_mul_2exp(p, q, 1);
        mpz_add_ui(p, p, 1);
        if (mpz_sizeinbase(p, 2) == bits && mpz_probab_prime_p(p, 30))
            break;
    }
    size_t n = 0;
    mpz_export(out, &n, 1, 1, 1, 0, p);
    mpz_clear(p);
    mpz_clear(q);
    gmp_randclear(rs);
    return n;
}

/* A 1024-bit prime above `prime` whose (p-1)/2 is not prime. */
static uint8_t prime[128];             /* 1024 bits, safe */
static void make_unsafe_prime(uint8_t out[128])
{
    mpz_t z, q;
    mpz_init(z);
    mpz_init(q);
    mpz_import(z, 128, 1, 1, 1, 0, prime);
    for (;;) {
        mpz_nextprime(z, z);
        mpz_sub_ui(q, z, 1);
        mpz_tdiv_q_2exp(q, q, 1);
        if (!mpz_probab_prime_p(q, 30) && mpz_sizeinbase(z, 2) == 1024)
            break;
    }
    mpz_export(out, NULL, 1, 1, 1, 0, z);
    mpz_clear(q);
    mpz_clear(z);
}

static size_t prime_len;

static bool have_prime(void)
{
    if (!prime_len)
        prime_len = make_safe_prime(1024, 2026, prime);
    return prime_len == 128;
}

/* The checks themselves, on small and on real numbers. */
static void checks(void)
{
    REQUIRE(have_prime());
    const uint8_t p23[] = { 23 }, p21[] = { 21 }, p22[] = { 22 }, p29[] = { 29 };
    CHECK_INT(dh_custom_check(p23, 1, 5, 0, true), DH_CUSTOM_OK);           /* 23 = 2*11+1 */
    CHECK_INT(dh_custom_check(p29, 1, 2, 0, true), DH_CUSTOM_NOT_SAFE);     /* 14 is not prime */
    CHECK_INT(dh_custom_check(p29, 1, 2, 0, false), DH_CUSTOM_OK);
    CHECK_INT(dh_custom_check(p21, 1, 2, 0, false), DH_CUSTOM_COMPOSITE);
    CHECK_INT(dh_custom_check(p22, 1, 3, 0, false), DH_CUSTOM_EVEN);
    CHECK_INT(dh_custom_check(p23, 1, 1, 0, false), DH_CUSTOM_BAD_GENERATOR);
    CHECK_INT(dh_custom_check(p23, 1, 22, 0, false), DH_CUSTOM_BAD_GENERATOR); /* p-1 */
    CHECK_INT(dh_custom_check(p23, 1, 0, 0, false), DH_CUSTOM_BAD_GENERATOR);
    CHECK_INT(dh_custom_check(p23, 1, 5, 6, false), DH_CUSTOM_TOO_SMALL);
    CHECK_INT(dh_custom_check(prime, prime_len, 2, 1024, true), DH_CUSTOM_OK);
    CHECK_INT(dh_custom_check(prime, prime_len, 2, 1025, true), DH_CUSTOM_TOO_SMALL);
    static uint8_t big[1025];
    memset(big, 0xff, sizeof big);
    CHECK_INT(dh_custom_check(big, sizeof big, 2, 0, false), DH_CUSTOM_TOO_LARGE);
    /* Leading zero bytes do not count. */
    uint8_t padded[129] = { 0 };
    memcpy(padded + 1, prime, 128);
    CHECK_INT(dh_custom_check(padded, sizeof padded, 2, 1024, true), DH_CUSTOM_OK);
}

static void private_pair(struct pair *p, struct isakmp_p1_transform b_p1[2],
                         struct isakmp_p2_proposal *b_p2)
{
    pair_setup(p, 2, 0, "ngm-secret", "ngm-secret");
    b_p1[0] = memnet_p1(2);
    b_p1[1] = memnet_p1(GROUP);
    *b_p2 = memnet_p2_esp(GROUP);
    p->cb.p1 = b_p1;
    p->cb.n_p1 = 2;
    p->cb.p2 = b_p2;
    p->cb.n_p2 = 1;
    p->ca.accept_private_groups = p->cb.accept_private_groups = true;
}

/* Start the pair and let A and B make a Main Mode ISAKMP SA; A's handle
 * (0 if the engines did not start or no SA was made). */
static isakmp_handle start_phase1(struct pair *p)
{
    if (!pair_start(p) || !pair_initiate(p, ISAKMP_XCHG_IDPROT, false))
        return 0;
    memnet_run(p->net, memnet_now(p->net) + 5 * SEC);
    return pair_sa(p, p->a, 1);
}

static void define_and_use(void)
{
    REQUIRE(have_prime());
    struct pair p;
    struct isakmp_p1_transform b_p1[2];
    struct isakmp_p2_proposal b_p2;
    private_pair(&p, b_p1, &b_p2);
    isakmp_handle a1 = start_phase1(&p);
    REQUIRE(a1);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    struct isakmp_new_group g = { GROUP, prime, prime_len, 2 };
    REQUIRE(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    CHECK_INT(memnet_count_xchg(p.net, p.a, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(memnet_count_xchg(p.net, p.b, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_XCHG_NEW_GROUP), 1);
    /* Not a built-in group: no equivalent, a prime of its own. */
    CHECK_INT(isakmp_engine_group_equivalent(ea, GROUP), 0);
    CHECK_INT(isakmp_engine_private_group_bits(ea, GROUP), 1024);
    CHECK_INT(isakmp_engine_private_group_bits(eb, GROUP), 1024);
    CHECK_INT(isakmp_engine_private_group_bits(eb, GROUP + 1), 0);

    /* Quick Mode with PFS in it. */
    struct isakmp_p2_proposal a_p2 = memnet_p2_esp(GROUP);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &a_p2;
    pol.n_p2 = 1;
    memnet_clear_events(p.net);
    REQUIRE(isakmp_engine_quick_mode(ea, memnet_now(p.net), a1, &pol));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    const struct isakmp_event *ev = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    CHECK_INT(ev->u.sa.pfs_group, GROUP);
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    unsigned dh = 0;
    for (size_t i = 0; i < n; i++)
        dh += evs[i].type == ISAKMP_EV_CRYPTO && evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_SHARED &&
              evs[i].u.crypto.group == GROUP;
    CHECK_INT(dh, 1);
    struct isakmp_phase2_keys qa, qb;
    REQUIRE(isakmp_engine_phase2_keys(ea, pair_sa(&p, p.a, 2), 0, &qa));
    REQUIRE(isakmp_engine_phase2_keys(eb, pair_sa(&p, p.b, 2), 0, &qb));
    CHECK_MEM(qa.keymat_in, qa.keymat_len, qb.keymat_out, qb.keymat_len);
    CHECK_MEM(qa.keymat_out, qa.keymat_len, qb.keymat_in, qb.keymat_len);

    /* A Main Mode in it: 128-byte KE payloads, the same keys. */
    pair_check_mm_in_group(&p, GROUP, 128);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    pair_free(&p);
}

/* Without accept_private_groups (the default) the same group is refused:
 * by the initiator locally, and (the initiator permissive) by the
 * responder with ATTRIBUTES-NOT-SUPPORTED. */
static void policy_off(void)
{
    REQUIRE(have_prime());
    struct pair p;
    struct isakmp_p1_transform b_p1[2];
    struct isakmp_p2_proposal b_p2;
    private_pair(&p, b_p1, &b_p2);
    p.ca.accept_private_groups = false;
    p.cb.accept_private_groups = false;
    isakmp_handle a1 = start_phase1(&p);
    REQUIRE(a1);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a);
    struct isakmp_new_group g = { GROUP, prime, prime_len, 2 };
    size_t sent = memnet_sent_count(p.net);
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g), 0);
    CHECK_INT(memnet_sent_count(p.net), sent);
    pair_free(&p);
}

/* ---- crafted New Group messages ------------------------------------------ */

struct craft {
    uint32_t doi;
    uint16_t number, type;
    const uint8_t *p;
    size_t p_len;
    const uint8_t *g;               /* generator bytes (TLV when > 2 bytes) */
    size_t g_len;
};

/* Send B a New Group message 1 from A under the ISAKMP SA (keys k, the
 * phase-1 exchange's last CBC block `last`). */
static void send_crafted(struct pair *p, const struct isakmp_phase1_keys *k, const uint8_t last[16],
                         uint32_t msgid, const struct craft *cr)
{
    static uint8_t buf[4096];
    struct isakmp_builder b;
    struct isakmp_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.cky_i, k->cky_i, 8);
    memcpy(h.cky_r, k->cky_r, 8);
    h.major = 1;
    h.exchange = ISAKMP_XCHG_NEW_GROUP;
    h.flags = 1;
    h.msgid = msgid;
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_header(&b, &h);
    uint8_t zero[20] = { 0 };
    size_t hash_at = b.len;
    isakmp_build_data(&b, ISAKMP_PL_HASH, zero, 20);
    size_t sa_at = b.len;
    isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
    isakmp_build_transform_begin(&b, 1, ISAKMP_KEY_IKE);
    isakmp_build_attr_tv(&b, ISAKMP_IKE_GROUP_DESC, cr->number);
    isakmp_build_attr_tv(&b, ISAKMP_IKE_GROUP_TYPE, cr->type);
    isakmp_build_attr_tlv(&b, ISAKMP_IKE_GROUP_PRIME, cr->p, cr->p_len);
    isakmp_build_attr_tlv(&b, ISAKMP_IKE_GROUP_GEN_ONE, cr->g, cr->g_len);
    isakmp_build_transform_end(&b);
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    size_t len = 0;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    /* HASH(1) = prf(SKEYID_a, M-ID | SA). */
    uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8), (uint8_t)msgid };
    struct isakmp_bytes v[2] = { { mid, 4 }, { buf + sa_at, len - sa_at } };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, k->skeyid_a, k->prf_len, v, 2, buf + hash_at + 4));
    /* Pad as the engine does, then CBC under the phase-2 IV. */
    size_t body = len - 28, pad = (16 - body % 16) % 16;
    REQUIRE(len + pad <= sizeof buf);
    for (size_t i = 0; i < pad; i++)
        buf[len + i] = i + 1 == pad ? (uint8_t)(pad - 1) : 0;
    len += pad;
    buf[24] = (uint8_t)(len >> 24); buf[25] = (uint8_t)(len >> 16);
    buf[26] = (uint8_t)(len >> 8); buf[27] = (uint8_t)len;
    uint8_t iv[20];
    struct isakmp_bytes iv_in[2] = { { last, 16 }, { mid, 4 } };
    REQUIRE(isakmp_hash(ISAKMP_HASH_SHA1, iv_in, 2, iv));
    REQUIRE(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, k->enc_key, k->enc_key_len, iv, 16, buf + 28,
                               buf + 28, len - 28) == 0);
    struct isakmp_addr from = memnet_addr(p->net, p->a), to = memnet_addr(p->net, p->b);
    memnet_inject(p->net, buf, len, &from, &to);
}

static void responder_refuses(void)
{
    REQUIRE(have_prime());
    struct pair p;
    struct isakmp_p1_transform b_p1[2];
    struct isakmp_p2_proposal b_p2;
    private_pair(&p, b_p1, &b_p2);
    isakmp_handle a1 = start_phase1(&p);
    REQUIRE(a1 && memnet_sent_count(p.net) == 6);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    struct isakmp_phase1_keys k;
    REQUIRE(isakmp_engine_phase1_keys(ea, a1, &k));
    const struct memnet_packet *m6 = memnet_sent(p.net, 6);
    REQUIRE(m6 && m6->len >= 44);
    uint8_t last[16];
    memcpy(last, m6->bytes + m6->len - 16, 16);

    /* The numbers: even, composite, too big, too small, not safe. */
    static uint8_t even[128], composite[128], huge[1025], small[96], unsafe[128], pm1[128];
    memcpy(even, prime, 128);
    even[127] ^= 1;                                   /* p - 1 */
    memcpy(pm1, even, 128);
    mpz_t z;
    mpz_init(z);
    mpz_import(z, 128, 1, 1, 1, 0, prime);
    mpz_add_ui(z, z, 2);
    while (mpz_probab_prime_p(z, 30))                 /* the next odd composite */
        mpz_add_ui(z, z, 2);
    mpz_export(composite, NULL, 1, 1, 1, 0, z);
    mpz_import(z, 128, 1, 1, 1, 0, prime);
    make_unsafe_prime(unsafe);
    mpz_clear(z);
    memset(huge, 0xff, sizeof huge);
    size_t small_len = make_safe_prime(768, 7, small);
    REQUIRE(small_len == 96);
    const uint8_t g2[] = { 2 }, g1[] = { 1 };
    struct craft cases[] = {
        { ISAKMP_DOI_IPSEC, 40001, ISAKMP_GROUP_TYPE_MODP, even, 128, g2, 1 },
        { ISAKMP_DOI_IPSEC, 40002, ISAKMP_GROUP_TYPE_MODP, composite, 128, g2, 1 },
        { ISAKMP_DOI_IPSEC, 40003, ISAKMP_GROUP_TYPE_MODP, prime, 128, g1, 1 },
        { ISAKMP_DOI_IPSEC, 40004, ISAKMP_GROUP_TYPE_MODP, prime, 128, pm1, 128 },
        { ISAKMP_DOI_IPSEC, 40005, ISAKMP_GROUP_TYPE_MODP, huge, sizeof huge, g2, 1 },
        { ISAKMP_DOI_IPSEC, 40006, ISAKMP_GROUP_TYPE_MODP, small, small_len, g2, 1 },
        { ISAKMP_DOI_IPSEC, 40007, ISAKMP_GROUP_TYPE_MODP, unsafe, 128, g2, 1 },
        { ISAKMP_DOI_IPSEC, 40008, ISAKMP_GROUP_TYPE_ECP, prime, 128, g2, 1 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memnet_clear_events(p.net);
        send_crafted(&p, &k, last, 0x10000000u + (uint32_t)i, &cases[i]);
        memnet_run(p.net, memnet_now(p.net) + 2 * SEC);
        const struct isakmp_event *f = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
        CHECK_MSG(f && f->u.exchange.exchange_type == ISAKMP_XCHG_NEW_GROUP &&
                      f->u.exchange.notify == ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED,
                  "case %zu: B did not refuse with ATTRIBUTES-NOT-SUPPORTED (notify %u)", i,
                  f ? f->u.exchange.notify : 0);
        CHECK_MSG(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_REJECTED) == 0, "case %zu: rejected", i);
        CHECK_INT(isakmp_engine_private_group_bits(eb, cases[i].number), 0);
        /* A hears it (protected Informational). */
        const struct isakmp_event *nr = memnet_last(p.net, p.a, ISAKMP_EV_NOTIFY_RECEIVED);
        CHECK_MSG(nr && nr->u.notify.type == ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED && nr->u.notify.protected_,
                  "case %zu: A did not receive the Notify", i);
    }
    /* The crafting is right: the good prime the same way is accepted. */
    memnet_clear_events(p.net);
    struct craft good = { ISAKMP_DOI_IPSEC, 40009, ISAKMP_GROUP_TYPE_MODP, prime, 128, g2, 1 };
    send_crafted(&p, &k, last, 0x20000000u, &good);
    memnet_run(p.net, memnet_now(p.net) + 2 * SEC);
    CHECK_INT(memnet_count_xchg(p.net, p.b, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(isakmp_engine_private_group_bits(eb, 40009), 1024);
    /* The ISAKMP SA is unharmed. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 0);

    /* And the initiator refuses the same groups before sending anything. */
    size_t sent = memnet_sent_count(p.net);
    struct isakmp_new_group bad[] = {
        { 41001, even, 128, 2 }, { 41002, composite, 128, 2 }, { 41003, prime, 128, 1 },
        { 41005, huge, sizeof huge, 2 }, { 41006, small, small_len, 2 }, { 41007, unsafe, 128, 2 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &bad[i]) == 0, "initiator case %zu", i);
    CHECK_INT(memnet_sent_count(p.net), sent);
    pair_free(&p);
}

/* Wider policies: a 768-bit minimum takes the 768-bit safe prime (but
 * still no unsafe prime); allow_unsafe_primes takes a prime whose
 * (p-1)/2 is composite. */
static void wider_policy(void)
{
    struct pair p;
    struct isakmp_p1_transform b_p1[2];
    struct isakmp_p2_proposal b_p2;
    private_pair(&p, b_p1, &b_p2);
    p.ca.private_group_min_bits = p.cb.private_group_min_bits = 768;
    isakmp_handle a1 = start_phase1(&p);
    REQUIRE(a1);
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    uint8_t small[96];
    REQUIRE(make_safe_prime(768, 7, small) == 96);
    struct isakmp_new_group g = { 40100, small, 96, 2 };
    REQUIRE(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    CHECK_INT(isakmp_engine_private_group_bits(eb, 40100), 768);
    CHECK_INT(isakmp_engine_private_group_bits(ea, 40100), 768);
    /* Not safe: refused by this policy, accepted once both allow it. */
    REQUIRE(have_prime());
    uint8_t unsafe[128];
    make_unsafe_prime(unsafe);
    struct isakmp_new_group u = { 40101, unsafe, 128, 2 };
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &u), 0);
    pair_free(&p);
    private_pair(&p, b_p1, &b_p2);
    p.ca.allow_unsafe_primes = p.cb.allow_unsafe_primes = true;
    a1 = start_phase1(&p);
    REQUIRE(a1);
    ea = memnet_engine(p.net, p.a);
    eb = memnet_engine(p.net, p.b);
    REQUIRE(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &u));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    CHECK_INT(isakmp_engine_private_group_bits(eb, 40101), 1024);
    pair_free(&p);
}

int main(void)
{
    RUN(checks);
    RUN(define_and_use);
    RUN(policy_off);
    RUN(responder_refuses);
    RUN(wider_policy);
    return check_summary();
}
