/* The codec against messages written by other implementations: every
 * ISAKMP message of ../shared/captures decodes (or, for the deliberately
 * malformed and the IKEv2 ones, is refused with the Notify RFC 2408 §5
 * prescribes), and encode(decode(b)) == b for every valid one. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/dissect.h"
#include "isakmp/wire.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a minimal Ethernet/IPv4/UDP walk (the fixtures are all Ethernet) -- */

#define MAX_MSGS 64
struct msg_list {
    size_t n;
    unsigned frame[MAX_MSGS];
    uint8_t *bytes[MAX_MSGS];
    size_t len[MAX_MSGS];
};

static void list_free(struct msg_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->bytes[i]);
    l->n = 0;
}

/* UDP payloads to/from port 500 (or 4500 with the marker stripped) of
 * the unfragmented IPv4 packets in a capture. */
static bool load_pcap(const char *rel, struct msg_list *l)
{
    char err[PCAP_ERRBUF_SIZE];
    memset(l, 0, sizeof *l);
    pcap_t *pc = pcap_open_offline(shared_path(rel), err);
    if (!pc)
        return false;
    struct pcap_pkthdr *h;
    const u_char *d;
    unsigned frame = 0;
    while (pcap_next_ex(pc, &h, &d) == 1) {
        frame++;
        size_t n = h->caplen;
        if (n < 14 + 20 || d[12] != 0x08 || d[13] != 0x00)
            continue;
        const u_char *ip = d + 14;
        size_t ihl = (size_t)(ip[0] & 15) * 4, tot = (size_t)ip[2] << 8 | ip[3];
        if (ip[9] != 17 || (ip[6] & 0x3f) || ip[7] || tot > n - 14 || tot < ihl + 8)
            continue;
        const u_char *u = ip + ihl;
        unsigned sp = u[0] << 8 | u[1], dp = u[2] << 8 | u[3];
        const u_char *p = u + 8;
        size_t len = tot - ihl - 8;
        if (sp == 4500 || dp == 4500) {
            if (len < 4 || p[0] || p[1] || p[2] || p[3])
                continue;
            p += 4;
            len -= 4;
        } else if (sp != 500 && dp != 500) {
            continue;
        }
        if (l->n == MAX_MSGS)
            break;
        l->frame[l->n] = frame;
        l->bytes[l->n] = malloc(len ? len : 1);
        memcpy(l->bytes[l->n], p, len);
        l->len[l->n++] = len;
    }
    pcap_close(pc);
    return true;
}

static struct isakmp_message msg; /* large: keep it off the stack */

/* Decode, round-trip, and dissect (into a buffer) one valid message. */
static void check_valid(const char *what, unsigned frame, const uint8_t *b, size_t len)
{
    int rc = isakmp_decode(b, len, 0, &msg);
    CHECK_MSG(rc == 0, "%s frame %u: refused: %s (%s)", what, frame, msg.err.what ? msg.err.what : "?",
              isakmp_notify_name(msg.err.notify));
    if (rc)
        return;
    uint8_t out[ISAKMP_WIRE_MAX_MSG];
    size_t olen = 0;
    CHECK_INT(isakmp_encode(&msg, out, sizeof out, &olen), 0);
    CHECK_MEM(out, olen, b, len);
    char text[1 << 16];
    struct isakmp_strbuf sb = { text, sizeof text, 0 };
    isakmp_dissect(&msg, rc, NULL, isakmp_write_strbuf, &sb);
    CHECK_MSG(sb.len > 100 && strstr(text, "Exchange type:"), "%s frame %u: no tree", what, frame);
}

struct pcap_case {
    const char *file;
    size_t messages;      /* ISAKMP messages in the capture (tshark agrees) */
    size_t encrypted;
    uint16_t notify;      /* 0: all valid; else every message is refused with this */
};

