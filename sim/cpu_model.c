/* The CPU model (see cpu_model.h): a FIFO queue in front of N cores; an
 * item runs at its start time, the core stays busy for its cost, and its
 * deferred outputs leave at the end. */
#include "cpu_model.h"

#include <stdlib.h>
#include <string.h>

struct item {
    isakmp_cpu_work_fn work;
    void *arg;
    isakmp_cpu_fn discard;
    uint64_t submitted_at;
};

struct output {
    isakmp_cpu_fn release;
    void *arg;
    isakmp_cpu_fn discard;
};

struct core {
    struct isakmp_cpu *cpu;
    bool busy;
    uint64_t start, end;  /* the current busy period */
    uint64_t charged;     /* cost reported while the item runs */
    uint64_t event;       /* driver handle of the end-of-busy event */
    struct output *out;   /* outputs held until end */
    size_t n_out, cap_out;
};

struct isakmp_cpu {
    struct isakmp_cpu_driver drv;
    struct isakmp_cpu_config cfg;
    struct core *cores;
    struct item *queue;   /* ring buffer */
    size_t head, len, cap;
    struct core *running; /* core whose work function is on the stack */
    unsigned busy_cores;
    uint64_t busy_done;   /* core-ns of finished busy periods */
    struct isakmp_cpu_stats stats;
};

static uint64_t now(const struct isakmp_cpu *cpu) { return cpu->drv.now(cpu->drv.ctx); }

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

struct isakmp_cpu *isakmp_cpu_new(const struct isakmp_cpu_driver *driver,
                                  const struct isakmp_cpu_config *config)
{
    if (!driver || !config || !driver->now || !driver->schedule || config->cores == 0 ||
        config->cores > 4096)
        return NULL;
    struct isakmp_cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return NULL;
    cpu->cores = calloc(config->cores, sizeof *cpu->cores);
    if (!cpu->cores) {
        free(cpu);
        return NULL;
    }
    cpu->drv = *driver;
    cpu->cfg = *config;
    for (unsigned i = 0; i < config->cores; i++)
        cpu->cores[i].cpu = cpu;
    return cpu;
}

void isakmp_cpu_free(struct isakmp_cpu *cpu)
{
    if (!cpu)
        return;
    for (unsigned i = 0; i < cpu->cfg.cores; i++) {
        struct core *c = &cpu->cores[i];
        if (c->busy && c->event && cpu->drv.cancel)
            cpu->drv.cancel(cpu->drv.ctx, c->event);
        for (size_t j = 0; j < c->n_out; j++)
            if (c->out[j].discard)
                c->out[j].discard(c->out[j].arg);
        free(c->out);
    }
    for (size_t j = 0; j < cpu->len; j++) {
        struct item *it = &cpu->queue[(cpu->head + j) % cpu->cap];
        if (it->discard)
            it->discard(it->arg);
    }
    free(cpu->queue);
    free(cpu->cores);
    free(cpu);
}

static struct core *free_core(struct isakmp_cpu *cpu)
{
    for (unsigned i = 0; i < cpu->cfg.cores; i++)
        if (!cpu->cores[i].busy)
            return &cpu->cores[i];
    return NULL;
}

static void core_done(void *arg);

/* Run one item on core c now and book the core until now + cost. */
static void start(struct isakmp_cpu *cpu, struct core *c, struct item it)
{
    uint64_t t = now(cpu);
    c->busy = true;
    c->start = t;
    c->charged = 0;
    c->event = 0;
    cpu->busy_cores++;
    cpu->stats.started++;
    uint64_t wait = t > it.submitted_at ? t - it.submitted_at : 0;
    cpu->stats.wait_ns_total = sat_add(cpu->stats.wait_ns_total, wait);
    if (wait > cpu->stats.wait_ns_max)
        cpu->stats.wait_ns_max = wait;

    /* A work function may submit more work (to a free core: nested start). */
    struct core *outer = cpu->running;
    cpu->running = c;
    uint64_t cost = it.work(it.arg, cpu);
    cpu->running = outer;

    cost = sat_add(sat_add(cost, c->charged), cpu->cfg.overhead_ns);
    c->end = sat_add(t, cost);
    c->event = cpu->drv.schedule(cpu->drv.ctx, c->end, core_done, c);
}

