/* Decoding: the fixed header, the payload chain and every payload body
 * except SA (sa.c).  Bounds first, meaning later: every length is checked
 * against what remains before a byte is read, and each failure carries
 * the Notify type RFC 2408 §5 prescribes (see the table in wire.h). */
#include "wire_internal.h"

#include <string.h>

int wire_fail(struct isakmp_wire_error *err, enum isakmp_wire_status status, uint16_t notify,
              size_t offset, uint8_t payload_type, const char *what)
{
    if (err) {
        err->status = status;
        err->notify = notify;
        err->offset = offset;
        err->payload_type = payload_type;
        err->what = what;
    }
    return (int)status;
}

const char *isakmp_wire_status_name(enum isakmp_wire_status s)
{
    switch (s) {
    case ISAKMP_WIRE_OK: return "ok";
    case ISAKMP_WIRE_TRUNCATED: return "truncated";
    case ISAKMP_WIRE_BAD_VERSION: return "bad version";
    case ISAKMP_WIRE_BAD_EXCHANGE: return "bad exchange type";
    case ISAKMP_WIRE_BAD_FLAGS: return "bad flags";
    case ISAKMP_WIRE_BAD_LENGTH: return "lengths disagree";
    case ISAKMP_WIRE_BAD_RESERVED: return "reserved field not zero";
    case ISAKMP_WIRE_BAD_PAYLOAD_TYPE: return "bad payload type";
    case ISAKMP_WIRE_BAD_PROPOSAL: return "bad proposal syntax";
    case ISAKMP_WIRE_BAD_ATTRIBUTE: return "bad data attribute";
    case ISAKMP_WIRE_BAD_ID: return "bad identification";
    case ISAKMP_WIRE_TOO_MANY: return "too many items";
    case ISAKMP_WIRE_TOO_BIG: return "message too big";
    case ISAKMP_WIRE_NO_SPACE: return "buffer too small";
    case ISAKMP_WIRE_BAD_ARG: return "bad argument";
    case ISAKMP_WIRE_ENCRYPTED: return "encrypted";
    case ISAKMP_WIRE_UNSUPPORTED: return "unsupported value";
    }
    return "unknown status";
}

/* Exchange types meaningful under the IPsec DOI (RFC 2408 §3.1, RFC 2409
 * §5; 6 is Mode Config's Transaction exchange, 240-255 private use). */
static bool exchange_valid(uint8_t x)
{
    return (x >= 1 && x <= 6) || x == 32 || x == 33 || x >= 240;
}

int isakmp_decode_header(const uint8_t *b, size_t len, struct isakmp_header *h,
                         struct isakmp_wire_error *err)
{
    memset(h, 0, sizeof *h);
    if (len < ISAKMP_HDR_LEN)
        return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, len, 0,
                         "datagram shorter than the 28-byte ISAKMP header");
    memcpy(h->cky_i, b, 8);
    memcpy(h->cky_r, b + 8, 8);
    h->next_payload = b[16];
    h->major = b[17] >> 4;
    h->minor = b[17] & 0x0f;
    h->exchange = b[18];
    h->flags = b[19];
    h->msgid = isakmp_get32(b + 20);
    h->length = isakmp_get32(b + 24);
    /* RFC 2408 §5.2 lists Next Payload before the version; we check the
     * version first, deliberately: another major version numbers its
     * payloads differently (IKEv2's start at 33), so only the version tells
     * the peer what is wrong.  Then §5.2's exchange type and flags, then
     * §5.1's length.  (Cookies and message IDs need state: the engine.) */
    if (h->major != 1)
        return wire_fail(err, ISAKMP_WIRE_BAD_VERSION, ISAKMP_N_INVALID_MAJOR_VERSION, 17, 0,
                         h->major == 2 ? "major version 2: an IKEv2 message"
                                       : "major version is not 1");
    if (h->minor != 0)
        return wire_fail(err, ISAKMP_WIRE_BAD_VERSION, ISAKMP_N_INVALID_MINOR_VERSION, 17, 0,
                         "minor version is not 0");
    if (!exchange_valid(h->exchange))
        return wire_fail(err, ISAKMP_WIRE_BAD_EXCHANGE, ISAKMP_N_INVALID_EXCHANGE_TYPE, 18, 0,
                         "exchange type not defined for ISAKMP / the IPsec DOI");
    if (h->flags & ~(ISAKMP_FLAG_E | ISAKMP_FLAG_C | ISAKMP_FLAG_A))
        return wire_fail(err, ISAKMP_WIRE_BAD_FLAGS, ISAKMP_N_INVALID_FLAGS, 19, 0,
                         "undefined flag bits set");
    /* A ("authentication only") says the payloads are not encrypted. */
    if ((h->flags & ISAKMP_FLAG_E) && (h->flags & ISAKMP_FLAG_A))
        return wire_fail(err, ISAKMP_WIRE_BAD_FLAGS, ISAKMP_N_INVALID_FLAGS, 19, 0,
                         "E and A flags together");
    /* §5.1: a header Length other than the message's length is
     * UNEQUAL-PAYLOAD-LENGTHS, also when no message could have it. */
    if (h->length < ISAKMP_HDR_LEN)
        return wire_fail(err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 24, 0,
                         "header length below 28");
    if (h->length > ISAKMP_WIRE_MAX_MSG)
        return wire_fail(err, ISAKMP_WIRE_TOO_BIG, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 24, 0,
                         "header length over the 65535-byte limit");
    if (h->length > len)
        return wire_fail(err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS, 24, 0,
                         "header length exceeds the datagram");
    return 0;
}

