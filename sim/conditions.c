/* Link conditions (sim/scenario.h, scenarios/FORMAT.md):
 *
 * 1. Changes in virtual time.  At every condition's start and stop the
 *    link's state is recomputed from scratch: the link's own values, then
 *    every condition active at that instant (start <= now < stop) in file
 *    order, a later one overriding an earlier one.  So overlapping
 *    conditions compose and a stop restores exactly what was there before
 *    (not the link's values when another condition still holds).  Loss,
 *    jitter, duplication and reordering act per receiving end (`at`);
 *    delay and rate are the link's, both directions (the shim changes the
 *    channel's delay and the devices' rate, point-to-point only for rate).
 *    Only what some condition of the link sets is ever touched, so links
 *    without conditions draw exactly as before.
 *
 * 2. Loss of named protocol messages (errors.drop = { exchange = "main";
 *    message = 5; count = 1; from = "initiator"; }).  A loss filter on
 *    every end of the link numbers each ISAKMP message within its exchange
 *    (CKY-I, message ID), from both directions: a message with new bytes
 *    takes the next number, a retransmission (the same bytes) keeps its
 *    number.  The exchange's initiator is the sender of its first message
 *    seen.  It works for encrypted messages (the header is in clear) and
 *    loses at the receiving end(s) of `errors.at` the first `count`
 *    matching frames (0 = all).  Bounded: NL_SLOTS exchanges per link are
 *    remembered (a newer exchange takes an older one's slot), NL_MSGS
 *    distinct messages each. */
#include "world_internal.h"

#include "isakmp/wire.h"

#include <stdlib.h>
#include <string.h>

#define NL_SLOTS 4096u
#define NL_MSGS 16u

struct cond_event {
    struct sim_world *w;
    int link;                    /* scenario link whose state is recomputed */
};

struct nl_slot {
    bool used;
    uint8_t cky_i[8];
    uint32_t msgid;
    uint32_t initiator;          /* source address of the first message seen */
    uint8_t n;
    uint64_t hash[NL_MSGS];
};

struct nl_rule {
    const struct isakmp_scn_named_drop *d;
    uint32_t left;               /* frames still to lose (count != 0) */
};

struct nl_link;
struct nl_end {
    struct nl_link *nl;
    bool drops;                  /* errors.at covers this end */
};

struct nl_link {
    struct sim_world *w;
    int link;
    struct nl_slot *slot;
    struct nl_rule *rule;
    size_t n_rule;
    struct nl_end *ends;
    size_t n_ends;
};

struct sim_conditions {
    struct cond_event *ev;
    size_t n_ev;
    struct nl_link *nl;
    size_t n_nl;
};

/* ---- 1. changes in virtual time -------------------------------------------- */

static bool active(const struct isakmp_scn_condition *c, uint64_t now)
{
    return c->at_ns <= now && (c->until_ns == 0 || now < c->until_ns);
}

static void refused(struct sim_world *w, int link, const char *what)
{
    sim_fail(w, "%s:%d: link '%s': the simulator refused a condition's %s", w->s->file,
             w->s->links[link].line, w->s->links[link].name, what);
}

