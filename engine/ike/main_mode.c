/* Main Mode (Identity Protection exchange), pre-shared keys, RFC 2409 §5
 * and §5.4:
 *     I -> R  HDR, SA                 (1)
 *     R -> I  HDR, SA                 (2)
 *     I -> R  HDR, KE, Ni             (3)
 *     R -> I  HDR, KE, Nr             (4)
 *     I -> R  HDR*, IDii, HASH_I      (5)
 *     R -> I  HDR*, IDir, HASH_R      (6)
 * Vendor IDs may ride along any message; N(INITIAL-CONTACT) message 5.
 * With RSA signatures (§5.1) SIG_I / SIG_R replace HASH_I / HASH_R;
 * with public key encryption (§5.2, and revised §5.3) messages 3 and 4
 * carry the identity and nonce encrypted, and 5 and 6 only the hash:
 * other steps of the table (variant = authentication method). */
#include "ike/ike.h"
#include "ike/nat_t.h"
#include "ike/ike_cert.h"

#include <string.h>

#define PL FW_PL

/* Start a message of this exchange. */
static void header(struct isakmp_builder *b, uint8_t *buf, size_t cap, const struct fw_sa *sa)
{
    isakmp_build_init(b, buf, cap);
    fw_build_header(b, sa->cky_i, sa->cky_r, ISAKMP_XCHG_IDPROT, 0, 0);
}

