/* libFuzzer target: the ISAKMP decoder on arbitrary bytes, with every
 * flag combination chosen by the first input byte; what decodes is
 * dissected (tree, brief, fields) to /dev/null, re-encoded, and must
 * round-trip byte for byte; decrypted-plaintext decoding is exercised on
 * the body too. */
#include "isakmp/dissect.h"
#include "isakmp/wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *devnull;
static struct isakmp_message msg;
static uint8_t out[ISAKMP_WIRE_MAX_MSG];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    unsigned flags = 0;
    if (size > 0 && (data[0] & 0xf0) == 0xf0) {
        /* an optional leading byte chooses decode flags */
        flags = data[0] & 0x07;
        data++;
        size--;
    }
    /* exact-size copy: ASan catches any read past the end */
    uint8_t *buf = malloc(size ? size : 1);
    if (size)
        memcpy(buf, data, size);
    int rc = isakmp_decode(buf, size, flags, &msg);
    if (devnull) {
        isakmp_dissect_file(&msg, rc, devnull, 2);
        isakmp_dissect_brief(&msg, rc, isakmp_write_file, devnull);
        isakmp_dissect_fields(&msg, rc, isakmp_write_file, devnull);
    }
    if (rc == 0 && !(flags & ISAKMP_DECODE_LAX_RESERVED)) {
        size_t olen = 0;
        if (isakmp_encode(&msg, out, sizeof out, &olen) != 0 ||
            olen != msg.raw.len || memcmp(out, msg.raw.p, olen) != 0)
            abort(); /* a valid message must re-encode to itself */
    }
    /* the body as if it were decrypted plaintext (padding allowed) */
    if (size > ISAKMP_HDR_LEN) {
        rc = isakmp_decode_payloads(buf[16], buf + ISAKMP_HDR_LEN, size - ISAKMP_HDR_LEN, flags, &msg);
        if (devnull)
            isakmp_dissect_file(&msg, rc, devnull, 0);
    }
    free(buf);
    return 0;
}
