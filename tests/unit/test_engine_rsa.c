/* RSA authentication in Main and Aggressive Mode: signatures (RFC 2409
 * §5.1) and public key encryption (§5.2).  Both sides derive the same
 * keys; the wrong key fails with INVALID-SIGNATURE (signatures) or
 * AUTHENTICATION-FAILED (a nonce encrypted to a key we do not hold).
 * Revised public key encryption (§5.3) in Main and Aggressive Mode; in
 * Aggressive Mode only with one cipher suite for every transform offered
 * (KE and ID are encrypted before the responder chooses): an initiator
 * refuses other offers locally, a responder with NO-PROPOSAL-CHOSEN. */
#include "lib/check.h"
#include "lib/pair.h"
#include "isakmp/rsa.h"
#include "isakmp/drbg.h"
#include "isakmp/wire.h"

#include <string.h>

static struct pair_rsa_keys keys;
#define key_a (keys.a)
#define key_b (keys.b)
#define key_c (keys.c)

static bool make_keys(void) { return pair_rsa_keys(&keys); }

static void rsa_setup_group(struct pair *p, struct isakmp_rsa_peer peers[2],
                            const struct isakmp_rsa_key *b_sees_a, uint16_t auth,
                            uint16_t group, uint16_t pfs)
{
    pair_setup_rsa(p, &keys, peers, b_sees_a, auth, group, pfs);
}

static void rsa_setup(struct pair *p, struct isakmp_rsa_peer peers[2],
                      const struct isakmp_rsa_key *b_sees_a, uint16_t auth)
{
    rsa_setup_group(p, peers, b_sees_a, auth, 14, 0);
}

static void rsa_ok_hash(uint8_t xchg, uint16_t auth, uint16_t hash)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    rsa_setup(&p, peers, key_a, auth);
    p.p1a.hash = p.p1b.hash = hash;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, xchg, true));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 2);
    const struct isakmp_event *ev = memnet_last(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED);
    REQUIRE(ev);
    pair_check_phase1_keys(&p);
    /* Signatures: one signature and one verification on each side.
     * Encryption: two encryptions (ID, nonce) and two decryptions. */
    unsigned sign = 0, verify = 0, enc = 0, dec = 0;
    const struct isakmp_event *evs;
    size_t n = memnet_events(p.net, p.b, &evs);
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == ISAKMP_EV_CRYPTO) {
            sign += evs[i].u.crypto.op == ISAKMP_CRYPTO_RSA_SIGN;
            verify += evs[i].u.crypto.op == ISAKMP_CRYPTO_RSA_VERIFY;
            enc += evs[i].u.crypto.op == ISAKMP_CRYPTO_RSA_ENCRYPT;
            dec += evs[i].u.crypto.op == ISAKMP_CRYPTO_RSA_DECRYPT;
        }
    bool sig = auth == ISAKMP_AUTH_RSA_SIG;
    CHECK_INT(sign, sig ? 1 : 0);
    CHECK_INT(verify, sig ? 1 : 0);
    unsigned rsa_ops = auth == ISAKMP_AUTH_RSA_ENC ? 2 : auth == ISAKMP_AUTH_RSA_REV_ENC ? 1 : 0;
    CHECK_INT(enc, rsa_ops);
    CHECK_INT(dec, rsa_ops);
    /* With encryption no identity (ID_IPV4_ADDR 10.0.0.x) crosses the
     * wire in the clear; with signatures in Aggressive Mode both do. */
    unsigned clear_ids = 0;
    for (unsigned k = 1; k <= 4; k++) {
        const struct memnet_packet *pk = memnet_sent(p.net, k);
        if (pk && !(pk->bytes[19] & 1))
            clear_ids += memmem(pk->bytes, pk->len, "\x01\x00\x00\x00\x0a\x00\x00", 7) != NULL;
    }
    CHECK_INT(clear_ids, sig && xchg == ISAKMP_XCHG_AGGRESSIVE ? 2 : 0);
    pair_free(&p);
}

static void rsa_ok(uint8_t xchg, uint16_t auth) { rsa_ok_hash(xchg, auth, ISAKMP_HASH_SHA1); }

/* Every hash with every RSA method and mode: the PRF, the revised-PKE
 * symmetric key (RFC 2409 §5.3: prf(Ni_b, CKY-I), expanded) and the
 * signature hash all follow the negotiated hash. */
static void rsa_every_hash(void)
{
    static const uint16_t hashes[] = { ISAKMP_HASH_MD5, ISAKMP_HASH_SHA1, ISAKMP_HASH_SHA2_256,
                                       ISAKMP_HASH_SHA2_384, ISAKMP_HASH_SHA2_512 };
    static const uint16_t auths[] = { ISAKMP_AUTH_RSA_SIG, ISAKMP_AUTH_RSA_ENC,
                                      ISAKMP_AUTH_RSA_REV_ENC };
    static const uint8_t xchgs[] = { ISAKMP_XCHG_IDPROT, ISAKMP_XCHG_AGGRESSIVE };
    for (size_t h = 0; h < sizeof hashes / sizeof *hashes; h++)
        for (size_t a = 0; a < sizeof auths / sizeof *auths; a++)
            for (size_t x = 0; x < sizeof xchgs / sizeof *xchgs; x++)
                rsa_ok_hash(xchgs[x], auths[a], hashes[h]);
}

