/* The CPU model, driven by a tiny fake event loop (no ns-3): FIFO order,
 * N cores, busy accounting, outputs held until the end of the busy period,
 * the queue limit, and saturation (queue growth, throughput = cores/cost). */
#include "lib/check.h"

#include "cpu_model.h"

#include <stdlib.h>
#include <string.h>

/* ---- fake event loop: a sorted array of (time, sequence) events ---- */
struct ev { uint64_t t, seq, handle; void (*fn)(void *); void *arg; };
static struct ev evs[4096];
static size_t n_evs;
static uint64_t loop_now, loop_seq, loop_handles;

static void loop_reset(void) { n_evs = 0; loop_now = 0; loop_seq = 0; loop_handles = 0; }
static uint64_t fake_now(void *ctx) { (void)ctx; return loop_now; }
static uint64_t fake_schedule(void *ctx, uint64_t at, void (*fn)(void *), void *arg)
{
    (void)ctx;
    if (n_evs == sizeof evs / sizeof evs[0])
        return 0;
    struct ev e = { at < loop_now ? loop_now : at, loop_seq++, ++loop_handles, fn, arg };
    size_t i = n_evs++;
    while (i > 0 && (evs[i - 1].t > e.t || (evs[i - 1].t == e.t && evs[i - 1].seq > e.seq))) {
        evs[i] = evs[i - 1];
        i--;
    }
    evs[i] = e;
    return e.handle;
}
static void fake_cancel(void *ctx, uint64_t h)
{
    (void)ctx;
    for (size_t i = 0; i < n_evs; i++)
        if (evs[i].handle == h) {
            memmove(&evs[i], &evs[i + 1], (n_evs - i - 1) * sizeof evs[0]);
            n_evs--;
            return;
        }
}
/* Run events up to time limit (inclusive). */
static void loop_run_until(uint64_t limit)
{
    while (n_evs > 0 && evs[0].t <= limit) {
        struct ev e = evs[0];
        memmove(&evs[0], &evs[1], (n_evs - 1) * sizeof evs[0]);
        n_evs--;
        loop_now = e.t;
        e.fn(e.arg);
    }
    if (limit != UINT64_MAX && loop_now < limit)
        loop_now = limit;
}
static const struct isakmp_cpu_driver driver = { NULL, fake_now, fake_schedule, fake_cancel };

/* ---- work items that record what happened ---- */
#define MAX_LOG 4096
static int started_order[MAX_LOG], released_order[MAX_LOG];
static uint64_t started_at[MAX_LOG], released_at[MAX_LOG];
static size_t n_started, n_released;
static void log_reset(void) { n_started = n_released = 0; }

struct job { int id; uint64_t cost; uint64_t charge; int outputs; struct isakmp_cpu *cpu; };
static struct job jobs[MAX_LOG];

static void release(void *arg)
{
    struct job *j = arg;
    if (n_released < MAX_LOG) {
        released_order[n_released] = j->id;
        released_at[n_released++] = loop_now;
    }
}
static int discarded;
static void discard(void *arg) { (void)arg; discarded++; }

static uint64_t work(void *arg, struct isakmp_cpu *cpu)
{
    struct job *j = arg;
    if (n_started < MAX_LOG) {
        started_order[n_started] = j->id;
        started_at[n_started++] = loop_now;
    }
    if (j->charge)
        isakmp_cpu_charge(cpu, j->charge);
    for (int i = 0; i < j->outputs; i++)
        isakmp_cpu_defer(cpu, release, j, discard);
    return j->cost;
}

static struct isakmp_cpu *new_cpu(unsigned cores, uint64_t overhead, size_t limit)
{
    struct isakmp_cpu_config cfg = { cores, overhead, limit };
    return isakmp_cpu_new(&driver, &cfg);
}

static void fifo_one_core(void)
{
    loop_reset(); log_reset();
    struct isakmp_cpu *cpu = new_cpu(1, 0, 0);
    REQUIRE(cpu != NULL);
    for (int i = 0; i < 5; i++) {
        jobs[i] = (struct job){ i, 100, 0, 1, cpu };
        CHECK(isakmp_cpu_submit(cpu, work, &jobs[i], NULL));
    }
    /* The first started at once; four wait. */
    CHECK_INT(n_started, 1);
    CHECK_INT(isakmp_cpu_queue_len(cpu), 4);
    CHECK_INT(isakmp_cpu_busy_cores(cpu), 1);
    loop_run_until(UINT64_MAX);
    CHECK_INT(n_started, 5);
    for (int i = 0; i < 5; i++) {
        CHECK_INT(started_order[i], i);
        CHECK_INT(started_at[i], 100 * i);
        CHECK_INT(released_order[i], i);
        CHECK_INT(released_at[i], 100 * (i + 1));
    }
    struct isakmp_cpu_stats st;
    isakmp_cpu_get_stats(cpu, &st);
    CHECK_INT(st.completed, 5);
    CHECK_INT(st.queue_max, 4);
    CHECK_INT(st.wait_ns_total, 0 + 100 + 200 + 300 + 400);
    CHECK_INT(st.wait_ns_max, 400);
    isakmp_cpu_free(cpu);
}

