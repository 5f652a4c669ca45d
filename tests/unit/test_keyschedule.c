/* The key schedule against known answers: the Appendix B / §5.5
 * expansions (rfc2409_appendix_b.json), the two complete Main Mode PSK
 * chains of ikev1_session_chains.json (everything recomputed from the
 * inputs, every intermediate compared), and the phase-2 formulas checked
 * against an independent restatement with Nettle's HMAC over one flat
 * buffer (no published vectors exist for those). */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/cipher.h"
#include "isakmp/dh.h"
#include "isakmp/keyschedule.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <stdlib.h>
#include <string.h>

static uint16_t prf_by_name(const char *s)
{
    if (!strcmp(s, "hmac-sha1")) return ISAKMP_HASH_SHA1;
    if (!strcmp(s, "hmac-sha256")) return ISAKMP_HASH_SHA2_256;
    if (!strcmp(s, "hmac-sha384")) return ISAKMP_HASH_SHA2_384;
    if (!strcmp(s, "hmac-sha512")) return ISAKMP_HASH_SHA2_512;
    return 0;
}

static void appendix_b_expansions(void)
{
    json_t *root = load_shared_json("vectors/rfc2409_appendix_b.json");
    json_t *vecs = json_object_get(root, "vectors");
    REQUIRE(json_is_array(vecs));
    size_t i, n_phase1 = 0, n_quick = 0;
    json_t *v;
    json_array_foreach(vecs, i, v) {
        uint16_t hash = prf_by_name(json_string_value(json_object_get(v, "prf")));
        const char *type = json_string_value(json_object_get(v, "type"));
        size_t out_len = (size_t)json_integer_value(json_object_get(v, "out_len"));
        size_t klen, xlen, slen = 0;
        uint8_t *key = json_hex(v, "key", &klen), *want = json_hex(v, "expected", &xlen);
        uint8_t out[ISAKMP_KS_EXPAND_MAX];
        CHECK_MSG(hash && key && want && xlen == out_len, "vector %zu unreadable", i);
        if (hash && key && want && type && !strcmp(type, "phase1")) {
            CHECK_INT(isakmp_ks_expand_phase1(hash, ISAKMP_BYTES(key, klen), out, out_len), 0);
            CHECK_MEM(out, out_len, want, xlen);
            n_phase1++;
        } else if (hash && key && want && type && !strcmp(type, "quick")) {
            uint8_t *seed = json_hex(v, "seed", &slen);
            struct isakmp_bytes s = ISAKMP_BYTES(seed, slen);
            CHECK_INT(isakmp_ks_expand_keymat(hash, ISAKMP_BYTES(key, klen), &s, 1, out, out_len), 0);
            CHECK_MEM(out, out_len, want, xlen);
            free(seed);
            n_quick++;
        }
        free(key);
        free(want);
    }
    CHECK_INT(n_phase1, 12);
    CHECK_INT(n_quick, 12);
    json_decref(root);
}

/* The JSON gives g^xy and the SKEYIDs in upper-case hex: hex_decode
 * accepts both cases. */
