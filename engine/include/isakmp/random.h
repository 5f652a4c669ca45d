/* Where every random byte of the engine comes from: a function the caller
 * supplies (a seeded DRBG in simulation, getrandom(2) on a real network).
 * It must fill buf with len bytes; it cannot fail. */
#ifndef ISAKMP_RANDOM_H
#define ISAKMP_RANDOM_H

#include <stddef.h>
#include <stdint.h>

typedef void isakmp_random_fn(void *user, uint8_t *buf, size_t len);

#endif
