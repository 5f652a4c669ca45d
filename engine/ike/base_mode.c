/* The RFC 2408 §4 exchanges that IKE (RFC 2409) does not use, run with
 * IKE's pre-shared-key or RSA signature authentication and key
 * schedule.  Everything is in the clear: neither exchange protects
 * identities.
 *
 * Base Exchange (RFC 2408 §4.4):
 *     I -> R  HDR, SA, Ni                     (1)
 *     R -> I  HDR, SA, Nr                     (2)
 *     I -> R  HDR, KE, IDii, HASH_I           (3)
 *     R -> I  HDR, KE, IDir, HASH_R           (4)
 *   SKEYID = prf(PSK, Ni_b | Nr_b) is known after (2); SKEYID_d/a/e,
 *   the cipher key and the IV come from g^xy exactly as in IKE.  The
 *   initiator proves itself in (3), before it has g^xr, so its hash
 *   leaves g^xr out (as KAME racoon's Base Mode does):
 *     HASH_I = prf(SKEYID, g^xi | CKY-I | CKY-R | SAi_b | IDii_b)
 *     HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)  (IKE's)
 *
 * Authentication Only (RFC 2408 §4.6):
 *     I -> R  HDR, SA, Ni                     (1)
 *     R -> I  HDR, SA, Nr, IDir, HASH_R       (2)
 *     I -> R  HDR, IDii, HASH_I               (3)
 *   IKE's hashes without the (absent) public values:
 *     HASH_R = prf(SKEYID, CKY-R | CKY-I | SAi_b | IDir_b)
 *     HASH_I = prf(SKEYID, CKY-I | CKY-R | SAi_b | IDii_b)
 *   What it establishes: each side has proved knowledge of the PSK bound
 *   to both nonces, the cookies, the initiator's SA offer and its own
 *   identity - an authenticated ISAKMP SA (events, lifetime) with NO key
 *   material: no KE, no g^xy, so no SKEYID_d/a/e, no cipher key, no
 *   Quick Mode and no protected Informational under it
 *   (isakmp_engine_phase1_keys returns false).  Nothing can authenticate
 *   a Delete for it either: none is sent (isakmp_engine_delete removes it
 *   locally) and an unprotected one is not believed; it ends by lifetime.
 *   The negotiated transform still names a cipher, hash and group (the
 *   hash is the PRF); the cipher and group are unused.
 *
 * RSA signatures (RFC 2409 §5.1 method 3) replace each HASH with a SIG
 * payload signing the same kind of hash, and may bring CERT / CR payloads
 * (ike_cert.c: CR in 1 and 2, CERT next to the SIG).  SKEYID for
 * signatures needs g^xy, which the Base initiator does not have when it
 * signs in (3), and Authentication Only never has: those hashes are keyed
 * by hash(Ni_b | Nr_b) instead, as KAME racoon's Base Mode does:
 *     Base        HASH_I = prf(hash(Ni_b | Nr_b), g^xi | CKY-I | CKY-R | SAi_b | IDii_b)
 *                 HASH_R = IKE's, SKEYID = prf(Ni_b | Nr_b, g^xy)
 *     Auth Only   HASH_I = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R | SAi_b | IDii_b)
 *                 HASH_R = prf(hash(Ni_b | Nr_b), CKY-R | CKY-I | SAi_b | IDir_b)
 * (the key is public: the signature, not the PRF key, is the proof).
 *
 * Both: pre-shared keys (found by the peer's address, or for the Base
 * responder by the identity in message 3) or RSA signatures, one method
 * for every transform offered; no vendor IDs sent, no INITIAL-CONTACT; a
 * responder takes them only when config.allow_base / allow_auth_only is
 * set. */
#include "ike/ike.h"
#include "ike/ike_cert.h"
#include "isakmp/secmem.h"

#include <string.h>

#define PL FW_PL