static void n_cores_in_parallel(void)
{
    loop_reset(); log_reset();
    struct isakmp_cpu *cpu = new_cpu(3, 0, 0);
    REQUIRE(cpu != NULL);
    for (int i = 0; i < 7; i++) {
        jobs[i] = (struct job){ i, 1000, 0, 1, cpu };
        isakmp_cpu_submit(cpu, work, &jobs[i], NULL);
    }
    CHECK_INT(n_started, 3);
    CHECK_INT(isakmp_cpu_busy_cores(cpu), 3);
    CHECK_INT(isakmp_cpu_queue_len(cpu), 4);
    loop_run_until(UINT64_MAX);
    /* Waves of three: starts at 0,0,0,1000,1000,1000,2000. */
    static const uint64_t want[7] = { 0, 0, 0, 1000, 1000, 1000, 2000 };
    for (int i = 0; i < 7; i++) {
        CHECK_INT(started_order[i], i);
        CHECK_INT(started_at[i], want[i]);
    }
    CHECK_INT(loop_now, 3000);
    isakmp_cpu_free(cpu);
}

static void outputs_released_after_cost(void)
{
    loop_reset(); log_reset();
    struct isakmp_cpu *cpu = new_cpu(1, 50, 0);
    REQUIRE(cpu != NULL);
    loop_now = 1000;
    /* cost = returned 300 + charged 200 + overhead 50 */
    jobs[0] = (struct job){ 0, 300, 200, 3, cpu };
    isakmp_cpu_submit(cpu, work, &jobs[0], NULL);
    CHECK_INT(n_started, 1);
    CHECK_INT(n_released, 0);
    loop_run_until(1549);
    CHECK_INT(n_released, 0);
    loop_run_until(1550);
    CHECK_INT(n_released, 3);
    for (size_t i = 0; i < n_released; i++)
        CHECK_INT(released_at[i], 1550);
    /* Outside a work function a defer releases at once. */
    isakmp_cpu_defer(cpu, release, &jobs[0], NULL);
    CHECK_INT(n_released, 4);
    CHECK_INT(released_at[3], 1550);
    isakmp_cpu_free(cpu);
}

static void busy_accounting(void)
{
    loop_reset(); log_reset();
    struct isakmp_cpu *cpu = new_cpu(2, 0, 0);
    REQUIRE(cpu != NULL);
    jobs[0] = (struct job){ 0, 400, 0, 0, cpu };
    jobs[1] = (struct job){ 1, 1000, 0, 0, cpu };
    isakmp_cpu_submit(cpu, work, &jobs[0], NULL);
    isakmp_cpu_submit(cpu, work, &jobs[1], NULL);
    loop_run_until(200);
    CHECK_INT(isakmp_cpu_busy_ns(cpu), 400);   /* 2 cores x 200 */
    loop_run_until(600);
    CHECK_INT(isakmp_cpu_busy_ns(cpu), 1000);  /* 400 + 600 */
    loop_run_until(5000);
    CHECK_INT(isakmp_cpu_busy_ns(cpu), 1400);  /* idle since 1000 */
    /* Utilisation over [0, 2000] on 2 cores: 1400 / 4000. */
    CHECK_INT(isakmp_cpu_busy_cores(cpu), 0);
    isakmp_cpu_free(cpu);
}

static void queue_limit_drops(void)
{
    loop_reset(); log_reset();
    discarded = 0;
    struct isakmp_cpu *cpu = new_cpu(1, 0, 2);
    REQUIRE(cpu != NULL);
    int accepted = 0;
    for (int i = 0; i < 6; i++) {
        jobs[i] = (struct job){ i, 100, 0, 0, cpu };
        accepted += isakmp_cpu_submit(cpu, work, &jobs[i], discard);
    }
    /* One running + two waiting; three refused. */
    CHECK_INT(accepted, 3);
    struct isakmp_cpu_stats st;
    isakmp_cpu_get_stats(cpu, &st);
    CHECK_INT(st.submitted, 6);
    CHECK_INT(st.dropped, 3);
    CHECK_INT(discarded, 0); /* refused items stay the caller's */
    loop_run_until(UINT64_MAX);
    CHECK_INT(n_started, 3);
    CHECK_INT(started_order[2], 2);
    /* Freeing with items still queued passes them to discard. */
    isakmp_cpu_submit(cpu, work, &jobs[0], discard);
    isakmp_cpu_submit(cpu, work, &jobs[1], discard);
    isakmp_cpu_submit(cpu, work, &jobs[2], discard);
    CHECK_INT(isakmp_cpu_queue_len(cpu), 2);
    isakmp_cpu_free(cpu);
    CHECK_INT(discarded, 2);
}

