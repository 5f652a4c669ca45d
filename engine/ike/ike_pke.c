/* Authentication with public key encryption.
 * Original (RFC 2409 §5.2): the identity and nonce payloads carry their
 * bodies encrypted to the other side's RSA public key,
 * <IDii_b>PubKey_r, <Ni_b>PubKey_r and back.
 * Revised (§5.3): only the nonce is RSA-encrypted; the KE and ID bodies
 * are encrypted with the negotiated cipher under Ne_i = prf(Ni_b, CKY-I)
 * (Ne_r = prf(Nr_b, CKY-R)), CBC with a zero IV - one RSA operation each
 * way instead of two.  The hashes then use the plaintext bodies, as with
 * pre-shared keys.
 * In Aggressive Mode message 1 carries <KE_b>Ke_i and <IDii_b>Ke_i before
 * any transform is chosen, so Ke_i must not depend on the choice: the
 * initiator may offer several transforms only when all of them name the
 * same cipher, key length and hash (the PRF of Ne_i) - RFC 2409 §5.3's
 * "single cipher" - and a responder refuses any other offer with
 * NO-PROPOSAL-CHOSEN (it cannot tell which key opened the payloads). */
#include "ike/ike.h"
#include "doi/ipsec_doi.h"
#include "isakmp/secmem.h"

#include <string.h>

bool ike_pke_put_id_nonce(struct fw_ctx *c, struct isakmp_builder *b, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_identity *to = initiator
        ? (c->sa->ini ? &c->sa->ini->peer_id_expected : NULL) : &k->peer_id;
    uint8_t id[IKE_ID_BODY_MAX], ct[IKE_MAX_SIG];
    size_t id_len = ike_my_id_body(c->e, c->sa, id), ct_len;
    if (!ike_rsa_encrypt_to_peer(c->e, c->sa, to, id, id_len, ct, sizeof ct, &ct_len))
        return false;
    isakmp_build_data(b, ISAKMP_PL_ID, ct, ct_len);
    const uint8_t *n = initiator ? k->ni : k->nr;
    size_t n_len = initiator ? k->ni_len : k->nr_len;
    if (!ike_rsa_encrypt_to_peer(c->e, c->sa, to, n, n_len, ct, sizeof ct, &ct_len))
        return false;
    isakmp_build_data(b, ISAKMP_PL_NONCE, ct, ct_len);
    return true;
}

uint16_t ike_pke_take_id_nonce(struct fw_ctx *c, bool peer_is_initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *idp = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    const struct isakmp_payload *np = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    uint8_t pt[IKE_MAX_SIG];
    size_t len = 0;
    /* A body we cannot decrypt was not meant for our key. */
    if (!ike_rsa_decrypt(c->e, idp->body.p, idp->body.len, pt, sizeof pt, &len) ||
        !ike_parse_id(pt, len, &k->peer_id))
        return ISAKMP_N_AUTHENTICATION_FAILED;
    if (!ike_rsa_decrypt(c->e, np->body.p, np->body.len, pt, sizeof pt, &len) ||
        len < 8 || len > IKE_NONCE_MAX)
        return ISAKMP_N_AUTHENTICATION_FAILED;
    uint8_t **dst = peer_is_initiator ? &k->ni : &k->nr;
    size_t *dst_len = peer_is_initiator ? &k->ni_len : &k->nr_len;
    fw_free(c->e, *dst);
    *dst = fw_memdup(c->e, pt, len);
    *dst_len = len;
    isakmp_wipe(pt, sizeof pt);
    if (!*dst)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    /* Our answer goes to the key of the identity it claims. */
    return ike_rsa_have_peer(c->e, c->sa, &k->peer_id) ? 0 : ISAKMP_N_INVALID_ID_INFORMATION;
}

