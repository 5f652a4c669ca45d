/* The SA payload (RFC 2408 §3.4-3.6, RFC 2407 §4.6.1): situation,
 * proposals, transforms and data attributes.  Decoding validates the
 * whole nest once; the iterators then walk the validated bytes but keep
 * their own bounds checks, so they are safe on any input too. */
#include "wire_internal.h"

#include <string.h>

/* ---- data attributes (§3.3) ------------------------------------------- */

/* One attribute at p (left bytes remain); 1 ok, -1 malformed. */
static int read_attr(const uint8_t *p, size_t left, struct isakmp_attr *a)
{
    if (left < 4)
        return -1;
    uint16_t t = isakmp_get16(p);
    memset(a, 0, sizeof *a);
    a->type = t & (uint16_t)~ISAKMP_ATTR_AF;
    a->tv = (t & ISAKMP_ATTR_AF) != 0;
    if (a->tv) {
        a->value = isakmp_get16(p + 2);
        a->value_fits = true;
        a->data.p = p + 2;
        a->data.len = 2;
        a->raw.p = p;
        a->raw.len = 4;
        return 1;
    }
    size_t vlen = isakmp_get16(p + 2);
    if (vlen > left - 4)
        return -1;
    a->data.p = p + 4;
    a->data.len = vlen;
    a->raw.p = p;
    a->raw.len = 4 + vlen;
    if (vlen <= 4) {
        uint32_t v = 0;
        for (size_t i = 0; i < vlen; i++)
            v = v << 8 | p[4 + i];
        a->value = v;
        a->value_fits = true;
    }
    return 1;
}

int wire_check_attrs(const uint8_t *p, size_t len, size_t base, uint8_t payload_type,
                     struct isakmp_wire_error *err)
{
    size_t off = 0;
    unsigned n = 0;
    while (off < len) {
        struct isakmp_attr a;
        if (read_attr(p + off, len - off, &a) < 0)
            return wire_fail(err, ISAKMP_WIRE_BAD_ATTRIBUTE, ISAKMP_N_PAYLOAD_MALFORMED,
                             base + off, payload_type, "data attribute runs past its container");
        if (++n > ISAKMP_WIRE_MAX_ATTRS)
            return wire_fail(err, ISAKMP_WIRE_TOO_MANY, ISAKMP_N_PAYLOAD_MALFORMED, base + off,
                             payload_type, "more data attributes than ISAKMP_WIRE_MAX_ATTRS");
        off += a.raw.len;
    }
    return 0;
}

/* ---- iterators --------------------------------------------------------- */

struct isakmp_iter isakmp_proposals(const struct isakmp_sa *sa)
{
    struct isakmp_iter it = { sa->proposals.p, sa->proposals.len, 0,
                              sa->proposals.len ? ISAKMP_PL_P : 0 };
    return it;
}

struct isakmp_iter isakmp_transforms(const struct isakmp_proposal *prop)
{
    struct isakmp_iter it = { prop->transforms.p, prop->transforms.len, 0,
                              prop->transforms.len ? ISAKMP_PL_T : 0 };
    return it;
}

struct isakmp_iter isakmp_attrs(struct isakmp_bytes attrs)
{
    struct isakmp_iter it = { attrs.p, attrs.len, 0, attrs.len ? 1 : 0 };
    return it;
}

int isakmp_next_proposal(struct isakmp_iter *it, struct isakmp_proposal *out)
{
    if (it->expect_next == 0)
        return 0;
    if (it->left < 8 || it->count >= ISAKMP_WIRE_MAX_PROPOSALS)
        return -1;
    const uint8_t *p = it->p;
    uint16_t len = isakmp_get16(p + 2);
    if (len < 8 || len > it->left || (size_t)8 + p[6] > len)
        return -1;
    memset(out, 0, sizeof *out);
    out->next = p[0];
    out->length = len;
    out->number = p[4];
    out->protocol = p[5];
    out->spi_size = p[6];
    out->n_transforms = p[7];
    out->spi.p = p + 8;
    out->spi.len = p[6];
    out->transforms.p = p + 8 + p[6];
    out->transforms.len = len - 8u - p[6];
    out->raw.p = p;
    out->raw.len = len;
    it->p += len;
    it->left -= len;
    it->count++;
    it->expect_next = out->next == ISAKMP_PL_P && it->left ? ISAKMP_PL_P : 0;
    return 1;
}

