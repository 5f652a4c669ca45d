/* The IKEv1 key schedule (RFC 2409 §5, §5.5, §5.6, §5.7, Appendix B).
 *
 * status: complete
 *
 * Every derivation of RFC 2409 is one function here, taking its inputs
 * as byte strings exactly as they appear in the RFC formula, so each can
 * be checked on its own against known answers (`isakmp keys` prints
 * them all).  Notation: `hash` is the negotiated hash (ISAKMP_HASH_*,
 * isakmp/prf.h); prf = HMAC-hash; "|" is concatenation; *_b means the
 * body of a payload, without its generic header.  g^xy, g^xi and g^xr
 * must be given at their full group length (a MODP value keeps its
 * leading zero bytes: RFC 2409 §5 hashes the fixed-length encoding).
 *
 * Outputs: functions that produce a PRF or hash output write
 * isakmp_hash_len(hash) bytes (at most ISAKMP_HASH_MAX) to `out`; the
 * caller owns all buffers and must wipe the secret ones
 * (isakmp_wipe, isakmp/secmem.h).  Internal temporaries are wiped here.
 * A message ID is passed as the 4 bytes of the ISAKMP header, in wire
 * order.  Compare received hashes with isakmp_memeq_ct, never memcmp.
 *
 * Errors: every function returns an enum isakmp_ks_status; on error the
 * output is left unspecified (never partially secret: it is wiped). */
#ifndef ISAKMP_KEYSCHEDULE_H
#define ISAKMP_KEYSCHEDULE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/prf.h"

enum isakmp_ks_status {
    ISAKMP_KS_OK = 0,
    ISAKMP_KS_E_HASH,        /* hash algorithm unknown */
    ISAKMP_KS_E_CIPHER,      /* cipher unknown, or Key-Length attribute not allowed */
    ISAKMP_KS_E_AUTH,        /* authentication method not one of PSK/sig/PKE/RPKE */
    ISAKMP_KS_E_INPUT,       /* a required input is missing (NULL/empty) */
    ISAKMP_KS_E_LENGTH,      /* an input has a length the formula cannot take
                              * (e.g. block larger than the hash, cookie not 8
                              * bytes, output longer than ISAKMP_KS_EXPAND_MAX) */
    ISAKMP_KS_E_WEAK_KEY,    /* no non-weak DES key / a degenerate 3DES key */
};

/* Text for a status; static, never NULL. */
const char *isakmp_ks_strerror(int status);

/* Largest output of the two expansions below (enough for any cipher key
 * and for KEYMAT of AH+ESP with the longest algorithms, both directions
 * are computed separately). */
#define ISAKMP_KS_EXPAND_MAX 512

/* ---- SKEYID (RFC 2409 §5) ------------------------------------------------ */

/* Signatures (DSS, RSA):   SKEYID = prf(Ni_b | Nr_b, g^xy). */
int isakmp_ks_skeyid_sig(uint16_t hash, struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                         struct isakmp_bytes gxy, uint8_t *out);

/* Public-key encryption (original and revised):
 *                          SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R). */
int isakmp_ks_skeyid_pke(uint16_t hash, struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                         const uint8_t cky_i[8], const uint8_t cky_r[8], uint8_t *out);

/* Pre-shared keys:         SKEYID = prf(pre-shared-key, Ni_b | Nr_b).
 * An empty PSK is refused (E_INPUT). */
int isakmp_ks_skeyid_psk(uint16_t hash, struct isakmp_bytes psk, struct isakmp_bytes ni_b,
                         struct isakmp_bytes nr_b, uint8_t *out);

/* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * skeyid is isakmp_hash_len(hash) bytes; each output that many too.
 * Any of d, a, e may be NULL when not wanted (the chain is still
 * computed). */
int isakmp_ks_skeyid_dae(uint16_t hash, const uint8_t *skeyid, struct isakmp_bytes gxy,
                         const uint8_t cky_i[8], const uint8_t cky_r[8],
                         uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e);

/* ---- expansions ----------------------------------------------------------- */

