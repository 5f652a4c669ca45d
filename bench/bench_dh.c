/* Diffie-Hellman speed: per group, shared-secret computations per second
 * through the engine's API (isakmp_dh_compute: peer-value validation +
 * the secret exponentiation + padding) beside a bare loop of the same
 * primitive in the same run (GMP mpz_powm_sec with the same base,
 * exponent and modulus; Nettle ecc_point_mul / curve*_mul; for the
 * Brainpool groups 27-30 libgcrypt's gcry_mpi_ec_mul with the scalar
 * flagged secure, as the engine calls it), and the ratio engine/bare.  The ratio should be ~1.0: the engine must not add
 * overhead around GMP.  Groups 22-24 are below 1 by design: validation
 * adds y^q mod p (RFC 5114 subgroup check) to every computation.
 * The last column is the default cost model's virtual figure (isakmp/cost.h).
 * Each group runs engine and bare loops alternately in 3 rounds of
 * budget/3 (default budget 0.3 s; env ISAKMP_BENCH_SECONDS), at least 3
 * operations each, best round kept; the whole run takes ~20 s. */
#include "isakmp/dh.h"
#include "isakmp/drbg.h"
#include "crypto/dh_impl.h"     /* the modulus, for the bare GMP loop */

#include <gcrypt.h>
#include <gmp.h>
#include <nettle/curve25519.h>
#include <nettle/curve448.h>
#include <nettle/ecc.h>
#include <nettle/ecc-curve.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double budget = 0.3;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct ctx {
    struct isakmp_dh_key *a;
    const uint8_t *peer;
    size_t peer_len;
    /* bare */
    mpz_t p, x, y, z, order;  /* order: subgroup order q (groups 22-24) */
    const struct ecc_curve *curve;
    struct ecc_scalar s;
    struct ecc_point q, r;
    uint8_t raw[56], u[56], out[56];
    uint16_t group;
    /* bare libgcrypt (Brainpool) */
    gcry_ctx_t gctx;
    gcry_mpi_t gd;
    gcry_mpi_point_t gq, gr;
};

static void op_engine(struct ctx *c)
{
    uint8_t s[ISAKMP_DH_MAX_SHARED];
    size_t sl;
    if (isakmp_dh_compute(c->a, c->peer, c->peer_len, s, sizeof s, &sl, NULL, NULL) != 0) {
        fprintf(stderr, "compute failed\n");
        exit(1);
    }
}

static void op_modp(struct ctx *c) { mpz_powm_sec(c->z, c->y, c->x, c->p); }
/* RFC 5114 groups: the engine also checks y^q = 1 (a public exponent, so
 * mpz_powm); the bare loop does the same work for a like-for-like ratio. */
static void op_modp_q(struct ctx *c)
{
    mpz_powm(c->z, c->y, c->order, c->p);
    if (mpz_cmp_ui(c->z, 1) != 0)
        exit(1);
    mpz_powm_sec(c->z, c->y, c->x, c->p);
}
static void op_ecp(struct ctx *c) { ecc_point_mul(&c->r, &c->s, &c->q); }
static void op_gcry(struct ctx *c) { gcry_mpi_ec_mul(c->gr, c->gd, c->gq, c->gctx); }
static void op_mont(struct ctx *c)
{
    if (c->group == 31)
        curve25519_mul(c->out, c->raw, c->u);
    else
        curve448_mul(c->out, c->raw, c->u);
}

/* Operations per second over about `secs`, at least 3 operations. */
static double rate(void (*op)(struct ctx *), struct ctx *c, double secs)
{
    long n = 0;
    double t0 = now_s(), t;
    do {
        op(c);
        n++;
        t = now_s() - t0;
    } while (t < secs || n < 3);
    return n / t;
}

/* Engine and bare alternate in 3 rounds; the best round of each counts
 * (the machine is shared: the best is the least disturbed). */