static void check_chain(json_t *c)
{
    size_t ci_n, cr_n, ni_n, nr_n, gxi_n, gxr_n, gxy_n, sa_n, id_n;
    uint8_t *ci = json_hex(c, "cky_i", &ci_n), *cr = json_hex(c, "cky_r", &cr_n);
    uint8_t *ni = json_hex(c, "ni", &ni_n), *nr = json_hex(c, "nr", &nr_n);
    uint8_t *gxi = json_hex(c, "g_xi", &gxi_n), *gxr = json_hex(c, "g_xr", &gxr_n);
    uint8_t *gxy = json_hex(c, "g_xy", &gxy_n);
    uint8_t *sa = json_hex(c, "sai_b", &sa_n), *id = json_hex(c, "idr_b", &id_n);
    const char *psk = json_string_value(json_object_get(c, "psk"));
    REQUIRE(ci && cr && ni && nr && gxi && gxr && gxy && sa && id && psk);
    REQUIRE(ci_n == 8 && cr_n == 8);
    /* The chain says HMAC-SHA1, AES-128-CBC, PSK; the PSK is text. */
    CHECK_STR(json_string_value(json_object_get(c, "prf")), "HMAC-SHA1");
    CHECK_STR(json_string_value(json_object_get(c, "cipher")), "AES-128-CBC");

    struct isakmp_ks_phase1_input in = {
        .auth = ISAKMP_AUTH_PSK, .hash = ISAKMP_HASH_SHA1, .cipher = ISAKMP_ENC_AES_CBC,
        .key_attr_bits = 128, .psk = ISAKMP_BYTES(psk, strlen(psk)),
        .ni_b = ISAKMP_BYTES(ni, ni_n), .nr_b = ISAKMP_BYTES(nr, nr_n),
        .gxi = ISAKMP_BYTES(gxi, gxi_n), .gxr = ISAKMP_BYTES(gxr, gxr_n),
        .gxy = ISAKMP_BYTES(gxy, gxy_n),
    };
    memcpy(in.cky_i, ci, 8);
    memcpy(in.cky_r, cr, 8);
    struct isakmp_ks_phase1 ks;
    REQUIRE(isakmp_ks_phase1_compute(&in, &ks) == ISAKMP_KS_OK);

    const struct { const char *field; const uint8_t *got; size_t len; } cmp[] = {
        { "SKEYID", ks.skeyid, ks.prf_len },     { "SKEYID_d", ks.skeyid_d, ks.prf_len },
        { "SKEYID_a", ks.skeyid_a, ks.prf_len }, { "SKEYID_e", ks.skeyid_e, ks.prf_len },
        { "Ka", ks.key, ks.key_len },            { "IV_phase1", ks.iv, ks.block_size },
    };
    for (size_t i = 0; i < sizeof cmp / sizeof cmp[0]; i++) {
        size_t n;
        uint8_t *want = json_hex(c, cmp[i].field, &n);
        CHECK_MSG(want != NULL, "field %s missing", cmp[i].field);
        if (want) CHECK_MEM(cmp[i].got, cmp[i].len, want, n);
        free(want);
    }

    /* The same intermediates through the single-step functions. */
    uint8_t skeyid[ISAKMP_HASH_MAX], e[ISAKMP_HASH_MAX], key[ISAKMP_CIPHER_KEY_MAX];
    size_t key_len = 0;
    CHECK_INT(isakmp_ks_skeyid_psk(ISAKMP_HASH_SHA1, in.psk, in.ni_b, in.nr_b, skeyid), 0);
    CHECK_MEM(skeyid, 20, ks.skeyid, 20);
    CHECK_INT(isakmp_ks_skeyid_dae(ISAKMP_HASH_SHA1, skeyid, in.gxy, ci, cr, NULL, NULL, e), 0);
    CHECK_MEM(e, 20, ks.skeyid_e, 20);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_AES_CBC, 128, e, key, &key_len), 0);
    CHECK_MEM(key, key_len, ks.key, 16);

    /* HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
    uint8_t hash_r[ISAKMP_HASH_MAX], hash_i[ISAKMP_HASH_MAX];
    size_t n;
    uint8_t *want = json_hex(c, "HASH_R", &n);
    CHECK_INT(isakmp_ks_hash_r(ISAKMP_HASH_SHA1, ks.skeyid, in.gxi, in.gxr, ci, cr,
                               ISAKMP_BYTES(sa, sa_n), ISAKMP_BYTES(id, id_n), hash_r), 0);
    CHECK(want != NULL);
    if (want) CHECK_MEM(hash_r, 20, want, n);
    if (want) CHECK(isakmp_memeq_ct(hash_r, want, 20));
    free(want);
    /* HASH_I over the same ID must differ (order of g^x and cookies). */
    CHECK_INT(isakmp_ks_hash_i(ISAKMP_HASH_SHA1, ks.skeyid, in.gxi, in.gxr, ci, cr,
                               ISAKMP_BYTES(sa, sa_n), ISAKMP_BYTES(id, id_n), hash_i), 0);
    CHECK(memcmp(hash_i, hash_r, 20) != 0);

    /* Informational IV: hash(last phase-1 CBC block | M-ID).  The chain
     * sends its Informational before any encrypted phase-1 message, so
     * the "last block" is the phase-1 IV itself. */
    size_t mid_n, ivx_n;
    uint8_t *mid = json_hex(c, "msgid", &mid_n), *ivx = json_hex(c, "IV_msgid", &ivx_n);
    if (mid && ivx) {
        uint8_t iv2[16];
        REQUIRE(mid_n == 4);
        CHECK_INT(isakmp_ks_phase2_iv(ISAKMP_HASH_SHA1, ks.iv, 16, mid, iv2), 0);
        CHECK_MEM(iv2, 16, ivx, ivx_n);
    }
    free(mid);
    free(ivx);
    isakmp_wipe(&ks, sizeof ks);
    free(ci); free(cr); free(ni); free(nr); free(gxi); free(gxr); free(gxy); free(sa); free(id);
}

