/* `isakmp decode`: the hook through which decryption plugs in.
 *
 * cmd_decode.c never decrypts.  A separate file (e.g. cli/decode_keys.c)
 * may define `cli_decode_decryptor`; when it is linked in, its option
 * (e.g. "--keys TABLE") is accepted and, for every message with the E flag,
 * `decrypt` is called with the earlier messages of the same exchange (same
 * initiator cookie), so it can find the SA and both KE payloads and follow
 * the IV chain.  The plaintext it returns is decoded with
 * isakmp_decode_payloads (cipher padding after the last payload allowed)
 * and dissected under the encrypted message. */
#ifndef CLI_CMD_DECODE_H
#define CLI_CMD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isakmp/wire.h"

/* One earlier message of the exchange, as it was on the wire (UDP payload
 * without the non-ESP marker). */
struct decode_record {
    unsigned frame;            /* capture frame number (raw files: 1, 2, ... in argument order) */
    const uint8_t *bytes;
    size_t len;
};

/* Earlier messages whose initiator cookie equals the current one, oldest
 * first (bounded: DECODE_HISTORY_MAX per exchange). Valid during the call. */
#define DECODE_HISTORY_MAX 32
struct decode_history {
    const struct decode_record *msgs;
    size_t n;
};

struct decode_decryptor {
    const char *option;        /* long option taking one argument, e.g. "--keys" */
    const char *help;          /* lines for --help, e.g. "  --keys TABLE   decrypt with ...\n" */
    /* Load what the option names; NULL on error with a message in err. */
    void *(*open)(const char *arg, char *err, size_t errlen);
    /* Decrypt the body of m (m->encrypted, m->body = ciphertext) into out.
     * Return true and *out_len = plaintext length (payload chain + padding),
     * or false when this message cannot be decrypted (no key, unknown
     * cipher); never print. `frame` is the current message's frame. */
    bool (*decrypt)(void *state, const struct decode_history *h, const struct isakmp_message *m,
                    unsigned frame, uint8_t *out, size_t cap, size_t *out_len);
    void (*close)(void *state);
};

/* Defined by the decrypting file when it is part of the build. */
extern const struct decode_decryptor cli_decode_decryptor __attribute__((weak));

#endif
