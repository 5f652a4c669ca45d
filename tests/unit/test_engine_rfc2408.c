/* The RFC 2408 §4 exchanges as phase 1 between two engines, pre-shared
 * keys:
 *   Base Exchange (§4.4): SA+Nonce, then KE+ID+HASH each way, in the
 *   clear; both sides derive the same keys and a Quick Mode runs under
 *   the SA.  HASH_I and HASH_R are recomputed here from the messages and
 *   the PSK (SKEYID = prf(PSK, Ni_b | Nr_b)), not taken from the engine.
 *   Authentication Only (§4.6): SA+Nonce, then SA+Nonce+ID+HASH_R, then
 *   ID+HASH_I; no KE anywhere, no DH work, an established SA without key
 *   material (no phase-1 keys, no Quick Mode).
 * Failures: a responder that does not allow them, a wrong PSK. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/wire.h"
#include "isakmp/prf.h"

#include <string.h>

static struct isakmp_message m1, m2, mx;   /* large: off the stack */

static const struct isakmp_payload *decode(const struct memnet_packet *pk, struct isakmp_message *m,
                                           uint8_t type)
{
    if (!pk || isakmp_decode(pk->bytes, pk->len, 0, m) != 0 || m->encrypted)
        return NULL;
    return isakmp_msg_find(m, type, 0);
}

static unsigned count_dh(struct pair *p, int node)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_CRYPTO && (evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_KEYGEN ||
                                                 evs[i].u.crypto.op == ISAKMP_CRYPTO_DH_SHARED);
    return c;
}

/* SKEYID from messages 1 and 2 (the nonces) and the test's PSK. */
static void skeyid_of(struct pair *p, const char *psk, uint8_t out[20])
{
    const struct isakmp_payload *ni = decode(memnet_sent(p->net, 1), &m1, ISAKMP_PL_NONCE);
    const struct isakmp_payload *nr = decode(memnet_sent(p->net, 2), &m2, ISAKMP_PL_NONCE);
    REQUIRE(ni && nr);
    struct isakmp_bytes v[2] = { ni->body, nr->body };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, (const uint8_t *)psk, strlen(psk), v, 2, out));
}

