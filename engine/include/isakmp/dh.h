/* status: complete
 *
 * Diffie-Hellman groups for IKEv1 (Oakley), with their cost reporting.
 *
 * Supported groups (IKE group numbers, IANA "Group Description"):
 *   MODP (GMP, secret exponentiation with mpz_powm_sec):
 *     1, 2 (RFC 2409 §6.1-6.2), 5, 14, 15, 16, 17, 18 (RFC 3526),
 *     22, 23, 24 (RFC 5114 §2.1-2.3, prime-order subgroups of order q).
 *   ECP (Nettle ecc, constant time):
 *     19, 20, 21 (RFC 5903: P-256, P-384, P-521),
 *     25, 26 (RFC 5114 §2.3-2.4 random ECP groups = NIST P-192, P-224).
 *   ECP on libgcrypt (Nettle has no Brainpool curves):
 *     27, 28, 29, 30 (RFC 6932 IKE Group Description values, RFC 6954:
 *     brainpoolP224r1, P256r1, P384r1, P512r1 of RFC 5639; names
 *     "ecp224bp" .. "ecp512bp").  The scalar multiplication is libgcrypt's
 *     side-channel-resistant path (scalar flagged secure: double-and-add-
 *     always with constant-time swaps), not Nettle's constant-time code.
 *     Not in the default proposals (algo_policy).  RFC 6932 registered
 *     them for IKE with IKEv2 in mind; strongSwan negotiates them in IKEv1
 *     too (our interop tests do).  Unlike the rest of the engine, libgcrypt
 *     aborts the process if it runs out of memory inside an operation.
 *     KE payload = x || y, each coordinate left-padded to the field size;
 *     shared secret = x of the shared point, left-padded (all ECP groups).
 *   Montgomery (Nettle): 31 curve25519, 32 curve448 (RFC 7748 / RFC 8031:
 *     KE payload and shared secret are the u-coordinate, little-endian).
 *   Not supported: 3, 4 (EC2N): isakmp_dh_group returns NULL and every
 *   function fails with ISAKMP_DH_ERR_GROUP.  Groups 27-30 also fail with
 *   ISAKMP_DH_ERR_GROUP when libgcrypt is unusable (older at run time
 *   than at build time, or in FIPS mode, which refuses Brainpool).
 *
 * Private-exponent policy (a parameter of key generation, recorded in the
 * key):
 *   FULL   MODP safe-prime groups (p = 2q + 1): x uniform in [2, q-1]
 *          (modulus bits - 1 bits, by rejection sampling);
 *          RFC 5114 groups: x uniform in [2, q-1] for their subgroup order q.
 *   SHORT  x has exactly `bits` bits (top bit set, uniform below);
 *          bits = 0 means the group's recommended short size
 *          (isakmp_dh_group_info.short_exp_bits, = 2 x the upper RFC 3526
 *          §8 strength estimate).  Rejected (ISAKMP_DH_ERR_POLICY) when
 *          bits < 64 or bits is larger than the full size.
 *   ECP and Montgomery groups: the scalar is always full size (SHORT is
 *   accepted and ignored: the key records FULL).
 *
 * Peer public values are validated before use (isakmp_dh_check_public):
 *   MODP: length = modulus length, 1 < y < p-1, and y^q = 1 mod p for the
 *         RFC 5114 groups 22-24;
 *   ECP:  length = 2 x field size, x, y < field prime, point on the curve,
 *         not the all-zero encoding of the point at infinity;
 *   Montgomery: length, and a shared secret that is not all zero.
 * A peer error maps to the Notify INVALID-KEY-INFORMATION (17)
 * (isakmp_dh_error_notify) and no shared secret is produced.
 *
 * Cost: every generate/compute fills a struct isakmp_crypto_cost
 * (isakmp/cost.h): group, operation, exponent bits, measured thread CPU
 * time, and the deterministic virtual_ns from the caller's cost table.
 *
 * Secrets: the private value lives in GMP integers (MODP) or a Nettle
 * ecc_scalar; their limbs are overwritten with zeros before they are
 * freed (isakmp_dh_key_free), as are every temporary holding the private
 * value or the shared secret.  libgcrypt (27-30) wipes every MPI it frees;
 * the shared secret is read out of it without its unwiped print buffer.
 * NOT wiped: memory GMP itself allocated and
 * freed internally during mpz_powm_sec (scratch space freed through GMP's
 * allocator), and limbs of an mpz that GMP reallocated while it grew
 * (we size every secret mpz up front to avoid that).  Public values are
 * not secret and not wiped.
 *
 * No global state, but one: libgcrypt is initialised once per process on
 * first use of a group 27-30 (pthread_once; no secure-memory pool, so it
 * never prints a warning; a host program that initialised libgcrypt
 * itself keeps its settings).  All functions are safe from several
 * threads on different keys. */
