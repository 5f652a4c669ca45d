/* The on-path replayer: at a tapped link end (sim/attack_onpath.c) it
 * copies the ISAKMP messages that match its filter (exchange type, message
 * numbers within the exchange, at most max_count) while the attack is
 * active, lets the original pass, and puts `copies` copies of each back on
 * that end later (`delay` after the capture, or at `reinject_at`), from the
 * original source address and port, as if the link had carried them again
 * (isakmp_sim_deliver_udp: through the receiving device, its pcap and
 * stack, no loss model).  The victim's engine's reaction to each copy is
 * counted per message (attack_counters: main.3.captured, main.3.replayed,
 * main.3.duplicate-answered, main.3.replay-rejected, ...). */
#include "world_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HELD 100000u          /* captures waiting for their re-injection */

struct capture {
    struct sim_attack *a;
    struct capture *prev, *next;
    uint32_t label;
    uint32_t src, dst;
    uint16_t sport, dport;
    size_t len;
    uint8_t data[];
};

struct replay {
    int end;                      /* the tapped end's index in the link */
    uint32_t captured;
    size_t held;
    struct capture *list;         /* captures not yet re-injected (freed with the attack) */
};

static void count(struct sim_attack *a, uint32_t label, const char *what)
{
    char name[48];
    sim_onpath_label_name(label, name, 24);
    size_t k = strlen(name);
    snprintf(name + k, sizeof name - k, ".%s", what);
    sim_attack_count(a, name, 1);
}

static void unlink_capture(struct replay *r, struct capture *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        r->list = c->next;
    if (c->next)
        c->next->prev = c->prev;
    r->held--;
}

static void reinject(void *arg)
{
    struct capture *c = arg;
    struct sim_attack *a = c->a;
    struct replay *r = a->impl;
    struct sim_world *w = a->w;
    int to = sim_node_by_addr(w, c->dst);
    for (uint32_t k = 0; k < a->scn->copies && !w->failed; k++) {
        /* expected first: the shim may hand it to the socket synchronously */
        if (to >= 0)
            sim_onpath_expect(a, (uint32_t)to, c->data, c->len, c->label);
        if (isakmp_sim_deliver_udp(w->ns, (uint32_t)w->link_ids[a->scn->link], (uint32_t)r->end,
                                   c->src, c->sport, c->dst, c->dport, c->data, c->len) != 0) {
            count(a, c->label, "inject-failed");   /* (its expectation ages out) */
            continue;
        }
        a->sent++;
        count(a, c->label, "replayed");
    }
    unlink_capture(r, c);
    free(c);
}

static enum isakmp_sim_verdict replay_hook(struct sim_attack *a, struct isakmp_sim_tap_packet *pkt,
                                           const struct sim_onpath_frame *f)
{
    struct replay *r = a->impl;
    const struct isakmp_scn_attack *sa = a->scn;
    struct sim_world *w = a->w;
    if (pkt->now_ns < sa->start_ns || (sa->stop_ns && pkt->now_ns >= sa->stop_ns))
        return ISAKMP_SIM_PASS;
    if (!sim_onpath_matches(a, f) || (sa->max_count && r->captured >= sa->max_count))
        return ISAKMP_SIM_PASS;
    uint32_t label = sim_onpath_label(f);
    if (r->held >= MAX_HELD) {
        count(a, label, "not-captured-full");
        return ISAKMP_SIM_PASS;
    }
    struct capture *c = malloc(sizeof *c + pkt->len);
    if (!c) {
        sim_fail(w, "out of memory");
        return ISAKMP_SIM_PASS;
    }
    c->a = a;
    c->label = label;
    c->src = pkt->src;
    c->dst = pkt->dst;
    c->sport = pkt->sport;
    c->dport = pkt->dport;
    c->len = pkt->len;
    memcpy(c->data, pkt->data, pkt->len);
    c->prev = NULL;
    c->next = r->list;
    if (r->list)
        r->list->prev = c;
    r->list = c;
    r->held++;
    r->captured++;
    count(a, label, "captured");
    uint64_t at = sa->reinject_at_ns ? (sa->reinject_at_ns > pkt->now_ns ? sa->reinject_at_ns
                                                                           : pkt->now_ns)
                                     : pkt->now_ns + sa->delay_ns;
    if (at >= w->s->duration_ns)
        count(a, label, "after-end");   /* never re-injected: the run ends first */
    else
        isakmp_sim_at(w->ns, at, reinject, c);
    return ISAKMP_SIM_PASS;
}

static void replay_free(struct sim_attack *a)
{
    struct replay *r = a->impl;
    while (r && r->list) {
        struct capture *c = r->list;
        r->list = c->next;
        free(c);
    }
    free(r);
    a->impl = NULL;
}

bool sim_attack_replay_init(struct sim_attack *a)
{
    const struct isakmp_scn_attack *sa = a->scn;
    const struct isakmp_scn_link *l = &a->w->s->links[sa->link];
    struct replay *r = calloc(1, sizeof *r);
    if (!r)
        return false;
    a->impl = r;
    a->free_impl = replay_free;
    r->end = -1;
    for (size_t k = 0; k < l->n_ends; k++)
        if (l->nodes[k] == sa->at)
            r->end = (int)k;
    return r->end >= 0 && sim_onpath_attach(a, replay_hook);
}