static const struct pcap_case pcaps[] = {
    { "captures/ikev1-certs.pcap", 10, 6, 0 },
    { "captures/ipsec-ikev1-isakmp-main-mode.pcap", 9, 5, 0 },
    { "captures/ipsec-ikev1-isakmp-aggressive-mode.pcap", 6, 4, 0 },
    { "captures/ipsec.cap", 11, 5, 0 },
    /* SA payload whose following payload claims a length below 4 */
    { "captures/ipsec-ikev1-payload-bad-length.pcap", 1, 0, ISAKMP_N_PAYLOAD_MALFORMED },
    /* header Length field 0 */
    { "captures/ipsec-ikev1-zero-length.pcap", 1, 0, ISAKMP_N_UNEQUAL_PAYLOAD_LENGTHS },
    /* IKEv2: the two unfragmented IKE_SA_INIT messages (the rest are IP fragments) */
    { "captures/ipsec_client.pcap", 2, 0, ISAKMP_N_INVALID_MAJOR_VERSION },
};

static const struct pcap_case *cur_pcap;

static void one_pcap(void)
{
    const struct pcap_case *c = cur_pcap;
    struct msg_list l;
    REQUIRE(load_pcap(c->file, &l));
    CHECK_INT(l.n, c->messages);
    size_t enc = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (c->notify == 0) {
            check_valid(c->file, l.frame[i], l.bytes[i], l.len[i]);
            enc += msg.encrypted;
        } else {
            int rc = isakmp_decode(l.bytes[i], l.len[i], 0, &msg);
            CHECK(rc != 0);
            CHECK_INT(msg.err.notify, c->notify);
            /* the dissector copes with what was decoded before the error */
            char text[8192];
            struct isakmp_strbuf sb = { text, sizeof text, 0 };
            isakmp_dissect(&msg, rc, NULL, isakmp_write_strbuf, &sb);
            CHECK(strstr(text, "Notify to send: ") != NULL);
        }
    }
    CHECK_INT(enc, c->encrypted);
    list_free(&l);
}

struct raw_case {
    const char *file;
    uint16_t notify;      /* 0 = valid */
    const char *chain;    /* expected payload types after the header */
};

static const struct raw_case raws[] = {
    { "pkt-aggr-cert-response.dat", 0, "1,4,10,5,6,9" },
    { "pkt-aggr-mode-response.dat", 0, "1,13,13,13,4,10,5,8" },
    { "pkt-aggressive.dat", 0, "1,4,10,5" },
    { "pkt-checkpoint-notify.dat", 0, "11" },
    { "pkt-default-proposal.dat", 0, "1" },
    { "pkt-main-mode-response.dat", 0, "1,13" },
    { "pkt-main-natt-response.dat", 0, "1,13" },   /* after the non-ESP marker */
    { "pkt-notify-response.dat", 0, "11" },
    { "pkt-single-trans.dat", 0, "1" },
    /* ike-scan's probe with every RESERVED byte set to 0xff */
    { "pkt-custom-proposal.dat", ISAKMP_N_PAYLOAD_MALFORMED, NULL },
    /* version byte 0x39: major 3 */
    { "pkt-malformed.dat", ISAKMP_N_INVALID_MAJOR_VERSION, NULL },
    { "pkt-ikev2.dat", ISAKMP_N_INVALID_MAJOR_VERSION, NULL },
    { "pkt-v2-notify-response.dat", ISAKMP_N_INVALID_MAJOR_VERSION, NULL },
    { "pkt-v2-sainit-response.dat", ISAKMP_N_INVALID_MAJOR_VERSION, NULL },
};

static const struct raw_case *cur_raw;

static void one_raw(void)
{
    const struct raw_case *c = cur_raw;
    char rel[128];
    snprintf(rel, sizeof rel, "captures/ike-scan/%s", c->file);
    size_t len = 0;
    uint8_t *b = read_file(shared_path(rel), &len);
    REQUIRE(b != NULL);
    const uint8_t *p = b;
    if (len > 4 && !b[0] && !b[1] && !b[2] && !b[3]) {
        p += 4;
        len -= 4;
    }
    if (c->notify == 0) {
        check_valid(c->file, 1, p, len);
        char chain[256] = "";
        for (size_t i = 0; i < msg.n_payloads; i++)
            snprintf(chain + strlen(chain), sizeof chain - strlen(chain), "%s%u", i ? "," : "",
                     msg.payloads[i].type);
        CHECK_STR(chain, c->chain);
    } else {
        int rc = isakmp_decode(p, len, 0, &msg);
        CHECK(rc != 0);
        CHECK_INT(msg.err.notify, c->notify);
    }
    free(b);
}