static json_t *chains;

static void chain_1(void) { check_chain(json_array_get(chains, 0)); }
static void chain_2_informational(void)
{
    json_t *c = json_array_get(chains, 1);
    REQUIRE(json_object_get(c, "IV_msgid") != NULL);
    check_chain(c);
}

/* The file's third entry: a group-2 exchange whose g^xy starts with a
 * zero byte.  The DH layer must hand the key schedule all 128 bytes
 * (RFC 2409 uses g^xy at the group's full length); dropping the zero
 * would change every key after it. */
static void chain_3_leading_zero_secret(void)
{
    json_t *c = json_array_get(chains, 2);
    REQUIRE(c != NULL);
    size_t xn = 0, gxn = 0, gyn = 0, sn = 0;
    uint8_t *x = json_hex(c, "x", &xn), *gx = json_hex(c, "g_x", &gxn);
    uint8_t *gy = json_hex(c, "g_y_peer", &gyn), *want = json_hex(c, "g_xy", &sn);
    REQUIRE(x && gx && gy && want);
    CHECK_INT(sn, 128);
    CHECK_INT(want[0], 0);                  /* the point of this vector */
    struct isakmp_dh_key *k = NULL;
    struct isakmp_crypto_cost rep;
    REQUIRE(isakmp_dh_key_from_private(2 /* MODP 1024 */, x, xn, NULL, &k, &rep) ==
            ISAKMP_DH_OK);
    size_t pn = 0;
    const uint8_t *pub = isakmp_dh_public(k, &pn);
    CHECK_MEM(pub, pn, gx, gxn);
    uint8_t out[ISAKMP_DH_MAX_SHARED];
    size_t on = 0;
    CHECK(isakmp_dh_compute(k, gy, gyn, out, sizeof out, &on, NULL, NULL) == ISAKMP_DH_OK);
    CHECK_MEM(out, on, want, sn);

    /* SKEYID_d over the padded value differs from one over the value
     * without its zero byte: the length matters downstream. */
    uint8_t sk[ISAKMP_HASH_MAX] = { 0 }, d1[ISAKMP_HASH_MAX], d2[ISAKMP_HASH_MAX];
    uint8_t a[ISAKMP_HASH_MAX], e[ISAKMP_HASH_MAX], cky[8] = { 0 };
    CHECK(isakmp_ks_skeyid_dae(ISAKMP_HASH_SHA1, sk, ISAKMP_BYTES(out, on), cky, cky, d1, a, e) == 0);
    CHECK(isakmp_ks_skeyid_dae(ISAKMP_HASH_SHA1, sk, ISAKMP_BYTES(out + 1, on - 1), cky, cky, d2,
                               a, e) == 0);
    CHECK(memcmp(d1, d2, 20) != 0);
    isakmp_dh_key_free(k);
    isakmp_wipe(out, sizeof out);
    free(x); free(gx); free(gy); free(want);
}

/* Independent restatement: HMAC-SHA1 over one flat buffer. */
static void flat_hmac_sha1(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen,
                           uint8_t out[20])
{
    struct hmac_sha1_ctx h;
    hmac_sha1_set_key(&h, klen, key);
    hmac_sha1_update(&h, mlen, msg);
    hmac_sha1_digest(&h, 20, out);
}

