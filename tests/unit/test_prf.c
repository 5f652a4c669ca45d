/* The hash table and the HMAC PRF against RFC 2202 (HMAC-MD5/SHA-1) and
 * RFC 4231 (HMAC-SHA-2) published test cases, split inputs, aliasing. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/prf.h"
#include "isakmp/registry.h"

#include <stdlib.h>
#include <string.h>

struct hmac_kat {
    const char *what;
    uint16_t hash;
    int key_byte, key_len;     /* key_byte < 0: the key is "Jefe" */
    const char *msg, *mac;
};

static const struct hmac_kat kats[] = {
    { "rfc2202 md5 #1", ISAKMP_HASH_MD5, 0x0b, 16, "Hi There", "9294727a3638bb1c13f48ef8158bfc9d" },
    { "rfc2202 md5 #2", ISAKMP_HASH_MD5, -1, 4, "what do ya want for nothing?",
      "750c783e6ab0b503eaa86e310a5db738" },
    { "rfc2202 sha1 #1", ISAKMP_HASH_SHA1, 0x0b, 20, "Hi There",
      "b617318655057264e28bc0b6fb378c8ef146be00" },
    { "rfc2202 sha1 #2", ISAKMP_HASH_SHA1, -1, 4, "what do ya want for nothing?",
      "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    { "rfc4231 sha256 #2", ISAKMP_HASH_SHA2_256, -1, 4, "what do ya want for nothing?",
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    { "rfc4231 sha384 #2", ISAKMP_HASH_SHA2_384, -1, 4, "what do ya want for nothing?",
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
      "8e2240ca5e69e2c78b3239ecfab21649" },
    { "rfc4231 sha512 #2", ISAKMP_HASH_SHA2_512, -1, 4, "what do ya want for nothing?",
      "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
      "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
    { "rfc4231 sha256 #6 (long key)", ISAKMP_HASH_SHA2_256, 0xaa, 131,
      "Test Using Larger Than Block-Size Key - Hash Key First",
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
    { "rfc4231 sha512 #6 (long key)", ISAKMP_HASH_SHA2_512, 0xaa, 131,
      "Test Using Larger Than Block-Size Key - Hash Key First",
      "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
      "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
};

static const struct hmac_kat *current;

static void one_kat(void)
{
    const struct hmac_kat *k = current;
    uint8_t key[200], out[ISAKMP_HASH_MAX], split[ISAKMP_HASH_MAX];
    if (k->key_byte < 0) memcpy(key, "Jefe", 4);
    else memset(key, k->key_byte, (size_t)k->key_len);
    size_t ml = strlen(k->msg), xl;
    uint8_t *want = hex_decode(k->mac, &xl);
    REQUIRE(want);
    CHECK_INT(isakmp_hash_len(k->hash), xl);
    struct isakmp_bytes whole = ISAKMP_BYTES(k->msg, ml);
    REQUIRE(isakmp_prf(k->hash, key, (size_t)k->key_len, &whole, 1, out));
    CHECK_MEM(out, xl, want, xl);
    /* The same message in three pieces, one empty. */
    struct isakmp_bytes parts[] = { ISAKMP_BYTES(k->msg, 3), ISAKMP_BYTES(NULL, 0),
                                    ISAKMP_BYTES(k->msg + 3, ml - 3) };
    REQUIRE(isakmp_prf(k->hash, key, (size_t)k->key_len, parts, 3, split));
    CHECK_MEM(split, xl, want, xl);
    free(want);
}

static void hash_table_and_plain_hashes(void)
{
    uint8_t out[ISAKMP_HASH_MAX];
    struct isakmp_bytes abc = ISAKMP_BYTES("abc", 3);
    size_t n;
    /* FIPS 180 "abc" examples. */
    REQUIRE(isakmp_hash(ISAKMP_HASH_SHA1, &abc, 1, out));
    uint8_t *want = hex_decode("a9993e364706816aba3e25717850c26c9cd0d89d", &n);
    CHECK_MEM(out, 20, want, n);
    free(want);
    REQUIRE(isakmp_hash(ISAKMP_HASH_MD5, &abc, 1, out));
    want = hex_decode("900150983cd24fb0d6963f7d28e17f72", &n);
    CHECK_MEM(out, 16, want, n);
    free(want);
    REQUIRE(isakmp_hash(ISAKMP_HASH_SHA2_256, &abc, 1, out));
    want = hex_decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", &n);
    CHECK_MEM(out, 32, want, n);
    free(want);

    CHECK(isakmp_hash_find(ISAKMP_HASH_TIGER) == NULL);
    CHECK_INT(isakmp_hash_len(ISAKMP_HASH_TIGER), 0);
    CHECK(!isakmp_hash(ISAKMP_HASH_TIGER, &abc, 1, out));
    CHECK(!isakmp_prf(99, (const uint8_t *)"k", 1, &abc, 1, out));
    struct isakmp_bytes bad = ISAKMP_BYTES(NULL, 5);
    CHECK(!isakmp_prf(ISAKMP_HASH_SHA1, (const uint8_t *)"k", 1, &bad, 1, out));
    CHECK(!isakmp_prf(ISAKMP_HASH_SHA1, NULL, 4, &abc, 1, out));

    const struct isakmp_hash_desc *list = isakmp_hash_list(&n);
    CHECK_INT(n, 5);
    for (size_t i = 0; i < n; i++) {
        CHECK(isakmp_hash_by_name(list[i].name) == &list[i]);
        CHECK_INT(isakmp_hash_len(list[i].id), list[i].digest_size);
    }
    CHECK(isakmp_hash_by_name("SHA2-384") == isakmp_hash_find(ISAKMP_HASH_SHA2_384));
    CHECK(isakmp_hash_by_name("sha3") == NULL);
}

static void output_may_alias_key(void)
{
    /* Kn = prf(key, K(n-1)) style call with out == input and out == key. */
    uint8_t a[20], b[20], ref[20];
    for (int i = 0; i < 20; i++) a[i] = b[i] = (uint8_t)i;
    struct isakmp_bytes in = ISAKMP_BYTES(a, 20);
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, b, 20, &in, 1, ref));
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, b, 20, &in, 1, a));
    CHECK_MEM(a, 20, ref, 20);
    for (int i = 0; i < 20; i++) a[i] = (uint8_t)i;
    REQUIRE(isakmp_prf(ISAKMP_HASH_SHA1, a, 20, &in, 1, a));
    CHECK_MEM(a, 20, ref, 20);
}

int main(void)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        current = &kats[i];
        RUN_NAMED(kats[i].what, one_kat);
    }
    RUN(hash_table_and_plain_hashes);
    RUN(output_may_alias_key);
    return check_summary();
}
