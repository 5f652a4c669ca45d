/* RSA operations in IKEv1's shapes: signatures over the raw hash
 * (PKCS#1 v1.5 type 1 without DigestInfo) and PKCS#1 v1.5 encryption.
 * Randomness comes only from the caller's function. */
#include "rsa_key.h"

#include "isakmp/secmem.h"

#include <nettle/bignum.h>
#include <stdlib.h>
#include <string.h>

/* Nettle wants (ctx, length, dst); the engine's callbacks are (user, dst, length). */
struct random_adapter {
    isakmp_random_fn *fn;
    void *user;
};

static void random_trampoline(void *ctx, size_t length, uint8_t *dst)
{
    struct random_adapter *r = ctx;
    r->fn(r->user, dst, length);
}

const char *isakmp_rsa_strerror(int status)
{
    switch (status) {
    case ISAKMP_RSA_OK: return "success";
    case ISAKMP_RSA_E_FORMAT: return "not an RSA key or certificate in a known format";
    case ISAKMP_RSA_E_ENCRYPTED: return "the private key is encrypted (passphrases are not supported)";
    case ISAKMP_RSA_E_ALGORITHM: return "the key is not an RSA key";
    case ISAKMP_RSA_E_KEY: return "invalid RSA numbers or unsupported key size";
    case ISAKMP_RSA_E_NO_PRIVATE: return "the operation needs the private key";
    case ISAKMP_RSA_E_LENGTH: return "length does not fit the key";
    case ISAKMP_RSA_E_BAD_SIG: return "signature does not verify";
    case ISAKMP_RSA_E_DECRYPT: return "decryption failed (bad padding)";
    case ISAKMP_RSA_E_NOMEM: return "out of memory";
    case ISAKMP_RSA_E_ARG: return "missing argument";
    default: return "unknown RSA status";
    }
}

struct isakmp_rsa_key *rsa_key_alloc(void)
{
    struct isakmp_rsa_key *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    rsa_public_key_init(&k->pub);
    rsa_private_key_init(&k->priv);
    return k;
}

int rsa_key_finish(struct isakmp_rsa_key *k)
{
    if (!rsa_public_key_prepare(&k->pub)) return ISAKMP_RSA_E_KEY;
    size_t bits = mpz_sizeinbase(k->pub.n, 2);
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) return ISAKMP_RSA_E_KEY;
    if (mpz_cmp_ui(k->pub.e, 3) < 0 || mpz_even_p(k->pub.e)) return ISAKMP_RSA_E_KEY;
    if (k->has_private && !rsa_private_key_prepare(&k->priv)) return ISAKMP_RSA_E_KEY;
    if (k->has_private && k->priv.size != k->pub.size) return ISAKMP_RSA_E_KEY;
    return ISAKMP_RSA_OK;
}

void isakmp_rsa_key_free(struct isakmp_rsa_key *k)
{
    if (!k) return;
    /* Overwrite the secret limbs before they go back to the allocator. */
    struct rsa_private_key *p = &k->priv;
    mpz_ptr secrets[] = { p->d, p->p, p->q, p->a, p->b, p->c };
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        size_t n = mpz_size(secrets[i]);
        if (n) isakmp_wipe(mpz_limbs_modify(secrets[i], (mp_size_t)n), n * sizeof(mp_limb_t));
    }
    rsa_private_key_clear(&k->priv);
    rsa_public_key_clear(&k->pub);
    isakmp_wipe(k, sizeof *k);
    free(k);
}

bool isakmp_rsa_key_has_private(const struct isakmp_rsa_key *k)
{
    return k && k->has_private;
}

size_t isakmp_rsa_key_size(const struct isakmp_rsa_key *k)
{
    return k ? k->pub.size : 0;
}

int isakmp_rsa_key_generate(isakmp_random_fn *random, void *user, unsigned bits,
                            struct isakmp_rsa_key **out)
{
    if (!random || !out) return ISAKMP_RSA_E_ARG;
    *out = NULL;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) return ISAKMP_RSA_E_KEY;
    struct isakmp_rsa_key *k = rsa_key_alloc();
    if (!k) return ISAKMP_RSA_E_NOMEM;
    struct random_adapter r = { random, user };
    mpz_set_ui(k->pub.e, 65537);
    if (!rsa_generate_keypair(&k->pub, &k->priv, &r, random_trampoline, NULL, NULL, bits, 0)) {
        isakmp_rsa_key_free(k);
        return ISAKMP_RSA_E_KEY;
    }
    k->has_private = true;
    *out = k;
    return ISAKMP_RSA_OK;
}

