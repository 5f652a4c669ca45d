/* RSA as IKEv1 uses it: key loading in every format (fixtures generated
 * by tests/fixtures/keys/generate.sh), the raw-hash signature form
 * checked against OpenSSL's output and by hand with GMP, tampering, and
 * PKCS#1 v1.5 encryption of a nonce (RFC 2409 §5.2). */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/rsa.h"

#include <gmp.h>
#include <nettle/bignum.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX "tests/fixtures/keys/"

/* Deterministic randomness for tests: SHA-256 of a counter. */
static void test_random(void *user, uint8_t *buf, size_t len)
{
    uint32_t *ctr = user;
    while (len) {
        uint8_t block[32], c[4] = { (uint8_t)(*ctr >> 24), (uint8_t)(*ctr >> 16),
                                    (uint8_t)(*ctr >> 8), (uint8_t)*ctr };
        struct sha256_ctx h;
        sha256_init(&h);
        sha256_update(&h, 4, c);
        sha256_digest(&h, 32, block);
        (*ctr)++;
        size_t n = len < 32 ? len : 32;
        memcpy(buf, block, n);
        buf += n;
        len -= n;
    }
}
static uint32_t rng_state = 1;

static struct isakmp_rsa_key *load(const char *file, int *status, char *err, size_t err_size)
{
    size_t n;
    uint8_t *data = read_file(file, &n);
    struct isakmp_rsa_key *k = NULL;
    if (!data) {
        check_fail(__FILE__, __LINE__, "cannot read %s (run from the project root)", file);
        if (status) *status = -1;
        return NULL;
    }
    int st = isakmp_rsa_key_load(data, n, &k, err, err_size);
    if (status) *status = st;
    free(data);
    return k;
}

static void load_every_format(void)
{
    static const struct { const char *file; bool priv; } files[] = {
        { FIX "rsa2048.pkcs1.pem", true },   { FIX "rsa2048.pkcs1.der", true },
        { FIX "rsa2048.pkcs8.pem", true },   { FIX "rsa2048.pkcs8.der", true },
        { FIX "rsa2048.spki.pem", false },   { FIX "rsa2048.spki.der", false },
        { FIX "rsa2048.pkcs1pub.pem", false }, { FIX "rsa2048.cert.pem", false },
        { FIX "rsa2048.cert.der", false },
    };
    uint8_t first[600], der[600];
    size_t first_len = 0, len;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char err[160];
        int st;
        struct isakmp_rsa_key *k = load(files[i].file, &st, err, sizeof err);
        CHECK_MSG(st == ISAKMP_RSA_OK && k, "%s: %d %s", files[i].file, st, err);
        if (!k) continue;
        CHECK_INT(isakmp_rsa_key_size(k), 256);
        CHECK_INT(isakmp_rsa_key_has_private(k), files[i].priv);
        /* Every format must give the same public key. */
        CHECK_INT(isakmp_rsa_public_der(k, der, sizeof der, &len), ISAKMP_RSA_OK);
        if (i == 0) {
            memcpy(first, der, len);
            first_len = len;
        } else {
            CHECK_MEM(der, len, first, first_len);
        }
        isakmp_rsa_key_free(k);
    }
    CHECK(first_len > 256);
}

