/* The SA database: phase-1 SAs found by their cookie pair (RFC 2408
 * §2.5.3: the cookies name the ISAKMP SA), and the per-source half-open
 * counters the defences use. */
#include "isakmp/framework.h"

#include <string.h>

static const uint8_t zero8[8];

static bool src_grow(struct isakmp_engine *e);

static size_t bucket_of(const struct isakmp_engine *e, const uint8_t *cky_i)
{
    /* Keyed mix of CKY-I: an attacker choosing CKY-I cannot aim at one
     * bucket without knowing hash_key. */
    uint64_t h;
    memcpy(&h, cky_i, 8);
    h ^= e->hash_key;
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (size_t)(h & (e->n_buckets - 1));
}

static bool resize(struct isakmp_engine *e, size_t n)
{
    struct fw_sa **b = fw_alloc(e, n * sizeof *b);
    if (!b)
        return false;
    struct fw_sa **old = e->buckets;
    size_t old_n = e->n_buckets;
    e->buckets = b;
    e->n_buckets = n;
    for (size_t i = 0; i < old_n; i++) {
        struct fw_sa *s = old[i];
        while (s) {
            struct fw_sa *nx = s->hnext;
            size_t k = bucket_of(e, s->cky_i);
            s->hnext = b[k];
            b[k] = s;
            s = nx;
        }
    }
    fw_free(e, old);
    return true;
}

static bool grow(struct isakmp_engine *e)
{
    return resize(e, e->n_buckets ? e->n_buckets * 2 : 64);
}

bool fw_sa_tables_init(struct isakmp_engine *e)
{
    return grow(e) && src_grow(e);
}

struct fw_sa *fw_sa_new(struct isakmp_engine *e, bool initiator,
                        const struct isakmp_addr *local, const struct isakmp_addr *peer)
{
    struct fw_sa *sa = fw_alloc(e, sizeof *sa);
    if (!sa)
        return NULL;
    sa->handle = fw_new_handle(e);
    sa->initiator = initiator;
    sa->local = *local;
    sa->peer = *peer;
    sa->life.kind = FW_T_SA;
    sa->dpd.kind = FW_T_DPD;
    sa->natt.keepalive.kind = FW_T_NATT_KEEPALIVE;
    sa->next = e->sas;
    if (e->sas)
        e->sas->prev = sa;
    e->sas = sa;
    if (!initiator) {
        e->stats.half_open++;
        fw_src_add(e, peer, +1);
    }
    return sa;
}

bool fw_sa_insert(struct isakmp_engine *e, struct fw_sa *sa)
{
    if (e->n_sas + 1 > e->n_buckets * 2 && !grow(e))
        return false;
    size_t k = bucket_of(e, sa->cky_i);
    sa->hnext = e->buckets[k];
    e->buckets[k] = sa;
    e->n_sas++;
    return true;
}

static void unhash(struct isakmp_engine *e, struct fw_sa *sa)
{
    if (!e->n_buckets)
        return;
    struct fw_sa **pp = &e->buckets[bucket_of(e, sa->cky_i)];
    for (; *pp; pp = &(*pp)->hnext) {
        if (*pp == sa) {
            *pp = sa->hnext;
            e->n_sas--;
            /* Give memory back after a flood has gone. */
            if (e->n_buckets > 64 && e->n_sas < e->n_buckets / 8)
                resize(e, e->n_buckets / 2);
            return;
        }
    }
}

void fw_sa_set_cky_r(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *cky_r)
{
    (void)e; /* the hash is on CKY-I only: no rehash needed */
    memcpy(sa->cky_r, cky_r, 8);
}

struct fw_sa *fw_sa_lookup(struct isakmp_engine *e, const uint8_t *cky_i,
                           const uint8_t *cky_r, const struct isakmp_addr *peer)
{
    if (!e->n_buckets)
        return NULL;
    bool r_zero = memcmp(cky_r, zero8, 8) == 0;
    for (struct fw_sa *s = e->buckets[bucket_of(e, cky_i)]; s; s = s->hnext) {
        if (memcmp(s->cky_i, cky_i, 8) != 0)
            continue;
        if (memcmp(s->cky_r, cky_r, 8) == 0) {
            /* An exact pair; with CKY-R zero only our own initiator SA
             * waiting for message 2 can match, and only from its peer. */
            if (!r_zero || isakmp_addr_equal(&s->peer, peer))
                return s;
            continue;
        }
        if (s->initiator && memcmp(s->cky_r, zero8, 8) == 0 && isakmp_addr_equal(&s->peer, peer))
            return s;               /* message 2 names CKY-R for the first time */
        if (!s->initiator && r_zero && isakmp_addr_equal(&s->peer, peer))
            return s;               /* message 1 again */
    }
    return NULL;
}

struct fw_sa *fw_sa_by_handle(struct isakmp_engine *e, isakmp_handle h)
{
    for (struct fw_sa *s = e->sas; s; s = s->next)
        if (s->handle == h)
            return s;
    return NULL;
}

