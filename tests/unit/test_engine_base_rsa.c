/* RSA signatures in the RFC 2408 Base (§4.4) and Authentication Only
 * (§4.6) exchanges between two engines (engine/ike/base_mode.c).  The
 * signatures on the wire are checked here independently of the engine:
 * the hash each side signs is recomputed from the messages with the
 * documented formulas (racoon's for Base HASH_I) and verified with the
 * signer's public key:
 *   Base      HASH_I = prf(hash(Ni_b | Nr_b), g^xi | CKY-I | CKY-R | SAi_b | IDii_b)
 *   Auth Only HASH_R = prf(hash(Ni_b | Nr_b), CKY-R | CKY-I | SAi_b | IDir_b)
 * Base completes with equal keys and a Quick Mode; Authentication Only
 * with no DH work; a wrong key fails with INVALID-SIGNATURE; with
 * certificates (tests/unit/data/certs) and no configured keys both
 * complete, and a certificate from another CA is refused. */
#include "lib/check.h"
#include "lib/pair.h"
#include "lib/testutil.h"
#include "isakmp/rsa.h"
#include "isakmp/drbg.h"
#include "isakmp/wire.h"
#include "isakmp/prf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message m1, m2, mx;   /* large: off the stack */
static struct pair_rsa_keys keys;
#define key_a (keys.a)
#define key_b (keys.b)
#define key_c (keys.c)

static bool make_keys(void) { return pair_rsa_keys(&keys); }

static void setup(struct pair *p, struct isakmp_rsa_peer peers[2], const struct isakmp_rsa_key *b_sees_a)
{
    pair_setup_rsa(p, &keys, peers, b_sees_a, ISAKMP_AUTH_RSA_SIG, 14, 0);
    p->cb.allow_base = p->cb.allow_auth_only = true;
}

static const struct isakmp_payload *decode(unsigned seq, struct pair *p, struct isakmp_message *m,
                                           uint8_t type)
{
    const struct memnet_packet *pk = memnet_sent(p->net, seq);
    if (!pk || isakmp_decode(pk->bytes, pk->len, 0, m) != 0 || m->encrypted)
        return NULL;
    return isakmp_msg_find(m, type, 0);
}

static unsigned count_ops(struct pair *p, int node, enum isakmp_crypto_op a, enum isakmp_crypto_op b)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    unsigned c = 0;
    for (size_t i = 0; i < n; i++)
        c += evs[i].type == ISAKMP_EV_CRYPTO && (evs[i].u.crypto.op == a || evs[i].u.crypto.op == b);
    return c;
}

/* The SIG of message `seq` verified with `key` over the racoon-style
 * hash: prf(hash(Ni_b | Nr_b), [g^xi |] C1 | C2 | SAi_b | ID_b). */
static void check_sig(struct pair *p, unsigned seq, const struct isakmp_rsa_key *key, bool with_gxi,
                      bool initiator_hash)
{
    const struct isakmp_payload *sa = decode(1, p, &m1, ISAKMP_PL_SA);
    const struct isakmp_payload *ni = isakmp_msg_find(&m1, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *nr = decode(2, p, &m2, ISAKMP_PL_NONCE);
    REQUIRE(sa && ni && nr);
    const struct isakmp_payload *sig = decode(seq, p, &mx, ISAKMP_PL_SIG);
    const struct isakmp_payload *id = isakmp_msg_find(&mx, ISAKMP_PL_ID, 0);
    const struct isakmp_payload *ke = isakmp_msg_find(&mx, ISAKMP_PL_KE, 0);
    REQUIRE(sig && id && (!with_gxi || ke));
    CHECK(isakmp_msg_find(&mx, ISAKMP_PL_HASH, 0) == NULL);
    uint8_t k[20], h[20];
    struct isakmp_bytes nn[2] = { ni->body, nr->body };
    REQUIRE(isakmp_hash(ISAKMP_HASH_SHA1, nn, 2, k));
    const uint8_t *ci = mx.hdr.cky_i, *cr = mx.hdr.cky_r;
    struct isakmp_bytes v[5] = {
        ISAKMP_BYTES(with_gxi ? ke->body.p : NULL, with_gxi ? ke->body.len : 0),
        ISAKMP_BYTES(initiator_hash ? ci : cr, 8), ISAKMP_BYTES(initiator_hash ? cr : ci, 8),
        sa->body, id->body,
    };
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, k, 20, v, 5, h));
    CHECK_INT(isakmp_rsa_verify(key, h, 20, sig->body.p, sig->body.len), ISAKMP_RSA_OK);
    /* And it is not the signature of anything else (a flipped bit). */
    h[0] ^= 1;
    CHECK(isakmp_rsa_verify(key, h, 20, sig->body.p, sig->body.len) != ISAKMP_RSA_OK);
}

