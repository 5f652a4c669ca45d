/* Key generation: exponent policy (FULL / SHORT / recommended short) and
 * what is recorded; cost reports; round trips for every group;
 * determinism through the DRBG; a broken random source; the group
 * parameter tables against ../shared/vectors/modp_groups.json; Brainpool
 * scalars (libgcrypt groups 27-30) in [1, n-1]; and that private values
 * and shared secrets are wiped before GMP, Nettle or libgcrypt free their
 * memory. */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/dh.h"
#include "isakmp/drbg.h"
#include "isakmp/secmem.h"
#include "crypto/dh_impl.h"         /* white box: the parameter tables */

#include <gcrypt.h>
#include <gmp.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct isakmp_dh_key *gen(uint16_t group, const struct isakmp_dh_exp_policy *pol,
                                 struct isakmp_drbg *d, enum isakmp_dh_error *err,
                                 const struct isakmp_cost_table *t,
                                 struct isakmp_crypto_cost *rep)
{
    struct isakmp_dh_key *k = NULL;
    *err = isakmp_dh_generate(group, pol, isakmp_drbg_random, d, t, &k, rep);
    return k;
}

static void short_exponent_sizes(void)
{
    static const uint16_t groups[] = { 1, 2, 5, 14, 15, 16, 17, 18 };
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"short", 5, 0, 0);
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        const struct isakmp_dh_group_info *in = isakmp_dh_group(groups[i]);
        REQUIRE(in != NULL);
        const unsigned sizes[] = { 0, 64, 200, 256, 511 };
        for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            unsigned want = sizes[j] ? sizes[j] : in->short_exp_bits;
            for (int rep = 0; rep < 8; rep++) {
                struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_SHORT, sizes[j] };
                enum isakmp_dh_error err;
                struct isakmp_crypto_cost r;
                struct isakmp_dh_key *k = gen(groups[i], &pol, d, &err, NULL, &r);
                CHECK_INT(err, ISAKMP_DH_OK);
                if (!k)
                    continue;
                CHECK_INT(isakmp_dh_key_exp_bits(k), want);   /* exactly the size */
                struct isakmp_dh_exp_policy got = isakmp_dh_key_policy(k);
                CHECK_INT(got.kind, ISAKMP_DH_EXP_SHORT);
                CHECK_INT(got.bits, want);
                CHECK_INT(r.bits, want);
                /* and the exported private value says the same */
                uint8_t x[ISAKMP_DH_MAX_PUBLIC];
                size_t xl = isakmp_dh_key_export_private(k, x, sizeof x);
                mpz_t z;
                mpz_init(z);
                mpz_import(z, xl, 1, 1, 1, 0, x);
                CHECK_INT(mpz_sizeinbase(z, 2), want);
                mpz_clear(z);
                isakmp_wipe(x, sizeof x);
                isakmp_dh_key_free(k);
            }
        }
    }
    isakmp_drbg_free(d);
}

static void recommended_short_values(void)
{
    /* 2 x the upper RFC 3526 §8 strength estimate */
    CHECK_INT(isakmp_dh_group(5)->short_exp_bits, 240);
    CHECK_INT(isakmp_dh_group(14)->short_exp_bits, 320);
    CHECK_INT(isakmp_dh_group(15)->short_exp_bits, 420);
    CHECK_INT(isakmp_dh_group(16)->short_exp_bits, 480);
    CHECK_INT(isakmp_dh_group(17)->short_exp_bits, 540);
    CHECK_INT(isakmp_dh_group(18)->short_exp_bits, 620);
    CHECK_INT(isakmp_dh_group(22)->short_exp_bits, 160);
    CHECK_INT(isakmp_dh_group(23)->short_exp_bits, 224);
    CHECK_INT(isakmp_dh_group(24)->short_exp_bits, 256);
}

