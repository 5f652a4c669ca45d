/* IPsec DOI (RFC 2407): situation, phase-2 proposals, SPIs, identities. */
#include "doi/ipsec_doi.h"

#include <string.h>

const struct fw_doi_ops ipsec_doi_fw_ops = {
    .doi = ISAKMP_DOI_IPSEC,
    .name = "IPsec DOI",
};

size_t ipsec_spi_len(uint8_t protocol)
{
    return protocol == ISAKMP_PROTO_IPCOMP ? 2 : 4;
}

uint32_t ipsec_new_spi(struct isakmp_engine *e, uint8_t protocol)
{
    for (;;) {
        uint8_t r[4];
        fw_random(e, r, 4);
        uint32_t v = isakmp_get32(r);
        if (protocol == ISAKMP_PROTO_IPCOMP)
            v &= 0xffff;
        /* SPIs 0-255 are reserved (RFC 4303 §2.1); CPIs 0-255 too (RFC 3173). */
        if (v >= 256 && !fw_child_by_spi(e, protocol, v, true))
            return v;
    }
}

void ipsec_new_spis(struct isakmp_engine *e, const struct isakmp_p2_proposal *p, size_t n,
                    struct ipsec_spis *spis)
{
    memset(spis, 0, sizeof *spis);
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < p[i].n_protocols; j++) {
            uint8_t proto = p[i].protocols[j].protocol;
            if (proto >= 2 && proto <= 4 && !spis->v[proto])
                spis->v[proto] = ipsec_new_spi(e, proto);
        }
}

static void put_spi(uint8_t *b, uint8_t protocol, uint32_t spi)
{
    if (ipsec_spi_len(protocol) == 2) isakmp_put16(b, (uint16_t)spi);
    else isakmp_put32(b, spi);
}

void ipsec_put_sa(struct isakmp_builder *mb, const struct isakmp_p2_proposal *p, size_t n,
                  const struct ipsec_spis *spis)
{
    uint8_t buf[4096];
    struct isakmp_builder b;
    size_t len = 0;
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    for (size_t i = 0; i < n && i < 255; i++) {
        for (unsigned j = 0; j < p[i].n_protocols && j < ISAKMP_P2_MAX_PROTOCOLS; j++) {
            const struct isakmp_p2_protocol *pr = &p[i].protocols[j];
            uint8_t spi[4];
            put_spi(spi, pr->protocol, pr->protocol <= 4 ? spis->v[pr->protocol] : 0);
            isakmp_build_proposal_begin(&b, (uint8_t)(i + 1), pr->protocol, spi,
                                        (uint8_t)ipsec_spi_len(pr->protocol));
            isakmp_build_transform_begin(&b, 1, pr->transform);
            if (p[i].life_seconds) {
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
                isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IPSEC, ISAKMP_IPSEC_LIFE_DURATION, p[i].life_seconds);
            }
            if (p[i].life_kbytes) {
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_LIFE_TYPE, ISAKMP_LIFE_KILOBYTES);
                isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IPSEC, ISAKMP_IPSEC_LIFE_DURATION, p[i].life_kbytes);
            }
            if (p[i].pfs_group)
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_GROUP_DESC, p[i].pfs_group);
            if (pr->encap)
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_ENCAP_MODE, pr->encap);
            if (pr->auth)
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_AUTH_ALG, pr->auth);
            if (pr->key_bits)
                isakmp_build_attr_tv(&b, ISAKMP_IPSEC_KEY_LENGTH, pr->key_bits);
            isakmp_build_transform_end(&b);
            isakmp_build_proposal_end(&b);
        }
    }
    isakmp_build_sa_end(&b);
    if (isakmp_build_finish(&b, &len) != 0 || len < 4) {
        mb->err = ISAKMP_WIRE_NO_SPACE;
        return;
    }
    isakmp_build_data(mb, ISAKMP_PL_SA, buf + 4, len - 4);
}

/* One transform's attributes as a protocol description plus the PFS
 * group and lifetimes.  False on an attribute we do not know. */
static bool read_transform(uint8_t protocol, const struct isakmp_transform *xf,
                           struct isakmp_p2_protocol *pr, uint16_t *group,
                           uint32_t *life_s, uint32_t *life_kb)
{
    memset(pr, 0, sizeof *pr);
    pr->protocol = protocol;
    pr->transform = xf->id;
    *group = 0;
    *life_s = *life_kb = 0;
    uint16_t life_type = 0;
    struct isakmp_iter ai = isakmp_attrs(xf->attrs);
    struct isakmp_attr a;
    int r;
    while ((r = isakmp_next_attr(&ai, &a)) == 1) {
        if (!a.value_fits)
            return false;
        switch (a.type) {
        case ISAKMP_IPSEC_LIFE_TYPE: life_type = (uint16_t)a.value; break;
        case ISAKMP_IPSEC_LIFE_DURATION:
            if (life_type == ISAKMP_LIFE_SECONDS) *life_s = a.value;
            else if (life_type == ISAKMP_LIFE_KILOBYTES) *life_kb = a.value;
            else return false;
            break;
        case ISAKMP_IPSEC_GROUP_DESC: *group = (uint16_t)a.value; break;
        case ISAKMP_IPSEC_ENCAP_MODE: pr->encap = (uint16_t)a.value; break;
        case ISAKMP_IPSEC_AUTH_ALG: pr->auth = (uint16_t)a.value; break;
        case ISAKMP_IPSEC_KEY_LENGTH: pr->key_bits = (uint16_t)a.value; break;
        default: return false;
        }
    }
    return r == 0;
}

