/* ISAKMP wire format (RFC 2408 §3, RFC 2407 §4.6, RFC 3947): decoding
 * with the checks of RFC 2408 §5, canonical encoding, and a builder.
 *
 * status: complete (decoder, encoder, builder, iterators; API only grows)
 *
 * Decoding is zero-copy: every variable-length field is a (pointer,
 * length) view into the caller's buffer, which must outlive the decoded
 * message.  A message holds at most ISAKMP_WIRE_MAX_PAYLOADS payloads;
 * SA payloads are walked with iterators (proposal -> transform ->
 * attribute) over the already validated bytes, so nothing is allocated.
 *
 * Errors: every decode function returns 0 or an enum isakmp_wire_status
 * and fills struct isakmp_wire_error, whose `notify` is the Notify Message
 * Type RFC 2408 §5 says to answer with (0 when the RFC says to drop
 * silently).  Nothing here reads outside [buf, buf+len).
 *
 * Thread safety: no global state; all functions are reentrant. */
#ifndef ISAKMP_WIRE_H
#define ISAKMP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/registry.h"
#include "isakmp/bytes.h"

#define ISAKMP_HDR_LEN 28          /* fixed header (RFC 2408 §3.1) */
#define ISAKMP_GEN_HDR_LEN 4       /* generic payload header (§3.2) */
/* Payloads kept per message; a message with more is refused with
 * PAYLOAD-MALFORMED (real IKEv1 messages carry at most ~15). */
#define ISAKMP_WIRE_MAX_PAYLOADS 64
/* Largest message accepted or built: the ISAKMP length field is 32 bits
 * but a UDP datagram carries at most 65507 bytes of payload. */
#define ISAKMP_WIRE_MAX_MSG 65535
/* Proposals per SA, transforms per proposal, attributes per transform:
 * the iterators stop (BAD-PROPOSAL-SYNTAX / PAYLOAD-MALFORMED) beyond. */
#define ISAKMP_WIRE_MAX_PROPOSALS 64
#define ISAKMP_WIRE_MAX_TRANSFORMS 255
#define ISAKMP_WIRE_MAX_ATTRS 128

#define ISAKMP_FLAG_E 0x01         /* Encryption */
#define ISAKMP_FLAG_C 0x02         /* Commit */
#define ISAKMP_FLAG_A 0x04         /* Authentication Only */
#define ISAKMP_ATTR_AF 0x8000      /* attribute format bit: 1 = TV (basic) */

/* The 4-byte non-ESP marker that precedes ISAKMP on UDP 4500 (RFC 3948). */
#define ISAKMP_NON_ESP_MARKER_LEN 4

/* ---- errors ------------------------------------------------------------ */
enum isakmp_wire_status {
    ISAKMP_WIRE_OK = 0,
    ISAKMP_WIRE_TRUNCATED,        /* fewer bytes than a header / length says */
    ISAKMP_WIRE_BAD_VERSION,      /* major != 1 (IKEv2: 2) or minor != 0 */
    ISAKMP_WIRE_BAD_EXCHANGE,     /* exchange type not valid in the IPsec DOI */
    ISAKMP_WIRE_BAD_FLAGS,        /* undefined flag bits, or A without ... */
    ISAKMP_WIRE_BAD_LENGTH,       /* lengths disagree between levels */
    ISAKMP_WIRE_BAD_RESERVED,     /* a RESERVED field is not zero */
    ISAKMP_WIRE_BAD_PAYLOAD_TYPE, /* unknown / misplaced payload type */
    ISAKMP_WIRE_BAD_PROPOSAL,     /* SA/proposal/transform nesting or numbering */
    ISAKMP_WIRE_BAD_ATTRIBUTE,    /* data attribute overruns its transform */
    ISAKMP_WIRE_BAD_ID,           /* ID data length wrong for its type */
    ISAKMP_WIRE_TOO_MANY,         /* more payloads / proposals than the bound */
    ISAKMP_WIRE_TOO_BIG,          /* message over ISAKMP_WIRE_MAX_MSG */
    ISAKMP_WIRE_NO_SPACE,         /* builder / encoder: caller buffer too small */
    ISAKMP_WIRE_BAD_ARG,          /* builder misuse (e.g. transform outside proposal) */
    ISAKMP_WIRE_ENCRYPTED,        /* not an error of the bytes: body is ciphertext */
    ISAKMP_WIRE_UNSUPPORTED,      /* a value the format cannot interpret (DOI, protocol,
                                     situation, cert encoding): see err.notify */
};

