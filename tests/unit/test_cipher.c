/* CBC ciphers against published known answers, the key-length rules of
 * RFC 2409 Appendix A / RFC 3602, weak DES keys, and the default policy. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/cipher.h"
#include "isakmp/prf.h"
#include "isakmp/registry.h"

#include <stdlib.h>
#include <string.h>

struct kat {
    const char *what;
    uint16_t id;
    const char *key, *iv, *plain, *cipher;
};

/* Sources: RFC 3602 §4 cases #1-#4 (AES-128-CBC); NIST SP 800-38A
 * F.2.3 and F.2.5 (CBC-AES192 and CBC-AES256, four blocks); FIPS 81 Appendix C
 * (DES-CBC, "Now is the time for all "); Schneier's Blowfish CBC vector
 * (vectors.txt: "7654321 Now is the time for " + zero pad); RFC 2144
 * Appendix B.1 (CAST-128 at 128, 80 and 40 bits; one block with a zero
 * IV is the ECB value); 3DES-CBC computed with OpenSSL 3 (`openssl enc
 * -des-ede3-cbc -nopad`), an independent implementation. */
static const struct kat kats[] = {
    { "rfc3602 case 1", ISAKMP_ENC_AES_CBC, "06a9214036b8a15b512e03d534120006",
      "3dafba429d9eb430b422da802c9fac41", "53696e676c6520626c6f636b206d7367",
      "e353779c1079aeb82708942dbe77181a" },
    { "rfc3602 case 2", ISAKMP_ENC_AES_CBC, "c286696d887c9aa0611bbb3e2025a45a",
      "562e17996d093d28ddb3ba695a2e6f58",
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
    { "rfc3602 case 3", ISAKMP_ENC_AES_CBC, "6c3ea0477630ce21a2ce334aa746c2cd",
      "c782dc4c098c66cbd9cd27d825682c81",
      "5468697320697320612034382d62797465206d657373616765202865786163746c7920332041455320626c6f636b7329",
      "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5021c19216bad525c8579695d83ba2684" },
    { "sp800-38a F.2.3 aes192-cbc", ISAKMP_ENC_AES_CBC,
      "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", "000102030405060708090a0b0c0d0e0f",
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
      "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
      "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd" },
    { "sp800-38a F.2.5 aes256-cbc", ISAKMP_ENC_AES_CBC,
      "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
      "000102030405060708090a0b0c0d0e0f",
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
      "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
      "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
    { "fips81 des-cbc", ISAKMP_ENC_DES_CBC, "0123456789abcdef", "1234567890abcdef",
      "4e6f77206973207468652074696d6520666f7220616c6c20",
      "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6" },
    { "3des-cbc (openssl)", ISAKMP_ENC_3DES_CBC,
      "0123456789abcdeff1e0d3c2b5a49786fedcba9876543210", "1234567890abcdef",
      "4e6f77206973207468652074696d6520666f7220616c6c20",
      "4028574611073912081f878167d6698bcb0e79e4c47fb187" },
    { "blowfish-cbc (schneier)", ISAKMP_ENC_BLOWFISH_CBC, "0123456789abcdeff0e1d2c3b4a59687",
      "fedcba9876543210",
      "37363534333231204e6f77206973207468652074696d6520666f722000000000",
      "6b77b4d63006dee605b156e27403979358deb9e7154616d959f1652bd5ff92cc" },
    { "rfc2144 cast128 128-bit", ISAKMP_ENC_CAST_CBC, "0123456712345678234567893456789a",
      "0000000000000000", "0123456789abcdef", "238b4fe5847e44b2" },
    { "rfc2144 cast128 80-bit", ISAKMP_ENC_CAST_CBC, "01234567123456782345", "0000000000000000",
      "0123456789abcdef", "eb6a711a2c02271b" },
    { "rfc2144 cast128 40-bit", ISAKMP_ENC_CAST_CBC, "0123456712", "0000000000000000",
      "0123456789abcdef", "7ac816d16e9b302e" },
};

static const struct kat *current;

static void one_kat(void)
{
    const struct kat *k = current;
    size_t kl, ivl, pl, cl;
    uint8_t *key = hex_decode(k->key, &kl), *iv = hex_decode(k->iv, &ivl);
    uint8_t *plain = hex_decode(k->plain, &pl), *ct = hex_decode(k->cipher, &cl);
    REQUIRE(key && iv && plain && ct && pl == cl);
    uint8_t *buf = malloc(pl), ivw[16];
    REQUIRE(buf);
    memcpy(ivw, iv, ivl);
    CHECK_INT(isakmp_cbc_encrypt(k->id, key, kl, ivw, ivl, plain, buf, pl), ISAKMP_CIPHER_OK);
    CHECK_MEM(buf, pl, ct, cl);
    CHECK_MEM(ivw, ivl, ct + cl - ivl, ivl);     /* IV out = last ciphertext block */
    /* Decrypt in place. */
    memcpy(ivw, iv, ivl);
    CHECK_INT(isakmp_cbc_decrypt(k->id, key, kl, ivw, ivl, buf, buf, pl), ISAKMP_CIPHER_OK);
    CHECK_MEM(buf, pl, plain, pl);
    CHECK_MEM(ivw, ivl, ct + cl - ivl, ivl);
    /* Chaining: two calls over halves equal one call (IKE's IV chaining). */
    if (pl >= 2 * ivl && (pl / ivl) % 2 == 0) {
        memcpy(ivw, iv, ivl);
        isakmp_cbc_encrypt(k->id, key, kl, ivw, ivl, plain, buf, pl / 2);
        isakmp_cbc_encrypt(k->id, key, kl, ivw, ivl, plain + pl / 2, buf + pl / 2, pl / 2);
        CHECK_MEM(buf, pl, ct, cl);
    }
    free(key); free(iv); free(plain); free(ct); free(buf);
}

static void aes_256_round_trip_and_lengths(void)
{
    uint8_t key[32], iv[16] = { 0 }, iv2[16] = { 0 }, data[48], out[48], back[48];
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)i;
    for (int i = 0; i < 48; i++) data[i] = (uint8_t)(i * 3);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 32, iv, 16, data, out, 48), 0);
    CHECK_INT(isakmp_cbc_decrypt(ISAKMP_ENC_AES_CBC, key, 32, iv2, 16, out, back, 48), 0);
    CHECK_MEM(back, 48, data, 48);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 24, iv, 16, data, out, 48), 0);
    /* Wrong lengths. */
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 15, iv, 16, data, out, 16),
              ISAKMP_CIPHER_E_KEY_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 20, iv, 16, data, out, 16),
              ISAKMP_CIPHER_E_KEY_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 16, iv, 8, data, out, 16),
              ISAKMP_CIPHER_E_IV_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 16, iv, 16, data, out, 17),
              ISAKMP_CIPHER_E_DATA_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_3DES_CBC, key, 16, iv, 8, data, out, 16),
              ISAKMP_CIPHER_E_KEY_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_CAST_CBC, key, 4, iv, 8, data, out, 16),
              ISAKMP_CIPHER_E_KEY_LEN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_IDEA_CBC, key, 16, iv, 8, data, out, 16),
              ISAKMP_CIPHER_E_UNKNOWN);
    CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_AES_CBC, key, 16, iv, 16, data, out, 0), 0);
    CHECK(strlen(isakmp_cipher_strerror(ISAKMP_CIPHER_E_IV_LEN)) > 0);
}

