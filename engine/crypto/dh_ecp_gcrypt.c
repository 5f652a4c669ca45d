/* ECP Diffie-Hellman on libgcrypt: the Brainpool groups 27-30 (IKE Group
 * Description values of RFC 6932; RFC 6954 for IKEv2; curves
 * brainpoolP224r1 .. brainpoolP512r1 of RFC 5639), which Nettle lacks.  Same encodings as the Nettle ECP groups
 * (dh_ecp.c): KE payload = x || y, each left-padded to the field size;
 * shared secret = x of d*Q, left-padded.  The curve parameters come from
 * libgcrypt by name (gcry_mpi_ec_new); nothing here does EC arithmetic.
 *
 * Side channels.  libgcrypt 1.10's _gcry_mpi_ec_mul_point takes, for a
 * Weierstrass curve, its side-channel-resistant path only when the scalar
 * MPI carries the SECURE flag (mpi/ec.c: "If SCALAR is in secure memory we
 * assume that it is the secret key"): double-and-add-always over all
 * bits of p with a constant-time conditional swap (point_swap_cond).
 * Without the flag it uses a variable-time NAF.  So every scalar is
 * flagged GCRYMPI_FLAG_SECURE before gcry_mpi_ec_mul.  (The flag alone
 * selects the path: libgcrypt's secure-memory pool is not needed for it.)
 *
 * Secrets.  libgcrypt wipes every MPI limb buffer it frees
 * (_gcry_mpi_free_limb_space), so scalars, points and the context's
 * scratch values are wiped when released.  But gcry_mpi_print copies the
 * value through a temporary buffer it frees WITHOUT wiping (secure memory
 * disabled), so the shared secret is read out bit by bit with
 * gcry_mpi_test_bit instead.  Our own byte buffers are wiped, and the
 * scalar between operations lives in k->x (GMP, wiped by dh_api.c).
 *
 * One curve context per operation: a libgcrypt EC context holds scratch
 * values, so sharing one between threads would need a lock; building one
 * (parsing the curve's hex constants) costs little beside the ladder. */
#include "crypto/dh_impl.h"
#include "isakmp/secmem.h"

#include <gcrypt.h>
#include <pthread.h>
#include <string.h>

#define FIELD_MAX 64                /* bytes of the largest field (512 bits) */

/* ---- libgcrypt initialisation ----------------------------------------- */

/* The one piece of process-wide state in the engine: libgcrypt itself is
 * process-wide and must be initialised exactly once, before any other
 * call, and not concurrently (its manual: gcry_check_version first, then
 * the secure-memory choice, then INITIALIZATION_FINISHED).  pthread_once
 * makes that safe from any thread; the flag is written only inside it. */
static pthread_once_t gcrypt_once = PTHREAD_ONCE_INIT;
static bool gcrypt_usable;

static void gcrypt_init_once(void)
{
    if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
        /* The host program set libgcrypt up itself: keep its choices. */
        gcrypt_usable = gcry_check_version(GCRYPT_VERSION) != NULL;
        return;
    }
    if (!gcry_check_version(GCRYPT_VERSION))
        return;                     /* older library than we were built for */
    /* No secure-memory pool: it would mlock pages for the whole process
     * (and print "Libgcrypt warning: using insecure memory!" where mlock
     * is not allowed), and a fixed pool can run out under load.  The
     * constant-time path depends only on the MPI flag (above), and freed
     * limbs are wiped either way.  Disabling it before the first secure
     * allocation means no secure-memory warning can ever be printed. */
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    gcrypt_usable = true;
}

bool dh_gcrypt_init(void)
{
    return pthread_once(&gcrypt_once, gcrypt_init_once) == 0 && gcrypt_usable;
}

/* ---- helpers ------------------------------------------------------------- */

static size_t field_len(const struct dh_group *g)
{
    return (g->info.modulus_bits + 7) / 8;
}

/* A fresh context for the group's curve, or NULL (library unusable, or
 * the curve refused, e.g. in FIPS mode where Brainpool is not approved). */
static gcry_ctx_t curve_open(const struct dh_group *g)
{
    gcry_ctx_t ctx = NULL;
    if (!dh_gcrypt_init() || gcry_mpi_ec_new(&ctx, NULL, g->gcry_curve) != 0)
        return NULL;
    return ctx;
}

/* A PUBLIC value big-endian into out, left-padded to len bytes. */
static bool public_bytes(uint8_t *out, size_t len, gcry_mpi_t a)
{
    size_t w = 0;
    if (gcry_mpi_print(GCRYMPI_FMT_USG, out, len, &w, a) != 0 || w > len)
        return false;
    memmove(out + (len - w), out, w);
    memset(out, 0, len - w);
    return true;
}

/* A SECRET value big-endian into out (len bytes), through no libgcrypt
 * buffer (see the top of the file). */
static void secret_bytes(uint8_t *out, size_t len, gcry_mpi_t a)
{
    memset(out, 0, len);
    for (unsigned i = 0; i < 8 * len; i++)
        out[len - 1 - i / 8] |= (uint8_t)((gcry_mpi_test_bit(a, i) ? 1u : 0u) << (i % 8));
}