static void compare(void (*engine)(struct ctx *), void (*bare)(struct ctx *),
                    struct ctx *c, double *re, double *rb)
{
    engine(c);                              /* warm up */
    bare(c);
    *re = *rb = 0;
    for (int i = 0; i < 3; i++) {
        double e = rate(engine, c, budget / 3), b = rate(bare, c, budget / 3);
        if (e > *re) *re = e;
        if (b > *rb) *rb = b;
    }
}

static void bench_group(uint16_t group, const struct isakmp_dh_exp_policy *pol,
                        struct isakmp_drbg *d)
{
    const struct isakmp_dh_group_info *in = isakmp_dh_group(group);
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.group = group;
    struct isakmp_dh_key *b = NULL;
    if (isakmp_dh_generate(group, pol, isakmp_drbg_random, d, NULL, &c.a, NULL) ||
        isakmp_dh_generate(group, pol, isakmp_drbg_random, d, NULL, &b, NULL)) {
        fprintf(stderr, "generate failed for group %u\n", group);
        exit(1);
    }
    c.peer = isakmp_dh_public(b, &c.peer_len);
    uint8_t xb[ISAKMP_DH_MAX_PUBLIC];
    size_t xl = isakmp_dh_key_export_private(c.a, xb, sizeof xb);
    unsigned bits = isakmp_dh_key_policy(c.a).bits;
    void (*bare)(struct ctx *) = NULL;
    const char *bare_name = "";
    if (in->type == ISAKMP_DH_TYPE_MODP) {
        /* the same p, exponent and base as the engine's computation */
        mpz_init(c.p);
        mpz_init(c.x);
        mpz_init(c.y);
        mpz_init(c.z);
        mpz_init(c.order);
        mpz_set_str(c.p, dh_group_find(group)->p_hex, 16);
        mpz_import(c.x, xl, 1, 1, 1, 0, xb);
        mpz_import(c.y, c.peer_len, 1, 1, 1, 0, c.peer);
        bare = op_modp;
        bare_name = "mpz_powm_sec";
        if (group >= 22 && group <= 24) {
            mpz_set_str(c.order, dh_group_find(group)->q_hex, 16);
            bare = op_modp_q;
            bare_name = "powm_sec+y^q";
        }
    } else if (dh_group_find(group)->gcry_curve) {
        /* libgcrypt is initialised: the engine generated keys above */
        size_t fl = c.peer_len / 2;
        gcry_mpi_t x = NULL, y = NULL;
        if (gcry_mpi_ec_new(&c.gctx, NULL, dh_group_find(group)->gcry_curve) ||
            gcry_mpi_scan(&x, GCRYMPI_FMT_USG, c.peer, fl, NULL) ||
            gcry_mpi_scan(&y, GCRYMPI_FMT_USG, c.peer + fl, fl, NULL) ||
            gcry_mpi_scan(&c.gd, GCRYMPI_FMT_USG, xb, xl, NULL)) {
            fprintf(stderr, "libgcrypt set-up failed for group %u\n", group);
            exit(1);
        }
        gcry_mpi_set_flag(c.gd, GCRYMPI_FLAG_SECURE);     /* as the engine */
        c.gq = gcry_mpi_point_snatch_set(NULL, x, y, gcry_mpi_set_ui(NULL, 1));
        c.gr = gcry_mpi_point_new(0);
        bare = op_gcry;
        bare_name = "gcry_mpi_ec_mul";
    } else if (in->type == ISAKMP_DH_TYPE_ECP) {
        const struct ecc_curve *cv =
            group == 19 ? nettle_get_secp_256r1() : group == 20 ? nettle_get_secp_384r1() :
            group == 21 ? nettle_get_secp_521r1() : group == 25 ? nettle_get_secp_192r1() :
            nettle_get_secp_224r1();
        c.curve = cv;
        mpz_t x, y, k;
        mpz_init(x); mpz_init(y); mpz_init(k);
        size_t fl = c.peer_len / 2;
        mpz_import(x, fl, 1, 1, 1, 0, c.peer);
        mpz_import(y, fl, 1, 1, 1, 0, c.peer + fl);
        mpz_import(k, xl, 1, 1, 1, 0, xb);
        ecc_point_init(&c.q, cv);
        ecc_point_init(&c.r, cv);
        ecc_scalar_init(&c.s, cv);
        ecc_point_set(&c.q, x, y);
        ecc_scalar_set(&c.s, k);
        mpz_clear(x); mpz_clear(y); mpz_clear(k);
        bare = op_ecp;
        bare_name = "ecc_point_mul";
    } else {
        memcpy(c.raw, xb, xl);
        memcpy(c.u, c.peer, c.peer_len);
        bare = op_mont;
        bare_name = group == 31 ? "curve25519_mul" : "curve448_mul";
    }
    double re, rb;
    compare(op_engine, bare, &c, &re, &rb);
    struct isakmp_cost_table t;
    isakmp_cost_table_init(&t);
    printf("%-5u %-13s %5u  %6u  %12.1f  %12.1f  %5.2f  %-15s %10.3f\n", group, in->name,
           in->modulus_bits, bits, re, rb, re / rb, bare_name,
           isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, group, bits) / 1e6);
    fflush(stdout);
    if (in->type == ISAKMP_DH_TYPE_MODP) {
        mpz_clear(c.p); mpz_clear(c.x); mpz_clear(c.y); mpz_clear(c.z); mpz_clear(c.order);
    } else if (c.gctx) {
        gcry_mpi_point_release(c.gq); gcry_mpi_point_release(c.gr);
        gcry_mpi_release(c.gd); gcry_ctx_release(c.gctx);
    } else if (in->type == ISAKMP_DH_TYPE_ECP) {
        ecc_point_clear(&c.q); ecc_point_clear(&c.r); ecc_scalar_clear(&c.s);
    }
    isakmp_dh_key_free(c.a);
    isakmp_dh_key_free(b);
}