int isakmp_next_transform(struct isakmp_iter *it, struct isakmp_transform *out)
{
    if (it->expect_next == 0)
        return 0;
    if (it->left < 8 || it->count >= ISAKMP_WIRE_MAX_TRANSFORMS)
        return -1;
    const uint8_t *p = it->p;
    uint16_t len = isakmp_get16(p + 2);
    if (len < 8 || len > it->left)
        return -1;
    memset(out, 0, sizeof *out);
    out->next = p[0];
    out->length = len;
    out->number = p[4];
    out->id = p[5];
    out->attrs.p = p + 8;
    out->attrs.len = len - 8u;
    out->raw.p = p;
    out->raw.len = len;
    it->p += len;
    it->left -= len;
    it->count++;
    it->expect_next = out->next == ISAKMP_PL_T && it->left ? ISAKMP_PL_T : 0;
    return 1;
}

int isakmp_next_attr(struct isakmp_iter *it, struct isakmp_attr *out)
{
    if (it->left == 0)
        return 0;
    if (it->count >= ISAKMP_WIRE_MAX_ATTRS || read_attr(it->p, it->left, out) < 0)
        return -1;
    it->p += out->raw.len;
    it->left -= out->raw.len;
    it->count++;
    return 1;
}

int isakmp_attr_find(struct isakmp_bytes attrs, uint16_t type, struct isakmp_attr *out)
{
    struct isakmp_iter it = isakmp_attrs(attrs);
    while (isakmp_next_attr(&it, out) == 1)
        if (out->type == type)
            return 1;
    return 0;
}

/* ---- validation -------------------------------------------------------- */

#define FAIL(st, n, off, what) wire_fail(err, (st), (n), (off), ISAKMP_PL_SA, (what))

/* SPI sizes allowed in a proposal (RFC 2409 §5: phase 1 SPI 0 or the
 * 16-byte cookie pair; RFC 2407 §4.4: AH/ESP 4; IPCOMP CPI 2 or 4). */
static bool proposal_spi_ok(uint8_t proto, uint8_t size)
{
    switch (proto) {
    case ISAKMP_PROTO_ISAKMP: return size == 0 || size == 16;
    case ISAKMP_PROTO_AH: case ISAKMP_PROTO_ESP: return size == 4;
    case ISAKMP_PROTO_IPCOMP: return size == 2 || size == 4;
    default: return false;
    }
}

/* The labeled-domain extension of SIT_SECRECY / SIT_INTEGRITY (RFC 2407
 * §4.6.1): returns its length, or 0 when it does not fit. */
static size_t situation_ext_len(uint32_t sit, const uint8_t *p, size_t left)
{
    size_t off = 4; /* Labeled Domain Identifier */
    if (left < off)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t bit = pass == 0 ? ISAKMP_SIT_SECRECY : ISAKMP_SIT_INTEGRITY;
        if (!(sit & bit))
            continue;
        /* level length (octets), RESERVED; level; category length (bits), RESERVED; bitmap */
        if (left - off < 4)
            return 0;
        size_t level = isakmp_get16(p + off);
        off += 4;
        if (left - off < level)
            return 0;
        off += level;
        if (left - off < 4)
            return 0;
        size_t bits = isakmp_get16(p + off);
        off += 4;
        size_t bytes = (bits + 7) / 8;
        if (left - off < bytes)
            return 0;
        off += bytes;
    }
    return off;
}