/* Which Notify each check answers with (RFC 2408 §5.1-5.15):
 *   datagram shorter than the fixed header, a payload shorter than its
 *   fixed fields, a non-zero RESERVED field, more payloads than the bound
 *                                              -> PAYLOAD-MALFORMED
 *   header Length != datagram length (§5.1; also a Length below 28 or
 *   over 65535), a payload running past the message,
 *   the chain ending before the message ends  -> UNEQUAL-PAYLOAD-LENGTHS
 *   major version != 1 (IKEv2 is 2)            -> INVALID-MAJOR-VERSION
 *   minor version != 0                         -> INVALID-MINOR-VERSION
 *   exchange type not defined for the IPsec DOI-> INVALID-EXCHANGE-TYPE
 *   undefined flag bits, E together with A     -> INVALID-FLAGS
 *   unknown payload type, P or T outside an SA -> INVALID-PAYLOAD-TYPE
 *   proposal/transform nesting, next-payload, count, numbering or length
 *   disagreement inside an SA                  -> BAD-PROPOSAL-SYNTAX
 *   SA DOI other than 0/1                      -> DOI-NOT-SUPPORTED
 *   situation bits other than 1/2/4            -> SITUATION-NOT-SUPPORTED
 *   proposal / notify / delete protocol unknown-> INVALID-PROTOCOL-ID
 *   SPI size wrong for the protocol            -> INVALID-SPI
 *   empty KE                                   -> INVALID-KEY-INFORMATION
 *   ID data length wrong for its ID type       -> INVALID-ID-INFORMATION
 *   certificate encoding / type not defined    -> INVALID-CERT-ENCODING
 *   empty HASH                                 -> INVALID-HASH-INFORMATION
 *   empty SIG                                  -> INVALID-SIGNATURE
 * Unknown transform IDs and attribute values are NOT errors at this
 * level: they are a matter of negotiation (NO-PROPOSAL-CHOSEN). */

struct isakmp_wire_error {
    enum isakmp_wire_status status;
    uint16_t notify;        /* Notify Message Type to answer with, 0 = none */
    size_t offset;          /* byte offset in the decoded buffer */
    uint8_t payload_type;   /* payload being decoded, 0 for the header */
    const char *what;       /* static English description, never NULL when status != OK */
};

/* Static English name of a status ("truncated", ...). */
const char *isakmp_wire_status_name(enum isakmp_wire_status s);

/* ---- the fixed header (RFC 2408 §3.1) --------------------------------- */
struct isakmp_header {
    uint8_t cky_i[8];
    uint8_t cky_r[8];
    uint8_t next_payload;
    uint8_t major, minor;   /* version nibbles */
    uint8_t exchange;
    uint8_t flags;
    uint32_t msgid;
    uint32_t length;
};

/* ---- payload bodies --------------------------------------------------- */
/* Payload bodies are struct isakmp_bytes (isakmp/bytes.h): views into the
 * decoded buffer. */

struct isakmp_sa {                /* §3.4, RFC 2407 §4.6.1 */
    uint32_t doi;
    uint32_t situation;
    struct isakmp_bytes sit_ext;  /* labeled domain/secrecy/integrity (SIT_SECRECY|SIT_INTEGRITY) */
    struct isakmp_bytes proposals;/* the proposal payloads, validated */
    unsigned n_proposals;
};

