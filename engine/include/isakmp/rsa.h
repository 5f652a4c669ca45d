/* RSA as IKEv1 uses it: signatures over the raw hash, PKCS#1 v1.5
 * encryption (RFC 2409 §5.2, §5.3), and loading keys and certificates.
 *
 * status: complete
 *
 * Signatures (RFC 2409 §5.1): IKEv1 signs the PRF output HASH_I/HASH_R
 * itself, padded with PKCS#1 v1.5 type 1 but WITHOUT the DigestInfo
 * wrapper a normal PKCS#1 signature has:
 *     EM = 00 01 FF .. FF 00 | HASH        (len(EM) = modulus length)
 *     signature = EM^d mod n
 * Verification recomputes EM and compares it, in constant time, with
 * sig^e mod n.
 *
 * Randomness (blinding, encryption padding, key generation) always comes
 * from the caller's function; nothing here reads a system source.
 *
 * Keys are opaque (struct isakmp_rsa_key), own their memory, and wipe
 * their private parts in isakmp_rsa_key_free.  Loaders accept PEM or
 * DER, detected from the bytes:
 *     PEM "RSA PRIVATE KEY" / DER RSAPrivateKey          (PKCS#1)
 *     PEM "PRIVATE KEY"     / DER PrivateKeyInfo         (PKCS#8, unencrypted, rsaEncryption)
 *     PEM "RSA PUBLIC KEY"  / DER RSAPublicKey           (PKCS#1)
 *     PEM "PUBLIC KEY"      / DER SubjectPublicKeyInfo   (rsaEncryption)
 *     PEM "CERTIFICATE"     / DER X.509 Certificate      (its subject public key)
 * Encrypted PEM/PKCS#8 keys are refused with a clear message. */
#ifndef ISAKMP_RSA_H
#define ISAKMP_RSA_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Random bytes from the caller (e.g. the engine's random callback). */
#include "isakmp/random.h"

enum isakmp_rsa_status {
    ISAKMP_RSA_OK = 0,
    ISAKMP_RSA_E_FORMAT,      /* not a key/certificate in a known format */
    ISAKMP_RSA_E_ENCRYPTED,   /* an encrypted private key (no passphrase support) */
    ISAKMP_RSA_E_ALGORITHM,   /* a key, but not RSA (e.g. EC) */
    ISAKMP_RSA_E_KEY,         /* RSA numbers invalid, or a modulus outside
                               * 512..8192 bits (512 is weak, but allowed
                               * for research) */
    ISAKMP_RSA_E_NO_PRIVATE,  /* operation needs the private key */
    ISAKMP_RSA_E_LENGTH,      /* input too long for the modulus / output
                               * buffer too small / signature length != modulus */
    ISAKMP_RSA_E_BAD_SIG,     /* signature does not verify */
    ISAKMP_RSA_E_DECRYPT,     /* ciphertext does not decrypt to valid padding */
    ISAKMP_RSA_E_NOMEM,
    ISAKMP_RSA_E_ARG,         /* NULL where a value is needed */
};

/* Text for a status; static, never NULL. */
const char *isakmp_rsa_strerror(int status);

struct isakmp_rsa_key;

/* Parse a key or certificate (formats above) from data[0..len).  On
 * success *out is a new key (free with isakmp_rsa_key_free).  On error
 * *out is NULL and, when err is not NULL, a one-line explanation (e.g.
 * "PEM block 'EC PRIVATE KEY' is not an RSA key") is written to
 * err[0..err_size) NUL-terminated. */
int isakmp_rsa_key_load(const uint8_t *data, size_t len, struct isakmp_rsa_key **out,
                        char *err, size_t err_size);

/* Generate a key of `bits` (>= 512, <= 8192) with public exponent 65537
 * from the caller's randomness.  For tests and the simulator. */
int isakmp_rsa_key_generate(isakmp_random_fn *random, void *user, unsigned bits,
                            struct isakmp_rsa_key **out);

/* Wipe and free; NULL allowed. */
void isakmp_rsa_key_free(struct isakmp_rsa_key *key);

