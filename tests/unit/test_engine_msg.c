/* The framework's message layer on the wire codec (engine/isakmp/msg.c):
 * header errors carry the codec's Notify types, the exact-length rule,
 * padding accepted only in plaintext, the FW_PL bitmask, and ID bodies
 * that are ciphertext (RFC 2409 §5.2) accepted only where a step declares
 * them opaque - with the original bytes left in the views. */
#include "lib/check.h"
#include "isakmp/fw_msg.h"

#include <string.h>

static struct fw_msg m;                 /* large: off the stack */
static uint8_t scratch[FW_MAX_MSG];

/* HDR, ID (body given), NONCE (8 bytes) into buf; returns the length. */
static size_t build(uint8_t *buf, size_t cap, const uint8_t *id_body, size_t id_len)
{
    struct isakmp_builder b;
    static const uint8_t cky[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, zero[8];
    static const uint8_t nonce[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
    isakmp_build_init(&b, buf, cap);
    fw_build_header(&b, cky, zero, ISAKMP_XCHG_IDPROT, 0, 0);
    isakmp_build_data(&b, ISAKMP_PL_ID, id_body, id_len);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, sizeof nonce);
    size_t len = 0;
    return isakmp_build_finish(&b, &len) == 0 ? len : 0;
}

static void header_errors(void)
{
    uint8_t buf[256];
    static const uint8_t id[8] = { ISAKMP_ID_IPV4_ADDR, 0, 0, 0, 10, 0, 0, 1 };
    size_t len = build(buf, sizeof buf, id, sizeof id);
    REQUIRE(len == 28 + 12 + 12);
    CHECK_INT(fw_msg_header(&m, buf, len), 0);
    CHECK_INT(m.w.hdr.exchange, ISAKMP_XCHG_IDPROT);
    CHECK_INT(m.w.body.len, len - 28);
    /* Truncated, trailing byte, IKEv2, unknown exchange, bad flags. */
    CHECK_INT(fw_msg_header(&m, buf, 27), ISAKMP_N_PAYLOAD_MALFORMED);
    buf[len] = 0;
    CHECK_INT(fw_msg_header(&m, buf, len + 1), ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
    buf[17] = 0x20;
    CHECK_INT(fw_msg_header(&m, buf, len), ISAKMP_N_INVALID_MAJOR_VERSION);
    CHECK_INT(m.w.hdr.major, 2);
    buf[17] = 0x11;
    CHECK_INT(fw_msg_header(&m, buf, len), ISAKMP_N_INVALID_MINOR_VERSION);
    buf[17] = 0x10;
    buf[18] = 77;
    CHECK_INT(fw_msg_header(&m, buf, len), ISAKMP_N_INVALID_EXCHANGE_TYPE);
    CHECK_INT(m.w.err.status, ISAKMP_WIRE_BAD_EXCHANGE);
    buf[18] = ISAKMP_XCHG_IDPROT;
    buf[19] = 0x80;
    CHECK_INT(fw_msg_header(&m, buf, len), ISAKMP_N_INVALID_FLAGS);
}

static void chain_and_mask(void)
{
    uint8_t buf[256];
    static const uint8_t id[8] = { ISAKMP_ID_IPV4_ADDR, 0, 0, 0, 10, 0, 0, 1 };
    size_t len = build(buf, sizeof buf, id, sizeof id);
    REQUIRE(len && fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, 0, NULL), 0);
    CHECK_INT(m.w.n_payloads, 2);
    CHECK_INT(m.present, FW_PL(ISAKMP_PL_ID) | FW_PL(ISAKMP_PL_NONCE));
    const struct isakmp_payload *p = fw_msg_find(&m, ISAKMP_PL_ID, 0);
    REQUIRE(p);
    CHECK_INT(p->u.id.type, ISAKMP_ID_IPV4_ADDR);
    CHECK_INT(fw_msg_count(&m, ISAKMP_PL_NONCE), 1);
    CHECK_INT(fw_msg_chain(&m).len, 24);

    /* The same chain as "decrypted plaintext" with 8 bytes of padding:
     * accepted, padding not part of the chain. */
    uint8_t plain[64];
    memcpy(plain, buf + 28, 24);
    memset(plain + 24, 0, 8);
    plain[31] = 7;
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, plain, 32, 0, NULL), 0);
    CHECK_INT(m.w.padding, 8);
    CHECK_INT(fw_msg_chain(&m).len, 24);
    CHECK(fw_msg_chain(&m).p == plain);

    /* A payload length running past the message: the codec's Notify. */
    buf[28 + 2] = 0;
    buf[28 + 3] = 200;
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, 0, NULL), ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
}

