/* Flat "name=value" lines named after Wireshark's isakmp.* fields, in
 * message order, so that a script can compare them with
 * `tshark -T fields -E occurrence=a` (tests/integration/tshark_compare.sh).
 * Formats follow tshark's: decimal integers, 0x-hex for flags and message
 * ID, lowercase hex for byte strings. */
#include "dissect_out.h"

#include <stdio.h>

static void num(struct dout *o, const char *name, uint32_t v) { dout_printf(o, "%s=%u\n", name, v); }

static void hex(struct dout *o, const char *name, const uint8_t *p, size_t n)
{
    dout_printf(o, "%s=", name);
    dout_hex(o, p, n, 0);
    dout_printf(o, "\n");
}

static void gen(struct dout *o, uint8_t type, uint8_t next, uint16_t length)
{
    num(o, "isakmp.typepayload", type);
    num(o, "isakmp.nextpayload", next);
    num(o, "isakmp.payloadlength", length);
}

static void attrs(struct dout *o, struct isakmp_bytes list, const char *prefix)
{
    struct isakmp_iter it = isakmp_attrs(list);
    struct isakmp_attr a;
    char tname[64], vname[64];
    snprintf(tname, sizeof tname, "%s.type", prefix);
    snprintf(vname, sizeof vname, "%s.value", prefix);
    while (isakmp_next_attr(&it, &a) == 1) {
        num(o, tname, a.type);
        hex(o, vname, a.data.p, a.data.len);
    }
}

static void sa(struct dout *o, const struct isakmp_sa *s)
{
    num(o, "isakmp.sa.doi", s->doi);
    uint8_t sit[4];
    isakmp_put32(sit, s->situation);
    hex(o, "isakmp.sa.situation", sit, 4);
    struct isakmp_iter pi = isakmp_proposals(s);
    struct isakmp_proposal p;
    while (isakmp_next_proposal(&pi, &p) == 1) {
        gen(o, ISAKMP_PL_P, p.next, p.length);
        num(o, "isakmp.prop.number", p.number);
        num(o, "isakmp.prop.protoid", p.protocol);
        num(o, "isakmp.spisize", p.spi_size);
        num(o, "isakmp.prop.transforms", p.n_transforms);
        if (p.spi_size)
            hex(o, "isakmp.spi", p.spi.p, p.spi.len);
        const char *prefix = p.protocol == ISAKMP_PROTO_ISAKMP ? "isakmp.ike.attr" : "isakmp.ipsec.attr";
        struct isakmp_iter ti = isakmp_transforms(&p);
        struct isakmp_transform t;
        while (isakmp_next_transform(&ti, &t) == 1) {
            gen(o, ISAKMP_PL_T, t.next, t.length);
            num(o, "isakmp.trans.number", t.number);
            num(o, "isakmp.trans.id", t.id);
            attrs(o, t.attrs, prefix);
        }
    }
}

static void ipv4(struct dout *o, const char *name, const uint8_t *a)
{
    dout_printf(o, "%s=", name);
    dout_addr(o, a, 4);
    dout_printf(o, "\n");
}

/* The ID data under tshark's isakmp.id.data.* names, for the types whose
 * tshark rendering is unambiguous (IPv4 forms, names, KEY_ID); IPv6 and
 * the ASN.1 forms are in the tree only. */
static void id_data(struct dout *o, const struct isakmp_id *id)
{
    const uint8_t *d = id->data.p;
    size_t n = id->data.len;
    switch (id->type) {
    case ISAKMP_ID_IPV4_ADDR:
        if (n == 4) ipv4(o, "isakmp.id.data.ipv4_addr", d);
        break;
    case ISAKMP_ID_IPV4_ADDR_SUBNET:
        if (n == 8) ipv4(o, "isakmp.id.data.ipv4_subnet", d);
        break;
    case ISAKMP_ID_IPV4_ADDR_RANGE:
        if (n == 8) {
            ipv4(o, "isakmp.id.data.ipv4_range_start", d);
            ipv4(o, "isakmp.id.data.ipv4_range_end", d + 4);
        }
        break;
    case ISAKMP_ID_FQDN:
    case ISAKMP_ID_USER_FQDN:
        /* text only when printable: a newline in a hostile name would
         * forge a line of this parseable output */
        if (dout_printable(id->data))
            dout_printf(o, "%s=%.*s\n", id->type == ISAKMP_ID_FQDN ? "isakmp.id.data.fqdn"
                                                                  : "isakmp.id.data.user_fqdn",
                        (int)n, (const char *)d);
        break;
    case ISAKMP_ID_KEY_ID:
        hex(o, "isakmp.id.data.key_id", d, n);
        break;
    default:
        break;
    }
}