/* A curve constant ("n", "p") as len big-endian bytes. */
static bool curve_const(gcry_ctx_t ctx, const char *name, uint8_t *out, size_t len)
{
    gcry_mpi_t m = gcry_mpi_ec_get_mpi(name, ctx, 1);
    bool ok = m && public_bytes(out, len, m);
    gcry_mpi_release(m);
    return ok;
}

/* Is the len-byte big-endian d in [1, n-1]? */
static bool scalar_in_range(const uint8_t *d, const uint8_t *n, size_t len)
{
    uint8_t any = 0;
    for (size_t i = 0; i < len; i++)
        any |= d[i];
    return any != 0 && memcmp(d, n, len) < 0;
}

/* r = k->x * p, the scalar flagged secure (side-channel-resistant path). */
static bool scalar_mul(const struct isakmp_dh_key *k, gcry_ctx_t ctx,
                       gcry_mpi_point_t p, gcry_mpi_point_t r)
{
    size_t fl = field_len(k->g);
    uint8_t buf[FIELD_MAX];
    gcry_mpi_t d = NULL;
    dh_mpz_export_padded(buf, fl, k->x);
    gcry_error_t e = gcry_mpi_scan(&d, GCRYMPI_FMT_USG, buf, fl, NULL);
    isakmp_wipe(buf, sizeof buf);
    if (e != 0)
        return false;
    /* Moves the limbs into "secure" storage (wiping the old ones) and
     * sets the flag _gcry_mpi_ec_mul_point looks at.  d != 0 here. */
    gcry_mpi_set_flag(d, GCRYMPI_FLAG_SECURE);
    gcry_mpi_ec_mul(r, d, p, ctx);
    gcry_mpi_release(d);
    return true;
}

/* Public point d*G into k->pub. */
static enum isakmp_dh_error ecpg_public(struct isakmp_dh_key *k, gcry_ctx_t ctx)
{
    size_t fl = field_len(k->g);
    gcry_mpi_point_t g = gcry_mpi_ec_get_point("g", ctx, 1);
    gcry_mpi_point_t r = gcry_mpi_point_new(0);
    gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);
    enum isakmp_dh_error err = ISAKMP_DH_ERR_GROUP;
    /* d in [1, n-1], G of order n: d*G is never the point at infinity. */
    if (g && r && x && y && scalar_mul(k, ctx, g, r) &&
        gcry_mpi_ec_get_affine(x, y, r, ctx) == 0 &&
        public_bytes(k->pub, fl, x) && public_bytes(k->pub + fl, fl, y))
        err = ISAKMP_DH_OK;
    gcry_mpi_release(x);
    gcry_mpi_release(y);
    gcry_mpi_point_release(r);
    gcry_mpi_point_release(g);
    return err;
}

/* d (fl bytes, checked in range) becomes k's scalar; then the public value. */
static enum isakmp_dh_error set_scalar(struct isakmp_dh_key *k, gcry_ctx_t ctx,
                                       const uint8_t *d, size_t fl)
{
    mpz_import(k->x, fl, 1, 1, 1, 0, d);    /* x is presized: no reallocation */
    dh_ecp_record_full(k);     /* as the Nettle ECP groups: always full size */
    return ecpg_public(k, ctx);
}

/* ---- the dh_impl.h operations ------------------------------------------- */

static enum isakmp_dh_error dh_ecpg_generate(struct isakmp_dh_key *k,
                                      const struct isakmp_dh_exp_policy *pol,
                                      isakmp_random_fn *random, void *user)
{
    (void)pol;                  /* no short scalars: always full size */
    gcry_ctx_t ctx = curve_open(k->g);
    if (!ctx)
        return ISAKMP_DH_ERR_GROUP;
    size_t fl = field_len(k->g);
    unsigned spare = (unsigned)(8 * fl - k->g->info.full_exp_bits);
    uint8_t n[FIELD_MAX], buf[FIELD_MAX];
    enum isakmp_dh_error err = ISAKMP_DH_ERR_GROUP;
    if (curve_const(ctx, "n", n, fl)) {
        /* Uniform in [1, n-1] by rejection, as dh_ecp.c (n's top byte is
         * >= 0x8c for these curves: more than half the draws are kept). */
        bool ok = false;
        for (int tries = 0; !ok && tries < DH_MAX_DRAWS; tries++) {
            random(user, buf, fl);
            buf[0] &= (uint8_t)(0xff >> spare);
            ok = scalar_in_range(buf, n, fl);
        }
        err = ok ? set_scalar(k, ctx, buf, fl) : ISAKMP_DH_ERR_RANDOM;
    }
    isakmp_wipe(buf, sizeof buf);
    gcry_ctx_release(ctx);
    return err;
}

