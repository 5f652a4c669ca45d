/* The world's lifecycle and run loop (see sim/world.h). */
#include "world_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sim_fail(struct sim_world *w, const char *fmt, ...)
{
    if (w->failed)
        return;                      /* the first error is the one to report */
    w->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    if (w->ns)
        isakmp_sim_stop(w->ns);
}

int sim_node_by_addr(const struct sim_world *w, uint32_t addr)
{
    for (size_t i = 0; i < w->n_nodes; i++)
        if (w->nodes[i].addr == addr)
            return (int)i;
    /* other interfaces of a node */
    for (size_t l = 0; l < w->s->n_links; l++)
        for (size_t k = 0; k < w->s->links[l].n_ends; k++)
            if (w->s->links[l].addrs[k] == addr)
                return w->s->links[l].nodes[k];
    return -1;
}

static void sample_tick(void *arg)
{
    struct sim_world *w = arg;
    uint64_t now = isakmp_sim_now(w->ns);
    sim_record_sample(w, now);
    if (now + w->s->sample_period_ns <= w->s->duration_ns)
        isakmp_sim_after(w->ns, w->s->sample_period_ns, sample_tick, w);
}

static bool build_attacks(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    w->attacks = calloc(s->n_attacks ? s->n_attacks : 1, sizeof *w->attacks);
    if (!w->attacks)
        return false;
    w->n_attacks = s->n_attacks;
    for (size_t i = 0; i < s->n_attacks; i++) {
        struct sim_attack *a = &w->attacks[i];
        a->w = w;
        a->idx = i;
        a->scn = &s->attacks[i];
        bool ok = false;
        switch (a->scn->kind) {
        case ISAKMP_SCN_SPOOFED_FLOOD: ok = sim_attack_flood_init(a); break;
        case ISAKMP_SCN_KE_FLOOD: ok = sim_attack_ke_flood_init(a); break;
        case ISAKMP_SCN_REPLAY: ok = sim_attack_replay_init(a); break;
        case ISAKMP_SCN_TAMPER: ok = sim_attack_tamper_init(a); break;
        case ISAKMP_SCN_STRIP: ok = sim_attack_strip_init(a); break;
        }
        if (!ok) {
            if (!w->failed)
                sim_fail(w, "%s:%d: attack '%s': cannot be built", s->file, a->scn->line,
                         a->scn->name);
            return false;
        }
    }
    return true;
}

static bool build(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    char err[512];
    isakmp_cost_table_init(&w->base_cost);
    if (s->cost_table && !isakmp_cost_table_load(&w->base_cost, s->cost_table, err, sizeof err)) {
        sim_fail(w, "%s", err);
        return false;
    }
    if (!sim_build_topology(w))
        return false;
    w->nodes = calloc(s->n_nodes ? s->n_nodes : 1, sizeof *w->nodes);
    if (!w->nodes)
        return false;
    w->n_nodes = s->n_nodes;
    for (size_t i = 0; i < s->n_nodes; i++) {
        struct sim_node *n = &w->nodes[i];
        n->w = w;
        n->idx = (uint32_t)i;
        n->scn = &s->nodes[i];
        n->pol = n->scn->policy >= 0 && n->scn->role != ISAKMP_SCN_ATTACKER
                     ? &s->policies[n->scn->policy] : NULL;
        n->addr = n->scn->address;
    }
    for (size_t i = 0; i < s->n_nodes; i++)
        if (!sim_node_init(&w->nodes[i]))
            return false;
    if (!sim_record_new(w))
        return false;
    if (!build_attacks(w) || !sim_conditions_schedule(w))
        return false;
    sim_initiators_start(w);
    if (s->sample_period_ns <= s->duration_ns)
        isakmp_sim_at(w->ns, s->sample_period_ns, sample_tick, w);
    return !w->failed;
}

struct isakmp_world *isakmp_world_new(const struct isakmp_scenario *s,
                                      const struct isakmp_world_options *opt,
                                      char *err, size_t errlen)
{
    struct sim_world *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->s = s;
    if (opt)
        w->opt = *opt;
    w->ns = isakmp_sim_world_new(s->seed, s->run);
    if (!w->ns) {
        snprintf(err, errlen, "cannot create the simulator (seed 0, or a world already exists)");
        free(w);
        return NULL;
    }
    if (!build(w)) {
        snprintf(err, errlen, "%s", w->failed ? w->err : "out of memory");
        isakmp_world_free((struct isakmp_world *)w);
        return NULL;
    }
    return (struct isakmp_world *)w;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool isakmp_world_run(struct isakmp_world *ww, char *err, size_t errlen)
{
    struct sim_world *w = (struct sim_world *)ww;
    const struct isakmp_scenario *s = w->s;
    /* Run in fixed virtual steps (the same for every run, so nothing
     * depends on the wall clock), reporting progress between them. */
    uint64_t step = s->duration_ns / 200;
    if (step < 1000000)
        step = 1000000;
    double t0 = wall_now(), last = 0;
    bool shown = false;
    for (uint64_t t = 0; t < s->duration_ns && !w->failed;) {
        t = s->duration_ns - t > step ? t + step : s->duration_ns;
        isakmp_sim_run_until(w->ns, t);
        double dt = wall_now() - t0;
        if (w->opt.progress && dt > 2.0 && (dt - last >= 0.5 || t == s->duration_ns)) {
            fprintf(stderr, "\r%s: %.1f / %.1f s virtual, %.1f s wall ", s->name, (double)t * 1e-9,
                    (double)s->duration_ns * 1e-9, dt);
            last = dt;
            shown = true;
        }
    }
    if (shown)
        fputc('\n', stderr);
    if (!w->failed)
        sim_record_finish(w);
    if (w->failed) {
        snprintf(err, errlen, "%s", w->err);
        return false;
    }
    return true;
}

void isakmp_world_summary(const struct isakmp_world *ww, struct isakmp_world_summary *out)
{
    sim_record_totals((const struct sim_world *)ww, out);
}

void isakmp_world_free(struct isakmp_world *ww)
{
    struct sim_world *w = (struct sim_world *)ww;
    if (!w)
        return;
    for (size_t i = 0; i < w->n_attacks; i++) {
        if (w->attacks[i].free_impl)
            w->attacks[i].free_impl(&w->attacks[i]);
        free(w->attacks[i].ctr);
    }
    for (size_t i = 0; i < w->n_nodes; i++)
        sim_node_free(&w->nodes[i]);
    isakmp_sim_world_free(w->ns);
    sim_conditions_free(w);
    sim_onpath_free(w);
    sim_record_free(w->rec);
    free(w->attacks);
    free(w->nodes);
    free(w->link_ids);
    free(w);
}
