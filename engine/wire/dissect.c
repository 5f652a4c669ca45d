/* The dissector's tree and one-line views of a decoded message. */
#include "dissect_out.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *reg(enum isakmp_registry r, uint32_t v)
{
    return isakmp_reg_name_or_unknown(r, v);
}

static void print_attrs(struct dout *o, unsigned d, struct isakmp_bytes attrs, enum isakmp_attr_ctx ctx)
{
    struct isakmp_iter it = isakmp_attrs(attrs);
    struct isakmp_attr a;
    int r;
    while ((r = isakmp_next_attr(&it, &a)) == 1) {
        const char *name = isakmp_attr_name(ctx, a.type);
        dout_indent(o, d);
        dout_printf(o, "%s (%u) = ", name, a.type);
        if (a.value_fits) {
            const char *vn = isakmp_attr_value_name(ctx, a.type, a.value);
            if (vn)
                dout_printf(o, "%s (%u)", vn, a.value);
            else
                dout_printf(o, "%u", a.value);
        } else {
            dout_hex(o, a.data.p, a.data.len, o->max_hex);
        }
        if (a.tv)
            dout_printf(o, " [TV]\n");
        else
            dout_printf(o, " [TLV, %zu bytes]\n", a.data.len);
    }
    if (r < 0)
        dout_line(o, d, "[malformed attribute]");
}

static void print_sa(struct dout *o, unsigned d, const struct isakmp_sa *sa)
{
    dout_line(o, d, "Domain of interpretation: %s (%u)", reg(ISAKMP_REG_DOI, sa->doi), sa->doi);
    dout_line(o, d, "Situation: 0x%08x%s%s%s", sa->situation,
              sa->situation & ISAKMP_SIT_IDENTITY_ONLY ? " SIT_IDENTITY_ONLY" : "",
              sa->situation & ISAKMP_SIT_SECRECY ? " SIT_SECRECY" : "",
              sa->situation & ISAKMP_SIT_INTEGRITY ? " SIT_INTEGRITY" : "");
    if (sa->sit_ext.len)
        dout_hex_line(o, d, "Labeled domain / secrecy / integrity", sa->sit_ext);
    struct isakmp_iter pi = isakmp_proposals(sa);
    struct isakmp_proposal p;
    int r;
    while ((r = isakmp_next_proposal(&pi, &p)) == 1) {
        dout_line(o, d, "Payload: Proposal (2) #%u", p.number);
        dout_line(o, d + 1, "Next payload: %s (%u)", isakmp_payload_name(p.next), p.next);
        if (p.raw.len >= 2 && p.raw.p[1])      /* only seen with --lax-reserved */
            dout_line(o, d + 1, "Reserved: 0x%02x (should be 0)", p.raw.p[1]);
        dout_line(o, d + 1, "Payload length: %u", p.length);
        dout_line(o, d + 1, "Proposal number: %u", p.number);
        dout_line(o, d + 1, "Protocol ID: %s (%u)", isakmp_protocol_name(p.protocol), p.protocol);
        dout_line(o, d + 1, "SPI size: %u", p.spi_size);
        if (p.spi_size)
            dout_hex_line(o, d + 1, "SPI", p.spi);
        dout_line(o, d + 1, "Number of transforms: %u", p.n_transforms);
        enum isakmp_attr_ctx ctx = isakmp_attr_ctx_for_protocol(p.protocol);
        struct isakmp_iter ti = isakmp_transforms(&p);
        struct isakmp_transform t;
        int rt;
        while ((rt = isakmp_next_transform(&ti, &t)) == 1) {
            const char *xn = isakmp_transform_name(p.protocol, t.id);
            dout_line(o, d + 1, "Payload: Transform (3) #%u", t.number);
            dout_line(o, d + 2, "Next payload: %s (%u)", isakmp_payload_name(t.next), t.next);
            if (t.raw.len >= 2 && t.raw.p[1])
                dout_line(o, d + 2, "Reserved: 0x%02x (should be 0)", t.raw.p[1]);
            dout_line(o, d + 2, "Payload length: %u", t.length);
            dout_line(o, d + 2, "Transform number: %u", t.number);
            dout_line(o, d + 2, "Transform ID: %s (%u)", xn, t.id);
            if (t.raw.len >= 8 && (t.raw.p[6] | t.raw.p[7]))
                dout_line(o, d + 2, "Reserved2: 0x%04x (should be 0)", isakmp_get16(t.raw.p + 6));
            if (t.attrs.len)
                print_attrs(o, d + 2, t.attrs, ctx);
        }
        if (rt < 0)
            dout_line(o, d + 1, "[malformed transform]");
    }
    if (r < 0)
        dout_line(o, d, "[malformed proposal]");
}