/* Recompute scenario link li's state at the current time. */
static void recompute(void *arg)
{
    struct cond_event *ev = arg;
    struct sim_world *w = ev->w;
    const struct isakmp_scenario *s = w->s;
    const struct isakmp_scn_link *l = &s->links[ev->link];
    uint32_t id = (uint32_t)w->link_ids[ev->link];
    uint64_t now = isakmp_sim_now(w->ns);
    unsigned touched = 0;
    uint64_t delay = l->delay_ns, rate = l->rate_bps;
    for (size_t i = 0; i < s->n_conditions; i++) {
        const struct isakmp_scn_condition *c = &s->conditions[i];
        if (c->link != ev->link)
            continue;
        touched |= c->set;
        if (!active(c, now))
            continue;
        if (c->set & ISAKMP_SCN_SET_DELAY)
            delay = c->delay_ns;
        if (c->set & ISAKMP_SCN_SET_RATE)
            rate = c->rate_bps;
    }
    if ((touched & ISAKMP_SCN_SET_DELAY) && isakmp_sim_link_set_delay(w->ns, id, delay) < 0)
        refused(w, ev->link, "delay");
    if ((touched & ISAKMP_SCN_SET_RATE) && isakmp_sim_link_set_rate(w->ns, id, rate) < 0)
        refused(w, ev->link, "rate");
    for (size_t k = 0; k < l->n_ends; k++) {
        const struct isakmp_scn_errors *e = &l->errors;
        bool errs_here = l->has_errors && (e->at < 0 || l->nodes[k] == e->at);
        double loss = errs_here ? e->rate : 0.0, dup = 0, reorder = 0;
        uint64_t jitter = 0, hold = 0;
        for (size_t i = 0; i < s->n_conditions; i++) {
            const struct isakmp_scn_condition *c = &s->conditions[i];
            if (c->link != ev->link || !active(c, now) || (c->at >= 0 && c->at != l->nodes[k]))
                continue;
            if (c->set & ISAKMP_SCN_SET_LOSS)
                loss = c->loss;
            if (c->set & ISAKMP_SCN_SET_JITTER)
                jitter = c->jitter_ns;
            if (c->set & ISAKMP_SCN_SET_DUPLICATE)
                dup = c->duplicate;
            if (c->set & ISAKMP_SCN_SET_REORDER) {
                reorder = c->reorder;
                hold = c->reorder_delay_ns;
            }
        }
        if ((touched & ISAKMP_SCN_SET_LOSS) && isakmp_sim_loss_rate(w->ns, id, (uint32_t)k, loss) < 0)
            refused(w, ev->link, "loss");
        if ((touched & (ISAKMP_SCN_SET_JITTER | ISAKMP_SCN_SET_DUPLICATE)) &&
            isakmp_sim_impair(w->ns, id, (uint32_t)k, dup, jitter) < 0)
            refused(w, ev->link, "jitter/duplicate");
        if ((touched & ISAKMP_SCN_SET_REORDER) &&
            isakmp_sim_reorder(w->ns, id, (uint32_t)k, reorder, hold) < 0)
            refused(w, ev->link, "reorder");
    }
}

static bool schedule(struct sim_world *w, struct sim_conditions *sc, int link, uint64_t t)
{
    struct cond_event *ev = &sc->ev[sc->n_ev++];
    ev->w = w;
    ev->link = link;
    return isakmp_sim_at(w->ns, t, recompute, ev) != 0;
}

/* ---- 2. named messages -------------------------------------------------------- */

static uint64_t fnv1a(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h ^ len;
}

/* The message's number within its exchange (0 = beyond NL_MSGS) and the
 * exchange's slot. */
static uint8_t number_of(struct nl_link *nl, const uint8_t *p, size_t len, uint32_t src,
                         struct nl_slot **out)
{
    uint32_t msgid = isakmp_get32(p + 20);
    uint64_t key = fnv1a(p, 8) ^ msgid * 0x9e3779b97f4a7c15ull;
    struct nl_slot *s = &nl->slot[key % NL_SLOTS];
    if (!s->used || memcmp(s->cky_i, p, 8) != 0 || s->msgid != msgid) {
        memset(s, 0, sizeof *s);      /* a new exchange (or it evicts an old one) */
        s->used = true;
        memcpy(s->cky_i, p, 8);
        s->msgid = msgid;
        s->initiator = src;
    }
    *out = s;
    uint64_t h = fnv1a(p, len);
    for (uint8_t i = 0; i < s->n; i++)
        if (s->hash[i] == h)
            return (uint8_t)(i + 1);   /* a retransmission */
    if (s->n == NL_MSGS)
        return 0;
    s->hash[s->n++] = h;
    return s->n;
}

