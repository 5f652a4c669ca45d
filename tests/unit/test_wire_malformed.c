/* Hostile input: every way of breaking a valid message is refused cleanly
 * (no read outside the buffer: run under ASan in the sanitize build) and
 * with the Notify type RFC 2408 §5 prescribes. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/dissect.h"
#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message msg;
static uint8_t base[4096];
static size_t base_len;

/* Main-Mode-like message: SA(1 proposal, 2 transforms, TV + TLV attrs), KE,
 * NONCE, ID, N, D, NAT-OA, ATTR, VID. Offsets of interesting fields are
 * recorded for the mutations below. */
static size_t off_sa, off_prop, off_xf1, off_xf2, off_tlv, off_ke, off_id, off_natoa, off_attr,
    off_del, off_vid;

static void build_base(void)
{
    struct isakmp_builder b;
    struct isakmp_header h = { .major = 1, .exchange = ISAKMP_XCHG_IDPROT };
    memset(h.cky_i, 0xa5, 8);
    isakmp_build_init(&b, base, sizeof base);
    isakmp_build_header(&b, &h);
    off_sa = b.len;
    isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    off_prop = b.len;
    isakmp_build_proposal_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
    off_xf1 = b.len;
    isakmp_build_transform_begin(&b, 1, ISAKMP_KEY_IKE);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, ISAKMP_ENC_3DES_CBC);
    off_tlv = b.len;
    isakmp_build_attr_tlv(&b, ISAKMP_IKE_LIFE_DURATION, "\x00\x01\x51\x80", 4);
    isakmp_build_transform_end(&b);
    off_xf2 = b.len;
    isakmp_build_transform_begin(&b, 2, ISAKMP_KEY_IKE);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, ISAKMP_ENC_AES_CBC);
    isakmp_build_transform_end(&b);
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    uint8_t ke[64];
    memset(ke, 0x11, sizeof ke);
    off_ke = b.len;
    isakmp_build_data(&b, ISAKMP_PL_KE, ke, sizeof ke);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, ke, 16);
    off_id = b.len;
    isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR, 17, 500, "\xc0\x00\x02\x01", 4);
    isakmp_build_notify(&b, 1, 1, NULL, 0, ISAKMP_N_INITIAL_CONTACT, NULL, 0);
    off_del = b.len;
    isakmp_build_delete(&b, 1, ISAKMP_PROTO_ESP, 4, 2, "\x01\x02\x03\x04\x05\x06\x07\x08");
    off_natoa = b.len;
    isakmp_build_nat_oa(&b, ISAKMP_PL_NAT_OA, ISAKMP_ID_IPV4_ADDR, "\x0a\x00\x00\x01", 4);
    off_attr = b.len;
    isakmp_build_payload_begin(&b, ISAKMP_PL_ATTR);
    isakmp_build_u8(&b, 1);
    isakmp_build_u8(&b, 0);
    isakmp_build_u16(&b, 7);
    isakmp_build_attr_tv(&b, 1, 0);
    isakmp_build_payload_end(&b);
    off_vid = b.len;
    isakmp_build_data(&b, ISAKMP_PL_VID, "\x12\x34\x56\x78", 4);
    REQUIRE(isakmp_build_finish(&b, &base_len) == 0);
}

/* Decode a mutated copy in an exactly-sized heap buffer, so ASan sees any
 * read past its end; also run the dissector on what was decoded.  The
 * copy lives until the next call (msg points into it). */
static uint8_t *copy;

static int decode_copy(const uint8_t *b, size_t len, unsigned flags)
{
    free(copy);
    copy = malloc(len ? len : 1);
    memcpy(copy, b, len);
    int rc = isakmp_decode(copy, len, flags, &msg);
    static char text[1 << 16];
    struct isakmp_strbuf sb = { text, sizeof text, 0 };
    isakmp_dissect(&msg, rc, NULL, isakmp_write_strbuf, &sb);
    sb.len = 0;
    isakmp_dissect_fields(&msg, rc, isakmp_write_strbuf, &sb);
    sb.len = 0;
    isakmp_dissect_brief(&msg, rc, isakmp_write_strbuf, &sb);
    return rc;
}

