/* IKE's view of the crypto layer (see ike_crypto.h): isakmp/dh.h,
 * prf.h, cipher.h and keyschedule.h of engine/crypto.  The only file of
 * the IKE layer that includes them (their byte-string type clashes with
 * the wire codec's, see /work/notes/requests.md). */
#include "ike/ike_crypto.h"
#include "isakmp/framework.h"
#include "isakmp/dh.h"
#include "isakmp/secmem.h"

#include "isakmp/prf.h"
#include "isakmp/cipher.h"
#include "isakmp/keyschedule.h"

#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <string.h>

static struct isakmp_bytes B(const void *p, size_t n)
{
    return ISAKMP_BYTES(p, n);
}

/* ike_iov and isakmp_bytes have the same shape: convert a short list. */
#define IOV_MAX_N 8
static bool to_bytes(const struct ike_iov *v, size_t n, struct isakmp_bytes *out)
{
    if (n > IOV_MAX_N)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = B(v[i].p, v[i].len);
    return true;
}

size_t ike_hash_len(uint16_t hash)
{
    return isakmp_hash_len(hash);
}

bool ike_hash(uint16_t hash, const struct ike_iov *v, size_t n, uint8_t *out)
{
    struct isakmp_bytes b[IOV_MAX_N];
    return to_bytes(v, n, b) && isakmp_hash(hash, b, n, out);
}

bool ike_prf(uint16_t hash, const uint8_t *key, size_t klen,
             const struct ike_iov *v, size_t n, uint8_t *out)
{
    struct isakmp_bytes b[IOV_MAX_N];
    return to_bytes(v, n, b) && isakmp_prf(hash, key, klen, b, n, out);
}

size_t ike_cipher_block(uint16_t cipher)
{
    return isakmp_cipher_block_size(cipher);
}

size_t ike_cipher_key_len(uint16_t cipher, uint16_t key_bits)
{
    size_t n = 0;
    return isakmp_cipher_key_len(cipher, key_bits, &n) == ISAKMP_CIPHER_OK ? n : 0;
}

bool ike_cbc(uint16_t cipher, const uint8_t *key, size_t klen, bool encrypt,
             const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t ivb[ISAKMP_CIPHER_BLOCK_MAX];
    size_t bs = isakmp_cipher_block_size(cipher);
    if (!bs || bs > sizeof ivb)
        return false;
    memcpy(ivb, iv, bs);
    int r = encrypt ? isakmp_cbc_encrypt(cipher, key, klen, ivb, bs, in, out, len)
                    : isakmp_cbc_decrypt(cipher, key, klen, ivb, bs, in, out, len);
    isakmp_wipe(ivb, sizeof ivb);
    return r == ISAKMP_CIPHER_OK;
}

/* AES with its encryption and decryption schedules made once per key
 * (the other ciphers are rare here: ike_cbc). */
union ike_aes {
    struct aes128_ctx k128;
    struct aes192_ctx k192;
    struct aes256_ctx k256;
};

struct ike_cbc_key {
    uint8_t key[32];
    size_t klen;
    union ike_aes enc, dec;
    nettle_cipher_func *encrypt, *decrypt;
};

static void aes_schedules(struct ike_cbc_key *k)
{
    switch (k->klen) {
    case 16:
        aes128_set_encrypt_key(&k->enc.k128, k->key);
        aes128_invert_key(&k->dec.k128, &k->enc.k128);
        k->encrypt = (nettle_cipher_func *)aes128_encrypt;
        k->decrypt = (nettle_cipher_func *)aes128_decrypt;
        break;
    case 24:
        aes192_set_encrypt_key(&k->enc.k192, k->key);
        aes192_invert_key(&k->dec.k192, &k->enc.k192);
        k->encrypt = (nettle_cipher_func *)aes192_encrypt;
        k->decrypt = (nettle_cipher_func *)aes192_decrypt;
        break;
    default:
        aes256_set_encrypt_key(&k->enc.k256, k->key);
        aes256_invert_key(&k->dec.k256, &k->enc.k256);
        k->encrypt = (nettle_cipher_func *)aes256_encrypt;
        k->decrypt = (nettle_cipher_func *)aes256_decrypt;
        break;
    }
}

