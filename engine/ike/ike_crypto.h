/* The cryptography IKE needs, in the shape the modes use it.  A thin
 * adapter over engine/crypto (isakmp/dh.h, prf.h, cipher.h): the modes
 * name algorithms by their RFC 2409 numbers and never see a library type.
 * Every expensive call reports its cost to the engine (ISAKMP_EV_CRYPTO). */
#ifndef ISAKMP_IKE_CRYPTO_H
#define ISAKMP_IKE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct isakmp_engine;

/* A byte string in a list of inputs to a hash or PRF. */
struct ike_iov {
    const void *p;
    size_t len;
};

#define IKE_MAX_HASH 64
#define IKE_MAX_DH 1024          /* bytes of a public value (MODP 8192) */

/* Output length of hash algorithm `hash` (RFC 2409 numbering), 0 if unknown. */
size_t ike_hash_len(uint16_t hash);
/* out = hash(v[0] | v[1] | ...). */
bool ike_hash(uint16_t hash, const struct ike_iov *v, size_t n, uint8_t *out);
/* out = HMAC-hash(key, v[0] | ...): the PRF of RFC 2409 (no PRF attribute). */
bool ike_prf(uint16_t hash, const uint8_t *key, size_t klen,
             const struct ike_iov *v, size_t n, uint8_t *out);

/* Cipher block size and key length in bytes (key_bits for variable-key
 * ciphers, 0 = default); 0 when the cipher is not supported. */
size_t ike_cipher_block(uint16_t cipher);
size_t ike_cipher_key_len(uint16_t cipher, uint16_t key_bits);
/* CBC over len bytes (a multiple of the block); in may equal out. */
bool ike_cbc(uint16_t cipher, const uint8_t *key, size_t klen, bool encrypt,
             const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len);

/* The same with the key expanded once and kept in *cache (a counted
 * allocation, created on first use, expanded again if `key` changes):
 * an SA encrypts and decrypts every message with one key.  Ciphers
 * without a cached form go through ike_cbc.  Free with ike_cbc_key_free
 * (wiped). */
struct ike_cbc_key;
bool ike_cbc_cached(struct isakmp_engine *e, struct ike_cbc_key **cache, uint16_t cipher,
                    const uint8_t *key, size_t klen, bool encrypt, const uint8_t *iv,
                    const uint8_t *in, uint8_t *out, size_t len);
void ike_cbc_key_free(struct isakmp_engine *e, struct ike_cbc_key *k);

/* Bytes of KEYMAT an IPsec protocol of this transform uses: its
 * encryption key then its authentication key (RFC 2409 §5.5; AES-CTR
 * adds its 4-byte nonce, RFC 3686).  ISAKMP_MAX_KEYMAT when an
 * algorithm's key length is not known here; 0 for IPCOMP. */
struct isakmp_p2_protocol;
size_t ike_keymat_need(const struct isakmp_p2_protocol *p);

/* The key schedule (isakmp/keyschedule.h), phase 1 at once. */
struct ike_phase1_keys {
    size_t prf_len;
    uint8_t skeyid[IKE_MAX_HASH], skeyid_d[IKE_MAX_HASH];
    uint8_t skeyid_a[IKE_MAX_HASH], skeyid_e[IKE_MAX_HASH];
    size_t key_len;
    uint8_t key[64];
    size_t block;
    uint8_t iv[16];
};
struct ike_phase1_input {
    uint16_t auth, hash, cipher, key_bits;
    struct ike_iov psk, ni, nr, gxi, gxr, gxy;
    const uint8_t *cky_i, *cky_r;
};
bool ike_ks_phase1(const struct ike_phase1_input *in, struct ike_phase1_keys *out);
/* HASH_I (initiator) or HASH_R; out gets the PRF length. */
/* SKEYID = prf(PSK, Ni_b | Nr_b) alone (RFC 2409 §5); *out_len its size. */
bool ike_ks_skeyid_psk(uint16_t hash, struct ike_iov psk, struct ike_iov ni, struct ike_iov nr,
                       uint8_t *out, size_t *out_len);
bool ike_ks_hash_auth(uint16_t hash, const uint8_t *skeyid, bool initiator,
                      struct ike_iov gxi, struct ike_iov gxr, const uint8_t *cky_i,
                      const uint8_t *cky_r, struct ike_iov sai_b, struct ike_iov id_b,
                      uint8_t *out);
/* hash(last phase-1 block | M-ID), block bytes. */
bool ike_ks_phase2_iv(uint16_t hash, const uint8_t *last_block, size_t block,
                      uint32_t msgid, uint8_t *out);
/* KEYMAT of RFC 2409 §5.5 (gxy.len 0: no PFS), out_len bytes. */
bool ike_ks_keymat(uint16_t hash, const uint8_t *skeyid_d, struct ike_iov gxy,
                   uint8_t protocol, const uint8_t *spi, size_t spi_len,
                   struct ike_iov ni, struct ike_iov nr, uint8_t *out, size_t out_len);

/* Revised public key encryption (§5.3): Ne = prf(N_b, CKY) expanded to
 * the negotiated cipher's key (out: 64 bytes). */
bool ike_ks_rpke_key(uint16_t hash, uint16_t cipher, uint16_t key_bits, const uint8_t *nonce,
                     size_t nonce_len, const uint8_t *cky, uint8_t *out, size_t *key_len);

/* Diffie-Hellman. */
bool ike_group_supported(uint16_t group);
struct ike_dh;
/* A fresh key pair for `group` (random bytes from the engine's callback;
 * cost reported).  NULL when the group is unknown or memory is short. */
struct ike_dh *ike_dh_new(struct isakmp_engine *e, uint16_t group);
/* Our public value; its length. */
const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len);
/* Expected length of a public value of `group` (0: unknown). */
size_t ike_dh_public_len(uint16_t group);
/* g^xy from the peer's public value (validated: range, on curve).  out
 * must hold IKE_MAX_DH bytes.  False on a bad public value. */
bool ike_dh_shared(struct isakmp_engine *e, struct ike_dh *dh, const uint8_t *peer,
                   size_t len, uint8_t *out, size_t *out_len);
void ike_dh_free(struct isakmp_engine *e, struct ike_dh *dh);
/* Wrap a key made elsewhere (a private group's, ike_groups.c) whose
 * generation cost is *cost; `owned` (what the key points into) is freed
 * with owned_free after the key.  Both are taken even on failure (NULL). */
struct isakmp_dh_key;
struct isakmp_crypto_cost;
struct ike_dh *ike_dh_adopt(struct isakmp_engine *e, struct isakmp_dh_key *key,
                            const struct isakmp_crypto_cost *cost, void *owned,
                            void (*owned_free)(void *));

#endif
