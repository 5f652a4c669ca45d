/* Hashes and HMAC (the IKEv1 PRF) over a table of Nettle hash
 * descriptors, so adding an algorithm is one table row. */
#include "isakmp/prf.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <nettle/hmac.h>
#include <nettle/nettle-meta.h>
#include <string.h>
#include <strings.h>

/* Room for the largest Nettle hash context (SHA-512 is about 216 bytes);
 * checked against nettle_hash.context_size before use. */
#define CTX_MAX 512

static const struct isakmp_hash_desc hashes[] = {
    { ISAKMP_HASH_MD5, "md5", 16, 64, &nettle_md5, true },
    { ISAKMP_HASH_SHA1, "sha1", 20, 64, &nettle_sha1, false },
    { ISAKMP_HASH_SHA2_256, "sha256", 32, 64, &nettle_sha256, false },
    { ISAKMP_HASH_SHA2_384, "sha384", 48, 128, &nettle_sha384, false },
    { ISAKMP_HASH_SHA2_512, "sha512", 64, 128, &nettle_sha512, false },
};
#define N_HASHES (sizeof hashes / sizeof hashes[0])

const struct isakmp_hash_desc *isakmp_hash_find(uint16_t id)
{
    for (size_t i = 0; i < N_HASHES; i++)
        if (hashes[i].id == id) return &hashes[i];
    return NULL;
}

const struct isakmp_hash_desc *isakmp_hash_by_name(const char *name)
{
    static const struct { const char *alias; uint16_t id; } aliases[] = {
        { "md5", ISAKMP_HASH_MD5 },          { "sha1", ISAKMP_HASH_SHA1 },
        { "sha", ISAKMP_HASH_SHA1 },         { "sha-1", ISAKMP_HASH_SHA1 },
        { "sha256", ISAKMP_HASH_SHA2_256 },  { "sha2-256", ISAKMP_HASH_SHA2_256 },
        { "sha2_256", ISAKMP_HASH_SHA2_256 }, { "sha-256", ISAKMP_HASH_SHA2_256 },
        { "sha384", ISAKMP_HASH_SHA2_384 },  { "sha2-384", ISAKMP_HASH_SHA2_384 },
        { "sha2_384", ISAKMP_HASH_SHA2_384 }, { "sha-384", ISAKMP_HASH_SHA2_384 },
        { "sha512", ISAKMP_HASH_SHA2_512 },  { "sha2-512", ISAKMP_HASH_SHA2_512 },
        { "sha2_512", ISAKMP_HASH_SHA2_512 }, { "sha-512", ISAKMP_HASH_SHA2_512 },
    };
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0) return isakmp_hash_find(aliases[i].id);
    return NULL;
}

const struct isakmp_hash_desc *isakmp_hash_list(size_t *n)
{
    if (n) *n = N_HASHES;
    return hashes;
}

size_t isakmp_hash_len(uint16_t id)
{
    const struct isakmp_hash_desc *d = isakmp_hash_find(id);
    return d ? d->digest_size : 0;
}

static bool inputs_valid(const struct isakmp_bytes *v, size_t n)
{
    if (n && !v) return false;
    for (size_t i = 0; i < n; i++)
        if (v[i].len && !v[i].p) return false;
    return true;
}

/* Contexts are kept in max_align_t storage so any Nettle context fits. */
union ctx_buf {
    max_align_t align;
    uint8_t bytes[CTX_MAX];
};

bool isakmp_hash(uint16_t id, const struct isakmp_bytes *v, size_t n, uint8_t *out)
{
    const struct isakmp_hash_desc *d = isakmp_hash_find(id);
    if (!d || !out || !inputs_valid(v, n) || d->nettle->context_size > CTX_MAX) return false;
    union ctx_buf ctx;
    uint8_t digest[ISAKMP_HASH_MAX];
    d->nettle->init(&ctx);
    for (size_t i = 0; i < n; i++)
        if (v[i].len) d->nettle->update(&ctx, v[i].len, v[i].p);
    d->nettle->digest(&ctx, d->digest_size, digest);
    memcpy(out, digest, d->digest_size);
    /* The hashed data may be secret (g^xy, nonces): wipe the state. */
    isakmp_wipe(&ctx, sizeof ctx);
    isakmp_wipe(digest, sizeof digest);
    return true;
}

/* HMAC through Nettle's generic interface (nettle/hmac.h), so every
 * table row gets its PRF without per-algorithm code. */
bool isakmp_prf(uint16_t id, const uint8_t *key, size_t key_len,
                const struct isakmp_bytes *v, size_t n, uint8_t *out)
{
    static const uint8_t empty[1];
    const struct isakmp_hash_desc *d = isakmp_hash_find(id);
    if (!d || !out || (key_len && !key) || !inputs_valid(v, n)) return false;
    const struct nettle_hash *h = d->nettle;
    if (h->context_size > CTX_MAX) return false;

    union ctx_buf outer, inner, state;
    uint8_t result[ISAKMP_HASH_MAX];
    hmac_set_key(&outer, &inner, &state, h, key_len, key_len ? key : empty);
    for (size_t i = 0; i < n; i++)
        if (v[i].len) hmac_update(&state, h, v[i].len, v[i].p);
    hmac_digest(&outer, &inner, &state, h, h->digest_size, result);

    /* Copied last so out may alias the key or an input. */
    memcpy(out, result, h->digest_size);

    isakmp_wipe(&outer, sizeof outer);
    isakmp_wipe(&inner, sizeof inner);
    isakmp_wipe(&state, sizeof state);
    isakmp_wipe(result, sizeof result);
    return true;
}