size_t ike_peer_id_body(const struct ike_sa *k, uint8_t *out)
{
    out[0] = k->peer_id.type;
    out[1] = k->peer_id.protocol;
    isakmp_put16(out + 2, k->peer_id.port);
    memcpy(out + 4, k->peer_id.data, k->peer_id.len);
    return 4 + (size_t)k->peer_id.len;
}

/* ---- revised mode ------------------------------------------------------------ */

/* CBC under Ne with a zero IV.  The body has no inner length, so there
 * is always padding: n = 1..block bytes, n-1 zeros then the byte n-1. */
static bool ne_seal(const struct ike_sa *k, const uint8_t *key, size_t key_len,
                    const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t bs = ike_cipher_block(k->t.cipher), pad;
    if (!bs || len + bs > cap)
        return false;
    pad = bs - len % bs;
    memcpy(out, in, len);
    memset(out + len, 0, pad);
    out[len + pad - 1] = (uint8_t)(pad - 1);
    uint8_t iv[16] = { 0 };
    *out_len = len + pad;
    return ike_cbc(k->t.cipher, key, key_len, true, iv, out, out, *out_len);
}

static bool ne_open(const struct ike_sa *k, const uint8_t *key, size_t key_len,
                    const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
    size_t bs = ike_cipher_block(k->t.cipher);
    uint8_t iv[16] = { 0 };
    if (!bs || !len || len % bs || !ike_cbc(k->t.cipher, key, key_len, false, iv, in, out, len))
        return false;
    size_t pad = (size_t)out[len - 1] + 1;
    if (pad > bs || pad > len)
        return false;
    *out_len = len - pad;
    return true;
}

bool ike_rpke_put(struct fw_ctx *c, struct isakmp_builder *b, bool initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_identity *to = initiator
        ? (c->sa->ini ? &c->sa->ini->peer_id_expected : NULL) : &k->peer_id;
    const uint8_t *n = initiator ? k->ni : k->nr, *gx = initiator ? k->gxi : k->gxr;
    size_t n_len = initiator ? k->ni_len : k->nr_len, gx_len = initiator ? k->gxi_len : k->gxr_len;
    uint8_t ne[64], ct[IKE_MAX_DH + 16], id[IKE_ID_BODY_MAX];
    size_t ne_len, ct_len, id_len = ike_my_id_body(c->e, c->sa, id);
    bool ok = ike_rsa_encrypt_to_peer(c->e, c->sa, to, n, n_len, ct, sizeof ct, &ct_len);
    if (ok)
        isakmp_build_data(b, ISAKMP_PL_NONCE, ct, ct_len);
    ok = ok && ike_ks_rpke_key(k->t.hash, k->t.cipher, k->t.key_bits, n, n_len,
                               initiator ? c->sa->cky_i : c->sa->cky_r, ne, &ne_len) &&
         ne_seal(k, ne, ne_len, gx, gx_len, ct, sizeof ct, &ct_len);
    if (ok)
        isakmp_build_data(b, ISAKMP_PL_KE, ct, ct_len);
    ok = ok && ne_seal(k, ne, ne_len, id, id_len, ct, sizeof ct, &ct_len);
    if (ok)
        isakmp_build_data(b, ISAKMP_PL_ID, ct, ct_len);
    isakmp_wipe(ne, sizeof ne);
    return ok;
}

