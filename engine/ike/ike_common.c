/* Pieces every IKE mode uses: per-SA state, nonces, identities,
 * pre-shared key lookup, vendor IDs. */
#include "ike/ike.h"
#include "ike/ike_cert.h"
#include "doi/ipsec_doi.h"
#include "isakmp/secmem.h"

#include <string.h>

enum fw_verdict ike_fail(struct fw_ctx *c, enum isakmp_fail_reason r, uint16_t notify)
{
    c->reason = r;
    c->notify = notify;
    return FW_FAIL;
}

bool ike_keep(struct isakmp_engine *e, uint8_t **dst, size_t *dst_len, const void *p, size_t n)
{
    fw_free(e, *dst);
    *dst = fw_memdup(e, p, n);
    *dst_len = n;
    return *dst != NULL;
}

enum fw_verdict ike_compute_keys(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    uint8_t gxy[IKE_MAX_DH];
    size_t gxy_len = 0;
    const uint8_t *peer = c->sa->initiator ? k->gxr : k->gxi;
    size_t peer_len = c->sa->initiator ? k->gxr_len : k->gxi_len;
    bool ok = ike_dh_shared(c->e, k->dh, peer, peer_len, gxy, &gxy_len);
    ike_dh_free(c->e, k->dh);
    k->dh = NULL;
    if (!ok)
        return ike_fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    ok = ike_derive_phase1(c, gxy, gxy_len);
    isakmp_wipe(gxy, sizeof gxy);
    return ok ? FW_OK : ike_fail(c, ISAKMP_FAIL_LOCAL, 0);
}

struct ike_sa *ike_sa_get(struct fw_ctx *c)
{
    if (!c->sa->kx)
        c->sa->kx = fw_alloc(c->e, sizeof(struct ike_sa));
    return c->sa->kx;
}

void ike_sa_free(struct isakmp_engine *e, struct fw_sa *sa)
{
    struct ike_sa *k = sa->kx;
    if (!k)
        return;
    ike_dh_free(e, k->dh);
    fw_free(e, k->gxi);
    fw_free(e, k->gxr);
    fw_free(e, k->sai_b);
    fw_free(e, k->ni);
    fw_free(e, k->nr);
    ike_cbc_key_free(e, k->cbc);
    ike_cert_sa_free(e, k);
    fw_free(e, k);     /* wiped: SKEYID*, nonces */
    sa->kx = NULL;
}

void ike_nonce(struct isakmp_engine *e, uint8_t *n, size_t *len)
{
    fw_random(e, n, IKE_NONCE_LEN);
    *len = IKE_NONCE_LEN;
}

bool ike_sa_nonce(struct isakmp_engine *e, uint8_t **n, size_t *len)
{
    fw_free(e, *n);
    *n = fw_alloc(e, IKE_NONCE_LEN);
    if (!*n)
        return false;
    ike_nonce(e, *n, len);
    return true;
}

bool ike_sa_take_nonce(struct isakmp_engine *e, const struct isakmp_payload *p, uint8_t **n, size_t *len)
{
    if (p->body.len < 8 || p->body.len > IKE_NONCE_MAX)
        return false;
    fw_free(e, *n);
    *n = fw_memdup(e, p->body.p, p->body.len);
    *len = p->body.len;
    return *n != NULL;
}

bool ike_take_nonce(const struct isakmp_payload *p, uint8_t *n, size_t *len)
{
    /* RFC 2409 §5: nonces are 8 to 256 bytes. */
    if (p->body.len < 8 || p->body.len > IKE_NONCE_MAX)
        return false;
    memcpy(n, p->body.p, p->body.len);
    *len = p->body.len;
    return true;
}

size_t ike_my_id_body(const struct isakmp_engine *e, const struct fw_sa *sa, uint8_t *out)
{
    const struct isakmp_identity *id = &e->cfg.identity;
    if (id->type != ISAKMP_ID_NONE) {
        out[0] = id->type;
        out[1] = id->protocol;
        isakmp_put16(out + 2, id->port);
        memcpy(out + 4, id->data, id->len);
        return 4 + (size_t)id->len;
    }
    bool v6 = sa->local.family == 6;
    out[0] = v6 ? ISAKMP_ID_IPV6_ADDR : ISAKMP_ID_IPV4_ADDR;
    out[1] = 0;
    isakmp_put16(out + 2, 0);
    memcpy(out + 4, sa->local.addr, v6 ? 16 : 4);
    return v6 ? 20 : 8;
}