#ifndef ISAKMP_DH_H
#define ISAKMP_DH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/cost.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest KE payload and shared secret of any supported group (group 18:
 * 8192 bits). */
#define ISAKMP_DH_MAX_PUBLIC 1024
#define ISAKMP_DH_MAX_SHARED 1024

enum isakmp_dh_type {
    ISAKMP_DH_TYPE_MODP = 1,
    ISAKMP_DH_TYPE_ECP = 2,         /* short Weierstrass, x||y payload */
    ISAKMP_DH_TYPE_MONTGOMERY = 3,  /* curve25519/448, u-coordinate */
};

struct isakmp_dh_group_info {
    uint16_t id;                    /* IKE group number */
    enum isakmp_dh_type type;
    const char *name;               /* "modp2048", "ecp256", "curve25519" ... */
    size_t public_len;              /* KE payload bytes */
    size_t shared_len;              /* shared secret bytes */
    unsigned modulus_bits;          /* p (MODP) or field prime bits */
    unsigned full_exp_bits;         /* FULL policy: exponent/scalar bits */
    unsigned short_exp_bits;        /* recommended SHORT size (= full for non-MODP
                                       and for RFC 5114 groups) */
};

/* Group description, NULL when the group is not supported. */
const struct isakmp_dh_group_info *isakmp_dh_group(uint16_t id);
/* The supported group numbers in increasing order: writes up to cap of
 * them into ids, returns how many there are. */
size_t isakmp_dh_groups(uint16_t *ids, size_t cap);

enum isakmp_dh_error {
    ISAKMP_DH_OK = 0,
    ISAKMP_DH_ERR_GROUP,            /* group not supported */
    ISAKMP_DH_ERR_POLICY,           /* exponent policy not usable for this group */
    ISAKMP_DH_ERR_NOMEM,
    ISAKMP_DH_ERR_ARG,              /* NULL/too small buffer, bad private value */
    /* peer public value refused (-> INVALID-KEY-INFORMATION): */
    ISAKMP_DH_ERR_PEER_LENGTH,      /* wrong length */
    ISAKMP_DH_ERR_PEER_RANGE,       /* MODP: y <= 1 or y >= p-1; ECP: coordinate >= p */
    ISAKMP_DH_ERR_PEER_SUBGROUP,    /* MODP 22-24: y^q != 1 mod p */
    ISAKMP_DH_ERR_PEER_NOT_ON_CURVE,
    ISAKMP_DH_ERR_PEER_INFINITY,    /* ECP: all-zero encoding */
    ISAKMP_DH_ERR_PEER_ZERO_SECRET, /* Montgomery: low-order point, secret all zero */
    ISAKMP_DH_ERR_RANDOM,           /* random source broken: DH_MAX_DRAWS (128)
                                       draws in a row out of range */
};

/* A short English description ("peer public value not on the curve"). */
const char *isakmp_dh_strerror(enum isakmp_dh_error err);
/* True for the ISAKMP_DH_ERR_PEER_* errors. */
bool isakmp_dh_error_is_peer(enum isakmp_dh_error err);
/* The Notify type to send: 17 (INVALID-KEY-INFORMATION) for peer errors,
 * 0 for local errors (nothing to tell the peer). */
uint16_t isakmp_dh_error_notify(enum isakmp_dh_error err);

enum isakmp_dh_exp_kind {
    ISAKMP_DH_EXP_FULL = 0,
    ISAKMP_DH_EXP_SHORT = 1,
};
struct isakmp_dh_exp_policy {
    enum isakmp_dh_exp_kind kind;
    unsigned bits;                  /* SHORT: exponent bits; 0 = group's recommended */
};

