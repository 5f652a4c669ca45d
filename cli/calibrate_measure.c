/* The measuring half of `isakmp calibrate` (see calibrate_measure.h and
 * the method in cmd_calibrate.c). */
#include "calibrate_measure.h"

#include "isakmp/cipher.h"
#include "isakmp/dh.h"
#include "isakmp/prf.h"
#include "isakmp/secmem.h"

#include <nettle/hmac.h>
#include <nettle/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES 2000
#define BATCH_TARGET_NS 20000u      /* one sample lasts at least this long */

/* One operation; returns false when it failed (then calibration stops). */

/* ---- timing --------------------------------------------------------- */

typedef bool (*op_fn)(void *ctx);


static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool measure(op_fn op, void *ctx, double budget_s, struct measurement *m)
{
    static uint64_t samples[MAX_SAMPLES];
    uint64_t budget_ns = (uint64_t)(budget_s * 1e9);
    /* Warm-up run (caches, lazily built tables) also sizes the batch. */
    uint64_t t0 = isakmp_cpu_thread_ns();
    if (!op(ctx)) return false;
    uint64_t one = isakmp_cpu_thread_ns() - t0;
    unsigned batch = one >= BATCH_TARGET_NS ? 1 : (unsigned)(BATCH_TARGET_NS / (one ? one : 1)) + 1;
    if (batch > 100000) batch = 100000;
    unsigned n = 0;
    uint64_t start = isakmp_cpu_thread_ns(), spent = 0;
    while (n < MAX_SAMPLES && (n < MIN_SAMPLES || spent < budget_ns)) {
        uint64_t a = isakmp_cpu_thread_ns();
        for (unsigned k = 0; k < batch; k++)
            if (!op(ctx)) return false;
        uint64_t b = isakmp_cpu_thread_ns();
        samples[n++] = (b - a + batch / 2) / batch;
        spent = b - start;
    }
    qsort(samples, n, sizeof samples[0], cmp_u64);
    m->samples = n;
    m->batch = batch;
    m->min_ns = samples[0];
    m->max_ns = samples[n - 1];
    m->median_ns = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2] + 1) / 2;
    if (m->median_ns == 0) m->median_ns = 1;  /* the table wants positive figures */
    return true;
}

/* ---- results -------------------------------------------------------- */



static bool record(struct calib *c, enum isakmp_cost_kind kind, uint16_t group, uint32_t bits,
                   const char *policy, const char *alg, bool in_table, op_fn op, void *ctx)
{
    if (c->n == MAX_RESULTS) {
        fprintf(stderr, "isakmp calibrate: more than %d items\n", MAX_RESULTS);
        return false;
    }
    struct result *r = &c->r[c->n];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->group = group;
    r->bits = bits;
    r->policy = policy;
    snprintf(r->algorithm, sizeof r->algorithm, "%s", alg);
    r->in_table = in_table;
    if (!measure(op, ctx, c->budget_s, &r->m)) {
        fprintf(stderr, "isakmp calibrate: %s %s (group %u, %u bits) failed\n",
                isakmp_cost_kind_name(kind), alg, group, bits);
        return false;
    }
    c->n++;
    return true;
}

/* ---- Diffie-Hellman ------------------------------------------------- */

struct dh_ctx {
    uint16_t group;
    struct isakmp_dh_exp_policy pol;
    struct isakmp_drbg *rng;
    struct isakmp_dh_key *key;
    uint8_t peer[ISAKMP_DH_MAX_PUBLIC];
    size_t peer_len;
    uint8_t shared[ISAKMP_DH_MAX_SHARED];
};

static bool op_dh_generate(void *p)
{
    struct dh_ctx *d = p;
    struct isakmp_dh_key *k = NULL;
    if (isakmp_dh_generate(d->group, &d->pol, isakmp_drbg_random, d->rng, NULL, &k, NULL) != ISAKMP_DH_OK)
        return false;
    isakmp_dh_key_free(k);
    return true;
}