struct isakmp_proposal {          /* §3.5 */
    uint8_t next;                 /* 2 (another proposal) or 0 */
    uint16_t length;
    uint8_t number, protocol, spi_size, n_transforms;
    struct isakmp_bytes spi;
    struct isakmp_bytes transforms;
    struct isakmp_bytes raw;      /* whole proposal incl. its header */
};

struct isakmp_transform {         /* §3.6 */
    uint8_t next;                 /* 3 (another transform) or 0 */
    uint16_t length;
    uint8_t number, id;
    struct isakmp_bytes attrs;    /* SA attributes */
    struct isakmp_bytes raw;
};

struct isakmp_attr {              /* §3.3 */
    uint16_t type;                /* class, AF bit removed */
    bool tv;                      /* basic (TV) form */
    bool value_fits;              /* `value` holds the whole value (TV, or TLV <= 4 bytes) */
    uint32_t value;               /* TV value, or TLV value as big-endian integer when it fits */
    struct isakmp_bytes data;     /* TLV value bytes (for TV: the 2 value bytes) */
    struct isakmp_bytes raw;      /* whole attribute */
};

struct isakmp_id {                /* §3.8, RFC 2407 §4.6.2 */
    uint8_t type;
    uint8_t protocol;             /* IPsec DOI; for DOI 0 these 3 bytes are DOI-specific */
    uint16_t port;
    struct isakmp_bytes data;
};

struct isakmp_cert {              /* §3.9 CERT and §3.10 CR */
    uint8_t encoding;
    struct isakmp_bytes data;     /* certificate, or Certificate Authority for CR */
};

struct isakmp_notify {            /* §3.14 */
    uint32_t doi;
    uint8_t protocol, spi_size;
    uint16_t type;
    struct isakmp_bytes spi;
    struct isakmp_bytes data;
};

struct isakmp_delete {            /* §3.15 */
    uint32_t doi;
    uint8_t protocol, spi_size;
    uint16_t n_spis;
    struct isakmp_bytes spis;     /* n_spis * spi_size bytes */
};

struct isakmp_nat_oa {            /* RFC 3947 §5.2 */
    uint8_t id_type;              /* ID_IPV4_ADDR or ID_IPV6_ADDR */
    struct isakmp_bytes addr;
};

struct isakmp_cfg {               /* Mode Config attribute payload (draft) */
    uint8_t type;
    uint16_t identifier;
    struct isakmp_bytes attrs;
};

struct isakmp_payload {
    uint8_t type;                 /* this payload's type (from the previous Next Payload) */
    uint8_t next;                 /* its Next Payload field */
    uint8_t reserved;             /* generic header RESERVED (0 when accepted) */
    uint16_t length;              /* Payload Length field */
    size_t offset;                /* offset of the generic header in the decoded buffer */
    struct isakmp_bytes raw;      /* generic header + body */
    struct isakmp_bytes body;     /* after the generic header */
    union {
        struct isakmp_sa sa;           /* SA */
        struct isakmp_bytes data;      /* KE, HASH, SIG, NONCE, VID, NAT-D, unknown */
        struct isakmp_id id;           /* ID */
        struct isakmp_cert cert;       /* CERT, CR */
        struct isakmp_notify notify;   /* N */
        struct isakmp_delete del;      /* D */
        struct isakmp_nat_oa nat_oa;   /* NAT-OA (21 or 131) */
        struct isakmp_cfg cfg;         /* ATTR (14) */
    } u;
};

struct isakmp_message {
    struct isakmp_header hdr;
    struct isakmp_bytes raw;      /* header.length bytes from the start */
    struct isakmp_bytes body;     /* after the fixed header: payloads, or ciphertext */
    bool encrypted;               /* E flag set: body is ciphertext, no payloads */
    size_t n_payloads;            /* decoded so far (also on error) */
    struct isakmp_payload payloads[ISAKMP_WIRE_MAX_PAYLOADS];
    size_t padding;               /* plaintext bytes after the last payload */
    size_t trailing;              /* datagram bytes after header.length (when allowed) */
    struct isakmp_wire_error err;
};