static void bad_policies(void)
{
    struct isakmp_drbg *d = isakmp_drbg_new(NULL, 0, 0, 0);
    enum isakmp_dh_error err;
    struct isakmp_dh_exp_policy p1 = { ISAKMP_DH_EXP_SHORT, 63 };
    CHECK(gen(14, &p1, d, &err, NULL, NULL) == NULL);
    CHECK_INT(err, ISAKMP_DH_ERR_POLICY);
    struct isakmp_dh_exp_policy p2 = { ISAKMP_DH_EXP_SHORT, 2048 };
    CHECK(gen(14, &p2, d, &err, NULL, NULL) == NULL);
    CHECK_INT(err, ISAKMP_DH_ERR_POLICY);
    struct isakmp_dh_exp_policy p3 = { ISAKMP_DH_EXP_SHORT, 161 };   /* > q of group 22 */
    CHECK(gen(22, &p3, d, &err, NULL, NULL) == NULL);
    CHECK_INT(err, ISAKMP_DH_ERR_POLICY);
    struct isakmp_dh_exp_policy p4 = { (enum isakmp_dh_exp_kind)7, 0 };
    CHECK(gen(14, &p4, d, &err, NULL, NULL) == NULL);
    CHECK_INT(err, ISAKMP_DH_ERR_POLICY);
    /* SHORT of the full size is FULL */
    struct isakmp_dh_exp_policy p5 = { ISAKMP_DH_EXP_SHORT, 0 };
    struct isakmp_dh_key *k = gen(24, &p5, d, &err, NULL, NULL);
    REQUIRE(k != NULL);
    CHECK_INT(isakmp_dh_key_policy(k).kind, ISAKMP_DH_EXP_FULL);
    CHECK(isakmp_dh_key_exp_bits(k) <= 256);
    isakmp_dh_key_free(k);
    /* ECP ignores SHORT: the scalar is full size, recorded as FULL */
    k = gen(19, &p1, d, &err, NULL, NULL);
    REQUIRE(k != NULL);
    CHECK_INT(isakmp_dh_key_policy(k).kind, ISAKMP_DH_EXP_FULL);
    CHECK_INT(isakmp_dh_key_policy(k).bits, 256);
    isakmp_dh_key_free(k);
    /* the same for the libgcrypt ECP groups */
    k = gen(28, &p1, d, &err, NULL, NULL);
    REQUIRE(k != NULL);
    CHECK_INT(isakmp_dh_key_policy(k).kind, ISAKMP_DH_EXP_FULL);
    CHECK_INT(isakmp_dh_key_policy(k).bits, 256);
    isakmp_dh_key_free(k);
    isakmp_drbg_free(d);
}

/* FULL exponents lie in [2, q-1]. */
static void full_exponent_range(void)
{
    static const uint16_t groups[] = { 1, 2, 22, 23, 24 };
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"full", 4, 0, 0);
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        const struct dh_group *g = dh_group_find(groups[i]);
        REQUIRE(g != NULL);
        mpz_t q, x;
        mpz_init(x);
        mpz_init(q);
        if (g->q_hex) {
            mpz_set_str(q, g->q_hex, 16);
        } else {
            mpz_set_str(q, g->p_hex, 16);
            mpz_sub_ui(q, q, 1);
            mpz_tdiv_q_2exp(q, q, 1);
        }
        unsigned maxbits = 0;
        for (int rep = 0; rep < 16; rep++) {
            enum isakmp_dh_error err;
            struct isakmp_dh_key *k = gen(groups[i], NULL, d, &err, NULL, NULL);
            CHECK_INT(err, ISAKMP_DH_OK);
            if (!k)
                continue;
            CHECK_INT(isakmp_dh_key_policy(k).kind, ISAKMP_DH_EXP_FULL);
            CHECK_INT(isakmp_dh_key_policy(k).bits, g->info.full_exp_bits);
            uint8_t b[ISAKMP_DH_MAX_PUBLIC];
            size_t bl = isakmp_dh_key_export_private(k, b, sizeof b);
            mpz_import(x, bl, 1, 1, 1, 0, b);
            CHECK(mpz_cmp_ui(x, 2) >= 0 && mpz_cmp(x, q) < 0);
            if (isakmp_dh_key_exp_bits(k) > maxbits)
                maxbits = isakmp_dh_key_exp_bits(k);
            isakmp_dh_key_free(k);
        }
        /* 16 uniform draws below q: the top bit shows up */
        CHECK(maxbits + 4 >= g->info.full_exp_bits);
        mpz_clear(x);
        mpz_clear(q);
    }
    isakmp_drbg_free(d);
}

