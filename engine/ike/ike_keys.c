/* IKEv1 key material for one SA, through the key schedule
 * (isakmp/keyschedule.h via ike_crypto.h): SKEYID and its children, the
 * phase-1 cipher key and IV, HASH_I/HASH_R, phase-2 IVs, KEYMAT. */
#include "ike/ike.h"
#include "isakmp/secmem.h"

#include <string.h>

#define IOV(p, n) ((struct ike_iov){ (p), (n) })

bool ike_derive_phase1(struct fw_ctx *c, const uint8_t *gxy, size_t gxy_len)
{
    struct isakmp_engine *e = c->e;
    struct fw_sa *sa = c->sa;
    struct ike_sa *k = ike_of(sa);
    uint64_t t0 = fw_cpu_now(e);
    if (k->t.auth == ISAKMP_AUTH_PSK && !k->psk)
        return false;
    struct ike_phase1_input in = {
        .auth = k->t.auth, .hash = k->t.hash, .cipher = k->t.cipher, .key_bits = k->t.key_bits,
        .psk = IOV(k->psk, k->psk_len), .ni = IOV(k->ni, k->ni_len), .nr = IOV(k->nr, k->nr_len),
        .gxi = IOV(k->gxi, k->gxi_len), .gxr = IOV(k->gxr, k->gxr_len), .gxy = IOV(gxy, gxy_len),
        .cky_i = sa->cky_i, .cky_r = sa->cky_r,
    };
    struct ike_phase1_keys out;
    if (!ike_ks_phase1(&in, &out) || out.key_len > sizeof k->enc_key || out.block > 16) {
        isakmp_wipe(&out, sizeof out);
        return false;
    }
    k->prf_len = out.prf_len;
    memcpy(k->skeyid, out.skeyid, out.prf_len);
    memcpy(k->skeyid_d, out.skeyid_d, out.prf_len);
    memcpy(k->skeyid_a, out.skeyid_a, out.prf_len);
    memcpy(k->skeyid_e, out.skeyid_e, out.prf_len);
    memcpy(k->enc_key, out.key, out.key_len);
    k->enc_key_len = out.key_len;
    k->block = out.block;
    memcpy(sa->p1x->iv, out.iv, out.block);
    sa->p1x->iv_len = out.block;
    isakmp_wipe(&out, sizeof out);
    k->keys = true;
    fw_event_crypto(e, ISAKMP_CRYPTO_PRF, 0, fw_cost(e, ISAKMP_COST_PRF), fw_cpu_now(e) - t0);
    return true;
}

bool ike_derive_skeyid(struct fw_sa *sa)
{
    struct ike_sa *k = ike_of(sa);
    if (!k || k->t.auth != ISAKMP_AUTH_PSK || !k->psk || !k->ni || !k->nr)
        return false;
    return ike_ks_skeyid_psk(k->t.hash, IOV(k->psk, k->psk_len), IOV(k->ni, k->ni_len),
                             IOV(k->nr, k->nr_len), k->skeyid, &k->prf_len);
}

bool ike_hash_auth(const struct fw_sa *sa, bool initiator, const uint8_t *id_body,
                   size_t id_len, uint8_t *out, size_t *out_len)
{
    const struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys || !k->sai_b)
        return false;
    *out_len = k->prf_len;
    return ike_ks_hash_auth(k->t.hash, k->skeyid, initiator, IOV(k->gxi, k->gxi_len),
                            IOV(k->gxr, k->gxr_len), sa->cky_i, sa->cky_r,
                            IOV(k->sai_b, k->sai_b_len), IOV(id_body, id_len), out);
}

bool ike_prf_a(const struct fw_sa *sa, const struct ike_iov *v, size_t n, uint8_t *out,
               size_t *out_len)
{
    const struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys)
        return false;
    *out_len = k->prf_len;
    return ike_prf(k->t.hash, k->skeyid_a, k->prf_len, v, n, out);
}

bool ike_keymat(const struct fw_sa *sa, const struct ike_qm *q, uint8_t protocol,
                uint32_t spi, size_t spi_len, uint8_t *out, size_t out_len)
{
    const struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys)
        return false;
    uint8_t spib[4];
    if (spi_len == 2) isakmp_put16(spib, (uint16_t)spi);
    else isakmp_put32(spib, spi);
    return ike_ks_keymat(k->t.hash, k->skeyid_d, IOV(q->gxy, q->gxy_len), protocol, spib, spi_len,
                         IOV(q->ni, q->ni_len), IOV(q->nr, q->nr_len), out, out_len);
}

uint16_t ike_step_variant(const struct fw_sa *sa)
{
    const struct ike_sa *k = ike_of(sa);
    if (k && k->have_t)
        return k->t.auth;
    /* Aggressive Mode message 2 names the method in its own SA payload;
     * the initiator offered one method only (ike_aggressive_initiate). */
    return sa->ini && sa->ini->n_offer ? sa->ini->offer[0].auth : 0;
}

bool ike_put_auth(struct fw_ctx *c, struct isakmp_builder *b, bool initiator, const uint8_t *id_body,
                  size_t id_len)
{
    uint8_t h[IKE_MAX_HASH];
    size_t hl;
    if (!ike_hash_auth(c->sa, initiator, id_body, id_len, h, &hl))
        return false;
    if (ike_of(c->sa)->t.auth != ISAKMP_AUTH_RSA_SIG) {
        isakmp_build_data(b, ISAKMP_PL_HASH, h, hl);
        return true;
    }
    uint8_t sig[IKE_MAX_SIG];
    size_t sl;
    if (!ike_rsa_sign(c->e, h, hl, sig, sizeof sig, &sl))
        return false;
    isakmp_build_data(b, ISAKMP_PL_SIG, sig, sl);
    return true;
}

uint16_t ike_check_auth(struct fw_ctx *c, bool peer_is_initiator, const uint8_t *id_body,
                        size_t id_len)
{
    struct ike_sa *k = ike_of(c->sa);
    uint8_t h[IKE_MAX_HASH];
    size_t hl;
    if (!ike_hash_auth(c->sa, peer_is_initiator, id_body, id_len, h, &hl))
        return ISAKMP_N_AUTHENTICATION_FAILED;
    if (k->t.auth == ISAKMP_AUTH_RSA_SIG) {
        const struct isakmp_payload *sp = fw_msg_find(c->m, ISAKMP_PL_SIG, 0);
        if (!ike_rsa_have_peer(c->e, c->sa, &k->peer_id))
            return ISAKMP_N_INVALID_ID_INFORMATION;
        return ike_rsa_verify(c->e, c->sa, &k->peer_id, h, hl, sp->body.p, sp->body.len)
                   ? 0 : ISAKMP_N_INVALID_SIGNATURE;
    }
    const struct isakmp_payload *hp = fw_msg_find(c->m, ISAKMP_PL_HASH, 0);
    return hl == hp->body.len && isakmp_memeq_ct(h, hp->body.p, hl) ? 0 : ISAKMP_N_AUTHENTICATION_FAILED;
}
