/* ISAKMP messages as the framework handles them: the fixed header and
 * the generic payload chain (RFC 2408 §3.1, §3.2), parsed without copying
 * and built into a bounded buffer.  Payload bodies are interpreted by the
 * layer that owns them (IKE, DOI); this file only walks and bounds. */
#ifndef ISAKMP_FW_MSG_H
#define ISAKMP_FW_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/registry.h"

/* A payload type as a bit in a step's required/allowed masks; types
 * above 30 (private use) share bit 31, which no step allows. */
#define FW_PL(t) ((uint32_t)1 << ((t) < 31 ? (t) : 31))


#define FW_HDR_LEN 28
#define FW_FLAG_ENC 0x01
#define FW_FLAG_COMMIT 0x02
#define FW_FLAG_AUTH_ONLY 0x04
#define FW_MAX_PAYLOADS 32
/* Largest datagram we build or accept (an 8192-bit KE is 1 KiB). */
#define FW_MAX_MSG 16384

struct fw_payload {
    uint8_t type;
    const uint8_t *raw;        /* generic header onwards */
    size_t raw_len;            /* payload length field */
    const uint8_t *body;       /* after the 4-byte generic header */
    size_t body_len;
};

struct fw_msg {
    uint8_t cky_i[8], cky_r[8];
    uint8_t first;             /* Next Payload of the header */
    uint8_t version;
    uint8_t xchg;
    uint8_t flags;
    uint32_t msgid;
    uint32_t length;
    const uint8_t *raw;        /* the whole datagram as received */
    size_t raw_len;
    const uint8_t *chain;      /* the payload chain (plaintext) */
    size_t chain_len;          /* up to the end of the last payload */
    size_t n;
    struct fw_payload p[FW_MAX_PAYLOADS];
    uint32_t present;          /* FW_PL() bits of the types seen */
};

/* Parse the header of a datagram.  Returns 0, or the Notify type that
 * describes the error (INVALID-MAJOR-VERSION, PAYLOAD-MALFORMED ...). */
uint16_t fw_msg_header(struct fw_msg *m, const uint8_t *b, size_t len);

/* Walk the payload chain starting with type `first` over chain[0..len).
 * Each payload's length is checked against what remains; bytes after the
 * last payload are allowed only when `padded` (decrypted messages).
 * Returns 0 or a Notify type. */
uint16_t fw_msg_payloads(struct fw_msg *m, uint8_t first, const uint8_t *chain,
                         size_t len, bool padded);

/* The nth (0-based) payload of a type, or NULL. */
const struct fw_payload *fw_msg_find(const struct fw_msg *m, uint8_t type, unsigned nth);
unsigned fw_msg_count(const struct fw_msg *m, uint8_t type);

/* ---- building ------------------------------------------------------------ */

/* A message under construction in a caller-provided buffer.  Every write
 * is bounded; on overflow `err` is set and later writes do nothing. */
struct fw_mbuf {
    uint8_t *b;
    size_t len, cap;
    size_t np_at;              /* where the previous Next Payload byte is */
    size_t open;               /* start of the payload being written */
    bool err;
};

void fw_mb_init(struct fw_mbuf *mb, uint8_t *buf, size_t cap);
/* The 28-byte header; length is filled by fw_mb_finish. */
void fw_mb_header(struct fw_mbuf *mb, const uint8_t *cky_i, const uint8_t *cky_r,
                  uint8_t xchg, uint8_t flags, uint32_t msgid);
/* Open a payload of `type` (links the previous Next Payload to it). */
void fw_mb_begin(struct fw_mbuf *mb, uint8_t type);
/* Close the open payload (writes its length). */
void fw_mb_end(struct fw_mbuf *mb);
/* A whole payload with this body. */
void fw_mb_payload(struct fw_mbuf *mb, uint8_t type, const void *body, size_t len);
void fw_mb_put(struct fw_mbuf *mb, const void *p, size_t n);
void fw_mb_u8(struct fw_mbuf *mb, uint8_t v);
void fw_mb_u16(struct fw_mbuf *mb, uint16_t v);
void fw_mb_u32(struct fw_mbuf *mb, uint32_t v);
/* Write the header's length field; false if an error occurred. */
bool fw_mb_finish(struct fw_mbuf *mb);

static inline uint16_t fw_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t fw_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void fw_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void fw_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#endif