static bool top_level_type_known(uint8_t t)
{
    return t == ISAKMP_PL_SA || (t >= ISAKMP_PL_KE && t <= ISAKMP_PL_ATTR) ||
           t == ISAKMP_PL_NAT_D || t == ISAKMP_PL_NAT_OA ||
           t == ISAKMP_PL_NAT_D_DRAFT || t == ISAKMP_PL_NAT_OA_DRAFT;
}

/* Bytes of ID data an address-type ID must carry (0 = any length). */
static size_t id_data_len(uint8_t type)
{
    switch (type) {
    case ISAKMP_ID_IPV4_ADDR: return 4;
    case ISAKMP_ID_IPV4_ADDR_SUBNET: case ISAKMP_ID_IPV4_ADDR_RANGE: return 8;
    case ISAKMP_ID_IPV6_ADDR: return 16;
    case ISAKMP_ID_IPV6_ADDR_SUBNET: case ISAKMP_ID_IPV6_ADDR_RANGE: return 32;
    default: return 0;
    }
}

/* SPI sizes a Notify / Delete may carry for a protocol (RFC 2407 §4.6.3,
 * RFC 2408 §3.14: ISAKMP SAs are named by the 16-byte cookie pair or 0). */
static bool notify_spi_ok(uint8_t proto, uint8_t spi_size)
{
    switch (proto) {
    case 0: case ISAKMP_PROTO_ISAKMP: return spi_size == 0 || spi_size == 16 || spi_size == 8;
    case ISAKMP_PROTO_AH: case ISAKMP_PROTO_ESP: return spi_size == 4 || spi_size == 0;
    case ISAKMP_PROTO_IPCOMP: return spi_size == 2 || spi_size == 4 || spi_size == 0;
    default: return false;
    }
}

int isakmp_decode_payload_body(uint8_t type, const uint8_t *body, size_t len,
                               struct isakmp_payload *p, struct isakmp_wire_error *err)
{
    return wire_decode_body(type, body, len, 0, 0, p, err);
}

int isakmp_decode_payload_body_at(uint8_t type, const uint8_t *body, size_t len, size_t base,
                                  struct isakmp_payload *p, struct isakmp_wire_error *err)
{
    return wire_decode_body(type, body, len, base, 0, p, err);
}

