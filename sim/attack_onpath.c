/* What the on-path attackers (replay, tamper) share:
 *   - one shim tap per tapped link end, dispatching to every attack hooked
 *     there in scenario order (the shim holds one callback per end);
 *   - message numbering per exchange, from every end of the link (so the
 *     numbers are the exchange's, whichever direction a frame travels);
 *   - attribution of the datagrams an attack injected or altered when they
 *     reach a node's socket, and counting of the engine's reaction to them;
 *   - the attacks' named counters (rows of attack_counters).
 * Everything here is bounded: the numbering table has a fixed number of
 * slots (a newer exchange takes the slot of an older one), the pending
 * injections a fixed maximum (the oldest is forgotten). */
#include "world_internal.h"

#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACK_SLOTS 16384u       /* exchanges remembered per link */
#define TRACK_MSGS 32u           /* distinct messages numbered per exchange */
#define MAX_PENDING 65536u       /* injected datagrams awaiting their arrival */
#define MAX_HOOKS 8u             /* attacks per tapped end */

struct track_slot {
    bool used;
    uint8_t cky_i[8];
    uint32_t msgid;
    uint8_t n;
    uint64_t hash[TRACK_MSGS];
};

struct tapped_end {
    struct sim_onpath *op;
    int link;                    /* scenario link index */
    uint32_t end;
    struct sim_attack *attack[MAX_HOOKS];
    sim_onpath_hook hook[MAX_HOOKS];
    size_t n_hooks;
    struct tapped_end *next;
};

struct track {                   /* per scenario link */
    int link;
    struct track_slot *slot;
    struct track *next;
};

struct pending {
    struct sim_attack *a;
    uint32_t node, label;
    uint64_t hash;
    size_t len;
};

/* An exchange that accepted an altered/replayed message: its end is
 * counted as that message's later consequence. */
struct watched {
    struct sim_attack *a;
    uint32_t node, label;
    isakmp_handle handle;
};
#define MAX_WATCHED 65536u

struct sim_onpath {
    struct sim_world *w;
    struct watched *watch;
    size_t n_watch, cap_watch;
    struct tapped_end *ends;
    struct track *tracks;
    struct pending *pend;
    size_t n_pend, cap_pend;
};

/* ---- counters ------------------------------------------------------------------ */

void sim_attack_count(struct sim_attack *a, const char *name, uint64_t delta)
{
    for (size_t i = 0; i < a->n_ctr; i++)
        if (strncmp(a->ctr[i].name, name, sizeof a->ctr[i].name - 1) == 0) {
            a->ctr[i].value += delta;
            return;
        }
    if (a->n_ctr == a->cap_ctr) {
        size_t c = a->cap_ctr ? a->cap_ctr * 2 : 16;
        struct sim_counter *p = realloc(a->ctr, c * sizeof *p);
        if (!p) {
            sim_fail(a->w, "out of memory");
            return;
        }
        a->ctr = p;
        a->cap_ctr = c;
    }
    struct sim_counter *c = &a->ctr[a->n_ctr++];
    snprintf(c->name, sizeof c->name, "%s", name);
    c->value = delta;
}

/* ---- frames ------------------------------------------------------------------- */

static uint64_t fnv1a(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h ^ len;
}

static struct sim_onpath *get_op(struct sim_world *w)
{
    if (!w->onpath) {
        w->onpath = calloc(1, sizeof *w->onpath);
        if (w->onpath)
            w->onpath->w = w;
    }
    return w->onpath;
}

