/* The simulation DRBG (isakmp/drbg.h): SHA-256 key derivation, ChaCha20
 * keystream through Nettle, with a one-block buffer so that the stream
 * does not depend on how callers split their requests. */
#include "isakmp/drbg.h"
#include "isakmp/secmem.h"

#include <nettle/chacha.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

struct isakmp_drbg {
    struct chacha_ctx ctx;
    uint8_t block[CHACHA_BLOCK_SIZE];   /* current keystream block */
    size_t used;                        /* bytes of block already given out */
    uint64_t out;                       /* bytes produced */
};

static const char label[] = "isakmp-drbg-v1";

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

struct isakmp_drbg *isakmp_drbg_new(const uint8_t *seed, size_t seed_len,
                                    uint64_t run, uint32_t node)
{
    if (!seed && seed_len)
        return NULL;
    struct isakmp_drbg *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    struct sha256_ctx h;
    uint8_t be[8], key[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, sizeof label - 1, (const uint8_t *)label);
    /* Length-prefixed seed: (seed, run) pairs cannot collide by shifting bytes. */
    put_be(be, (uint64_t)seed_len, 4);
    sha256_update(&h, 4, be);
    if (seed_len)
        sha256_update(&h, seed_len, seed);
    put_be(be, run, 8);
    sha256_update(&h, 8, be);
    put_be(be, node, 4);
    sha256_update(&h, 4, be);
    sha256_digest(&h, sizeof key, key);
    chacha_set_key(&d->ctx, key);
    static const uint8_t zero_nonce[CHACHA_NONCE_SIZE];
    chacha_set_nonce(&d->ctx, zero_nonce);   /* also sets the block counter to 0 */
    isakmp_wipe(key, sizeof key);
    isakmp_wipe(&h, sizeof h);
    d->used = CHACHA_BLOCK_SIZE;             /* no block buffered yet */
    return d;
}

void isakmp_drbg_free(struct isakmp_drbg *d)
{
    isakmp_free_secret(d, sizeof *d);
}

void isakmp_drbg_generate(struct isakmp_drbg *d, uint8_t *buf, size_t len)
{
    d->out += len;
    /* 1. what is left of the buffered block */
    size_t take = CHACHA_BLOCK_SIZE - d->used;
    if (take > len)
        take = len;
    memcpy(buf, d->block + d->used, take);
    d->used += take;
    buf += take;
    len -= take;
    /* 2. whole blocks straight into buf (keystream = encrypt zeros) */
    size_t whole = len - len % CHACHA_BLOCK_SIZE;
    if (whole) {
        memset(buf, 0, whole);
        chacha_crypt(&d->ctx, whole, buf, buf);
        buf += whole;
        len -= whole;
    }
    /* 3. a fresh block for the tail; the rest stays for the next call */
    if (len) {
        memset(d->block, 0, sizeof d->block);
        chacha_crypt(&d->ctx, sizeof d->block, d->block, d->block);
        memcpy(buf, d->block, len);
        d->used = len;
    }
}

uint64_t isakmp_drbg_bytes_out(const struct isakmp_drbg *d)
{
    return d->out;
}

void isakmp_drbg_random(void *user, uint8_t *buf, size_t len)
{
    isakmp_drbg_generate(user, buf, len);
}
