/* The IKEv1 key schedule, one function per RFC 2409 formula.  Each
 * builds the formula's input list and calls the PRF; nothing else. */
#include "isakmp/keyschedule.h"
#include "isakmp/cipher.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <string.h>

#define B(ptr, n) ISAKMP_BYTES((ptr), (n))
#define COUNT(a) (sizeof (a) / sizeof (a)[0])

const char *isakmp_ks_strerror(int status)
{
    switch (status) {
    case ISAKMP_KS_OK: return "success";
    case ISAKMP_KS_E_HASH: return "hash algorithm not supported";
    case ISAKMP_KS_E_CIPHER: return "cipher not supported or Key-Length attribute not allowed";
    case ISAKMP_KS_E_AUTH: return "authentication method has no key schedule";
    case ISAKMP_KS_E_INPUT: return "a required input is missing";
    case ISAKMP_KS_E_LENGTH: return "an input or output has an impossible length";
    case ISAKMP_KS_E_WEAK_KEY: return "derived key is weak";
    default: return "unknown key schedule status";
    }
}

static bool present(struct isakmp_bytes b)
{
    return b.p != NULL && b.len > 0;
}

/* A PRF call with the status mapping every function here needs. */
static int prf(uint16_t hash, const uint8_t *key, size_t key_len,
               const struct isakmp_bytes *v, size_t n, uint8_t *out)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!out || !key) return ISAKMP_KS_E_INPUT;
    return isakmp_prf(hash, key, key_len, v, n, out) ? ISAKMP_KS_OK : ISAKMP_KS_E_INPUT;
}

int isakmp_ks_skeyid_sig(uint16_t hash, struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                         struct isakmp_bytes gxy, uint8_t *out)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!present(ni_b) || !present(nr_b) || !present(gxy) || !out) return ISAKMP_KS_E_INPUT;
    /* The PRF key is the concatenation Ni_b | Nr_b: nonces are at most
     * 256 bytes each (RFC 2409 §5: 8..256), bounded here. */
    if (ni_b.len > 256 || nr_b.len > 256) return ISAKMP_KS_E_LENGTH;
    uint8_t key[512];
    memcpy(key, ni_b.p, ni_b.len);
    memcpy(key + ni_b.len, nr_b.p, nr_b.len);
    int st = prf(hash, key, ni_b.len + nr_b.len, &gxy, 1, out);
    isakmp_wipe(key, sizeof key);
    return st;
}

int isakmp_ks_skeyid_pke(uint16_t hash, struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                         const uint8_t cky_i[8], const uint8_t cky_r[8], uint8_t *out)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!present(ni_b) || !present(nr_b) || !cky_i || !cky_r || !out) return ISAKMP_KS_E_INPUT;
    uint8_t key[ISAKMP_HASH_MAX];
    const struct isakmp_bytes nonces[] = { ni_b, nr_b };
    isakmp_hash(hash, nonces, 2, key);
    const struct isakmp_bytes ckys[] = { B(cky_i, 8), B(cky_r, 8) };
    int st = prf(hash, key, isakmp_hash_len(hash), ckys, 2, out);
    isakmp_wipe(key, sizeof key);
    return st;
}

int isakmp_ks_skeyid_psk(uint16_t hash, struct isakmp_bytes psk, struct isakmp_bytes ni_b,
                         struct isakmp_bytes nr_b, uint8_t *out)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!present(psk) || !present(ni_b) || !present(nr_b) || !out) return ISAKMP_KS_E_INPUT;
    const struct isakmp_bytes nonces[] = { ni_b, nr_b };
    return prf(hash, psk.p, psk.len, nonces, 2, out);
}