bool ike_cbc_cached(struct isakmp_engine *e, struct ike_cbc_key **cache, uint16_t cipher,
                    const uint8_t *key, size_t klen, bool encrypt, const uint8_t *iv,
                    const uint8_t *in, uint8_t *out, size_t len)
{
    if (cipher != ISAKMP_ENC_AES_CBC || (klen != 16 && klen != 24 && klen != 32) ||
        len % AES_BLOCK_SIZE)
        return ike_cbc(cipher, key, klen, encrypt, iv, in, out, len);
    struct ike_cbc_key *k = *cache;
    if (!k || k->klen != klen || !isakmp_memeq_ct(k->key, key, klen)) {
        if (!k && !(k = *cache = fw_alloc(e, sizeof *k)))
            return ike_cbc(cipher, key, klen, encrypt, iv, in, out, len);
        memcpy(k->key, key, klen);
        k->klen = klen;
        aes_schedules(k);
    }
    uint8_t ivb[AES_BLOCK_SIZE];
    memcpy(ivb, iv, sizeof ivb);
    if (encrypt)
        cbc_encrypt(&k->enc, k->encrypt, AES_BLOCK_SIZE, ivb, len, out, in);
    else
        cbc_decrypt(&k->dec, k->decrypt, AES_BLOCK_SIZE, ivb, len, out, in);
    isakmp_wipe(ivb, sizeof ivb);
    return true;
}

void ike_cbc_key_free(struct isakmp_engine *e, struct ike_cbc_key *k)
{
    fw_free(e, k);          /* wiped: key and schedules */
}

size_t ike_keymat_need(const struct isakmp_p2_protocol *p)
{
    size_t enc = 0, auth = 0;
    switch (p->protocol) {
    case ISAKMP_PROTO_IPCOMP:
        return 0;
    case ISAKMP_PROTO_ESP:
        switch (p->transform) {
        case ISAKMP_ESP_NULL: enc = 0; break;
        case ISAKMP_ESP_DES: enc = 8; break;
        case ISAKMP_ESP_3DES: enc = 24; break;
        case ISAKMP_ESP_AES: enc = p->key_bits ? p->key_bits / 8u : 16; break;
        case ISAKMP_ESP_AES_CTR: enc = (p->key_bits ? p->key_bits / 8u : 16) + 4; break;
        default: return ISAKMP_MAX_KEYMAT;
        }
        break;
    case ISAKMP_PROTO_AH:
        break;
    default:
        return ISAKMP_MAX_KEYMAT;
    }
    switch (p->auth) {
    case 0: auth = 0; break;
    case ISAKMP_AALG_HMAC_MD5: auth = 16; break;
    case ISAKMP_AALG_HMAC_SHA: auth = 20; break;
    case ISAKMP_AALG_HMAC_SHA2_256: auth = 32; break;
    case ISAKMP_AALG_HMAC_SHA2_384: auth = 48; break;
    case ISAKMP_AALG_HMAC_SHA2_512: auth = 64; break;
    default: return ISAKMP_MAX_KEYMAT;
    }
    if (p->protocol == ISAKMP_PROTO_AH && !auth) {
        switch (p->transform) {          /* the AH transform names the algorithm */
        case ISAKMP_AH_MD5: auth = 16; break;
        case ISAKMP_AH_SHA: auth = 20; break;
        case ISAKMP_AH_SHA2_256: auth = 32; break;
        case ISAKMP_AH_SHA2_384: auth = 48; break;
        case ISAKMP_AH_SHA2_512: auth = 64; break;
        default: return ISAKMP_MAX_KEYMAT;
        }
    }
    return enc + auth <= ISAKMP_MAX_KEYMAT && enc + auth ? enc + auth : ISAKMP_MAX_KEYMAT;
}

bool ike_ks_phase1(const struct ike_phase1_input *in, struct ike_phase1_keys *out)
{
    struct isakmp_ks_phase1_input ki;
    struct isakmp_ks_phase1 ko;
    memset(&ki, 0, sizeof ki);
    ki.auth = in->auth;
    ki.hash = in->hash;
    ki.cipher = in->cipher;
    ki.key_attr_bits = in->key_bits;
    ki.psk = B(in->psk.p, in->psk.len);
    ki.ni_b = B(in->ni.p, in->ni.len);
    ki.nr_b = B(in->nr.p, in->nr.len);
    ki.gxi = B(in->gxi.p, in->gxi.len);
    ki.gxr = B(in->gxr.p, in->gxr.len);
    ki.gxy = B(in->gxy.p, in->gxy.len);
    memcpy(ki.cky_i, in->cky_i, 8);
    memcpy(ki.cky_r, in->cky_r, 8);
    if (isakmp_ks_phase1_compute(&ki, &ko) != ISAKMP_KS_OK || ko.prf_len > IKE_MAX_HASH ||
        ko.key_len > sizeof out->key || ko.block_size > sizeof out->iv) {
        isakmp_wipe(&ko, sizeof ko);
        return false;
    }
    out->prf_len = ko.prf_len;
    memcpy(out->skeyid, ko.skeyid, ko.prf_len);
    memcpy(out->skeyid_d, ko.skeyid_d, ko.prf_len);
    memcpy(out->skeyid_a, ko.skeyid_a, ko.prf_len);
    memcpy(out->skeyid_e, ko.skeyid_e, ko.prf_len);
    out->key_len = ko.key_len;
    memcpy(out->key, ko.key, ko.key_len);
    out->block = ko.block_size;
    memcpy(out->iv, ko.iv, ko.block_size);
    isakmp_wipe(&ko, sizeof ko);
    return true;
}