/* Random source, the engine's callback shape (isakmp/engine.h random;
 * isakmp_drbg_random of isakmp/drbg.h fits it). */
#include "isakmp/random.h"

struct isakmp_dh_key;               /* opaque: private value + our public value */

/* Generate a key pair in `group`.  policy NULL = FULL.  random/rnd_user:
 * every random byte comes from there (MODP FULL and ECP scalars are drawn
 * by rejection sampling, so the number of bytes drawn can vary).
 * cost: the caller's cost table (NULL: virtual_ns = 0).  report (may be
 * NULL) gets kind DH_GENERATE, group, exponent bits, cpu_ns, virtual_ns.
 * On success *out owns a new key (free with isakmp_dh_key_free). */
enum isakmp_dh_error isakmp_dh_generate(uint16_t group,
                                        const struct isakmp_dh_exp_policy *policy,
                                        isakmp_random_fn *random, void *rnd_user,
                                        const struct isakmp_cost_table *cost,
                                        struct isakmp_dh_key **out,
                                        struct isakmp_crypto_cost *report);

/* Make a key from a given private value (big-endian for MODP/ECP,
 * little-endian raw scalar for curve25519/448, as RFC 7748) - for
 * known-answer tests and for keys restored from elsewhere.  MODP: 0 < x
 * < p-1 (any length up to the modulus); ECP: 0 < x < n; Montgomery:
 * exactly 32/56 bytes.  A MODP key records SHORT if x has fewer bits than
 * the full size, else FULL; ECP and Montgomery keys always record FULL
 * (their scalars have no short policy).  Cost reported as a DH_GENERATE. */
enum isakmp_dh_error isakmp_dh_key_from_private(uint16_t group,
                                                const uint8_t *priv, size_t len,
                                                const struct isakmp_cost_table *cost,
                                                struct isakmp_dh_key **out,
                                                struct isakmp_crypto_cost *report);

/* Wipe and free.  NULL allowed. */
void isakmp_dh_key_free(struct isakmp_dh_key *key);

/* A deep copy (for reusing one exponent across exchanges); NULL on no memory. */
struct isakmp_dh_key *isakmp_dh_key_dup(const struct isakmp_dh_key *key);

/* Our KE payload data (public value), owned by the key, *len =
 * info->public_len. */
const uint8_t *isakmp_dh_public(const struct isakmp_dh_key *key, size_t *len);

uint16_t isakmp_dh_key_group(const struct isakmp_dh_key *key);
/* The policy that was applied (ECP keys: FULL) and the exponent's actual
 * bit length (position of its top set bit; for curve25519/448 the clamped
 * scalar's 255/448 bits). */
struct isakmp_dh_exp_policy isakmp_dh_key_policy(const struct isakmp_dh_key *key);
unsigned isakmp_dh_key_exp_bits(const struct isakmp_dh_key *key);

/* Export the private value (same encoding as isakmp_dh_key_from_private,
 * big-endian left-padded to the full exponent size in bytes for MODP/ECP).
 * For tests and diagnostics; the caller must wipe it.  Returns the length
 * written, 0 if cap is too small. */
size_t isakmp_dh_key_export_private(const struct isakmp_dh_key *key,
                                    uint8_t *buf, size_t cap);

/* Validate a peer's public value for `group` (rules above) without
 * computing anything else. */
enum isakmp_dh_error isakmp_dh_check_public(uint16_t group,
                                            const uint8_t *peer, size_t len);

/* The shared secret g^xy from our key and the peer's KE payload data.
 * The peer value is validated first (no secret on error).  shared must
 * hold info->shared_len bytes (cap); the secret is written full length,
 * left-padded with zeros, and *shared_len set.  The caller wipes it
 * (isakmp_wipe) when done.  report (may be NULL): kind DH_COMPUTE, bits =
 * our exponent bits; the cost is reported for refused peer values too
 * (validation took time: a DoS study wants it). */
enum isakmp_dh_error isakmp_dh_compute(const struct isakmp_dh_key *key,
                                       const uint8_t *peer, size_t peer_len,
                                       uint8_t *shared, size_t cap, size_t *shared_len,
                                       const struct isakmp_cost_table *cost,
                                       struct isakmp_crypto_cost *report);

#ifdef __cplusplus
}
#endif

#endif
