/* Handling of secret bytes, shared by every layer of the engine. */
#ifndef ISAKMP_SECMEM_H
#define ISAKMP_SECMEM_H

#include <stddef.h>
#include <stdbool.h>

/* Overwrite n bytes with zeros in a way the compiler may not remove.
 * Call on every buffer that held key material before it is freed. */
void isakmp_wipe(void *p, size_t n);

/* Wipe n bytes, then free(p). NULL is allowed. */
void isakmp_free_secret(void *p, size_t n);

/* Compare two n-byte strings in time that depends only on n (for hashes,
 * MACs and cookies). True when equal. */
bool isakmp_memeq_ct(const void *a, const void *b, size_t n);

#endif
