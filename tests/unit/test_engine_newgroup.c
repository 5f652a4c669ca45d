/* New Group Mode (RFC 2409 §5.6) between two engines: A proposes the
 * RFC 3526 2048-bit MODP prime (read from ../shared/vectors/modp_groups.json,
 * not from the engine) as private group 32768 under a Main Mode SA of
 * group 2.  Checked independently of the engine: both messages are
 * encrypted under the ISAKMP SA with the phase-2 IV of RFC 2409 App. B,
 * carry HASH = prf(SKEYID_a, M-ID | SA), and the SA names the group with
 * Group Description / Type / Prime / Generator.  Then the number is
 * usable: a Quick Mode with PFS group 32768 and a new Main Mode in group
 * 32768 (256-byte KE payloads) complete with equal keys.  Refusals: a
 * prime no group has, a number outside the private range, no SA, and a
 * responder whose table is full (the initiator sees its Notify). */
#include "lib/check.h"
#include "lib/pair.h"
#include "lib/testutil.h"
#include "isakmp/wire.h"
#include "isakmp/cipher.h"
#include "isakmp/prf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message msg;       /* large: off the stack */

static uint8_t *modp_prime(const char *group, size_t *len)
{
    json_t *j = load_shared_json("vectors/modp_groups.json");
    if (!j)
        return NULL;
    uint8_t *p = json_hex(json_object_get(j, group), "p", len);
    json_decref(j);
    return p;
}

static void sha1_cat(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t out[20])
{
    struct isakmp_bytes v[2] = { { a, al }, { b, bl } };
    isakmp_hash(ISAKMP_HASH_SHA1, v, 2, out);
}

/* Decrypt every datagram in order (phase-1 IV chain, then per-M-ID IVs)
 * and check the New Group messages' hashes and SA payloads; *seen counts
 * the New Group messages. */
