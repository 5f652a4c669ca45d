/* status: complete
 *
 * A deterministic random bit generator for simulation: every random byte
 * a simulated node uses (cookie secrets, nonces, DH exponents, SPIs, IVs)
 * comes from its own generator, seeded from (seed material, run number,
 * node id), so a run repeats exactly and two nodes / two runs never share
 * a stream.  A live driver uses getrandom(2) instead.
 *
 * Construction (version 1, fixed: changing it changes every result):
 *   key   = SHA-256( "isakmp-drbg-v1" || uint32_be(seed_len) || seed
 *                    || uint64_be(run) || uint32_be(node) )
 *   bytes = ChaCha20 keystream under `key` (RFC 8439 block function via
 *           Nettle), 64-bit nonce 0, block counter from 0.
 * The stream is one sequence: generate(a) then generate(b) gives the same
 * bytes as generate(a + b).  Nothing here is secret from the simulation
 * designer: the seed is in the scenario, which is the point.  Not for
 * live keys.
 *
 * The key and buffered keystream are wiped when freed. */
#ifndef ISAKMP_DRBG_H
#define ISAKMP_DRBG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct isakmp_drbg;

/* New generator from seed material (any bytes, may be empty; seed NULL
 * only when seed_len is 0), the run number and the node id.  NULL when
 * memory is short.  Free with isakmp_drbg_free. */
struct isakmp_drbg *isakmp_drbg_new(const uint8_t *seed, size_t seed_len,
                                    uint64_t run, uint32_t node);

/* Wipe and free.  NULL allowed. */
void isakmp_drbg_free(struct isakmp_drbg *d);

/* Fill buf with the next len bytes of the stream.  Never fails (the
 * 64-bit block counter does not wrap in any simulation: 2^70 bytes). */
void isakmp_drbg_generate(struct isakmp_drbg *d, uint8_t *buf, size_t len);

/* Bytes produced so far (for records and tests). */
uint64_t isakmp_drbg_bytes_out(const struct isakmp_drbg *d);

/* Adapter with the engine's callback shape (isakmp_callbacks.random,
 * isakmp_random_fn of isakmp/dh.h): user is a struct isakmp_drbg *. */
void isakmp_drbg_random(void *user, uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
