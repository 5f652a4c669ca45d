/* Received messages through the wire codec, and the opaque-body rule.
 * The codec does every check of the format; this file only adds the
 * engine's exact-length rule and the ciphertext ID bodies of public key
 * encryption (RFC 2409 §5.2, §5.3), which no cleartext check can pass. */
#include "isakmp/fw_msg.h"

#include <string.h>

uint16_t fw_msg_header(struct fw_msg *m, const uint8_t *b, size_t len)
{
    struct isakmp_message *w = &m->w;
    m->present = 0;
    w->n_payloads = 0;
    w->padding = 0;
    w->trailing = 0;
    w->raw = ISAKMP_BYTES(b, len);
    w->body = ISAKMP_BYTES(NULL, 0);
    memset(&w->err, 0, sizeof w->err);
    if (isakmp_decode_header(b, len, &w->hdr, &w->err) != 0)
        return w->err.notify ? w->err.notify : ISAKMP_N_PAYLOAD_MALFORMED;
    /* RFC 2408 §3.1: Length is the whole message; bytes after it would
     * let two different datagrams carry the same message. */
    if (w->hdr.length != len) {
        w->err.status = ISAKMP_WIRE_BAD_LENGTH;
        w->err.notify = ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS;
        w->err.offset = 24;
        w->err.what = "header length shorter than the datagram";
        return w->err.notify;
    }
    w->body = ISAKMP_BYTES(b + ISAKMP_HDR_LEN, len - ISAKMP_HDR_LEN);
    w->encrypted = (w->hdr.flags & ISAKMP_FLAG_E) != 0;
    return 0;
}

static void note_types(struct fw_msg *m)
{
    m->present = 0;
    for (size_t i = 0; i < m->w.n_payloads; i++)
        m->present |= FW_PL(m->w.payloads[i].type);
}

/* Offset in the chain of the payload the codec stopped at. */
/* Offset of the payload the codec stopped at, in the buffer it decoded
 * (views point into that one, not into a copy made afterwards). */
static size_t failed_payload_at(const struct isakmp_message *w, const uint8_t *decoded)
{
    if (w->n_payloads == 0)
        return 0;
    const struct isakmp_payload *last = &w->payloads[w->n_payloads - 1];
    return (size_t)(last->raw.p - decoded) + last->raw.len;
}

uint16_t fw_msg_payloads(struct fw_msg *m, const uint8_t *plain, size_t plain_len,
                         uint32_t opaque, uint8_t *scratch)
{
    struct isakmp_message *w = &m->w;
    const bool clear = plain == NULL;
    uint8_t *chain = NULL;                  /* writable copy, once needed */
    const uint8_t *src = clear ? w->body.p : plain;
    size_t len = clear ? w->body.len : plain_len;
    /* Patched ID type bytes, restored once the chain is decoded. */
    size_t patched_at[8];
    uint8_t patched_val[8];
    unsigned n_patched = 0;
    int rc;

    for (;;) {
        const uint8_t *decoded = chain ? chain : src;
        rc = isakmp_decode_payloads(w->hdr.next_payload, decoded, len, 0, w);
        if (rc == 0 || !(opaque & FW_PL(w->err.payload_type)) ||
            w->err.payload_type != ISAKMP_PL_ID || w->err.status != ISAKMP_WIRE_BAD_ID ||
            n_patched == sizeof patched_at / sizeof patched_at[0])
            break;
        /* An ID body that is ciphertext: let the codec take it under a
         * type without a length rule, then put the byte back (only the
         * views are used for such a payload, never w.u.id). */
        if (!chain) {
            if (clear) {
                if (!scratch || len > FW_MAX_MSG)
                    break;
                memcpy(scratch, src, len);
                chain = scratch;
            } else {
                chain = (uint8_t *)plain;   /* the caller's decrypted buffer */
            }
        }
        size_t at = failed_payload_at(w, decoded) + ISAKMP_GEN_HDR_LEN;
        if (at >= len)
            break;
        patched_at[n_patched] = at;
        patched_val[n_patched++] = chain[at];
        chain[at] = ISAKMP_ID_KEY_ID;
    }
    while (n_patched--)
        chain[patched_at[n_patched]] = patched_val[n_patched];
    if (rc == 0 && clear && w->padding) {
        /* Only decrypted plaintext may carry bytes after the chain. */
        w->err.status = ISAKMP_WIRE_BAD_LENGTH;
        w->err.notify = ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS;
        w->err.what = "bytes after the last payload";
        rc = ISAKMP_WIRE_BAD_LENGTH;
    }
    w->encrypted = false;
    note_types(m);
    if (rc)
        return w->err.notify ? w->err.notify : ISAKMP_N_PAYLOAD_MALFORMED;
    return 0;
}

void fw_build_header(struct isakmp_builder *b, const uint8_t *cky_i, const uint8_t *cky_r,
                     uint8_t xchg, uint8_t flags, uint32_t msgid)
{
    struct isakmp_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.cky_i, cky_i, 8);
    memcpy(h.cky_r, cky_r, 8);
    h.major = 1;
    h.minor = 0;
    h.exchange = xchg;
    h.flags = flags;
    h.msgid = msgid;
    isakmp_build_header(b, &h);
}
