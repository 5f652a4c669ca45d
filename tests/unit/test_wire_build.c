/* The builder and encoder: messages built with every payload type decode
 * back to the values they were built from (decode(encode(m)) == m), the
 * re-encoding is byte-identical, the builder refuses misuse and small
 * buffers, and the registries name what the issue asks for. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/dissect.h"
#include "isakmp/registry.h"
#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_message msg;

static const uint8_t CKY_I[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t CKY_R[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static void header(struct isakmp_builder *b, uint8_t xchg, uint8_t flags, uint32_t msgid)
{
    struct isakmp_header h = { .major = 1, .minor = 0, .exchange = xchg, .flags = flags, .msgid = msgid };
    memcpy(h.cky_i, CKY_I, 8);
    memcpy(h.cky_r, CKY_R, 8);
    isakmp_build_header(b, &h);
}

/* Build one message with every payload type, using `seed` to vary sizes. */
static size_t build_everything(uint8_t *buf, size_t cap, unsigned seed)
{
    uint8_t ke[256], nonce[64], data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + seed);
    memcpy(ke, data, sizeof ke);
    memcpy(nonce, data + 3, sizeof nonce);
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, cap);
    header(&b, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
    isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    for (unsigned p = 1; p <= 1 + seed % 3; p++) {
        isakmp_build_proposal_begin(&b, (uint8_t)p, ISAKMP_PROTO_ISAKMP, NULL, 0);
        for (unsigned t = 1; t <= 1 + (seed + p) % 4; t++) {
            isakmp_build_transform_begin(&b, (uint8_t)t, ISAKMP_KEY_IKE);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, ISAKMP_ENC_AES_CBC);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_KEY_LENGTH, 128 + 64 * (t % 3));
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_HASH, ISAKMP_HASH_SHA2_256);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_AUTH_METHOD, ISAKMP_AUTH_PSK);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_GROUP_DESC, 14);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_DURATION, 86400 + seed);
            isakmp_build_transform_end(&b);
        }
        isakmp_build_proposal_end(&b);
    }
    /* a phase-2 style proposal too: ESP with SPI and IPsec attributes */
    uint8_t spi[4] = { 0xca, 0xfe, 0, (uint8_t)seed };
    isakmp_build_proposal_begin(&b, 9, ISAKMP_PROTO_ESP, spi, 4);
    isakmp_build_transform_begin(&b, 1, ISAKMP_ESP_AES);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IPSEC, ISAKMP_IPSEC_ENCAP_MODE, ISAKMP_ENCAP_UDP_TUNNEL_DRAFT);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IPSEC, ISAKMP_IPSEC_AUTH_ALG, ISAKMP_AALG_HMAC_SHA);
    isakmp_build_attr_tlv(&b, ISAKMP_IPSEC_LIFE_DURATION, "\x00\x00\x0e\x10", 4);
    isakmp_build_transform_end(&b);
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    isakmp_build_data(&b, ISAKMP_PL_KE, ke, 96 + seed % 160);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, 8 + seed % 56);
    isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR, 17, 500, "\xc0\x00\x02\x01", 4);
    isakmp_build_id(&b, ISAKMP_ID_IPV6_ADDR_SUBNET, 0, 0, data, 32);
    isakmp_build_id(&b, ISAKMP_ID_FQDN, 0, 0, "vpn.example.org", 15);
    isakmp_build_id(&b, ISAKMP_ID_USER_FQDN, 0, 0, "alice@example.org", 17);
    isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR_RANGE, 6, 80, "\x0a\x00\x00\x01\x0a\x00\x00\xfe", 8);
    isakmp_build_id(&b, ISAKMP_ID_DER_ASN1_DN, 0, 0, data, 40);
    isakmp_build_id(&b, ISAKMP_ID_KEY_ID, 0, 0, data, 5);
    isakmp_build_id(&b, ISAKMP_ID_IPV6_ADDR, 17, 4500,
                    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR_SUBNET, 0, 0, "\xc6\x33\x64\x00\xff\xff\xff\x00", 8);
    isakmp_build_id(&b, ISAKMP_ID_IPV6_ADDR_RANGE, 0, 0,
                    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
                    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\x00\xff", 32);
    isakmp_build_id(&b, ISAKMP_ID_DER_ASN1_GN, 0, 0, data, 24);
    isakmp_build_cert(&b, ISAKMP_PL_CERT, ISAKMP_CERT_X509_SIG, data, 200);
    isakmp_build_cert(&b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, NULL, 0);
    isakmp_build_data(&b, ISAKMP_PL_HASH, data, 20);
    isakmp_build_data(&b, ISAKMP_PL_SIG, data, 128);
    isakmp_build_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ISAKMP, data, 16,
                        ISAKMP_N_DPD_R_U_THERE, "\x00\x00\x00\x07", 4);
    isakmp_build_notify(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, spi, 4, ISAKMP_N_RESPONDER_LIFETIME,
                        NULL, 0);
    isakmp_build_delete(&b, ISAKMP_DOI_IPSEC, ISAKMP_PROTO_ESP, 4, 3, data);
    isakmp_build_data(&b, ISAKMP_PL_VID, data, 16);
    isakmp_build_data(&b, ISAKMP_PL_NAT_D, data, 20);
    isakmp_build_data(&b, ISAKMP_PL_NAT_D_DRAFT, data, 20);
    isakmp_build_nat_oa(&b, ISAKMP_PL_NAT_OA, ISAKMP_ID_IPV4_ADDR, "\x0a\x01\x02\x03", 4);
    isakmp_build_nat_oa(&b, ISAKMP_PL_NAT_OA_DRAFT, ISAKMP_ID_IPV6_ADDR, data, 16);
    isakmp_build_payload_begin(&b, ISAKMP_PL_ATTR);
    isakmp_build_u8(&b, 1);
    isakmp_build_u8(&b, 0);
    isakmp_build_u16(&b, 0x1234);
    isakmp_build_attr_tv(&b, 16520, 0);
    isakmp_build_attr_tlv(&b, 16521, "alice", 5);
    isakmp_build_payload_end(&b);
    size_t len = 0;
    CHECK_INT(isakmp_build_finish(&b, &len), 0);
    return len;
}

