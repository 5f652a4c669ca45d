/* Legitimate initiators: each starts phase 1 (+ its Quick Modes) with its
 * responder at `start`, then every `interval` (fixed) or after
 * exponential gaps of mean `interval` (Poisson arrivals), `count` times
 * or until the end of the run.  Gaps are drawn from a DRBG stream of
 * their own (node id with the top bit set), so they do not move when the
 * engine draws more or fewer random bytes. */
#include "world_internal.h"

#include <math.h>

static uint64_t next_gap(struct sim_node *n)
{
    const struct isakmp_scn_initiate *in = &n->scn->initiate;
    if (in->arrival == ISAKMP_SCN_ARRIVAL_FIXED)
        return in->interval_ns;
    uint8_t b[8];
    isakmp_drbg_generate(n->arrival_rng, b, sizeof b);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    /* u in (0, 1]: 53 random bits, never 0 */
    double u = ((double)(v >> 11) + 1.0) / 9007199254740992.0;
    double gap = -log(u) * (double)in->interval_ns;
    return gap > 1e18 ? (uint64_t)1e18 : (uint64_t)gap;
}

static void arrival(void *arg)
{
    struct sim_node *n = arg;
    const struct isakmp_scn_initiate *in = &n->scn->initiate;
    const struct isakmp_scenario *s = n->w->s;
    n->arrivals++;
    sim_node_initiate(n);
    if (in->count && n->arrivals >= in->count)
        return;
    uint64_t gap = next_gap(n);
    uint64_t now = isakmp_sim_now(n->w->ns);
    if (gap < s->duration_ns && now + gap < s->duration_ns)
        isakmp_sim_at(n->w->ns, now + gap, arrival, n);
}

void sim_initiators_start(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    for (size_t i = 0; i < w->n_nodes; i++) {
        struct sim_node *n = &w->nodes[i];
        if (!n->e || n->scn->role != ISAKMP_SCN_INITIATOR || !n->scn->has_initiate ||
            n->scn->initiate.peer < 0 || n->scn->initiate.start_ns >= s->duration_ns)
            continue;
        const uint8_t seed[4] = { (uint8_t)(s->seed >> 24), (uint8_t)(s->seed >> 16),
                                  (uint8_t)(s->seed >> 8), (uint8_t)s->seed };
        n->arrival_rng = isakmp_drbg_new(seed, sizeof seed, s->run, 0x80000000u | n->idx);
        if (!n->arrival_rng) {
            sim_fail(w, "out of memory");
            return;
        }
        isakmp_sim_at(w->ns, n->scn->initiate.start_ns, arrival, n);
    }
}