/* Two generated keys agree, for every supported group. */
static void round_trip_all_groups(void)
{
    uint16_t ids[64];
    size_t n = isakmp_dh_groups(ids, 64);
    CHECK_INT(n, 22);
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"rt", 2, 0, 0);
    for (size_t i = 0; i < n && i < 64; i++) {
        struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_SHORT, 0 };
        enum isakmp_dh_error e1, e2;
        struct isakmp_dh_key *a = gen(ids[i], &pol, d, &e1, NULL, NULL);
        struct isakmp_dh_key *b = gen(ids[i], &pol, d, &e2, NULL, NULL);
        CHECK_MSG(a && b, "group %u", ids[i]);
        if (a && b) {
            size_t al, bl, s1l, s2l;
            const uint8_t *ap = isakmp_dh_public(a, &al), *bp = isakmp_dh_public(b, &bl);
            uint8_t s1[ISAKMP_DH_MAX_SHARED], s2[ISAKMP_DH_MAX_SHARED];
            CHECK_INT(isakmp_dh_compute(a, bp, bl, s1, sizeof s1, &s1l, NULL, NULL), 0);
            CHECK_INT(isakmp_dh_compute(b, ap, al, s2, sizeof s2, &s2l, NULL, NULL), 0);
            CHECK_INT(s1l, isakmp_dh_group(ids[i])->shared_len);
            CHECK_MEM(s1, s1l, s2, s2l);
        }
        isakmp_dh_key_free(a);
        isakmp_dh_key_free(b);
    }
    isakmp_drbg_free(d);
}

static void deterministic_with_drbg(void)
{
    const uint16_t groups[] = { 2, 19, 28, 31 };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        struct isakmp_drbg *d1 = isakmp_drbg_new((const uint8_t *)"s", 1, 3, 7);
        struct isakmp_drbg *d2 = isakmp_drbg_new((const uint8_t *)"s", 1, 3, 7);
        struct isakmp_drbg *d3 = isakmp_drbg_new((const uint8_t *)"s", 1, 3, 8);
        enum isakmp_dh_error e;
        struct isakmp_dh_key *a = gen(groups[i], NULL, d1, &e, NULL, NULL);
        struct isakmp_dh_key *b = gen(groups[i], NULL, d2, &e, NULL, NULL);
        struct isakmp_dh_key *c = gen(groups[i], NULL, d3, &e, NULL, NULL);
        REQUIRE(a && b && c);
        size_t al, bl, cl;
        const uint8_t *ap = isakmp_dh_public(a, &al);
        const uint8_t *bp = isakmp_dh_public(b, &bl);
        const uint8_t *cp = isakmp_dh_public(c, &cl);
        CHECK_MEM(ap, al, bp, bl);
        CHECK(memcmp(ap, cp, al) != 0);
        isakmp_dh_key_free(a); isakmp_dh_key_free(b); isakmp_dh_key_free(c);
        isakmp_drbg_free(d1); isakmp_drbg_free(d2); isakmp_drbg_free(d3);
    }
}

static void zero_random(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    memset(buf, 0, len);
}

static void broken_random_source(void)
{
    struct isakmp_dh_key *k = (struct isakmp_dh_key *)1;
    CHECK_INT(isakmp_dh_generate(14, NULL, zero_random, NULL, NULL, &k, NULL),
              ISAKMP_DH_ERR_RANDOM);
    CHECK(k == NULL);
    CHECK_INT(isakmp_dh_generate(19, NULL, zero_random, NULL, NULL, &k, NULL),
              ISAKMP_DH_ERR_RANDOM);
    CHECK_INT(isakmp_dh_generate(28, NULL, zero_random, NULL, NULL, &k, NULL),
              ISAKMP_DH_ERR_RANDOM);
    CHECK(k == NULL);
    CHECK_INT(isakmp_dh_error_notify(ISAKMP_DH_ERR_RANDOM), 0);
}