/* ---- decoding ---------------------------------------------------------- */

/* Decode flags. */
#define ISAKMP_DECODE_ALLOW_UNKNOWN 0x01  /* keep unknown payload types as raw views
                                             instead of refusing with INVALID-PAYLOAD-TYPE */
#define ISAKMP_DECODE_ALLOW_TRAILING 0x02 /* bytes after header.length are ignored
                                             (counted in m->trailing) instead of refused */
#define ISAKMP_DECODE_LAX_RESERVED 0x04   /* accept non-zero RESERVED fields (for dissecting
                                             probes; the encoder writes zeros, so such a
                                             message does not round-trip) */

/* Decode the fixed header only, with the §5.2 checks (version, exchange
 * type, flags; the version first, see decode.c) and §5.1's length (>= 28,
 * <= len).  0 or a status; `err` may be NULL. */
int isakmp_decode_header(const uint8_t *buf, size_t len, struct isakmp_header *h,
                         struct isakmp_wire_error *err);

/* Decode a whole datagram (UDP payload, without the non-ESP marker).
 * On success returns 0; when the E flag is set returns 0 too, with
 * m->encrypted set, m->body the ciphertext and no payloads.  On error
 * returns a status, m->err says which Notify to send; the header and the
 * payloads decoded before the error stay in m (for the dissector).
 * `m` may be large (~12 KiB): keep it off small stacks. */
int isakmp_decode(const uint8_t *buf, size_t len, unsigned flags, struct isakmp_message *m);

/* Decode a payload chain from decrypted plaintext into m (header fields of
 * m are left as they are, so call after isakmp_decode of the ciphertext
 * message, or fill m->hdr yourself).  `first` is the header's Next Payload.
 * Bytes after the last payload are cipher padding (RFC 2408 §3.1, RFC 2409
 * App. B): they are allowed and counted in m->padding.  The views point
 * into `plain`, which must outlive m. */
int isakmp_decode_payloads(uint8_t first, const uint8_t *plain, size_t len, unsigned flags,
                           struct isakmp_message *m);

/* Decode one payload body of `type` (validation of §5.x for that type). */
int isakmp_decode_payload_body(uint8_t type, const uint8_t *body, size_t len,
                               struct isakmp_payload *p, struct isakmp_wire_error *err);
/* Same, with `base` = offset of the body in the caller's buffer, so that
 * err->offset points into that buffer. */
int isakmp_decode_payload_body_at(uint8_t type, const uint8_t *body, size_t len, size_t base,
                                  struct isakmp_payload *p, struct isakmp_wire_error *err);

/* The n-th (0-based) payload of a type in m, or NULL. */
const struct isakmp_payload *isakmp_msg_find(const struct isakmp_message *m, uint8_t type,
                                             unsigned nth);
unsigned isakmp_msg_count(const struct isakmp_message *m, uint8_t type);

/* ---- SA iteration (proposals -> transforms -> attributes) ------------- */
/* Usage:
 *   struct isakmp_iter pi = isakmp_proposals(&p->u.sa);
 *   struct isakmp_proposal prop;
 *   while (isakmp_next_proposal(&pi, &prop) == 1) {
 *       struct isakmp_iter ti = isakmp_transforms(&prop);
 *       struct isakmp_transform t;
 *       while (isakmp_next_transform(&ti, &t) == 1) {
 *           struct isakmp_iter ai = isakmp_attrs(t.attrs);
 *           struct isakmp_attr a;
 *           while (isakmp_next_attr(&ai, &a) == 1) ...
 *   }}
 * next_* return 1 with an item, 0 at the end, -1 on malformed bytes (only
 * possible on bytes that did not come through isakmp_decode). */
