/* isakmp sweep: progress on stderr.  On a terminal, one bar redrawn in
 * place: completed/total, failures, elapsed and ETA; otherwise one plain
 * line per finished run (for logs and batch systems). */
#ifndef CLI_SWEEP_PROGRESS_H
#define CLI_SWEEP_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sweep_progress {
    FILE *out;
    bool tty;
    size_t total;        /* runs of the sweep */
    size_t before;       /* already done when this invocation started */
    size_t done;         /* finished in this invocation (ok or failed) */
    size_t failed;
    double start;        /* monotonic seconds */
    bool drawn;          /* a bar is on the current line */
};

/* Start: `before` of `total` runs are already done. */
void sweep_progress_start(struct sweep_progress *p, FILE *out, size_t total, size_t before);

/* One run finished (`ok` false = failed) after `secs` seconds. */
void sweep_progress_run(struct sweep_progress *p, const char *name, bool ok, double secs);

/* Redraw the bar (terminal only): the clock moved. */
void sweep_progress_tick(struct sweep_progress *p);

/* End the bar's line; print a closing summary line. */
void sweep_progress_end(struct sweep_progress *p, const char *how);

/* Monotonic clock in seconds. */
double sweep_now(void);

#endif