int isakmp_ks_skeyid_dae(uint16_t hash, const uint8_t *skeyid, struct isakmp_bytes gxy,
                         const uint8_t cky_i[8], const uint8_t cky_r[8],
                         uint8_t *skeyid_d, uint8_t *skeyid_a, uint8_t *skeyid_e)
{
    size_t hl = isakmp_hash_len(hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    if (!skeyid || !present(gxy) || !cky_i || !cky_r) return ISAKMP_KS_E_INPUT;
    static const uint8_t n0 = 0, n1 = 1, n2 = 2;
    uint8_t d[ISAKMP_HASH_MAX], a[ISAKMP_HASH_MAX], e[ISAKMP_HASH_MAX];
    const struct isakmp_bytes in_d[] = { gxy, B(cky_i, 8), B(cky_r, 8), B(&n0, 1) };
    const struct isakmp_bytes in_a[] = { B(d, hl), gxy, B(cky_i, 8), B(cky_r, 8), B(&n1, 1) };
    const struct isakmp_bytes in_e[] = { B(a, hl), gxy, B(cky_i, 8), B(cky_r, 8), B(&n2, 1) };
    int st = prf(hash, skeyid, hl, in_d, COUNT(in_d), d);
    if (!st) st = prf(hash, skeyid, hl, in_a, COUNT(in_a), a);
    if (!st) st = prf(hash, skeyid, hl, in_e, COUNT(in_e), e);
    if (!st) {
        if (skeyid_d) memcpy(skeyid_d, d, hl);
        if (skeyid_a) memcpy(skeyid_a, a, hl);
        if (skeyid_e) memcpy(skeyid_e, e, hl);
    }
    isakmp_wipe(d, sizeof d);
    isakmp_wipe(a, sizeof a);
    isakmp_wipe(e, sizeof e);
    return st;
}

int isakmp_ks_expand_phase1(uint16_t hash, struct isakmp_bytes key, uint8_t *out,
                            size_t out_len)
{
    size_t hl = isakmp_hash_len(hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    if (!present(key) || !out) return ISAKMP_KS_E_INPUT;
    if (out_len > ISAKMP_KS_EXPAND_MAX) return ISAKMP_KS_E_LENGTH;
    if (key.len >= out_len) {
        memcpy(out, key.p, out_len);
        return ISAKMP_KS_OK;
    }
    /* K1 = prf(key, 0), Kn = prf(key, K(n-1)). */
    static const uint8_t zero = 0;
    uint8_t k[ISAKMP_HASH_MAX];
    struct isakmp_bytes in = B(&zero, 1);
    int st = ISAKMP_KS_OK;
    for (size_t done = 0; done < out_len && !st; ) {
        st = prf(hash, key.p, key.len, &in, 1, k);
        size_t take = out_len - done < hl ? out_len - done : hl;
        if (!st) memcpy(out + done, k, take);
        done += take;
        in = B(k, hl);
    }
    isakmp_wipe(k, sizeof k);
    if (st) isakmp_wipe(out, out_len);
    return st;
}

int isakmp_ks_expand_keymat(uint16_t hash, struct isakmp_bytes key,
                            const struct isakmp_bytes *seed, size_t n,
                            uint8_t *out, size_t out_len)
{
    /* One slot in front of the seed pieces carries K(n-1). */
    enum { SEED_MAX = 15 };
    size_t hl = isakmp_hash_len(hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    if (!present(key) || !out || (n && !seed)) return ISAKMP_KS_E_INPUT;
    if (out_len > ISAKMP_KS_EXPAND_MAX || n > SEED_MAX) return ISAKMP_KS_E_LENGTH;
    struct isakmp_bytes in[SEED_MAX + 1];
    uint8_t k[ISAKMP_HASH_MAX];
    for (size_t i = 0; i < n; i++) in[i + 1] = seed[i];
    in[0] = B(k, 0);                   /* K1 = prf(key, seed) */
    int st = ISAKMP_KS_OK;
    for (size_t done = 0; done < out_len && !st; ) {
        st = prf(hash, key.p, key.len, in, n + 1, k);
        size_t take = out_len - done < hl ? out_len - done : hl;
        if (!st) memcpy(out + done, k, take);
        done += take;
        in[0] = B(k, hl);              /* Kn = prf(key, K(n-1) | seed) */
    }
    isakmp_wipe(k, sizeof k);
    if (st) isakmp_wipe(out, out_len);
    return st;
}

/* Appendix B expansion to the cipher's key length.  DES follows the
 * rule "the first eight non-weak and non-semi-weak bytes": the material
 * (SKEYID_e, at least 16 bytes) is taken as 8-byte slices and the first
 * slice that is not a weak key is used; the first slice is the plain
 * Appendix B prefix, so the usual case is unchanged. */
static int derive_cipher_key(uint16_t hash, uint16_t cipher, uint16_t key_attr_bits,
                             struct isakmp_bytes material, uint8_t *out, size_t *key_len)
{
    size_t len;
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!out || !key_len || !present(material)) return ISAKMP_KS_E_INPUT;
    *key_len = 0;
    if (isakmp_cipher_key_len(cipher, key_attr_bits, &len) != ISAKMP_CIPHER_OK)
        return ISAKMP_KS_E_CIPHER;
    if (len > ISAKMP_CIPHER_KEY_MAX) return ISAKMP_KS_E_LENGTH;

    if (cipher == ISAKMP_ENC_DES_CBC) {
        for (size_t off = 0; off + 8 <= material.len; off += 8) {
            if (!isakmp_des_key_is_weak(material.p + off)) {
                memcpy(out, material.p + off, 8);
                *key_len = 8;
                return ISAKMP_KS_OK;
            }
        }
        return ISAKMP_KS_E_WEAK_KEY;
    }

    uint8_t stream[ISAKMP_CIPHER_KEY_MAX];
    int st = isakmp_ks_expand_phase1(hash, material, stream, len);
    if (!st && isakmp_cipher_key_check(cipher, stream, len) != ISAKMP_CIPHER_OK)
        st = ISAKMP_KS_E_WEAK_KEY;     /* 3DES with K1 == K2 or K2 == K3 */
    if (!st) {
        memcpy(out, stream, len);
        *key_len = len;
    }
    isakmp_wipe(stream, sizeof stream);
    return st;
}

int isakmp_ks_cipher_key(uint16_t hash, uint16_t cipher, uint16_t key_attr_bits,
                         const uint8_t *skeyid_e, uint8_t *out, size_t *key_len)
{
    if (!skeyid_e) return ISAKMP_KS_E_INPUT;
    return derive_cipher_key(hash, cipher, key_attr_bits,
                             B(skeyid_e, isakmp_hash_len(hash)), out, key_len);
}

int isakmp_ks_rpke_key(uint16_t hash, uint16_t cipher, uint16_t key_attr_bits,
                       struct isakmp_bytes nonce_b, const uint8_t cky[8],
                       uint8_t *out, size_t *key_len)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!present(nonce_b) || !cky) return ISAKMP_KS_E_INPUT;
    uint8_t ne[ISAKMP_HASH_MAX];
    struct isakmp_bytes c = B(cky, 8);
    int st = prf(hash, nonce_b.p, nonce_b.len, &c, 1, ne);      /* Ne = prf(N_b, CKY) */
    if (!st) st = derive_cipher_key(hash, cipher, key_attr_bits,
                                    B(ne, isakmp_hash_len(hash)), out, key_len);
    isakmp_wipe(ne, sizeof ne);
    return st;
}