static void check_ngm_messages(struct pair *p, const struct isakmp_phase1_keys *k,
                               const uint8_t *prime, size_t prime_len, unsigned *seen_out)
{
    size_t n = memnet_sent_count(p->net);
    uint8_t p1_last[16], h[20];
    struct { uint32_t id; uint8_t iv[16]; } ivs[8];
    size_t n_ivs = 0;
    unsigned seen = 0;
    *seen_out = 0;
    uint8_t gxi[1024];
    size_t li = 0;
    for (unsigned s = 1; s <= n; s++) {
        const struct memnet_packet *pk = memnet_sent(p->net, s);
        uint8_t buf[4096];
        if (pk->len > sizeof buf || isakmp_decode(memcpy(buf, pk->bytes, pk->len), pk->len, 0, &msg) != 0) {
            CHECK_MSG(false, "datagram %u does not decode", s);
            continue;
        }
        if (!msg.encrypted) {
            /* Main Mode 3 and 4: IV = hash(g^xi | g^xr). */
            const struct isakmp_payload *ke = isakmp_msg_find(&msg, ISAKMP_PL_KE, 0);
            if (ke && s == 3) {
                memcpy(gxi, ke->u.data.p, ke->u.data.len);
                li = ke->u.data.len;
            } else if (ke && s == 4) {
                sha1_cat(gxi, li, ke->u.data.p, ke->u.data.len, h);
                memcpy(p1_last, h, 16);
            }
            continue;
        }
        uint32_t id = msg.hdr.msgid;
        uint8_t *iv = NULL;
        if (id == 0) {
            iv = p1_last;
        } else {
            for (size_t i = 0; i < n_ivs; i++)
                if (ivs[i].id == id)
                    iv = ivs[i].iv;
            if (!iv) {
                REQUIRE(n_ivs < 8);
                uint8_t mid[4] = { (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
                ivs[n_ivs].id = id;
                sha1_cat(p1_last, 16, mid, 4, h);
                memcpy(ivs[n_ivs].iv, h, 16);
                iv = ivs[n_ivs++].iv;
            }
        }
        size_t blen = pk->len - 28;
        uint8_t next[16];
        memcpy(next, buf + pk->len - 16, 16);
        REQUIRE(isakmp_cbc_decrypt(ISAKMP_ENC_AES_CBC, k->enc_key, k->enc_key_len, iv, 16,
                                   buf + 28, buf + 28, blen) == 0);
        memcpy(iv, next, 16);
        REQUIRE(isakmp_decode_payloads(msg.hdr.next_payload, buf + 28, blen, 0, &msg) == 0);
        if (msg.hdr.exchange != ISAKMP_XCHG_NEW_GROUP)
            continue;
        *seen_out = ++seen;
        CHECK(id != 0);
        /* HDR*, HASH, SA and nothing else. */
        REQUIRE(msg.n_payloads == 2);
        CHECK_INT(msg.payloads[0].type, ISAKMP_PL_HASH);
        CHECK_INT(msg.payloads[1].type, ISAKMP_PL_SA);
        uint8_t mid[4] = { (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8), (uint8_t)id };
        struct isakmp_bytes v[2] = { { mid, 4 }, msg.payloads[1].raw };
        uint8_t want[20];
        REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, k->skeyid_a, k->prf_len, v, 2, want));
        CHECK_MEM(msg.payloads[0].u.data.p, msg.payloads[0].u.data.len, want, 20);
        /* One ISAKMP proposal, one KEY_IKE transform describing the group. */
        struct isakmp_iter pi = isakmp_proposals(&msg.payloads[1].u.sa);
        struct isakmp_proposal prop;
        REQUIRE(isakmp_next_proposal(&pi, &prop) == 1);
        CHECK_INT(prop.protocol, ISAKMP_PROTO_ISAKMP);
        CHECK_INT(prop.n_transforms, 1);
        struct isakmp_iter ti = isakmp_transforms(&prop);
        struct isakmp_transform xf;
        REQUIRE(isakmp_next_transform(&ti, &xf) == 1);
        struct isakmp_attr a;
        REQUIRE(isakmp_attr_find(xf.attrs, ISAKMP_IKE_GROUP_DESC, &a) == 1);
        CHECK_INT(a.value, 32768);
        REQUIRE(isakmp_attr_find(xf.attrs, ISAKMP_IKE_GROUP_TYPE, &a) == 1);
        CHECK_INT(a.value, ISAKMP_GROUP_TYPE_MODP);
        REQUIRE(isakmp_attr_find(xf.attrs, ISAKMP_IKE_GROUP_PRIME, &a) == 1);
        CHECK_MEM(a.data.p, a.data.len, prime, prime_len);
        REQUIRE(isakmp_attr_find(xf.attrs, ISAKMP_IKE_GROUP_GEN_ONE, &a) == 1);
        CHECK_INT(a.value, 2);
    }
}