static void rsa_wrong_key(uint8_t xchg, uint16_t auth)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    rsa_setup(&p, peers, key_c, auth);       /* B takes C for A's key */
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, xchg, false));
    memnet_run(p.net, memnet_now(p.net) + 120 * SEC);
    if (auth == ISAKMP_AUTH_RSA_SIG) {
        const struct isakmp_event *f = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(f);
        CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_AUTH);
        CHECK_INT(f->u.exchange.notify, ISAKMP_N_INVALID_SIGNATURE);
        CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
    } else {
        /* B encrypts to C: A cannot decrypt B's nonce. */
        const struct isakmp_event *f = memnet_last(p.net, p.a, ISAKMP_EV_EXCHANGE_FAILED);
        REQUIRE(f);
        CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_AUTH);
        CHECK_INT(f->u.exchange.notify, ISAKMP_N_AUTHENTICATION_FAILED);
        CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 0);
    }
    pair_free(&p);
}

static void rsa_main(void) { rsa_ok(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_SIG); }
static void rsa_aggressive(void) { rsa_ok(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_SIG); }
static void rsa_main_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_SIG); }
static void rsa_aggressive_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_SIG); }
static void pke_main(void) { rsa_ok(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_ENC); }
static void pke_aggressive(void) { rsa_ok(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_ENC); }
static void pke_main_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_ENC); }
static void pke_aggressive_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_ENC); }
static void rpke_main(void) { rsa_ok(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_REV_ENC); }
static void rpke_main_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_REV_ENC); }
static void rpke_aggressive(void) { rsa_ok(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_REV_ENC); }
static void rpke_aggressive_wrong_key(void) { rsa_wrong_key(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_REV_ENC); }

/* The matrix for the RSA methods: {Main, Aggressive} x groups
 * {2, 14, 19} x {Quick Mode with PFS, without}; both sides must derive
 * the same phase-1 keys and the same KEYMAT (A's out = B's in). */
static void matrix(uint8_t xchg, uint16_t auth)
{
    REQUIRE(make_keys());
    static const uint16_t groups[] = {2, 14, 19};
    for (size_t g = 0; g < 3; g++)
        for (int with_pfs = 0; with_pfs < 2; with_pfs++) {
            struct pair p;
            struct isakmp_rsa_peer peers[2];
            rsa_setup_group(&p, peers, key_a, auth, groups[g], with_pfs ? groups[g] : 0);
            REQUIRE(pair_start(&p));
            REQUIRE(pair_initiate(&p, xchg, true));
            memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
            unsigned na = memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED);
            unsigned nb = memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED);
            CHECK_MSG(na == 2 && nb == 2, "group %u pfs %d: %u/%u SAs established", groups[g],
                      with_pfs, na, nb);
            struct isakmp_phase1_keys ka, kb;
            struct isakmp_phase2_keys qa, qb;
            if (na == 2 && nb == 2 &&
                isakmp_engine_phase1_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 1), &ka) &&
                isakmp_engine_phase1_keys(memnet_engine(p.net, p.b), pair_sa(&p, p.b, 1), &kb) &&
                isakmp_engine_phase2_keys(memnet_engine(p.net, p.a), pair_sa(&p, p.a, 2), 0, &qa) &&
                isakmp_engine_phase2_keys(memnet_engine(p.net, p.b), pair_sa(&p, p.b, 2), 0, &qb)) {
                CHECK_MEM(ka.enc_key, ka.enc_key_len, kb.enc_key, kb.enc_key_len);
                CHECK_MEM(ka.skeyid_d, ka.prf_len, kb.skeyid_d, kb.prf_len);
                CHECK_MEM(qa.keymat_out, qa.keymat_len, qb.keymat_in, qb.keymat_len);
                CHECK_MEM(qa.keymat_in, qa.keymat_len, qb.keymat_out, qb.keymat_len);
            } else if (na == 2 && nb == 2) {
                CHECK_MSG(false, "group %u pfs %d: keys not available", groups[g], with_pfs);
            }
            pair_free(&p);
        }
}

static void matrix_sig_main(void) { matrix(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_SIG); }
static void matrix_sig_aggressive(void) { matrix(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_SIG); }
static void matrix_pke_main(void) { matrix(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_ENC); }
static void matrix_pke_aggressive(void) { matrix(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_ENC); }
static void matrix_rpke_main(void) { matrix(ISAKMP_XCHG_IDPROT, ISAKMP_AUTH_RSA_REV_ENC); }
static void matrix_rpke_aggressive(void) { matrix(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_AUTH_RSA_REV_ENC); }