static enum isakmp_dh_error dh_ecpg_from_private(struct isakmp_dh_key *k,
                                          const uint8_t *priv, size_t len)
{
    size_t fl = field_len(k->g);
    if (!priv || len == 0 || len > fl)
        return ISAKMP_DH_ERR_ARG;
    gcry_ctx_t ctx = curve_open(k->g);
    if (!ctx)
        return ISAKMP_DH_ERR_GROUP;
    uint8_t n[FIELD_MAX], buf[FIELD_MAX];
    memset(buf, 0, fl - len);
    memcpy(buf + (fl - len), priv, len);
    enum isakmp_dh_error err = ISAKMP_DH_ERR_GROUP;
    if (curve_const(ctx, "n", n, fl))
        err = scalar_in_range(buf, n, fl) ? set_scalar(k, ctx, buf, fl) : ISAKMP_DH_ERR_ARG;
    isakmp_wipe(buf, sizeof buf);
    gcry_ctx_release(ctx);
    return err;
}

/* Decode and validate a peer point in ctx's curve; on success *out is a
 * new point (the caller releases it). */
static enum isakmp_dh_error peer_point(const struct dh_group *g, gcry_ctx_t ctx,
                                       const uint8_t *peer, size_t len,
                                       gcry_mpi_point_t *out)
{
    size_t fl = field_len(g);
    *out = NULL;
    enum isakmp_dh_error e = dh_ecp_check_encoding(peer, len, fl);
    if (e != ISAKMP_DH_OK)
        return e;
    /* x, y < p, compared as fixed-length big-endian strings: libgcrypt's
     * curve check would accept x + p (it works modulo p). */
    uint8_t p[FIELD_MAX];
    if (!curve_const(ctx, "p", p, fl))
        return ISAKMP_DH_ERR_GROUP;
    if (memcmp(peer, p, fl) >= 0 || memcmp(peer + fl, p, fl) >= 0)
        return ISAKMP_DH_ERR_PEER_RANGE;
    gcry_mpi_t x = NULL, y = NULL;
    if (gcry_mpi_scan(&x, GCRYMPI_FMT_USG, peer, fl, NULL) != 0 ||
        gcry_mpi_scan(&y, GCRYMPI_FMT_USG, peer + fl, fl, NULL) != 0) {
        gcry_mpi_release(x);
        return ISAKMP_DH_ERR_NOMEM;
    }
    /* Affine (x, y, 1); snatch_set takes ownership of x and y. */
    gcry_mpi_point_t q = gcry_mpi_point_snatch_set(NULL, x, y, gcry_mpi_set_ui(NULL, 1));
    /* y^2 = x^3 + ax + b (mod p).  The Brainpool r1 curves have cofactor
     * 1, so a point on the curve is in the group of order n. */
    if (!gcry_mpi_ec_curve_point(q, ctx)) {
        gcry_mpi_point_release(q);
        return ISAKMP_DH_ERR_PEER_NOT_ON_CURVE;
    }
    *out = q;
    return ISAKMP_DH_OK;
}

static enum isakmp_dh_error dh_ecpg_check(const struct dh_group *g,
                                   const uint8_t *peer, size_t len)
{
    if (!peer || len != 2 * field_len(g))
        return ISAKMP_DH_ERR_PEER_LENGTH;   /* before any library work */
    gcry_ctx_t ctx = curve_open(g);
    if (!ctx)
        return ISAKMP_DH_ERR_GROUP;
    gcry_mpi_point_t q;
    enum isakmp_dh_error err = peer_point(g, ctx, peer, len, &q);
    gcry_mpi_point_release(q);
    gcry_ctx_release(ctx);
    return err;
}

static enum isakmp_dh_error dh_ecpg_compute(const struct isakmp_dh_key *k,
                                     const uint8_t *peer, size_t len,
                                     uint8_t *shared)
{
    if (!peer || len != 2 * field_len(k->g))
        return ISAKMP_DH_ERR_PEER_LENGTH;
    gcry_ctx_t ctx = curve_open(k->g);
    if (!ctx)
        return ISAKMP_DH_ERR_GROUP;
    gcry_mpi_point_t q;
    enum isakmp_dh_error err = peer_point(k->g, ctx, peer, len, &q);
    if (err == ISAKMP_DH_OK) {
        gcry_mpi_point_t r = gcry_mpi_point_new(0);
        gcry_mpi_t x = gcry_mpi_snew(0);
        err = ISAKMP_DH_ERR_NOMEM;
        /* Q in the group of prime order n, d in [1, n-1]: d*Q is never
         * the point at infinity (get_affine refuses it anyway). */
        if (r && x && scalar_mul(k, ctx, q, r)) {
            if (gcry_mpi_ec_get_affine(x, NULL, r, ctx) == 0) {
                secret_bytes(shared, k->g->info.shared_len, x);
                err = ISAKMP_DH_OK;
            } else {
                err = ISAKMP_DH_ERR_PEER_INFINITY;
            }
        }
        gcry_mpi_release(x);                /* limbs wiped by libgcrypt */
        gcry_mpi_point_release(r);
    }
    gcry_mpi_point_release(q);
    gcry_ctx_release(ctx);
    return err;
}

const struct dh_ops dh_ecpg_ops = {
    dh_ecpg_generate, dh_ecpg_from_private, dh_ecpg_check, dh_ecpg_compute,
};