static void print_id(struct dout *o, unsigned d, const struct isakmp_id *id)
{
    dout_line(o, d, "ID type: %s (%u)", isakmp_id_type_name(id->type), id->type);
    dout_line(o, d, "Protocol ID: %u", id->protocol);
    dout_line(o, d, "Port: %u", id->port);
    const uint8_t *p = id->data.p;
    switch (id->type) {
    case ISAKMP_ID_IPV4_ADDR: case ISAKMP_ID_IPV6_ADDR:
        dout_indent(o, d); dout_printf(o, "Address: ");
        dout_addr(o, p, id->data.len); dout_printf(o, "\n");
        return;
    case ISAKMP_ID_IPV4_ADDR_SUBNET: case ISAKMP_ID_IPV6_ADDR_SUBNET:
    case ISAKMP_ID_IPV4_ADDR_RANGE: case ISAKMP_ID_IPV6_ADDR_RANGE: {
        bool subnet = id->type == ISAKMP_ID_IPV4_ADDR_SUBNET || id->type == ISAKMP_ID_IPV6_ADDR_SUBNET;
        size_t h = id->data.len / 2;
        dout_indent(o, d); dout_printf(o, subnet ? "Subnet: " : "Range start: ");
        dout_addr(o, p, h); dout_printf(o, "\n");
        dout_indent(o, d); dout_printf(o, subnet ? "Netmask: " : "Range end: ");
        dout_addr(o, p + h, h); dout_printf(o, "\n");
        return;
    }
    case ISAKMP_ID_FQDN: case ISAKMP_ID_USER_FQDN:
        if (dout_printable(id->data)) {
            dout_line(o, d, "Identification: %.*s", (int)id->data.len, (const char *)p);
            return;
        }
        break;
    default:
        break;
    }
    dout_hex_line(o, d, "Identification data", id->data);
}

