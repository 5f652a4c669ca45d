/* Aggressive Mode, pre-shared keys, RFC 2409 §5 and §5.4:
 *     I -> R  HDR, SA, KE, Ni, IDii               (1)
 *     R -> I  HDR, SA, KE, Nr, IDir, HASH_R       (2)
 *     I -> R  HDR, HASH_I                         (3)
 * The identities travel in the clear and HASH_R can be attacked offline
 * by anyone who sees message 2 (the weak-PSK lab).  With RSA signatures
 * (§5.1) SIG_R / SIG_I replace HASH_R / HASH_I; with public key
 * encryption (§5.2) the ID and nonce bodies travel encrypted to the
 * other side's RSA key (and the identities are no longer in the clear);
 * with revised public key encryption (§5.3) the nonce is encrypted to
 * the RSA key and KE and ID with the cipher under Ne (ike_pke.c: one
 * cipher suite for every transform offered).  With signatures, optional
 * CR and CERT payloads (ike_cert.c): CR in 1 and 2, CERT in 2 and 3.
 * A message 2 or 3 whose HASH/SIG does not verify is dropped and counted
 * (config.auth_failures_max), the initiator keeping its DH key pair and
 * nonce until message 2 authenticates: a forged or altered message 2
 * does not stop the genuine one from completing the exchange. */
#include "ike/ike.h"
#include "ike/nat_t.h"
#include "ike/ike_cert.h"
#include "isakmp/secmem.h"

#include <string.h>

#define PL FW_PL