/* ---- public key export ----------------------------------------------- */

static size_t der_len_size(size_t len)
{
    size_t n = 1;
    if (len >= 0x80) for (size_t l = len; l; l >>= 8) n++;
    return n;
}

static uint8_t *der_put_header(uint8_t *p, uint8_t tag, size_t len)
{
    *p++ = tag;
    if (len < 0x80) {
        *p++ = (uint8_t)len;
        return p;
    }
    size_t n = der_len_size(len) - 1;
    *p++ = (uint8_t)(0x80 | n);
    for (size_t i = n; i-- > 0; ) *p++ = (uint8_t)(len >> (8 * i));
    return p;
}

/* Content length of a DER INTEGER for a positive x (a leading 00 when
 * the top bit is set). */
static size_t der_uint_content(const mpz_t x)
{
    size_t n = nettle_mpz_sizeinbase_256_u(x);
    return n + (mpz_tstbit(x, 8 * n - 1) ? 1 : 0);
}

int isakmp_rsa_public_der(const struct isakmp_rsa_key *k, uint8_t *out, size_t cap, size_t *len)
{
    if (!k || !len || (cap && !out)) return ISAKMP_RSA_E_ARG;
    size_t cn = der_uint_content(k->pub.n), ce = der_uint_content(k->pub.e);
    size_t body = 1 + der_len_size(cn) + cn + 1 + der_len_size(ce) + ce;
    size_t total = 1 + der_len_size(body) + body;
    *len = total;
    if (cap < total) return cap == 0 ? ISAKMP_RSA_OK : ISAKMP_RSA_E_LENGTH;
    uint8_t *p = der_put_header(out, 0x30, body);
    p = der_put_header(p, 0x02, cn);
    nettle_mpz_get_str_256(cn, p, k->pub.n);   /* pads the leading zero */
    p += cn;
    p = der_put_header(p, 0x02, ce);
    nettle_mpz_get_str_256(ce, p, k->pub.e);
    return ISAKMP_RSA_OK;
}

static int put_number(const mpz_t x, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = nettle_mpz_sizeinbase_256_u(x);
    if (!len) return ISAKMP_RSA_E_ARG;
    *len = n;
    if (cap == 0) return ISAKMP_RSA_OK;
    if (!out) return ISAKMP_RSA_E_ARG;
    if (cap < n) return ISAKMP_RSA_E_LENGTH;
    nettle_mpz_get_str_256(n, out, x);
    return ISAKMP_RSA_OK;
}

int isakmp_rsa_public_numbers(const struct isakmp_rsa_key *k,
                              uint8_t *n, size_t n_cap, size_t *n_len,
                              uint8_t *e, size_t e_cap, size_t *e_len)
{
    if (!k) return ISAKMP_RSA_E_ARG;
    int st = put_number(k->pub.n, n, n_cap, n_len);
    return st ? st : put_number(k->pub.e, e, e_cap, e_len);
}

/* ---- signatures -------------------------------------------------------- */

int isakmp_rsa_sign(const struct isakmp_rsa_key *k, isakmp_random_fn *random, void *user,
                    const uint8_t *hash, size_t hash_len, uint8_t *sig, size_t sig_cap)
{
    if (!k || !random || !hash || !sig) return ISAKMP_RSA_E_ARG;
    if (!k->has_private) return ISAKMP_RSA_E_NO_PRIVATE;
    size_t size = k->pub.size;
    if (hash_len == 0 || hash_len + 11 > size || sig_cap < size) return ISAKMP_RSA_E_LENGTH;
    struct random_adapter r = { random, user };
    mpz_t s;
    mpz_init(s);
    /* Nettle pads its "digest_info" argument with type-1 padding and
     * applies the (blinded, fault-checked) private operation; giving it
     * the raw hash yields exactly IKEv1's 00 01 FF.. 00 HASH block. */
    int ok = rsa_pkcs1_sign_tr(&k->pub, &k->priv, &r, random_trampoline, hash_len, hash, s);
    if (ok) nettle_mpz_get_str_256(size, sig, s);
    mpz_clear(s);
    return ok ? ISAKMP_RSA_OK : ISAKMP_RSA_E_KEY;
}