static void cost_reports(void)
{
    struct isakmp_cost_table t;
    isakmp_cost_table_init(&t);
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_GENERATE, 14, 320, 12345));
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 14, 320, 23456));
    struct isakmp_drbg *d = isakmp_drbg_new(NULL, 0, 0, 0);
    struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_SHORT, 0 };
    struct isakmp_crypto_cost r;
    enum isakmp_dh_error e;
    struct isakmp_dh_key *a = gen(14, &pol, d, &e, &t, &r);
    REQUIRE(a != NULL);
    CHECK_INT(r.kind, ISAKMP_COST_DH_GENERATE);
    CHECK_INT(r.group, 14);
    CHECK_INT(r.bits, 320);
    CHECK_INT(r.virtual_ns, 12345);
    CHECK(r.cpu_ns > 0);                  /* a 2048-bit exponentiation takes > 1 ns */
    size_t pl;
    const uint8_t *p = isakmp_dh_public(a, &pl);
    uint8_t s[256];
    size_t sl;
    CHECK_INT(isakmp_dh_compute(a, p, pl, s, sizeof s, &sl, &t, &r), ISAKMP_DH_OK);
    CHECK_INT(r.kind, ISAKMP_COST_DH_COMPUTE);
    CHECK_INT(r.virtual_ns, 23456);
    /* FULL: no entry for 2047 bits -> scaled from the nearest (320) */
    struct isakmp_dh_key *b = gen(14, NULL, d, &e, &t, &r);
    REQUIRE(b != NULL);
    CHECK_INT(r.bits, 2047);
    CHECK_INT(r.virtual_ns, 12345ull * 2047 / 320);
    /* no table: virtual cost 0, CPU time still measured */
    struct isakmp_dh_key *c = gen(15, NULL, d, &e, NULL, &r);
    REQUIRE(c != NULL);
    CHECK_INT(r.virtual_ns, 0);
    CHECK(r.cpu_ns > 0);
    isakmp_dh_key_free(a); isakmp_dh_key_free(b); isakmp_dh_key_free(c);
    isakmp_drbg_free(d);
}

/* The default model's Brainpool figures (isakmp/cost.h): quadratic in
 * 64-bit limbs from 0.85 ms, generate = compute; reported by the calls. */
static void brainpool_cost_model(void)
{
    static const struct { uint16_t group; uint64_t ns; } want[] = {
        { 27, 850000 }, { 28, 850000 }, { 29, 1912500 }, { 30, 3400000 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        unsigned bits = isakmp_dh_group(want[i].group)->full_exp_bits;
        CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, want[i].group, bits), want[i].ns);
        CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_GENERATE, want[i].group, bits), want[i].ns);
    }
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 19, 256), 95000);   /* Nettle: unchanged */
    struct isakmp_cost_table t;
    isakmp_cost_table_init(&t);
    struct isakmp_drbg *d = isakmp_drbg_new(NULL, 0, 0, 0);
    struct isakmp_crypto_cost r;
    enum isakmp_dh_error e;
    struct isakmp_dh_key *a = gen(28, NULL, d, &e, &t, &r);
    REQUIRE(a != NULL);
    CHECK_INT(r.kind, ISAKMP_COST_DH_GENERATE);
    CHECK_INT(r.group, 28);
    CHECK_INT(r.bits, 256);
    CHECK_INT(r.virtual_ns, 850000);
    CHECK(r.cpu_ns > 0);
    size_t pl, sl;
    const uint8_t *p = isakmp_dh_public(a, &pl);
    uint8_t s[64];
    CHECK_INT(isakmp_dh_compute(a, p, pl, s, sizeof s, &sl, &t, &r), ISAKMP_DH_OK);
    CHECK_INT(r.kind, ISAKMP_COST_DH_COMPUTE);
    CHECK_INT(r.virtual_ns, 850000);
    isakmp_wipe(s, sizeof s);
    isakmp_dh_key_free(a);
    isakmp_drbg_free(d);
}