static void base_sig(void)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    setup(&p, peers, key_a);
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_BASE, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    const struct isakmp_event *ev = memnet_last(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    pair_check_phase1_keys(&p);
    struct isakmp_phase2_keys qa, qb;
    REQUIRE(isakmp_engine_phase2_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 2), 0, &qa));
    REQUIRE(isakmp_engine_phase2_keys(memnet_engine(p.net, p.b), pair_sa(&p, p.b, 2), 0, &qb));
    CHECK_MEM(qa.keymat_out, qa.keymat_len, qb.keymat_in, qb.keymat_len);
    CHECK_INT(count_ops(&p, p.a, ISAKMP_CRYPTO_RSA_SIGN, ISAKMP_CRYPTO_RSA_SIGN), 1);
    CHECK_INT(count_ops(&p, p.a, ISAKMP_CRYPTO_RSA_VERIFY, ISAKMP_CRYPTO_RSA_VERIFY), 1);
    check_sig(&p, 3, key_a, true, true);          /* HASH_I before g^xy */
    pair_free(&p);
}

static void auth_only_sig(void)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    setup(&p, peers, key_a);
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AUTH_ONLY, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_sent_count(p.net), 3);
    CHECK_INT(count_ops(&p, p.a, ISAKMP_CRYPTO_DH_KEYGEN, ISAKMP_CRYPTO_DH_SHARED), 0);
    CHECK_INT(count_ops(&p, p.b, ISAKMP_CRYPTO_DH_KEYGEN, ISAKMP_CRYPTO_DH_SHARED), 0);
    CHECK_INT(count_ops(&p, p.b, ISAKMP_CRYPTO_RSA_SIGN, ISAKMP_CRYPTO_RSA_SIGN), 1);
    check_sig(&p, 2, key_b, false, false);        /* HASH_R */
    check_sig(&p, 3, key_a, false, true);         /* HASH_I */
    struct isakmp_phase1_keys k;
    CHECK(!isakmp_engine_phase1_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 1), &k));
    pair_free(&p);
}

static void wrong_key(uint8_t xchg)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    setup(&p, peers, key_c);                      /* B takes C for A's key */
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, xchg, false));
    memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
    const struct isakmp_event *f = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_AUTH);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_INVALID_SIGNATURE);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
    pair_free(&p);
}

static void base_wrong_key(void) { wrong_key(ISAKMP_XCHG_BASE); }
static void auth_only_wrong_key(void) { wrong_key(ISAKMP_XCHG_AUTH_ONLY); }

/* ---- with certificates ------------------------------------------------- */

static uint8_t *data(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/unit/data/certs/%s", name);
    return read_file(path, len);
}

static struct isakmp_rsa_key *load_key(const char *name)
{
    size_t len;
    uint8_t *d = data(name, &len);
    struct isakmp_rsa_key *k = NULL;
    if (!d || isakmp_rsa_key_load(d, len, &k, NULL, 0) != ISAKMP_RSA_OK)
        k = NULL;
    free(d);
    return k;
}