int isakmp_rsa_verify(const struct isakmp_rsa_key *k, const uint8_t *hash, size_t hash_len,
                      const uint8_t *sig, size_t sig_len)
{
    if (!k || !hash || !sig) return ISAKMP_RSA_E_ARG;
    size_t size = k->pub.size;
    if (sig_len != size) return ISAKMP_RSA_E_LENGTH;
    if (hash_len == 0 || hash_len + 11 > size) return ISAKMP_RSA_E_BAD_SIG;

    uint8_t *expect = malloc(size), *got = malloc(size);
    if (!expect || !got) {
        free(expect);
        free(got);
        return ISAKMP_RSA_E_NOMEM;
    }
    /* EM = 00 01 FF..FF 00 HASH */
    size_t ff = size - 3 - hash_len;
    expect[0] = 0x00;
    expect[1] = 0x01;
    memset(expect + 2, 0xff, ff);
    expect[2 + ff] = 0x00;
    memcpy(expect + 3 + ff, hash, hash_len);

    mpz_t s, m;
    mpz_init(s);
    mpz_init(m);
    nettle_mpz_set_str_256_u(s, sig_len, sig);
    int st = ISAKMP_RSA_E_BAD_SIG;
    if (mpz_cmp(s, k->pub.n) < 0) {
        mpz_powm(m, s, k->pub.e, k->pub.n);
        nettle_mpz_get_str_256(size, got, m);
        if (isakmp_memeq_ct(got, expect, size)) st = ISAKMP_RSA_OK;
    }
    mpz_clear(s);
    mpz_clear(m);
    free(expect);
    free(got);
    return st;
}

/* ---- encryption -------------------------------------------------------- */

int isakmp_rsa_encrypt(const struct isakmp_rsa_key *k, isakmp_random_fn *random, void *user,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap)
{
    if (!k || !random || (!in && in_len) || !out) return ISAKMP_RSA_E_ARG;
    size_t size = k->pub.size;
    if (in_len + 11 > size || out_cap < size) return ISAKMP_RSA_E_LENGTH;
    struct random_adapter r = { random, user };
    mpz_t c;
    mpz_init(c);
    int ok = rsa_encrypt(&k->pub, &r, random_trampoline, in_len, in, c);
    if (ok) nettle_mpz_get_str_256(size, out, c);
    mpz_clear(c);
    return ok ? ISAKMP_RSA_OK : ISAKMP_RSA_E_LENGTH;
}

int isakmp_rsa_decrypt(const struct isakmp_rsa_key *k, isakmp_random_fn *random, void *user,
                       const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                       size_t *out_len)
{
    if (!k || !random || !in || !out || !out_len) return ISAKMP_RSA_E_ARG;
    if (!k->has_private) return ISAKMP_RSA_E_NO_PRIVATE;
    size_t size = k->pub.size;
    if (in_len != size) return ISAKMP_RSA_E_LENGTH;
    uint8_t *plain = malloc(size);
    if (!plain) return ISAKMP_RSA_E_NOMEM;
    struct random_adapter r = { random, user };
    mpz_t c;
    mpz_init(c);
    nettle_mpz_set_str_256_u(c, in_len, in);
    size_t n = size;
    int st = ISAKMP_RSA_E_DECRYPT;
    if (mpz_cmp(c, k->pub.n) < 0 &&
        rsa_decrypt_tr(&k->pub, &k->priv, &r, random_trampoline, &n, plain, c)) {
        if (n > out_cap) {
            st = ISAKMP_RSA_E_LENGTH;
        } else {
            memcpy(out, plain, n);
            *out_len = n;
            st = ISAKMP_RSA_OK;
        }
    }
    mpz_clear(c);
    isakmp_free_secret(plain, size);
    return st;
}
