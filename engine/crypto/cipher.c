/* CBC block ciphers of IKEv1 phase 1, driven by one table: RFC 2409
 * number, block size, key length rules, and how to key Nettle. */
#include "isakmp/cipher.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <nettle/aes.h>
#include <nettle/blowfish.h>
#include <nettle/cast128.h>
#include <nettle/cbc.h>
#include <nettle/des.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct isakmp_cipher_desc ciphers[] = {
    /* id, name, block, variable, attr required, default, min, max, step, weak */
    { ISAKMP_ENC_DES_CBC, "des", 8, false, false, 64, 64, 64, 0, true },
    { ISAKMP_ENC_BLOWFISH_CBC, "blowfish", 8, true, false, 128, 40, 448, 8, false },
    { ISAKMP_ENC_3DES_CBC, "3des", 8, false, false, 192, 192, 192, 0, false },
    { ISAKMP_ENC_CAST_CBC, "cast128", 8, true, false, 128, 40, 128, 8, false },
    { ISAKMP_ENC_AES_CBC, "aes", 16, true, true, 128, 128, 256, 64, false },
};
#define N_CIPHERS (sizeof ciphers / sizeof ciphers[0])

const char *isakmp_cipher_strerror(int status)
{
    switch (status) {
    case ISAKMP_CIPHER_OK: return "success";
    case ISAKMP_CIPHER_E_UNKNOWN: return "encryption algorithm not supported";
    case ISAKMP_CIPHER_E_KEY_ATTR: return "Key-Length attribute not allowed for this cipher";
    case ISAKMP_CIPHER_E_KEY_LEN: return "key length does not match the cipher";
    case ISAKMP_CIPHER_E_IV_LEN: return "IV length is not the cipher's block size";
    case ISAKMP_CIPHER_E_DATA_LEN: return "data length is not a multiple of the block size";
    case ISAKMP_CIPHER_E_WEAK_KEY: return "weak or semi-weak DES key";
    case ISAKMP_CIPHER_E_ARG: return "missing argument";
    default: return "unknown cipher status";
    }
}

const struct isakmp_cipher_desc *isakmp_cipher_find(uint16_t id)
{
    for (size_t i = 0; i < N_CIPHERS; i++)
        if (ciphers[i].id == id) return &ciphers[i];
    return NULL;
}

const struct isakmp_cipher_desc *isakmp_cipher_list(size_t *n)
{
    if (n) *n = N_CIPHERS;
    return ciphers;
}

size_t isakmp_cipher_block_size(uint16_t id)
{
    const struct isakmp_cipher_desc *d = isakmp_cipher_find(id);
    return d ? d->block_size : 0;
}

/* "blowfish-256" -> 256; a bare name -> 0; -1 on junk after the name. */
static long name_bits(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncasecmp(name, base, n) != 0) return -1;
    const char *rest = name + n;
    if (*rest == '\0') return 0;
    if (*rest != '-' || rest[1] < '0' || rest[1] > '9') return -1;
    char *end;
    long v = strtol(rest + 1, &end, 10);
    if (*end != '\0' || v <= 0 || v > 65535) return -1;
    return v;
}

const struct isakmp_cipher_desc *isakmp_cipher_by_name(const char *name,
                                                       uint16_t *key_attr_bits)
{
    static const struct { const char *name; uint16_t id, bits; } fixed[] = {
        { "des", ISAKMP_ENC_DES_CBC, 0 },    { "3des", ISAKMP_ENC_3DES_CBC, 0 },
        { "aes", ISAKMP_ENC_AES_CBC, 0 },    { "aes128", ISAKMP_ENC_AES_CBC, 128 },
        { "aes192", ISAKMP_ENC_AES_CBC, 192 }, { "aes256", ISAKMP_ENC_AES_CBC, 256 },
    };
    uint16_t dummy;
    if (!key_attr_bits) key_attr_bits = &dummy;
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        if (strcasecmp(name, fixed[i].name) == 0) {
            *key_attr_bits = fixed[i].bits;
            return isakmp_cipher_find(fixed[i].id);
        }
    }
    long bits = name_bits(name, "blowfish");
    uint16_t id = ISAKMP_ENC_BLOWFISH_CBC;
    if (bits < 0) {
        bits = name_bits(name, "cast128");
        id = ISAKMP_ENC_CAST_CBC;
    }
    if (bits < 0) return NULL;
    *key_attr_bits = (uint16_t)bits;
    return isakmp_cipher_find(id);
}

static bool bits_allowed(const struct isakmp_cipher_desc *d, unsigned bits)
{
    if (bits < d->key_bits_min || bits > d->key_bits_max) return false;
    return d->key_bits_step == 0 || (bits - d->key_bits_min) % d->key_bits_step == 0;
}