static void with_certs(uint8_t xchg, const char *b_cert, uint16_t want_notify)
{
    struct pair p;
    pair_setup(&p, 14, 0, "unused", "unused");
    p.p1a.auth = p.p1b.auth = ISAKMP_AUTH_RSA_SIG;
    size_t l_ca, l_a, l_b;
    struct isakmp_rsa_key *ka = load_key("a.key"), *kb = load_key("b.key");
    uint8_t *ca = data("ca.pem", &l_ca), *ca_ = data("a.pem", &l_a), *cb_ = data(b_cert, &l_b);
    if (ka && kb && ca && ca_ && cb_) {
        struct isakmp_config *c[2] = { &p.ca, &p.cb };
        for (int i = 0; i < 2; i++) {
            c[i]->rsa_key = i ? kb : ka;
            c[i]->cert = i ? cb_ : ca_;
            c[i]->cert_len = i ? l_b : l_a;
            c[i]->ca_certs = ca;
            c[i]->ca_certs_len = l_ca;
            c[i]->send_cr = true;
            c[i]->cert_time_base = 1811808000u;      /* 2027-06-01 */
            c[i]->allow_base = c[i]->allow_auth_only = true;
        }
        CHECK(pair_start(&p));
        /* B (whose certificate varies) initiates. */
        struct isakmp_policy pol;
        memset(&pol, 0, sizeof pol);
        pol.local = memnet_addr(p.net, p.b);
        pol.peer = memnet_addr(p.net, p.a);
        pol.exchange_type = xchg;
        CHECK(isakmp_engine_initiate(memnet_engine(p.net, p.b), memnet_now(p.net), &pol) != 0);
        memnet_run(p.net, memnet_now(p.net) + 60 * SEC);
        if (!want_notify) {
            CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
            CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);
            CHECK_INT(count_ops(&p, p.a, ISAKMP_CRYPTO_RSA_VERIFY, ISAKMP_CRYPTO_RSA_VERIFY), 1);
            /* Both certificates crossed (in the clear: both exchanges). */
            unsigned certs = 0;
            for (unsigned s = 1; s <= memnet_sent_count(p.net); s++)
                certs += decode(s, &p, &mx, ISAKMP_PL_CERT) != NULL;
            CHECK_INT(certs, 2);
        } else {
            const struct isakmp_event *f = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
            CHECK(f && f->u.exchange.notify == want_notify &&
                  f->u.exchange.reason == ISAKMP_FAIL_CERT_UNTRUSTED);
            CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 0);
        }
        pair_free(&p);
    } else {
        CHECK_MSG(false, "test data missing (run from the project root)");
    }
    isakmp_rsa_key_free(ka);
    isakmp_rsa_key_free(kb);
    free(ca);
    free(ca_);
    free(cb_);
}

static void certs_base(void) { with_certs(ISAKMP_XCHG_BASE, "b.pem", 0); }
static void certs_auth_only(void) { with_certs(ISAKMP_XCHG_AUTH_ONLY, "b.pem", 0); }
static void certs_base_other_ca(void)
{
    with_certs(ISAKMP_XCHG_BASE, "b-ca2.pem", ISAKMP_N_INVALID_CERT_AUTHORITY);
}
static void certs_auth_only_other_ca(void)
{
    with_certs(ISAKMP_XCHG_AUTH_ONLY, "b-ca2.pem", ISAKMP_N_INVALID_CERT_AUTHORITY);
}

int main(void)
{
    RUN(base_sig);
    RUN(auth_only_sig);
    RUN(base_wrong_key);
    RUN(auth_only_wrong_key);
    RUN(certs_base);
    RUN(certs_auth_only);
    RUN(certs_base_other_ca);
    RUN(certs_auth_only_other_ca);
    pair_rsa_keys_free(&keys);
    return check_summary();
}
