/* Peer public values that must be refused (INVALID-KEY-INFORMATION, no
 * shared secret): MODP 0, 1, p-1, p, > p, wrong lengths, y^q != 1 for
 * groups 22-24; ECP wrong length, infinity encoding, coordinates >= the
 * field prime, points off the curve; Montgomery wrong length and
 * low-order points.  p comes from ../shared/vectors/modp_groups.json, the
 * NIST field primes from their FIPS 186-4 formulas, computed here, the
 * Brainpool ones (groups 27-30, libgcrypt) typed from RFC 5639 §3. */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/dh.h"
#include "isakmp/drbg.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t cur_group;
static json_t *modp;

static struct isakmp_dh_key *fresh_key(uint16_t group)
{
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"validate", 8, 1, group);
    struct isakmp_dh_key *k = NULL;
    struct isakmp_dh_exp_policy pol = { ISAKMP_DH_EXP_SHORT, 0 };
    enum isakmp_dh_error err = isakmp_dh_generate(group, &pol, isakmp_drbg_random, d,
                                                  NULL, &k, NULL);
    CHECK_INT(err, ISAKMP_DH_OK);
    isakmp_drbg_free(d);
    return k;
}

/* The value must be refused with `want` by check_public and by compute,
 * which then produces no secret. */
static void expect_refused(struct isakmp_dh_key *k, const uint8_t *v, size_t len,
                           enum isakmp_dh_error want, const char *what)
{
    enum isakmp_dh_error e1 = isakmp_dh_check_public(cur_group, v, len);
    CHECK_MSG(e1 == want, "group %u %s: check gave \"%s\", expected \"%s\"",
              cur_group, what, isakmp_dh_strerror(e1), isakmp_dh_strerror(want));
    uint8_t s[ISAKMP_DH_MAX_SHARED];
    size_t sl = 99;
    struct isakmp_cost_table t;
    isakmp_cost_table_init(&t);
    struct isakmp_crypto_cost rep;
    memset(&rep, 0, sizeof rep);
    enum isakmp_dh_error e2 = isakmp_dh_compute(k, v, len, s, sizeof s, &sl, &t, &rep);
    CHECK_MSG(e2 == want, "group %u %s: compute gave \"%s\"", cur_group, what,
              isakmp_dh_strerror(e2));
    CHECK_INT(sl, 0);
    CHECK(isakmp_dh_error_is_peer(e2));
    CHECK_INT(isakmp_dh_error_notify(e2), 17);
    /* refused values are still charged: validation cost something */
    CHECK_INT(rep.kind, ISAKMP_COST_DH_COMPUTE);
    CHECK(rep.virtual_ns > 0);
}

static void from_mpz(uint8_t *out, size_t len, const mpz_t z)
{
    size_t n = (mpz_sizeinbase(z, 2) + 7) / 8;
    memset(out, 0, len);
    if (mpz_sgn(z) && n <= len)
        mpz_export(out + len - n, NULL, 1, 1, 1, 0, z);
}