static bool op_dh_compute(void *p)
{
    struct dh_ctx *d = p;
    size_t len;
    return isakmp_dh_compute(d->key, d->peer, d->peer_len, d->shared, sizeof d->shared, &len,
                             NULL, NULL) == ISAKMP_DH_OK;
}

bool calibrate_dh(struct calib *c, uint16_t group)
{
    const struct isakmp_dh_group_info *gi = isakmp_dh_group(group);
    bool has_short = gi->type == ISAKMP_DH_TYPE_MODP && gi->short_exp_bits < gi->full_exp_bits;
    for (int s = 0; s < (has_short ? 2 : 1); s++) {
        struct dh_ctx d = { .group = group, .rng = c->rng };
        d.pol.kind = s ? ISAKMP_DH_EXP_SHORT : ISAKMP_DH_EXP_FULL;
        uint32_t bits = s ? gi->short_exp_bits : gi->full_exp_bits;
        const char *pol = s ? "short" : "full";
        struct isakmp_dh_key *peer = NULL;
        bool ok = isakmp_dh_generate(group, &d.pol, isakmp_drbg_random, c->rng, NULL, &d.key, NULL) == ISAKMP_DH_OK
               && isakmp_dh_generate(group, &d.pol, isakmp_drbg_random, c->rng, NULL, &peer, NULL) == ISAKMP_DH_OK;
        if (ok) {
            const uint8_t *pub = isakmp_dh_public(peer, &d.peer_len);
            memcpy(d.peer, pub, d.peer_len);
            ok = record(c, ISAKMP_COST_DH_GENERATE, group, bits, pol, gi->name, true, op_dh_generate, &d)
              && record(c, ISAKMP_COST_DH_COMPUTE, group, bits, pol, gi->name, true, op_dh_compute, &d);
        } else {
            fprintf(stderr, "isakmp calibrate: group %u: key generation failed\n", group);
        }
        isakmp_dh_key_free(peer);
        isakmp_dh_key_free(d.key);
        isakmp_wipe(d.shared, sizeof d.shared);
        if (!ok) return false;
    }
    return true;
}

/* ---- RSA (Nettle directly: the engine's rsa.h is not needed to time
 *      the same Nettle primitives it uses) -------------------------------- */

static void rsa_random(void *ctx, size_t len, uint8_t *dst)
{
    isakmp_drbg_generate(ctx, dst, len);
}

struct rsa_ctx {
    struct rsa_public_key pub;
    struct rsa_private_key key;
    struct isakmp_drbg *rng;
    uint8_t digest[32], plain[32], out[64];
    mpz_t sig, ct;
};

static bool op_rsa_sign(void *p)
{
    struct rsa_ctx *r = p;
    return rsa_pkcs1_sign_tr(&r->pub, &r->key, r->rng, rsa_random, sizeof r->digest, r->digest, r->sig) == 1;
}
static bool op_rsa_verify(void *p)
{
    struct rsa_ctx *r = p;
    return rsa_pkcs1_verify(&r->pub, sizeof r->digest, r->digest, r->sig) == 1;
}
static bool op_rsa_encrypt(void *p)
{
    struct rsa_ctx *r = p;
    return rsa_encrypt(&r->pub, r->rng, rsa_random, sizeof r->plain, r->plain, r->ct) == 1;
}
static bool op_rsa_decrypt(void *p)
{
    struct rsa_ctx *r = p;
    size_t len = sizeof r->out;
    return rsa_decrypt_tr(&r->pub, &r->key, r->rng, rsa_random, &len, r->out, r->ct) == 1
        && len == sizeof r->plain;
}