static void key_length_attribute_rules(void)
{
    size_t len = 0;
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_AES_CBC, 128, &len), 0);
    CHECK_INT(len, 16);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_AES_CBC, 256, &len), 0);
    CHECK_INT(len, 32);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_AES_CBC, 100, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_AES_CBC, 160, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_AES_CBC, 0, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_3DES_CBC, 0, &len), 0);
    CHECK_INT(len, 24);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_3DES_CBC, 192, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_DES_CBC, 64, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_BLOWFISH_CBC, 0, &len), 0);
    CHECK_INT(len, 16);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_BLOWFISH_CBC, 448, &len), 0);
    CHECK_INT(len, 56);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_BLOWFISH_CBC, 452, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_BLOWFISH_CBC, 44, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_CAST_CBC, 0, &len), 0);
    CHECK_INT(len, 16);
    CHECK_INT(isakmp_cipher_key_len(ISAKMP_ENC_CAST_CBC, 136, &len), ISAKMP_CIPHER_E_KEY_ATTR);
    CHECK_INT(isakmp_cipher_key_len(4 /* RC5 */, 0, &len), ISAKMP_CIPHER_E_UNKNOWN);

    uint16_t bits = 1;
    const struct isakmp_cipher_desc *d = isakmp_cipher_by_name("AES256", &bits);
    CHECK(d && d->id == ISAKMP_ENC_AES_CBC && bits == 256);
    d = isakmp_cipher_by_name("3des", &bits);
    CHECK(d && d->id == ISAKMP_ENC_3DES_CBC && bits == 0);
    d = isakmp_cipher_by_name("blowfish-448", &bits);
    CHECK(d && d->id == ISAKMP_ENC_BLOWFISH_CBC && bits == 448);
    d = isakmp_cipher_by_name("cast128", &bits);
    CHECK(d && d->id == ISAKMP_ENC_CAST_CBC && bits == 0);
    CHECK(isakmp_cipher_by_name("aes100x", &bits) == NULL);
    CHECK(isakmp_cipher_by_name("blowfish-", &bits) == NULL);
    CHECK(isakmp_cipher_by_name("idea", &bits) == NULL);
    CHECK_INT(isakmp_cipher_block_size(ISAKMP_ENC_AES_CBC), 16);
    CHECK_INT(isakmp_cipher_block_size(ISAKMP_ENC_CAST_CBC), 8);
}