/* Brainpool (libgcrypt) scalars: generated ones lie in [1, n-1] and use
 * the full size; given ones outside [1, n-1] are refused.  n typed from
 * RFC 5639 §3.2-3.7. */
static void brainpool_scalar_range(void)
{
    static const char *const order[] = {
        "D7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F",
        "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
        "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7"
        "CF3AB6AF6B7FC3103B883202E9046565",
        "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870"
        "553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069",
    };
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"bp", 2, 0, 0);
    for (uint16_t group = 27; group <= 30; group++) {
        const struct isakmp_dh_group_info *in = isakmp_dh_group(group);
        REQUIRE(in != NULL && in->type == ISAKMP_DH_TYPE_ECP);
        size_t fl = in->shared_len;
        mpz_t n, x;
        mpz_init_set_str(n, order[group - 27], 16);
        mpz_init(x);
        CHECK_INT(mpz_sizeinbase(n, 2), in->full_exp_bits);
        unsigned maxbits = 0;
        for (int rep = 0; rep < 12; rep++) {
            enum isakmp_dh_error err;
            struct isakmp_dh_key *k = gen(group, NULL, d, &err, NULL, NULL);
            CHECK_INT(err, ISAKMP_DH_OK);
            if (!k)
                continue;
            uint8_t b[ISAKMP_DH_MAX_PUBLIC];
            size_t bl = isakmp_dh_key_export_private(k, b, sizeof b);
            CHECK_INT(bl, fl);
            mpz_import(x, bl, 1, 1, 1, 0, b);
            CHECK(mpz_sgn(x) > 0 && mpz_cmp(x, n) < 0);
            if (isakmp_dh_key_exp_bits(k) > maxbits)
                maxbits = isakmp_dh_key_exp_bits(k);
            isakmp_wipe(b, sizeof b);
            isakmp_dh_key_free(k);
        }
        CHECK(maxbits + 4 >= in->full_exp_bits);
        /* given values: 0, n, n+1, 2^bits-1 refused; 1 and n-1 accepted */
        uint8_t v[64];
        struct isakmp_dh_key *k = NULL;
        memset(v, 0, fl);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl, NULL, &k, NULL), ISAKMP_DH_ERR_ARG);
        mpz_export(v, NULL, 1, 1, 1, 0, n);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl, NULL, &k, NULL), ISAKMP_DH_ERR_ARG);
        mpz_add_ui(x, n, 1);
        mpz_export(v, NULL, 1, 1, 1, 0, x);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl, NULL, &k, NULL), ISAKMP_DH_ERR_ARG);
        memset(v, 0xff, fl);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl, NULL, &k, NULL), ISAKMP_DH_ERR_ARG);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl + 1, NULL, &k, NULL), ISAKMP_DH_ERR_ARG);
        CHECK(k == NULL);
        mpz_sub_ui(x, n, 1);
        mpz_export(v, NULL, 1, 1, 1, 0, x);
        CHECK_INT(isakmp_dh_key_from_private(group, v, fl, NULL, &k, NULL), ISAKMP_DH_OK);
        isakmp_dh_key_free(k);
        k = NULL;
        v[0] = 1;
        CHECK_INT(isakmp_dh_key_from_private(group, v, 1, NULL, &k, NULL), ISAKMP_DH_OK);
        if (k)
            CHECK_INT(isakmp_dh_key_exp_bits(k), 1);
        isakmp_dh_key_free(k);
        mpz_clear(n);
        mpz_clear(x);
    }
    isakmp_drbg_free(d);
}