static bool auth_only(const struct fw_ctx *c)
{
    return c->sa->exchange_type == ISAKMP_XCHG_AUTH_ONLY;
}

static void header(struct fw_ctx *c, struct isakmp_builder *b, uint8_t *buf, size_t cap)
{
    isakmp_build_init(b, buf, cap);
    fw_build_header(b, c->sa->cky_i, c->sa->cky_r, c->sa->exchange_type, 0, 0);
}

static bool sig(const struct ike_sa *k)
{
    return k->t.auth == ISAKMP_AUTH_RSA_SIG;
}

/* The hashes of the table above.  `initiator`: HASH_I, else HASH_R. */
static bool proof(const struct fw_sa *sa, bool initiator, const uint8_t *id_b, size_t id_len,
                  uint8_t *out, size_t *out_len)
{
    const struct ike_sa *k = ike_of(sa);
    bool base = sa->exchange_type == ISAKMP_XCHG_BASE;
    if (!k->sai_b)
        return false;
    if (base && !initiator)
        return k->prf_len && ike_hash_auth(sa, false, id_b, id_len, out, out_len);
    uint8_t key[IKE_MAX_HASH];
    size_t klen = k->prf_len;
    if (sig(k)) {
        struct ike_iov nn[] = { { k->ni, k->ni_len }, { k->nr, k->nr_len } };
        klen = ike_hash_len(k->t.hash);
        if (!k->ni || !k->nr || !klen || klen > sizeof key || !ike_hash(k->t.hash, nn, 2, key))
            return false;
    } else {
        if (!klen)
            return false;
        memcpy(key, k->skeyid, klen);
    }
    const uint8_t *c1 = initiator ? sa->cky_i : sa->cky_r, *c2 = initiator ? sa->cky_r : sa->cky_i;
    struct ike_iov v[] = {
        { k->gxi, base ? k->gxi_len : 0 }, { c1, 8 }, { c2, 8 },
        { k->sai_b, k->sai_b_len }, { id_b, id_len },
    };
    *out_len = klen;
    bool ok = ike_prf(k->t.hash, key, klen, v, 5, out);
    isakmp_wipe(key, sizeof key);
    return ok;
}

/* Append ID and HASH, or ID, [CERT] and SIG (our identity and proof). */
static bool put_id_proof(struct fw_ctx *c, struct isakmp_builder *b, bool initiator)
{
    uint8_t id[IKE_ID_BODY_MAX], h[IKE_MAX_HASH];
    size_t id_len = ike_my_id_body(c->e, c->sa, id), hl;
    if (!proof(c->sa, initiator, id, id_len, h, &hl))
        return false;
    isakmp_build_data(b, ISAKMP_PL_ID, id, id_len);
    if (!sig(ike_of(c->sa))) {
        isakmp_build_data(b, ISAKMP_PL_HASH, h, hl);
        return true;
    }
    uint8_t s[IKE_MAX_SIG];
    size_t sl;
    ike_cert_put(c, b);
    if (!ike_rsa_sign(c->e, h, hl, s, sizeof s, &sl))
        return false;
    isakmp_build_data(b, ISAKMP_PL_SIG, s, sl);
    return true;
}

/* The peer's ID (into k->peer_id, checked against what we expect) and
 * its HASH.  0 or a Notify type (*why the failure reason). */