static void modp_case(void)
{
    const struct isakmp_dh_group_info *in = isakmp_dh_group(cur_group);
    REQUIRE(in != NULL);
    char key[8];
    snprintf(key, sizeof key, "%u", cur_group);
    json_t *g = json_object_get(modp, key);
    REQUIRE(g != NULL);
    struct isakmp_dh_key *k = fresh_key(cur_group);
    REQUIRE(k != NULL);
    size_t len = in->public_len;
    uint8_t v[ISAKMP_DH_MAX_PUBLIC + 1];
    mpz_t p, z;
    mpz_init_set_str(p, json_string_value(json_object_get(g, "p")), 16);
    mpz_init(z);

    mpz_set_ui(z, 0); from_mpz(v, len, z);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = 0");
    mpz_set_ui(z, 1); from_mpz(v, len, z);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = 1");
    mpz_sub_ui(z, p, 1); from_mpz(v, len, z);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = p-1");
    from_mpz(v, len, p);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = p");
    mpz_add_ui(z, p, 1); from_mpz(v, len, z);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = p+1");
    memset(v, 0xff, len);
    expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_RANGE, "y = 2^n - 1");

    /* our own public value is fine; with one byte less or more it is not */
    size_t pl;
    const uint8_t *pub = isakmp_dh_public(k, &pl);
    CHECK_INT(isakmp_dh_check_public(cur_group, pub, pl), ISAKMP_DH_OK);
    memcpy(v, pub, pl);
    expect_refused(k, v, pl - 1, ISAKMP_DH_ERR_PEER_LENGTH, "short");
    v[pl] = 0;
    expect_refused(k, v, pl + 1, ISAKMP_DH_ERR_PEER_LENGTH, "long");
    expect_refused(k, v, 0, ISAKMP_DH_ERR_PEER_LENGTH, "empty");
    expect_refused(k, NULL, pl, ISAKMP_DH_ERR_PEER_LENGTH, "NULL");

    /* y = 2: in range; outside the order-q subgroup of groups 22-24
     * (checked here with GMP), inside the safe-prime groups' range. */
    mpz_set_ui(z, 2); from_mpz(v, len, z);
    json_t *qj = json_object_get(g, "q");
    if (qj && json_string_value(qj) && *json_string_value(qj)) {
        mpz_t q, t;
        mpz_init_set_str(q, json_string_value(qj), 16);
        mpz_init(t);
        mpz_powm(t, z, q, p);
        REQUIRE(mpz_cmp_ui(t, 1) != 0);
        expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_SUBGROUP, "2^q != 1");
        /* p-2 = -2 mod p: in range, not in the subgroup either */
        mpz_sub_ui(z, p, 2); from_mpz(v, len, z);
        mpz_powm(t, z, q, p);
        REQUIRE(mpz_cmp_ui(t, 1) != 0);
        expect_refused(k, v, len, ISAKMP_DH_ERR_PEER_SUBGROUP, "(p-2)^q != 1");
        mpz_clear(q);
        mpz_clear(t);
    } else {
        CHECK_INT(isakmp_dh_check_public(cur_group, v, len), ISAKMP_DH_OK);
    }
    mpz_clear(p);
    mpz_clear(z);
    isakmp_dh_key_free(k);
}

/* RFC 5639 §3.2-3.7: p of brainpoolP224r1, P256r1, P384r1, P512r1. */
static const char *const brainpool_p[] = {
    "D7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF",
    "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
    "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123"
    "ACD3A729901D1A71874700133107EC53",
    "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330871"
    "7D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
};

static void field_prime(mpz_t p, uint16_t group, unsigned bits)
{
    if (group >= 27 && group <= 30) {
        mpz_set_str(p, brainpool_p[group - 27], 16);
        return;
    }
    mpz_t t;
    mpz_init(t);
    mpz_set_ui(p, 0);
    mpz_setbit(p, bits);
    switch (bits) {
    case 192: mpz_ui_pow_ui(t, 2, 64); mpz_sub(p, p, t); mpz_sub_ui(p, p, 1); break;
    case 224: mpz_ui_pow_ui(t, 2, 96); mpz_sub(p, p, t); mpz_add_ui(p, p, 1); break;
    case 256:
        mpz_ui_pow_ui(t, 2, 224); mpz_sub(p, p, t);
        mpz_ui_pow_ui(t, 2, 192); mpz_add(p, p, t);
        mpz_ui_pow_ui(t, 2, 96); mpz_add(p, p, t);
        mpz_sub_ui(p, p, 1); break;
    case 384:
        mpz_ui_pow_ui(t, 2, 128); mpz_sub(p, p, t);
        mpz_ui_pow_ui(t, 2, 96); mpz_sub(p, p, t);
        mpz_ui_pow_ui(t, 2, 32); mpz_add(p, p, t);
        mpz_sub_ui(p, p, 1); break;
    case 521: mpz_sub_ui(p, p, 1); break;
    }
    mpz_clear(t);
}