static void header(struct isakmp_builder *b, uint8_t *buf, size_t cap, const struct fw_sa *sa)
{
    isakmp_build_init(b, buf, cap);
    fw_build_header(b, sa->cky_i, sa->cky_r, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
}

/* Our KE and nonce; initiator: Ni/g^xi, responder: Nr/g^xr. */
static bool make_ke_nonce(struct fw_ctx *c, uint16_t group, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    if (!ike_make_ke(c, group, &k->dh))
        return false;
    size_t len;
    const uint8_t *pub = ike_dh_public(k->dh, &len);
    if (!ike_keep(c->e, initiator ? &k->gxi : &k->gxr, initiator ? &k->gxi_len : &k->gxr_len, pub, len))
        return false;
    return ike_sa_nonce(c->e, initiator ? &k->ni : &k->nr, initiator ? &k->ni_len : &k->nr_len);
}

static bool id_matches(const struct isakmp_identity *want, const struct isakmp_identity *got)
{
    return !want->type || (want->type == got->type && want->len == got->len &&
                           memcmp(want->data, got->data, want->len) == 0);
}

static void established(struct fw_ctx *c)
{
    ike_established(c);
}

/* A wrong HASH_R/SIG_R (message 2) or HASH_I/SIG_I (message 3) is only
 * as good as a datagram anyone can forge or alter in the clear: dropped
 * without a state change and counted, the exchange failing at
 * config.auth_failures_max of them (isakmp/auth_failures.c), as in Main
 * Mode.  Other notify types (no key for the peer's ID) stay fatal. */
static bool auth_droppable(uint16_t n)
{
    return n == ISAKMP_N_AUTHENTICATION_FAILED || n == ISAKMP_N_INVALID_HASH_INFORMATION ||
           n == ISAKMP_N_INVALID_SIGNATURE;
}

static enum fw_verdict drop_bad_auth(struct fw_ctx *c, uint16_t n)
{
    /* A key taken from the dropped message's CERT must not check the
     * genuine one's SIG. */
    ike_cert_sa_free(c->e, ike_of(c->sa));
    c->reject = ISAKMP_REJECT_BAD_HASH;
    c->notify = n;
    return FW_DROP;
}

/* What message 2 changes before its HASH_R/SIG_R is checked, kept so a
 * dropped one can be undone: our DH key pair stays (ike_compute_keys
 * would free it), the keys derived from the forged values are wiped. */
struct i_msg2_undo {
    struct isakmp_p1_transform t;
    bool have_t, peer_cr, peer_dpd;
    uint8_t natt_variant, natt_vids;
};

static void i_msg2_save(const struct fw_ctx *c, struct i_msg2_undo *u)
{
    const struct ike_sa *k = ike_of(c->sa);
    u->t = k->t;
    u->have_t = k->have_t;
    u->peer_cr = k->peer_cr;
    u->peer_dpd = c->sa->peer_dpd;
    u->natt_variant = c->sa->natt.variant;
    u->natt_vids = c->sa->natt.peer_vids;
}

static enum fw_verdict i_msg2_drop(struct fw_ctx *c, const struct i_msg2_undo *u, uint16_t n)
{
    struct ike_sa *k = ike_of(c->sa);
    k->t = u->t;
    k->have_t = u->have_t;
    k->peer_cr = u->peer_cr;
    c->sa->peer_dpd = u->peer_dpd;
    c->sa->natt.variant = u->natt_variant;
    c->sa->natt.peer_vids = u->natt_vids;
    /* The peer's values of the dropped message go (memory as before). */
    fw_free(c->e, k->gxr);
    fw_free(c->e, k->nr);
    k->gxr = k->nr = NULL;
    k->gxr_len = k->nr_len = 0;
    k->keys = false;
    isakmp_wipe(k->skeyid, sizeof k->skeyid);
    isakmp_wipe(k->skeyid_d, sizeof k->skeyid_d);
    isakmp_wipe(k->skeyid_a, sizeof k->skeyid_a);
    isakmp_wipe(k->skeyid_e, sizeof k->skeyid_e);
    isakmp_wipe(k->enc_key, sizeof k->enc_key);
    return drop_bad_auth(c, n);     /* (the IV is restored by the framework) */
}

/* g^xy and the phase-1 keys, our key pair kept (freed once message 2
 * authenticates). */
static enum fw_verdict i_keys(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    uint8_t gxy[IKE_MAX_DH];
    size_t gxy_len = 0;
    bool ok = k->dh && ike_dh_shared(c->e, k->dh, k->gxr, k->gxr_len, gxy, &gxy_len);
    if (!ok) {
        isakmp_wipe(gxy, sizeof gxy);
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    }
    ok = ike_derive_phase1(c, gxy, gxy_len);
    isakmp_wipe(gxy, sizeof gxy);
    return ok ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

enum fw_verdict ike_aggressive_initiate(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return FW_FAIL;
    /* One KE goes out with the offer, so every transform must use its
     * group; and message 2's shape depends on the method: one for all. */
    uint16_t group = c->sa->ini->offer[0].group, auth = c->sa->ini->offer[0].auth;
    /* Revised public key encryption (§5.3) encrypts KE and ID before a
     * transform is chosen: one cipher, key length and hash for all. */
    if (auth == ISAKMP_AUTH_RSA_REV_ENC &&
        !ike_rpke_single_suite(c->sa->ini->offer, c->sa->ini->n_offer))
        return FW_FAIL;
    for (size_t i = 0; i < c->sa->ini->n_offer; i++)
        if (!ike_p1_supported(c->e, &c->sa->ini->offer[i]) || c->sa->ini->offer[i].group != group ||
            c->sa->ini->offer[i].auth != auth)
            return FW_FAIL;
    if (auth == ISAKMP_AUTH_PSK && !ike_find_psk(c, &c->sa->ini->peer_id_expected)) {
        c->reason = ISAKMP_FAIL_NO_CREDENTIAL;
        return FW_FAIL;
    }
    if (!make_ke_nonce(c, group, true))
        return FW_FAIL;
    uint8_t buf[FW_MAX_MSG], id[IKE_ID_BODY_MAX];
    size_t id_len = ike_my_id_body(c->e, c->sa, id);
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    size_t sa_at = b.len;
    ike_put_p1_sa(&b, c->e->doi->doi, c->sa->ini->offer, c->sa->ini->n_offer);
    if (auth == ISAKMP_AUTH_RSA_REV_ENC) {
        /* §5.3: <Ni_b>PubKey_r, <KE_b>Ke_i, <IDii_b>Ke_i under the suite
         * every transform shares (k->t until the reply names one). */
        k->t = c->sa->ini->offer[0];
        if (!ike_rpke_put(c, &b, true))
            return FW_FAIL;
    } else {
        isakmp_build_data(&b, ISAKMP_PL_KE, k->gxi, k->gxi_len);
        if (auth == ISAKMP_AUTH_RSA_ENC) {
            /* §5.2: <IDii_b>PubKey_r, <Ni_b>PubKey_r. */
            if (!ike_pke_put_id_nonce(c, &b, true))
                return FW_FAIL;
        } else {
            isakmp_build_data(&b, ISAKMP_PL_NONCE, k->ni, k->ni_len);
            isakmp_build_data(&b, ISAKMP_PL_ID, id, id_len);
        }
    }
    ike_cert_put_cr(c, &b);
    ike_put_vendor_ids(&b);
    ike_natt_put_vids(c, &b);
    if (b.err || !ike_keep(c->e, &k->sai_b, &k->sai_b_len, b.buf + sa_at + 4, isakmp_get16(b.buf + sa_at + 2) - 4u))
        return FW_FAIL;
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : FW_FAIL;
}

static enum fw_verdict r_msg1(struct fw_ctx *c)
{
    struct ike_sa *k = ike_sa_get(c);
    if (!k)
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_note_vendor_ids(c->sa, c->m);
    ike_natt_note_vids(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *id = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    uint8_t prop_no = 0;
    struct isakmp_bytes raw = { 0 };
    uint16_t n = ike_choose_p1(c->e, sa->body.p, sa->body.len, 0, &k->t, &prop_no, &raw,
                               &k->life_shortened);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    bool rev = k->t.auth == ISAKMP_AUTH_RSA_REV_ENC;
    if (rev && !ike_rpke_single_suite_body(sa->body.p, sa->body.len))  /* see ike_pke.c */
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    k->have_t = true;
    ike_cert_note_cr(c);
    if (!rev && ke->body.len != ike_group_public_len(c->e, k->t.group))
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    if (ike_is_pke(k->t.auth)) {
        uint16_t n = rev ? ike_rpke_take(c, true) : ike_pke_take_id_nonce(c, true);
        if (n)
            return ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID
                           : n == ISAKMP_N_INVALID_KEY_INFORMATION ? ISAKMP_FAIL_BAD_KE
                                                                   : ISAKMP_FAIL_AUTH, n);
    } else {
        if (!ike_sa_take_nonce(c->e, no, &k->ni, &k->ni_len))
            return ike_fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
        if (!ike_parse_id(id->body.p, id->body.len, &k->peer_id))
            return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    }
    /* (Signatures: the key may still come with message 3's CERT.) */
    if (k->t.auth == ISAKMP_AUTH_PSK ? !ike_find_psk(c, &k->peer_id)
                                     : !ike_rsa_have_peer(c->e, c->sa, &k->peer_id) &&
                                           !(k->t.auth == ISAKMP_AUTH_RSA_SIG && ike_cert_expected(c->e)))
        return ike_fail(c, ISAKMP_FAIL_NO_CREDENTIAL, ISAKMP_N_AUTHENTICATION_FAILED);
    if (!ike_keep(c->e, &k->sai_b, &k->sai_b_len, sa->body.p, sa->body.len) ||
        (!rev && !ike_keep(c->e, &k->gxi, &k->gxi_len, ke->body.p, ke->body.len)) ||
        !make_ke_nonce(c, k->t.group, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    enum fw_verdict v = ike_compute_keys(c);
    if (v != FW_OK)
        return v;
    uint8_t buf[FW_MAX_MSG], myid[IKE_ID_BODY_MAX];
    size_t myid_len = ike_my_id_body(c->e, c->sa, myid);
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    ike_put_p1_reply(&b, c->e->doi->doi, prop_no, &raw);
    if (rev) {
        if (!ike_rpke_put(c, &b, false))       /* <Nr_b>PubKey_i, <KE_b>Ke_r, <IDir_b>Ke_r */
            return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    } else {
        isakmp_build_data(&b, ISAKMP_PL_KE, k->gxr, k->gxr_len);
        if (k->t.auth == ISAKMP_AUTH_RSA_ENC) {
            if (!ike_pke_put_id_nonce(c, &b, false))
                return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
        } else {
            isakmp_build_data(&b, ISAKMP_PL_NONCE, k->nr, k->nr_len);
            isakmp_build_data(&b, ISAKMP_PL_ID, myid, myid_len);
        }
    }
    ike_cert_put(c, &b);
    if (!ike_put_auth(c, &b, false, myid, myid_len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    ike_cert_put_cr(c, &b);
    ike_put_vendor_ids(&b);
    ike_natt_put_vids(c, &b);
    ike_natt_put_natd(c, &b, c->to, c->from);
    return fw_xchg_send(c, c->x, &b, false, true) ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

static enum fw_verdict i_msg2(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    struct i_msg2_undo undo;
    i_msg2_save(c, &undo);
    ike_note_vendor_ids(c->sa, c->m);
    ike_natt_note_vids(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *id = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    uint16_t n = ike_check_p1_reply(c->sa, sa->body.p, sa->body.len, &k->t);
    if (n)
        return ike_fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    bool rev = k->t.auth == ISAKMP_AUTH_RSA_REV_ENC;
    k->have_t = true;
    ike_cert_note_cr(c);
    if (!rev && ke->body.len != ike_group_public_len(c->e, k->t.group))
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    uint8_t idb[IKE_ID_BODY_MAX];
    size_t idb_len;
    if (ike_is_pke(k->t.auth)) {
        if ((n = rev ? ike_rpke_take(c, false) : ike_pke_take_id_nonce(c, false)) != 0)
            return ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID
                           : n == ISAKMP_N_INVALID_KEY_INFORMATION ? ISAKMP_FAIL_BAD_KE
                                                                   : ISAKMP_FAIL_AUTH, n);
        idb_len = ike_peer_id_body(k, idb);
    } else {
        if (!ike_sa_take_nonce(c->e, no, &k->nr, &k->nr_len))
            return ike_fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
        if (!ike_parse_id(id->body.p, id->body.len, &k->peer_id))
            return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
        idb_len = id->body.len;
        memcpy(idb, id->body.p, idb_len);
    }
    if (!id_matches(&c->sa->ini->peer_id_expected, &k->peer_id))
        return ike_fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    if (!rev && !ike_keep(c->e, &k->gxr, &k->gxr_len, ke->body.p, ke->body.len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    enum fw_verdict v = i_keys(c);
    if (v != FW_OK)
        return v;
    enum isakmp_fail_reason why;
    if ((n = ike_cert_take(c, &why)) != 0)
        return ike_fail(c, why, n);
    if ((n = ike_check_auth(c, false, idb, idb_len)) != 0)
        return auth_droppable(n) ? i_msg2_drop(c, &undo, n)
                                 : ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID
                                                                                    : ISAKMP_FAIL_AUTH, n);
    /* Authenticated: our private value is no longer needed. */
    ike_dh_free(c->e, k->dh);
    k->dh = NULL;
    if ((n = ike_natt_check_natd(c, c->to, c->from)) != 0)
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, n);
    uint8_t buf[FW_MAX_MSG], myid[IKE_ID_BODY_MAX];
    size_t myid_len = ike_my_id_body(c->e, c->sa, myid);
    struct isakmp_builder b;
    header(&b, buf, sizeof buf, c->sa);
    ike_cert_put(c, &b);
    if (!ike_put_auth(c, &b, true, myid, myid_len))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    /* NAT-D of the addresses messages 1 and 2 used, then (RFC 3947 §4)
     * message 3 already from the NAT-T port. */
    ike_natt_put_natd(c, &b, &c->sa->local, &c->sa->peer);
    ike_natt_float_if_needed(c);
    if (!fw_xchg_send(c, c->x, &b, false, false))
        return ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
    established(c);
    return FW_OK;
}

static enum fw_verdict r_msg3(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    uint8_t id[IKE_ID_BODY_MAX];
    /* HASH_I covers IDii_b as the initiator sent it in message 1. */
    size_t id_len = ike_peer_id_body(k, id);
    enum isakmp_fail_reason why;
    uint16_t n = ike_cert_take(c, &why);
    if (n)
        return ike_fail(c, why, n);
    n = ike_check_auth(c, true, id, id_len);
    if (n && auth_droppable(n))
        return drop_bad_auth(c, n);
    if (n)
        return ike_fail(c, n == ISAKMP_N_INVALID_ID_INFORMATION ? ISAKMP_FAIL_ID : ISAKMP_FAIL_AUTH, n);
    struct isakmp_addr orig_local, orig_peer;      /* message 3 may come from 4500 */
    ike_natt_orig(c->sa, &orig_local, &orig_peer);
    if ((n = ike_natt_check_natd(c, &orig_local, &orig_peer)) != 0)
        return ike_fail(c, ISAKMP_FAIL_MALFORMED, n);
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_N); i++) {
        const struct isakmp_payload *n = fw_msg_find(c->m, ISAKMP_PL_N, i);
        if (n->u.notify.type == ISAKMP_N_INITIAL_CONTACT)
            fw_initial_contact(c->e, c->sa);
    }
    established(c);
    return FW_OK;
}

#define M1 (PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_NONCE) | PL(ISAKMP_PL_ID))
static const struct fw_step steps[] = {
    { 1, true, FW_CLEAR, M1, PL(ISAKMP_PL_VID) | PL(ISAKMP_PL_CR),
      M1 | PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SIG) | PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD |
          PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR), r_msg1, 0,
      PL(ISAKMP_PL_ID) /* <IDii_b>PubKey_r when the method is §5.2 */ },
    /* Messages 2 and 3 by authentication method (RFC 2409 §5.4, §5.1). */
    { 2, false, FW_CLEAR, M1 | PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_HASH) | IKE_NATT_PL_NATD, i_msg2, ISAKMP_AUTH_PSK, 0 },
    { 2, false, FW_CLEAR, M1 | PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_HASH) | IKE_NATT_PL_NATD, i_msg2, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    { 2, false, FW_CLEAR, M1 | PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_HASH) | IKE_NATT_PL_NATD, i_msg2, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 2, false, FW_CLEAR, M1 | PL(ISAKMP_PL_SIG),
      PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT) | PL(ISAKMP_PL_CR),
      PL(ISAKMP_PL_SIG) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT), i_msg2, ISAKMP_AUTH_RSA_SIG, 0 },
    /* Some implementations encrypt message 3; RFC 2409 §5.4 does not. */
    { 3, true, FW_EITHER, PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD,
      0, r_msg3, ISAKMP_AUTH_PSK, 0 },
    { 3, true, FW_EITHER, PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD,
      0, r_msg3, ISAKMP_AUTH_RSA_ENC, PL(ISAKMP_PL_ID) },
    { 3, true, FW_EITHER, PL(ISAKMP_PL_HASH),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD,
      0, r_msg3, ISAKMP_AUTH_RSA_REV_ENC, PL(ISAKMP_PL_ID) },
    { 3, true, FW_EITHER, PL(ISAKMP_PL_SIG),
      PL(ISAKMP_PL_N) | PL(ISAKMP_PL_VID) | IKE_NATT_PL_NATD | PL(ISAKMP_PL_CERT),
      0, r_msg3, ISAKMP_AUTH_RSA_SIG, 0 },
};

const struct fw_exchange_def ike_aggressive_mode = {
    .type = ISAKMP_XCHG_AGGRESSIVE,
    .phase = 1,
    .n_msgs = 3,
    .steps = steps,
    .n_steps = sizeof steps / sizeof steps[0],
};