static bool nl_filter(void *user, const struct isakmp_sim_tap_packet *pkt, bool lost)
{
    struct nl_end *ne = user;
    struct nl_link *nl = ne->nl;
    const uint8_t *p = pkt->data;
    size_t len = pkt->len;
    bool natt = pkt->sport == 4500 || pkt->dport == 4500;
    if (!natt && pkt->sport != 500 && pkt->dport != 500)
        return false;
    if (natt && len >= 4 && isakmp_get32(p) == 0) {
        p += 4;                       /* non-ESP marker (RFC 3948) */
        len -= 4;
    }
    if (len < 28 || (p[17] >> 4) != 1)
        return false;
    struct nl_slot *s;
    uint8_t number = number_of(nl, p, len, pkt->src, &s);
    if (!ne->drops || lost)
        return false;
    for (size_t i = 0; i < nl->n_rule; i++) {
        struct nl_rule *r = &nl->rule[i];
        const struct isakmp_scn_named_drop *d = r->d;
        if ((d->count && r->left == 0) || p[18] != d->exchange ||
            (d->message && number != d->message))
            continue;
        bool by_init = pkt->src == s->initiator;
        if ((d->from == ISAKMP_SCN_FROM_INITIATOR && !by_init) ||
            (d->from == ISAKMP_SCN_FROM_RESPONDER && by_init))
            continue;
        if (d->count)
            r->left--;
        return true;
    }
    return false;
}

static bool named_loss(struct sim_world *w, struct nl_link *nl, int li)
{
    const struct isakmp_scn_link *l = &w->s->links[li];
    const struct isakmp_scn_errors *e = &l->errors;
    nl->w = w;
    nl->link = li;
    nl->slot = calloc(NL_SLOTS, sizeof *nl->slot);
    nl->rule = calloc(e->n_named, sizeof *nl->rule);
    nl->ends = calloc(l->n_ends, sizeof *nl->ends);
    if (!nl->slot || !nl->rule || !nl->ends)
        return false;
    for (size_t i = 0; i < e->n_named; i++) {
        nl->rule[i].d = &e->named[i];
        nl->rule[i].left = e->named[i].count;
    }
    nl->n_rule = e->n_named;
    nl->n_ends = l->n_ends;
    for (size_t k = 0; k < l->n_ends; k++) {
        nl->ends[k].nl = nl;
        nl->ends[k].drops = e->at < 0 || l->nodes[k] == e->at;
        /* every end: the numbering must see both directions */
        if (isakmp_sim_loss_filter(w->ns, (uint32_t)w->link_ids[li], (uint32_t)k, nl_filter,
                                   &nl->ends[k]) < 0) {
            sim_fail(w, "%s:%d: link '%s': the simulator refused the named-message loss",
                     w->s->file, l->line, l->name);
            return false;
        }
    }
    return true;
}

/* ---- the world's entry points -------------------------------------------------- */

bool sim_conditions_schedule(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    struct sim_conditions *sc = calloc(1, sizeof *sc);
    if (!sc || !(sc->ev = calloc(2 * s->n_conditions + 1, sizeof *sc->ev)) ||
        !(sc->nl = calloc(s->n_links + 1, sizeof *sc->nl))) {
        if (sc)
            free(sc->ev);
        free(sc);
        sim_fail(w, "out of memory");
        return false;
    }
    w->conditions = sc;
    for (size_t i = 0; i < s->n_conditions; i++) {
        const struct isakmp_scn_condition *c = &s->conditions[i];
        if (c->link < 0 || (size_t)c->link >= s->n_links)
            continue;
        if (!schedule(w, sc, c->link, c->at_ns) ||
            (c->until_ns && !schedule(w, sc, c->link, c->until_ns))) {
            sim_fail(w, "%s:%d: condition: cannot be scheduled", s->file, c->line);
            return false;
        }
    }
    for (size_t li = 0; li < s->n_links; li++) {
        if (!s->links[li].has_errors || !s->links[li].errors.n_named)
            continue;
        if (!named_loss(w, &sc->nl[sc->n_nl++], (int)li)) {
            if (!w->failed)
                sim_fail(w, "out of memory");
            return false;
        }
    }
    return true;
}

void sim_conditions_free(struct sim_world *w)
{
    struct sim_conditions *sc = w->conditions;
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_nl; i++) {
        free(sc->nl[i].slot);
        free(sc->nl[i].rule);
        free(sc->nl[i].ends);
    }
    free(sc->nl);
    free(sc->ev);
    free(sc);
    w->conditions = NULL;
}