static bool same_protocol(const struct isakmp_p2_protocol *a, const struct isakmp_p2_protocol *b)
{
    return a->protocol == b->protocol && a->transform == b->transform && a->auth == b->auth &&
           a->key_bits == b->key_bits && a->encap == b->encap;
}

uint16_t ipsec_doi_decode_sa(const uint8_t *body, size_t len, struct isakmp_payload *p)
{
    struct isakmp_wire_error err;
    memset(&err, 0, sizeof err);
    if (isakmp_decode_payload_body(ISAKMP_PL_SA, body, len, p, &err) != 0)
        return err.notify ? err.notify : ISAKMP_N_PAYLOAD_MALFORMED;
    if (p->u.sa.doi != ISAKMP_DOI_IPSEC)
        return ISAKMP_N_DOI_NOT_SUPPORTED;
    if (p->u.sa.situation != ISAKMP_SIT_IDENTITY_ONLY)
        return ISAKMP_N_SITUATION_NOT_SUPPORTED;
    return 0;
}

/* The proposals with one number form a bundle (RFC 2408 §4.2): read the
 * bundle that starts at *it into props[], at most 3. */
struct bundle {
    uint8_t number;
    unsigned n;
    struct isakmp_proposal p[ISAKMP_P2_MAX_PROTOCOLS];
};

static int next_bundle(struct isakmp_iter *it, struct isakmp_proposal *pending, bool *have_pending,
                       struct bundle *b)
{
    memset(b, 0, sizeof *b);
    if (!*have_pending) {
        int r = isakmp_next_proposal(it, pending);
        if (r != 1)
            return r;
    }
    b->number = pending->number;
    b->p[b->n++] = *pending;
    *have_pending = false;
    for (;;) {
        int r = isakmp_next_proposal(it, pending);
        if (r < 0)
            return r;
        if (r == 0)
            return 1;
        if (pending->number != b->number) {
            *have_pending = true;
            return 1;
        }
        if (b->n == ISAKMP_P2_MAX_PROTOCOLS)
            return -1;
        b->p[b->n++] = *pending;
    }
}

/* Does bundle b (with its alternatives) satisfy proposal `want`?  Fills
 * the choice when it does. */
static bool bundle_matches(const struct bundle *b, const struct isakmp_p2_proposal *want,
                           uint32_t max_life, struct ipsec_choice *out)
{
    if (b->n != want->n_protocols)
        return false;
    memset(out, 0, sizeof *out);
    out->alg = *want;
    out->prop_no = b->number;
    for (unsigned j = 0; j < b->n; j++) {
        const struct isakmp_proposal *pp = &b->p[j];
        const struct isakmp_p2_protocol *w = &want->protocols[j];
        if (pp->protocol != w->protocol || pp->spi.len != ipsec_spi_len(pp->protocol))
            return false;
        struct isakmp_iter ti = isakmp_transforms(pp);
        struct isakmp_transform xf;
        bool found = false;
        while (!found && isakmp_next_transform(&ti, &xf) == 1) {
            struct isakmp_p2_protocol pr;
            uint16_t group;
            uint32_t ls, lk;
            if (!read_transform(pp->protocol, &xf, &pr, &group, &ls, &lk) ||
                !same_protocol(&pr, w) || group != want->pfs_group)
                continue;
            found = true;
            out->raw_xf[j] = xf.raw;
            out->peer_spi[j] = pp->spi.len == 2 ? isakmp_get16(pp->spi.p) : isakmp_get32(pp->spi.p);
            out->offered_life = ls;
            out->alg.life_seconds = ls && max_life && ls > max_life ? max_life : ls;
            out->alg.life_kbytes = lk;
        }
        if (!found)
            return false;
    }
    return true;
}

uint16_t ipsec_choose(const uint8_t *sa_body, size_t len,
                      const struct isakmp_p2_proposal *ours, size_t n_ours,
                      uint32_t max_life, struct ipsec_choice *out)
{
    struct isakmp_payload p;
    uint16_t n = ipsec_doi_decode_sa(sa_body, len, &p);
    if (n)
        return n;
    struct isakmp_iter it = isakmp_proposals(&p.u.sa);
    struct isakmp_proposal pending;
    bool have_pending = false;
    struct bundle b;
    int r;
    while ((r = next_bundle(&it, &pending, &have_pending, &b)) == 1)
        for (size_t i = 0; i < n_ours; i++)
            if (bundle_matches(&b, &ours[i], max_life, out))
                return 0;
    return r < 0 ? ISAKMP_N_BAD_PROPOSAL_SYNTAX : ISAKMP_N_NO_PROPOSAL_CHOSEN;
}