/* True when the key holds the private half. */
bool isakmp_rsa_key_has_private(const struct isakmp_rsa_key *key);

/* Length of the modulus in bytes (= signature and ciphertext length). */
size_t isakmp_rsa_key_size(const struct isakmp_rsa_key *key);

/* The public key as DER: PKCS#1 RSAPublicKey (SEQUENCE { n, e }).  Writes
 * at most cap bytes; *len gets the full length (call with cap 0 to ask).
 * E_LENGTH when cap is too small. */
int isakmp_rsa_public_der(const struct isakmp_rsa_key *key, uint8_t *out, size_t cap,
                          size_t *len);

/* Modulus and public exponent, big-endian without leading zeros,
 * written like isakmp_rsa_public_der (for tests and display). */
int isakmp_rsa_public_numbers(const struct isakmp_rsa_key *key,
                              uint8_t *n, size_t n_cap, size_t *n_len,
                              uint8_t *e, size_t e_cap, size_t *e_len);

/* ---- signatures (RFC 2409 §5.1) ----------------------------------------- */

/* sig = (00 01 FF.. 00 | hash)^d mod n, isakmp_rsa_key_size(key) bytes
 * written to sig (sig_cap must be at least that).  hash_len must leave
 * room for at least 8 FF bytes (hash_len <= size - 11).  Blinded with
 * the caller's randomness. */
int isakmp_rsa_sign(const struct isakmp_rsa_key *key, isakmp_random_fn *random, void *user,
                    const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t sig_cap);

/* OK when sig (exactly isakmp_rsa_key_size bytes) is a signature of hash
 * by key in the IKEv1 form; E_BAD_SIG otherwise, also for a DigestInfo-
 * wrapped signature.  The recovered block is compared in constant time. */
int isakmp_rsa_verify(const struct isakmp_rsa_key *key, const uint8_t *hash, size_t hash_len,
                      const uint8_t *sig, size_t sig_len);

/* ---- PKCS#1 v1.5 encryption (RFC 2409 §5.2, §5.3) ---------------------- */

/* Encrypt in[0..in_len) (in_len <= size - 11) to the public key; out gets
 * isakmp_rsa_key_size(key) bytes (out_cap at least that). */
int isakmp_rsa_encrypt(const struct isakmp_rsa_key *key, isakmp_random_fn *random, void *user,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap);

/* Decrypt in (exactly isakmp_rsa_key_size bytes) with the private key;
 * the plaintext goes to out[0..*out_len), out_cap bounding it.  Blinded.
 * E_DECRYPT on bad padding, E_LENGTH when out_cap is too small.  The
 * caller wipes out. */
int isakmp_rsa_decrypt(const struct isakmp_rsa_key *key, isakmp_random_fn *random, void *user,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len);

/* ---- X.509 -------------------------------------------------------------- */

/* Spans inside a DER certificate (pointers into the caller's buffer). */
struct isakmp_x509_view {
    const uint8_t *tbs;        size_t tbs_len;        /* tbsCertificate, whole TLV */
    const uint8_t *issuer;     size_t issuer_len;     /* Name, whole TLV */
    const uint8_t *subject;    size_t subject_len;    /* Name, whole TLV: the
                                                       * ID_DER_ASN1_DN identity */
    const uint8_t *spki;       size_t spki_len;       /* SubjectPublicKeyInfo TLV */
};

/* Walk a DER certificate's tbsCertificate.  Checks the structure only
 * (no signature or validity check).  E_FORMAT on anything malformed. */
int isakmp_x509_view(const uint8_t *der, size_t len, struct isakmp_x509_view *out);

/* Decode the first PEM block labelled `label` (e.g. "CERTIFICATE") in
 * text[0..len) into a new buffer *der (free with free(); wipe first if
 * secret) of *der_len bytes.  E_FORMAT when there is no such block or the
 * base64 is bad. */
int isakmp_pem_decode(const uint8_t *text, size_t len, const char *label,
                      uint8_t **der, size_t *der_len);

#endif