bool ike_parse_id(const uint8_t *body, size_t len, struct isakmp_identity *id)
{
    return ipsec_id_parse(body, len, id);
}

static bool same_id(const struct isakmp_identity *a, const struct isakmp_identity *b)
{
    return a->type == b->type && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

const struct isakmp_psk *ike_psk_lookup(const struct isakmp_engine *e, const struct isakmp_addr *a,
                                        const struct isakmp_identity *peer_id)
{
    const struct isakmp_config *cfg = &e->cfg;
    size_t alen = a->family == 6 ? 16 : 4;
    for (size_t i = 0; i < cfg->n_psks; i++)
        if (peer_id && peer_id->type && cfg->psks[i].id.type && same_id(&cfg->psks[i].id, peer_id))
            return &cfg->psks[i];
    for (size_t i = 0; i < cfg->n_psks; i++) {
        const struct isakmp_psk *p = &cfg->psks[i];
        if (p->id.type == ISAKMP_ID_NONE && p->addr.family == a->family &&
            memcmp(p->addr.addr, a->addr, alen) == 0)
            return p;
    }
    /* A wildcard (no identity, no address) last: "any peer". */
    for (size_t i = 0; i < cfg->n_psks; i++)
        if (cfg->psks[i].id.type == ISAKMP_ID_NONE && cfg->psks[i].addr.family == 0)
            return &cfg->psks[i];
    return NULL;
}

bool ike_find_psk(struct fw_ctx *c, const struct isakmp_identity *peer_id)
{
    const struct isakmp_psk *hit = ike_psk_lookup(c->e, &c->sa->peer, peer_id);
    struct ike_sa *k = ike_of(c->sa);
    if (!hit)
        return false;
    k->psk = hit->key;
    k->psk_len = hit->key_len;
    return true;
}

bool ike_make_ke(struct fw_ctx *c, uint16_t group, struct ike_dh **dh)
{
    *dh = ike_group_dh_new(c->e, group);
    return *dh != NULL;
}

/* RFC 3706 §4: the DPD vendor ID (we answer R-U-THERE). */
void ike_put_vendor_ids(struct isakmp_builder *b)
{
    size_t len;
    const uint8_t *dpd = isakmp_vendor_id(ISAKMP_VID_DPD, &len);
    isakmp_build_data(b, ISAKMP_PL_VID, dpd, len);
}

void ike_note_vendor_ids(struct fw_sa *sa, const struct fw_msg *m)
{
    for (unsigned i = 0; i < fw_msg_count(m, ISAKMP_PL_VID); i++) {
        const struct isakmp_payload *v = fw_msg_find(m, ISAKMP_PL_VID, i);
        /* any version of it (its last two bytes) */
        if (isakmp_vendor_id_is(ISAKMP_VID_DPD, v->body.p, v->body.len))
            sa->peer_dpd = true;
    }
}

void ike_established(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    fw_xchg_complete(c, c->x);
    fw_sa_established(c, &k->t);
    if (k->life_shortened && !c->sa->initiator) {
        /* RFC 2407 §4.5.4 for the ISAKMP SA: a protected Informational
         * RESPONDER-LIFETIME with our (shorter) values: a Life Type
         * (basic) then a Life Duration (variable, 4 bytes) for seconds
         * and for kilobytes, each when the SA has one. */
        uint8_t spi[16], data[24];
        size_t len = 0;
        memcpy(spi, c->sa->cky_i, 8);
        memcpy(spi + 8, c->sa->cky_r, 8);
        const uint32_t life[2] = { k->t.life_seconds, k->t.life_kbytes };
        const uint16_t kind[2] = { ISAKMP_LIFE_SECONDS, ISAKMP_LIFE_KILOBYTES };
        for (int i = 0; i < 2; i++) {
            if (!life[i])
                continue;
            isakmp_put16(data + len, 0x8000 | ISAKMP_IKE_LIFE_TYPE);
            isakmp_put16(data + len + 2, kind[i]);
            isakmp_put16(data + len + 4, ISAKMP_IKE_LIFE_DURATION);
            isakmp_put16(data + len + 6, 4);
            isakmp_put32(data + len + 8, life[i]);
            len += 12;
        }
        fw_info_send_notify(c->e, c->sa, ISAKMP_N_RESPONDER_LIFETIME, ISAKMP_PROTO_ISAKMP,
                            spi, 16, data, len);
        k->life_shortened = false;
    }
}