static void print_payload(struct dout *o, unsigned d, const struct isakmp_payload *p)
{
    dout_line(o, d, "Payload: %s (%u)", isakmp_payload_name(p->type), p->type);
    d++;
    dout_line(o, d, "Next payload: %s (%u)", isakmp_payload_name(p->next), p->next);
    if (p->reserved)
        dout_line(o, d, "Reserved: 0x%02x (should be 0)", p->reserved);
    dout_line(o, d, "Payload length: %u", p->length);
    switch (p->type) {
    case ISAKMP_PL_SA:
        print_sa(o, d, &p->u.sa);
        break;
    case ISAKMP_PL_KE:
        dout_hex_line(o, d, "Key Exchange data", p->u.data);
        break;
    case ISAKMP_PL_ID:
        print_id(o, d, &p->u.id);
        break;
    case ISAKMP_PL_CERT:
    case ISAKMP_PL_CR:
        dout_line(o, d, "%s: %s (%u)", p->type == ISAKMP_PL_CERT ? "Certificate encoding" : "Certificate type",
                  reg(ISAKMP_REG_CERT_ENCODING, p->u.cert.encoding), p->u.cert.encoding);
        if (p->u.cert.data.len || p->type == ISAKMP_PL_CERT)
            dout_hex_line(o, d, p->type == ISAKMP_PL_CERT ? "Certificate data" : "Certificate authority",
                          p->u.cert.data);
        break;
    case ISAKMP_PL_HASH:
        dout_hex_line(o, d, "Hash data", p->u.data);
        break;
    case ISAKMP_PL_SIG:
        dout_hex_line(o, d, "Signature data", p->u.data);
        break;
    case ISAKMP_PL_NONCE:
        dout_hex_line(o, d, "Nonce data", p->u.data);
        break;
    case ISAKMP_PL_N: {
        const struct isakmp_notify *n = &p->u.notify;
        dout_line(o, d, "Domain of interpretation: %s (%u)", reg(ISAKMP_REG_DOI, n->doi), n->doi);
        dout_line(o, d, "Protocol ID: %s (%u)", isakmp_protocol_name(n->protocol), n->protocol);
        dout_line(o, d, "SPI size: %u", n->spi_size);
        dout_line(o, d, "Notify message type: %s (%u)", isakmp_notify_name(n->type), n->type);
        if (n->spi_size)
            dout_hex_line(o, d, "SPI", n->spi);
        if ((n->type == ISAKMP_N_DPD_R_U_THERE || n->type == ISAKMP_N_DPD_R_U_THERE_ACK) &&
            n->data.len == 4)
            dout_line(o, d, "Sequence number: %u", isakmp_get32(n->data.p));
        else if (n->data.len)
            dout_hex_line(o, d, "Notification data", n->data);
        break;
    }
    case ISAKMP_PL_D: {
        const struct isakmp_delete *dl = &p->u.del;
        dout_line(o, d, "Domain of interpretation: %s (%u)", reg(ISAKMP_REG_DOI, dl->doi), dl->doi);
        dout_line(o, d, "Protocol ID: %s (%u)", isakmp_protocol_name(dl->protocol), dl->protocol);
        dout_line(o, d, "SPI size: %u", dl->spi_size);
        dout_line(o, d, "Number of SPIs: %u", dl->n_spis);
        for (unsigned i = 0; dl->spi_size && i < dl->n_spis; i++) {
            struct isakmp_bytes s = { dl->spis.p + (size_t)i * dl->spi_size, dl->spi_size };
            dout_hex_line(o, d, "SPI", s);
        }
        break;
    }
    case ISAKMP_PL_VID: {
        dout_hex_line(o, d, "Vendor ID", p->u.data);
        const char *vn = isakmp_vendor_id_name(p->u.data.p, p->u.data.len);
        if (vn)
            dout_line(o, d, "Vendor: %s", vn);
        break;
    }
    case ISAKMP_PL_NAT_D:
    case ISAKMP_PL_NAT_D_DRAFT:
        dout_hex_line(o, d, "Hash of address and port", p->u.data);
        break;
    case ISAKMP_PL_NAT_OA:
    case ISAKMP_PL_NAT_OA_DRAFT:
        dout_line(o, d, "ID type: %s (%u)", isakmp_id_type_name(p->u.nat_oa.id_type), p->u.nat_oa.id_type);
        dout_indent(o, d);
        dout_printf(o, "Original address: ");
        dout_addr(o, p->u.nat_oa.addr.p, p->u.nat_oa.addr.len);
        dout_printf(o, "\n");
        break;
    case ISAKMP_PL_ATTR:
        dout_line(o, d, "Type: %s (%u)", reg(ISAKMP_REG_CFG_TYPE, p->u.cfg.type), p->u.cfg.type);
        dout_line(o, d, "Identifier: %u", p->u.cfg.identifier);
        print_attrs(o, d, p->u.cfg.attrs, ISAKMP_ATTR_CTX_CFG);
        break;
    default:
        dout_hex_line(o, d, "Data", p->u.data);
        break;
    }
}

static void print_error(struct dout *o, unsigned d, const struct isakmp_message *m, int status)
{
    dout_line(o, d, "Error: %s at offset %zu%s%s: %s", isakmp_wire_status_name((enum isakmp_wire_status)status),
              m->err.offset, m->err.payload_type ? " in " : "",
              m->err.payload_type ? isakmp_payload_name(m->err.payload_type) : "",
              m->err.what ? m->err.what : "");
    if (m->err.notify)
        dout_line(o, d, "Notify to send: %s (%u)", isakmp_notify_name(m->err.notify), m->err.notify);
    else
        dout_line(o, d, "Notify to send: none (drop silently)");
}

void isakmp_dissect_error(const struct isakmp_message *m, int status,
                          const struct isakmp_dissect_opts *opts, isakmp_write_fn write, void *ctx)
{
    struct dout o = { write, ctx, opts ? opts->indent : 0, opts ? opts->max_hex : 0 };
    print_error(&o, 1, m, status);
}

