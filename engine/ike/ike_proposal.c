/* Phase-1 SA payloads (RFC 2409 §5, App. A): offering transforms,
 * choosing one as responder, checking the choice as initiator. */
#include "ike/ike.h"
#include "doi/ipsec_doi.h"
#include "isakmp/cipher.h"

#include <string.h>

/* No phase-1 transforms configured: the default policy (isakmp/cipher.h:
 * no DES, no MD5, no group 1), with each authentication method the
 * credentials allow (PSK first).  Without credentials nothing is offered. */
bool ike_default_p1(struct isakmp_engine *e)
{
    if (e->cfg.n_p1)
        return true;
    uint16_t auths[2];
    size_t n_auth = 0;
    if (e->cfg.n_psks) auths[n_auth++] = ISAKMP_AUTH_PSK;
    if (e->cfg.rsa_key) auths[n_auth++] = ISAKMP_AUTH_RSA_SIG;
    if (!n_auth)
        return true;
    struct isakmp_p1_transform *t = fw_alloc(e, n_auth * ISAKMP_DEFAULT_P1_COUNT * sizeof *t);
    if (!t)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < n_auth; i++)
        n += isakmp_default_p1_transforms(auths[i], t + n, ISAKMP_DEFAULT_P1_COUNT);
    e->cfg.p1 = t;
    e->cfg.n_p1 = n;
    return true;
}

bool ike_p1_supported(const struct isakmp_engine *e, const struct isakmp_p1_transform *t)
{
    bool auth = t->auth == ISAKMP_AUTH_PSK ||
                ((t->auth == ISAKMP_AUTH_RSA_SIG || t->auth == ISAKMP_AUTH_RSA_ENC ||
                  t->auth == ISAKMP_AUTH_RSA_REV_ENC) && e->cfg.rsa_key);
    return auth && ike_cipher_key_len(t->cipher, t->key_bits) && ike_hash_len(t->hash) &&
           ike_group_usable(e, t->group);
}