static void every_payload_round_trips(void)
{
    static uint8_t buf[8192], out[8192];
    for (unsigned seed = 0; seed < 24; seed++) {
        size_t len = build_everything(buf, sizeof buf, seed);
        REQUIRE(len > 0);
        int rc = isakmp_decode(buf, len, 0, &msg);
        CHECK_MSG(rc == 0, "seed %u: %s", seed, msg.err.what ? msg.err.what : "");
        if (rc)
            return;
        /* decode(encode(m)) == m: the values built come back */
        CHECK_INT(msg.hdr.length, len);
        CHECK_MEM(msg.hdr.cky_i, 8, CKY_I, 8);
        CHECK_INT(msg.hdr.exchange, ISAKMP_XCHG_AGGRESSIVE);
        CHECK_INT(msg.n_payloads, 27);
        const struct isakmp_payload *sa = isakmp_msg_find(&msg, ISAKMP_PL_SA, 0);
        REQUIRE(sa != NULL);
        CHECK_INT(sa->u.sa.n_proposals, 1 + seed % 3 + 1);
        struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
        struct isakmp_proposal p;
        unsigned np = 0;
        while (isakmp_next_proposal(&pi, &p) == 1) {
            np++;
            if (p.protocol == ISAKMP_PROTO_ESP) {
                CHECK_INT(p.spi_size, 4);
                CHECK_INT(p.spi.p[3], seed);
                struct isakmp_iter ti = isakmp_transforms(&p);
                struct isakmp_transform t;
                REQUIRE(isakmp_next_transform(&ti, &t) == 1);
                struct isakmp_attr a;
                REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IPSEC_ENCAP_MODE, &a));
                CHECK_INT(a.value, 61443);
                CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IPSEC, a.type, a.value),
                          "UDP-Encapsulated-Tunnel (draft)");
                continue;
            }
            CHECK_INT(p.n_transforms, 1 + (seed + np) % 4);
            struct isakmp_iter ti = isakmp_transforms(&p);
            struct isakmp_transform t;
            unsigned nt = 0;
            while (isakmp_next_transform(&ti, &t) == 1) {
                nt++;
                struct isakmp_attr a;
                REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_LIFE_DURATION, &a));
                CHECK(!a.tv);            /* over 16 bits: TLV */
                CHECK_INT(a.value, 86400 + seed);
                REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_KEY_LENGTH, &a));
                CHECK(a.tv);
                CHECK_INT(a.value, 128 + 64 * (nt % 3));
            }
            CHECK_INT(nt, p.n_transforms);
        }
        const struct isakmp_payload *ke = isakmp_msg_find(&msg, ISAKMP_PL_KE, 0);
        REQUIRE(ke);
        CHECK_INT(ke->u.data.len, 96 + seed % 160);
        const struct isakmp_payload *id = isakmp_msg_find(&msg, ISAKMP_PL_ID, 0);
        REQUIRE(id);
        CHECK_INT(id->u.id.protocol, 17);
        CHECK_INT(id->u.id.port, 500);
        CHECK_MEM(id->u.id.data.p, id->u.id.data.len, "\xc0\x00\x02\x01", 4);
        const struct isakmp_payload *fq = isakmp_msg_find(&msg, ISAKMP_PL_ID, 2);
        REQUIRE(fq);
        CHECK_MEM(fq->u.id.data.p, fq->u.id.data.len, "vpn.example.org", 15);
        const struct isakmp_payload *n = isakmp_msg_find(&msg, ISAKMP_PL_N, 0);
        REQUIRE(n);
        CHECK_INT(n->u.notify.type, ISAKMP_N_DPD_R_U_THERE);
        CHECK_INT(n->u.notify.spi_size, 16);
        const struct isakmp_payload *d = isakmp_msg_find(&msg, ISAKMP_PL_D, 0);
        REQUIRE(d);
        CHECK_INT(d->u.del.n_spis, 3);
        const struct isakmp_payload *oa = isakmp_msg_find(&msg, ISAKMP_PL_NAT_OA, 0);
        REQUIRE(oa);
        CHECK_MEM(oa->u.nat_oa.addr.p, oa->u.nat_oa.addr.len, "\x0a\x01\x02\x03", 4);
        CHECK_INT(isakmp_msg_count(&msg, ISAKMP_PL_NAT_D_DRAFT), 1);
        const struct isakmp_payload *cfg = isakmp_msg_find(&msg, ISAKMP_PL_ATTR, 0);
        REQUIRE(cfg);
        CHECK_INT(cfg->u.cfg.identifier, 0x1234);
        /* canonical: re-encoding gives the same bytes */
        size_t olen = 0;
        CHECK_INT(isakmp_encode(&msg, out, sizeof out, &olen), 0);
        CHECK_MEM(out, olen, buf, len);
        /* the dissector names what it sees */
        static char text[1 << 17];
        struct isakmp_strbuf sb = { text, sizeof text, 0 };
        isakmp_dissect(&msg, 0, NULL, isakmp_write_strbuf, &sb);
        CHECK(strstr(text, "Encryption-Algorithm (1) = AES-CBC (7)") != NULL);
        CHECK(strstr(text, "Encapsulation-Mode (4) = UDP-Encapsulated-Tunnel (draft) (61443)") != NULL);
        CHECK(strstr(text, "Notify message type: R-U-THERE (36136)") != NULL);
        CHECK(strstr(text, "Identification: alice@example.org") != NULL);
        CHECK(strstr(text, "Range end: 10.0.0.254") != NULL);
        CHECK(strstr(text, "Payload: NAT-OA (draft) (131)") != NULL);
        /* every IPsec DOI ID type (RFC 2407 §4.6.2.1) comes back, named */
        static const char *const id_names[] = {
            "ID_IPV4_ADDR (1)", "ID_FQDN (2)", "ID_USER_FQDN (3)", "ID_IPV4_ADDR_SUBNET (4)",
            "ID_IPV6_ADDR (5)", "ID_IPV6_ADDR_SUBNET (6)", "ID_IPV4_ADDR_RANGE (7)",
            "ID_IPV6_ADDR_RANGE (8)", "ID_DER_ASN1_DN (9)", "ID_DER_ASN1_GN (10)", "ID_KEY_ID (11)",
        };
        for (size_t i = 0; i < sizeof id_names / sizeof id_names[0]; i++)
            CHECK_MSG(strstr(text, id_names[i]) != NULL, "dissector lacks %s", id_names[i]);
        CHECK_INT(isakmp_msg_count(&msg, ISAKMP_PL_ID), 11);
        const struct isakmp_payload *v6 = isakmp_msg_find(&msg, ISAKMP_PL_ID, 7);
        REQUIRE(v6);
        CHECK_INT(v6->u.id.type, ISAKMP_ID_IPV6_ADDR);
        CHECK_INT(v6->u.id.port, 4500);
        CHECK(strstr(text, "Address: 2001:db8:0:0:0:0:0:1") != NULL);   /* groups uncompressed */
        CHECK(strstr(text, "255.255.255.0") != NULL);
        CHECK(strstr(text, "Range end: 2001:db8:0:0:0:0:0:ff") != NULL);
    }
}