/* First block_size bytes of hash(v...). */
static int truncated_hash(uint16_t hash, const struct isakmp_bytes *v, size_t n,
                          size_t block_size, uint8_t *out)
{
    size_t hl = isakmp_hash_len(hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    if (!out) return ISAKMP_KS_E_INPUT;
    if (block_size == 0 || block_size > hl) return ISAKMP_KS_E_LENGTH;
    uint8_t h[ISAKMP_HASH_MAX];
    isakmp_hash(hash, v, n, h);
    memcpy(out, h, block_size);
    isakmp_wipe(h, sizeof h);
    return ISAKMP_KS_OK;
}

int isakmp_ks_phase1_iv(uint16_t hash, struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                        size_t block_size, uint8_t *out)
{
    if (!present(gxi) || !present(gxr)) return ISAKMP_KS_E_INPUT;
    const struct isakmp_bytes v[] = { gxi, gxr };
    return truncated_hash(hash, v, 2, block_size, out);
}

int isakmp_ks_phase2_iv(uint16_t hash, const uint8_t *last_block, size_t block_size,
                        const uint8_t msgid[4], uint8_t *out)
{
    if (!last_block || !msgid) return ISAKMP_KS_E_INPUT;
    const struct isakmp_bytes v[] = { B(last_block, block_size), B(msgid, 4) };
    return truncated_hash(hash, v, 2, block_size, out);
}

/* HASH_I and HASH_R share one shape: prf(SKEYID, first | second | ...). */
static int auth_hash(uint16_t hash, const uint8_t *skeyid,
                     struct isakmp_bytes g1, struct isakmp_bytes g2,
                     const uint8_t *c1, const uint8_t *c2,
                     struct isakmp_bytes sai_b, struct isakmp_bytes id_b, uint8_t *out)
{
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!present(g1) || !present(g2) || !c1 || !c2 || !present(sai_b) || !present(id_b))
        return ISAKMP_KS_E_INPUT;
    const struct isakmp_bytes v[] = { g1, g2, B(c1, 8), B(c2, 8), sai_b, id_b };
    return prf(hash, skeyid, isakmp_hash_len(hash), v, COUNT(v), out);
}