static void ecp_case(void)
{
    const struct isakmp_dh_group_info *in = isakmp_dh_group(cur_group);
    REQUIRE(in != NULL && in->type == ISAKMP_DH_TYPE_ECP);
    struct isakmp_dh_key *k = fresh_key(cur_group);
    REQUIRE(k != NULL);
    size_t pl, fl = in->public_len / 2;
    const uint8_t *pub = isakmp_dh_public(k, &pl);
    uint8_t v[ISAKMP_DH_MAX_PUBLIC + 1];
    CHECK_INT(isakmp_dh_check_public(cur_group, pub, pl), ISAKMP_DH_OK);

    memcpy(v, pub, pl);
    expect_refused(k, v, pl - 1, ISAKMP_DH_ERR_PEER_LENGTH, "short");
    v[pl] = 0;
    expect_refused(k, v, pl + 1, ISAKMP_DH_ERR_PEER_LENGTH, "long");
    expect_refused(k, v, fl, ISAKMP_DH_ERR_PEER_LENGTH, "x only");
    expect_refused(k, v, 0, ISAKMP_DH_ERR_PEER_LENGTH, "empty");

    memset(v, 0, pl);
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_INFINITY, "infinity (all zero)");

    mpz_t p, z;
    mpz_init(p);
    mpz_init(z);
    field_prime(p, cur_group, in->modulus_bits);
    CHECK_INT(mpz_sizeinbase(p, 2), in->modulus_bits);
    memcpy(v, pub, pl);
    from_mpz(v, fl, p);                                  /* x = p */
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_RANGE, "x = p");
    memcpy(v, pub, pl);
    from_mpz(v + fl, fl, p);                             /* y = p */
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_RANGE, "y = p");
    /* y + p, when it fits, is the same residue but not canonical */
    mpz_import(z, fl, 1, 1, 1, 0, pub + fl);
    mpz_add(z, z, p);
    if (mpz_sizeinbase(z, 2) <= 8 * fl) {
        memcpy(v, pub, pl);
        from_mpz(v + fl, fl, z);
        expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_RANGE, "y + p");
    }
    memset(v, 0xff, pl);
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_RANGE, "all ones");

    memcpy(v, pub, pl);
    v[pl - 1] ^= 1;                                      /* y off by one */
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_NOT_ON_CURVE, "y flipped");
    memcpy(v, pub, pl);
    memset(v + fl, 0, fl);                               /* (x, 0) */
    expect_refused(k, v, pl, ISAKMP_DH_ERR_PEER_NOT_ON_CURVE, "y = 0");

    /* -Q = (x, p - y) is on the curve: must be accepted */
    mpz_import(z, fl, 1, 1, 1, 0, pub + fl);
    mpz_sub(z, p, z);
    memcpy(v, pub, pl);
    from_mpz(v + fl, fl, z);
    CHECK_INT(isakmp_dh_check_public(cur_group, v, pl), ISAKMP_DH_OK);

    /* A point of another curve of the same size (P-256 for brainpool
     * 256, P-224 for 224): in range or not, never accepted. */
    uint16_t other = cur_group == 27 ? 26 : cur_group == 28 ? 19 :
                     cur_group == 26 ? 27 : cur_group == 19 ? 28 : 0;
    if (other) {
        struct isakmp_dh_key *o = fresh_key(other);
        REQUIRE(o != NULL);
        size_t ol;
        const uint8_t *op = isakmp_dh_public(o, &ol);
        REQUIRE(ol == pl);
        mpz_t oy;
        mpz_init(oy);
        mpz_import(z, fl, 1, 1, 1, 0, op);
        mpz_import(oy, fl, 1, 1, 1, 0, op + fl);
        bool out = mpz_cmp(z, p) >= 0 || mpz_cmp(oy, p) >= 0;
        expect_refused(k, op, ol, out ? ISAKMP_DH_ERR_PEER_RANGE
                                      : ISAKMP_DH_ERR_PEER_NOT_ON_CURVE, "other curve's point");
        mpz_clear(oy);
        isakmp_dh_key_free(o);
    }
    mpz_clear(p);
    mpz_clear(z);
    isakmp_dh_key_free(k);
}

