/* Block ciphers in CBC mode for IKEv1 phase-1 encryption, their key
 * length rules, and the default algorithm policy.
 *
 * status: complete
 *
 * Ciphers are named by their RFC 2409 Appendix A "Encryption Algorithm"
 * numbers (ISAKMP_ENC_* of isakmp/registry.h):
 *
 *   id  name      block  key bits                        Key-Length attribute
 *    1  des         8    64 (56 effective)  fixed         must not be sent
 *    3  blowfish    8    40..448 step 8, default 128      optional
 *    5  3des        8    192 (168 effective) fixed        must not be sent
 *    6  cast128     8    40..128 step 8, default 128      optional
 *    7  aes        16    128, 192 or 256                  required (RFC 3602 §5.3)
 *
 * A "Key-Length attribute" value is given as key_attr_bits, with 0
 * meaning "attribute absent".  DES is marked weak: it stays available
 * (researchers study it) but the default policy below does not offer it.
 *
 * Weak keys.  DES: RFC 2409 derives the DES key from "the first eight
 * non-weak and non-semi-weak bytes" of the keying material; a DES key
 * that is one of the 4 weak or 12 semi-weak keys is refused here with
 * ISAKMP_CIPHER_E_WEAK_KEY, and isakmp_ks_cipher_key (keyschedule.h)
 * moves on to the next 8-byte slice.  3DES: weak thirds are harmless
 * (RFC 2451 §3.1 style reasoning), but a key with K1 == K2 or K2 == K3
 * degrades to single DES and is refused as weak.  Blowfish, CAST-128 and
 * AES have no weak-key check.
 *
 * Nothing here allocates; cipher contexts live on the stack and are wiped. */
#ifndef ISAKMP_CIPHER_H
#define ISAKMP_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/policy.h"

/* Largest block (AES) and key (Blowfish 448 bits) of any supported cipher. */
#define ISAKMP_CIPHER_BLOCK_MAX 16
#define ISAKMP_CIPHER_KEY_MAX 56

/* Results of the functions below (0 = success). */
enum isakmp_cipher_status {
    ISAKMP_CIPHER_OK = 0,
    ISAKMP_CIPHER_E_UNKNOWN,    /* cipher id not supported */
    ISAKMP_CIPHER_E_KEY_ATTR,   /* Key-Length attribute: sent for a fixed-length
                                 * cipher, missing where required, or a value
                                 * the cipher does not allow (e.g. AES 100) */
    ISAKMP_CIPHER_E_KEY_LEN,    /* key buffer length is not the cipher's key length */
    ISAKMP_CIPHER_E_IV_LEN,     /* IV length is not the block size */
    ISAKMP_CIPHER_E_DATA_LEN,   /* data length not a multiple of the block size */
    ISAKMP_CIPHER_E_WEAK_KEY,   /* DES/3DES weak or semi-weak key (RFC 2409 App. B) */
    ISAKMP_CIPHER_E_ARG,        /* NULL pointer with a nonzero length */
};

/* A short English description of a status ("AES needs a Key-Length
 * attribute of 128, 192 or 256" style texts are built by callers from
 * the descriptor).  Never NULL; static storage. */
const char *isakmp_cipher_strerror(int status);

/* One row of the cipher table. */
struct isakmp_cipher_desc {
    uint16_t id;                 /* RFC 2409 App. A number */
    const char *name;            /* "des", "3des", "aes", "blowfish", "cast128" */
    size_t block_size;           /* bytes */
    bool variable_key;           /* false: fixed key length, attribute forbidden */
    bool key_attr_required;      /* AES: the Key-Length attribute must be sent */
    uint16_t key_bits_default;   /* fixed length, or the default when no attribute */
    uint16_t key_bits_min, key_bits_max, key_bits_step;
    bool weak;                   /* DES: available, but not in the default policy */
};

/* Descriptor of cipher `id`, or NULL when not supported (IDEA, RC5,
 * Camellia).  Static const data. */
const struct isakmp_cipher_desc *isakmp_cipher_find(uint16_t id);

/* All descriptors; *n gets the count. */
const struct isakmp_cipher_desc *isakmp_cipher_list(size_t *n);