/* Appendix B (phase-1 cipher key): when key_len >= out_len the output is
 * the first out_len bytes of key; else K1 = prf(key, 0x00),
 * Kn = prf(key, K(n-1)), output = first out_len bytes of K1 | K2 | ...
 * out_len <= ISAKMP_KS_EXPAND_MAX. */
int isakmp_ks_expand_phase1(uint16_t hash, struct isakmp_bytes key,
                            uint8_t *out, size_t out_len);

/* §5.5 (KEYMAT): with seed = s[0] | ... | s[n-1], K1 = prf(key, seed),
 * Kn = prf(key, K(n-1) | seed), output = first out_len bytes of
 * K1 | K2 | ...  (no truncation shortcut: out_len shorter than one
 * output is the first bytes of K1).  out_len <= ISAKMP_KS_EXPAND_MAX. */
int isakmp_ks_expand_keymat(uint16_t hash, struct isakmp_bytes key,
                            const struct isakmp_bytes *seed, size_t n,
                            uint8_t *out, size_t out_len);

/* The phase-1 encryption key for cipher `cipher` (ISAKMP_ENC_*) with
 * Key-Length attribute key_attr_bits (0 = absent; see isakmp/cipher.h)
 * from SKEYID_e by Appendix B.  *key_len gets the key length; out must
 * hold ISAKMP_CIPHER_KEY_MAX bytes.  DES ("the first eight non-weak and
 * non-semi-weak bytes"): the first 8-byte slice of SKEYID_e (bytes 0-7,
 * then 8-15, ...) that is not a weak/semi-weak key; E_WEAK_KEY if every
 * slice is.  3DES: E_WEAK_KEY when K1 == K2 or K2 == K3. */
int isakmp_ks_cipher_key(uint16_t hash, uint16_t cipher, uint16_t key_attr_bits,
                         const uint8_t *skeyid_e, uint8_t *out, size_t *key_len);

/* ---- IVs (Appendix B) ------------------------------------------------------ */

/* Phase-1 IV = hash(g^xi | g^xr), first block_size bytes.  block_size
 * must be <= the hash length and > 0. */
int isakmp_ks_phase1_iv(uint16_t hash, struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                        size_t block_size, uint8_t *out);

/* IV of a Quick Mode, Informational or New Group Mode exchange =
 * hash(last phase-1 CBC output block | M-ID), first block_size bytes.
 * last_block is block_size bytes: the last ciphertext block of the last
 * phase-1 message (RFC 2409 Appendix B). */
int isakmp_ks_phase2_iv(uint16_t hash, const uint8_t *last_block, size_t block_size,
                        const uint8_t msgid[4], uint8_t *out);

/* ---- phase-1 authentication hashes (§5, same for Main and Aggressive) ---- */

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
int isakmp_ks_hash_i(uint16_t hash, const uint8_t *skeyid,
                     struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                     const uint8_t cky_i[8], const uint8_t cky_r[8],
                     struct isakmp_bytes sai_b, struct isakmp_bytes idii_b, uint8_t *out);

/* HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
int isakmp_ks_hash_r(uint16_t hash, const uint8_t *skeyid,
                     struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                     const uint8_t cky_i[8], const uint8_t cky_r[8],
                     struct isakmp_bytes sai_b, struct isakmp_bytes idir_b, uint8_t *out);

/* ---- Quick Mode, Informational, New Group Mode (§5.5, §5.6, §5.7) ------ */

/* Quick Mode HASH(1) = prf(SKEYID_a, M-ID | rest), where rest is the
 * message after the HASH payload (SA, Ni, [KE], [IDci, IDcr] ...),
 * given as n pieces.  Informational HASH(1) = prf(SKEYID_a, M-ID | N/D)
 * and New Group Mode HASH = prf(SKEYID_a, M-ID | SA) are the same
 * formula (isakmp_ks_info_hash and isakmp_ks_ngm_hash below). */
int isakmp_ks_qm_hash1(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       const struct isakmp_bytes *rest, size_t n, uint8_t *out);

/* Quick Mode HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest). */
int isakmp_ks_qm_hash2(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes ni_b,
                       const struct isakmp_bytes *rest, size_t n, uint8_t *out);

