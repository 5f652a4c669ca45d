/* ISAKMP messages as the framework handles them.  The wire format itself
 * (header, payload chain, payload bodies, the builder) lives in one place,
 * the wire codec (isakmp/wire.h); this file adds only what the framework
 * needs on top of it:
 *   - the FW_PL() bitmask of payload types present, which the exchange
 *     tables (struct fw_step) check messages against;
 *   - the engine's own bound on a datagram (FW_MAX_MSG);
 *   - "opaque" payload types whose bodies are ciphertext in some
 *     exchanges (the ID of RFC 2409 §5.2/§5.3), which the codec must not
 *     validate as cleartext structures;
 *   - a header helper for the builder. */
#ifndef ISAKMP_FW_MSG_H
#define ISAKMP_FW_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/registry.h"
#include "isakmp/wire.h"

/* A payload type as a bit in a step's required/allowed masks; types
 * above 30 (private use, NAT-D drafts) share bit 31, which no step allows. */
#define FW_PL(t) ((uint32_t)1 << ((t) < 31 ? (t) : 31))

/* Largest datagram we build or accept (an 8192-bit KE is 1 KiB). */
#define FW_MAX_MSG 16384

/* A received message: decoded by the wire codec (zero-copy views into
 * the datagram, or into the decrypted plaintext), plus the types seen. */
struct fw_msg {
    struct isakmp_message w;
    uint32_t present;          /* FW_PL() bits of the payload types */
};

/* Decode the fixed header of a datagram of `len` bytes (RFC 2408 §5.2
 * checks of the codec, and the Length field must equal len: trailing
 * bytes would let two datagrams carry one message).  Sets w.hdr, w.raw
 * (the datagram) and w.body (what follows the header).  Returns 0 or the
 * Notify type describing the error; w.err says more. */
uint16_t fw_msg_header(struct fw_msg *m, const uint8_t *b, size_t len);

/* Decode the payload chain: of the datagram itself when `plain` is NULL
 * (no bytes may follow the last payload), else of `plain_len` bytes of
 * decrypted plaintext (cipher padding allowed).  Payload types in
 * `opaque` (FW_PL bits) whose bodies the codec refuses as cleartext
 * structures are kept as raw views instead: their bodies are ciphertext
 * (RFC 2409 §5.2).  `scratch` (FW_MAX_MSG bytes) is needed only then and
 * may be NULL otherwise; views may point into it.  Returns 0 or the
 * Notify type the codec reports (w.err). */
uint16_t fw_msg_payloads(struct fw_msg *m, const uint8_t *plain, size_t plain_len,
                         uint32_t opaque, uint8_t *scratch);

/* The nth (0-based) payload of a type, or NULL; how many of a type. */
static inline const struct isakmp_payload *fw_msg_find(const struct fw_msg *m, uint8_t type,
                                                       unsigned nth)
{
    return isakmp_msg_find(&m->w, type, nth);
}
static inline unsigned fw_msg_count(const struct fw_msg *m, uint8_t type)
{
    return isakmp_msg_count(&m->w, type);
}
/* The decoded payload chain, without cipher padding. */
static inline struct isakmp_bytes fw_msg_chain(const struct fw_msg *m)
{
    return ISAKMP_BYTES(m->w.body.p, m->w.body.len - m->w.padding);
}

/* ---- building (the wire builder) ------------------------------------------ */

/* Start a message in b: an ISAKMP 1.0 header (length filled in by
 * isakmp_build_finish / fw_build_finish). */
void fw_build_header(struct isakmp_builder *b, const uint8_t *cky_i, const uint8_t *cky_r,
                     uint8_t xchg, uint8_t flags, uint32_t msgid);
/* isakmp_build_finish as a boolean (true: the message is complete). */
static inline bool fw_build_finish(struct isakmp_builder *b)
{
    size_t len;
    return isakmp_build_finish(b, &len) == 0;
}

#endif