static void base_exchange(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "base-psk", "base-psk");
    p.cb.allow_base = true;
    REQUIRE(pair_start(&p));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_BASE, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_MESSAGE_REJECTED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_REJECTED), 0);
    CHECK_INT(memnet_sent_count(p.net), 4 + 3);
    CHECK_INT(pair_events_malformed(&p, p.a), 0);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    const struct isakmp_event *ev = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_COMPLETED);
    REQUIRE(ev);
    isakmp_handle a1 = pair_sa(&p, p.a, 1), b1 = pair_sa(&p, p.b, 1);
    const struct isakmp_event *est = NULL, *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == 1)
            est = &evs[i];
    REQUIRE(est);
    CHECK_INT(est->u.sa.exchange_type, ISAKMP_XCHG_BASE);

    /* Shape: 1 and 2 SA + NONCE; 3 and 4 KE + ID + HASH, all clear. */
    for (unsigned s = 1; s <= 4; s++) {
        const struct memnet_packet *pk = memnet_sent(p.net, s);
        REQUIRE(pk && isakmp_decode(pk->bytes, pk->len, 0, &mx) == 0);
        CHECK(!mx.encrypted);
        CHECK_INT(mx.hdr.exchange, ISAKMP_XCHG_BASE);
        CHECK_INT(mx.n_payloads, s <= 2 ? 2 : 3);
        CHECK(isakmp_msg_find(&mx, s <= 2 ? ISAKMP_PL_NONCE : ISAKMP_PL_KE, 0) != NULL);
    }

    /* HASH_I = prf(SKEYID, g^xi | CKY-I | CKY-R | SAi_b | IDii_b);
     * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
    uint8_t skeyid[20], want[20];
    skeyid_of(&p, "base-psk", skeyid);
    const struct isakmp_payload *sai = decode(memnet_sent(p.net, 1), &m1, ISAKMP_PL_SA);
    REQUIRE(sai);
    static struct isakmp_message m3, m4;
    REQUIRE(decode(memnet_sent(p.net, 3), &m3, ISAKMP_PL_KE) && decode(memnet_sent(p.net, 4), &m4, ISAKMP_PL_KE));
    const struct isakmp_payload *kei = isakmp_msg_find(&m3, ISAKMP_PL_KE, 0);
    const struct isakmp_payload *ker = isakmp_msg_find(&m4, ISAKMP_PL_KE, 0);
    CHECK_INT(kei->body.len, 256);
    struct isakmp_bytes hi[5] = { kei->body, ISAKMP_BYTES(m3.hdr.cky_i, 8), ISAKMP_BYTES(m3.hdr.cky_r, 8),
                                  sai->body, isakmp_msg_find(&m3, ISAKMP_PL_ID, 0)->body };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, skeyid, 20, hi, 5, want));
    CHECK_MEM(isakmp_msg_find(&m3, ISAKMP_PL_HASH, 0)->body.p, isakmp_msg_find(&m3, ISAKMP_PL_HASH, 0)->body.len,
              want, 20);
    struct isakmp_bytes hr[6] = { ker->body, kei->body, ISAKMP_BYTES(m4.hdr.cky_r, 8),
                                  ISAKMP_BYTES(m4.hdr.cky_i, 8), sai->body,
                                  isakmp_msg_find(&m4, ISAKMP_PL_ID, 0)->body };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, skeyid, 20, hr, 6, want));
    CHECK_MEM(isakmp_msg_find(&m4, ISAKMP_PL_HASH, 0)->body.p, isakmp_msg_find(&m4, ISAKMP_PL_HASH, 0)->body.len,
              want, 20);

    /* Same keys on both sides, SKEYID as computed here. */
    struct isakmp_phase1_keys ka, kb;
    REQUIRE(isakmp_engine_phase1_keys(ea, a1, &ka));
    REQUIRE(isakmp_engine_phase1_keys(eb, b1, &kb));
    CHECK_MEM(ka.skeyid, ka.prf_len, skeyid, 20);
    CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
    CHECK_MEM(ka.skeyid_a, ka.prf_len, kb.skeyid_a, kb.prf_len);
    CHECK_MEM(ka.skeyid_e, ka.prf_len, kb.skeyid_e, kb.prf_len);
    CHECK_MEM(ka.enc_key, ka.enc_key_len, kb.enc_key, kb.enc_key_len);
    struct isakmp_phase2_keys qa, qb;
    REQUIRE(isakmp_engine_phase2_keys(ea, pair_sa(&p, p.a, 2), 0, &qa));
    REQUIRE(isakmp_engine_phase2_keys(eb, pair_sa(&p, p.b, 2), 0, &qb));
    CHECK_MEM(qa.keymat_in, qa.keymat_len, qb.keymat_out, qb.keymat_len);
    pair_free(&p);
}