/* Mutate one byte of the base message and expect `notify`. */
static void expect_byte(size_t off, uint8_t value, uint16_t notify, const char *what)
{
    uint8_t m[4096];
    memcpy(m, base, base_len);
    m[off] = value;
    int rc = decode_copy(m, base_len, 0);
    CHECK_MSG(rc != 0, "%s: accepted", what);
    CHECK_MSG(msg.err.notify == notify, "%s: notify %s (%u), expected %s (%u) [%s]", what,
              isakmp_notify_name(msg.err.notify), msg.err.notify, isakmp_notify_name(notify), notify,
              msg.err.what ? msg.err.what : "");
}

static void base_is_valid(void)
{
    REQUIRE(base_len > 0);
    CHECK_INT(decode_copy(base, base_len, 0), 0);
    CHECK_INT(msg.n_payloads, 9);
}

static void truncated_everywhere(void)
{
    for (size_t len = 0; len < base_len; len++) {
        int rc = decode_copy(base, len, 0);
        CHECK_MSG(rc != 0, "truncated at %zu accepted", len);
        uint16_t want = len < ISAKMP_HDR_LEN ? ISAKMP_N_PAYLOAD_MALFORMED : ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS;
        CHECK_MSG(msg.err.notify == want, "truncated at %zu: %u", len, msg.err.notify);
    }
    /* truncated with the header length patched to agree: the chain or a
     * payload ends early */
    uint8_t m[4096];
    for (size_t len = ISAKMP_HDR_LEN; len < base_len; len++) {
        memcpy(m, base, len);
        isakmp_wire_set_length(m, (uint32_t)len);
        int rc = decode_copy(m, len, 0);
        CHECK_MSG(rc != 0, "cut at %zu accepted", len);
        CHECK_MSG(msg.err.notify == ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS ||
                  msg.err.notify == ISAKMP_N_PAYLOAD_MALFORMED ||
                  msg.err.notify == ISAKMP_N_BAD_PROPOSAL_SYNTAX ||
                  msg.err.notify == ISAKMP_N_INVALID_ID_INFORMATION,
                  "cut at %zu: %s", len, isakmp_notify_name(msg.err.notify));
    }
}