int wire_decode_body(uint8_t type, const uint8_t *b, size_t len, size_t base, unsigned flags,
                     struct isakmp_payload *p, struct isakmp_wire_error *err)
{
    bool strict = !(flags & ISAKMP_DECODE_LAX_RESERVED);
    memset(&p->u, 0, sizeof p->u);
    p->u.data.p = b;
    p->u.data.len = len;
    switch (type) {
    case ISAKMP_PL_SA:
        memset(&p->u, 0, sizeof p->u);
        return wire_decode_sa(b, len, base, flags, &p->u.sa, err);
    case ISAKMP_PL_KE:
        if (len == 0)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_INVALID_KEY_INFORMATION, base,
                             type, "empty key exchange data");
        return 0;
    case ISAKMP_PL_HASH:
        if (len == 0)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_INVALID_HASH_INFORMATION, base,
                             type, "empty hash");
        return 0;
    case ISAKMP_PL_SIG:
        if (len == 0)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_INVALID_SIGNATURE, base, type,
                             "empty signature");
        return 0;
    case ISAKMP_PL_ID: {
        if (len < 4)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "ID payload shorter than its 4 fixed bytes");
        memset(&p->u, 0, sizeof p->u);
        struct isakmp_id *id = &p->u.id;
        id->type = b[0];
        id->protocol = b[1];
        id->port = isakmp_get16(b + 2);
        id->data.p = b + 4;
        id->data.len = len - 4;
        size_t want = id_data_len(id->type);
        if (want && id->data.len != want)
            return wire_fail(err, ISAKMP_WIRE_BAD_ID, ISAKMP_N_INVALID_ID_INFORMATION, base + 4,
                             type, "ID data length wrong for its ID type");
        if (id->type == 0)
            return wire_fail(err, ISAKMP_WIRE_BAD_ID, ISAKMP_N_INVALID_ID_INFORMATION, base,
                             type, "ID type 0 is reserved");
        return 0;
    }
    case ISAKMP_PL_CERT:
    case ISAKMP_PL_CR: {
        if (len < 1)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "certificate payload without its encoding byte");
        memset(&p->u, 0, sizeof p->u);
        p->u.cert.encoding = b[0];
        p->u.cert.data.p = b + 1;
        p->u.cert.data.len = len - 1;
        if (b[0] > ISAKMP_CERT_X509_ATTR)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_CERT_ENCODING, base,
                             type, "certificate encoding not defined (RFC 2408 §3.9)");
        return 0;
    }
    case ISAKMP_PL_N: {
        if (len < 8)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "notification shorter than its 8 fixed bytes");
        memset(&p->u, 0, sizeof p->u);
        struct isakmp_notify *n = &p->u.notify;
        n->doi = isakmp_get32(b);
        n->protocol = b[4];
        n->spi_size = b[5];
        n->type = isakmp_get16(b + 6);
        if (n->spi_size > len - 8)
            return wire_fail(err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, base + 5,
                             type, "notification SPI runs past the payload");
        n->spi.p = b + 8;
        n->spi.len = n->spi_size;
        n->data.p = b + 8 + n->spi_size;
        n->data.len = len - 8 - n->spi_size;
        if (n->doi > ISAKMP_DOI_IPSEC)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_DOI_NOT_SUPPORTED, base, type,
                             "notification DOI not supported");
        if (n->protocol > ISAKMP_PROTO_IPCOMP)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_PROTOCOL_ID,
                             base + 4, type, "notification protocol ID unknown");
        if (!notify_spi_ok(n->protocol, n->spi_size))
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_SPI, base + 5, type,
                             "notification SPI size wrong for its protocol");
        return 0;
    }
    case ISAKMP_PL_D: {
        if (len < 8)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "delete shorter than its 8 fixed bytes");
        memset(&p->u, 0, sizeof p->u);
        struct isakmp_delete *d = &p->u.del;
        d->doi = isakmp_get32(b);
        d->protocol = b[4];
        d->spi_size = b[5];
        d->n_spis = isakmp_get16(b + 6);
        d->spis.p = b + 8;
        d->spis.len = len - 8;
        if ((size_t)d->spi_size * d->n_spis != len - 8)
            return wire_fail(err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED, base + 6,
                             type, "SPI size x number of SPIs != payload length");
        if (d->doi > ISAKMP_DOI_IPSEC)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_DOI_NOT_SUPPORTED, base, type,
                             "delete DOI not supported");
        if (d->protocol < ISAKMP_PROTO_ISAKMP || d->protocol > ISAKMP_PROTO_IPCOMP)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_PROTOCOL_ID,
                             base + 4, type, "delete protocol ID unknown");
        if (!notify_spi_ok(d->protocol, d->spi_size) || d->spi_size == 0 || d->n_spis == 0)
            return wire_fail(err, ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_SPI, base + 5, type,
                             "delete SPI size wrong for its protocol, or no SPI");
        return 0;
    }
    case ISAKMP_PL_NAT_OA:
    case ISAKMP_PL_NAT_OA_DRAFT: {
        if (len < 4)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "NAT-OA shorter than its 4 fixed bytes");
        memset(&p->u, 0, sizeof p->u);
        p->u.nat_oa.id_type = b[0];
        p->u.nat_oa.addr.p = b + 4;
        p->u.nat_oa.addr.len = len - 4;
        if (strict && (b[1] || b[2] || b[3]))
            return wire_fail(err, ISAKMP_WIRE_BAD_RESERVED, ISAKMP_N_PAYLOAD_MALFORMED, base + 1,
                             type, "NAT-OA RESERVED not zero");
        if (!((b[0] == ISAKMP_ID_IPV4_ADDR && len == 8) ||
              (b[0] == ISAKMP_ID_IPV6_ADDR && len == 20)))
            return wire_fail(err, ISAKMP_WIRE_BAD_ID, ISAKMP_N_INVALID_ID_INFORMATION, base, type,
                             "NAT-OA is neither a 4-byte IPv4 nor a 16-byte IPv6 address");
        return 0;
    }
    case ISAKMP_PL_ATTR: {
        if (len < 4)
            return wire_fail(err, ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base, type,
                             "attribute payload shorter than its 4 fixed bytes");
        memset(&p->u, 0, sizeof p->u);
        p->u.cfg.type = b[0];
        p->u.cfg.identifier = isakmp_get16(b + 2);
        p->u.cfg.attrs.p = b + 4;
        p->u.cfg.attrs.len = len - 4;
        if (strict && b[1])
            return wire_fail(err, ISAKMP_WIRE_BAD_RESERVED, ISAKMP_N_PAYLOAD_MALFORMED, base + 1,
                             type, "attribute payload RESERVED not zero");
        return wire_check_attrs(b + 4, len - 4, base + 4, type, err);
    }
    default: /* NONCE, VID, NAT-D and unknown types: opaque bytes */
        return 0;
    }
}