struct isakmp_iter {
    const uint8_t *p;
    size_t left;
    unsigned count;
    uint8_t expect_next;          /* 0 when finished */
};
struct isakmp_iter isakmp_proposals(const struct isakmp_sa *sa);
struct isakmp_iter isakmp_transforms(const struct isakmp_proposal *prop);
struct isakmp_iter isakmp_attrs(struct isakmp_bytes attrs);
int isakmp_next_proposal(struct isakmp_iter *it, struct isakmp_proposal *out);
int isakmp_next_transform(struct isakmp_iter *it, struct isakmp_transform *out);
int isakmp_next_attr(struct isakmp_iter *it, struct isakmp_attr *out);

/* Find the first attribute of class `type` in an attribute list; returns
 * 1 and fills *out, or 0. */
int isakmp_attr_find(struct isakmp_bytes attrs, uint16_t type, struct isakmp_attr *out);

/* ---- re-encoding a decoded message ------------------------------------ */
/* Encode m canonically into buf (header length recomputed).  Every field
 * is re-emitted from the decoded structure (not copied as a block), so
 * encode(decode(b)) == b checks the decoder.  Encrypted messages: header
 * + ciphertext.  Returns 0 and *out_len, or ISAKMP_WIRE_NO_SPACE. */
int isakmp_encode(const struct isakmp_message *m, uint8_t *buf, size_t cap, size_t *out_len);

/* ---- the builder ------------------------------------------------------- */
/* Builds a message into a caller buffer.  Errors are sticky: after the
 * first one (buffer too small, misuse) every call does nothing and
 * isakmp_build_finish returns it, so a sequence of calls needs one check.
 *
 *   uint8_t buf[2048]; struct isakmp_builder b;
 *   isakmp_build_init(&b, buf, sizeof buf);
 *   isakmp_build_header(&b, &hdr);                 // next/length filled later
 *   isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
 *     isakmp_build_proposal_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
 *       isakmp_build_transform_begin(&b, 1, ISAKMP_KEY_IKE);
 *         isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, ISAKMP_ENC_AES_CBC);
 *       isakmp_build_transform_end(&b);
 *     isakmp_build_proposal_end(&b);
 *   isakmp_build_sa_end(&b);
 *   isakmp_build_data(&b, ISAKMP_PL_KE, ke, ke_len);
 *   size_t len; if (isakmp_build_finish(&b, &len) != 0) ...
 *
 * Next Payload fields are chained automatically (header -> first payload
 * -> ...; proposal -> proposal; transform -> transform) and lengths are
 * patched when each level ends.  Without isakmp_build_header the builder
 * makes a bare payload chain (for a plaintext to be encrypted);
 * b.first_payload then holds the type for the header's Next Payload. */
struct isakmp_builder {
    uint8_t *buf;
    size_t cap, len;
    int err;                      /* 0 or enum isakmp_wire_status (sticky) */
    bool has_header;
    uint8_t open_type;            /* type of the open payload */
    uint8_t first_payload;        /* type of the first payload written */
    size_t np_at;                 /* offset of the Next Payload byte to patch, SIZE_MAX = none */
    size_t payload_at;            /* offset of the open payload, SIZE_MAX = none */
    size_t prop_at, prop_np_at;   /* open proposal; previous proposal's next byte */
    size_t xf_at, xf_np_at;       /* open transform; previous transform's next byte */
    unsigned n_xf;                /* transforms in the open proposal */
};

void isakmp_build_init(struct isakmp_builder *b, uint8_t *buf, size_t cap);
/* The fixed header from h (next_payload and length ignored: filled in). */
void isakmp_build_header(struct isakmp_builder *b, const struct isakmp_header *h);

/* Generic payloads: open one (links the previous Next Payload), write its
 * body with the put functions, close it (patches its length). */
