/* status: complete
 *
 * The CPU model: each simulated node has a CPU with one or more cores and
 * one FIFO queue of inputs. An input (a datagram, a timer) is a work item;
 * when a core is free the item's function runs at that virtual time (it
 * calls the engine, which computes crypto inline and reports what its work
 * cost in virtual time); the core then stays busy for that cost plus a
 * fixed per-item overhead, and the outputs the item produced (datagrams to
 * send) are released when the busy period ends. A node flooded with work
 * therefore falls behind as a real one does: its queue grows and its
 * answers come late.
 *
 * The model never reads a clock and knows nothing of ns-3: it asks its
 * driver "what time is it" and "call f(arg) at time t". In the simulator the
 * driver is the shim's isakmp_sim_now/isakmp_sim_at; in a unit test it is a
 * small fake event loop.
 *
 * Ownership: the model never frees a caller's arg. Each arg handed to
 * isakmp_cpu_submit/isakmp_cpu_defer is passed back exactly once: to the
 * work/release function, or, if the item never runs (dropped at submit: see
 * its return value; or still queued when the CPU is freed), to the discard
 * function given with it (if not NULL).
 */
#ifndef ISAKMP_SIM_CPU_MODEL_H
#define ISAKMP_SIM_CPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the CPU model needs from its event loop. schedule returns a non-zero
 * handle (0 = failure); events at equal times must run in scheduling order.
 * cancel may be NULL (then isakmp_cpu_free must only be called once the
 * driver will never fire the model's events again, e.g. after the world is
 * destroyed). */
struct isakmp_cpu_driver {
    void *ctx;
    uint64_t (*now)(void *ctx);
    uint64_t (*schedule)(void *ctx, uint64_t at_ns, void (*fn)(void *arg), void *arg);
    void (*cancel)(void *ctx, uint64_t handle);
};

struct isakmp_cpu_config {
    unsigned cores;       /* >= 1 */
    uint64_t overhead_ns; /* added to every item: the cost of cheap work */
    size_t queue_limit;   /* max waiting items; 0 = unbounded */
};

struct isakmp_cpu;

/* A work item: runs on a core at its start time and returns its cost in ns
 * (it may also report cost through isakmp_cpu_charge while it runs). */
typedef uint64_t (*isakmp_cpu_work_fn)(void *arg, struct isakmp_cpu *cpu);
/* A release (output) or a discard function. */
typedef void (*isakmp_cpu_fn)(void *arg);

/* New CPU; the driver struct is copied. NULL on bad config (cores == 0,
 * missing driver functions) or out of memory. */
struct isakmp_cpu *isakmp_cpu_new(const struct isakmp_cpu_driver *driver,
                                  const struct isakmp_cpu_config *config);

/* Free: pending core events are cancelled (if the driver can), queued items
 * and unreleased outputs are passed to their discard functions. Must not be
 * called from inside one of this CPU's work or release functions. */
void isakmp_cpu_free(struct isakmp_cpu *cpu);

/* Queue an input. If a core is free and nothing waits, it starts now (the
 * work function runs before this returns). Returns false, and counts a
 * drop, when the queue is at its limit (or memory runs out): then nothing
 * was called and the caller still owns arg. */
bool isakmp_cpu_submit(struct isakmp_cpu *cpu, isakmp_cpu_work_fn work, void *arg,
                       isakmp_cpu_fn discard);

/* During a work function: add ns to the running item's cost (e.g. each
 * crypto operation the engine reports). Ignored outside a work function. */
void isakmp_cpu_charge(struct isakmp_cpu *cpu, uint64_t ns);

/* During a work function: hold release(arg) until the end of the running
 * item's busy period (outputs leave when the work is done), in call order.
 * Outside a work function release(arg) is called at once. Returns false
 * only on out of memory (then the caller still owns arg). */
bool isakmp_cpu_defer(struct isakmp_cpu *cpu, isakmp_cpu_fn release, void *arg,
                      isakmp_cpu_fn discard);

/* Items waiting (not yet started). */
size_t isakmp_cpu_queue_len(const struct isakmp_cpu *cpu);
/* Cores busy now. */
unsigned isakmp_cpu_busy_cores(const struct isakmp_cpu *cpu);
/* Core-nanoseconds of busy time up to the driver's now, including the
 * elapsed part of the running items. Utilisation over [t0, t1] is
 * (busy(t1) - busy(t0)) / (cores * (t1 - t0)). */
uint64_t isakmp_cpu_busy_ns(const struct isakmp_cpu *cpu);

struct isakmp_cpu_stats {
    uint64_t submitted;    /* calls to submit, including dropped ones */
    uint64_t dropped;      /* refused: queue at its limit */
    uint64_t started;
    uint64_t completed;    /* busy periods ended, outputs released */
    uint64_t wait_ns_total;/* sum over started items of (start - submit) */
    uint64_t wait_ns_max;
    size_t queue_max;      /* highest queue length seen */
};
void isakmp_cpu_get_stats(const struct isakmp_cpu *cpu, struct isakmp_cpu_stats *out);

#ifdef __cplusplus
}
#endif

#endif
