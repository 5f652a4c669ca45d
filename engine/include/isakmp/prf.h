/* Hash functions and the HMAC PRF of IKEv1.
 *
 * status: complete
 *
 * Algorithms are named by their RFC 2409 Appendix A "Hash Algorithm"
 * numbers (ISAKMP_HASH_* of isakmp/registry.h): 1 MD5, 2 SHA-1,
 * 4 SHA2-256, 5 SHA2-384, 6 SHA2-512.  IKEv1 as deployed never negotiates
 * a PRF attribute, so the PRF is always HMAC over the negotiated hash
 * (RFC 2409 §4: "the HMAC version of the negotiated hash").
 *
 * Inputs are given as a list of byte strings that are hashed as their
 * concatenation, so callers never build temporary buffers for
 * "g^xi | g^xr | CKY-I | CKY-R | ...".  Nothing here allocates; HMAC
 * states on the stack are wiped before return. */
#ifndef ISAKMP_PRF_H
#define ISAKMP_PRF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/bytes.h"

/* Largest digest of any supported hash (SHA2-512). */
#define ISAKMP_HASH_MAX 64

struct nettle_hash; /* from <nettle/nettle-meta.h>; callers need not include it */

/* One row of the hash table. */
struct isakmp_hash_desc {
    uint16_t id;                     /* RFC 2409 App. A number */
    const char *name;                /* "md5", "sha1", "sha256", "sha384", "sha512" */
    size_t digest_size;              /* bytes */
    size_t block_size;               /* bytes of the compression block (HMAC) */
    const struct nettle_hash *nettle;
    bool weak;                       /* MD5: kept for research, not in the default policy */
};

/* The descriptor of hash `id`, or NULL when it is not supported
 * (e.g. 3 Tiger).  The returned pointer is to static const data. */
const struct isakmp_hash_desc *isakmp_hash_find(uint16_t id);

/* The descriptor named `name` (case-insensitive; "md5", "sha1",
 * "sha256"/"sha2-256", "sha384"/"sha2-384", "sha512"/"sha2-512"), or NULL. */
const struct isakmp_hash_desc *isakmp_hash_by_name(const char *name);

/* All descriptors, in RFC number order; *n gets their count. */
const struct isakmp_hash_desc *isakmp_hash_list(size_t *n);

/* Digest length of hash `id` in bytes; 0 when unknown.  This is also
 * the length of every PRF output (SKEYID, HASH_I, ...). */
size_t isakmp_hash_len(uint16_t id);

/* out = hash(v[0] | v[1] | ... | v[n-1]).  out must hold
 * isakmp_hash_len(id) bytes.  False (out untouched) when id is unknown
 * or an element has p == NULL with len > 0. */
bool isakmp_hash(uint16_t id, const struct isakmp_bytes *v, size_t n, uint8_t *out);

/* out = HMAC-hash(key, v[0] | ... | v[n-1]): the IKEv1 prf(key, msg).
 * Any key length is allowed (HMAC hashes long keys, pads short ones; an
 * empty key is legal HMAC).  out must hold isakmp_hash_len(id) bytes; it
 * may alias the key or an input (the result is copied out last).  False when id is unknown or an
 * argument is NULL with a nonzero length. */
bool isakmp_prf(uint16_t id, const uint8_t *key, size_t key_len,
                const struct isakmp_bytes *v, size_t n, uint8_t *out);

#endif