bool ike_ks_skeyid_psk(uint16_t hash, struct ike_iov psk, struct ike_iov ni, struct ike_iov nr,
                       uint8_t *out, size_t *out_len)
{
    size_t n = isakmp_hash_len(hash);
    if (!n || n > IKE_MAX_HASH ||
        isakmp_ks_skeyid_psk(hash, B(psk.p, psk.len), B(ni.p, ni.len), B(nr.p, nr.len), out) != ISAKMP_KS_OK)
        return false;
    *out_len = n;
    return true;
}

bool ike_ks_hash_auth(uint16_t hash, const uint8_t *skeyid, bool initiator,
                      struct ike_iov gxi, struct ike_iov gxr, const uint8_t *cky_i,
                      const uint8_t *cky_r, struct ike_iov sai_b, struct ike_iov id_b,
                      uint8_t *out)
{
    int r = initiator
        ? isakmp_ks_hash_i(hash, skeyid, B(gxi.p, gxi.len), B(gxr.p, gxr.len), cky_i, cky_r,
                           B(sai_b.p, sai_b.len), B(id_b.p, id_b.len), out)
        : isakmp_ks_hash_r(hash, skeyid, B(gxi.p, gxi.len), B(gxr.p, gxr.len), cky_i, cky_r,
                           B(sai_b.p, sai_b.len), B(id_b.p, id_b.len), out);
    return r == ISAKMP_KS_OK;
}

bool ike_ks_phase2_iv(uint16_t hash, const uint8_t *last_block, size_t block,
                      uint32_t msgid, uint8_t *out)
{
    uint8_t mid[4] = { (uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16), (uint8_t)(msgid >> 8),
                       (uint8_t)msgid };
    return isakmp_ks_phase2_iv(hash, last_block, block, mid, out) == ISAKMP_KS_OK;
}

bool ike_ks_keymat(uint16_t hash, const uint8_t *skeyid_d, struct ike_iov gxy,
                   uint8_t protocol, const uint8_t *spi, size_t spi_len,
                   struct ike_iov ni, struct ike_iov nr, uint8_t *out, size_t out_len)
{
    return isakmp_ks_keymat(hash, skeyid_d, B(gxy.p, gxy.len), protocol, B(spi, spi_len),
                            B(ni.p, ni.len), B(nr.p, nr.len), out, out_len) == ISAKMP_KS_OK;
}

bool ike_ks_rpke_key(uint16_t hash, uint16_t cipher, uint16_t key_bits, const uint8_t *nonce,
                     size_t nonce_len, const uint8_t *cky, uint8_t *out, size_t *key_len)
{
    uint8_t k[ISAKMP_CIPHER_KEY_MAX];
    size_t n = 0;
    if (isakmp_ks_rpke_key(hash, cipher, key_bits, B(nonce, nonce_len), cky, k, &n) != ISAKMP_KS_OK ||
        n > 64) {
        isakmp_wipe(k, sizeof k);
        return false;
    }
    memcpy(out, k, n);
    *key_len = n;
    isakmp_wipe(k, sizeof k);
    return true;
}

/* ---- Diffie-Hellman -------------------------------------------------------- */

struct ike_dh {
    struct isakmp_dh_key *key;
    size_t charged;            /* bytes added to the engine's count for it */
    void *owned;               /* freed after the key (a private group's parameters) */
    void (*owned_free)(void *);
};

/* The exponent policy of a key as events report it (enum isakmp_crypto_exp). */
static uint8_t ike_dh_exp_policy(const struct isakmp_dh_key *key)
{
    if (!key)
        return ISAKMP_CRYPTO_EXP_NONE;
    return isakmp_dh_key_policy(key).kind == ISAKMP_DH_EXP_SHORT ? ISAKMP_CRYPTO_EXP_SHORT
                                                                  : ISAKMP_CRYPTO_EXP_FULL;
}

bool ike_group_supported(uint16_t group)
{
    return isakmp_dh_group(group) != NULL;
}

size_t ike_dh_public_len(uint16_t group)
{
    const struct isakmp_dh_group_info *g = isakmp_dh_group(group);
    return g ? g->public_len : 0;
}