int main(void)
{
    const char *env = getenv("ISAKMP_BENCH_SECONDS");
    if (env && atof(env) > 0)
        budget = atof(env);
    struct isakmp_drbg *d = isakmp_drbg_new((const uint8_t *)"bench", 5, 0, 0);
    printf("# bench_dh: shared-secret computations per second, engine API vs bare primitive\n");
    printf("# %.2f s per measurement; model = default cost model, ms per compute\n", budget);
    printf("%-5s %-13s %5s  %6s  %12s  %12s  %5s  %-15s %10s\n", "group", "name", "bits",
           "expbit", "engine/s", "bare/s", "ratio", "bare", "model ms");
    static const uint16_t modp[] = { 1, 2, 5, 14, 15, 16, 17, 18, 22, 23, 24 };
    struct isakmp_dh_exp_policy shortp = { ISAKMP_DH_EXP_SHORT, 0 };
    for (size_t i = 0; i < sizeof modp / sizeof modp[0]; i++)
        bench_group(modp[i], &shortp, d);           /* recommended short exponent */
    for (size_t i = 0; i < sizeof modp / sizeof modp[0]; i++)
        if (isakmp_dh_group(modp[i])->short_exp_bits != isakmp_dh_group(modp[i])->full_exp_bits)
            bench_group(modp[i], NULL, d);          /* full-size exponent */
    static const uint16_t ec[] = { 25, 26, 19, 20, 21, 27, 28, 29, 30, 31, 32 };
    for (size_t i = 0; i < sizeof ec / sizeof ec[0]; i++)
        bench_group(ec[i], NULL, d);
    printf("# groups 22-24 (RFC 5114): the engine also checks y^q = 1 mod p on the peer's value,\n"
           "# so their bare loop does that exponentiation too (powm_sec+y^q).\n");
    isakmp_drbg_free(d);
    return 0;
}