int wire_decode_sa(const uint8_t *b, size_t len, size_t base, unsigned flags,
                   struct isakmp_sa *sa, struct isakmp_wire_error *err)
{
    bool strict = !(flags & ISAKMP_DECODE_LAX_RESERVED);
    memset(sa, 0, sizeof *sa);
    if (len < 8)
        return FAIL(ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base,
                    "SA payload shorter than DOI + situation");
    sa->doi = isakmp_get32(b);
    sa->situation = isakmp_get32(b + 4);
    if (sa->doi > ISAKMP_DOI_IPSEC)
        return FAIL(ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_DOI_NOT_SUPPORTED, base, "DOI not supported");
    size_t off = 8;
    if (sa->doi == ISAKMP_DOI_IPSEC) {
        if (sa->situation & ~(uint32_t)(ISAKMP_SIT_IDENTITY_ONLY | ISAKMP_SIT_SECRECY |
                                        ISAKMP_SIT_INTEGRITY))
            return FAIL(ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_SITUATION_NOT_SUPPORTED, base + 4,
                        "situation bits not defined by the IPsec DOI");
        if (sa->situation & (ISAKMP_SIT_SECRECY | ISAKMP_SIT_INTEGRITY)) {
            size_t ext = situation_ext_len(sa->situation, b + off, len - off);
            if (ext == 0)
                return FAIL(ISAKMP_WIRE_TRUNCATED, ISAKMP_N_PAYLOAD_MALFORMED, base + off,
                            "labeled-domain situation runs past the SA payload");
            sa->sit_ext.p = b + off;
            sa->sit_ext.len = ext;
            off += ext;
        }
    }
    sa->proposals.p = b + off;
    sa->proposals.len = len - off;
    if (off == len)
        return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + off,
                    "SA payload without a proposal");

    /* Walk proposals, transforms and attributes with full checks. */
    int last_number = -1;
    bool more = true;
    while (more) {
        size_t poff = off;
        if (sa->n_proposals == ISAKMP_WIRE_MAX_PROPOSALS)
            return FAIL(ISAKMP_WIRE_TOO_MANY, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff,
                        "more proposals than ISAKMP_WIRE_MAX_PROPOSALS");
        if (len - off < 8)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff,
                        "proposal header runs past the SA payload");
        const uint8_t *p = b + off;
        uint16_t plen = isakmp_get16(p + 2);
        if (p[0] != ISAKMP_PL_P && p[0] != ISAKMP_PL_NONE)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff,
                        "proposal Next Payload is neither 2 nor 0");
        if (strict && p[1] != 0)
            return FAIL(ISAKMP_WIRE_BAD_RESERVED, ISAKMP_N_PAYLOAD_MALFORMED, base + poff + 1,
                        "proposal RESERVED not zero");
        if (plen < 8 + (size_t)p[6] || plen > len - off)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff + 2,
                        "proposal length disagrees with the SA payload or its SPI");
        /* Proposal numbers never decrease (§4.2): equal numbers form a
         * logical AND, increasing ones the next choice. */
        if ((int)p[4] < last_number)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff + 4,
                        "proposal numbers decrease");
        last_number = p[4];
        if (p[5] < ISAKMP_PROTO_ISAKMP || p[5] > ISAKMP_PROTO_IPCOMP)
            return FAIL(ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_PROTOCOL_ID, base + poff + 5,
                        "proposal protocol ID unknown");
        if (!proposal_spi_ok(p[5], p[6]))
            return FAIL(ISAKMP_WIRE_UNSUPPORTED, ISAKMP_N_INVALID_SPI, base + poff + 6,
                        "SPI size wrong for the proposal's protocol");
        if (p[7] == 0)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff + 7,
                        "proposal without transforms");
        /* transforms */
        size_t toff = 8 + (size_t)p[6];
        unsigned nt = 0;
        bool tmore = true;
        while (tmore) {
            if (plen - toff < 8)
                return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
                            base + poff + toff, "transform header runs past its proposal");
            const uint8_t *t = p + toff;
            uint16_t tlen = isakmp_get16(t + 2);
            if (t[0] != ISAKMP_PL_T && t[0] != ISAKMP_PL_NONE)
                return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
                            base + poff + toff, "transform Next Payload is neither 3 nor 0");
            if (strict && (t[1] != 0 || t[6] != 0 || t[7] != 0))
                return FAIL(ISAKMP_WIRE_BAD_RESERVED, ISAKMP_N_PAYLOAD_MALFORMED,
                            base + poff + toff + 1, "transform RESERVED not zero");
            if (tlen < 8 || tlen > plen - toff)
                return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
                            base + poff + toff + 2, "transform length disagrees with its proposal");
            int rc = wire_check_attrs(t + 8, tlen - 8u, base + poff + toff + 8, ISAKMP_PL_SA, err);
            if (rc)
                return rc;
            nt++;
            toff += tlen;
            tmore = t[0] == ISAKMP_PL_T;
            if (!tmore && toff != plen)
                return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX,
                            base + poff + toff, "bytes after the last transform of a proposal");
        }
        if (nt != p[7])
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + poff + 7,
                        "number of transforms disagrees with the proposal's count");
        sa->n_proposals++;
        off += plen;
        more = p[0] == ISAKMP_PL_P;
        if (!more && off != len)
            return FAIL(ISAKMP_WIRE_BAD_PROPOSAL, ISAKMP_N_BAD_PROPOSAL_SYNTAX, base + off,
                        "bytes after the last proposal of the SA payload");
    }
    return 0;
}