static uint16_t check_id_proof(struct fw_ctx *c, bool peer_is_initiator, enum isakmp_fail_reason *why)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *id = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    const struct isakmp_payload *hp = fw_msg_find(c->m, ISAKMP_PL_HASH, 0);
    *why = ISAKMP_FAIL_ID;
    if (!ike_parse_id(id->body.p, id->body.len, &k->peer_id))
        return ISAKMP_N_INVALID_ID_INFORMATION;
    const struct isakmp_identity *want = c->sa->ini ? &c->sa->ini->peer_id_expected : NULL;
    if (want && want->type && (want->type != k->peer_id.type || want->len != k->peer_id.len ||
                               memcmp(want->data, k->peer_id.data, want->len) != 0))
        return ISAKMP_N_INVALID_ID_INFORMATION;
    uint8_t h[IKE_MAX_HASH];
    size_t hl;
    if (sig(k)) {
        uint16_t n = ike_cert_take(c, why);
        if (n)
            return n;
        const struct isakmp_payload *sp = fw_msg_find(c->m, ISAKMP_PL_SIG, 0);
        *why = ISAKMP_FAIL_NO_CREDENTIAL;
        if (!ike_rsa_have_peer(c->e, c->sa, &k->peer_id))
            return ISAKMP_N_INVALID_ID_INFORMATION;
        *why = ISAKMP_FAIL_AUTH;
        if (!proof(c->sa, peer_is_initiator, id->body.p, id->body.len, h, &hl) ||
            !ike_rsa_verify(c->e, c->sa, &k->peer_id, h, hl, sp->body.p, sp->body.len))
            return ISAKMP_N_INVALID_SIGNATURE;
        return 0;
    }
    *why = ISAKMP_FAIL_AUTH;
    if (!proof(c->sa, peer_is_initiator, id->body.p, id->body.len, h, &hl) ||
        hl != hp->body.len || !isakmp_memeq_ct(h, hp->body.p, hl))
        return ISAKMP_N_INVALID_HASH_INFORMATION;
    return 0;
}

/* Base: our key pair and public value (g^xi or g^xr). */
static bool make_ke(struct fw_ctx *c, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    if (!ike_make_ke(c, k->t.group, &k->dh))
        return false;
    size_t len;
    const uint8_t *pub = ike_dh_public(k->dh, &len);
    return ike_keep(c->e, initiator ? &k->gxi : &k->gxr, initiator ? &k->gxi_len : &k->gxr_len, pub, len);
}