/* Revised public key encryption in Aggressive Mode with several
 * transforms.  Same cipher, key length and hash (only the lifetime
 * differs): accepted.  Different ciphers: the initiator refuses to
 * start; and a message 1 whose second transform is edited to 3DES on the
 * way is refused by the responder with NO-PROPOSAL-CHOSEN. */
static void rpke_aggressive_offers(void)
{
    REQUIRE(make_keys());
    struct pair p;
    struct isakmp_rsa_peer peers[2];
    rsa_setup(&p, peers, key_a, ISAKMP_AUTH_RSA_REV_ENC);
    struct isakmp_p1_transform two[2] = { p.p1a, p.p1a };
    two[1].life_seconds = 600;
    p.ca.p1 = two;
    p.ca.n_p1 = 2;
    REQUIRE(pair_start(&p));
    REQUIRE(pair_initiate(&p, ISAKMP_XCHG_AGGRESSIVE, false));
    memnet_run(p.net, memnet_now(p.net) + 10 * SEC);
    CHECK_INT(memnet_count(p.net, p.a, ISAKMP_EV_SA_ESTABLISHED), 1);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 1);

    /* Mixed ciphers in our own offer: not started. */
    struct isakmp_p1_transform mixed[2] = { p.p1a, p.p1a };
    mixed[1].cipher = ISAKMP_ENC_3DES_CBC;
    mixed[1].key_bits = 0;
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p.net, p.a);
    pol.peer = memnet_addr(p.net, p.b);
    pol.exchange_type = ISAKMP_XCHG_AGGRESSIVE;
    pol.p1 = mixed;
    pol.n_p1 = 2;
    size_t sent = memnet_sent_count(p.net);
    CHECK_INT(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol), 0);
    CHECK_INT(memnet_sent_count(p.net), sent);

    /* The two-transform offer again, its message 1 held back, edited
     * (transform 2: AES -> 3DES) and delivered instead. */
    memnet_clear_events(p.net);
    memnet_drop(p.net, (unsigned)sent + 1);
    pol.p1 = two;
    REQUIRE(isakmp_engine_initiate(memnet_engine(p.net, p.a), memnet_now(p.net), &pol));
    const struct memnet_packet *m1 = memnet_sent(p.net, (unsigned)sent + 1);
    REQUIRE(m1);
    static uint8_t buf[8192];
    static struct isakmp_message msg;
    REQUIRE(m1->len <= sizeof buf);
    size_t len = m1->len;
    memcpy(buf, m1->bytes, len);
    struct isakmp_addr from = m1->from, to = m1->to;
    REQUIRE(isakmp_decode(buf, len, 0, &msg) == 0);
    const struct isakmp_payload *sa = isakmp_msg_find(&msg, ISAKMP_PL_SA, 0);
    REQUIRE(sa);
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    REQUIRE(isakmp_next_proposal(&pi, &prop) == 1 && prop.n_transforms == 2);
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform xf;
    REQUIRE(isakmp_next_transform(&ti, &xf) == 1 && isakmp_next_transform(&ti, &xf) == 1);
    /* Encryption Algorithm (TV, type 1) = 7 (AES-CBC) -> 5 (3DES-CBC);
     * the Key Length attribute then names nothing (3DES has a fixed
     * key), which does not matter to the check. */
    uint8_t *x = (uint8_t *)xf.raw.p;
    const uint8_t want[4] = { 0x80, 0x01, 0x00, 0x07 };
    uint8_t *at = memmem(x, xf.raw.len, want, 4);
    REQUIRE(at);
    at[3] = 0x05;
    memnet_partition(p.net, true);              /* A's retransmissions stay away */
    memnet_inject(p.net, buf, len, &from, &to);
    const struct isakmp_event *f = memnet_last(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_NO_PROPOSAL);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_SA_ESTABLISHED), 0);
    /* And without the edit the same bytes are accepted. */
    at[3] = 0x07;
    memnet_clear_events(p.net);
    memnet_inject(p.net, buf, len, &from, &to);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_EXCHANGE_FAILED), 0);
    CHECK_INT(memnet_count(p.net, p.b, ISAKMP_EV_MESSAGE_SENT), 1);
    pair_free(&p);
}

int main(void)
{
    RUN(matrix_sig_main);
    RUN(matrix_sig_aggressive);
    RUN(matrix_pke_main);
    RUN(matrix_pke_aggressive);
    RUN(matrix_rpke_main);
    RUN(matrix_rpke_aggressive);
    RUN(rsa_main);
    RUN(rsa_every_hash);
    RUN(rsa_aggressive);
    RUN(rsa_main_wrong_key);
    RUN(rsa_aggressive_wrong_key);
    RUN(pke_main);
    RUN(pke_aggressive);
    RUN(pke_main_wrong_key);
    RUN(pke_aggressive_wrong_key);
    RUN(rpke_main);
    RUN(rpke_main_wrong_key);
    RUN(rpke_aggressive);
    RUN(rpke_aggressive_wrong_key);
    RUN(rpke_aggressive_offers);
    pair_rsa_keys_free(&keys);
    return check_summary();
}