static void encrypted_message(void)
{
    uint8_t buf[256], out[256];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    header(&b, ISAKMP_XCHG_QUICK, ISAKMP_FLAG_E, 0xdeadbeef);
    /* plaintext chain built, then "encrypted" in place by the caller */
    isakmp_build_data(&b, ISAKMP_PL_HASH, "0123456789abcdef0123", 20);
    size_t len = 0;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    CHECK_INT(buf[16], ISAKMP_PL_HASH);
    REQUIRE(isakmp_decode(buf, len, 0, &msg) == 0);
    CHECK(msg.encrypted);
    CHECK_INT(msg.n_payloads, 0);
    CHECK_INT(msg.body.len, 24);
    size_t olen;
    CHECK_INT(isakmp_encode(&msg, out, sizeof out, &olen), 0);
    CHECK_MEM(out, olen, buf, len);
}

/* A payload chain without header, decoded as decrypted plaintext with
 * cipher padding after it. */
static void plaintext_with_padding(void)
{
    uint8_t buf[256];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_data(&b, ISAKMP_PL_HASH, "0123456789abcdef0123", 20);
    isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR, 0, 0, "\x0a\x00\x00\x01", 4);
    size_t len;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    CHECK_INT(b.first_payload, ISAKMP_PL_HASH);
    memset(buf + len, 0, 7);
    buf[len + 7] = 7; /* pad length byte, as some implementations write */
    memset(&msg, 0, sizeof msg);
    CHECK_INT(isakmp_decode_payloads(b.first_payload, buf, len + 8, 0, &msg), 0);
    CHECK_INT(msg.n_payloads, 2);
    CHECK_INT(msg.padding, 8);
    /* a chain that wants more than there is stays an error */
    CHECK(isakmp_decode_payloads(b.first_payload, buf, len - 1, 0, &msg) != 0);
}