static void report(struct isakmp_engine *e, enum isakmp_crypto_op op,
                   const struct isakmp_crypto_cost *r, const struct isakmp_dh_key *key)
{
    fw_event_crypto_dh(e, op, r->group, r->bits, ike_dh_exp_policy(key), r->virtual_ns, r->cpu_ns);
}

/* The crypto layer measures thread CPU time for a report it is given
 * (a system call on many hosts, ~1.5 us in a VM, twice per operation):
 * only when the driver asked for measurements (callbacks.cpu_clock).
 * Otherwise the report is made here from the key, without a clock. */
static struct isakmp_crypto_cost *measured(const struct isakmp_engine *e,
                                           struct isakmp_crypto_cost *r)
{
    return e->cb.cpu_clock ? r : NULL;
}

static void unmeasured(const struct isakmp_engine *e, struct isakmp_crypto_cost *r,
                       enum isakmp_cost_kind kind, const struct isakmp_dh_key *key, bool ok)
{
    if (e->cb.cpu_clock)
        return;                 /* the crypto layer filled it */
    r->kind = kind;
    r->group = key ? isakmp_dh_key_group(key) : 0;
    r->bits = ok ? isakmp_dh_key_policy(key).bits : 0;
    r->cpu_ns = 0;
    r->virtual_ns = ok ? isakmp_cost_lookup(e->cfg.cost, kind, r->group, r->bits) : 0;
}

struct ike_dh *ike_dh_new(struct isakmp_engine *e, uint16_t group)
{
    const struct isakmp_dh_group_info *g = isakmp_dh_group(group);
    if (!g)
        return NULL;
    struct ike_dh *dh = fw_alloc(e, sizeof *dh);
    if (!dh)
        return NULL;
    struct isakmp_crypto_cost r;
    memset(&r, 0, sizeof r);
    struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_FULL, 0 };
    if (e->cfg.dh.short_exponent) {
        pol.kind = ISAKMP_DH_EXP_SHORT;
        pol.bits = e->cfg.dh.exponent_bits;
    }
    if (isakmp_dh_generate(group, &pol, e->cb.random, e->user, e->cfg.cost, &dh->key,
                           measured(e, &r)) != ISAKMP_DH_OK) {
        fw_free(e, dh);
        return NULL;
    }
    unmeasured(e, &r, ISAKMP_COST_DH_GENERATE, dh->key, true);
    report(e, ISAKMP_CRYPTO_DH_KEYGEN, &r, dh->key);
    /* The key lives in GMP/Nettle memory: count an estimate of it (the
     * public value, the private value and bookkeeping). */
    dh->charged = 3 * g->public_len + 128;
    e->mem += dh->charged;
    return dh;
}

const uint8_t *ike_dh_public(const struct ike_dh *dh, size_t *len)
{
    return isakmp_dh_public(dh->key, len);
}

bool ike_dh_shared(struct isakmp_engine *e, struct ike_dh *dh, const uint8_t *peer,
                   size_t len, uint8_t *out, size_t *out_len)
{
    struct isakmp_crypto_cost r;
    memset(&r, 0, sizeof r);
    enum isakmp_dh_error err = isakmp_dh_compute(dh->key, peer, len, out, IKE_MAX_DH, out_len,
                                                 e->cfg.cost, measured(e, &r));
    unmeasured(e, &r, ISAKMP_COST_DH_COMPUTE, dh->key, err == ISAKMP_DH_OK);
    report(e, ISAKMP_CRYPTO_DH_SHARED, &r, dh->key);
    return err == ISAKMP_DH_OK;
}

struct ike_dh *ike_dh_adopt(struct isakmp_engine *e, struct isakmp_dh_key *key,
                            const struct isakmp_crypto_cost *cost, void *owned,
                            void (*owned_free)(void *))
{
    struct ike_dh *dh = fw_alloc(e, sizeof *dh);
    if (!dh) {
        isakmp_dh_key_free(key);
        owned_free(owned);
        return NULL;
    }
    dh->key = key;
    dh->owned = owned;
    dh->owned_free = owned_free;
    report(e, ISAKMP_CRYPTO_DH_KEYGEN, cost, key);
    size_t len;
    isakmp_dh_public(key, &len);
    dh->charged = 5 * len + 128;      /* + the group's parameters (hex) */
    e->mem += dh->charged;
    return dh;
}

void ike_dh_free(struct isakmp_engine *e, struct ike_dh *dh)
{
    if (!dh)
        return;
    isakmp_dh_key_free(dh->key);
    if (dh->owned_free)
        dh->owned_free(dh->owned);
    e->mem -= dh->charged;
    fw_free(e, dh);
}
