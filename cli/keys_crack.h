/* `isakmp keys --crack-psk WORDLIST`: an offline dictionary attack on a
 * pre-shared key from one captured Aggressive Mode exchange (RFC 2409
 * §5, §5.4).  Messages 1 and 2 carry in the clear everything HASH_R
 * depends on except the key:
 *     SKEYID = prf(PSK, Ni_b | Nr_b)
 *     HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * so each candidate costs two PRF calls of the engine's key schedule
 * (isakmp/keyschedule.h), all in one process. */
#ifndef CLI_KEYS_CRACK_H
#define CLI_KEYS_CRACK_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp/bytes.h"

/* Longest candidate tried, in bytes; a longer line is skipped (counted). */
#define KEYS_CRACK_WORD_MAX 1024

/* The captured values (all borrowed; none may be empty). */
struct keys_crack_input {
    uint16_t hash;                    /* ISAKMP_HASH_*: the PRF is its HMAC */
    struct isakmp_bytes ni_b, nr_b, gxi, gxr, sai_b, idir_b;
    uint8_t cky_i[8], cky_r[8];
    struct isakmp_bytes hash_r;       /* the HASH_R of message 2 (digest length) */
};

/* Try every line of `wordlist` (a file name, "-" for stdin) as the PSK,
 * in order, stopping at the first whose HASH_R matches (constant-time
 * comparison).  A line is the whole key, without its "\n" or "\r\n";
 * empty lines are skipped; a line longer than KEYS_CRACK_WORD_MAX bytes or
 * holding a NUL byte is skipped and named on stderr (the first few).
 * Prints on stdout "FOUND <psk>" or "NOT FOUND", then "tried N words
 * (line L of FILE), skipped K lines"; on stderr the time and words/s.
 * Returns CLI_OK (0) found, CLI_FAILED (1) not found, CLI_USAGE (2) when
 * the word list cannot be read or an input is unusable. */
int keys_crack_psk(const char *wordlist, const struct keys_crack_input *in);

#endif