void isakmp_dissect(const struct isakmp_message *m, int status,
                    const struct isakmp_dissect_opts *opts, isakmp_write_fn write, void *ctx)
{
    struct dout o = { write, ctx, opts ? opts->indent : 0, opts ? opts->max_hex : 0 };
    const struct isakmp_header *h = &m->hdr;
    bool have_header = m->raw.p != NULL;
    dout_line(&o, 0, "Internet Security Association and Key Management Protocol");
    if (have_header) {
        dout_hex_line(&o, 1, "Initiator cookie", (struct isakmp_bytes){ h->cky_i, 8 });
        dout_hex_line(&o, 1, "Responder cookie", (struct isakmp_bytes){ h->cky_r, 8 });
        dout_line(&o, 1, "Next payload: %s (%u)", isakmp_payload_name(h->next_payload), h->next_payload);
        dout_line(&o, 1, "Version: %u.%u", h->major, h->minor);
        dout_line(&o, 1, "Exchange type: %s (%u)", isakmp_exchange_name(h->exchange), h->exchange);
        dout_line(&o, 1, "Flags: 0x%02x (Encryption %u, Commit %u, Authentication only %u)", h->flags,
                  h->flags & ISAKMP_FLAG_E ? 1 : 0, h->flags & ISAKMP_FLAG_C ? 1 : 0,
                  h->flags & ISAKMP_FLAG_A ? 1 : 0);
        dout_line(&o, 1, "Message ID: 0x%08x", h->msgid);
        dout_line(&o, 1, "Length: %u", h->length);
    }
    if (m->encrypted) {
        dout_hex_line(&o, 1, "Encrypted payloads", m->body);
    } else {
        for (size_t i = 0; i < m->n_payloads; i++)
            print_payload(&o, 1, &m->payloads[i]);
        if (m->padding)
            dout_line(&o, 1, "Padding: %zu bytes", m->padding);
    }
    if (m->trailing)
        dout_line(&o, 1, "Trailing bytes after the message: %zu", m->trailing);
    if (status)
        print_error(&o, 1, m, status);
}

void isakmp_dissect_brief(const struct isakmp_message *m, int status, isakmp_write_fn write,
                          void *ctx)
{
    struct dout o = { write, ctx, 0, 0 };
    const struct isakmp_header *h = &m->hdr;
    if (m->raw.p) {
        dout_hex(&o, h->cky_i, 8, 0);
        dout_printf(&o, ":");
        dout_hex(&o, h->cky_r, 8, 0);
        dout_printf(&o, " %s mid=%08x len=%u%s%s%s", isakmp_exchange_name(h->exchange), h->msgid,
                    h->length, h->flags & ISAKMP_FLAG_E ? " E" : "", h->flags & ISAKMP_FLAG_C ? " C" : "",
                    h->flags & ISAKMP_FLAG_A ? " A" : "");
    }
    if (m->encrypted) {
        dout_printf(&o, " [encrypted %zu bytes]", m->body.len);
    } else {
        dout_printf(&o, " HDR");
        static const char *const abbrev[] = {
            [1] = "SA", [4] = "KE", [5] = "ID", [6] = "CERT", [7] = "CR", [8] = "HASH",
            [9] = "SIG", [10] = "NONCE", [11] = "N", [12] = "D", [13] = "VID", [14] = "ATTR",
            [20] = "NAT-D", [21] = "NAT-OA",
        };
        for (size_t i = 0; i < m->n_payloads; i++) {
            const struct isakmp_payload *p = &m->payloads[i];
            const char *a = p->type < sizeof abbrev / sizeof abbrev[0] ? abbrev[p->type] : NULL;
            if (p->type == ISAKMP_PL_NAT_D_DRAFT) a = "NAT-D(draft)";
            if (p->type == ISAKMP_PL_NAT_OA_DRAFT) a = "NAT-OA(draft)";
            if (a)
                dout_printf(&o, ", %s", a);
            else
                dout_printf(&o, ", #%u", p->type);
            if (p->type == ISAKMP_PL_N)
                dout_printf(&o, "(%s)", isakmp_notify_name(p->u.notify.type));
        }
    }
    if (status)
        dout_printf(&o, " ERROR %s: %s -> %s", isakmp_wire_status_name((enum isakmp_wire_status)status),
                    m->err.what ? m->err.what : "",
                    m->err.notify ? isakmp_notify_name(m->err.notify) : "drop");
}

void isakmp_dissect_file(const struct isakmp_message *m, int status, FILE *out, unsigned indent)
{
    struct isakmp_dissect_opts opts = { indent, 0 };
    isakmp_dissect(m, status, &opts, isakmp_write_file, out);
}