static void builder_misuse(void)
{
    uint8_t buf[64];
    struct isakmp_builder b;
    /* transform outside a proposal */
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_transform_begin(&b, 1, 1);
    CHECK_INT(isakmp_build_finish(&b, NULL), ISAKMP_WIRE_BAD_ARG);
    /* unclosed SA */
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_sa_begin(&b, 1, 1);
    CHECK_INT(isakmp_build_finish(&b, NULL), ISAKMP_WIRE_BAD_ARG);
    /* basic-only class with a 32-bit value */
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_sa_begin(&b, 1, 1);
    isakmp_build_proposal_begin(&b, 1, 1, NULL, 0);
    isakmp_build_transform_begin(&b, 1, 1);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, 70000);
    CHECK_INT(b.err, ISAKMP_WIRE_BAD_ARG);
    /* too small a buffer, at every size: clean error, never an overrun */
    static uint8_t big[8192];
    size_t full = build_everything(big, sizeof big, 5);
    for (size_t cap = 0; cap < full; cap += 1 + cap / 64) {
        uint8_t *tight = malloc(cap ? cap : 1);
        struct isakmp_builder t;
        isakmp_build_init(&t, tight, cap);
        header(&t, 2, 0, 0);
        isakmp_build_data(&t, ISAKMP_PL_VID, big, full - 32);
        CHECK(isakmp_build_finish(&t, NULL) == ISAKMP_WIRE_NO_SPACE);
        free(tight);
    }
}

/* A hostile FQDN cannot forge a line of the flat "name=value" output (nor
 * reach the tree as raw text): non-printable names are not printed as text. */
