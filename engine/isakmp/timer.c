/* The engine's deadline heap (see fw_timer.h). */
#include "isakmp/framework.h"

#include <stdlib.h>

static void place(struct fw_timer_heap *h, size_t i, struct fw_timer *t)
{
    h->v[i] = t;
    t->idx = i + 1;
}

static void sift_up(struct fw_timer_heap *h, size_t i)
{
    struct fw_timer *t = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->v[parent]->at <= t->at)
            break;
        place(h, i, h->v[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(struct fw_timer_heap *h, size_t i)
{
    struct fw_timer *t = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        uint64_t best = t->at;
        if (l < h->n && h->v[l]->at < best) { m = l; best = h->v[l]->at; }
        if (r < h->n && h->v[r]->at < best) m = r;
        if (m == i)
            break;
        place(h, i, h->v[m]);
        i = m;
    }
    place(h, i, t);
}

/* Give memory back when a flood of timers has gone. */
static void shrink(struct isakmp_engine *e)
{
    struct fw_timer_heap *h = &e->timers;
    if (h->cap <= 64 || h->n >= h->cap / 8)
        return;
    size_t cap = h->cap / 2;
    struct fw_timer **v = fw_alloc(e, cap * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < h->n; i++)
        v[i] = h->v[i];
    fw_free(e, h->v);
    h->v = v;
    h->cap = cap;
}

_Bool fw_timer_set(struct isakmp_engine *e, struct fw_timer *t, uint64_t at)
{
    struct fw_timer_heap *h = &e->timers;
    if (t->idx) {
        uint64_t old = t->at;
        t->at = at;
        if (at < old) sift_up(h, t->idx - 1);
        else sift_down(h, t->idx - 1);
        return 1;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        struct fw_timer **v = fw_alloc(e, cap * sizeof *v);
        if (!v)
            return 0;
        for (size_t i = 0; i < h->n; i++)
            v[i] = h->v[i];
        fw_free(e, h->v);
        h->v = v;
        h->cap = cap;
    }
    t->at = at;
    h->v[h->n] = t;
    t->idx = ++h->n;
    sift_up(h, h->n - 1);
    return 1;
}

void fw_timer_cancel(struct isakmp_engine *e, struct fw_timer *t)
{
    struct fw_timer_heap *h = &e->timers;
    if (!t->idx)
        return;
    size_t i = t->idx - 1;
    t->idx = 0;
    h->n--;
    if (i == h->n) {
        shrink(e);
        return;
    }
    struct fw_timer *last = h->v[h->n];
    place(h, i, last);
    if (i > 0 && h->v[(i - 1) / 2]->at > last->at)
        sift_up(h, i);
    else
        sift_down(h, i);
    shrink(e);
}

struct fw_timer *fw_timer_first(const struct fw_timer_heap *h)
{
    return h->n ? h->v[0] : NULL;
}

void fw_timer_heap_free(struct isakmp_engine *e)
{
    fw_free(e, e->timers.v);
    e->timers.v = NULL;
    e->timers.n = e->timers.cap = 0;
}
