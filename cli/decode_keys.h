/* `isakmp decode --keys TABLE`: decryption of IKEv1 messages from a
 * Wireshark ikev1_decryption_table file, plugged into cmd_decode.c through
 * its hook (cmd_decode.h: this file's decode_keys.c defines
 * cli_decode_decryptor).
 *
 * The table.  One entry per line, "<CKY-I hex>,<cipher key hex>" (16 hex
 * digits, then the phase-1 encryption key as Wireshark wants it: exactly
 * the negotiated key length).  Accepted as Wireshark writes its UAT file
 * too: each field may be in double quotes, blanks around fields are
 * ignored, '#' starts a comment line, blank lines are skipped, CRLF is
 * fine.  The same CKY-I twice with different keys is an error.  Errors
 * are reported as "FILE:LINE: message".  Bounds: DECODE_KEYS_MAX entries,
 * lines of at most 1024 bytes, files of at most 4 MiB.
 *
 * Decryption (RFC 2409 §5 and Appendix B).  For the encrypted message m,
 * everything is derived from the earlier messages of the exchange (same
 * cookies; the phase-1 message 1 with a zero CKY-R too):
 *   - the chosen phase-1 transform: the first transform of the SA payload
 *     of the first phase-1 message with a non-zero CKY-R (the responder's
 *     answer): Encryption Algorithm, Key-Length, Hash Algorithm;
 *   - g^xi and g^xr: the first two different KE payloads of phase 1, in
 *     capture order (Main Mode messages 3 and 4, Aggressive Mode 1 and 2;
 *     the history carries no addresses, so direction is by order);
 *   - the IV: phase 1, first encrypted message: hash(g^xi | g^xr)
 *     truncated to the cipher block; every later phase-1 message: the
 *     last ciphertext block of the previous one.  A message with another
 *     Message ID (Quick Mode, Informational): its first message
 *     hash(last phase-1 ciphertext block | M-ID) truncated, later ones
 *     chained within that M-ID.  A retransmission (the same ciphertext
 *     seen before) gets the IV of its first copy and does not advance the
 *     chain (Wireshark 4.0 gets those wrong).
 * The facts of phase 1 (transform, IV base, last phase-1 block) are also
 * remembered per cookie pair (bounded, DECODE_KEYS_CACHE exchanges), so a
 * long capture whose history window no longer holds phase 1 still
 * decrypts its later Quick Modes.
 * A plaintext is only returned when it is a well-formed chain of generic
 * payload headers (known types, RESERVED zero, lengths within the data);
 * anything else is reported as "wrong key?": a wrong key never yields
 * garbage payloads.  Nothing from the capture is trusted: every length is
 * checked, nothing is read outside the given buffers.
 *
 * Key material (the table's keys) is wiped when freed. */
#ifndef CLI_DECODE_KEYS_H
#define CLI_DECODE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmd_decode.h"
#include "isakmp/wire.h"

#define DECODE_KEYS_MAX 4096        /* table entries */
#define DECODE_KEYS_CACHE 64        /* exchanges whose phase-1 facts are remembered */

struct decode_keys;                 /* opaque: table + cache + last failure reason */

/* Parse a table from text (name is used in messages as "name:line: ...").
 * NULL on error with the message in err (always NUL-terminated when
 * errlen > 0).  Free with decode_keys_free. */
struct decode_keys *decode_keys_parse(const char *text, size_t len, const char *name, char *err,
                                      size_t errlen);

/* Read and parse the file at path (errors "path:line: ..." or
 * "path: <strerror>"). */
struct decode_keys *decode_keys_load(const char *path, char *err, size_t errlen);

/* Wipe the keys and free.  NULL allowed. */
void decode_keys_free(struct decode_keys *k);

/* Number of entries. */
size_t decode_keys_count(const struct decode_keys *k);

/* The key for an initiator cookie, or NULL; *len gets its length.  The
 * pointer stays valid until decode_keys_free. */
const uint8_t *decode_keys_find(const struct decode_keys *k, const uint8_t cky_i[8],
                                size_t *len);

/* Decrypt m (m->encrypted set; m->body is the ciphertext) given the
 * earlier messages h of its exchange, oldest first.  Writes the plaintext
 * (payload chain + padding, as long as the ciphertext) into out and
 * returns true; returns false, with nothing promised in out, when the
 * message cannot be decrypted - decode_keys_why then says why ("no key
 * for CKY-I ...", "no KE payloads seen", "wrong key?", ...).  Never
 * prints. */
bool decode_keys_decrypt(struct decode_keys *k, const struct decode_history *h,
                         const struct isakmp_message *m, uint8_t *out, size_t cap,
                         size_t *out_len);

/* Why the last decode_keys_decrypt failed (static or state-owned text,
 * valid until the next call); "" after a success. */
const char *decode_keys_why(const struct decode_keys *k);

/* The same for cmd_decode.c, which declares it weak (state is the
 * struct decode_keys the hook's open returned). */
const char *cli_decode_decrypt_why(void *state);

#endif