static void hostile_names_stay_inert(void)
{
    uint8_t buf[256];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    header(&b, ISAKMP_XCHG_AGGRESSIVE, 0, 0);
    static const char evil[] = "a\nisakmp.notify.msgtype=24\x1b[2J";
    isakmp_build_id(&b, ISAKMP_ID_FQDN, 0, 0, evil, sizeof evil - 1);
    size_t len = 0;
    REQUIRE(isakmp_build_finish(&b, &len) == 0);
    REQUIRE(isakmp_decode(buf, len, 0, &msg) == 0);
    static char text[8192];
    struct isakmp_strbuf sb = { text, sizeof text, 0 };
    isakmp_dissect_fields(&msg, 0, isakmp_write_strbuf, &sb);
    CHECK(strstr(text, "\nisakmp.notify.msgtype=") == NULL);
    CHECK(strstr(text, "isakmp.id.data.fqdn=") == NULL);
    CHECK(strstr(text, "isakmp.id.type=2\n") != NULL);
    sb.len = 0;
    text[0] = '\0';
    isakmp_dissect(&msg, 0, NULL, isakmp_write_strbuf, &sb);
    CHECK(strchr(text, '\x1b') == NULL);
    CHECK(strstr(text, "61") != NULL);            /* shown as hex instead */
}

static void registries(void)
{
    CHECK_STR(isakmp_exchange_name(2), "Identity Protection (Main Mode)");
    CHECK_STR(isakmp_exchange_name(32), "Quick Mode");
    CHECK_STR(isakmp_payload_name(20), "NAT-D (RFC 3947)");
    CHECK_STR(isakmp_payload_name(131), "NAT-OA (draft)");
    CHECK_STR(isakmp_payload_name(200), "Private Use");
    CHECK_STR(isakmp_notify_name(30), "UNEQUAL-PAYLOAD-LENGTHS");
    CHECK_STR(isakmp_notify_name(24578), "INITIAL-CONTACT");
    CHECK_STR(isakmp_notify_name(36137), "R-U-THERE-ACK");
    CHECK_STR(isakmp_transform_name(ISAKMP_PROTO_ESP, 12), "ESP_AES");
    CHECK_STR(isakmp_transform_name(ISAKMP_PROTO_AH, 3), "AH_SHA");
    CHECK_STR(isakmp_transform_name(ISAKMP_PROTO_IPCOMP, 2), "IPCOMP_DEFLATE");
    CHECK_STR(isakmp_id_type_name(11), "ID_KEY_ID");
    CHECK_STR(isakmp_attr_name(ISAKMP_ATTR_CTX_IKE, 1), "Encryption-Algorithm");
    CHECK_STR(isakmp_attr_name(ISAKMP_ATTR_CTX_IPSEC, 1), "SA-Life-Type");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 1, 7), "AES-CBC");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 2, 6), "SHA2-512");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 3, 65001), "XAUTHInitPreShared");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 4, 32), "Curve448");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IPSEC, 4, 3), "UDP-Encapsulated-Tunnel");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IPSEC, 4, 61444), "UDP-Encapsulated-Transport (draft)");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IPSEC, 5, 5), "HMAC-SHA2-256");
    /* context matters: class 1 value 2 is a hash in neither, but in IPsec
     * class 1 is the life type */
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IPSEC, 1, 2), "Kilobytes");
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 1, 2), "IDEA-CBC");
    CHECK(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, 14, 128) == NULL);
    for (unsigned g = 1; g <= 32; g++)
        CHECK_MSG(isakmp_reg_name(ISAKMP_REG_GROUP, g) != NULL, "group %u unnamed", g);
    for (unsigned n = 1; n <= 30; n++)
        CHECK_MSG(isakmp_reg_name(ISAKMP_REG_NOTIFY, n) != NULL, "notify %u unnamed", n);
    /* every table: exact rows come before the ranges that contain them */
    for (int r = 0; r < ISAKMP_REG_COUNT; r++) {
        size_t n;
        const struct isakmp_reg_entry *t = isakmp_reg_table((enum isakmp_registry)r, &n);
        for (size_t i = 0; i < n; i++) {
            CHECK(t[i].first <= t[i].last);
            if (t[i].first == t[i].last)
                CHECK_STR(isakmp_reg_name((enum isakmp_registry)r, t[i].first), t[i].name);
        }
    }
}

int main(void)
{
    RUN(every_payload_round_trips);
    RUN(encrypted_message);
    RUN(plaintext_with_padding);
    RUN(builder_misuse);
    RUN(registries);
    RUN(hostile_names_stay_inert);
    return check_summary();
}
