/* Counted memory: every byte an engine holds is in e->mem, so tests can
 * check that failed exchanges return to the baseline and defences can
 * bound it.  Freed blocks are wiped: many hold keys or nonces. */
#include "isakmp/framework.h"
#include "isakmp/secmem.h"

#include <stdlib.h>
#include <string.h>

/* The size is kept in front of the block, aligned for any object. */
#define HDR 16

void *fw_alloc(struct isakmp_engine *e, size_t n)
{
    if (n > SIZE_MAX - HDR)
        return NULL;
    uint8_t *p = calloc(1, n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    e->mem += n + HDR;
    return p + HDR;
}

void fw_free(struct isakmp_engine *e, void *q)
{
    if (!q)
        return;
    uint8_t *p = (uint8_t *)q - HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    e->mem -= n + HDR;
    isakmp_wipe(p, n + HDR);
    free(p);
}

void *fw_memdup(struct isakmp_engine *e, const void *src, size_t n)
{
    void *p = fw_alloc(e, n ? n : 1);
    if (p && n)
        memcpy(p, src, n);
    return p;
}
