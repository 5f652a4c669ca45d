/* Re-encoding a decoded message through the builder: every field is
 * emitted from the decoded structure and every length and Next Payload is
 * recomputed, so encode(decode(b)) == b is a real check of the decoder
 * (and of the canonical form of b). */
#include "wire_internal.h"

static void put_bytes(struct isakmp_builder *b, struct isakmp_bytes v)
{
    isakmp_build_put(b, v.p, v.len);
}

static void encode_attrs(struct isakmp_builder *b, struct isakmp_bytes attrs)
{
    struct isakmp_iter it = isakmp_attrs(attrs);
    struct isakmp_attr a;
    int r;
    while ((r = isakmp_next_attr(&it, &a)) == 1) {
        if (a.tv)
            isakmp_build_attr_tv(b, a.type, (uint16_t)a.value);
        else
            isakmp_build_attr_tlv(b, a.type, a.data.p, a.data.len);
    }
    if (r < 0 && b->err == 0)
        b->err = ISAKMP_WIRE_BAD_ATTRIBUTE;
}

static void encode_sa(struct isakmp_builder *b, const struct isakmp_sa *sa)
{
    isakmp_build_sa_begin(b, sa->doi, sa->situation);
    put_bytes(b, sa->sit_ext);
    struct isakmp_iter pi = isakmp_proposals(sa);
    struct isakmp_proposal p;
    int r;
    while ((r = isakmp_next_proposal(&pi, &p)) == 1) {
        isakmp_build_proposal_begin(b, p.number, p.protocol, p.spi.p, p.spi_size);
        struct isakmp_iter ti = isakmp_transforms(&p);
        struct isakmp_transform t;
        int rt;
        while ((rt = isakmp_next_transform(&ti, &t)) == 1) {
            isakmp_build_transform_begin(b, t.number, t.id);
            encode_attrs(b, t.attrs);
            isakmp_build_transform_end(b);
        }
        if (rt < 0 && b->err == 0)
            b->err = ISAKMP_WIRE_BAD_PROPOSAL;
        isakmp_build_proposal_end(b);
    }
    if (r < 0 && b->err == 0)
        b->err = ISAKMP_WIRE_BAD_PROPOSAL;
    isakmp_build_sa_end(b);
}

static void encode_payload(struct isakmp_builder *b, const struct isakmp_payload *p)
{
    switch (p->type) {
    case ISAKMP_PL_SA:
        encode_sa(b, &p->u.sa);
        break;
    case ISAKMP_PL_ID:
        isakmp_build_id(b, p->u.id.type, p->u.id.protocol, p->u.id.port, p->u.id.data.p,
                        p->u.id.data.len);
        break;
    case ISAKMP_PL_CERT:
    case ISAKMP_PL_CR:
        isakmp_build_cert(b, p->type, p->u.cert.encoding, p->u.cert.data.p, p->u.cert.data.len);
        break;
    case ISAKMP_PL_N: {
        const struct isakmp_notify *n = &p->u.notify;
        isakmp_build_notify(b, n->doi, n->protocol, n->spi.p, n->spi_size, n->type,
                            n->data.p, n->data.len);
        break;
    }
    case ISAKMP_PL_D: {
        const struct isakmp_delete *d = &p->u.del;
        isakmp_build_delete(b, d->doi, d->protocol, d->spi_size, d->n_spis, d->spis.p);
        break;
    }
    case ISAKMP_PL_NAT_OA:
    case ISAKMP_PL_NAT_OA_DRAFT:
        isakmp_build_nat_oa(b, p->type, p->u.nat_oa.id_type, p->u.nat_oa.addr.p,
                            p->u.nat_oa.addr.len);
        break;
    case ISAKMP_PL_ATTR:
        isakmp_build_payload_begin(b, ISAKMP_PL_ATTR);
        isakmp_build_u8(b, p->u.cfg.type);
        isakmp_build_u8(b, 0);
        isakmp_build_u16(b, p->u.cfg.identifier);
        encode_attrs(b, p->u.cfg.attrs);
        isakmp_build_payload_end(b);
        break;
    default:
        isakmp_build_data(b, p->type, p->u.data.p, p->u.data.len);
        break;
    }
}

int isakmp_encode(const struct isakmp_message *m, uint8_t *buf, size_t cap, size_t *out_len)
{
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, cap);
    isakmp_build_header(&b, &m->hdr);
    if (m->encrypted) {
        /* The Next Payload of an encrypted message names the first
         * payload inside the ciphertext; keep it. */
        if (b.err == 0)
            buf[16] = m->hdr.next_payload;
        isakmp_build_put(&b, m->body.p, m->body.len);
    } else {
        for (size_t i = 0; i < m->n_payloads; i++)
            encode_payload(&b, &m->payloads[i]);
    }
    return isakmp_build_finish(&b, out_len);
}