/* Every 16-bit length field in the message, at every level, +1 and -1. */
static void lengths_off_by_one(void)
{
    CHECK(decode_copy(base, base_len, 0) == 0);
    size_t fields[64], n = 0;
    for (size_t i = 0; i < msg.n_payloads; i++)
        fields[n++] = msg.payloads[i].offset + 2;
    fields[n++] = off_prop + 2;
    fields[n++] = off_xf1 + 2;
    fields[n++] = off_xf2 + 2;
    fields[n++] = off_tlv + 2;
    uint8_t m[4096];
    for (size_t k = 0; k < n; k++) {
        for (int delta = -1; delta <= 1; delta += 2) {
            memcpy(m, base, base_len);
            uint16_t v = isakmp_get16(m + fields[k]);
            isakmp_put16(m + fields[k], (uint16_t)(v + delta));
            int rc = decode_copy(m, base_len, 0);
            CHECK_MSG(rc != 0, "length at %zu %+d accepted", fields[k], delta);
        }
    }
    /* header Length +1 with one more byte in the datagram, and -1 */
    memcpy(m, base, base_len);
    m[base_len] = 0;
    isakmp_wire_set_length(m, (uint32_t)base_len + 1);
    CHECK(decode_copy(m, base_len + 1, 0) != 0);
    CHECK_INT(msg.err.notify, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
    memcpy(m, base, base_len);
    isakmp_wire_set_length(m, (uint32_t)base_len - 1);
    CHECK(decode_copy(m, base_len, 0) != 0);
    CHECK_INT(msg.err.notify, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
    /* ... which ALLOW_TRAILING forgives only when the chain fits */
    memcpy(m, base, base_len);
    m[base_len] = 0xee;
    CHECK_INT(decode_copy(m, base_len + 1, ISAKMP_DECODE_ALLOW_TRAILING), 0);
    CHECK_INT(msg.trailing, 1);
    /* header Length below 28, and over the limit */
    memcpy(m, base, base_len);
    isakmp_wire_set_length(m, 27);
    CHECK(decode_copy(m, base_len, 0) != 0);
    CHECK_INT(msg.err.notify, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);   /* §5.1 */
    isakmp_wire_set_length(m, 70000);
    CHECK(decode_copy(m, base_len, 0) != 0);
    CHECK_INT(msg.err.notify, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS);
    /* delete: SPI size x count disagrees with the length */
    expect_byte(off_del + 4 + 7, 3, ISAKMP_N_PAYLOAD_MALFORMED, "delete count");
}

static void reserved_fields(void)
{
    expect_byte(off_sa + 1, 1, ISAKMP_N_PAYLOAD_MALFORMED, "SA generic RESERVED");
    expect_byte(off_vid + 1, 0x80, ISAKMP_N_PAYLOAD_MALFORMED, "VID generic RESERVED");
    expect_byte(off_prop + 1, 1, ISAKMP_N_PAYLOAD_MALFORMED, "proposal RESERVED");
    expect_byte(off_xf1 + 1, 1, ISAKMP_N_PAYLOAD_MALFORMED, "transform RESERVED");
    expect_byte(off_xf2 + 6, 1, ISAKMP_N_PAYLOAD_MALFORMED, "transform RESERVED2");
    expect_byte(off_natoa + 4 + 2, 1, ISAKMP_N_PAYLOAD_MALFORMED, "NAT-OA RESERVED");
    expect_byte(off_attr + 4 + 1, 1, ISAKMP_N_PAYLOAD_MALFORMED, "ATTR RESERVED");
    /* LAX_RESERVED accepts them all */
    uint8_t m[4096];
    memcpy(m, base, base_len);
    m[off_sa + 1] = m[off_prop + 1] = m[off_xf1 + 1] = m[off_natoa + 6] = m[off_attr + 5] = 0xff;
    CHECK_INT(decode_copy(m, base_len, ISAKMP_DECODE_LAX_RESERVED), 0);
}

static void versions_and_flags(void)
{
    for (unsigned major = 0; major < 16; major++) {
        if (major == 1)
            continue;
        expect_byte(17, (uint8_t)(major << 4), ISAKMP_N_INVALID_MAJOR_VERSION, "major");
    }
    for (unsigned minor = 1; minor < 16; minor++)
        expect_byte(17, (uint8_t)(0x10 | minor), ISAKMP_N_INVALID_MINOR_VERSION, "minor");
    for (unsigned bit = 3; bit < 8; bit++)
        expect_byte(19, (uint8_t)(1u << bit), ISAKMP_N_INVALID_FLAGS, "undefined flag");
    expect_byte(19, ISAKMP_FLAG_E | ISAKMP_FLAG_A, ISAKMP_N_INVALID_FLAGS, "E+A");
    uint8_t m[4096];
    const uint8_t ok_flags[] = { 0, ISAKMP_FLAG_E, ISAKMP_FLAG_C, ISAKMP_FLAG_A,
                                 ISAKMP_FLAG_E | ISAKMP_FLAG_C, ISAKMP_FLAG_C | ISAKMP_FLAG_A };
    for (size_t i = 0; i < sizeof ok_flags; i++) {
        memcpy(m, base, base_len);
        m[19] = ok_flags[i];
        CHECK_MSG(decode_copy(m, base_len, 0) == 0, "flags 0x%02x refused", ok_flags[i]);
        CHECK(msg.encrypted == ((ok_flags[i] & ISAKMP_FLAG_E) != 0));
    }
    const uint8_t bad_x[] = { 0, 7, 31, 34, 35, 37, 239 };
    for (size_t i = 0; i < sizeof bad_x; i++)
        expect_byte(18, bad_x[i], ISAKMP_N_INVALID_EXCHANGE_TYPE, "exchange type");
    const uint8_t good_x[] = { 1, 2, 3, 4, 5, 6, 32, 33, 240, 255 };
    for (size_t i = 0; i < sizeof good_x; i++) {
        memcpy(m, base, base_len);
        m[18] = good_x[i];
        CHECK_MSG(decode_copy(m, base_len, 0) == 0, "exchange %u refused", good_x[i]);
    }
}

static void payload_bound(void)
{
    static uint8_t buf[2048];
    for (unsigned n = ISAKMP_WIRE_MAX_PAYLOADS - 1; n <= ISAKMP_WIRE_MAX_PAYLOADS + 1; n++) {
        struct isakmp_builder b;
        struct isakmp_header h = { .major = 1, .exchange = ISAKMP_XCHG_INFO };
        isakmp_build_init(&b, buf, sizeof buf);
        isakmp_build_header(&b, &h);
        for (unsigned i = 0; i < n; i++)
            isakmp_build_data(&b, ISAKMP_PL_VID, "v", 1);
        size_t len;
        REQUIRE(isakmp_build_finish(&b, &len) == 0);
        int rc = decode_copy(buf, len, 0);
        if (n <= ISAKMP_WIRE_MAX_PAYLOADS) {
            CHECK_INT(rc, 0);
            CHECK_INT(msg.n_payloads, n);
        } else {
            CHECK_INT(rc, ISAKMP_WIRE_TOO_MANY);
            CHECK_INT(msg.err.notify, ISAKMP_N_PAYLOAD_MALFORMED);
            CHECK_INT(msg.n_payloads, ISAKMP_WIRE_MAX_PAYLOADS);
        }
    }
}

static void nesting_and_values(void)
{
    /* P or T at the top level, or an unknown type */
    expect_byte(16, ISAKMP_PL_P, ISAKMP_N_INVALID_PAYLOAD_TYPE, "top-level proposal");
    expect_byte(off_ke, ISAKMP_PL_T, ISAKMP_N_INVALID_PAYLOAD_TYPE, "top-level transform");
    expect_byte(off_ke, 50, ISAKMP_N_INVALID_PAYLOAD_TYPE, "unknown type");
    uint8_t m[4096];
    memcpy(m, base, base_len);
    m[off_ke] = 50; /* NONCE becomes type 50, kept as raw data */
    CHECK_INT(decode_copy(m, base_len, ISAKMP_DECODE_ALLOW_UNKNOWN), 0);
    CHECK_INT(msg.payloads[2].type, 50);
    /* inside the SA */
    expect_byte(off_prop, ISAKMP_PL_T, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "proposal next = T");
    expect_byte(off_xf1, ISAKMP_PL_P, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "transform next = P");
    expect_byte(off_xf1, ISAKMP_PL_NONE, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "transform chain ends early");
    expect_byte(off_prop + 7, 3, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "transform count");
    expect_byte(off_prop + 7, 0, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "no transforms");
    expect_byte(off_prop, ISAKMP_PL_P, ISAKMP_N_BAD_PROPOSAL_SYNTAX, "proposal chain wants more");
    expect_byte(off_sa + 4 + 3, 2, ISAKMP_N_DOI_NOT_SUPPORTED, "DOI 2");
    expect_byte(off_sa + 4 + 7, 8, ISAKMP_N_SITUATION_NOT_SUPPORTED, "situation 8");
    expect_byte(off_prop + 5, 9, ISAKMP_N_INVALID_PROTOCOL_ID, "protocol 9");
    expect_byte(off_prop + 5, ISAKMP_PROTO_ESP, ISAKMP_N_INVALID_SPI, "ESP without SPI");
    expect_byte(off_id + 4, ISAKMP_ID_IPV6_ADDR, ISAKMP_N_INVALID_ID_INFORMATION, "ID type/length");
    expect_byte(off_id + 4, 0, ISAKMP_N_INVALID_ID_INFORMATION, "ID type 0");
    expect_byte(off_natoa + 4, ISAKMP_ID_FQDN, ISAKMP_N_INVALID_ID_INFORMATION, "NAT-OA type");
    expect_byte(off_del + 4 + 4, 7, ISAKMP_N_INVALID_PROTOCOL_ID, "delete protocol");
    /* decreasing proposal numbers: build two proposals 2 then 1 */
    static uint8_t buf[512];
    struct isakmp_builder b;
    struct isakmp_header h = { .major = 1, .exchange = ISAKMP_XCHG_IDPROT };
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_header(&b, &h);
    isakmp_build_sa_begin(&b, 1, 1);
    for (int p = 2; p >= 1; p--) {
        isakmp_build_proposal_begin(&b, (uint8_t)p, 1, NULL, 0);
        isakmp_build_transform_begin(&b, 1, 1);
        isakmp_build_transform_end(&b);
        isakmp_build_proposal_end(&b);
    }
    isakmp_build_sa_end(&b);
    size_t len;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    CHECK(decode_copy(buf, len, 0) != 0);
    CHECK_INT(msg.err.notify, ISAKMP_N_BAD_PROPOSAL_SYNTAX);
    /* SA without proposal; empty KE, HASH, SIG; unknown cert encoding */
    struct { uint8_t type; const char *body; size_t len; uint16_t notify; } cases[] = {
        { ISAKMP_PL_SA, "\x00\x00\x00\x01\x00\x00\x00\x01", 8, ISAKMP_N_BAD_PROPOSAL_SYNTAX },
        { ISAKMP_PL_SA, "\x00\x00\x00\x01", 4, ISAKMP_N_PAYLOAD_MALFORMED },
        { ISAKMP_PL_KE, "", 0, ISAKMP_N_INVALID_KEY_INFORMATION },
        { ISAKMP_PL_HASH, "", 0, ISAKMP_N_INVALID_HASH_INFORMATION },
        { ISAKMP_PL_SIG, "", 0, ISAKMP_N_INVALID_SIGNATURE },
        { ISAKMP_PL_CERT, "\x0b" "abc", 4, ISAKMP_N_INVALID_CERT_ENCODING },
        { ISAKMP_PL_CERT, "", 0, ISAKMP_N_PAYLOAD_MALFORMED },
        { ISAKMP_PL_N, "\x00\x00\x00\x01\x01\x10\x00", 7, ISAKMP_N_PAYLOAD_MALFORMED },
        { ISAKMP_PL_N, "\x00\x00\x00\x01\x01\x10\x00\x18", 8, ISAKMP_N_PAYLOAD_MALFORMED },
        { ISAKMP_PL_N, "\x00\x00\x00\x05\x01\x00\x00\x18", 8, ISAKMP_N_DOI_NOT_SUPPORTED },
        { ISAKMP_PL_N, "\x00\x00\x00\x01\x03\x03\x00\x18zzz", 11, ISAKMP_N_INVALID_SPI },
        { ISAKMP_PL_D, "\x00\x00\x00\x01\x03\x04\x00\x00", 8, ISAKMP_N_INVALID_SPI },
        { ISAKMP_PL_ATTR, "\x01\x00\x00\x01\x00\x01\x00\x09", 8, ISAKMP_N_PAYLOAD_MALFORMED },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        isakmp_build_init(&b, buf, sizeof buf);
        isakmp_build_header(&b, &h);
        isakmp_build_data(&b, cases[i].type, cases[i].body, cases[i].len);
        REQUIRE(isakmp_build_finish(&b, &len) == 0);
        CHECK_MSG(decode_copy(buf, len, 0) != 0, "case %zu accepted", i);
        CHECK_MSG(msg.err.notify == cases[i].notify, "case %zu: %s, expected %s", i,
                  isakmp_notify_name(msg.err.notify), isakmp_notify_name(cases[i].notify));
    }
}

/* Single-byte corruption at every offset with several values: whatever
 * the outcome, no crash, and a refusal always names a Notify and an
 * offset inside the message. */
static void every_byte_corrupted(void)
{
    uint8_t m[4096];
    const uint8_t values[] = { 0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xff };
    for (size_t off = 0; off < base_len; off++)
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(m, base, base_len);
            m[off] = values[v];
            int rc = decode_copy(m, base_len, 0);
            if (rc) {
                CHECK(msg.err.what != NULL);
                CHECK(msg.err.offset <= base_len);
            } else {
                /* accepted: then it must re-encode to the same bytes */
                uint8_t out[4096];
                size_t olen;
                CHECK_INT(isakmp_encode(&msg, out, sizeof out, &olen), 0);
                CHECK_MEM(out, olen, m, base_len);
            }
        }
}

int main(void)
{
    build_base();
    RUN(base_is_valid);
    RUN(truncated_everywhere);
    RUN(lengths_off_by_one);
    RUN(reserved_fields);
    RUN(versions_and_flags);
    RUN(payload_bound);
    RUN(nesting_and_values);
    RUN(every_byte_corrupted);
    free(copy);
    return check_summary();
}