void ipsec_put_reply(struct isakmp_builder *b, const struct ipsec_choice *c, const struct ipsec_spis *spis)
{
    isakmp_build_sa_begin(b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    for (unsigned j = 0; j < c->alg.n_protocols; j++) {
        /* One proposal per protocol of the bundle, same number, each
         * with its chosen transform echoed (RFC 2408 §4.2). */
        uint8_t proto = c->alg.protocols[j].protocol;
        uint8_t spi[4];
        put_spi(spi, proto, proto <= 4 ? spis->v[proto] : 0);
        isakmp_build_proposal_begin(b, c->prop_no, proto, spi, (uint8_t)ipsec_spi_len(proto));
        const struct isakmp_bytes *x = &c->raw_xf[j];
        if (x->len < 8) {
            b->err = ISAKMP_WIRE_BAD_ARG;
            return;
        }
        isakmp_build_transform_begin(b, x->p[4], x->p[5]);
        isakmp_build_put(b, x->p + 8, x->len - 8);
        isakmp_build_transform_end(b);
        isakmp_build_proposal_end(b);
    }
    isakmp_build_sa_end(b);
}

uint16_t ipsec_check_reply(const uint8_t *sa_body, size_t len,
                           const struct isakmp_p2_proposal *offer, size_t n_offer,
                           struct ipsec_choice *out)
{
    struct isakmp_payload p;
    uint16_t n = ipsec_doi_decode_sa(sa_body, len, &p);
    if (n)
        return n;
    struct isakmp_iter it = isakmp_proposals(&p.u.sa);
    struct isakmp_proposal pending;
    bool have_pending = false;
    struct bundle b;
    if (next_bundle(&it, &pending, &have_pending, &b) != 1 || have_pending)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    for (unsigned j = 0; j < b.n; j++)
        if (b.p[j].n_transforms != 1)
            return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    for (size_t i = 0; i < n_offer; i++) {
        if (bundle_matches(&b, &offer[i], 0, out)) {
            /* A lifetime no longer than what we offered - or, when we
             * offered none, than the RFC 2407 §4.5 default of 28800 s,
             * which responders such as charon echo unasked - is taken. */
            uint32_t max_s = offer[i].life_seconds ? offer[i].life_seconds : IPSEC_DEFAULT_LIFE;
            if (out->alg.life_seconds > max_s ||
                (offer[i].life_kbytes && out->alg.life_kbytes > offer[i].life_kbytes))
                continue;
            return 0;
        }
    }
    return ISAKMP_N_NO_PROPOSAL_CHOSEN;
}

bool ipsec_id_is_host(const uint8_t *body, size_t len, const struct isakmp_addr *a)
{
    struct isakmp_identity id;
    if (!ipsec_id_parse(body, len, &id) || id.protocol || id.port)
        return false;
    size_t n = a->family == 6 ? 16 : 4;
    uint8_t single = a->family == 6 ? ISAKMP_ID_IPV6_ADDR : ISAKMP_ID_IPV4_ADDR;
    uint8_t subnet = a->family == 6 ? ISAKMP_ID_IPV6_ADDR_SUBNET : ISAKMP_ID_IPV4_ADDR_SUBNET;
    if (id.type == single)
        return memcmp(id.data, a->addr, n) == 0;
    if (id.type != subnet || memcmp(id.data, a->addr, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)          /* a /32 (/128) subnet */
        if (id.data[n + i] != 0xff)
            return false;
    return true;
}

size_t ipsec_id_encode(const struct isakmp_identity *id, uint8_t *out, size_t cap)
{
    if (id->type == ISAKMP_ID_NONE || cap < 4u + id->len || id->len > ISAKMP_ID_MAX)
        return 0;
    out[0] = id->type;
    out[1] = id->protocol;
    isakmp_put16(out + 2, id->port);
    memcpy(out + 4, id->data, id->len);
    return 4u + id->len;
}

bool ipsec_id_parse(const uint8_t *body, size_t len, struct isakmp_identity *id)
{
    memset(id, 0, sizeof *id);
    if (len < 4 || len - 4 > ISAKMP_ID_MAX)
        return false;
    id->type = body[0];
    id->protocol = body[1];
    id->port = isakmp_get16(body + 2);
    id->len = (uint16_t)(len - 4);
    memcpy(id->data, body + 4, len - 4);
    switch (id->type) {
    case ISAKMP_ID_IPV4_ADDR: return id->len == 4;
    case ISAKMP_ID_IPV6_ADDR: return id->len == 16;
    case ISAKMP_ID_IPV4_ADDR_SUBNET: case ISAKMP_ID_IPV4_ADDR_RANGE: return id->len == 8;
    case ISAKMP_ID_IPV6_ADDR_SUBNET: case ISAKMP_ID_IPV6_ADDR_RANGE: return id->len == 32;
    case ISAKMP_ID_FQDN: case ISAKMP_ID_USER_FQDN: case ISAKMP_ID_KEY_ID:
    case ISAKMP_ID_DER_ASN1_DN: case ISAKMP_ID_DER_ASN1_GN:
        return id->len > 0;
    }
    return false;
}