static void define_and_use(void)
{
    size_t plen = 0;
    uint8_t *prime = modp_prime("14", &plen);
    REQUIRE(prime && plen == 256);
    struct pair p;
    pair_setup(&p, 2, 0, "ngm-secret", "ngm-secret");
    /* B accepts phase 1 in group 2 or in the private group, and PFS in
     * the private group (numbers that match only once defined). */
    struct isakmp_p1_transform b_p1[2] = { memnet_p1(2), memnet_p1(32768) };
    struct isakmp_p2_proposal b_p2 = memnet_p2_esp(32768);
    p.cb.p1 = b_p1;
    p.cb.n_p1 = 2;
    p.cb.p2 = &b_p2;
    p.cb.n_p2 = 1;
    REQUIRE(pair_start(&p));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    isakmp_handle a1 = pair_sa(&p, p.a, 1);
    REQUIRE(a1);
    CHECK_INT(isakmp_engine_group_equivalent(ea, 32768), 0);

    struct isakmp_new_group g = { 32768, prime, plen, 2 };
    isakmp_handle h = isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g);
    CHECK(h != 0);
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    CHECK_INT(memnet_sent_count(p.net), 8);
    CHECK_INT(memnet_count_xchg(p.net, p.a, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(memnet_count_xchg(p.net, p.b, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(memnet_count_xchg(p.net, p.b, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_MESSAGE_REJECTED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_REJECTED), 0);
    const struct isakmp_event *ev = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_COMPLETED);
    REQUIRE(ev);
    CHECK_INT(ev->handle, h);
    CHECK_INT(ev->u.exchange.phase1, a1);
    CHECK_INT(isakmp_engine_group_equivalent(ea, 32768), 14);
    CHECK_INT(isakmp_engine_group_equivalent(eb, 32768), 14);
    CHECK_INT(isakmp_engine_group_equivalent(eb, 32769), 0);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    struct isakmp_phase1_keys k;
    REQUIRE(isakmp_engine_phase1_keys(ea, a1, &k));
    unsigned seen = 0;
    check_ngm_messages(&p, &k, prime, plen, &seen);
    CHECK_INT(seen, 2);

    /* Quick Mode with PFS in the private group. */
    struct isakmp_p2_proposal a_p2 = memnet_p2_esp(32768);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &a_p2;
    pol.n_p2 = 1;
    memnet_clear_events(p.net);
    REQUIRE(isakmp_engine_quick_mode(ea, memnet_now(p.net), a1, &pol));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    ev = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    CHECK_INT(ev->u.sa.phase, 2);
    CHECK_INT(ev->u.sa.pfs_group, 32768);
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    unsigned dh14 = 0;
    for (size_t i = 0; i < n; i++)
        dh14 += evs[i].type == ISAKMP_EV_CRYPTO && evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_SHARED &&
                evs[i].u.crypto.group == 14;
    CHECK_INT(dh14, 1);
    struct isakmp_phase2_keys qa, qb;
    REQUIRE(isakmp_engine_phase2_keys(ea, pair_sa(&p, p.a, 2), 0, &qa));
    REQUIRE(isakmp_engine_phase2_keys(eb, pair_sa(&p, p.b, 2), 0, &qb));
    CHECK_MEM(qa.keymat_in, qa.keymat_len, qb.keymat_out, qb.keymat_len);

    /* A new phase 1 in the private group: 256-byte KE payloads. */
    pair_check_mm_in_group(&p, 32768, 256);
    pair_free(&p);
    free(prime);
}

static void refusals(void)
{
    size_t plen = 0;
    uint8_t *prime = modp_prime("14", &plen);
    REQUIRE(prime && plen == 256);
    struct pair p;
    REQUIRE(pair_init(&p, 2, 0, "ngm-secret", "ngm-secret"));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    struct isakmp_new_group g = { 32768, prime, plen, 2 };
    /* No ISAKMP SA yet. */
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), 1, &g), 0);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_IDPROT, false));
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    isakmp_handle a1 = pair_sa(&p, p.a, 1);
    REQUIRE(a1);
    size_t sent = memnet_sent_count(p.net);
    /* Not a private number; a prime no supported group has; generator 5. */
    g.number = 14;
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g), 0);
    g.number = 40000;
    prime[100] ^= 1;
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g), 0);
    prime[100] ^= 1;
    g.generator = 5;
    CHECK_INT(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g), 0);
    CHECK_INT(memnet_sent_count(p.net), sent);
    g.generator = 2;

    /* Fill B's table (16 private numbers), then one more: B refuses with
     * a protected NO-PROPOSAL-CHOSEN and A's exchange fails with it. */
    for (uint16_t i = 0; i < 16; i++) {
        g.number = (uint16_t)(40000 + i);
        REQUIRE(isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g));
        memnet_run(p.net, memnet_now(p.net) + 2 * SEC);
    }
    CHECK_INT(isakmp_engine_group_equivalent(eb, 40015), 14);
    memnet_clear_events(p.net);
    g.number = 50000;
    isakmp_handle h = isakmp_engine_new_group(ea, memnet_now(p.net), a1, &g);
    REQUIRE(h);
    memnet_run(p.net, memnet_now(p.net) + 5 * SEC);
    const struct isakmp_event *ev = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(ev);
    CHECK_INT(ev->handle, h);
    CHECK_INT(ev->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
    CHECK_INT(ev->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(memnet_count_xchg(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED, ISAKMP_XCHG_NEW_GROUP), 1);
    CHECK_INT(isakmp_engine_group_equivalent(ea, 50000), 0);
    CHECK_INT(isakmp_engine_group_equivalent(eb, 50000), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    /* The ISAKMP SA is unharmed. */
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 0);
    pair_free(&p);
    free(prime);
}

int main(void)
{
    RUN(define_and_use);
    RUN(refusals);
    return check_summary();
}