/* Look a cipher up by a command-line style name, case-insensitive:
 * "des", "3des", "aes128", "aes192", "aes256", "aes" (no length: AES
 * then needs a Key-Length from elsewhere), "blowfish", "blowfish-NNN",
 * "cast128", "cast128-NN".  *key_attr_bits (may be NULL) gets the
 * Key-Length attribute the name implies (0 for fixed-length ciphers and
 * for bare "aes"/"blowfish"/"cast128"); the value is not range-checked
 * here (isakmp_cipher_key_len does that).  NULL when the name is unknown. */
const struct isakmp_cipher_desc *isakmp_cipher_by_name(const char *name,
                                                       uint16_t *key_attr_bits);

/* Resolve the negotiated key length: from cipher `id` and the
 * Key-Length attribute (0 = absent), *key_len gets the key length in
 * bytes.  Errors: E_UNKNOWN, E_KEY_ATTR (attribute with a fixed-length
 * cipher, missing for AES, out of range or not a multiple of the step). */
int isakmp_cipher_key_len(uint16_t id, uint16_t key_attr_bits, size_t *key_len);

/* Block size of cipher `id` in bytes, 0 when unknown. */
size_t isakmp_cipher_block_size(uint16_t id);

/* Check a key for cipher `id`: its length must be a length the cipher
 * accepts, and DES/3DES keys must not be weak or semi-weak (parity bits
 * ignored).  Returns OK, E_UNKNOWN, E_KEY_LEN, E_WEAK_KEY or E_ARG. */
int isakmp_cipher_key_check(uint16_t id, const uint8_t *key, size_t key_len);

/* True when the 8 bytes are one of the 4 weak or 12 semi-weak DES keys
 * (the low, parity, bit of each byte is ignored). */
bool isakmp_des_key_is_weak(const uint8_t key[8]);

/* CBC encryption of len bytes (a multiple of the block size; 0 is
 * allowed) from in to out; in may equal out.  iv (iv_len must be the
 * block size) is updated in place to the last ciphertext block, which is
 * the IV IKEv1 uses for the next message (RFC 2409 Appendix B).  The key
 * is checked as by isakmp_cipher_key_check.  On error nothing is written. */
int isakmp_cbc_encrypt(uint16_t id, const uint8_t *key, size_t key_len,
                       uint8_t *iv, size_t iv_len,
                       const uint8_t *in, uint8_t *out, size_t len);

/* CBC decryption, same contract; iv is updated to the last block of the
 * ciphertext `in` (taken before out is written, so in may equal out). */
int isakmp_cbc_decrypt(uint16_t id, const uint8_t *key, size_t key_len,
                       uint8_t *iv, size_t iv_len,
                       const uint8_t *in, uint8_t *out, size_t len);

/* ---- default algorithm policy ----------------------------------------- */

/* True when a phase-1 choice is acceptable by default: the cipher and
 * hash are supported and not weak (no DES, no MD5), variable-length keys
 * are at least 128 bits (key_attr_bits 0 means the cipher default), and
 * the group is not Oakley group 1 (768-bit MODP) nor 0.  The group is
 * not checked further (the DH layer knows which groups exist).  Weak
 * choices remain usable when a policy lists them explicitly. */
bool isakmp_policy_is_default_allowed(uint16_t cipher, uint16_t key_attr_bits,
                                      uint16_t hash, uint16_t group);

/* Fill out[0..max) with the default phase-1 transforms, most preferred
 * first, all with authentication method `auth` (ISAKMP_AUTH_*) and no
 * lifetime attributes; returns how many were written (at most max; the
 * full list has ISAKMP_DEFAULT_P1_COUNT entries):
 *   AES-256/SHA2-256/group 14, AES-128/SHA2-256/group 14,
 *   AES-128/SHA-1/group 14, 3DES/SHA-1/group 14, AES-128/SHA-1/group 2,
 *   3DES/SHA-1/group 2 (the last two for older peers). */
#define ISAKMP_DEFAULT_P1_COUNT 6
size_t isakmp_default_p1_transforms(uint16_t auth, struct isakmp_p1_transform *out,
                                    size_t max);

#endif