static void auth_only_exchange(void)
{
    struct pair p;
    pair_setup(&p, 14, 0, "auth-psk", "auth-psk");
    p.cb.allow_auth_only = true;
    REQUIRE(pair_start(&p));
    struct isakmp_engine *ea = memnet_engine(p.net, p.a), *eb = memnet_engine(p.net, p.b);
    /* Nothing can run under it: a Quick Mode request is refused at once. */
    CHECK_INT(pair_initiate(&p, ISAKMP_XCHG_AUTH_ONLY, true), 0);
    CHECK_INT(memnet_sent_count(p.net), 0);
    const struct isakmp_event *ev = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(ev);
    CHECK_INT(ev->u.exchange.reason, ISAKMP_FAIL_LOCAL);
    memnet_clear_events(p.net);
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AUTH_ONLY, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_sent_count(p.net), 3);
    CHECK_INT(pair_events_malformed(&p, p.b), 0);
    /* No key exchange at all. */
    CHECK_INT(count_dh(&p, p.a), 0);
    CHECK_INT(count_dh(&p, p.b), 0);
    for (unsigned s = 1; s <= 3; s++) {
        const struct memnet_packet *pk = memnet_sent(p.net, s);
        REQUIRE(pk && isakmp_decode(pk->bytes, pk->len, 0, &mx) == 0);
        CHECK(!mx.encrypted);
        CHECK_INT(mx.hdr.exchange, ISAKMP_XCHG_AUTH_ONLY);
        CHECK(isakmp_msg_find(&mx, ISAKMP_PL_KE, 0) == NULL);
        CHECK_INT(isakmp_msg_count(&mx, ISAKMP_PL_HASH), s == 1 ? 0 : 1);
    }
    /* HASH_R = prf(SKEYID, CKY-R | CKY-I | SAi_b | IDir_b),
     * HASH_I = prf(SKEYID, CKY-I | CKY-R | SAi_b | IDii_b). */
    uint8_t skeyid[20], want[20];
    skeyid_of(&p, "auth-psk", skeyid);
    const struct isakmp_payload *sai = decode(memnet_sent(p.net, 1), &m1, ISAKMP_PL_SA);
    REQUIRE(sai && decode(memnet_sent(p.net, 2), &m2, ISAKMP_PL_HASH));
    struct isakmp_bytes hr[4] = { ISAKMP_BYTES(m2.hdr.cky_r, 8), ISAKMP_BYTES(m2.hdr.cky_i, 8), sai->body,
                                  isakmp_msg_find(&m2, ISAKMP_PL_ID, 0)->body };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, skeyid, 20, hr, 4, want));
    CHECK_MEM(isakmp_msg_find(&m2, ISAKMP_PL_HASH, 0)->body.p, 20, want, 20);
    REQUIRE(decode(memnet_sent(p.net, 3), &mx, ISAKMP_PL_HASH));
    struct isakmp_bytes hi[4] = { ISAKMP_BYTES(mx.hdr.cky_i, 8), ISAKMP_BYTES(mx.hdr.cky_r, 8), sai->body,
                                  isakmp_msg_find(&mx, ISAKMP_PL_ID, 0)->body };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, skeyid, 20, hi, 4, want));
    CHECK_MEM(isakmp_msg_find(&mx, ISAKMP_PL_HASH, 0)->body.p, 20, want, 20);
    /* Authenticated, but no key material: no keys, no Quick Mode. */
    isakmp_handle a1 = pair_sa(&p, p.a, 1), b1 = pair_sa(&p, p.b, 1);
    REQUIRE(a1 && b1);
    struct isakmp_phase1_keys k;
    CHECK(!isakmp_engine_phase1_keys(ea, a1, &k));
    CHECK(!isakmp_engine_phase1_keys(eb, b1, &k));
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &p.p2a;
    pol.n_p2 = 1;
    CHECK_INT(isakmp_engine_quick_mode(ea, memnet_now(p.net), a1, &pol), 0);
    struct isakmp_stats st;
    isakmp_engine_stats(eb, &st);
    CHECK_INT(st.phase1_sas, 1);
    CHECK_INT(st.half_open, 0);
    /* Deleting it is local: no Delete can be authenticated. */
    size_t sent = memnet_sent_count(p.net);
    CHECK(isakmp_engine_delete(ea, memnet_now(p.net), a1));
    memnet_run(p.net, memnet_now(p.net) + SEC);
    CHECK_INT(memnet_sent_count(p.net), sent);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_DELETED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_DELETED), 0);
    pair_free(&p);
}

/* A responder that does not allow the exchange, and a wrong PSK. */
static void refusals(void)
{
    static const uint8_t types[2] = { ISAKMP_XCHG_BASE, ISAKMP_XCHG_AUTH_ONLY };
    for (int i = 0; i < 2; i++) {
        struct pair p;
        REQUIRE(pair_init(&p, 14, 0, "k", "k"));
        REQUIRE(pair_initiate(&p, types[i], false));
        memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
        const struct isakmp_event *ev = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(ev);
        CHECK_INT(ev->u.exchange.reason, ISAKMP_FAIL_PEER_NOTIFY);
        CHECK_INT(ev->u.exchange.notify, ISAKMP_N_INVALID_EXCHANGE_TYPE);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
        pair_free(&p);

        pair_setup(&p, 14, 0, "right", "wrong");
        p.cb.allow_base = p.cb.allow_auth_only = true;
        REQUIRE(pair_start(&p));
        REQUIRE(pair_initiate(&p, types[i], false));
        memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
        CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 0);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
        /* Base: the responder finds HASH_I wrong; Auth Only: the
         * initiator finds HASH_R wrong. */
        ev = memnet_last(p.net, types[i] == ISAKMP_XCHG_BASE ? p.b : p.a, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(ev);
        CHECK_INT(ev->u.exchange.reason, ISAKMP_FAIL_AUTH);
        CHECK_INT(ev->u.exchange.notify, ISAKMP_N_INVALID_HASH_INFORMATION);
        pair_free(&p);
    }
}

int main(void)
{
    RUN(base_exchange);
    RUN(auth_only_exchange);
    RUN(refusals);
    return check_summary();
}