int isakmp_ks_hash_i(uint16_t hash, const uint8_t *skeyid,
                     struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                     const uint8_t cky_i[8], const uint8_t cky_r[8],
                     struct isakmp_bytes sai_b, struct isakmp_bytes idii_b, uint8_t *out)
{
    return auth_hash(hash, skeyid, gxi, gxr, cky_i, cky_r, sai_b, idii_b, out);
}

int isakmp_ks_hash_r(uint16_t hash, const uint8_t *skeyid,
                     struct isakmp_bytes gxi, struct isakmp_bytes gxr,
                     const uint8_t cky_i[8], const uint8_t cky_r[8],
                     struct isakmp_bytes sai_b, struct isakmp_bytes idir_b, uint8_t *out)
{
    return auth_hash(hash, skeyid, gxr, gxi, cky_r, cky_i, sai_b, idir_b, out);
}

/* prf(SKEYID_a, [prefix] | M-ID | head... | rest...), the shape of every
 * phase-2 and informational hash. */
static int msgid_hash(uint16_t hash, const uint8_t *skeyid_a, bool zero_prefix,
                      const uint8_t msgid[4], const struct isakmp_bytes *head, size_t nh,
                      const struct isakmp_bytes *rest, size_t nr, uint8_t *out)
{
    enum { PIECES = 16 };
    static const uint8_t zero = 0;
    if (!isakmp_hash_find(hash)) return ISAKMP_KS_E_HASH;
    if (!msgid || (nr && !rest)) return ISAKMP_KS_E_INPUT;
    if (nh + nr + 2 > PIECES) return ISAKMP_KS_E_LENGTH;
    struct isakmp_bytes v[PIECES];
    size_t n = 0;
    if (zero_prefix) v[n++] = B(&zero, 1);
    v[n++] = B(msgid, 4);
    for (size_t i = 0; i < nh; i++) v[n++] = head[i];
    for (size_t i = 0; i < nr; i++) v[n++] = rest[i];
    return prf(hash, skeyid_a, isakmp_hash_len(hash), v, n, out);
}

int isakmp_ks_qm_hash1(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       const struct isakmp_bytes *rest, size_t n, uint8_t *out)
{
    return msgid_hash(hash, skeyid_a, false, msgid, NULL, 0, rest, n, out);
}

int isakmp_ks_qm_hash2(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes ni_b,
                       const struct isakmp_bytes *rest, size_t n, uint8_t *out)
{
    if (!present(ni_b)) return ISAKMP_KS_E_INPUT;
    return msgid_hash(hash, skeyid_a, false, msgid, &ni_b, 1, rest, n, out);
}