static void payload(struct dout *o, const struct isakmp_payload *p)
{
    gen(o, p->type, p->next, p->length);
    switch (p->type) {
    case ISAKMP_PL_SA: sa(o, &p->u.sa); break;
    case ISAKMP_PL_KE: hex(o, "isakmp.key_exchange.data", p->u.data.p, p->u.data.len); break;
    case ISAKMP_PL_ID:
        num(o, "isakmp.id.type", p->u.id.type);
        num(o, "isakmp.id.protoid", p->u.id.protocol);
        num(o, "isakmp.id.port", p->u.id.port);
        id_data(o, &p->u.id);
        break;
    case ISAKMP_PL_CERT: num(o, "isakmp.cert.encoding", p->u.cert.encoding); break;
    case ISAKMP_PL_CR: num(o, "isakmp.certreq.type", p->u.cert.encoding); break;
    case ISAKMP_PL_HASH: hex(o, "isakmp.hash", p->u.data.p, p->u.data.len); break;
    case ISAKMP_PL_SIG: hex(o, "isakmp.sig", p->u.data.p, p->u.data.len); break;
    case ISAKMP_PL_NONCE: hex(o, "isakmp.nonce", p->u.data.p, p->u.data.len); break;
    case ISAKMP_PL_N:
        num(o, "isakmp.notify.doi", p->u.notify.doi);
        num(o, "isakmp.notify.protoid", p->u.notify.protocol);
        num(o, "isakmp.spisize", p->u.notify.spi_size);
        num(o, "isakmp.notify.msgtype", p->u.notify.type);
        if (p->u.notify.spi_size)
            hex(o, "isakmp.spi", p->u.notify.spi.p, p->u.notify.spi.len);
        if (p->u.notify.data.len)
            hex(o, "isakmp.notify.data", p->u.notify.data.p, p->u.notify.data.len);
        break;
    case ISAKMP_PL_D:
        num(o, "isakmp.delete.doi", p->u.del.doi);
        num(o, "isakmp.delete.protoid", p->u.del.protocol);
        num(o, "isakmp.spisize", p->u.del.spi_size);
        num(o, "isakmp.spinum", p->u.del.n_spis);
        for (unsigned i = 0; i < p->u.del.n_spis; i++)
            hex(o, "isakmp.delete.spi", p->u.del.spis.p + (size_t)i * p->u.del.spi_size,
                p->u.del.spi_size);
        break;
    case ISAKMP_PL_VID: hex(o, "isakmp.vid_bytes", p->u.data.p, p->u.data.len); break;
    case ISAKMP_PL_NAT_D:
    case ISAKMP_PL_NAT_D_DRAFT: hex(o, "isakmp.ike.nat_hash", p->u.data.p, p->u.data.len); break;
    default: break;
    }
}

void isakmp_dissect_fields(const struct isakmp_message *m, int status, isakmp_write_fn write,
                           void *ctx)
{
    struct dout o = { write, ctx, 0, 0 };
    const struct isakmp_header *h = &m->hdr;
    if (m->raw.p) {
        hex(&o, "isakmp.ispi", h->cky_i, 8);
        hex(&o, "isakmp.rspi", h->cky_r, 8);
        num(&o, "isakmp.nextpayload", h->next_payload);
        num(&o, "isakmp.mjver", h->major);
        num(&o, "isakmp.mnver", h->minor);
        num(&o, "isakmp.exchangetype", h->exchange);
        dout_printf(&o, "isakmp.flags=0x%02x\n", h->flags);
        dout_printf(&o, "isakmp.messageid=0x%08x\n", h->msgid);
        num(&o, "isakmp.length", h->length);
    }
    if (!m->encrypted)
        for (size_t i = 0; i < m->n_payloads; i++)
            payload(&o, &m->payloads[i]);
    if (status) {
        dout_printf(&o, "error=%s\n", isakmp_wire_status_name((enum isakmp_wire_status)status));
        num(&o, "error.notify", m->err.notify);
    }
}