bool calibrate_rsa(struct calib *c, unsigned bits)
{
    struct rsa_ctx r = { .rng = c->rng };
    rsa_public_key_init(&r.pub);
    rsa_private_key_init(&r.key);
    mpz_inits(r.sig, r.ct, NULL);
    mpz_set_ui(r.pub.e, 65537);
    isakmp_drbg_generate(c->rng, r.digest, sizeof r.digest);
    isakmp_drbg_generate(c->rng, r.plain, sizeof r.plain);
    bool ok = rsa_generate_keypair(&r.pub, &r.key, c->rng, rsa_random, NULL, NULL, bits, 0) == 1
           && op_rsa_sign(&r) && op_rsa_encrypt(&r);
    if (!ok) fprintf(stderr, "isakmp calibrate: RSA-%u key generation failed\n", bits);
    ok = ok && record(c, ISAKMP_COST_RSA_SIGN, 0, bits, "-", "rsa-pkcs1", true, op_rsa_sign, &r)
            && record(c, ISAKMP_COST_RSA_VERIFY, 0, bits, "-", "rsa-pkcs1", true, op_rsa_verify, &r)
            && record(c, ISAKMP_COST_RSA_ENCRYPT, 0, bits, "-", "rsa-pkcs1", true, op_rsa_encrypt, &r)
            && record(c, ISAKMP_COST_RSA_DECRYPT, 0, bits, "-", "rsa-pkcs1", true, op_rsa_decrypt, &r);
    rsa_private_key_clear(&r.key);   /* nettle frees; mpz limbs are a test key's */
    rsa_public_key_clear(&r.pub);
    mpz_clears(r.sig, r.ct, NULL);
    return ok;
}

/* ---- PRF, cipher, cookie -------------------------------------------- */

struct prf_ctx {
    uint16_t hash;
    uint8_t gxy[256], gxi[256], gxr[256], ni[32], nr[32], cky[16];
    uint8_t skeyid[ISAKMP_HASH_MAX], d[ISAKMP_HASH_MAX], a[ISAKMP_HASH_MAX],
            e[ISAKMP_HASH_MAX], key[2 * ISAKMP_HASH_MAX], iv[ISAKMP_HASH_MAX];
};

/* One phase-1 key schedule as RFC 2409 §5 / App. B (signature auth), a
 * 32-byte cipher key (expanded when the hash is shorter). */
static bool op_prf(void *p)
{
    struct prf_ctx *x = p;
    size_t n = isakmp_hash_len(x->hash);
    uint8_t b0 = 0, b1 = 1, b2 = 2;
    uint8_t nn[64];     /* SKEYID's key is Ni_b | Nr_b */
    memcpy(nn, x->ni, 32);
    memcpy(nn + 32, x->nr, 32);
    struct isakmp_bytes vs[] = { ISAKMP_BYTES(x->gxy, 256) };
    struct isakmp_bytes vd[] = { ISAKMP_BYTES(x->gxy, 256), ISAKMP_BYTES(x->cky, 16), ISAKMP_BYTES(&b0, 1) };
    struct isakmp_bytes va[] = { ISAKMP_BYTES(x->d, n), ISAKMP_BYTES(x->gxy, 256), ISAKMP_BYTES(x->cky, 16), ISAKMP_BYTES(&b1, 1) };
    struct isakmp_bytes ve[] = { ISAKMP_BYTES(x->a, n), ISAKMP_BYTES(x->gxy, 256), ISAKMP_BYTES(x->cky, 16), ISAKMP_BYTES(&b2, 1) };
    if (!isakmp_prf(x->hash, nn, 64, vs, 1, x->skeyid) ||
        !isakmp_prf(x->hash, x->skeyid, n, vd, 3, x->d) ||
        !isakmp_prf(x->hash, x->skeyid, n, va, 4, x->a) ||
        !isakmp_prf(x->hash, x->skeyid, n, ve, 4, x->e))
        return false;
    if (n < 32) {   /* K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1) */
        struct isakmp_bytes k0[] = { ISAKMP_BYTES(&b0, 1) };
        struct isakmp_bytes k1[] = { ISAKMP_BYTES(x->key, n) };
        if (!isakmp_prf(x->hash, x->e, n, k0, 1, x->key) ||
            !isakmp_prf(x->hash, x->e, n, k1, 1, x->key + n))
            return false;
    }
    struct isakmp_bytes vi[] = { ISAKMP_BYTES(x->gxi, 256), ISAKMP_BYTES(x->gxr, 256) };
    return isakmp_hash(x->hash, vi, 2, x->iv);
}

