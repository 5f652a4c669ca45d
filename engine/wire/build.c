/* The message builder: writes into a caller buffer, chains Next Payload
 * fields and patches lengths as each level closes.  Errors are sticky so
 * a caller checks once, at isakmp_build_finish. */
#include "wire_internal.h"

#include <string.h>

#define NONE SIZE_MAX

static bool ok(struct isakmp_builder *b) { return b->err == 0; }
static void fail(struct isakmp_builder *b, enum isakmp_wire_status s)
{
    if (b->err == 0)
        b->err = (int)s;
}

void isakmp_build_init(struct isakmp_builder *b, uint8_t *buf, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->buf = buf;
    b->cap = cap > ISAKMP_WIRE_MAX_MSG ? ISAKMP_WIRE_MAX_MSG : cap;
    b->np_at = b->payload_at = b->prop_at = b->prop_np_at = b->xf_at = b->xf_np_at = NONE;
}

void isakmp_build_put(struct isakmp_builder *b, const void *p, size_t n)
{
    if (!ok(b))
        return;
    if (n > b->cap - b->len) {
        fail(b, ISAKMP_WIRE_NO_SPACE);
        return;
    }
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
}

void isakmp_build_u8(struct isakmp_builder *b, uint8_t v) { isakmp_build_put(b, &v, 1); }
void isakmp_build_u16(struct isakmp_builder *b, uint16_t v)
{
    uint8_t t[2];
    isakmp_put16(t, v);
    isakmp_build_put(b, t, 2);
}
void isakmp_build_u32(struct isakmp_builder *b, uint32_t v)
{
    uint8_t t[4];
    isakmp_put32(t, v);
    isakmp_build_put(b, t, 4);
}

void isakmp_build_header(struct isakmp_builder *b, const struct isakmp_header *h)
{
    if (!ok(b))
        return;
    if (b->len != 0 || b->has_header) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    uint8_t hdr[ISAKMP_HDR_LEN];
    memcpy(hdr, h->cky_i, 8);
    memcpy(hdr + 8, h->cky_r, 8);
    hdr[16] = ISAKMP_PL_NONE;
    hdr[17] = (uint8_t)((h->major & 0x0f) << 4 | (h->minor & 0x0f));
    hdr[18] = h->exchange;
    hdr[19] = h->flags;
    isakmp_put32(hdr + 20, h->msgid);
    isakmp_put32(hdr + 24, 0);
    isakmp_build_put(b, hdr, sizeof hdr);
    if (ok(b)) {
        b->has_header = true;
        b->np_at = 16;
    }
}

void isakmp_build_payload_begin(struct isakmp_builder *b, uint8_t type)
{
    if (!ok(b))
        return;
    if (b->payload_at != NONE || type == ISAKMP_PL_NONE) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t at = b->len;
    uint8_t g[ISAKMP_GEN_HDR_LEN] = { 0, 0, 0, 0 };
    isakmp_build_put(b, g, sizeof g);
    if (!ok(b))
        return;
    if (b->np_at != NONE)
        b->buf[b->np_at] = type;
    else
        b->first_payload = type;
    b->np_at = at;
    b->payload_at = at;
    b->open_type = type;
}

void isakmp_build_payload_end(struct isakmp_builder *b)
{
    if (!ok(b))
        return;
    if (b->payload_at == NONE || b->prop_at != NONE) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t n = b->len - b->payload_at;
    if (n > 0xffff) {
        fail(b, ISAKMP_WIRE_NO_SPACE);
        return;
    }
    isakmp_put16(b->buf + b->payload_at + 2, (uint16_t)n);
    b->payload_at = NONE;
    b->open_type = 0;
}

void isakmp_build_data(struct isakmp_builder *b, uint8_t type, const void *data, size_t len)
{
    isakmp_build_payload_begin(b, type);
    isakmp_build_put(b, data, len);
    isakmp_build_payload_end(b);
}

