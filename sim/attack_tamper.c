/* The on-path tamperer: at a tapped link end (sim/attack_onpath.c) it
 * alters the ISAKMP messages that match its filter (exchange type, message
 * numbers, at most max_count), each with `probability`, while the attack
 * is active; the shim rebuilds the frame with correct UDP/IPv4 lengths and
 * checksums, so the victim's stack accepts it and only IKE can notice.
 * Actions (on the UDP payload):
 *   bitflip   `bits` distinct random bits anywhere, or `bits` random bits of
 *             the byte at `offset`;
 *   truncate  to `truncate_to` bytes, or `truncate_by` bytes fewer;
 *   swap      two payloads exchange places in the chain (unencrypted
 *             messages only), or with one payload named: it is replaced by
 *             the same payload of the previous matching message of another
 *             exchange (a KE or nonce "from someone else").
 * A frame the action cannot apply to passes unchanged (counted as
 * LABEL.skipped-WHY).  Counters per message: LABEL.tampered and the
 * victim's reaction (attack_counters). */
#include "world_internal.h"

#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 32
#define MAX_FRAME 65535

struct tamper {
    struct isakmp_drbg *rng;
    uint32_t acted;
    uint8_t *bitmap;              /* bitflip: positions already flipped */
    uint8_t donor[MAX_FRAME];     /* swap with one payload: its last body seen */
    size_t donor_len;
    bool have_donor;
    uint8_t donor_cky[8];
    uint8_t out[MAX_FRAME];
};

struct chain_item {
    uint8_t type;
    size_t off, len;              /* generic header + body */
};

static void count(struct sim_attack *a, uint32_t label, const char *what)
{
    char name[48];
    sim_onpath_label_name(label, name, 24);
    size_t k = strlen(name);
    snprintf(name + k, sizeof name - k, ".%s", what);
    sim_attack_count(a, name, 1);
}

static uint32_t draw(struct tamper *t, uint32_t n)      /* uniform in [0, n) */
{
    uint8_t b[8];
    isakmp_drbg_generate(t->rng, b, sizeof b);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return n ? (uint32_t)(v % n) : 0;
}

/* The payload chain of an unencrypted message, bounds-checked against
 * both the header's length and the datagram.  -1: not walkable. */
static int walk(const uint8_t *p, size_t len, struct chain_item *it, size_t *end)
{
    if (len < 28 || (p[19] & 1))
        return -1;
    size_t total = isakmp_get32(p + 24);
    if (total < 28 || total > len)
        return -1;
    uint8_t next = p[16];
    size_t off = 28;
    int n = 0;
    while (next != 0) {
        if (n == MAX_CHAIN || total - off < 4)
            return -1;
        size_t plen = isakmp_get16(p + off + 2);
        if (plen < 4 || plen > total - off)
            return -1;
        it[n++] = (struct chain_item){ next, off, plen };
        next = p[off];
        off += plen;
    }
    *end = off;
    return n;
}

/* Write header + the items in order (bodies from `body`/`blen` for item
 * `replace`, else from p) + trailing bytes, fixing next-payload fields and
 * lengths.  Returns the new length, 0 if it does not fit. */
static size_t rebuild(const uint8_t *p, size_t len, const struct chain_item *it, int n,
                      const int *order, int replace, const uint8_t *body, size_t blen,
                      size_t end, uint8_t *out)
{
    size_t o = 28;
    memcpy(out, p, 28);
    out[16] = n ? it[order[0]].type : 0;
    for (int i = 0; i < n; i++) {
        const struct chain_item *c = &it[order[i]];
        size_t plen = order[i] == replace ? 4 + blen : c->len;
        if (plen > 0xffff || o + plen > MAX_FRAME)
            return 0;
        out[o] = i + 1 < n ? it[order[i + 1]].type : 0;
        out[o + 1] = p[c->off + 1];
        isakmp_put16(out + o + 2, (uint16_t)plen);
        memcpy(out + o + 4, order[i] == replace ? body : p + c->off + 4, plen - 4);
        o += plen;
    }
    if (o + (len - end) > MAX_FRAME)
        return 0;
    memcpy(out + o, p + end, len - end);            /* bytes after the chain */
    size_t hdr_len = o + (isakmp_get32(p + 24) - end);
    isakmp_put32(out + 24, (uint32_t)hdr_len);
    return o + (len - end);
}

static const char *swap_payloads(struct sim_attack *a, struct tamper *t,
                                 struct isakmp_sim_tap_packet *pkt)
{
    struct chain_item it[MAX_CHAIN];
    size_t end = 0;
    int n = walk(pkt->data, pkt->len, it, &end);
    if (n < 0)
        return pkt->len >= 28 && (pkt->data[19] & 1) ? "skipped-encrypted" : "skipped-malformed";
    int order[MAX_CHAIN], x = -1, y = -1;
    for (int i = 0; i < n; i++) {
        order[i] = i;
        if (x < 0 && it[i].type == a->scn->swap[0])
            x = i;
        else if (y < 0 && a->scn->swap[1] && it[i].type == a->scn->swap[1])
            y = i;
    }
    if (x < 0 || (a->scn->swap[1] && y < 0))
        return "skipped-no-payload";
    size_t nl;
    if (a->scn->swap[1]) {
        order[x] = y;
        order[y] = x;
        nl = rebuild(pkt->data, pkt->len, it, n, order, -1, NULL, 0, end, t->out);
    } else {
        /* take this one's body as the next donor; use the previous one
         * if it came from another exchange */
        uint8_t body[MAX_FRAME];
        size_t blen = it[x].len - 4;
        memcpy(body, pkt->data + it[x].off + 4, blen);
        bool usable = t->have_donor && memcmp(t->donor_cky, pkt->data, 8) != 0;
        nl = usable ? rebuild(pkt->data, pkt->len, it, n, order, x, t->donor, t->donor_len, end,
                              t->out)
                    : 0;
        memcpy(t->donor, body, blen);
        t->donor_len = blen;
        memcpy(t->donor_cky, pkt->data, 8);
        t->have_donor = true;
        if (!usable)
            return "skipped-no-donor";
    }
    if (!nl || nl > pkt->cap)
        return "skipped-too-long";
    memcpy(pkt->data, t->out, nl);
    pkt->len = nl;
    return NULL;
}