void ike_put_p1_sa(struct isakmp_builder *b, uint32_t doi, const struct isakmp_p1_transform *t, size_t n)
{
    isakmp_build_sa_begin(b, doi, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
    for (size_t i = 0; i < n && i < 255; i++) {
        isakmp_build_transform_begin(b, (uint8_t)(i + 1), ISAKMP_KEY_IKE);
        isakmp_build_attr_tv(b, ISAKMP_IKE_ENCRYPTION, t[i].cipher);
        if (t[i].key_bits)
            isakmp_build_attr_tv(b, ISAKMP_IKE_KEY_LENGTH, t[i].key_bits);
        isakmp_build_attr_tv(b, ISAKMP_IKE_HASH, t[i].hash);
        isakmp_build_attr_tv(b, ISAKMP_IKE_AUTH_METHOD, t[i].auth);
        isakmp_build_attr_tv(b, ISAKMP_IKE_GROUP_DESC, t[i].group);
        if (t[i].life_seconds) {
            isakmp_build_attr_tv(b, ISAKMP_IKE_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
            isakmp_build_attr(b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_DURATION, t[i].life_seconds);
        }
        if (t[i].life_kbytes) {
            isakmp_build_attr_tv(b, ISAKMP_IKE_LIFE_TYPE, ISAKMP_LIFE_KILOBYTES);
            isakmp_build_attr(b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_DURATION, t[i].life_kbytes);
        }
        isakmp_build_transform_end(b);
    }
    isakmp_build_proposal_end(b);
    isakmp_build_sa_end(b);
}

void ike_put_p1_reply(struct isakmp_builder *b, uint32_t doi, uint8_t prop_no,
                      const struct isakmp_bytes *raw_xf)
{
    /* The chosen transform echoed: its number, ID and attributes as the
     * initiator wrote them (raw_xf came through the codec: >= 8 bytes). */
    isakmp_build_sa_begin(b, doi, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(b, prop_no, ISAKMP_PROTO_ISAKMP, NULL, 0);
    ike_build_raw_transform(b, raw_xf);
    isakmp_build_proposal_end(b);
    isakmp_build_sa_end(b);
}

void ike_build_raw_transform(struct isakmp_builder *b, const struct isakmp_bytes *raw_xf)
{
    if (raw_xf->len < 8) {
        b->err = ISAKMP_WIRE_BAD_ARG;
        return;
    }
    isakmp_build_transform_begin(b, raw_xf->p[4], raw_xf->p[5]);
    isakmp_build_put(b, raw_xf->p + 8, raw_xf->len - 8);
    isakmp_build_transform_end(b);
}

/* Read a KEY_IKE transform's attributes.  False when it carries anything
 * we do not understand (then it is simply not chosen). */
static bool read_transform(const struct isakmp_transform *xf, struct isakmp_p1_transform *t)
{
    memset(t, 0, sizeof *t);
    if (xf->id != ISAKMP_KEY_IKE)
        return false;
    struct isakmp_iter ai = isakmp_attrs(xf->attrs);
    struct isakmp_attr a;
    uint16_t life_type = 0;
    int r;
    while ((r = isakmp_next_attr(&ai, &a)) == 1) {
        if (!a.value_fits)
            return false;
        switch (a.type) {
        case ISAKMP_IKE_ENCRYPTION: t->cipher = (uint16_t)a.value; break;
        case ISAKMP_IKE_KEY_LENGTH: t->key_bits = (uint16_t)a.value; break;
        case ISAKMP_IKE_HASH: t->hash = (uint16_t)a.value; break;
        case ISAKMP_IKE_AUTH_METHOD: t->auth = (uint16_t)a.value; break;
        case ISAKMP_IKE_GROUP_DESC: t->group = (uint16_t)a.value; break;
        case ISAKMP_IKE_LIFE_TYPE: life_type = (uint16_t)a.value; break;
        case ISAKMP_IKE_LIFE_DURATION:
            if (life_type == ISAKMP_LIFE_SECONDS) t->life_seconds = a.value;
            else if (life_type == ISAKMP_LIFE_KILOBYTES) t->life_kbytes = a.value;
            else return false;
            break;
        default:
            return false;   /* PRF, custom groups ...: not supported */
        }
    }
    return r == 0 && t->cipher && t->hash && t->auth && t->group;
}

static bool same_algs(const struct isakmp_p1_transform *a, const struct isakmp_p1_transform *b)
{
    return a->cipher == b->cipher && a->key_bits == b->key_bits && a->hash == b->hash &&
           a->auth == b->auth && a->group == b->group;
}

uint16_t ike_choose_p1(const struct isakmp_engine *e, const uint8_t *sa_body, size_t len,
                       uint16_t group, struct isakmp_p1_transform *out,
                       uint8_t *prop_no, struct isakmp_bytes *raw_xf, bool *shortened)
{
    *shortened = false;
    struct isakmp_payload p;
    uint16_t n = ipsec_doi_decode_sa(sa_body, len, &p);
    if (n)
        return n;
    /* RFC 2409 §5: phase 1 has exactly one proposal, of protocol ISAKMP. */
    struct isakmp_iter pi = isakmp_proposals(&p.u.sa);
    struct isakmp_proposal prop;
    if (isakmp_next_proposal(&pi, &prop) != 1 || prop.protocol != ISAKMP_PROTO_ISAKMP)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    if (isakmp_next_proposal(&pi, &(struct isakmp_proposal){0}) != 0)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform xf;
    int r;
    while ((r = isakmp_next_transform(&ti, &xf)) == 1) {
        struct isakmp_p1_transform t;
        if (!read_transform(&xf, &t) || (group && t.group != group) || !ike_p1_supported(e, &t))
            continue;
        for (size_t i = 0; i < e->cfg.n_p1; i++) {
            if (!same_algs(&t, &e->cfg.p1[i]))
                continue;
            /* Longer than we allow (or unstated: 8 hours): ours instead,
             * announced with RESPONDER-LIFETIME (RFC 2407 §4.5.4). */
            uint32_t max = e->cfg.max_p1_life_seconds;
            if (max && (t.life_seconds ? t.life_seconds : 28800) > max) {
                t.life_seconds = max;
                *shortened = true;
            }
            /* Kilobytes: unstated means no limit at all. */
            uint32_t max_kb = e->cfg.max_p1_life_kbytes;
            if (max_kb && (!t.life_kbytes || t.life_kbytes > max_kb)) {
                t.life_kbytes = max_kb;
                *shortened = true;
            }
            *out = t;
            *prop_no = prop.number;
            *raw_xf = xf.raw;
            return 0;
        }
    }
    return r < 0 ? ISAKMP_N_BAD_PROPOSAL_SYNTAX : ISAKMP_N_NO_PROPOSAL_CHOSEN;
}

uint16_t ike_check_p1_reply(const struct fw_sa *sa, const uint8_t *sa_body, size_t len,
                            struct isakmp_p1_transform *out)
{
    struct isakmp_payload p;
    uint16_t n = ipsec_doi_decode_sa(sa_body, len, &p);
    if (n)
        return n;
    struct isakmp_iter pi = isakmp_proposals(&p.u.sa);
    struct isakmp_proposal prop;
    if (isakmp_next_proposal(&pi, &prop) != 1 || prop.protocol != ISAKMP_PROTO_ISAKMP ||
        prop.n_transforms != 1)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform xf;
    struct isakmp_p1_transform t;
    if (isakmp_next_transform(&ti, &xf) != 1 || !read_transform(&xf, &t))
        return ISAKMP_N_NO_PROPOSAL_CHOSEN;
    /* It must be one we offered, lifetimes included. */
    for (size_t i = 0; i < sa->ini->n_offer; i++) {
        const struct isakmp_p1_transform *o = &sa->ini->offer[i];
        /* Lifetimes: ours, or shorter; when we sent none, at most the
         * RFC 2409 Appendix A default of 8 hours (some responders echo it). */
        uint32_t max_s = o->life_seconds ? o->life_seconds : 28800;
        if (same_algs(&t, o) && t.life_seconds <= max_s &&
            (!o->life_kbytes || t.life_kbytes <= o->life_kbytes)) {
            *out = t;
            return 0;
        }
    }
    return ISAKMP_N_NO_PROPOSAL_CHOSEN;
}