/* KE and nonce of message 3 or 4 into the SA, then g^xy and the keys. */
static enum fw_verdict take_ke_nonce(struct fw_ctx *c, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    if (k->t.auth == ISAKMP_AUTH_RSA_REV_ENC) {
        /* §5.3: the KE body is encrypted too; checked once opened. */
        uint16_t n = ike_rpke_take(c, !initiator);
        if (n)
            return ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID
                           : n == ISAKMP_N_INVALID_KEY_INFORMATION ? ISAKMP_FAIL_BAD_KE
                                                                   : ISAKMP_FAIL_AUTH, n);
        const struct isakmp_identity *want = c->sa->ini ? &c->sa->ini->peer_id_expected : NULL;
        if (want && want->type && (want->type != k->peer_id.type || want->len != k->peer_id.len ||
                                   memcmp(want->data, k->peer_id.data, want->len) != 0))
            return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
        return FW_OK;
    }
    if (ke->body.len != ike_group_public_len(c->e, k->t.group))
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    if (k->t.auth == ISAKMP_AUTH_RSA_ENC) {
        uint16_t n = ike_pke_take_id_nonce(c, !initiator);
        if (n)
            return ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID : ISAKMP_FAIL_AUTH, n);
        const struct isakmp_identity *want = c->sa->ini ? &c->sa->ini->peer_id_expected : NULL;
        if (want && want->type && (want->type != k->peer_id.type || want->len != k->peer_id.len ||
                                   memcmp(want->data, k->peer_id.data, want->len) != 0))
            return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    } else if (!ike_sa_take_nonce(c->e, no, initiator ? &k->nr : &k->ni,
                                  initiator ? &k->nr_len : &k->ni_len)) {
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
    }
    if (!ike_keep(c->e, initiator ? &k->gxr : &k->gxi, initiator ? &k->gxr_len : &k->gxi_len,
              ke->body.p, ke->body.len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_cert_note_cr(c);
    return FW_OK;
}

/* Our KE + nonce payloads (messages 3 and 4). */
static bool put_ke_nonce(struct fw_ctx *c, struct isakmp_builder *b, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    if (!ike_make_ke(c, k->t.group, &k->dh))
        return false;
    size_t len;
    const uint8_t *pub = ike_dh_public(k->dh, &len);
    if (!ike_keep(c->e, initiator ? &k->gxi : &k->gxr, initiator ? &k->gxi_len : &k->gxr_len, pub, len))
        return false;
    if (!ike_sa_nonce(c->e, initiator ? &k->ni : &k->nr, initiator ? &k->ni_len : &k->nr_len))
        return false;
    if (k->t.auth == ISAKMP_AUTH_RSA_REV_ENC)  /* §5.3: <N_b>PubKey, <KE_b>Ne, <ID_b>Ne */
        return ike_rpke_put(c, b, initiator);
    isakmp_build_data(b, ISAKMP_PL_KE, pub, len);
    if (k->t.auth == ISAKMP_AUTH_RSA_ENC)      /* §5.2: KE, <ID_b>PubKey, <N_b>PubKey */
        return ike_pke_put_id_nonce(c, b, initiator);
    isakmp_build_data(b, ISAKMP_PL_NONCE, initiator ? k->ni : k->nr, initiator ? k->ni_len : k->nr_len);
    ike_cert_put_cr(c, b);                     /* signatures: ask for a certificate */
    return true;
}

/* ID and HASH_I / HASH_R (or SIG_I / SIG_R) of messages 5 and 6, and
 * INITIAL-CONTACT. */
static bool put_id_hash(struct fw_ctx *c, struct isakmp_builder *b, bool initiator)
{
    uint8_t id[IKE_ID_BODY_MAX];
    size_t id_len = ike_my_id_body(c->e, c->sa, id);
    /* With public key encryption the identities went in messages 3/4. */
    if (!ike_is_pke(ike_of(c->sa)->t.auth))
        isakmp_build_data(b, ISAKMP_PL_ID, id, id_len);
    ike_cert_put(c, b);
    if (!ike_put_auth(c, b, initiator, id, id_len))
        return false;
    if (initiator && c->e->cfg.initial_contact) {
        uint8_t spi[16];
        memcpy(spi, c->sa->cky_i, 8);
        memcpy(spi + 8, c->sa->cky_r, 8);
        isakmp_build_notify(b, c->e->doi->doi, ISAKMP_PROTO_ISAKMP, spi, 16,
                            ISAKMP_N_INITIAL_CONTACT, NULL, 0);
    }
    return true;
}

/* The peer's ID and HASH (messages 5 and 6): identity, then the hash. */
static enum fw_verdict check_id_hash(struct fw_ctx *c, bool peer_is_initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    uint8_t idb[IKE_ID_BODY_MAX];
    size_t idb_len;
    if (ike_is_pke(k->t.auth)) {
        idb_len = ike_peer_id_body(k, idb);         /* decrypted in message 3/4 */
    } else {
        const struct isakmp_payload *id = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
        if (!ike_parse_id(id->body.p, id->body.len, &k->peer_id))
            return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
        idb_len = id->body.len;
        memcpy(idb, id->body.p, idb_len);
    }
    enum isakmp_fail_reason why;
    uint16_t n = ike_cert_take(c, &why);      /* the key of a CERT, when one is sent */
    if (n)
        return ike_fail(c, why, n);
    n = ike_check_auth(c, peer_is_initiator, idb, idb_len);
    if (n == ISAKMP_N_INVALID_ID_INFORMATION)
        return ike_fail(c, ISAKMP_FAIL_ID, n);
    if (n) {
        /* A wrong HASH/SIG: dropped without a state change and counted;
         * the exchange fails at config.auth_failures_max of them
         * (isakmp/auth_failures.c) - one altered datagram must not end
         * it.  Nor may a key from its CERT check the genuine one. */
        ike_cert_sa_free(c->e, k);
        c->reject = ISAKMP_REJECT_BAD_HASH;
        c->notify = n;
        return FW_DROP;
    }
    const struct isakmp_identity *want = c->sa->ini ? &c->sa->ini->peer_id_expected : NULL;
    if (want && want->type && (want->type != k->peer_id.type || want->len != k->peer_id.len ||
                       memcmp(want->data, k->peer_id.data, want->len) != 0))
        return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_N); i++) {
        const struct isakmp_payload *n = fw_msg_find(c->m, ISAKMP_PL_N, i);
        if (n->u.notify.type == ISAKMP_N_INITIAL_CONTACT)
            fw_initial_contact(c->e, c->sa);
    }
    return FW_OK;
}

static void established(struct fw_ctx *c)
{
    ike_established(c);
}

/* ---- initiator ------------------------------------------------------------------ */

enum fw_verdict ike_main_initiate(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return FW_FAIL;
    bool psk_only = true;
    for (size_t i = 0; i < c->sa->ini->n_offer; i++) {
        if (!ike_p1_supported(c->e, &c->sa->ini->offer[i]))
            return FW_FAIL;
        psk_only &= c->sa->ini->offer[i].auth == ISAKMP_AUTH_PSK;
    }
    if (!ike_find_psk(c, &c->sa->ini->peer_id_expected) && psk_only) {
        c->reason = ISAKMP_FAIL_NO_CREDENTIAL;
        return FW_FAIL;
    }
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    size_t sa_at = b.len;
    ike_put_p1_sa(&b, c->e->doi->doi, c->sa->ini->offer, c->sa->ini->n_offer);
    ike_put_vendor_ids(&b);
    ike_natt_put_vids(c, &b);
    if (b.err || !ike_keep(c->e, &k->sai_b, &k->sai_b_len, b.buf + sa_at + 4, isakmp_get16(b.buf + sa_at + 2) - 4u))
        return FW_FAIL;
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : FW_FAIL;
}

