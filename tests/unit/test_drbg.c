/* The simulation DRBG: determinism, separation by seed/run/node, stream
 * independence from request sizes, the construction recomputed from its
 * definition, and ChaCha20 through Nettle against RFC 8439 §2.4.2. */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/drbg.h"

#include <nettle/chacha.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

static void same_seed_same_bytes(void)
{
    uint8_t a[1000], b[1000];
    struct isakmp_drbg *d1 = isakmp_drbg_new((const uint8_t *)"seed", 4, 1, 2);
    struct isakmp_drbg *d2 = isakmp_drbg_new((const uint8_t *)"seed", 4, 1, 2);
    REQUIRE(d1 && d2);
    isakmp_drbg_generate(d1, a, sizeof a);
    isakmp_drbg_generate(d2, b, sizeof b);
    CHECK_MEM(a, sizeof a, b, sizeof b);
    CHECK_INT(isakmp_drbg_bytes_out(d1), 1000);
    /* not a constant: 1000 bytes with at least 200 distinct... values */
    int seen[256] = { 0 }, distinct = 0;
    for (size_t i = 0; i < sizeof a; i++)
        if (!seen[a[i]]++)
            distinct++;
    CHECK(distinct > 200);
    isakmp_drbg_free(d1);
    isakmp_drbg_free(d2);
}

static void first_bytes(const uint8_t *seed, size_t sl, uint64_t run, uint32_t node,
                        uint8_t out[64])
{
    struct isakmp_drbg *d = isakmp_drbg_new(seed, sl, run, node);
    isakmp_drbg_generate(d, out, 64);
    isakmp_drbg_free(d);
}

static void different_inputs_different_bytes(void)
{
    uint8_t base[64], x[64];
    first_bytes((const uint8_t *)"seed", 4, 1, 2, base);
    first_bytes((const uint8_t *)"seed", 4, 2, 2, x);       /* other run */
    CHECK(memcmp(base, x, 64) != 0);
    first_bytes((const uint8_t *)"seed", 4, 1, 3, x);       /* other node */
    CHECK(memcmp(base, x, 64) != 0);
    first_bytes((const uint8_t *)"seeD", 4, 1, 2, x);       /* other seed */
    CHECK(memcmp(base, x, 64) != 0);
    first_bytes((const uint8_t *)"seed\0", 5, 1, 2, x);     /* length counts */
    CHECK(memcmp(base, x, 64) != 0);
    first_bytes(NULL, 0, 1, 2, x);                          /* empty seed ok */
    CHECK(memcmp(base, x, 64) != 0);
    CHECK(isakmp_drbg_new(NULL, 3, 0, 0) == NULL);
}

static void split_requests_same_stream(void)
{
    uint8_t whole[300], parts[300];
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"x", 1, 9, 9);
    isakmp_drbg_generate(d, whole, sizeof whole);
    isakmp_drbg_free(d);
    d = isakmp_drbg_new((const uint8_t *)"x", 1, 9, 9);
    static const size_t sizes[] = { 1, 7, 56, 0, 64, 65, 3, 104 };   /* sum 300 */
    size_t off = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        isakmp_drbg_random(d, parts + off, sizes[i]);            /* via the adapter */
        off += sizes[i];
    }
    CHECK_INT(off, 300);
    CHECK_MEM(parts, 300, whole, 300);
    isakmp_drbg_free(d);
}

/* The construction of drbg.h recomputed here from its definition. */
static void construction_as_documented(void)
{
    const uint8_t seed[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
    uint64_t run = 0x0102030405060708ull;
    uint32_t node = 0xa0b0c0d0u;
    uint8_t m[14 + 4 + sizeof seed + 8 + 4], key[32];
    size_t n = 0;
    memcpy(m, "isakmp-drbg-v1", 14); n = 14;
    m[n++] = 0; m[n++] = 0; m[n++] = 0; m[n++] = sizeof seed;
    memcpy(m + n, seed, sizeof seed); n += sizeof seed;
    for (int i = 7; i >= 0; i--) m[n++] = (uint8_t)(run >> (8 * i));
    for (int i = 3; i >= 0; i--) m[n++] = (uint8_t)(node >> (8 * i));
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, n, m);
    sha256_digest(&h, 32, key);
    struct chacha_ctx c;
    const uint8_t nonce[8] = { 0 };
    chacha_set_key(&c, key);
    chacha_set_nonce(&c, nonce);
    uint8_t want[200] = { 0 }, got[200];
    chacha_crypt(&c, sizeof want, want, want);
    struct isakmp_drbg *d = isakmp_drbg_new(seed, sizeof seed, run, node);
    isakmp_drbg_generate(d, got, sizeof got);
    CHECK_MEM(got, sizeof got, want, sizeof want);
    isakmp_drbg_free(d);
}

/* RFC 8439 §2.4.2: key 00..1f, nonce 00000000 0000004a 00000000,
 * counter 1, the "sunscreen" plaintext. */
static void chacha20_rfc8439_vector(void)
{
    uint8_t key[32];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
    const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
    const uint8_t counter[4] = { 1, 0, 0, 0 };
    static const char pt[] =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
        "for the future, sunscreen would be it.";
    size_t ctl;
    uint8_t *ct = hex_decode(
        "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
        "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
        "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
        "5af90bbf74a35be6b40b8eedf2785e42874d", &ctl);
    REQUIRE(ct != NULL);
    CHECK_INT(ctl, sizeof pt - 1);
    struct chacha_ctx c;
    uint8_t out[sizeof pt - 1];
    chacha_set_key(&c, key);
    chacha_set_nonce96(&c, nonce);
    chacha_set_counter32(&c, counter);
    chacha_crypt32(&c, sizeof out, out, (const uint8_t *)pt);
    CHECK_MEM(out, sizeof out, ct, ctl);
    free(ct);
}

int main(void)
{
    RUN(same_seed_same_bytes);
    RUN(different_inputs_different_bytes);
    RUN(split_requests_same_stream);
    RUN(construction_as_documented);
    RUN(chacha20_rfc8439_vector);
    return check_summary();
}