struct cipher_ctx {
    uint16_t id;
    uint8_t key[ISAKMP_CIPHER_KEY_MAX];
    size_t key_len;
    uint8_t iv[ISAKMP_CIPHER_BLOCK_MAX];
    uint8_t msg[256];
};

static bool op_cipher(void *p)
{
    struct cipher_ctx *x = p;
    return isakmp_cbc_encrypt(x->id, x->key, x->key_len, x->iv, isakmp_cipher_block_size(x->id),
                              x->msg, x->msg, sizeof x->msg) == ISAKMP_CIPHER_OK;
}

struct cookie_ctx {
    uint8_t secret[32], in[54], out[SHA256_DIGEST_SIZE];
};

/* As engine/isakmp/cookie.c: HMAC-SHA256(secret, addresses | ports | CKY-I). */
static bool op_cookie(void *p)
{
    struct cookie_ctx *x = p;
    struct hmac_sha256_ctx h;
    hmac_sha256_set_key(&h, sizeof x->secret, x->secret);
    hmac_sha256_update(&h, sizeof x->in, x->in);
    hmac_sha256_digest(&h, sizeof x->out, x->out);
    return true;
}

bool calibrate_symmetric(struct calib *c)
{
    bool ok = true;
    struct prf_ctx px;
    isakmp_drbg_generate(c->rng, (uint8_t *)&px, sizeof px);
    size_t nh;
    const struct isakmp_hash_desc *hl = isakmp_hash_list(&nh);
    const struct isakmp_hash_desc *hdef = isakmp_hash_by_name(CALIB_HASH_DEFAULT);
    for (size_t i = 0; ok && i < nh; i++) {
        px.hash = hl[i].id;
        ok = record(c, ISAKMP_COST_PRF, 0, 0, "-", hl[i].name, hdef && hl[i].id == hdef->id,
                    op_prf, &px);
    }
    isakmp_wipe(&px, sizeof px);

    size_t ncph;
    const struct isakmp_cipher_desc *cl = isakmp_cipher_list(&ncph);
    uint16_t def_attr = 0;
    const struct isakmp_cipher_desc *cdef = isakmp_cipher_by_name(CALIB_CIPHER_DEFAULT, &def_attr);
    for (size_t i = 0; ok && i < ncph; i++) {
        /* AES at every key length; the others at their default length. */
        uint16_t attrs[3] = { 0 };
        size_t na = 1;
        if (cl[i].key_attr_required) {
            attrs[0] = 128, attrs[1] = 192, attrs[2] = 256;
            na = 3;
        }
        for (size_t k = 0; ok && k < na; k++) {
            struct cipher_ctx x = { .id = cl[i].id };
            char name[24];
            if (isakmp_cipher_key_len(cl[i].id, attrs[k], &x.key_len) != ISAKMP_CIPHER_OK) continue;
            isakmp_drbg_generate(c->rng, x.key, x.key_len);
            isakmp_drbg_generate(c->rng, x.msg, sizeof x.msg);
            if (attrs[k]) snprintf(name, sizeof name, "%s%u", cl[i].name, attrs[k]);
            else snprintf(name, sizeof name, "%s", cl[i].name);
            bool is_def = cdef && cdef->id == cl[i].id && def_attr == attrs[k];
            /* A random DES key can be weak (2^-52): draw again. */
            while (isakmp_cipher_key_check(x.id, x.key, x.key_len) == ISAKMP_CIPHER_E_WEAK_KEY)
                isakmp_drbg_generate(c->rng, x.key, x.key_len);
            ok = record(c, ISAKMP_COST_CIPHER, 0, 0, "-", name, is_def, op_cipher, &x);
            isakmp_wipe(&x, sizeof x);
        }
    }
    struct cookie_ctx ck;
    isakmp_drbg_generate(c->rng, (uint8_t *)&ck, sizeof ck);
    ok = ok && record(c, ISAKMP_COST_COOKIE, 0, 0, "-", "hmac-sha256", true, op_cookie, &ck);
    isakmp_wipe(&ck, sizeof ck);
    return ok;
}