/* Walk a payload chain over b[0..len), where b sits at offset `base` of
 * the decoded buffer. */
static int walk_chain(uint8_t first, const uint8_t *b, size_t len, size_t base, unsigned flags,
                      bool padded, struct isakmp_message *m)
{
    size_t off = 0;
    uint8_t type = first;
    m->n_payloads = 0;
    m->padding = 0;
    while (type != ISAKMP_PL_NONE) {
        if (!top_level_type_known(type) && !(flags & ISAKMP_DECODE_ALLOW_UNKNOWN))
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_PAYLOAD_TYPE, ISAKMP_N_INVALID_PAYLOAD_TYPE,
                             base + off, type,
                             type == ISAKMP_PL_P || type == ISAKMP_PL_T
                                 ? "proposal/transform payload outside an SA payload"
                                 : "unknown payload type");
        if (len - off < ISAKMP_GEN_HDR_LEN)
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_LENGTH,
                             len == off ? ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS : ISAKMP_N_PAYLOAD_MALFORMED,
                             base + off, type, "message ends inside the payload chain");
        if (m->n_payloads == ISAKMP_WIRE_MAX_PAYLOADS)
            return wire_fail(&m->err, ISAKMP_WIRE_TOO_MANY, ISAKMP_N_PAYLOAD_MALFORMED, base + off,
                             type, "more payloads than ISAKMP_WIRE_MAX_PAYLOADS");
        const uint8_t *g = b + off;
        uint16_t plen = isakmp_get16(g + 2);
        if (g[1] != 0 && !(flags & ISAKMP_DECODE_LAX_RESERVED))
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_RESERVED, ISAKMP_N_PAYLOAD_MALFORMED,
                             base + off + 1, type, "generic payload header RESERVED not zero");
        if (plen < ISAKMP_GEN_HDR_LEN)
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_PAYLOAD_MALFORMED,
                             base + off + 2, type, "payload length below 4");
        if (plen > len - off)
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS,
                             base + off + 2, type, "payload runs past the end of the message");
        struct isakmp_payload *p = &m->payloads[m->n_payloads];
        memset(p, 0, sizeof *p);
        p->type = type;
        p->next = g[0];
        p->reserved = g[1];
        p->length = plen;
        p->offset = base + off;
        p->raw.p = g;
        p->raw.len = plen;
        p->body.p = g + ISAKMP_GEN_HDR_LEN;
        p->body.len = plen - ISAKMP_GEN_HDR_LEN;
        int rc = wire_decode_body(type, p->body.p, p->body.len, base + off + ISAKMP_GEN_HDR_LEN,
                                  flags, p, &m->err);
        if (rc)
            return rc;
        m->n_payloads++;
        type = g[0];
        off += plen;
    }
    if (off != len) {
        if (!padded)
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS,
                             base + off, 0, "bytes after the last payload");
        m->padding = len - off;
    }
    return 0;
}

