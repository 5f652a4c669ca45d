/* Vendor ID payloads (RFC 2408 §3.16) as a registry: the ones the engine
 * sends and recognises (NAT-T, DPD) and well-known ones the dissector
 * names.  A Vendor ID is opaque bytes, often the MD5 of a text; where an
 * implementation puts a version in the last bytes, only the prefix is
 * matched. */
#include "isakmp/registry.h"

#include <string.h>

struct vid_entry {
    enum isakmp_vid id;
    const char *name;
    uint8_t len;           /* bytes known (and sent) */
    uint8_t match;         /* bytes compared on receipt (a prefix when < len) */
    uint8_t bytes[16];
    uint8_t rx_len;        /* length received (0: len) */
};

static const struct vid_entry vids[] = {
    /* MD5("RFC 3947") and of the draft names (RFC 3947 §3.1; drafts 00-07) */
    { ISAKMP_VID_RFC3947, "RFC 3947 (NAT-Traversal)", 16, 16,
      { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f }, 0 },
    { ISAKMP_VID_NATT_DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02", 16, 16,
      { 0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 }, 0 },
    { ISAKMP_VID_NATT_DRAFT_02N, "draft-ietf-ipsec-nat-t-ike-02\\n", 16, 16,
      { 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f }, 0 },
    { ISAKMP_VID_NATT_DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03", 16, 16,
      { 0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56 }, 0 },
    { ISAKMP_VID_NATT_DRAFT_00, "draft-ietf-ipsec-nat-t-ike-00", 16, 16,
      { 0x44, 0x85, 0x15, 0x2d, 0x18, 0xb6, 0xbb, 0xcd, 0x0b, 0xe8, 0xa8, 0x46, 0x95, 0x79, 0xdd, 0xcc }, 0 },
    { ISAKMP_VID_NATT_DRAFT_07, "draft-ietf-ipsec-nat-t-ike-07", 16, 16,
      { 0x43, 0x9b, 0x59, 0xf8, 0xba, 0x67, 0x6c, 0x4c, 0x77, 0x37, 0xae, 0x22, 0xea, 0xb8, 0xf5, 0x82 }, 0 },
    { ISAKMP_VID_STENBERG_01, "draft-stenberg-ipsec-nat-traversal-01", 16, 16,
      { 0x27, 0xba, 0xb5, 0xdc, 0x01, 0xea, 0x07, 0x60, 0xea, 0x4e, 0x31, 0x90, 0xac, 0x27, 0xc0, 0xd0 }, 0 },
    { ISAKMP_VID_STENBERG_02, "draft-stenberg-ipsec-nat-traversal-02", 16, 16,
      { 0x61, 0x05, 0xc4, 0x22, 0xe7, 0x68, 0x47, 0xe4, 0x3f, 0x96, 0x84, 0x80, 0x12, 0x92, 0xae, 0xcd }, 0 },
    /* RFC 3706 §4: the last two bytes are the major and minor version. */
    { ISAKMP_VID_DPD, "RFC 3706 DPD (Dead Peer Detection)", 16, 14,
      { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 }, 0 },
    { ISAKMP_VID_XAUTH, "XAUTH (draft-beaulieu-ike-xauth)", 8, 8,
      { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 }, 0 },
    { ISAKMP_VID_CISCO_UNITY, "Cisco Unity", 16, 14,
      { 0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9, 0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 }, 0 },
    { ISAKMP_VID_STRONGSWAN, "strongSwan", 16, 16,
      { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc, 0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb }, 0 },
    /* Windows: the first is followed by a 4-byte version. */
    { ISAKMP_VID_MS_NT5, "Microsoft NT5 ISAKMPOAKLEY", 16, 16,
      { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96, 0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61 },
      20 },
    { ISAKMP_VID_MS_NEG_DISCOVERY, "Microsoft Negotiation Discovery Capable", 16, 16,
      { 0xfb, 0x1d, 0xe3, 0xcd, 0xf3, 0x41, 0xb7, 0xea, 0x16, 0xb7, 0xe5, 0xbe, 0x08, 0x55, 0xf1, 0x20 }, 0 },
    { ISAKMP_VID_MS_INITIAL_CONTACT, "Microsoft Vid-Initial-Contact", 16, 16,
      { 0x26, 0x24, 0x4d, 0x38, 0xed, 0xdb, 0x61, 0xb3, 0x17, 0x2a, 0x36, 0xe3, 0xd0, 0xcf, 0xb8, 0x19 }, 0 },
};

static const struct vid_entry *entry(enum isakmp_vid v)
{
    for (size_t i = 0; i < sizeof vids / sizeof vids[0]; i++)
        if (vids[i].id == v)
            return &vids[i];
    return NULL;
}

const uint8_t *isakmp_vendor_id(enum isakmp_vid v, size_t *len)
{
    const struct vid_entry *e = entry(v);
    if (len)
        *len = e ? e->len : 0;
    return e ? e->bytes : NULL;
}

const char *isakmp_vendor_id_label(enum isakmp_vid v)
{
    const struct vid_entry *e = entry(v);
    return e ? e->name : NULL;
}

static bool matches(const struct vid_entry *e, const uint8_t *p, size_t len)
{
    return p && len == (e->rx_len ? e->rx_len : e->len) && memcmp(p, e->bytes, e->match) == 0;
}

bool isakmp_vendor_id_is(enum isakmp_vid v, const uint8_t *p, size_t len)
{
    const struct vid_entry *e = entry(v);
    return e && matches(e, p, len);
}

const char *isakmp_vendor_id_name(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < sizeof vids / sizeof vids[0]; i++)
        if (matches(&vids[i], p, len))
            return vids[i].name;
    return NULL;
}
