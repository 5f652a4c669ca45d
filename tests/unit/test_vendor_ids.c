/* The Vendor ID registry (engine/wire/vendor_ids.c): every entry names
 * its own bytes, versioned IDs match on their prefix at the right length,
 * unknown bytes stay unnamed, and the dissector prints the name. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/dissect.h"
#include "isakmp/registry.h"
#include "isakmp/wire.h"

#include <nettle/md5.h>
#include <stdlib.h>
#include <string.h>

static void every_entry_names_itself(void)
{
    unsigned n = 0;
    for (int v = ISAKMP_VID_RFC3947; v <= ISAKMP_VID_MS_INITIAL_CONTACT; v++) {
        size_t len = 0;
        const uint8_t *b = isakmp_vendor_id((enum isakmp_vid)v, &len);
        const char *label = isakmp_vendor_id_label((enum isakmp_vid)v);
        CHECK_MSG(b && label && len >= 8, "vid %d", v);
        if (!b || !label)
            continue;
        if (v == ISAKMP_VID_MS_NT5) {            /* sent with a 4-byte version */
            uint8_t full[20];
            memcpy(full, b, 16);
            memcpy(full + 16, "\0\0\0\x09", 4);
            CHECK_STR(isakmp_vendor_id_name(full, 20), label);
            CHECK(isakmp_vendor_id_name(b, 16) == NULL);
        } else {
            CHECK_STR(isakmp_vendor_id_name(b, len), label);
        }
        n++;
    }
    CHECK_INT(n, 15);
    CHECK(isakmp_vendor_id(0, NULL) == NULL);
}

/* MD5 of the defining texts (RFC 3947 §3.1 and the drafts it replaced). */
static void natt_ids_are_md5_of_their_names(void)
{
    static const struct { int v; const char *text; } t[] = {
        { ISAKMP_VID_RFC3947, "RFC 3947" },
        { ISAKMP_VID_NATT_DRAFT_00, "draft-ietf-ipsec-nat-t-ike-00" },
        { ISAKMP_VID_NATT_DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02" },
        { ISAKMP_VID_NATT_DRAFT_02N, "draft-ietf-ipsec-nat-t-ike-02\n" },
        { ISAKMP_VID_NATT_DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03" },
        { ISAKMP_VID_NATT_DRAFT_07, "draft-ietf-ipsec-nat-t-ike-07" },
        { ISAKMP_VID_STENBERG_01, "draft-stenberg-ipsec-nat-traversal-01" },
        { ISAKMP_VID_STENBERG_02, "draft-stenberg-ipsec-nat-traversal-02" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t d[16];
        struct md5_ctx h;
        md5_init(&h);
        md5_update(&h, strlen(t[i].text), (const uint8_t *)t[i].text);
        md5_digest(&h, 16, d);
        size_t len;
        const uint8_t *b = isakmp_vendor_id((enum isakmp_vid)t[i].v, &len);
        REQUIRE(b);
        CHECK_MEM(b, len, d, 16);
    }
}

static void versions_and_strangers(void)
{
    size_t len;
    uint8_t dpd[16];
    memcpy(dpd, isakmp_vendor_id(ISAKMP_VID_DPD, &len), 16);
    dpd[15] = 0x07;                              /* another minor version */
    CHECK(isakmp_vendor_id_is(ISAKMP_VID_DPD, dpd, 16));
    CHECK(!isakmp_vendor_id_is(ISAKMP_VID_DPD, dpd, 15));
    dpd[3] ^= 1;                                 /* not DPD any more */
    CHECK(!isakmp_vendor_id_is(ISAKMP_VID_DPD, dpd, 16));
    CHECK(isakmp_vendor_id_name(dpd, 16) == NULL);
    const uint8_t *x = isakmp_vendor_id(ISAKMP_VID_XAUTH, &len);
    CHECK_INT(len, 8);
    CHECK(isakmp_vendor_id_name(x, 7) == NULL);  /* a prefix alone is not it */
    CHECK(isakmp_vendor_id_name(NULL, 0) == NULL);
}

/* The dissector names the DPD Vendor ID of ike-scan's Aggressive Mode
 * response fixture (and leaves the device's own ones unnamed). */
static void dissector_names_them(void)
{
    size_t len = 0;
    uint8_t *b = read_file(shared_path("captures/ike-scan/pkt-aggr-mode-response.dat"), &len);
    REQUIRE(b);
    static struct isakmp_message m;
    REQUIRE(isakmp_decode(b, len, 0, &m) == 0);
    static char text[1 << 16];
    struct isakmp_strbuf sb = { text, sizeof text, 0 };
    isakmp_dissect(&m, 0, NULL, isakmp_write_strbuf, &sb);
    CHECK(strstr(text, "Vendor: RFC 3706 DPD (Dead Peer Detection)") != NULL);
    const char *v = text;
    unsigned vids = 0, named = 0;
    while ((v = strstr(v, "Vendor ID: ")) != NULL) { vids++; v++; }
    for (v = text; (v = strstr(v, "Vendor: ")) != NULL; v++) named++;
    CHECK(vids > named);                         /* not everything gets a name */
    free(b);
}

int main(void)
{
    RUN(every_entry_names_itself);
    RUN(natt_ids_are_md5_of_their_names);
    RUN(versions_and_strangers);
    RUN(dissector_names_them);
    return check_summary();
}