/* Base: the peer's KE, then g^xy and IKE's key schedule. */
static enum fw_verdict take_ke_derive(struct fw_ctx *c, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    if (ke->body.len != ike_group_public_len(c->e, k->t.group))
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    if (!ike_keep(c->e, initiator ? &k->gxr : &k->gxi, initiator ? &k->gxr_len : &k->gxi_len,
              ke->body.p, ke->body.len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    return FW_OK;
}

/* ---- initiator ------------------------------------------------------------------ */

enum fw_verdict ike_base_initiate(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return FW_FAIL;
    /* No keys, so nothing can run under an Authentication Only SA. */
    if (auth_only(c) && c->sa->ini->p2req.n_p2)
        return FW_FAIL;
    /* One method for all: message 2 of Authentication Only has its shape. */
    uint16_t auth = c->sa->ini->offer[0].auth;
    for (size_t i = 0; i < c->sa->ini->n_offer; i++)
        if (!ike_p1_supported(c->e, &c->sa->ini->offer[i]) || c->sa->ini->offer[i].auth != auth ||
            (auth != ISAKMP_AUTH_PSK && auth != ISAKMP_AUTH_RSA_SIG))
            return FW_FAIL;
    if (auth == ISAKMP_AUTH_PSK && !ike_find_psk(c, &c->sa->ini->peer_id_expected)) {
        c->reason = ISAKMP_FAIL_NO_CREDENTIAL;
        return FW_FAIL;
    }
    if (!ike_sa_nonce(c->e, &k->ni, &k->ni_len))
        return FW_FAIL;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(c, &b, buf, sizeof buf);
    size_t sa_at = b.len;
    ike_put_p1_sa(&b, c->e->doi->doi, c->sa->ini->offer, c->sa->ini->n_offer);
    size_t sa_end = b.len;
    isakmp_build_data(&b, ISAKMP_PL_NONCE, k->ni, k->ni_len);
    ike_cert_put_cr(c, &b);
    if (b.err || !ike_keep(c->e, &k->sai_b, &k->sai_b_len, b.buf + sa_at + 4, sa_end - sa_at - 4))
        return FW_FAIL;
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : FW_FAIL;
}

/* Message 2 (both): the chosen transform and Nr; SKEYID. */
static enum fw_verdict take_reply(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    uint16_t n = ike_check_p1_reply(c->sa, sa->body.p, sa->body.len, &k->t);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    k->have_t = true;
    if (!ike_sa_take_nonce(c->e, no, &k->nr, &k->nr_len))
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
    ike_cert_note_cr(c);
    if (!sig(k) && !ike_derive_skeyid(c->sa))
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, 0);
    return FW_OK;
}

static enum fw_verdict base_i2(struct fw_ctx *c)
{
    enum fw_verdict v = take_reply(c);
    if (v != FW_OK)
        return v;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(c, &b, buf, sizeof buf);
    if (!make_ke(c, true))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    isakmp_build_data(&b, ISAKMP_PL_KE, ike_of(c->sa)->gxi, ike_of(c->sa)->gxi_len);
    if (!put_id_proof(c, &b, true) || !fw_xchg_send(c, c->x, &b, false, true))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    return FW_OK;
}

static enum fw_verdict base_i4(struct fw_ctx *c)
{
    enum fw_verdict v = take_ke_derive(c, true);
    if (v == FW_OK)
        v = ike_compute_keys(c);
    if (v != FW_OK)
        return v;
    enum isakmp_fail_reason why;
    uint16_t n = check_id_proof(c, false, &why);
    if (n)
        return ike_fail(c, why, n);
    ike_established(c);
    return FW_OK;
}

static enum fw_verdict auth_i2(struct fw_ctx *c)
{
    enum fw_verdict v = take_reply(c);
    if (v != FW_OK)
        return v;
    enum isakmp_fail_reason why;
    uint16_t n = check_id_proof(c, false, &why);
    if (n)
        return ike_fail(c, why, n);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(c, &b, buf, sizeof buf);
    if (!put_id_proof(c, &b, true) || !fw_xchg_send(c, c->x, &b, false, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_established(c);
    return FW_OK;
}

/* ---- responder ------------------------------------------------------------------ */

static enum fw_verdict r_msg1(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    uint8_t prop_no = 0;
    struct isakmp_bytes raw = { 0 };
    uint16_t n = ike_choose_p1(c->e, sa->body.p, sa->body.len, 0, &k->t, &prop_no, &raw,
                               &k->life_shortened);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    if (k->t.auth != ISAKMP_AUTH_PSK && !sig(k))
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    k->have_t = true;
    if (!ike_sa_take_nonce(c->e, no, &k->ni, &k->ni_len))
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
    ike_cert_note_cr(c);
    /* Authentication Only proves us in message 2: the PSK by address. */
    if (!sig(k) && !ike_find_psk(c, NULL) && auth_only(c))
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, ISAKMP_N_AUTHENTICATION_FAILED);
    if (!ike_keep(c->e, &k->sai_b, &k->sai_b_len, sa->body.p, sa->body.len) ||
        !ike_sa_nonce(c->e, &k->nr, &k->nr_len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(c, &b, buf, sizeof buf);
    ike_put_p1_reply(&b, c->e->doi->doi, prop_no, &raw);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, k->nr, k->nr_len);
    if (auth_only(c) && ((!sig(k) && !ike_derive_skeyid(c->sa)) || !put_id_proof(c, &b, false)))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_cert_put_cr(c, &b);
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

static enum fw_verdict base_r3(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *id = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    struct isakmp_identity peer;
    /* The initiator's identity names its PSK (as in Aggressive Mode). */
    if (!ike_parse_id(id->body.p, id->body.len, &peer))
        return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    if (!sig(k) && (!ike_find_psk(c, &peer) || !ike_derive_skeyid(c->sa)))
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, ISAKMP_N_AUTHENTICATION_FAILED);
    enum fw_verdict v = take_ke_derive(c, false);
    if (v != FW_OK)
        return v;
    enum isakmp_fail_reason why;
    uint16_t n = check_id_proof(c, true, &why);
    if (n)
        return ike_fail(c, why, n);
    if (!make_ke(c, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    if ((v = ike_compute_keys(c)) != FW_OK)
        return v;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(c, &b, buf, sizeof buf);
    isakmp_build_data(&b, ISAKMP_PL_KE, k->gxr, k->gxr_len);
    if (!put_id_proof(c, &b, false) || !fw_xchg_send(c, c->x, &b, false, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_established(c);
    return FW_OK;
}

static enum fw_verdict auth_r3(struct fw_ctx *c)
{
    enum isakmp_fail_reason why;
    uint16_t n = check_id_proof(c, true, &why);
    if (n)
        return ike_fail(c, why, n);
    ike_established(c);
    return FW_OK;
}

#define SA_NONCE (PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_NONCE))
#define KE_ID_HASH (PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH))
#define KE_ID_SIG (PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_SIG))
#define ID_HASH (PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH))
#define ID_SIG (PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_SIG))
#define CERTS (PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR))
#define PSK ISAKMP_AUTH_PSK
#define SIG ISAKMP_AUTH_RSA_SIG

/* Messages 3 and 4 (Base), 2 and 3 (Authentication Only) by method. */
static const struct fw_step base_steps[] = {
    { 1, true, FW_CLEAR, SA_NONCE, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CR), SA_NONCE | PL(ISAKMP_PL_CR),
      r_msg1, 0, 0 },
    { 2, false, FW_CLEAR, SA_NONCE, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CR), KE_ID_HASH | KE_ID_SIG | CERTS,
      base_i2, 0, 0 },
    { 3, true, FW_CLEAR, KE_ID_HASH, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N), KE_ID_HASH, base_r3, PSK, 0 },
    { 3, true, FW_CLEAR, KE_ID_SIG, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N) | CERTS,
      KE_ID_SIG | PL(ISAKMP_PL_CERT), base_r3, SIG, 0 },
    { 4, false, FW_CLEAR, KE_ID_HASH, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N), 0, base_i4, PSK, 0 },
    { 4, false, FW_CLEAR, KE_ID_SIG, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N) | PL(ISAKMP_PL_CERT), 0,
      base_i4, SIG, 0 },
};

const struct fw_exchange_def ike_base_mode = {
    .type = ISAKMP_XCHG_BASE,
    .phase = 1,
    .n_msgs = 4,
    .steps = base_steps,
    .n_steps = sizeof base_steps / sizeof base_steps[0],
};

static const struct fw_step auth_steps[] = {
    { 1, true, FW_CLEAR, SA_NONCE, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CR),
      SA_NONCE | ID_HASH | ID_SIG | CERTS, r_msg1, 0, 0 },
    { 2, false, FW_CLEAR, SA_NONCE | ID_HASH, PL(ISAKMP_PL_VID), ID_HASH, auth_i2, PSK, 0 },
    { 2, false, FW_CLEAR, SA_NONCE | ID_SIG, PL(ISAKMP_PL_VID) | CERTS, ID_SIG | PL(ISAKMP_PL_CERT),
      auth_i2, SIG, 0 },
    { 3, true, FW_CLEAR, ID_HASH, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N), 0, auth_r3, PSK, 0 },
    { 3, true, FW_CLEAR, ID_SIG, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_N) | PL(ISAKMP_PL_CERT), 0, auth_r3,
      SIG, 0 },
};

const struct fw_exchange_def ike_auth_only_mode = {
    .type = ISAKMP_XCHG_AUTH_ONLY,
    .phase = 1,
    .n_msgs = 3,
    .steps = auth_steps,
    .n_steps = sizeof auth_steps / sizeof auth_steps[0],
};