static struct track *get_track(struct sim_onpath *op, int link)
{
    for (struct track *t = op->tracks; t; t = t->next)
        if (t->link == link)
            return t;
    struct track *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->slot = calloc(TRACK_SLOTS, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    t->link = link;
    t->next = op->tracks;
    op->tracks = t;
    return t;
}

/* Number an ISAKMP message within its exchange (CKY-I, message ID). */
static uint8_t number_of(struct track *t, const uint8_t *p, size_t len)
{
    uint32_t msgid = isakmp_get32(p + 20);
    uint64_t key = fnv1a(p, 8) ^ msgid * 0x9e3779b97f4a7c15ull;
    struct track_slot *s = &t->slot[key % TRACK_SLOTS];
    if (!s->used || memcmp(s->cky_i, p, 8) != 0 || s->msgid != msgid) {
        memset(s, 0, sizeof *s);      /* a new exchange (or it evicts an old one) */
        s->used = true;
        memcpy(s->cky_i, p, 8);
        s->msgid = msgid;
    }
    uint64_t h = fnv1a(p, len);
    for (uint8_t i = 0; i < s->n; i++)
        if (s->hash[i] == h)
            return (uint8_t)(i + 1);   /* a retransmission */
    if (s->n == TRACK_MSGS)
        return 0;
    s->hash[s->n++] = h;
    return s->n;
}

static void classify(struct sim_onpath *op, int link, const struct isakmp_sim_tap_packet *pkt,
                     struct sim_onpath_frame *f)
{
    memset(f, 0, sizeof *f);
    const uint8_t *p = pkt->data;
    size_t len = pkt->len;
    bool ike = pkt->sport == 500 || pkt->dport == 500 || pkt->sport == 4500 || pkt->dport == 4500;
    if (ike && len >= 4 && isakmp_get32(p) == 0 && (pkt->sport == 4500 || pkt->dport == 4500)) {
        p += 4;                       /* non-ESP marker (RFC 3948) */
        len -= 4;
    }
    if (!ike || len < 28 || (p[17] >> 4) != 1)
        return;
    f->isakmp = true;
    f->exchange = p[18];
    f->encrypted = p[19] & 1;
    struct track *t = get_track(op, link);
    if (!t) {
        sim_fail(op->w, "out of memory");
        return;
    }
    f->number = number_of(t, p, len);
}

static enum isakmp_sim_verdict dispatch(void *user, struct isakmp_sim_tap_packet *pkt)
{
    struct tapped_end *te = user;
    struct sim_onpath_frame f;
    classify(te->op, te->link, pkt, &f);
    enum isakmp_sim_verdict v = ISAKMP_SIM_PASS;
    for (size_t i = 0; i < te->n_hooks && !te->op->w->failed; i++) {
        enum isakmp_sim_verdict r = te->hook[i](te->attack[i], pkt, &f);
        if (r == ISAKMP_SIM_DROP)
            return r;
        if (r == ISAKMP_SIM_MODIFIED)
            v = r;
    }
    return v;
}

static struct tapped_end *tap_end(struct sim_onpath *op, int link, uint32_t end)
{
    for (struct tapped_end *te = op->ends; te; te = te->next)
        if (te->link == link && te->end == end)
            return te;
    struct tapped_end *te = calloc(1, sizeof *te);
    if (!te)
        return NULL;
    te->op = op;
    te->link = link;
    te->end = end;
    te->next = op->ends;
    op->ends = te;
    if (isakmp_sim_tap(op->w->ns, (uint32_t)op->w->link_ids[link], end, dispatch, te) != 0)
        return NULL;
    return te;
}

bool sim_onpath_attach(struct sim_attack *a, sim_onpath_hook hook)
{
    struct sim_world *w = a->w;
    const struct isakmp_scn_attack *sa = a->scn;
    const struct isakmp_scn_link *l = &w->s->links[sa->link];
    struct sim_onpath *op = get_op(w);
    if (!op || !get_track(op, sa->link)) {
        sim_fail(w, "out of memory");
        return false;
    }
    for (size_t k = 0; k < l->n_ends; k++) {
        struct tapped_end *te = tap_end(op, sa->link, (uint32_t)k);
        if (!te) {
            sim_fail(w, "%s:%d: attack '%s': cannot tap link '%s'", w->s->file, sa->line,
                     sa->name, l->name);
            return false;
        }
        if (l->nodes[k] != sa->at)
            continue;                 /* observed only: the numbering sees both directions */
        if (te->n_hooks == MAX_HOOKS) {
            sim_fail(w, "%s:%d: attack '%s': more than %u attacks on one link end", w->s->file,
                     sa->line, sa->name, MAX_HOOKS);
            return false;
        }
        te->attack[te->n_hooks] = a;
        te->hook[te->n_hooks++] = hook;
    }
    return true;
}

bool sim_onpath_matches(const struct sim_attack *a, const struct sim_onpath_frame *f)
{
    const struct isakmp_scn_attack *sa = a->scn;
    if (!f->isakmp)
        return false;
    if (sa->exchange && f->exchange != sa->exchange)
        return false;
    if (sa->messages && (f->number == 0 || f->number > 32 || !(sa->messages >> (f->number - 1) & 1)))
        return false;
    return true;
}

uint32_t sim_onpath_label(const struct sim_onpath_frame *f)
{
    return (uint32_t)f->exchange << 8 | f->number;
}

void sim_onpath_label_name(uint32_t label, char *buf, size_t cap)
{
    const char *x;
    switch (label >> 8) {
    case ISAKMP_XCHG_IDPROT: x = "main"; break;
    case ISAKMP_XCHG_AGGRESSIVE: x = "aggressive"; break;
    case ISAKMP_XCHG_QUICK: x = "quick"; break;
    case ISAKMP_XCHG_INFO: x = "info"; break;
    default: x = NULL; break;
    }
    if (x)
        snprintf(buf, cap, "%s.%u", x, label & 0xff);
    else
        snprintf(buf, cap, "x%u.%u", label >> 8, label & 0xff);
}

/* ---- injected datagrams and the victim's reaction ------------------------------- */

void sim_onpath_expect(struct sim_attack *a, uint32_t node, const uint8_t *data, size_t len,
                       uint32_t label)
{
    struct sim_onpath *op = get_op(a->w);
    if (!op) {
        sim_fail(a->w, "out of memory");
        return;
    }
    if (op->n_pend == MAX_PENDING) {  /* forget the oldest (never arrived) */
        memmove(op->pend, op->pend + 1, (op->n_pend - 1) * sizeof *op->pend);
        op->n_pend--;
        sim_attack_count(a, "unattributed", 1);
    }
    if (op->n_pend == op->cap_pend) {
        size_t c = op->cap_pend ? op->cap_pend * 2 : 64;
        struct pending *p = realloc(op->pend, c * sizeof *p);
        if (!p) {
            sim_fail(a->w, "out of memory");
            return;
        }
        op->pend = p;
        op->cap_pend = c;
    }
    op->pend[op->n_pend++] = (struct pending){ a, node, label, fnv1a(data, len), len };
}

struct sim_attack *sim_onpath_claim(struct sim_node *n, const uint8_t *data, size_t len,
                                    uint32_t *label)
{
    struct sim_onpath *op = n->w->onpath;
    if (!op || !op->n_pend)
        return NULL;
    uint64_t h = fnv1a(data, len);
    for (size_t i = 0; i < op->n_pend; i++) {
        struct pending *p = &op->pend[i];
        if (p->node != n->idx || p->len != len || p->hash != h)
            continue;
        struct sim_attack *a = p->a;
        *label = p->label;
        /* keep the order: the oldest pending entry is the one forgotten first */
        memmove(p, p + 1, (op->n_pend - i - 1) * sizeof *p);
        op->n_pend--;
        return a;
    }
    return NULL;
}

static void count_reaction(struct sim_node *n, const char *what)
{
    char name[48];
    sim_onpath_label_name(n->claim_label, name, 24);
    size_t k = strlen(name);
    snprintf(name + k, sizeof name - k, ".%s", what);
    sim_attack_count(n->claim, name, 1);
    n->claim_reactions++;
}

static void watch(struct sim_node *n, isakmp_handle h)
{
    struct sim_onpath *op = n->w->onpath;
    if (op->n_watch == MAX_WATCHED)
        return;                       /* bounded: later consequences no longer counted */
    if (op->n_watch == op->cap_watch) {
        size_t c = op->cap_watch ? op->cap_watch * 2 : 32;
        struct watched *p = realloc(op->watch, c * sizeof *p);
        if (!p) {
            sim_fail(n->w, "out of memory");
            return;
        }
        op->watch = p;
        op->cap_watch = c;
    }
    op->watch[op->n_watch++] = (struct watched){ n->claim, n->idx, n->claim_label, h };
}

void sim_onpath_observe(struct sim_node *n, const struct isakmp_event *ev)
{
    struct sim_onpath *op = n->w->onpath;
    if (!op || !op->n_watch ||
        (ev->type != ISAKMP_EV_EXCHANGE_FAILED && ev->type != ISAKMP_EV_EXCHANGE_COMPLETED))
        return;
    for (size_t i = 0; i < op->n_watch; i++) {
        struct watched *x = &op->watch[i];
        if (x->node != n->idx || x->handle != ev->handle)
            continue;
        char name[48];
        sim_onpath_label_name(x->label, name, 24);
        size_t k = strlen(name);
        if (ev->type == ISAKMP_EV_EXCHANGE_COMPLETED)
            snprintf(name + k, sizeof name - k, ".later-completed");
        else
            snprintf(name + k, sizeof name - k, ".later-failed:%s",
                     isakmp_fail_name(ev->u.exchange.reason));
        sim_attack_count(x->a, name, 1);
        *x = op->watch[--op->n_watch];
        i--;
    }
}

void sim_onpath_reaction(struct sim_node *n, const struct isakmp_event *ev)
{
    switch (ev->type) {
    case ISAKMP_EV_MESSAGE_RECEIVED:
        /* counted when the call ends: a HASH/SIG check after parsing may
         * still reject it without a state change */
        n->claim_received = true;
        n->claim_handle = ev->handle;
        n->claim_reactions++;
        break;
    case ISAKMP_EV_DUPLICATE:
        count_reaction(n, ev->u.message.retransmission ? "duplicate-answered" : "duplicate");
        break;
    case ISAKMP_EV_REPLAY_REJECTED: count_reaction(n, "replay-rejected"); break;
    case ISAKMP_EV_MESSAGE_REJECTED: {
        char what[40];
        snprintf(what, sizeof what, "rejected:%s", isakmp_reject_name(ev->u.reject.reason));
        count_reaction(n, "rejected");
        count_reaction(n, what);
        n->claim_reactions--;
        n->claim_rejected = true;
        break;
    }
    case ISAKMP_EV_EXCHANGE_FAILED: count_reaction(n, "exchange-failed"); break;
    case ISAKMP_EV_EXCHANGE_COMPLETED: count_reaction(n, "exchange-completed"); break;
    case ISAKMP_EV_SA_ESTABLISHED: count_reaction(n, "sa-established"); break;
    case ISAKMP_EV_NOTIFY_SENT: count_reaction(n, "notify-sent"); break;
    case ISAKMP_EV_DEFENCE: count_reaction(n, "defence"); break;
    default: break;
    }
}

void sim_onpath_call_done(struct sim_node *n)
{
    if (n->claim && n->claim_received && !n->claim_rejected) {
        count_reaction(n, "accepted");
        watch(n, n->claim_handle);
    }
    if (n->claim && n->claim_reactions == 0)
        count_reaction(n, "ignored");     /* dropped without any event */
}

void sim_onpath_free(struct sim_world *w)
{
    struct sim_onpath *op = w->onpath;
    if (!op)
        return;
    while (op->ends) {
        struct tapped_end *te = op->ends;
        op->ends = te->next;
        free(te);
    }
    while (op->tracks) {
        struct track *t = op->tracks;
        op->tracks = t->next;
        free(t->slot);
        free(t);
    }
    free(op->pend);
    free(op->watch);
    free(op);
    w->onpath = NULL;
}