/* Start waiting items while cores are free, oldest first. */
static void pump(struct isakmp_cpu *cpu)
{
    struct core *c;
    while (cpu->len > 0 && (c = free_core(cpu)) != NULL) {
        struct item it = cpu->queue[cpu->head];
        cpu->head = (cpu->head + 1) % cpu->cap;
        cpu->len--;
        start(cpu, c, it);
    }
}

/* End of a busy period: release the outputs in order, free the core, then
 * let the next waiting item have it. Outputs go first so that work they
 * trigger on this CPU queues behind what already waits. */
static void core_done(void *arg)
{
    struct core *c = arg;
    struct isakmp_cpu *cpu = c->cpu;
    struct output *out = c->out;
    size_t n = c->n_out;
    c->out = NULL;
    c->n_out = c->cap_out = 0;
    for (size_t i = 0; i < n; i++)
        out[i].release(out[i].arg);
    free(out);
    c->busy = false;
    c->event = 0;
    cpu->busy_cores--;
    cpu->busy_done = sat_add(cpu->busy_done, c->end - c->start);
    cpu->stats.completed++;
    pump(cpu);
}

static bool grow_queue(struct isakmp_cpu *cpu)
{
    size_t ncap = cpu->cap ? cpu->cap * 2 : 64;
    if (ncap > SIZE_MAX / sizeof(struct item))
        return false;
    struct item *q = malloc(ncap * sizeof *q);
    if (!q)
        return false;
    for (size_t i = 0; i < cpu->len; i++)
        q[i] = cpu->queue[(cpu->head + i) % cpu->cap];
    free(cpu->queue);
    cpu->queue = q;
    cpu->head = 0;
    cpu->cap = ncap;
    return true;
}

bool isakmp_cpu_submit(struct isakmp_cpu *cpu, isakmp_cpu_work_fn work, void *arg,
                       isakmp_cpu_fn discard)
{
    if (!cpu || !work)
        return false;
    cpu->stats.submitted++;
    struct item it = { work, arg, discard, now(cpu) };
    struct core *c;
    if (cpu->len == 0 && (c = free_core(cpu)) != NULL) {
        start(cpu, c, it);
        return true;
    }
    if ((cpu->cfg.queue_limit && cpu->len >= cpu->cfg.queue_limit) ||
        (cpu->len == cpu->cap && !grow_queue(cpu))) {
        cpu->stats.dropped++;
        return false;
    }
    cpu->queue[(cpu->head + cpu->len) % cpu->cap] = it;
    cpu->len++;
    if (cpu->len > cpu->stats.queue_max)
        cpu->stats.queue_max = cpu->len;
    return true;
}

void isakmp_cpu_charge(struct isakmp_cpu *cpu, uint64_t ns)
{
    if (cpu && cpu->running)
        cpu->running->charged = sat_add(cpu->running->charged, ns);
}

bool isakmp_cpu_defer(struct isakmp_cpu *cpu, isakmp_cpu_fn release, void *arg,
                      isakmp_cpu_fn discard)
{
    if (!cpu || !release)
        return false;
    struct core *c = cpu->running;
    if (!c) {
        release(arg);
        return true;
    }
    if (c->n_out == c->cap_out) {
        size_t ncap = c->cap_out ? c->cap_out * 2 : 4;
        if (ncap > SIZE_MAX / sizeof(struct output))
            return false;
        struct output *o = realloc(c->out, ncap * sizeof *o);
        if (!o)
            return false;
        c->out = o;
        c->cap_out = ncap;
    }
    c->out[c->n_out++] = (struct output){ release, arg, discard };
    return true;
}

size_t isakmp_cpu_queue_len(const struct isakmp_cpu *cpu) { return cpu ? cpu->len : 0; }

unsigned isakmp_cpu_busy_cores(const struct isakmp_cpu *cpu) { return cpu ? cpu->busy_cores : 0; }

uint64_t isakmp_cpu_busy_ns(const struct isakmp_cpu *cpu)
{
    if (!cpu)
        return 0;
    uint64_t t = now(cpu), busy = cpu->busy_done;
    for (unsigned i = 0; i < cpu->cfg.cores; i++) {
        const struct core *c = &cpu->cores[i];
        if (c->busy && t > c->start)
            busy = sat_add(busy, (t < c->end ? t : c->end) - c->start);
    }
    return busy;
}

void isakmp_cpu_get_stats(const struct isakmp_cpu *cpu, struct isakmp_cpu_stats *out)
{
    if (!cpu || !out)
        return;
    *out = cpu->stats;
}