/* Inputs every 100 ns, each costing 250 ns on 2 cores: service rate 2/250
 * per ns < arrival rate 1/100, so the queue grows linearly at
 * 1/100 - 2/250 = 1/500 per ns, and completions run at cores/cost. */
static struct isakmp_cpu *sat_cpu;
static int sat_next;
static void sat_arrival(void *arg)
{
    (void)arg;
    jobs[sat_next % MAX_LOG] = (struct job){ sat_next, 250, 0, 0, sat_cpu };
    isakmp_cpu_submit(sat_cpu, work, &jobs[sat_next % MAX_LOG], NULL);
    sat_next++;
    if (sat_next < 2000)
        fake_schedule(NULL, loop_now + 100, sat_arrival, NULL);
}

static void saturation(void)
{
    loop_reset(); log_reset();
    sat_cpu = new_cpu(2, 0, 0);
    REQUIRE(sat_cpu != NULL);
    sat_next = 0;
    fake_schedule(NULL, 0, sat_arrival, NULL);
    size_t q[4];
    uint64_t done[4];
    for (int k = 0; k < 4; k++) {
        loop_run_until(50000 * (uint64_t)(k + 1) - 1);
        q[k] = isakmp_cpu_queue_len(sat_cpu);
        struct isakmp_cpu_stats st;
        isakmp_cpu_get_stats(sat_cpu, &st);
        done[k] = st.completed;
    }
    /* Every 50 us: 500 arrivals, 400 completions, queue +100. */
    for (int k = 1; k < 4; k++) {
        CHECK_MSG(q[k] - q[k - 1] >= 99 && q[k] - q[k - 1] <= 101,
                  "queue grew by %zu, expected ~100", q[k] - q[k - 1]);
        CHECK_MSG(done[k] - done[k - 1] >= 399 && done[k] - done[k - 1] <= 401,
                  "completed %llu, expected ~400 (cores/cost)",
                  (unsigned long long)(done[k] - done[k - 1]));
    }
    /* Fully busy: utilisation 1 over the interval. */
    uint64_t b0 = isakmp_cpu_busy_ns(sat_cpu);
    loop_run_until(loop_now + 10000);
    CHECK_INT(isakmp_cpu_busy_ns(sat_cpu) - b0, 2 * 10000);
    loop_run_until(UINT64_MAX);
    struct isakmp_cpu_stats st;
    isakmp_cpu_get_stats(sat_cpu, &st);
    CHECK_INT(st.completed, 2000);
    /* Each core did 1000 items back to back; the second began at 100. */
    CHECK_INT(loop_now, 100 + 1000 * 250);
    isakmp_cpu_free(sat_cpu);
}

/* A work function that submits more work: FIFO holds (it queues behind
 * what already waits). */
static uint64_t resubmit_work(void *arg, struct isakmp_cpu *cpu)
{
    struct job *j = arg;
    work(arg, cpu);
    if (j->id == 1) {
        jobs[10] = (struct job){ 10, 100, 0, 0, cpu };
        isakmp_cpu_submit(cpu, work, &jobs[10], NULL);
    }
    return j->cost;
}

static void reentrant_submit_keeps_fifo(void)
{
    loop_reset(); log_reset();
    struct isakmp_cpu *cpu = new_cpu(1, 0, 0);
    REQUIRE(cpu != NULL);
    for (int i = 0; i < 3; i++) {
        jobs[i] = (struct job){ i, 100, 0, 0, cpu };
        isakmp_cpu_submit(cpu, resubmit_work, &jobs[i], NULL);
    }
    loop_run_until(UINT64_MAX);
    /* Job 1 submits job 10 while job 2 waits: 10 runs after 2. */
    CHECK_INT(n_started, 4);
    static const int want[4] = { 0, 1, 2, 10 };
    for (int i = 0; i < 4; i++)
        CHECK_INT(started_order[i], want[i]);
    isakmp_cpu_free(cpu);
}

static void bad_config(void)
{
    struct isakmp_cpu_config cfg = { 0, 0, 0 };
    CHECK(isakmp_cpu_new(&driver, &cfg) == NULL);
    struct isakmp_cpu_driver nodrv = { NULL, NULL, fake_schedule, NULL };
    cfg.cores = 1;
    CHECK(isakmp_cpu_new(&nodrv, &cfg) == NULL);
    CHECK(!isakmp_cpu_submit(NULL, work, NULL, NULL));
    isakmp_cpu_free(NULL);
}

int main(void)
{
    RUN(fifo_one_core);
    RUN(n_cores_in_parallel);
    RUN(outputs_released_after_cost);
    RUN(busy_accounting);
    RUN(queue_limit_drops);
    RUN(saturation);
    RUN(reentrant_submit_keeps_fifo);
    RUN(bad_config);
    return check_summary();
}
