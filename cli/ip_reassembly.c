/* IP fragment reassembly: a small table of datagrams in progress, each a
 * buffer plus the list of fragments kept.  Fragments never overlap once
 * kept, so "bytes kept == length given by the last fragment" means every
 * byte is present. */
#include "ip_reassembly.h"

#include <stdlib.h>
#include <string.h>

const struct ipr_limits ipr_default_limits = {
    .max_pending = 64,
    .max_fragments = 128,
    .max_len = 65535,
    .max_age_frames = 5000,
    .max_age_usec = 30LL * 1000000,
};

struct frag {
    size_t off, len;
    unsigned frame;
};

struct pending {
    bool used;
    const char *dead;          /* abandoned: kept only to absorb its late fragments */
    struct ipr_key key;
    unsigned first_frame;
    long long first_ts;
    unsigned long seq;         /* creation order: the oldest is evicted first */
    uint8_t *buf;              /* fragment bytes at their offsets; grows up to lim.max_len */
    size_t cap;
    bool have_end;
    size_t end;                /* datagram length, known from the last fragment */
    size_t got;                /* bytes kept */
    struct frag *frags;        /* arrival order; lim.max_fragments entries */
    size_t nfrags;
    unsigned duplicates;
};

struct ip_reassembly {
    struct ipr_limits lim;
    struct pending *slots;     /* lim.max_pending */
    unsigned long seq;
    struct frag *sorted;       /* scratch for a result: max_fragments + 1 entries */
    unsigned *frames;          /* likewise, the frame list */
};

struct ip_reassembly *ipr_new(const struct ipr_limits *limits)
{
    const struct ipr_limits *d = &ipr_default_limits;
    struct ipr_limits l = limits ? *limits : *d;
    if (!l.max_pending) l.max_pending = d->max_pending;
    if (!l.max_fragments) l.max_fragments = d->max_fragments;
    if (!l.max_len || l.max_len > 65535) l.max_len = d->max_len;
    if (!l.max_age_frames) l.max_age_frames = d->max_age_frames;
    if (l.max_age_usec <= 0) l.max_age_usec = d->max_age_usec;
    /* the tables themselves are bounded too */
    if (l.max_pending > 4096) l.max_pending = 4096;
    if (l.max_fragments > 8192) l.max_fragments = 8192;

    struct ip_reassembly *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->lim = l;
    r->slots = calloc(l.max_pending, sizeof *r->slots);
    r->sorted = calloc(l.max_fragments + 1, sizeof *r->sorted);
    r->frames = calloc(l.max_fragments + 1, sizeof *r->frames);
    if (!r->slots || !r->sorted || !r->frames) {
        ipr_free(r);
        return NULL;
    }
    return r;
}

static void release(struct pending *p)
{
    free(p->buf);
    free(p->frags);
    memset(p, 0, sizeof *p);
}

void ipr_free(struct ip_reassembly *r)
{
    if (!r)
        return;
    if (r->slots)
        for (size_t i = 0; i < r->lim.max_pending; i++)
            release(&r->slots[i]);
    free(r->slots);
    free(r->sorted);
    free(r->frames);
    free(r);
}

static bool same_key(const struct ipr_key *a, const struct ipr_key *b)
{
    return a->family == b->family && a->proto == b->proto && a->id == b->id &&
           memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0;
}

/* Report p as complete (why == NULL) or dropped.  `extra` (when non-NULL)
 * is the fragment that caused the drop, listed with the others. */
static int report(struct ip_reassembly *r, struct pending *p, const char *why,
                  const struct frag *extra, ipr_emit_fn emit, void *ctx)
{
    /* frames in offset order (insertion sort: at most max_fragments + 1) */
    size_t n = 0;
    for (size_t i = 0; i < p->nfrags + (extra ? 1 : 0); i++) {
        struct frag f = i < p->nfrags ? p->frags[i] : *extra;
        size_t j = n++;
        for (; j > 0 && r->sorted[j - 1].off > f.off; j--)
            r->sorted[j] = r->sorted[j - 1];
        r->sorted[j] = f;
    }
    for (size_t i = 0; i < n; i++)
        r->frames[i] = r->sorted[i].frame;
    struct ipr_result res = {
        .key = &p->key,
        .dropped = why,
        .frames = r->frames,
        .nframes = n,
        .duplicates = p->duplicates,
    };
    if (!why) {
        res.data = p->buf;
        res.len = p->end;
    } else {
        /* the contiguous bytes from offset 0, to name the ports */
        size_t covered = 0;
        for (bool grew = true; grew;) {
            grew = false;
            for (size_t i = 0; i < p->nfrags; i++)
                if (p->frags[i].off == covered && p->frags[i].len > 0) {
                    covered += p->frags[i].len;
                    grew = true;
                }
        }
        res.data = covered ? p->buf : NULL;
        res.len = covered;
    }
    return emit(ctx, &res);
}

/* Give up on p: report it once, keep a tombstone (no buffers) so its
 * later fragments are recognised. */
static int abandon(struct ip_reassembly *r, struct pending *p, const char *why,
                   const struct frag *extra, ipr_emit_fn emit, void *ctx)
{
    int rc = report(r, p, why, extra, emit, ctx);
    free(p->buf);
    free(p->frags);
    p->buf = NULL;
    p->frags = NULL;
    p->cap = p->nfrags = p->got = 0;
    p->dead = why;
    return rc;
}

static bool too_old(const struct ip_reassembly *r, const struct pending *p, unsigned frame,
                    long long ts, const char **why)
{
    if (frame > p->first_frame && frame - p->first_frame > r->lim.max_age_frames) {
        *why = "still incomplete after the frame limit";
        return true;
    }
    /* capture time may go backwards (merged files): then only frames count */
    if (ts > p->first_ts &&
        (unsigned long long)ts - (unsigned long long)p->first_ts >
            (unsigned long long)r->lim.max_age_usec) {   /* no signed overflow */
        *why = "still incomplete after the time limit";
        return true;
    }
    return false;
}

