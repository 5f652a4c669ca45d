#include "isakmp/secmem.h"

#include <nettle/memops.h>
#include <stdlib.h>
#include <string.h>

void isakmp_wipe(void *p, size_t n)
{
    /* Through a volatile pointer so the stores are not elided as dead. */
    volatile unsigned char *v = p;
    while (n--) *v++ = 0;
}

void isakmp_free_secret(void *p, size_t n)
{
    if (!p) return;
    isakmp_wipe(p, n);
    free(p);
}

bool isakmp_memeq_ct(const void *a, const void *b, size_t n)
{
    return nettle_memeql_sec(a, b, n) != 0;
}