static const char *bitflip(struct sim_attack *a, struct tamper *t, struct isakmp_sim_tap_packet *pkt)
{
    const struct isakmp_scn_attack *sa = a->scn;
    if (sa->flip_offset >= 0) {
        if ((size_t)sa->flip_offset >= pkt->len)
            return "skipped-short";
        uint8_t mask = 0;
        while ((uint32_t)__builtin_popcount(mask) < sa->flip_bits)
            mask |= (uint8_t)(1u << draw(t, 8));
        pkt->data[sa->flip_offset] ^= mask;
        return NULL;
    }
    size_t nbits = pkt->len * 8;
    if (!nbits)
        return "skipped-short";
    uint32_t want = sa->flip_bits < nbits ? sa->flip_bits : (uint32_t)nbits;
    memset(t->bitmap, 0, (nbits + 7) / 8);
    for (uint32_t k = 0; k < want;) {
        uint32_t pos = draw(t, (uint32_t)nbits);
        if (t->bitmap[pos / 8] >> (pos % 8) & 1)
            continue;                  /* distinct positions: redraw */
        t->bitmap[pos / 8] |= (uint8_t)(1u << (pos % 8));
        pkt->data[pos / 8] ^= (uint8_t)(0x80u >> (pos % 8));
        k++;
    }
    return NULL;
}

static enum isakmp_sim_verdict tamper_hook(struct sim_attack *a, struct isakmp_sim_tap_packet *pkt,
                                           const struct sim_onpath_frame *f)
{
    struct tamper *t = a->impl;
    const struct isakmp_scn_attack *sa = a->scn;
    if (pkt->now_ns < sa->start_ns || (sa->stop_ns && pkt->now_ns >= sa->stop_ns))
        return ISAKMP_SIM_PASS;
    if (!sim_onpath_matches(a, f) || (sa->max_count && t->acted >= sa->max_count))
        return ISAKMP_SIM_PASS;
    uint32_t label = sim_onpath_label(f);
    /* one draw per matching frame (also at probability 1: the stream does
     * not depend on the probability's value) */
    if ((double)draw(t, 1u << 30) >= sa->probability * (double)(1u << 30)) {
        count(a, label, "spared");
        return ISAKMP_SIM_PASS;
    }
    const char *skip = NULL;
    const char *what = "bitflip";
    switch (sa->action) {
    case ISAKMP_SCN_BITFLIP:
        skip = bitflip(a, t, pkt);
        break;
    case ISAKMP_SCN_TRUNCATE: {
        what = "truncate";
        size_t to = sa->truncate_by ? (pkt->len > sa->truncate_by ? pkt->len - sa->truncate_by : 0)
                                    : sa->truncate_to;
        if (to >= pkt->len)
            skip = "skipped-short";
        else
            pkt->len = to;
        break;
    }
    case ISAKMP_SCN_SWAP:
        what = "swap";
        skip = swap_payloads(a, t, pkt);
        break;
    }
    if (skip) {
        count(a, label, skip);
        return ISAKMP_SIM_PASS;
    }
    t->acted++;
    a->sent++;
    count(a, label, "tampered");
    count(a, label, what);
    int to = sim_node_by_addr(a->w, pkt->dst);
    if (to >= 0)
        sim_onpath_expect(a, (uint32_t)to, pkt->data, pkt->len, label);
    return ISAKMP_SIM_MODIFIED;
}

static void tamper_free(struct sim_attack *a)
{
    struct tamper *t = a->impl;
    if (t) {
        isakmp_drbg_free(t->rng);
        free(t->bitmap);
    }
    free(t);
    a->impl = NULL;
}

bool sim_attack_tamper_init(struct sim_attack *a)
{
    const struct isakmp_scenario *s = a->w->s;
    struct tamper *t = calloc(1, sizeof *t);
    if (!t)
        return false;
    a->impl = t;
    a->free_impl = tamper_free;
    const uint8_t seed[4] = { (uint8_t)(s->seed >> 24), (uint8_t)(s->seed >> 16),
                              (uint8_t)(s->seed >> 8), (uint8_t)s->seed };
    /* the attack's own stream (node id space above the nodes', as the floods) */
    t->rng = isakmp_drbg_new(seed, sizeof seed, s->run, 0x40000000u | (uint32_t)a->idx);
    t->bitmap = malloc(MAX_FRAME);
    if (!t->rng || !t->bitmap)
        return false;
    return sim_onpath_attach(a, tamper_hook);
}