void isakmp_build_id(struct isakmp_builder *b, uint8_t id_type, uint8_t protocol, uint16_t port,
                     const void *data, size_t len)
{
    isakmp_build_payload_begin(b, ISAKMP_PL_ID);
    isakmp_build_u8(b, id_type);
    isakmp_build_u8(b, protocol);
    isakmp_build_u16(b, port);
    isakmp_build_put(b, data, len);
    isakmp_build_payload_end(b);
}

void isakmp_build_cert(struct isakmp_builder *b, uint8_t type, uint8_t encoding,
                       const void *data, size_t len)
{
    if (type != ISAKMP_PL_CERT && type != ISAKMP_PL_CR) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    isakmp_build_payload_begin(b, type);
    isakmp_build_u8(b, encoding);
    isakmp_build_put(b, data, len);
    isakmp_build_payload_end(b);
}

void isakmp_build_notify(struct isakmp_builder *b, uint32_t doi, uint8_t protocol,
                         const void *spi, uint8_t spi_size, uint16_t notify_type,
                         const void *data, size_t len)
{
    isakmp_build_payload_begin(b, ISAKMP_PL_N);
    isakmp_build_u32(b, doi);
    isakmp_build_u8(b, protocol);
    isakmp_build_u8(b, spi_size);
    isakmp_build_u16(b, notify_type);
    isakmp_build_put(b, spi, spi_size);
    isakmp_build_put(b, data, len);
    isakmp_build_payload_end(b);
}

void isakmp_build_delete(struct isakmp_builder *b, uint32_t doi, uint8_t protocol,
                         uint8_t spi_size, uint16_t n_spis, const void *spis)
{
    isakmp_build_payload_begin(b, ISAKMP_PL_D);
    isakmp_build_u32(b, doi);
    isakmp_build_u8(b, protocol);
    isakmp_build_u8(b, spi_size);
    isakmp_build_u16(b, n_spis);
    isakmp_build_put(b, spis, (size_t)spi_size * n_spis);
    isakmp_build_payload_end(b);
}

void isakmp_build_nat_oa(struct isakmp_builder *b, uint8_t type, uint8_t id_type,
                         const void *addr, size_t len)
{
    if (type != ISAKMP_PL_NAT_OA && type != ISAKMP_PL_NAT_OA_DRAFT) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    isakmp_build_payload_begin(b, type);
    isakmp_build_u8(b, id_type);
    isakmp_build_u8(b, 0);
    isakmp_build_u16(b, 0);
    isakmp_build_put(b, addr, len);
    isakmp_build_payload_end(b);
}

void isakmp_build_sa_begin(struct isakmp_builder *b, uint32_t doi, uint32_t situation)
{
    isakmp_build_payload_begin(b, ISAKMP_PL_SA);
    isakmp_build_u32(b, doi);
    isakmp_build_u32(b, situation);
    b->prop_np_at = NONE;
}

void isakmp_build_proposal_begin(struct isakmp_builder *b, uint8_t number, uint8_t protocol,
                                 const void *spi, uint8_t spi_size)
{
    if (!ok(b))
        return;
    if (b->open_type != ISAKMP_PL_SA || b->prop_at != NONE) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t at = b->len;
    uint8_t h[8] = { 0, 0, 0, 0, number, protocol, spi_size, 0 };
    isakmp_build_put(b, h, sizeof h);
    isakmp_build_put(b, spi, spi_size);
    if (!ok(b))
        return;
    if (b->prop_np_at != NONE)
        b->buf[b->prop_np_at] = ISAKMP_PL_P;
    b->prop_at = at;
    b->xf_np_at = NONE;
    b->n_xf = 0;
}