void fw_sa_destroy(struct isakmp_engine *e, struct fw_sa *sa)
{
    while (sa->xchgs)
        fw_xchg_destroy(e, sa->xchgs);
    if (sa->p1x)
        fw_xchg_destroy(e, sa->p1x);
    if (e->kx && e->kx->sa_free)
        e->kx->sa_free(e, sa);
    fw_timer_cancel(e, &sa->life);
    fw_timer_cancel(e, &sa->dpd);
    fw_timer_cancel(e, &sa->natt.keepalive);
    unhash(e, sa);
    if (sa->prev) sa->prev->next = sa->next;
    else e->sas = sa->next;
    if (sa->next) sa->next->prev = sa->prev;
    if (!sa->initiator && sa->state == FW_SA_HALF_OPEN) {
        e->stats.half_open--;
        fw_src_add(e, &sa->peer, -1);
    }
    if (sa->state == FW_SA_ESTABLISHED)
        e->stats.phase1_sas--;
    if (sa->ini) {
        fw_free(e, sa->ini->offer);
        fw_free(e, sa->ini->p2req.p2);
        fw_free(e, sa->ini);
    }
    fw_free(e, sa);
}

bool fw_sa_msgid_used(struct fw_sa *sa, uint32_t msgid)
{
    for (size_t i = 0; i < sizeof sa->used_msgids / sizeof sa->used_msgids[0]; i++)
        if (sa->used_msgids[i] == msgid && msgid)
            return true;
    return false;
}

void fw_sa_msgid_remember(struct fw_sa *sa, uint32_t msgid)
{
    size_t n = sizeof sa->used_msgids / sizeof sa->used_msgids[0];
    sa->used_msgids[sa->used_next] = msgid;
    sa->used_next = (uint8_t)((sa->used_next + 1) % n);
}

/* ---- per-source half-open counters (open addressing, grows) ---------------- */

static size_t src_slot(const struct isakmp_engine *e, const struct isakmp_addr *a)
{
    uint64_t h = e->hash_key ^ 0x9e3779b97f4a7c15ULL;
    size_t n = a->family == 6 ? 16 : 4;
    for (size_t i = 0; i < n; i++)
        h = (h ^ a->addr[i]) * 0x100000001b3ULL;
    return (size_t)(h & (e->n_src_counts - 1));
}

static bool same_host(const struct isakmp_addr *x, const struct isakmp_addr *y)
{
    size_t n = x->family == 6 ? 16 : 4;
    return x->family == y->family && memcmp(x->addr, y->addr, n) == 0;
}

static struct fw_src_count *src_find(struct isakmp_engine *e, const struct isakmp_addr *a, bool create);
static bool src_grow(struct isakmp_engine *e)
{
    size_t old_n = e->n_src_counts;
    struct fw_src_count *old = e->src_counts;
    size_t n = old_n ? old_n * 2 : 64;
    struct fw_src_count *t = fw_alloc(e, n * sizeof *t);
    if (!t)
        return false;
    e->src_counts = t;
    e->n_src_counts = n;
    e->src_used = 0;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].n) {
            struct fw_src_count *c = src_find(e, &old[i].addr, true);
            if (c) *c = old[i];
        }
    fw_free(e, old);
    return true;
}

static struct fw_src_count *src_find(struct isakmp_engine *e, const struct isakmp_addr *a, bool create)
{
    if (!e->n_src_counts) {
        if (!create || !src_grow(e))
            return NULL;
    }
    size_t mask = e->n_src_counts - 1, i = src_slot(e, a);
    for (size_t k = 0; k <= mask; k++, i = (i + 1) & mask) {
        struct fw_src_count *c = &e->src_counts[i];
        if (c->addr.family == 0)
            return create ? (c->addr = *a, c->addr.port = 0, e->src_used++, c) : NULL;
        if (same_host(&c->addr, a))
            return c;
    }
    return NULL;
}

static size_t src_used(const struct isakmp_engine *e)
{
    return e->src_used;
}

static void src_compact(struct isakmp_engine *e)
{
    /* Rebuild without the zero-count entries (tombstones would otherwise
     * fill the table during a spoofed-source flood). */
    size_t n = e->n_src_counts;
    struct fw_src_count *old = e->src_counts;
    e->src_counts = NULL;
    e->n_src_counts = 0;
    e->src_used = 0;
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += old[i].n != 0;
    e->src_live = live;
    size_t want = 64;
    while (want < live * 4)
        want *= 2;
    struct fw_src_count *t = fw_alloc(e, want * sizeof *t);
    if (t) {
        e->src_counts = t;
        e->n_src_counts = want;
        for (size_t i = 0; i < n; i++)
            if (old[i].n) {
                struct fw_src_count *c = src_find(e, &old[i].addr, true);
                if (c) *c = old[i];
            }
    }
    fw_free(e, old);
}

void fw_src_add(struct isakmp_engine *e, const struct isakmp_addr *a, int delta)
{
    if (delta > 0 && e->n_src_counts && src_used(e) + 1 > e->n_src_counts / 2) {
        src_compact(e);
        if (src_used(e) + 1 > e->n_src_counts / 2)
            src_grow(e);
    }
    struct fw_src_count *c = src_find(e, a, delta > 0);
    if (!c)
        return;
    if (delta < 0 && c->n == 0)
        return;
    uint32_t was = c->n;
    c->n = (uint32_t)((int64_t)c->n + delta);
    if (was == 0 && c->n)
        e->src_live++;
    if (was && c->n == 0) {
        e->src_live--;
        if (e->n_src_counts > 64 && e->src_live < e->n_src_counts / 8)
            src_compact(e);
    }
}

uint32_t fw_src_get(struct isakmp_engine *e, const struct isakmp_addr *a)
{
    struct fw_src_count *c = src_find(e, a, false);
    return c ? c->n : 0;
}
