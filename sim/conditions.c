/* Link conditions in virtual time: from `at` (to `until`), a link end's
 * loss probability, jitter (uniform extra delay: frames overtake each
 * other) and duplication change; at `until` the link's own values come
 * back.  The shim can change these at any time (they act on frames as
 * they arrive).  It cannot change a link's propagation delay or data rate
 * once built, nor hold back single frames (reorder with a fixed delay):
 * a scenario asking for those is refused, with the line of the condition. */
#include "world_internal.h"

#include <stdlib.h>

struct cond_apply {
    struct sim_world *w;
    const struct isakmp_scn_condition *c;
    bool restore;
};

static void apply_end(struct sim_world *w, const struct isakmp_scn_condition *c, uint32_t link,
                      uint32_t end, bool restore)
{
    const struct isakmp_scn_link *l = &w->s->links[c->link];
    const struct isakmp_scn_errors *e = &l->errors;
    bool errs_here = l->has_errors && (e->at < 0 || l->nodes[end] == e->at);
    if (c->set & ISAKMP_SCN_SET_LOSS) {
        double p = restore ? (errs_here ? e->rate : 0.0) : c->loss;
        if (isakmp_sim_loss_rate(w->ns, link, end, p) < 0)
            sim_fail(w, "%s:%d: condition: the simulator refused loss %g", w->s->file, c->line, p);
    }
    if (c->set & (ISAKMP_SCN_SET_JITTER | ISAKMP_SCN_SET_DUPLICATE)) {
        double dup = restore || !(c->set & ISAKMP_SCN_SET_DUPLICATE) ? 0.0 : c->duplicate;
        uint64_t jit = restore || !(c->set & ISAKMP_SCN_SET_JITTER) ? 0 : c->jitter_ns;
        if (isakmp_sim_impair(w->ns, link, end, dup, jit) < 0)
            sim_fail(w, "%s:%d: condition: the simulator refused jitter/duplicate", w->s->file,
                     c->line);
    }
}

static void apply(void *arg)
{
    struct cond_apply *ca = arg;
    struct sim_world *w = ca->w;
    const struct isakmp_scn_condition *c = ca->c;
    const struct isakmp_scn_link *l = &w->s->links[c->link];
    uint32_t link = (uint32_t)w->link_ids[c->link];
    for (size_t k = 0; k < l->n_ends; k++)
        if (c->at < 0 || l->nodes[k] == c->at)
            apply_end(w, c, link, (uint32_t)k, ca->restore);
    free(ca);
}

static bool at(struct sim_world *w, const struct isakmp_scn_condition *c, uint64_t t, bool restore)
{
    struct cond_apply *ca = malloc(sizeof *ca);
    if (!ca)
        return false;
    *ca = (struct cond_apply){ w, c, restore };
    if (!isakmp_sim_at(w->ns, t, apply, ca)) {
        free(ca);
        return false;
    }
    return true;
}

bool sim_conditions_schedule(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    for (size_t i = 0; i < s->n_conditions; i++) {
        const struct isakmp_scn_condition *c = &s->conditions[i];
        if (c->set & (ISAKMP_SCN_SET_DELAY | ISAKMP_SCN_SET_RATE | ISAKMP_SCN_SET_REORDER)) {
            sim_fail(w, "%s:%d: condition: changing a link's delay, rate or reorder during a run "
                     "is not supported by the ns-3 shim (loss, jitter and duplicate are)",
                     s->file, c->line);
            return false;
        }
        if (c->link < 0 || (size_t)c->link >= s->n_links)
            continue;
        if (!at(w, c, c->at_ns, false) || (c->until_ns && !at(w, c, c->until_ns, true))) {
            sim_fail(w, "out of memory");
            return false;
        }
    }
    return true;
}