static void mont_case(void)
{
    const struct isakmp_dh_group_info *in = isakmp_dh_group(cur_group);
    REQUIRE(in != NULL);
    struct isakmp_dh_key *k = fresh_key(cur_group);
    REQUIRE(k != NULL);
    size_t pl;
    const uint8_t *pub = isakmp_dh_public(k, &pl);
    uint8_t v[ISAKMP_DH_MAX_PUBLIC + 1];
    memcpy(v, pub, pl);
    expect_refused(k, v, pl - 1, ISAKMP_DH_ERR_PEER_LENGTH, "short");
    v[pl] = 0;
    expect_refused(k, v, pl + 1, ISAKMP_DH_ERR_PEER_LENGTH, "long");
    /* low-order points u = 0 and u = 1: the secret would be all zero */
    uint8_t s[ISAKMP_DH_MAX_SHARED];
    size_t sl = 7;
    memset(v, 0, pl);
    CHECK_INT(isakmp_dh_compute(k, v, pl, s, sizeof s, &sl, NULL, NULL),
              ISAKMP_DH_ERR_PEER_ZERO_SECRET);
    CHECK_INT(sl, 0);
    v[0] = 1;                                            /* little-endian 1 */
    CHECK_INT(isakmp_dh_compute(k, v, pl, s, sizeof s, &sl, NULL, NULL),
              ISAKMP_DH_ERR_PEER_ZERO_SECRET);
    CHECK_INT(isakmp_dh_error_notify(ISAKMP_DH_ERR_PEER_ZERO_SECRET), 17);
    isakmp_dh_key_free(k);
}

static void unsupported_groups(void)
{
    static const uint16_t bad[] = { 0, 3, 4, 6, 13, 33, 34, 255, 65535 };
    uint8_t v[32] = { 2 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(isakmp_dh_group(bad[i]) == NULL);
        CHECK_INT(isakmp_dh_check_public(bad[i], v, sizeof v), ISAKMP_DH_ERR_GROUP);
        /* a local error: nothing to tell the peer */
        CHECK_INT(isakmp_dh_error_notify(ISAKMP_DH_ERR_GROUP), 0);
    }
}

static void small_output_buffer(void)
{
    cur_group = 14;
    struct isakmp_dh_key *k = fresh_key(14);
    REQUIRE(k != NULL);
    size_t pl;
    const uint8_t *pub = isakmp_dh_public(k, &pl);
    uint8_t s[255];
    size_t sl = 5;
    CHECK_INT(isakmp_dh_compute(k, pub, pl, s, sizeof s, &sl, NULL, NULL), ISAKMP_DH_ERR_ARG);
    CHECK_INT(sl, 0);
    isakmp_dh_key_free(k);
}

int main(void)
{
    modp = load_shared_json("vectors/modp_groups.json");
    static const uint16_t modp_groups[] = { 1, 2, 5, 14, 15, 16, 17, 18, 22, 23, 24 };
    static const uint16_t ecp_groups[] = { 19, 20, 21, 25, 26, 27, 28, 29, 30 };
    char name[64];
    for (size_t i = 0; i < sizeof modp_groups / sizeof modp_groups[0]; i++) {
        cur_group = modp_groups[i];
        snprintf(name, sizeof name, "modp_refused_group_%u", cur_group);
        RUN_NAMED(name, modp_case);
    }
    for (size_t i = 0; i < sizeof ecp_groups / sizeof ecp_groups[0]; i++) {
        cur_group = ecp_groups[i];
        snprintf(name, sizeof name, "ecp_refused_group_%u", cur_group);
        RUN_NAMED(name, ecp_case);
    }
    cur_group = 31;
    RUN_NAMED("curve25519_refused", mont_case);
    cur_group = 32;
    RUN_NAMED("curve448_refused", mont_case);
    RUN(unsupported_groups);
    RUN(small_output_buffer);
    json_decref(modp);
    return check_summary();
}