int isakmp_decode(const uint8_t *buf, size_t len, unsigned flags, struct isakmp_message *m)
{
    memset(m, 0, sizeof *m);
    int rc = isakmp_decode_header(buf, len, &m->hdr, &m->err);
    if (rc) {
        /* Keep what the header said, for the dissector. */
        if (len >= ISAKMP_HDR_LEN) {
            m->raw.p = buf;
            m->raw.len = len;
        }
        return rc;
    }
    if (m->hdr.length != len) {
        if (!(flags & ISAKMP_DECODE_ALLOW_TRAILING)) {
            m->raw.p = buf;
            m->raw.len = len;
            return wire_fail(&m->err, ISAKMP_WIRE_BAD_LENGTH, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS,
                             24, 0, "header length shorter than the datagram");
        }
        m->trailing = len - m->hdr.length;
    }
    m->raw.p = buf;
    m->raw.len = m->hdr.length;
    m->body.p = buf + ISAKMP_HDR_LEN;
    m->body.len = m->hdr.length - ISAKMP_HDR_LEN;
    if (m->hdr.flags & ISAKMP_FLAG_E) {
        m->encrypted = true;
        return 0;
    }
    return walk_chain(m->hdr.next_payload, m->body.p, m->body.len, ISAKMP_HDR_LEN, flags,
                      false, m);
}

int isakmp_decode_payloads(uint8_t first, const uint8_t *plain, size_t len, unsigned flags,
                           struct isakmp_message *m)
{
    memset(&m->err, 0, sizeof m->err);
    m->encrypted = false;
    m->body.p = plain;
    m->body.len = len;
    if (len > ISAKMP_WIRE_MAX_MSG)
        return wire_fail(&m->err, ISAKMP_WIRE_TOO_BIG, ISAKMP_N_PAYLOAD_MALFORMED, 0, 0,
                         "plaintext over the 65535-byte limit");
    /* Offsets are reported relative to the plaintext start + header, as
     * they would be in the unencrypted message. */
    return walk_chain(first, plain, len, ISAKMP_HDR_LEN, flags, true, m);
}

const struct isakmp_payload *isakmp_msg_find(const struct isakmp_message *m, uint8_t type,
                                             unsigned nth)
{
    for (size_t i = 0; i < m->n_payloads; i++)
        if (m->payloads[i].type == type && nth-- == 0)
            return &m->payloads[i];
    return NULL;
}

unsigned isakmp_msg_count(const struct isakmp_message *m, uint8_t type)
{
    unsigned n = 0;
    for (size_t i = 0; i < m->n_payloads; i++)
        n += m->payloads[i].type == type;
    return n;
}