/* The tables in engine/crypto/dh_params.c against the shared copy. */
static void group_parameters(void)
{
    json_t *m = load_shared_json("vectors/modp_groups.json");
    const char *key;
    json_t *v;
    int seen = 0;
    json_object_foreach(m, key, v) {
        const struct dh_group *g = dh_group_find((uint16_t)atoi(key));
        CHECK_MSG(g != NULL, "group %s missing", key);
        if (!g)
            continue;
        seen++;
        mpz_t a, b;
        mpz_init_set_str(a, g->p_hex, 16);
        mpz_init_set_str(b, json_string_value(json_object_get(v, "p")), 16);
        CHECK_MSG(mpz_cmp(a, b) == 0, "group %s: p differs", key);
        CHECK_INT(mpz_sizeinbase(a, 2), g->info.modulus_bits);
        CHECK_INT(json_integer_value(json_object_get(v, "bits")), g->info.modulus_bits);
        mpz_set_str(a, g->g_hex, 16);
        json_t *gj = json_object_get(v, "g");
        if (json_is_integer(gj))
            mpz_set_ui(b, (unsigned long)json_integer_value(gj));
        else
            mpz_set_str(b, json_string_value(gj), 16);
        CHECK_MSG(mpz_cmp(a, b) == 0, "group %s: g differs", key);
        json_t *qj = json_object_get(v, "q");
        if (g->q_hex) {
            mpz_set_str(a, g->q_hex, 16);
            mpz_set_str(b, json_string_value(qj), 16);
            CHECK_MSG(mpz_cmp(a, b) == 0, "group %s: q differs", key);
            CHECK_INT(mpz_sizeinbase(a, 2), g->info.full_exp_bits);
        } else {
            CHECK(!qj || json_is_null(qj) || !*json_string_value(qj));
        }
        mpz_clear(a);
        mpz_clear(b);
    }
    CHECK_INT(seen, 11);
    json_decref(m);
}

/* ---- wiping: freed blocks must not hold the private value ------------- */

static void *(*real_alloc)(size_t);
static void *(*real_realloc)(void *, size_t, size_t);
static void (*real_free)(void *, size_t);
static uint64_t marker;             /* one limb of the private value */
static int leaks;

static void scan(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, 8);
        if (w == marker)
            leaks++;
    }
}
static void *spy_realloc(void *p, size_t old, size_t n)
{
    scan(p, old);
    return real_realloc(p, old, n);
}
static void spy_free(void *p, size_t n)
{
    scan(p, n);
    real_free(p, n);
}

static void secrets_wiped_before_free(void)
{
    mp_get_memory_functions(&real_alloc, &real_realloc, &real_free);
    mp_set_memory_functions(real_alloc, spy_realloc, spy_free);
    static const uint16_t groups[] = { 14, 22, 19, 21, 28 };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        uint8_t priv[32];
        for (size_t j = 0; j < sizeof priv; j++)
            priv[j] = (uint8_t)(0x5a ^ (j * 37) ^ groups[i]);
        size_t len = groups[i] == 22 ? 20 : sizeof priv;   /* x < q for group 22 */
        /* GMP limb 1 of x (bits 64-127) = big-endian bytes len-16 .. len-9 */
        marker = 0;
        for (size_t j = len - 16; j < len - 8; j++)
            marker = marker << 8 | priv[j];
        leaks = 0;
        struct isakmp_dh_key *k = NULL;
        CHECK_INT(isakmp_dh_key_from_private(groups[i], priv, len, NULL, &k, NULL), 0);
        if (k) {
            size_t pl;
            const uint8_t *p = isakmp_dh_public(k, &pl);
            uint8_t s[ISAKMP_DH_MAX_SHARED];
            size_t sl;
            CHECK_INT(isakmp_dh_compute(k, p, pl, s, sizeof s, &sl, NULL, NULL), 0);
            struct isakmp_dh_key *dup = isakmp_dh_key_dup(k);
            isakmp_dh_key_free(dup);
            isakmp_dh_key_free(k);
        }
        CHECK_MSG(leaks == 0, "group %u: private limb found in %d freed blocks",
                  groups[i], leaks);
    }
    mp_set_memory_functions(real_alloc, real_realloc, real_free);
}

/* libgcrypt's side: every block it frees is scanned (malloc_usable_size)
 * for 8 bytes of the private scalar and of the shared secret, at any
 * offset, as an MPI limb (little-endian word) or as a big-endian byte
 * string (what gcry_mpi_print's temporary holds).  The handlers are
 * installed first thing in main, before the engine initialises
 * libgcrypt; they only scan while gspy_on. */
static bool gspy_on;
static uint8_t gpattern[4][8];      /* scalar LE, scalar BE, secret LE, secret BE */
static int gleaks;