static enum fw_verdict i_msg2(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    ike_note_vendor_ids(c->sa, c->m);
    ike_natt_note_vids(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    uint16_t n = ike_check_p1_reply(c->sa, sa->body.p, sa->body.len, &k->t);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    k->have_t = true;
    if (k->t.auth == ISAKMP_AUTH_PSK && !k->psk)
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, 0);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    if (!put_ke_nonce(c, &b, true))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_natt_put_natd(c, &b, &c->sa->local, &c->sa->peer);
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

static enum fw_verdict i_msg4(struct fw_ctx *c)
{
    uint16_t nn = ike_natt_check_natd(c, c->to, c->from);
    if (nn)
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, nn);
    enum fw_verdict v = take_ke_nonce(c, true);
    if (v == FW_OK)
        v = ike_compute_keys(c);
    if (v != FW_OK)
        return v;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    if (!put_id_hash(c, &b, true))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_natt_float_if_needed(c);           /* RFC 3947 §4: message 5 on 4500 */
    return fw_xchg_send(c, c->x, &b, true, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

static enum fw_verdict i_msg6(struct fw_ctx *c)
{
    enum fw_verdict v = check_id_hash(c, false);
    if (v != FW_OK)
        return v;
    established(c);
    return FW_OK;
}

/* ---- responder ------------------------------------------------------------------ */

/* Choose a transform from the initiator's SA payload and write message 2.
 * Shared by the stateful and the stateless responder. */
static enum fw_verdict choose_and_reply(struct fw_ctx *c, const struct isakmp_payload *sa,
                                        struct isakmp_p1_transform *t, struct isakmp_builder *b,
                                        bool *shortened_out)
{
    uint8_t prop_no = 0;
    struct isakmp_bytes raw = { 0 };
    bool shortened;
    uint16_t n = ike_choose_p1(c->e, sa->body.p, sa->body.len, 0, t, &prop_no, &raw, &shortened);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    *shortened_out = shortened;
    /* Main Mode PSK can only be found by address (the ID comes later,
     * encrypted under a key made from the PSK). */
    if (t->auth == ISAKMP_AUTH_PSK && !ike_psk_lookup(c->e, &c->sa->peer, NULL))
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, ISAKMP_N_AUTHENTICATION_FAILED);
    fw_build_header(b, c->sa->cky_i, c->sa->cky_r, ISAKMP_XCHG_IDPROT, 0, 0);
    ike_put_p1_reply(b, c->e->doi->doi, prop_no, &raw);
    ike_put_vendor_ids(b);
    return b->err ? ike_fail(c, ISAKMP_FAIL_LOCAL, 0) : FW_OK;
}

static enum fw_verdict r_msg1(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_note_vendor_ids(c->sa, c->m);
    ike_natt_note_vids(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    enum fw_verdict v = choose_and_reply(c, sa, &k->t, &b, &k->life_shortened);
    if (v != FW_OK)
        return v;
    ike_natt_put_vids(c, &b);
    k->have_t = true;
    if ((k->t.auth == ISAKMP_AUTH_PSK && !ike_find_psk(c, NULL)) ||
        !ike_keep(c->e, &k->sai_b, &k->sai_b_len, sa->body.p, sa->body.len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

enum fw_verdict ike_main_stateless_reply(struct fw_ctx *c, struct isakmp_builder *reply,
                                         uint8_t *blob, size_t *blob_len)
{
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    struct isakmp_p1_transform t;
    bool shortened;
    if (!sa || sa->body.len > FW_STATELESS_BLOB)
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, 0);
    enum fw_verdict v = choose_and_reply(c, sa, &t, reply, &shortened);
    if (v != FW_OK)
        return v;
    /* What message 3 cannot bring back: the SA payload HASH_I covers. */
    memcpy(blob, sa->body.p, sa->body.len);
    *blob_len = sa->body.len;
    return FW_OK;
}

bool ike_main_stateless_resume(struct fw_ctx *c, const uint8_t *blob, size_t blob_len)
{
    struct ike_sa *k = ike_sa_get(c);
    uint8_t prop_no;
    struct isakmp_bytes raw;
    /* The choice is a function of the SA payload and our configuration:
     * made again, it is the one message 2 announced. */
    /* (The DPD vendor ID of message 1 is not kept in the blob: a
     * stateless responder does not start DPD.) */
    if (!k || ike_choose_p1(c->e, blob, blob_len, 0, &k->t, &prop_no, &raw, &k->life_shortened) != 0 ||
        (k->t.auth == ISAKMP_AUTH_PSK && !ike_find_psk(c, NULL)) ||
        !ike_keep(c->e, &k->sai_b, &k->sai_b_len, blob, blob_len))
        return false;
    k->have_t = true;
    return true;
}

static enum fw_verdict r_msg3(struct fw_ctx *c)
{
    uint16_t nn = ike_natt_check_natd(c, c->to, c->from);
    if (nn)
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, nn);
    enum fw_verdict v = take_ke_nonce(c, false);
    if (v != FW_OK)
        return v;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    if (!put_ke_nonce(c, &b, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_natt_put_natd(c, &b, c->to, c->from);
    if ((v = ike_compute_keys(c)) != FW_OK)
        return v;
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

static enum fw_verdict r_msg5(struct fw_ctx *c)
{
    enum fw_verdict v = check_id_hash(c, true);
    if (v != FW_OK)
        return v;
    /* Some initiators (strongSwan) ask for our certificate only here,
     * with their own CERT and SIG: "if asked" answers it in message 6. */
    ike_cert_note_cr(c);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    if (!put_id_hash(c, &b, false) || !fw_xchg_send(c, c->x, &b, true, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    established(c);
    return FW_OK;
}

static const struct fw_step steps[] = {
    { 1, true, FW_CLEAR, PL(ISAKMP_PL_SA), PL(ISAKMP_PL_VID),
      PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_VID), r_msg1, 0, 0 },
    /* (ID: with public key encryption message 3 carries <IDii_b>.) */
    { 2, false, FW_CLEAR, PL(ISAKMP_PL_SA), PL(ISAKMP_PL_VID),
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_NONCE) | PL(ISAKMP_PL_ID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CR),
      i_msg2, 0, 0 },
    /* Public key encryption (§5.2): KE, <ID_b>, <N_b> in 3 and 4, only
     * the hashes in 5 and 6.  Listed before the general steps: the
     * first step that matches is taken. */
    { 3, true, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT) | IKE_NATT_PL_NATD,
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE) | IKE_NATT_PL_NATD, r_msg3, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    { 4, false, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_N), i_msg4, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    { 5, true, FW_ENCRYPTED, PL(ISAKMP_PL_HASH), PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID),
      PL(ISAKMP_PL_HASH), r_msg5, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    { 6, false, FW_ENCRYPTED, PL(ISAKMP_PL_HASH), PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID),
      0, i_msg6, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    /* Revised public key encryption (§5.3): the same payload types. */
    { 3, true, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT) | IKE_NATT_PL_NATD,
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE) | IKE_NATT_PL_NATD, r_msg3, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 4, false, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_N), i_msg4, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 5, true, FW_ENCRYPTED, PL(ISAKMP_PL_HASH), PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID),
      PL(ISAKMP_PL_HASH), r_msg5, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 6, false, FW_ENCRYPTED, PL(ISAKMP_PL_HASH), PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID),
      0, i_msg6, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 3, true, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_NONCE) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CR), r_msg3, 0, 0 },
    { 4, false, FW_CLEAR, PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SIG) | PL(ISAKMP_PL_N) | PL(ISAKMP_PL_CERT),
      i_msg4, 0, 0 },
    /* Messages 5 and 6 by authentication method (RFC 2409 §5.4, §5.1). */
    { 5, true, FW_ENCRYPTED, PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH), r_msg5, ISAKMP_AUTH_PSK, 0 },
    { 5, true, FW_ENCRYPTED, PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_SIG),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_SIG) | PL(ISAKMP_PL_CERT), r_msg5, ISAKMP_AUTH_RSA_SIG, 0 },
    { 6, false, FW_ENCRYPTED, PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT),
      0, i_msg6, ISAKMP_AUTH_PSK, 0 },
    { 6, false, FW_ENCRYPTED, PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_SIG),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CERT),
      0, i_msg6, ISAKMP_AUTH_RSA_SIG, 0 },
};

const struct fw_exchange_def ike_main_mode = {
    .type = ISAKMP_XCHG_IDPROT,
    .phase = 1,
    .n_msgs = 6,
    .steps = steps,
    .n_steps = sizeof steps / sizeof steps[0],
};