/* The probe with 0xff RESERVED bytes decodes when asked to be lax, and
 * shows its proposal: 3 transforms, AES-CBC with Key-Length 128 in #2. */
static void custom_proposal_lax(void)
{
    size_t len = 0;
    uint8_t *b = read_file(shared_path("captures/ike-scan/pkt-custom-proposal.dat"), &len);
    REQUIRE(b != NULL);
    REQUIRE(isakmp_decode(b, len, ISAKMP_DECODE_LAX_RESERVED, &msg) == 0);
    const struct isakmp_payload *sa = isakmp_msg_find(&msg, ISAKMP_PL_SA, 0);
    REQUIRE(sa != NULL);
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    REQUIRE(isakmp_next_proposal(&pi, &prop) == 1);
    CHECK_INT(prop.n_transforms, 3);
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform t;
    REQUIRE(isakmp_next_transform(&ti, &t) == 1);
    REQUIRE(isakmp_next_transform(&ti, &t) == 1);
    struct isakmp_attr a;
    REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_ENCRYPTION, &a) == 1);
    CHECK_STR(isakmp_attr_value_name(ISAKMP_ATTR_CTX_IKE, a.type, a.value), "AES-CBC");
    REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_KEY_LENGTH, &a) == 1);
    CHECK_INT(a.value, 128);
    free(b);
}

/* A decoded fixture checked field by field against values read off the
 * bytes by hand (Main Mode message 1 of the main-mode capture). */
static void main_mode_first_message_fields(void)
{
    struct msg_list l;
    REQUIRE(load_pcap("captures/ipsec-ikev1-isakmp-main-mode.pcap", &l));
    REQUIRE(l.n >= 3);
    REQUIRE(isakmp_decode(l.bytes[0], l.len[0], 0, &msg) == 0);
    CHECK_INT(msg.hdr.exchange, ISAKMP_XCHG_IDPROT);
    CHECK_INT(msg.n_payloads, 5);
    const struct isakmp_payload *sa = isakmp_msg_find(&msg, ISAKMP_PL_SA, 0);
    REQUIRE(sa != NULL);
    CHECK_INT(sa->u.sa.doi, ISAKMP_DOI_IPSEC);
    CHECK_INT(sa->u.sa.situation, ISAKMP_SIT_IDENTITY_ONLY);
    CHECK_INT(sa->u.sa.n_proposals, 1);
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    REQUIRE(isakmp_next_proposal(&pi, &prop) == 1);
    CHECK_INT(prop.protocol, ISAKMP_PROTO_ISAKMP);
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform t;
    REQUIRE(isakmp_next_transform(&ti, &t) == 1);
    CHECK_INT(t.id, ISAKMP_KEY_IKE);
    struct isakmp_attr a;
    REQUIRE(isakmp_attr_find(t.attrs, ISAKMP_IKE_LIFE_DURATION, &a) == 1);
    CHECK(!a.tv);
    CHECK_INT(a.value, 86400);
    CHECK_INT(isakmp_msg_count(&msg, ISAKMP_PL_VID), 4);
    /* message 3: KE of a 1024-bit group, NAT-D x2 */
    REQUIRE(isakmp_decode(l.bytes[2], l.len[2], 0, &msg) == 0);
    const struct isakmp_payload *ke = isakmp_msg_find(&msg, ISAKMP_PL_KE, 0);
    REQUIRE(ke != NULL);
    CHECK_INT(ke->u.data.len, 128);
    CHECK_INT(isakmp_msg_count(&msg, ISAKMP_PL_NAT_D), 2);
    list_free(&l);
}

int main(void)
{
    for (size_t i = 0; i < sizeof pcaps / sizeof pcaps[0]; i++) {
        cur_pcap = &pcaps[i];
        RUN_NAMED(pcaps[i].file, one_pcap);
    }
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        cur_raw = &raws[i];
        RUN_NAMED(raws[i].file, one_raw);
    }
    RUN(custom_proposal_lax);
    RUN(main_mode_first_message_fields);
    return check_summary();
}