int isakmp_cipher_key_len(uint16_t id, uint16_t key_attr_bits, size_t *key_len)
{
    const struct isakmp_cipher_desc *d = isakmp_cipher_find(id);
    if (!d) return ISAKMP_CIPHER_E_UNKNOWN;
    if (!key_len) return ISAKMP_CIPHER_E_ARG;
    unsigned bits = d->key_bits_default;
    if (!d->variable_key) {
        /* RFC 2409 App. A: the attribute MUST NOT be used with a fixed-length key. */
        if (key_attr_bits) return ISAKMP_CIPHER_E_KEY_ATTR;
    } else if (key_attr_bits) {
        if (!bits_allowed(d, key_attr_bits)) return ISAKMP_CIPHER_E_KEY_ATTR;
        bits = key_attr_bits;
    } else if (d->key_attr_required) {
        return ISAKMP_CIPHER_E_KEY_ATTR;
    }
    *key_len = bits / 8;
    return ISAKMP_CIPHER_OK;
}

/* The 4 weak and 12 semi-weak DES keys, parity bits cleared. */
static const uint8_t des_weak[16][8] = {
    { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
    { 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe },
    { 0x1e, 0x1e, 0x1e, 0x1e, 0x0e, 0x0e, 0x0e, 0x0e },
    { 0xe0, 0xe0, 0xe0, 0xe0, 0xf0, 0xf0, 0xf0, 0xf0 },
    { 0x00, 0xfe, 0x00, 0xfe, 0x00, 0xfe, 0x00, 0xfe },
    { 0xfe, 0x00, 0xfe, 0x00, 0xfe, 0x00, 0xfe, 0x00 },
    { 0x1e, 0xe0, 0x1e, 0xe0, 0x0e, 0xf0, 0x0e, 0xf0 },
    { 0xe0, 0x1e, 0xe0, 0x1e, 0xf0, 0x0e, 0xf0, 0x0e },
    { 0x00, 0xe0, 0x00, 0xe0, 0x00, 0xf0, 0x00, 0xf0 },
    { 0xe0, 0x00, 0xe0, 0x00, 0xf0, 0x00, 0xf0, 0x00 },
    { 0x1e, 0xfe, 0x1e, 0xfe, 0x0e, 0xfe, 0x0e, 0xfe },
    { 0xfe, 0x1e, 0xfe, 0x1e, 0xfe, 0x0e, 0xfe, 0x0e },
    { 0x00, 0x1e, 0x00, 0x1e, 0x00, 0x0e, 0x00, 0x0e },
    { 0x1e, 0x00, 0x1e, 0x00, 0x0e, 0x00, 0x0e, 0x00 },
    { 0xe0, 0xfe, 0xe0, 0xfe, 0xf0, 0xfe, 0xf0, 0xfe },
    { 0xfe, 0xe0, 0xfe, 0xe0, 0xfe, 0xf0, 0xfe, 0xf0 },
};

bool isakmp_des_key_is_weak(const uint8_t key[8])
{
    uint8_t k[8];
    for (int i = 0; i < 8; i++) k[i] = key[i] & 0xfe;
    bool weak = false;
    for (size_t w = 0; w < 16; w++)
        weak |= memcmp(k, des_weak[w], 8) == 0;
    isakmp_wipe(k, sizeof k);
    return weak;
}

/* Two DES keys equal up to parity. */
static bool des_same(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (int i = 0; i < 8; i++) diff |= (uint8_t)((a[i] ^ b[i]) & 0xfe);
    return diff == 0;
}

int isakmp_cipher_key_check(uint16_t id, const uint8_t *key, size_t key_len)
{
    const struct isakmp_cipher_desc *d = isakmp_cipher_find(id);
    if (!d) return ISAKMP_CIPHER_E_UNKNOWN;
    if (!key) return ISAKMP_CIPHER_E_ARG;
    if (key_len > SIZE_MAX / 8 || !bits_allowed(d, (unsigned)(key_len * 8)))
        return ISAKMP_CIPHER_E_KEY_LEN;
    if (id == ISAKMP_ENC_DES_CBC && isakmp_des_key_is_weak(key))
        return ISAKMP_CIPHER_E_WEAK_KEY;
    if (id == ISAKMP_ENC_3DES_CBC && (des_same(key, key + 8) || des_same(key + 8, key + 16)))
        return ISAKMP_CIPHER_E_WEAK_KEY;
    return ISAKMP_CIPHER_OK;
}

/* One keyed context of any supported cipher. */
union cipher_ctx {
    struct des_ctx des;
    struct des3_ctx des3;
    struct aes128_ctx aes128;
    struct aes192_ctx aes192;
    struct aes256_ctx aes256;
    struct blowfish_ctx blowfish;
    struct cast128_ctx cast;
};

struct keyed {
    union cipher_ctx ctx;
    nettle_cipher_func *encrypt, *decrypt;
};

/* Key a context; the key has passed isakmp_cipher_key_check. */
static void set_key(struct keyed *k, uint16_t id, bool encrypt, const uint8_t *key, size_t len)
{
    switch (id) {
    case ISAKMP_ENC_DES_CBC:
        /* Return value (weak key) already checked, parity is ignored. */
        (void)des_set_key(&k->ctx.des, key);
        k->encrypt = (nettle_cipher_func *)des_encrypt;
        k->decrypt = (nettle_cipher_func *)des_decrypt;
        break;
    case ISAKMP_ENC_3DES_CBC:
        /* des3_set_key reports weak thirds, which 3DES tolerates. */
        (void)des3_set_key(&k->ctx.des3, key);
        k->encrypt = (nettle_cipher_func *)des3_encrypt;
        k->decrypt = (nettle_cipher_func *)des3_decrypt;
        break;
    case ISAKMP_ENC_BLOWFISH_CBC:
        /* Nettle flags keys with colliding S-box entries; they still work
         * and IKE has no rule for them. */
        (void)blowfish_set_key(&k->ctx.blowfish, len, key);
        k->encrypt = (nettle_cipher_func *)blowfish_encrypt;
        k->decrypt = (nettle_cipher_func *)blowfish_decrypt;
        break;
    case ISAKMP_ENC_CAST_CBC:
        cast5_set_key(&k->ctx.cast, len, key);
        k->encrypt = (nettle_cipher_func *)cast128_encrypt;
        k->decrypt = (nettle_cipher_func *)cast128_decrypt;
        break;
    default: /* AES */
        /* AES keeps separate encryption and decryption schedules. */
        if (len == 16) {
            if (encrypt) aes128_set_encrypt_key(&k->ctx.aes128, key);
            else aes128_set_decrypt_key(&k->ctx.aes128, key);
            k->encrypt = (nettle_cipher_func *)aes128_encrypt;
            k->decrypt = (nettle_cipher_func *)aes128_decrypt;
        } else if (len == 24) {
            if (encrypt) aes192_set_encrypt_key(&k->ctx.aes192, key);
            else aes192_set_decrypt_key(&k->ctx.aes192, key);
            k->encrypt = (nettle_cipher_func *)aes192_encrypt;
            k->decrypt = (nettle_cipher_func *)aes192_decrypt;
        } else {
            if (encrypt) aes256_set_encrypt_key(&k->ctx.aes256, key);
            else aes256_set_decrypt_key(&k->ctx.aes256, key);
            k->encrypt = (nettle_cipher_func *)aes256_encrypt;
            k->decrypt = (nettle_cipher_func *)aes256_decrypt;
        }
        break;
    }
}

static int cbc(uint16_t id, bool encrypt, const uint8_t *key, size_t key_len,
               uint8_t *iv, size_t iv_len, const uint8_t *in, uint8_t *out, size_t len)
{
    const struct isakmp_cipher_desc *d = isakmp_cipher_find(id);
    if (!d) return ISAKMP_CIPHER_E_UNKNOWN;
    int st = isakmp_cipher_key_check(id, key, key_len);
    if (st) return st;
    if (!iv) return ISAKMP_CIPHER_E_ARG;
    if (iv_len != d->block_size) return ISAKMP_CIPHER_E_IV_LEN;
    if (len % d->block_size) return ISAKMP_CIPHER_E_DATA_LEN;
    if (len == 0) return ISAKMP_CIPHER_OK;
    if (!in || !out) return ISAKMP_CIPHER_E_ARG;

    struct keyed k;
    set_key(&k, id, encrypt, key, key_len);
    if (encrypt) {
        /* nettle_cbc_encrypt leaves the last ciphertext block in iv. */
        cbc_encrypt(&k.ctx, k.encrypt, d->block_size, iv, len, out, in);
    } else {
        /* nettle_cbc_decrypt handles in == out and updates iv likewise. */
        cbc_decrypt(&k.ctx, k.decrypt, d->block_size, iv, len, out, in);
    }
    isakmp_wipe(&k, sizeof k);
    return ISAKMP_CIPHER_OK;
}

int isakmp_cbc_encrypt(uint16_t id, const uint8_t *key, size_t key_len,
                       uint8_t *iv, size_t iv_len,
                       const uint8_t *in, uint8_t *out, size_t len)
{
    return cbc(id, true, key, key_len, iv, iv_len, in, out, len);
}

int isakmp_cbc_decrypt(uint16_t id, const uint8_t *key, size_t key_len,
                       uint8_t *iv, size_t iv_len,
                       const uint8_t *in, uint8_t *out, size_t len)
{
    return cbc(id, false, key, key_len, iv, iv_len, in, out, len);
}