static void weak_des_keys(void)
{
    /* With and without parity bits set. */
    const char *weak[] = { "0101010101010101", "fefefefefefefefe", "e0e0e0e0f1f1f1f1",
                           "1f1f1f1f0e0e0e0e", "011f011f010e010e", "e0fee0fef1fef1fe",
                           "0000000000000000" };
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
        size_t n;
        uint8_t *k = hex_decode(weak[i], &n), iv[8] = { 0 }, blk[8] = { 0 };
        REQUIRE(k);
        CHECK_MSG(isakmp_des_key_is_weak(k), "%s not detected", weak[i]);
        CHECK_INT(isakmp_cbc_encrypt(ISAKMP_ENC_DES_CBC, k, 8, iv, 8, blk, blk, 8),
                  ISAKMP_CIPHER_E_WEAK_KEY);
        free(k);
    }
    uint8_t good[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
    CHECK(!isakmp_des_key_is_weak(good));
    /* 3DES degenerating to DES (K1 == K2, or K2 == K3 up to parity). */
    uint8_t k3[24];
    memcpy(k3, good, 8);
    memcpy(k3 + 8, good, 8);
    for (int i = 16; i < 24; i++) k3[i] = (uint8_t)(0x40 + i);
    CHECK_INT(isakmp_cipher_key_check(ISAKMP_ENC_3DES_CBC, k3, 24), ISAKMP_CIPHER_E_WEAK_KEY);
    k3[8] ^= 1;                         /* parity only: still equal */
    CHECK_INT(isakmp_cipher_key_check(ISAKMP_ENC_3DES_CBC, k3, 24), ISAKMP_CIPHER_E_WEAK_KEY);
    k3[8] ^= 2;
    CHECK_INT(isakmp_cipher_key_check(ISAKMP_ENC_3DES_CBC, k3, 24), ISAKMP_CIPHER_OK);
    memcpy(k3 + 16, k3 + 8, 8);
    CHECK_INT(isakmp_cipher_key_check(ISAKMP_ENC_3DES_CBC, k3, 24), ISAKMP_CIPHER_E_WEAK_KEY);
}

static void default_policy(void)
{
    CHECK(isakmp_policy_is_default_allowed(ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA1, 14));
    CHECK(isakmp_policy_is_default_allowed(ISAKMP_ENC_3DES_CBC, 0, ISAKMP_HASH_SHA2_256, 2));
    CHECK(!isakmp_policy_is_default_allowed(ISAKMP_ENC_DES_CBC, 0, ISAKMP_HASH_SHA1, 14));
    CHECK(!isakmp_policy_is_default_allowed(ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_MD5, 14));
    CHECK(!isakmp_policy_is_default_allowed(ISAKMP_ENC_AES_CBC, 128, ISAKMP_HASH_SHA1, 1));
    CHECK(!isakmp_policy_is_default_allowed(ISAKMP_ENC_AES_CBC, 100, ISAKMP_HASH_SHA1, 14));
    CHECK(!isakmp_policy_is_default_allowed(ISAKMP_ENC_BLOWFISH_CBC, 64, ISAKMP_HASH_SHA1, 14));
    CHECK(isakmp_policy_is_default_allowed(ISAKMP_ENC_BLOWFISH_CBC, 0, ISAKMP_HASH_SHA1, 14));
    struct isakmp_p1_transform t[ISAKMP_DEFAULT_P1_COUNT + 2];
    size_t n = isakmp_default_p1_transforms(ISAKMP_AUTH_PSK, t, ISAKMP_DEFAULT_P1_COUNT + 2);
    CHECK_INT(n, ISAKMP_DEFAULT_P1_COUNT);
    for (size_t i = 0; i < n; i++) {
        CHECK(isakmp_policy_is_default_allowed(t[i].cipher, t[i].key_bits, t[i].hash, t[i].group));
        CHECK_INT(t[i].auth, ISAKMP_AUTH_PSK);
    }
    CHECK_INT(isakmp_default_p1_transforms(ISAKMP_AUTH_RSA_SIG, t, 2), 2);
    /* Weak ones stay available in the tables. */
    const struct isakmp_cipher_desc *des = isakmp_cipher_find(ISAKMP_ENC_DES_CBC);
    CHECK(des && des->weak);
    const struct isakmp_hash_desc *md5 = isakmp_hash_find(ISAKMP_HASH_MD5);
    CHECK(md5 && md5->weak);
}

int main(void)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        current = &kats[i];
        RUN_NAMED(kats[i].what, one_kat);
    }
    RUN(aes_256_round_trip_and_lengths);
    RUN(key_length_attribute_rules);
    RUN(weak_des_keys);
    RUN(default_policy);
    return check_summary();
}