/* Quick Mode HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
int isakmp_ks_qm_hash3(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes ni_b, struct isakmp_bytes nr_b, uint8_t *out);

/* Informational HASH(1) = prf(SKEYID_a, M-ID | N/D), payload(s) given whole
 * (generic header included, as RFC 2409 §5.7 hashes "the entire
 * notify or delete payload"). */
int isakmp_ks_info_hash(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                        const struct isakmp_bytes *payloads, size_t n, uint8_t *out);

/* New Group Mode HASH = prf(SKEYID_a, M-ID | SA) (§5.6). */
int isakmp_ks_ngm_hash(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes sa, uint8_t *out);

/* KEYMAT (§5.5):
 *   without PFS: KEYMAT = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b)
 *   with PFS:    KEYMAT = prf(SKEYID_d, g(qm)^xy | protocol | SPI | Ni_b | Nr_b)
 * expanded to out_len bytes by isakmp_ks_expand_keymat.  gqm_xy.len == 0
 * means no PFS.  spi is the SPI as carried in the proposal (4 bytes for
 * AH/ESP, 2 for an IPCOMP CPI); the SPI of the receiving side gives the
 * inbound KEYMAT.  Ni_b and Nr_b are the Quick Mode nonces. */
int isakmp_ks_keymat(uint16_t hash, const uint8_t *skeyid_d, struct isakmp_bytes gqm_xy,
                     uint8_t protocol, struct isakmp_bytes spi,
                     struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                     uint8_t *out, size_t out_len);

/* ---- revised public-key encryption (§5.3) -------------------------------- */

/* The symmetric key of the revised mode: Ne_i = prf(Ni_b, CKY-I) (use
 * Nr_b and CKY-R for Ne_r), expanded by Appendix B to the key length of
 * `cipher` with Key-Length key_attr_bits, exactly like the phase-1
 * cipher key (DES/3DES weak-key rules included).  The IV of that
 * encryption is zero (§5.3).  out must hold ISAKMP_CIPHER_KEY_MAX bytes. */
int isakmp_ks_rpke_key(uint16_t hash, uint16_t cipher, uint16_t key_attr_bits,
                       struct isakmp_bytes nonce_b, const uint8_t cky[8],
                       uint8_t *out, size_t *key_len);

/* ---- everything of phase 1 at once ---------------------------------------- */

/* Inputs of a phase-1 schedule.  Fields an authentication method does
 * not use may be empty (psk for sig/pke, gxy is always needed). */
struct isakmp_ks_phase1_input {
    uint16_t auth;                 /* ISAKMP_AUTH_PSK, _DSS_SIG, _RSA_SIG, _RSA_ENC, _RSA_REV_ENC */
    uint16_t hash;                 /* ISAKMP_HASH_* */
    uint16_t cipher;               /* ISAKMP_ENC_* */
    uint16_t key_attr_bits;        /* Key-Length attribute, 0 = absent */
    struct isakmp_bytes psk, ni_b, nr_b, gxi, gxr, gxy;
    uint8_t cky_i[8], cky_r[8];
};

/* Results; everything is secret except iv. */
struct isakmp_ks_phase1 {
    size_t prf_len;                /* length of skeyid..skeyid_e */
    uint8_t skeyid[ISAKMP_HASH_MAX], skeyid_d[ISAKMP_HASH_MAX];
    uint8_t skeyid_a[ISAKMP_HASH_MAX], skeyid_e[ISAKMP_HASH_MAX];
    size_t key_len;                /* cipher key */
    uint8_t key[56];               /* ISAKMP_CIPHER_KEY_MAX */
    size_t block_size;             /* phase-1 IV */
    uint8_t iv[16];                /* ISAKMP_CIPHER_BLOCK_MAX */
};

/* Compute SKEYID (by in->auth), SKEYID_d/a/e, the cipher key and the
 * phase-1 IV.  On error *out is wiped.  The caller wipes *out when done
 * (isakmp_wipe(out, sizeof *out)). */
int isakmp_ks_phase1_compute(const struct isakmp_ks_phase1_input *in,
                             struct isakmp_ks_phase1 *out);

#endif