int ipr_expire(struct ip_reassembly *r, unsigned frame, long long ts_usec, ipr_emit_fn emit,
               void *ctx)
{
    for (size_t i = 0; i < r->lim.max_pending; i++) {
        struct pending *p = &r->slots[i];
        const char *why;
        if (!p->used || !too_old(r, p, frame, ts_usec, &why))
            continue;
        int rc = p->dead ? 0 : report(r, p, why, NULL, emit, ctx);
        release(p);
        if (rc)
            return rc;
    }
    return 0;
}

int ipr_flush(struct ip_reassembly *r, ipr_emit_fn emit, void *ctx)
{
    int rc = 0;
    for (size_t i = 0; i < r->lim.max_pending; i++) {
        struct pending *p = &r->slots[i];
        if (p->used && !p->dead && rc == 0)
            rc = report(r, p, "incomplete at the end of the capture", NULL, emit, ctx);
        release(p);
    }
    return rc;
}

/* The slot for key: the existing one, a free one, or the oldest one
 * after reporting it dropped.  *rc gets the callback's value. */
static struct pending *slot_for(struct ip_reassembly *r, const struct ipr_key *key,
                                const struct ipr_fragment *f, ipr_emit_fn emit, void *ctx,
                                int *rc)
{
    struct pending *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < r->lim.max_pending; i++) {
        struct pending *p = &r->slots[i];
        if (!p->used) {
            if (!free_slot)
                free_slot = p;
        } else if (same_key(&p->key, key)) {
            return p;
        } else if (!oldest || p->seq < oldest->seq) {
            oldest = p;
        }
    }
    struct pending *p = free_slot;
    if (!p) {
        p = oldest;
        if (!p->dead)
            *rc = report(r, p, "reassembly table full (oldest datagram dropped)", NULL, emit, ctx);
        release(p);
    }
    p->used = true;
    p->key = *key;
    p->first_frame = f->frame;
    p->first_ts = f->ts_usec;
    p->seq = ++r->seq;
    return p;
}

int ipr_add(struct ip_reassembly *r, const struct ipr_key *key, const struct ipr_fragment *f,
            ipr_emit_fn emit, void *ctx)
{
    int rc = ipr_expire(r, f->frame, f->ts_usec, emit, ctx);
    if (rc)
        return rc;
    struct pending *p = slot_for(r, key, f, emit, ctx, &rc);
    if (rc)
        return rc;
    struct frag nf = { f->offset, f->len, f->frame };

    if (p->dead) {
        struct ipr_result res = {
            .key = &p->key, .dropped = p->dead, .frames = &nf.frame, .nframes = 1,
            .straggler = true,
            /* a late first fragment still names the ports */
            .data = f->offset == 0 && !f->truncated ? f->data : NULL,
            .len = f->offset == 0 && !f->truncated ? f->len : 0,
        };
        return emit(ctx, &res);
    }
    if (!p->frags) {
        p->frags = calloc(r->lim.max_fragments, sizeof *p->frags);
        if (!p->frags)
            return abandon(r, p, "out of memory", &nf, emit, ctx);
    }
    if (f->truncated)
        return abandon(r, p, "a fragment cut short by the capture's snap length", &nf, emit, ctx);
    if (f->len > r->lim.max_len || f->offset > r->lim.max_len - f->len)
        return abandon(r, p, "reassembled datagram would be too long", &nf, emit, ctx);
    if (f->more && f->len % 8)
        return abandon(r, p, "a non-last fragment whose length is not a multiple of 8", &nf,
                       emit, ctx);
    size_t end = f->offset + f->len;
    if (!f->more) {
        if (p->have_end && p->end != end)
            return abandon(r, p, "two last fragments disagree on the length", &nf, emit, ctx);
        for (size_t i = 0; i < p->nfrags; i++)
            if (p->frags[i].off + p->frags[i].len > end)
                return abandon(r, p, "data past the end given by the last fragment", &nf, emit,
                               ctx);
    } else if (p->have_end && end > p->end) {
        return abandon(r, p, "data past the end given by the last fragment", &nf, emit, ctx);
    }
    for (size_t i = 0; i < p->nfrags; i++) {
        const struct frag *q = &p->frags[i];
        if (!(f->offset < q->off + q->len && q->off < end))
            continue;
        if (q->off == f->offset && q->len == f->len &&
            memcmp(p->buf + q->off, f->data, f->len) == 0) {
            p->duplicates++;   /* the same bytes again: harmless (RFC 8200 4.5) */
            return 0;
        }
        return abandon(r, p, "overlapping fragments", &nf, emit, ctx);
    }
    if (p->nfrags == r->lim.max_fragments)
        return abandon(r, p, "too many fragments", &nf, emit, ctx);
    if (end > p->cap) {
        size_t cap = (end + 1023) / 1024 * 1024;
        if (cap > r->lim.max_len)
            cap = r->lim.max_len;
        uint8_t *b = realloc(p->buf, cap);
        if (!b)
            return abandon(r, p, "out of memory", &nf, emit, ctx);
        p->buf = b;
        p->cap = cap;
    }
    if (f->len)
        memcpy(p->buf + f->offset, f->data, f->len);
    p->frags[p->nfrags++] = nf;
    p->got += f->len;
    if (!f->more) {
        p->have_end = true;
        p->end = end;
    }
    if (p->have_end && p->got == p->end) {
        rc = report(r, p, NULL, NULL, emit, ctx);
        release(p);
    }
    return rc;
}