static void garbage_refused_clearly(void)
{
    char err[200];
    struct isakmp_rsa_key *k = (struct isakmp_rsa_key *)1;
    static const uint8_t junk[] = "this is not a key";
    CHECK_INT(isakmp_rsa_key_load(junk, sizeof junk - 1, &k, err, sizeof err), ISAKMP_RSA_E_FORMAT);
    CHECK(k == NULL);
    CHECK(strstr(err, "neither PEM") != NULL);
    CHECK_INT(isakmp_rsa_key_load(junk, 0, &k, err, sizeof err), ISAKMP_RSA_E_FORMAT);

    static const uint8_t bad_label[] = "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n";
    CHECK_INT(isakmp_rsa_key_load(bad_label, sizeof bad_label - 1, &k, err, sizeof err),
              ISAKMP_RSA_E_FORMAT);
    CHECK(strstr(err, "FOO") != NULL);
    static const uint8_t bad_b64[] = "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n";
    CHECK_INT(isakmp_rsa_key_load(bad_b64, sizeof bad_b64 - 1, &k, err, sizeof err),
              ISAKMP_RSA_E_FORMAT);
    CHECK(strstr(err, "base64") != NULL);
    static const uint8_t no_end[] = "-----BEGIN PUBLIC KEY-----\nMIIB\n";
    CHECK_INT(isakmp_rsa_key_load(no_end, sizeof no_end - 1, &k, err, sizeof err),
              ISAKMP_RSA_E_FORMAT);

    int st;
    k = load(FIX "ec256.pkcs8.pem", &st, err, sizeof err);
    CHECK(k == NULL);
    CHECK_INT(st, ISAKMP_RSA_E_ALGORITHM);
    CHECK_MSG(strstr(err, "not an RSA key") != NULL, "message: %s", err);
    k = load(FIX "rsa2048.encrypted.pem", &st, err, sizeof err);
    CHECK(k == NULL);
    CHECK_INT(st, ISAKMP_RSA_E_ENCRYPTED);
    CHECK(strstr(err, "encrypted") != NULL);

    /* Every truncation and a flipped length byte of a DER key: refused, no crash. */
    size_t n;
    uint8_t *der = read_file(FIX "rsa2048.pkcs8.der", &n);
    REQUIRE(der);
    for (size_t cut = 0; cut < n; cut += (cut < 64 ? 1 : 37)) {
        st = isakmp_rsa_key_load(der, cut, &k, err, sizeof err);
        CHECK_MSG(st != ISAKMP_RSA_OK && k == NULL, "truncated to %zu accepted", cut);
    }
    der[3] ^= 0x10;                     /* outer SEQUENCE length */
    CHECK(isakmp_rsa_key_load(der, n, &k, err, sizeof err) != ISAKMP_RSA_OK);
    free(der);
    der = read_file(FIX "rsa2048.cert.der", &n);
    REQUIRE(der);
    for (size_t cut = 1; cut < n; cut += 13) {
        struct isakmp_x509_view v;
        CHECK_MSG(isakmp_x509_view(der, cut, &v) != ISAKMP_RSA_OK, "cert cut %zu", cut);
    }
    free(der);
}

static void certificate_view(void)
{
    size_t n, spki_n;
    uint8_t *der = read_file(FIX "rsa2048.cert.der", &n);
    uint8_t *spki = read_file(FIX "rsa2048.spki.der", &spki_n);
    REQUIRE(der && spki);
    struct isakmp_x509_view v;
    REQUIRE(isakmp_x509_view(der, n, &v) == ISAKMP_RSA_OK);
    CHECK_MEM(v.spki, v.spki_len, spki, spki_n);
    CHECK(v.subject_len > 10 && v.subject[0] == 0x30);
    CHECK(memmem(v.subject, v.subject_len, "responder.test", 14) != NULL);
    CHECK(v.tbs == der + 4);            /* first element of the outer SEQUENCE */
    /* PEM decoding gives the same DER. */
    size_t pn, dn;
    uint8_t *pem = read_file(FIX "rsa2048.cert.pem", &pn), *dec = NULL;
    REQUIRE(pem);
    CHECK_INT(isakmp_pem_decode(pem, pn, "CERTIFICATE", &dec, &dn), ISAKMP_RSA_OK);
    if (dec) CHECK_MEM(dec, dn, der, n);
    free(dec);
    free(pem);
    free(der);
    free(spki);
}

/* OpenSSL's raw type-1 signature of the same hash must be bit-identical
 * (PKCS#1 v1.5 signing is deterministic), and must verify. */
static void openssl_known_answer(void)
{
    size_t hn, sn;
    uint8_t *hash = read_file(FIX "sha1.bin", &hn), *ref = read_file(FIX "sha1.sig", &sn);
    struct isakmp_rsa_key *priv = load(FIX "rsa2048.pkcs1.pem", NULL, NULL, 0);
    struct isakmp_rsa_key *pub = load(FIX "rsa2048.cert.pem", NULL, NULL, 0);
    REQUIRE(hash && ref && priv && pub && hn == 20);
    uint8_t sig[256];
    CHECK_INT(isakmp_rsa_sign(priv, test_random, &rng_state, hash, hn, sig, sizeof sig), 0);
    CHECK_MEM(sig, sizeof sig, ref, sn);
    CHECK_INT(isakmp_rsa_verify(pub, hash, hn, ref, sn), ISAKMP_RSA_OK);
    free(hash);
    free(ref);
    isakmp_rsa_key_free(priv);
    isakmp_rsa_key_free(pub);
}