uint16_t ike_rpke_take(struct fw_ctx *c, bool peer_is_initiator)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct isakmp_payload *np = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *kp = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    const struct isakmp_payload *ip = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    uint8_t pt[IKE_MAX_DH + 16], ne[64];
    size_t len = 0, ne_len;
    if (!ike_rsa_decrypt(c->e, np->body.p, np->body.len, pt, sizeof pt, &len) || len < 8 ||
        len > IKE_NONCE_MAX)
        return ISAKMP_N_AUTHENTICATION_FAILED;
    uint8_t **nd = peer_is_initiator ? &k->ni : &k->nr;
    size_t *nd_len = peer_is_initiator ? &k->ni_len : &k->nr_len;
    fw_free(c->e, *nd);
    if (!(*nd = fw_memdup(c->e, pt, len)))
        return ISAKMP_N_PAYLOAD_MALFORMED;
    *nd_len = len;
    if (!ike_ks_rpke_key(k->t.hash, k->t.cipher, k->t.key_bits, *nd, *nd_len,
                         peer_is_initiator ? c->sa->cky_i : c->sa->cky_r, ne, &ne_len))
        return ISAKMP_N_PAYLOAD_MALFORMED;
    uint16_t notify = 0;
    if (kp->body.len > sizeof pt || !ne_open(k, ne, ne_len, kp->body.p, kp->body.len, pt, &len)) {
        notify = ISAKMP_N_AUTHENTICATION_FAILED;
    } else if (len != ike_group_public_len(c->e, k->t.group)) {
        notify = ISAKMP_N_INVALID_KEY_INFORMATION;
    } else {
        uint8_t **gd = peer_is_initiator ? &k->gxi : &k->gxr;
        size_t *gd_len = peer_is_initiator ? &k->gxi_len : &k->gxr_len;
        fw_free(c->e, *gd);
        *gd = fw_memdup(c->e, pt, len);
        *gd_len = len;
        if (!*gd)
            notify = ISAKMP_N_PAYLOAD_MALFORMED;
    }
    if (!notify && (ip->body.len > sizeof pt || !ne_open(k, ne, ne_len, ip->body.p, ip->body.len, pt, &len) ||
                    !ike_parse_id(pt, len, &k->peer_id)))
        notify = ISAKMP_N_INVALID_ID_INFORMATION;
    isakmp_wipe(ne, sizeof ne);
    isakmp_wipe(pt, sizeof pt);
    if (notify)
        return notify;
    return ike_rsa_have_peer(c->e, c->sa, &k->peer_id) ? 0 : ISAKMP_N_INVALID_ID_INFORMATION;
}

/* ---- revised mode in Aggressive Mode ------------------------------------------ */

bool ike_rpke_single_suite(const struct isakmp_p1_transform *t, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (t[i].cipher != t[0].cipher || t[i].key_bits != t[0].key_bits || t[i].hash != t[0].hash)
            return false;
    return n > 0;
}

/* One transform's cipher, key length and hash (0 where absent). */
static void suite_of(const struct isakmp_transform *xf, uint32_t out[3])
{
    struct isakmp_iter ai = isakmp_attrs(xf->attrs);
    struct isakmp_attr a;
    out[0] = out[1] = out[2] = 0;
    while (isakmp_next_attr(&ai, &a) == 1) {
        uint32_t v = a.value_fits ? a.value : 0xffffffffu;
        if (a.type == ISAKMP_IKE_ENCRYPTION) out[0] = v;
        else if (a.type == ISAKMP_IKE_KEY_LENGTH) out[1] = v;
        else if (a.type == ISAKMP_IKE_HASH) out[2] = v;
    }
}

bool ike_rpke_single_suite_body(const uint8_t *sa_body, size_t len)
{
    struct isakmp_payload p;
    if (ipsec_doi_decode_sa(sa_body, len, &p) != 0)
        return false;
    struct isakmp_iter pi = isakmp_proposals(&p.u.sa);
    struct isakmp_proposal prop;
    uint32_t first[3], cur[3];
    unsigned seen = 0;
    int r;
    /* Every transform of every proposal: the responder must know which
     * key opened KE and ID whatever it picks. */
    while ((r = isakmp_next_proposal(&pi, &prop)) == 1) {
        struct isakmp_iter ti = isakmp_transforms(&prop);
        struct isakmp_transform xf;
        int q;
        while ((q = isakmp_next_transform(&ti, &xf)) == 1) {
            suite_of(&xf, seen++ ? cur : first);
            if (seen > 1 && memcmp(cur, first, sizeof cur) != 0)
                return false;
        }
        if (q < 0)
            return false;
    }
    return r == 0 && seen > 0;
}