void isakmp_build_transform_begin(struct isakmp_builder *b, uint8_t number, uint8_t id)
{
    if (!ok(b))
        return;
    if (b->prop_at == NONE || b->xf_at != NONE) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t at = b->len;
    uint8_t h[8] = { 0, 0, 0, 0, number, id, 0, 0 };
    isakmp_build_put(b, h, sizeof h);
    if (!ok(b))
        return;
    if (b->xf_np_at != NONE)
        b->buf[b->xf_np_at] = ISAKMP_PL_T;
    b->xf_at = at;
}

/* Attributes go in an open transform, or directly in a Config Mode
 * attribute payload. */
static bool attr_place_ok(struct isakmp_builder *b)
{
    if (b->xf_at != NONE || (b->open_type == ISAKMP_PL_ATTR && b->payload_at != NONE))
        return true;
    fail(b, ISAKMP_WIRE_BAD_ARG);
    return false;
}

void isakmp_build_attr_tv(struct isakmp_builder *b, uint16_t type, uint16_t value)
{
    if (!ok(b) || !attr_place_ok(b))
        return;
    isakmp_build_u16(b, (uint16_t)(type | ISAKMP_ATTR_AF));
    isakmp_build_u16(b, value);
}

void isakmp_build_attr_tlv(struct isakmp_builder *b, uint16_t type, const void *data, size_t len)
{
    if (!ok(b) || !attr_place_ok(b))
        return;
    if (len > 0xffff || (type & ISAKMP_ATTR_AF)) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    isakmp_build_u16(b, type);
    isakmp_build_u16(b, (uint16_t)len);
    isakmp_build_put(b, data, len);
}

void isakmp_build_attr(struct isakmp_builder *b, enum isakmp_attr_ctx ctx, uint16_t type,
                       uint32_t value)
{
    if (value <= 0xffff) {
        isakmp_build_attr_tv(b, type, (uint16_t)value);
        return;
    }
    if (isakmp_attr_form(ctx, type) == ISAKMP_ATTR_FORM_BASIC) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    uint8_t v[4];
    isakmp_put32(v, value);
    isakmp_build_attr_tlv(b, type, v, 4);
}

void isakmp_build_transform_end(struct isakmp_builder *b)
{
    if (!ok(b))
        return;
    if (b->xf_at == NONE || b->n_xf == 255) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t n = b->len - b->xf_at;
    if (n > 0xffff) {
        fail(b, ISAKMP_WIRE_NO_SPACE);
        return;
    }
    isakmp_put16(b->buf + b->xf_at + 2, (uint16_t)n);
    b->xf_np_at = b->xf_at;
    b->xf_at = NONE;
    b->n_xf++;
}

void isakmp_build_proposal_end(struct isakmp_builder *b)
{
    if (!ok(b))
        return;
    if (b->prop_at == NONE || b->xf_at != NONE) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    size_t n = b->len - b->prop_at;
    if (n > 0xffff) {
        fail(b, ISAKMP_WIRE_NO_SPACE);
        return;
    }
    isakmp_put16(b->buf + b->prop_at + 2, (uint16_t)n);
    b->buf[b->prop_at + 7] = (uint8_t)b->n_xf;
    b->prop_np_at = b->prop_at;
    b->prop_at = NONE;
}

void isakmp_build_sa_end(struct isakmp_builder *b)
{
    if (!ok(b))
        return;
    if (b->open_type != ISAKMP_PL_SA) {
        fail(b, ISAKMP_WIRE_BAD_ARG);
        return;
    }
    isakmp_build_payload_end(b);
}

int isakmp_build_finish(struct isakmp_builder *b, size_t *len)
{
    if (ok(b) && (b->payload_at != NONE || b->prop_at != NONE || b->xf_at != NONE))
        fail(b, ISAKMP_WIRE_BAD_ARG);
    if (!ok(b))
        return b->err;
    if (b->has_header)
        isakmp_put32(b->buf + 24, (uint32_t)b->len);
    if (len)
        *len = b->len;
    return 0;
}

void isakmp_wire_set_length(uint8_t *buf, uint32_t len)
{
    isakmp_put32(buf + 24, len);
}