int isakmp_ks_qm_hash3(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes ni_b, struct isakmp_bytes nr_b, uint8_t *out)
{
    if (!present(ni_b) || !present(nr_b)) return ISAKMP_KS_E_INPUT;
    const struct isakmp_bytes nonces[] = { ni_b, nr_b };
    return msgid_hash(hash, skeyid_a, true, msgid, nonces, 2, NULL, 0, out);
}

int isakmp_ks_info_hash(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                        const struct isakmp_bytes *payloads, size_t n, uint8_t *out)
{
    if (n == 0) return ISAKMP_KS_E_INPUT;
    return msgid_hash(hash, skeyid_a, false, msgid, NULL, 0, payloads, n, out);
}

int isakmp_ks_ngm_hash(uint16_t hash, const uint8_t *skeyid_a, const uint8_t msgid[4],
                       struct isakmp_bytes sa, uint8_t *out)
{
    if (!present(sa)) return ISAKMP_KS_E_INPUT;
    return msgid_hash(hash, skeyid_a, false, msgid, NULL, 0, &sa, 1, out);
}

int isakmp_ks_keymat(uint16_t hash, const uint8_t *skeyid_d, struct isakmp_bytes gqm_xy,
                     uint8_t protocol, struct isakmp_bytes spi,
                     struct isakmp_bytes ni_b, struct isakmp_bytes nr_b,
                     uint8_t *out, size_t out_len)
{
    size_t hl = isakmp_hash_len(hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    if (!skeyid_d || !present(spi) || !present(ni_b) || !present(nr_b)) return ISAKMP_KS_E_INPUT;
    if (gqm_xy.len && !gqm_xy.p) return ISAKMP_KS_E_INPUT;
    struct isakmp_bytes seed[5];
    size_t n = 0;
    if (gqm_xy.len) seed[n++] = gqm_xy;
    seed[n++] = B(&protocol, 1);
    seed[n++] = spi;
    seed[n++] = ni_b;
    seed[n++] = nr_b;
    return isakmp_ks_expand_keymat(hash, B(skeyid_d, hl), seed, n, out, out_len);
}

int isakmp_ks_phase1_compute(const struct isakmp_ks_phase1_input *in,
                             struct isakmp_ks_phase1 *out)
{
    if (!in || !out) return ISAKMP_KS_E_INPUT;
    memset(out, 0, sizeof *out);
    size_t hl = isakmp_hash_len(in->hash);
    if (!hl) return ISAKMP_KS_E_HASH;
    int st;
    switch (in->auth) {
    case ISAKMP_AUTH_PSK:
        st = isakmp_ks_skeyid_psk(in->hash, in->psk, in->ni_b, in->nr_b, out->skeyid);
        break;
    case ISAKMP_AUTH_DSS_SIG:
    case ISAKMP_AUTH_RSA_SIG:
        st = isakmp_ks_skeyid_sig(in->hash, in->ni_b, in->nr_b, in->gxy, out->skeyid);
        break;
    case ISAKMP_AUTH_RSA_ENC:
    case ISAKMP_AUTH_RSA_REV_ENC:
        st = isakmp_ks_skeyid_pke(in->hash, in->ni_b, in->nr_b, in->cky_i, in->cky_r,
                                  out->skeyid);
        break;
    default:
        st = ISAKMP_KS_E_AUTH;
        break;
    }
    out->prf_len = hl;
    if (!st) st = isakmp_ks_skeyid_dae(in->hash, out->skeyid, in->gxy, in->cky_i, in->cky_r,
                                       out->skeyid_d, out->skeyid_a, out->skeyid_e);
    if (!st) st = isakmp_ks_cipher_key(in->hash, in->cipher, in->key_attr_bits,
                                       out->skeyid_e, out->key, &out->key_len);
    if (!st) {
        out->block_size = isakmp_cipher_block_size(in->cipher);
        st = isakmp_ks_phase1_iv(in->hash, in->gxi, in->gxr, out->block_size, out->iv);
    }
    if (st) isakmp_wipe(out, sizeof *out);
    return st;
}
