/* Deadlines of one engine: a binary min-heap of timers embedded in the
 * objects that own them (exchanges, SAs), so next_deadline is O(1) and
 * arming/disarming O(log n) even with many thousands of half-open SAs. */
#ifndef ISAKMP_FW_TIMER_H
#define ISAKMP_FW_TIMER_H

#include <stddef.h>
#include <stdint.h>

enum fw_timer_kind { FW_T_XCHG = 1, FW_T_SA, FW_T_CHILD, FW_T_DPD, FW_T_NATT_KEEPALIVE };

struct fw_timer {
    uint64_t at;
    size_t idx;                 /* position in the heap + 1; 0 = not armed */
    uint8_t kind;               /* enum fw_timer_kind: which object holds it */
};

struct fw_timer_heap {
    struct fw_timer **v;
    size_t n, cap;
};

struct isakmp_engine;
/* Arm (or move) t to fire at `at`.  False when memory is short. */
_Bool fw_timer_set(struct isakmp_engine *e, struct fw_timer *t, uint64_t at);
void fw_timer_cancel(struct isakmp_engine *e, struct fw_timer *t);
/* The earliest armed timer, or NULL. */
struct fw_timer *fw_timer_first(const struct fw_timer_heap *h);
void fw_timer_heap_free(struct isakmp_engine *e);

#endif
