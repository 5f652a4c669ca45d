/* Header and generic payload chain: bounds first, meaning later. */
#include "isakmp/fw_msg.h"

#include <string.h>

uint16_t fw_msg_header(struct fw_msg *m, const uint8_t *b, size_t len)
{
    memset(m, 0, sizeof *m);
    if (len < FW_HDR_LEN)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    memcpy(m->cky_i, b, 8);
    memcpy(m->cky_r, b + 8, 8);
    m->first = b[16];
    m->version = b[17];
    m->xchg = b[18];
    m->flags = b[19];
    m->msgid = fw_get32(b + 20);
    m->length = fw_get32(b + 24);
    m->raw = b;
    m->raw_len = len;
    if ((m->version >> 4) != 1)
        return ISAKMP_N_INVALID_MAJOR_VERSION;
    /* RFC 2408 §3.1: the minor version is 0.  The header is not covered
     * by any hash, so accepting other values would let a changed copy
     * pass for a new message. */
    if ((m->version & 0x0f) != 0)
        return ISAKMP_N_INVALID_MINOR_VERSION;
    /* The length field must describe this datagram exactly (RFC 2408
     * §3.1); trailing bytes would let two different datagrams carry the
     * same message. */
    if (m->length != len)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    if (m->flags & ~(FW_FLAG_ENC | FW_FLAG_COMMIT | FW_FLAG_AUTH_ONLY))
        return ISAKMP_N_INVALID_FLAGS;
    return 0;
}

uint16_t fw_msg_payloads(struct fw_msg *m, uint8_t first, const uint8_t *chain,
                         size_t len, bool padded)
{
    size_t off = 0;
    uint8_t type = first;
    m->n = 0;
    m->present = 0;
    m->chain = chain;
    while (type != ISAKMP_PL_NONE) {
        if (len - off < 4)
            return ISAKMP_N_PAYLOAD_MALFORMED;
        const uint8_t *p = chain + off;
        size_t plen = fw_get16(p + 2);
        if (plen < 4 || plen > len - off)
            return ISAKMP_N_PAYLOAD_MALFORMED;
        if (m->n == FW_MAX_PAYLOADS)
            return ISAKMP_N_PAYLOAD_MALFORMED;
        struct fw_payload *pl = &m->p[m->n++];
        pl->type = type;
        pl->raw = p;
        pl->raw_len = plen;
        pl->body = p + 4;
        pl->body_len = plen - 4;
        m->present |= FW_PL(type);
        type = p[0];
        off += plen;
    }
    m->chain_len = off;
    if (off != len && !padded)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    return 0;
}

const struct fw_payload *fw_msg_find(const struct fw_msg *m, uint8_t type, unsigned nth)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->p[i].type == type && nth-- == 0)
            return &m->p[i];
    return NULL;
}

unsigned fw_msg_count(const struct fw_msg *m, uint8_t type)
{
    unsigned c = 0;
    for (size_t i = 0; i < m->n; i++)
        c += m->p[i].type == type;
    return c;
}

void fw_mb_init(struct fw_mbuf *mb, uint8_t *buf, size_t cap)
{
    mb->b = buf;
    mb->len = 0;
    mb->cap = cap;
    mb->np_at = 16;
    mb->open = 0;
    mb->err = false;
}

void fw_mb_put(struct fw_mbuf *mb, const void *p, size_t n)
{
    if (mb->err || n > mb->cap - mb->len) {
        mb->err = true;
        return;
    }
    if (n)
        memcpy(mb->b + mb->len, p, n);
    mb->len += n;
}

void fw_mb_u8(struct fw_mbuf *mb, uint8_t v) { fw_mb_put(mb, &v, 1); }
void fw_mb_u16(struct fw_mbuf *mb, uint16_t v) { uint8_t b[2]; fw_put16(b, v); fw_mb_put(mb, b, 2); }
void fw_mb_u32(struct fw_mbuf *mb, uint32_t v) { uint8_t b[4]; fw_put32(b, v); fw_mb_put(mb, b, 4); }

void fw_mb_header(struct fw_mbuf *mb, const uint8_t *cky_i, const uint8_t *cky_r,
                  uint8_t xchg, uint8_t flags, uint32_t msgid)
{
    mb->len = 0;
    fw_mb_put(mb, cky_i, 8);
    fw_mb_put(mb, cky_r, 8);
    fw_mb_u8(mb, 0);           /* next payload: linked by fw_mb_begin */
    fw_mb_u8(mb, 0x10);        /* version 1.0 */
    fw_mb_u8(mb, xchg);
    fw_mb_u8(mb, flags);
    fw_mb_u32(mb, msgid);
    fw_mb_u32(mb, 0);
    mb->np_at = 16;
}

void fw_mb_begin(struct fw_mbuf *mb, uint8_t type)
{
    if (mb->err)
        return;
    mb->b[mb->np_at] = type;
    mb->open = mb->len;
    mb->np_at = mb->len;
    fw_mb_u8(mb, 0);
    fw_mb_u8(mb, 0);
    fw_mb_u16(mb, 0);
}

void fw_mb_end(struct fw_mbuf *mb)
{
    if (mb->err)
        return;
    size_t plen = mb->len - mb->open;
    if (plen > 0xffff) {
        mb->err = true;
        return;
    }
    fw_put16(mb->b + mb->open + 2, (uint16_t)plen);
}

void fw_mb_payload(struct fw_mbuf *mb, uint8_t type, const void *body, size_t len)
{
    fw_mb_begin(mb, type);
    fw_mb_put(mb, body, len);
    fw_mb_end(mb);
}

bool fw_mb_finish(struct fw_mbuf *mb)
{
    if (mb->err || mb->len < FW_HDR_LEN)
        return false;
    fw_put32(mb->b + 24, (uint32_t)mb->len);
    return true;
}