static void phase2_formulas(void)
{
    uint8_t ska[20], skd[20], ni[16], nr[24], mid[4] = { 0xd8, 0x02, 0x9d, 0x42 };
    uint8_t spi[4] = { 0x12, 0x34, 0x56, 0x78 }, g[32], rest1[40], rest2[12];
    for (size_t i = 0; i < 20; i++) { ska[i] = (uint8_t)(i * 7 + 1); skd[i] = (uint8_t)(i * 13 + 5); }
    for (size_t i = 0; i < sizeof ni; i++) ni[i] = (uint8_t)(0xa0 + i);
    for (size_t i = 0; i < sizeof nr; i++) nr[i] = (uint8_t)(0x30 + 3 * i);
    for (size_t i = 0; i < sizeof g; i++) g[i] = (uint8_t)(0xf0 ^ i);
    for (size_t i = 0; i < sizeof rest1; i++) rest1[i] = (uint8_t)i;
    for (size_t i = 0; i < sizeof rest2; i++) rest2[i] = (uint8_t)(0x80 | i);

    uint8_t buf[256], want[20], got[ISAKMP_HASH_MAX];
    size_t n;
    const struct isakmp_bytes rest[] = { ISAKMP_BYTES(rest1, sizeof rest1),
                                         ISAKMP_BYTES(rest2, sizeof rest2) };

    /* HASH(1) = prf(SKEYID_a, M-ID | SA | Ni ...) */
    n = 0;
    memcpy(buf + n, mid, 4); n += 4;
    memcpy(buf + n, rest1, sizeof rest1); n += sizeof rest1;
    memcpy(buf + n, rest2, sizeof rest2); n += sizeof rest2;
    flat_hmac_sha1(ska, 20, buf, n, want);
    CHECK_INT(isakmp_ks_qm_hash1(ISAKMP_HASH_SHA1, ska, mid, rest, 2, got), 0);
    CHECK_MEM(got, 20, want, 20);
    /* Informational HASH(1) and New Group Mode HASH share the shape. */
    CHECK_INT(isakmp_ks_info_hash(ISAKMP_HASH_SHA1, ska, mid, rest, 2, got), 0);
    CHECK_MEM(got, 20, want, 20);
    n = 0;
    memcpy(buf + n, mid, 4); n += 4;
    memcpy(buf + n, rest1, sizeof rest1); n += sizeof rest1;
    flat_hmac_sha1(ska, 20, buf, n, want);
    CHECK_INT(isakmp_ks_ngm_hash(ISAKMP_HASH_SHA1, ska, mid, rest[0], got), 0);
    CHECK_MEM(got, 20, want, 20);

    /* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest) */
    n = 0;
    memcpy(buf + n, mid, 4); n += 4;
    memcpy(buf + n, ni, sizeof ni); n += sizeof ni;
    memcpy(buf + n, rest1, sizeof rest1); n += sizeof rest1;
    memcpy(buf + n, rest2, sizeof rest2); n += sizeof rest2;
    flat_hmac_sha1(ska, 20, buf, n, want);
    CHECK_INT(isakmp_ks_qm_hash2(ISAKMP_HASH_SHA1, ska, mid, ISAKMP_BYTES(ni, sizeof ni),
                                 rest, 2, got), 0);
    CHECK_MEM(got, 20, want, 20);

    /* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
    n = 0;
    buf[n++] = 0;
    memcpy(buf + n, mid, 4); n += 4;
    memcpy(buf + n, ni, sizeof ni); n += sizeof ni;
    memcpy(buf + n, nr, sizeof nr); n += sizeof nr;
    flat_hmac_sha1(ska, 20, buf, n, want);
    CHECK_INT(isakmp_ks_qm_hash3(ISAKMP_HASH_SHA1, ska, mid, ISAKMP_BYTES(ni, sizeof ni),
                                 ISAKMP_BYTES(nr, sizeof nr), got), 0);
    CHECK_MEM(got, 20, want, 20);

    /* KEYMAT with and without PFS, expanded to 3 blocks:
     * K1 = prf(SKEYID_d, [g^xy |] proto | SPI | Ni | Nr), Kn = prf(SKEYID_d, K(n-1) | seed) */
    for (int pfs = 0; pfs < 2; pfs++) {
        uint8_t seed[128], k[60], blk[20];
        size_t s = 0;
        if (pfs) { memcpy(seed, g, sizeof g); s += sizeof g; }
        seed[s++] = ISAKMP_PROTO_ESP;
        memcpy(seed + s, spi, 4); s += 4;
        memcpy(seed + s, ni, sizeof ni); s += sizeof ni;
        memcpy(seed + s, nr, sizeof nr); s += sizeof nr;
        flat_hmac_sha1(skd, 20, seed, s, k);
        for (int b = 1; b < 3; b++) {
            memcpy(buf, k + 20 * (b - 1), 20);
            memcpy(buf + 20, seed, s);
            flat_hmac_sha1(skd, 20, buf, 20 + s, blk);
            memcpy(k + 20 * b, blk, 20);
        }
        uint8_t out[56];
        CHECK_INT(isakmp_ks_keymat(ISAKMP_HASH_SHA1, skd,
                                   pfs ? ISAKMP_BYTES(g, sizeof g) : ISAKMP_BYTES(NULL, 0),
                                   ISAKMP_PROTO_ESP, ISAKMP_BYTES(spi, 4),
                                   ISAKMP_BYTES(ni, sizeof ni), ISAKMP_BYTES(nr, sizeof nr),
                                   out, sizeof out), 0);
        CHECK_MEM(out, sizeof out, k, sizeof out);
    }

    /* Revised PKE key: Ne_i = prf(Ni_b, CKY-I), then Appendix B to 24
     * bytes for 3DES: K1 = prf(Ne_i, 0), K2 = prf(Ne_i, K1). */
    uint8_t cky[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, ne[20], k1[20], k2[20], key[56];
    size_t klen = 0;
    flat_hmac_sha1(ni, sizeof ni, cky, 8, ne);
    uint8_t zero = 0;
    flat_hmac_sha1(ne, 20, &zero, 1, k1);
    flat_hmac_sha1(ne, 20, k1, 20, k2);
    CHECK_INT(isakmp_ks_rpke_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_3DES_CBC, 0,
                                 ISAKMP_BYTES(ni, sizeof ni), cky, key, &klen), 0);
    CHECK_INT(klen, 24);
    CHECK_MEM(key, 20, k1, 20);
    CHECK_MEM(key + 20, 4, k2, 4);
    /* With AES-128 the 20-byte Ne_i is long enough: its prefix. */
    CHECK_INT(isakmp_ks_rpke_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_AES_CBC, 128,
                                 ISAKMP_BYTES(ni, sizeof ni), cky, key, &klen), 0);
    CHECK_INT(klen, 16);
    CHECK_MEM(key, 16, ne, 16);

    /* SKEYID for public-key encryption: prf(hash(Ni | Nr), CKY-I | CKY-R). */
    uint8_t cky_r[8] = { 9, 9, 8, 8, 7, 7, 6, 6 }, hk[20], both[16];
    struct sha1_ctx sh;
    sha1_init(&sh);
    sha1_update(&sh, sizeof ni, ni);
    sha1_update(&sh, sizeof nr, nr);
    sha1_digest(&sh, 20, hk);
    memcpy(both, cky, 8);
    memcpy(both + 8, cky_r, 8);
    flat_hmac_sha1(hk, 20, both, 16, want);
    CHECK_INT(isakmp_ks_skeyid_pke(ISAKMP_HASH_SHA1, ISAKMP_BYTES(ni, sizeof ni),
                                   ISAKMP_BYTES(nr, sizeof nr), cky, cky_r, got), 0);
    CHECK_MEM(got, 20, want, 20);
}