static void opaque_id(void)
{
    /* An "ID" whose body is ciphertext: type byte 1 (IPv4) with 64 bytes. */
    uint8_t ct[64];
    for (size_t i = 0; i < sizeof ct; i++)
        ct[i] = (uint8_t)(0x5a ^ (i * 37));
    ct[0] = ISAKMP_ID_IPV4_ADDR;
    uint8_t buf[256], copy[256];
    size_t len = build(buf, sizeof buf, ct, sizeof ct);
    REQUIRE(len);
    memcpy(copy, buf, len);

    /* Where no step says so, the codec's verdict stands. */
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, 0, scratch), ISAKMP_N_INVALID_ID_INFORMATION);

    /* Declared opaque: accepted, views hold the bytes as sent, and the
     * datagram itself is not written to. */
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, FW_PL(ISAKMP_PL_ID), scratch), 0);
    const struct isakmp_payload *p = fw_msg_find(&m, ISAKMP_PL_ID, 0);
    REQUIRE(p);
    CHECK_MEM(p->body.p, p->body.len, ct, sizeof ct);
    CHECK(fw_msg_find(&m, ISAKMP_PL_NONCE, 0) != NULL);
    CHECK_MEM(buf, len, copy, len);

    /* Without a scratch buffer a clear message cannot be patched. */
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, FW_PL(ISAKMP_PL_ID), NULL),
              ISAKMP_N_INVALID_ID_INFORMATION);

    /* In decrypted plaintext (patched in place, restored). */
    uint8_t plain[128];
    size_t chain = len - 28;
    memcpy(plain, buf + 28, chain);
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, plain, chain, FW_PL(ISAKMP_PL_ID), NULL), 0);
    CHECK_MEM(plain, chain, buf + 28, chain);

    /* Opaque is no licence for a broken chain. */
    buf[28 + 4 + 64 + 3] = 99;                  /* NONCE length */
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK(fw_msg_payloads(&m, NULL, 0, FW_PL(ISAKMP_PL_ID), scratch) != 0);
}

/* The revised-PKE shape (RFC 2409 §5.3 message 3: <Ni>PubKey, <KE>Ne,
 * <ID>Ne): the ciphertext ID comes after other payloads, so the byte to
 * patch is found from the payloads decoded before it. */
static void opaque_id_after_others(void)
{
    static const uint8_t cky[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, zero[8];
    uint8_t nonce[32], ke[48], ct[40];
    memset(nonce, 0x11, sizeof nonce);
    memset(ke, 0x22, sizeof ke);
    for (size_t i = 0; i < sizeof ct; i++)
        ct[i] = (uint8_t)(0xa5 ^ (i * 13));
    ct[0] = ISAKMP_ID_IPV6_ADDR;                /* wants 16 bytes, has 36 */
    uint8_t buf[256], copy[256];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    fw_build_header(&b, cky, zero, ISAKMP_XCHG_IDPROT, 0, 0);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, sizeof nonce);
    isakmp_build_data(&b, ISAKMP_PL_KE, ke, sizeof ke);
    isakmp_build_data(&b, ISAKMP_PL_ID, ct, sizeof ct);
    size_t len = 0;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    memcpy(copy, buf, len);
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, NULL, 0, FW_PL(ISAKMP_PL_ID), scratch), 0);
    const struct isakmp_payload *p = fw_msg_find(&m, ISAKMP_PL_ID, 0);
    REQUIRE(p);
    CHECK_MEM(p->body.p, p->body.len, ct, sizeof ct);
    CHECK_MEM(buf, len, copy, len);
    /* the same in decrypted plaintext */
    uint8_t plain[256];
    memcpy(plain, buf + 28, len - 28);
    REQUIRE(fw_msg_header(&m, buf, len) == 0);
    CHECK_INT(fw_msg_payloads(&m, plain, len - 28, FW_PL(ISAKMP_PL_ID), NULL), 0);
    CHECK_MEM(plain, len - 28, buf + 28, len - 28);
}

int main(void)
{
    RUN(header_errors);
    RUN(chain_and_mask);
    RUN(opaque_id);
    RUN(opaque_id_after_others);
    return check_summary();
}