/* m = sig^e mod n computed here with GMP from the public numbers only. */
static void raw_open(const struct isakmp_rsa_key *k, const uint8_t *sig, size_t len, uint8_t *m)
{
    uint8_t nb[600], eb[16];
    size_t nl, el;
    isakmp_rsa_public_numbers(k, nb, sizeof nb, &nl, eb, sizeof eb, &el);
    mpz_t n, e, s, r;
    mpz_inits(n, e, s, r, NULL);
    mpz_import(n, nl, 1, 1, 1, 0, nb);
    mpz_import(e, el, 1, 1, 1, 0, eb);
    mpz_import(s, len, 1, 1, 1, 0, sig);
    mpz_powm(r, s, e, n);
    nettle_mpz_get_str_256(len, m, r);
    mpz_clears(n, e, s, r, NULL);
}

static void signature_padding_has_no_digestinfo(void)
{
    struct isakmp_rsa_key *k = load(FIX "rsa2048.pkcs8.der", NULL, NULL, 0);
    REQUIRE(k);
    uint8_t hash[32], sig[256], m[256];
    for (int i = 0; i < 32; i++) hash[i] = (uint8_t)(0xc0 + i);
    REQUIRE(isakmp_rsa_sign(k, test_random, &rng_state, hash, 32, sig, sizeof sig) == 0);
    raw_open(k, sig, sizeof sig, m);
    CHECK_INT(m[0], 0x00);
    CHECK_INT(m[1], 0x01);
    size_t ff = 256 - 3 - 32;
    bool all_ff = true;
    for (size_t i = 2; i < 2 + ff; i++) all_ff &= m[i] == 0xff;
    CHECK(all_ff);
    CHECK_INT(m[2 + ff], 0x00);
    CHECK_MEM(m + 3 + ff, 32, hash, 32);   /* the hash right after 00: no DigestInfo */

    /* A normal PKCS#1 signature (DigestInfo for SHA-256 around the same
     * hash) is not an IKEv1 signature of it. */
    static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48,
                                         0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04,
                                         0x20 };
    uint8_t di[sizeof di_sha256 + 32], sig2[256];
    memcpy(di, di_sha256, sizeof di_sha256);
    memcpy(di + sizeof di_sha256, hash, 32);
    REQUIRE(isakmp_rsa_sign(k, test_random, &rng_state, di, sizeof di, sig2, sizeof sig2) == 0);
    CHECK_INT(isakmp_rsa_verify(k, hash, 32, sig2, sizeof sig2), ISAKMP_RSA_E_BAD_SIG);
    CHECK_INT(isakmp_rsa_verify(k, di, sizeof di, sig2, sizeof sig2), ISAKMP_RSA_OK);
    isakmp_rsa_key_free(k);
}

static void tampered_signature_refused(void)
{
    struct isakmp_rsa_key *k = load(FIX "rsa2048.pkcs1.der", NULL, NULL, 0);
    struct isakmp_rsa_key *pub = load(FIX "rsa2048.spki.pem", NULL, NULL, 0);
    REQUIRE(k && pub);
    uint8_t hash[20] = { 1, 2, 3 }, sig[256];
    REQUIRE(isakmp_rsa_sign(k, test_random, &rng_state, hash, 20, sig, sizeof sig) == 0);
    CHECK_INT(isakmp_rsa_verify(pub, hash, 20, sig, 256), ISAKMP_RSA_OK);
    for (size_t pos = 0; pos < 256; pos += 51) {
        sig[pos] ^= 0x04;
        CHECK_INT(isakmp_rsa_verify(pub, hash, 20, sig, 256), ISAKMP_RSA_E_BAD_SIG);
        sig[pos] ^= 0x04;
    }
    hash[19] ^= 1;
    CHECK_INT(isakmp_rsa_verify(pub, hash, 20, sig, 256), ISAKMP_RSA_E_BAD_SIG);
    hash[19] ^= 1;
    CHECK_INT(isakmp_rsa_verify(pub, hash, 16, sig, 256), ISAKMP_RSA_E_BAD_SIG);
    CHECK_INT(isakmp_rsa_verify(pub, hash, 20, sig, 255), ISAKMP_RSA_E_LENGTH);
    uint8_t all_ff[256];
    memset(all_ff, 0xff, sizeof all_ff);  /* >= n */
    CHECK_INT(isakmp_rsa_verify(pub, hash, 20, all_ff, 256), ISAKMP_RSA_E_BAD_SIG);
    /* Public key cannot sign; small buffers and oversized hashes refused. */
    CHECK_INT(isakmp_rsa_sign(pub, test_random, &rng_state, hash, 20, sig, 256),
              ISAKMP_RSA_E_NO_PRIVATE);
    CHECK_INT(isakmp_rsa_sign(k, test_random, &rng_state, hash, 20, sig, 255), ISAKMP_RSA_E_LENGTH);
    uint8_t huge[250] = { 0 };
    CHECK_INT(isakmp_rsa_sign(k, test_random, &rng_state, huge, 250, sig, 256), ISAKMP_RSA_E_LENGTH);
    isakmp_rsa_key_free(k);
    isakmp_rsa_key_free(pub);
}