/* DES: "the first eight non-weak bytes" - a weak first slice is skipped. */
static void des_weak_key_slices(void)
{
    uint8_t e[20], key[56];
    size_t klen = 0;
    memset(e, 0x01, 8);                 /* 0101..01: the all-zero weak key with parity */
    for (int i = 8; i < 20; i++) e[i] = (uint8_t)(0x10 + i);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_DES_CBC, 0, e, key, &klen), 0);
    CHECK_INT(klen, 8);
    CHECK_MEM(key, 8, e + 8, 8);
    /* Both slices weak: refused. */
    memset(e + 8, 0xfe, 8);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_DES_CBC, 0, e, key, &klen),
              ISAKMP_KS_E_WEAK_KEY);
    /* A normal SKEYID_e gives its own first 8 bytes. */
    for (int i = 0; i < 20; i++) e[i] = (uint8_t)(0x31 * i + 7);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_DES_CBC, 0, e, key, &klen), 0);
    CHECK_MEM(key, 8, e, 8);
}

static void bad_inputs_refused(void)
{
    uint8_t n[8] = { 1 }, out[ISAKMP_HASH_MAX], key[56], sk[20] = { 2 }, blk[16] = { 0 };
    uint8_t mid[4] = { 0 }, big[600] = { 0 };
    size_t klen;
    struct isakmp_bytes b = ISAKMP_BYTES(n, 8), empty = ISAKMP_BYTES(NULL, 0);
    CHECK_INT(isakmp_ks_skeyid_psk(3 /* Tiger */, b, b, b, out), ISAKMP_KS_E_HASH);
    CHECK_INT(isakmp_ks_skeyid_psk(ISAKMP_HASH_SHA1, empty, b, b, out), ISAKMP_KS_E_INPUT);
    CHECK_INT(isakmp_ks_skeyid_sig(ISAKMP_HASH_SHA1, b, b, empty, out), ISAKMP_KS_E_INPUT);
    CHECK_INT(isakmp_ks_skeyid_sig(ISAKMP_HASH_SHA1, ISAKMP_BYTES(big, 300), b, b, out),
              ISAKMP_KS_E_LENGTH);
    /* AES key length 100, a Key-Length for 3DES, AES without one. */
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_AES_CBC, 100, sk, key, &klen),
              ISAKMP_KS_E_CIPHER);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_3DES_CBC, 192, sk, key, &klen),
              ISAKMP_KS_E_CIPHER);
    CHECK_INT(isakmp_ks_cipher_key(ISAKMP_HASH_SHA1, ISAKMP_ENC_AES_CBC, 0, sk, key, &klen),
              ISAKMP_KS_E_CIPHER);
    /* An IV longer than an MD5 hash, and a zero block. */
    CHECK_INT(isakmp_ks_phase1_iv(ISAKMP_HASH_MD5, b, b, 17, out), ISAKMP_KS_E_LENGTH);
    CHECK_INT(isakmp_ks_phase2_iv(ISAKMP_HASH_SHA1, blk, 0, mid, out), ISAKMP_KS_E_LENGTH);
    CHECK_INT(isakmp_ks_expand_phase1(ISAKMP_HASH_SHA1, b, big, ISAKMP_KS_EXPAND_MAX + 1),
              ISAKMP_KS_E_LENGTH);
    CHECK_INT(isakmp_ks_keymat(ISAKMP_HASH_SHA1, sk, empty, 3, empty, b, b, out, 20),
              ISAKMP_KS_E_INPUT);
    struct isakmp_ks_phase1_input in = { .auth = 2 /* DSS */, .hash = ISAKMP_HASH_SHA1,
                                         .cipher = ISAKMP_ENC_AES_CBC, .key_attr_bits = 128,
                                         .ni_b = b, .nr_b = b, .gxi = b, .gxr = b, .gxy = b };
    struct isakmp_ks_phase1 ks;
    CHECK_INT(isakmp_ks_phase1_compute(&in, &ks), ISAKMP_KS_OK);
    in.auth = 9;
    CHECK_INT(isakmp_ks_phase1_compute(&in, &ks), ISAKMP_KS_E_AUTH);
    in.auth = ISAKMP_AUTH_PSK;          /* PSK missing */
    CHECK_INT(isakmp_ks_phase1_compute(&in, &ks), ISAKMP_KS_E_INPUT);
    uint8_t zeros[sizeof ks] = { 0 };
    CHECK(memcmp(&ks, zeros, sizeof ks) == 0);   /* wiped on error */
}

int main(void)
{
    chains = load_shared_json("vectors/ikev1_session_chains.json");
    RUN(appendix_b_expansions);
    RUN(chain_1);
    RUN(chain_2_informational);
    RUN(chain_3_leading_zero_secret);
    RUN(phase2_formulas);
    RUN(des_weak_key_slices);
    RUN(bad_inputs_refused);
    json_decref(chains);
    return check_summary();
}
