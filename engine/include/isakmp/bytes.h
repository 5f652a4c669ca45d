/* A borrowed byte string: the one (pointer, length) type of every public
 * API of the engine (wire views, key-schedule inputs).  p may be NULL
 * only when len == 0.  The bytes belong to whoever lent them. */
#ifndef ISAKMP_BYTES_H
#define ISAKMP_BYTES_H

#include <stddef.h>
#include <stdint.h>

struct isakmp_bytes {
    const uint8_t *p;
    size_t len;
};

/* Build an isakmp_bytes in an expression. */
#define ISAKMP_BYTES(ptr, n) ((struct isakmp_bytes){ (const uint8_t *)(ptr), (n) })

#endif