static void pke_round_trip(void)
{
    struct isakmp_rsa_key *k = load(FIX "rsa2048.pkcs8.pem", NULL, NULL, 0);
    struct isakmp_rsa_key *pub = load(FIX "rsa2048.cert.der", NULL, NULL, 0);
    REQUIRE(k && pub);
    uint8_t nonce[32], ct[256], pt[256];
    size_t pt_len = 0;
    for (int i = 0; i < 32; i++) nonce[i] = (uint8_t)(i * 11);
    CHECK_INT(isakmp_rsa_encrypt(pub, test_random, &rng_state, nonce, 32, ct, sizeof ct), 0);
    CHECK_INT(isakmp_rsa_decrypt(k, test_random, &rng_state, ct, 256, pt, sizeof pt, &pt_len), 0);
    CHECK_MEM(pt, pt_len, nonce, 32);
    /* Randomised padding: the same nonce encrypts differently twice. */
    uint8_t ct2[256];
    CHECK_INT(isakmp_rsa_encrypt(pub, test_random, &rng_state, nonce, 32, ct2, sizeof ct2), 0);
    CHECK(memcmp(ct, ct2, sizeof ct) != 0);
    /* Errors. */
    CHECK_INT(isakmp_rsa_decrypt(pub, test_random, &rng_state, ct, 256, pt, sizeof pt, &pt_len),
              ISAKMP_RSA_E_NO_PRIVATE);
    CHECK_INT(isakmp_rsa_decrypt(k, test_random, &rng_state, ct, 255, pt, sizeof pt, &pt_len),
              ISAKMP_RSA_E_LENGTH);
    CHECK_INT(isakmp_rsa_decrypt(k, test_random, &rng_state, ct, 256, pt, 31, &pt_len),
              ISAKMP_RSA_E_LENGTH);
    ct[100] ^= 0x80;
    CHECK_INT(isakmp_rsa_decrypt(k, test_random, &rng_state, ct, 256, pt, sizeof pt, &pt_len),
              ISAKMP_RSA_E_DECRYPT);
    uint8_t big[246] = { 0 };
    CHECK_INT(isakmp_rsa_encrypt(pub, test_random, &rng_state, big, sizeof big, ct, sizeof ct),
              ISAKMP_RSA_E_LENGTH);
    isakmp_rsa_key_free(k);
    isakmp_rsa_key_free(pub);
}

static void generated_key(void)
{
    struct isakmp_rsa_key *k = NULL;
    CHECK_INT(isakmp_rsa_key_generate(test_random, &rng_state, 256, &k), ISAKMP_RSA_E_KEY);
    REQUIRE(isakmp_rsa_key_generate(test_random, &rng_state, 1024, &k) == ISAKMP_RSA_OK);
    CHECK_INT(isakmp_rsa_key_size(k), 128);
    uint8_t hash[20] = { 9 }, sig[128], der[300];
    size_t len;
    CHECK_INT(isakmp_rsa_sign(k, test_random, &rng_state, hash, 20, sig, sizeof sig), 0);
    CHECK_INT(isakmp_rsa_verify(k, hash, 20, sig, sizeof sig), 0);
    /* Its public DER loads back as a public key that verifies. */
    REQUIRE(isakmp_rsa_public_der(k, der, sizeof der, &len) == 0);
    struct isakmp_rsa_key *pub = NULL;
    CHECK_INT(isakmp_rsa_key_load(der, len, &pub, NULL, 0), ISAKMP_RSA_OK);
    if (pub) {
        CHECK(!isakmp_rsa_key_has_private(pub));
        CHECK_INT(isakmp_rsa_verify(pub, hash, 20, sig, sizeof sig), 0);
    }
    CHECK_INT(isakmp_rsa_public_der(k, der, 10, &len), ISAKMP_RSA_E_LENGTH);
    isakmp_rsa_key_free(pub);
    isakmp_rsa_key_free(k);
}

int main(void)
{
    RUN(load_every_format);
    RUN(garbage_refused_clearly);
    RUN(certificate_view);
    RUN(openssl_known_answer);
    RUN(signature_padding_has_no_digestinfo);
    RUN(tampered_signature_refused);
    RUN(pke_round_trip);
    RUN(generated_key);
    return check_summary();
}