static void gscan(void *p)
{
    if (!gspy_on || !p)
        return;
    size_t n = malloc_usable_size(p);
    for (int i = 0; i < 4; i++)
        if (memmem(p, n, gpattern[i], 8))
            gleaks++;
}
static void *g_alloc(size_t n) { return malloc(n); }
static int g_is_secure(const void *p) { (void)p; return 0; }
static void g_free(void *p) { gscan(p); free(p); }
static void *g_realloc(void *p, size_t n)
{
    /* move, so that the old block is freed (and scanned) here */
    void *q = malloc(n);
    if (q && p) {
        size_t old = malloc_usable_size(p);
        memcpy(q, p, old < n ? old : n);
        g_free(p);
    }
    return q;
}

/* Bytes len-16..len-9 of a big-endian number (= its limb 1) as they
 * appear in a byte string (out[0..7]) and in an MPI limb (out[8..15]). */
static void patterns(const uint8_t *be, size_t len, uint8_t (*out)[8])
{
    for (size_t j = 0; j < 8; j++) {
        out[0][j] = be[len - 16 + j];
        out[1][7 - j] = be[len - 16 + j];
    }
}

static void gcrypt_secrets_wiped_before_free(void)
{
    for (uint16_t group = 27; group <= 30; group++) {
        size_t fl = isakmp_dh_group(group)->shared_len;
        uint8_t priv[64], s[ISAKMP_DH_MAX_SHARED];
        for (size_t j = 0; j < fl; j++)
            priv[j] = (uint8_t)(0x5a ^ (j * 37) ^ group);
        priv[0] = 0x11;                                 /* < n */
        struct isakmp_dh_key *k = NULL, *peer = NULL;
        struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"peer", 4, 0, group);
        CHECK_INT(isakmp_dh_generate(group, NULL, isakmp_drbg_random, d, NULL, &peer, NULL), 0);
        isakmp_drbg_free(d);
        REQUIRE(peer != NULL);
        size_t pl, sl;
        const uint8_t *pp = isakmp_dh_public(peer, &pl);
        /* the secret first, unwatched, to know what to look for */
        CHECK_INT(isakmp_dh_key_from_private(group, priv, fl, NULL, &k, NULL), 0);
        REQUIRE(k != NULL);
        CHECK_INT(isakmp_dh_compute(k, pp, pl, s, sizeof s, &sl, NULL, NULL), 0);
        isakmp_dh_key_free(k);
        k = NULL;
        patterns(priv, fl, gpattern);
        patterns(s, sl, gpattern + 2);
        gleaks = 0;
        gspy_on = true;
        CHECK_INT(isakmp_dh_key_from_private(group, priv, fl, NULL, &k, NULL), 0);
        if (k) {
            uint8_t s2[ISAKMP_DH_MAX_SHARED];
            CHECK_INT(isakmp_dh_compute(k, pp, pl, s2, sizeof s2, &sl, NULL, NULL), 0);
            CHECK_MEM(s2, sl, s, sl);
            isakmp_wipe(s2, sizeof s2);
            isakmp_dh_key_free(k);
        }
        gspy_on = false;
        CHECK_MSG(gleaks == 0, "group %u: scalar or secret limb found in %d blocks libgcrypt freed",
                  group, gleaks);
        isakmp_wipe(s, sizeof s);
        isakmp_dh_key_free(peer);
    }
}

int main(void)
{
    /* before anything initialises libgcrypt (see gscan) */
    gcry_set_allocation_handler(g_alloc, g_alloc, g_is_secure, g_realloc, g_free);
    RUN(short_exponent_sizes);
    RUN(recommended_short_values);
    RUN(bad_policies);
    RUN(full_exponent_range);
    RUN(round_trip_all_groups);
    RUN(deterministic_with_drbg);
    RUN(broken_random_source);
    RUN(cost_reports);
    RUN(brainpool_cost_model);
    RUN(brainpool_scalar_range);
    RUN(group_parameters);
    RUN(secrets_wiped_before_free);
    RUN(gcrypt_secrets_wiped_before_free);
    return check_summary();
}