void isakmp_build_payload_begin(struct isakmp_builder *b, uint8_t type);
void isakmp_build_payload_end(struct isakmp_builder *b);
void isakmp_build_put(struct isakmp_builder *b, const void *p, size_t n);
void isakmp_build_u8(struct isakmp_builder *b, uint8_t v);
void isakmp_build_u16(struct isakmp_builder *b, uint16_t v);
void isakmp_build_u32(struct isakmp_builder *b, uint32_t v);

/* A payload whose body is opaque bytes: KE, HASH, SIG, NONCE, VID, NAT-D. */
void isakmp_build_data(struct isakmp_builder *b, uint8_t type, const void *data, size_t len);
void isakmp_build_id(struct isakmp_builder *b, uint8_t id_type, uint8_t protocol, uint16_t port,
                     const void *data, size_t len);
/* type is ISAKMP_PL_CERT or ISAKMP_PL_CR. */
void isakmp_build_cert(struct isakmp_builder *b, uint8_t type, uint8_t encoding,
                       const void *data, size_t len);
void isakmp_build_notify(struct isakmp_builder *b, uint32_t doi, uint8_t protocol,
                         const void *spi, uint8_t spi_size, uint16_t notify_type,
                         const void *data, size_t len);
/* spis holds n_spis * spi_size bytes. */
void isakmp_build_delete(struct isakmp_builder *b, uint32_t doi, uint8_t protocol,
                         uint8_t spi_size, uint16_t n_spis, const void *spis);
/* type is ISAKMP_PL_NAT_OA or ISAKMP_PL_NAT_OA_DRAFT; addr is 4 or 16 bytes. */
void isakmp_build_nat_oa(struct isakmp_builder *b, uint8_t type, uint8_t id_type,
                         const void *addr, size_t len);

/* SA payload with nested proposals/transforms/attributes. For situations
 * with SIT_SECRECY/SIT_INTEGRITY, write the extension with build_put
 * right after sa_begin. Proposal count / transform count are filled in. */
void isakmp_build_sa_begin(struct isakmp_builder *b, uint32_t doi, uint32_t situation);
void isakmp_build_proposal_begin(struct isakmp_builder *b, uint8_t number, uint8_t protocol,
                                 const void *spi, uint8_t spi_size);
void isakmp_build_transform_begin(struct isakmp_builder *b, uint8_t number, uint8_t id);
/* Attribute in basic (TV) form; `type` without the AF bit. */
void isakmp_build_attr_tv(struct isakmp_builder *b, uint16_t type, uint16_t value);
/* Attribute in variable (TLV) form. */
void isakmp_build_attr_tlv(struct isakmp_builder *b, uint16_t type, const void *data, size_t len);
/* Canonical form: TV when the value fits 16 bits (RFC 2409 App. A allows
 * basic encoding of "V" classes whose value fits two octets), otherwise
 * TLV with a 4-byte big-endian value.  ctx is accepted for future
 * per-class rules; a basic-only class with a value over 16 bits is
 * refused with ISAKMP_WIRE_BAD_ARG. */
void isakmp_build_attr(struct isakmp_builder *b, enum isakmp_attr_ctx ctx, uint16_t type,
                       uint32_t value);
void isakmp_build_transform_end(struct isakmp_builder *b);
void isakmp_build_proposal_end(struct isakmp_builder *b);
void isakmp_build_sa_end(struct isakmp_builder *b);

/* Patch the header length (when there is a header) and check that every
 * level is closed.  Returns 0 and *len, or the sticky error. */
int isakmp_build_finish(struct isakmp_builder *b, size_t *len);

/* Write `len` into the Length field of the header at buf (after the
 * engine has appended ciphertext, for instance). */
void isakmp_wire_set_length(uint8_t *buf, uint32_t len);

/* ---- small helpers ----------------------------------------------------- */
static inline uint16_t isakmp_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t isakmp_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void isakmp_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void isakmp_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#endif
