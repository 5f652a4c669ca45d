/* isakmp sweep: progress on stderr (see sweep_progress.h). */
#include "sweep_progress.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#define BAR_WIDTH 30

double sweep_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void hms(char *buf, size_t cap, double s)
{
    if (s < 0 || s != s) {
        snprintf(buf, cap, "--:--");
        return;
    }
    long t = s > 3.6e8 ? 360000000L : (long)(s + 0.5);   /* bounded: 100000 h */
    if (t >= 3600)
        snprintf(buf, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, cap, "%ld:%02ld", t / 60, t % 60);
}

/* Remaining time from this invocation's pace (runs done before it do not
 * tell how fast this machine is). */
static double eta(const struct sweep_progress *p, double elapsed)
{
    size_t left = p->total - p->before - p->done;
    if (p->done == 0)
        return -1;
    return elapsed / (double)p->done * (double)left;
}

void sweep_progress_start(struct sweep_progress *p, FILE *out, size_t total, size_t before)
{
    memset(p, 0, sizeof *p);
    p->out = out;
    p->tty = isatty(fileno(out));
    p->total = total;
    p->before = before;
    p->start = sweep_now();
    if (!p->tty)
        fprintf(out, "isakmp sweep: %zu runs, %zu already done, %zu to run\n", total, before,
                total - before);
    sweep_progress_tick(p);
}

void sweep_progress_tick(struct sweep_progress *p)
{
    if (!p->tty)
        return;
    double el = sweep_now() - p->start;
    size_t done = p->before + p->done;
    char bar[BAR_WIDTH + 1], e[48], r[48];
    size_t fill = p->total ? done * BAR_WIDTH / p->total : BAR_WIDTH;
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    hms(e, sizeof e, el);
    hms(r, sizeof r, eta(p, el));
    fprintf(p->out, "\r[%s] %zu/%zu  failed %zu  elapsed %s  ETA %s \033[K", bar, done, p->total,
            p->failed, e, r);
    fflush(p->out);
    p->drawn = true;
}

void sweep_progress_run(struct sweep_progress *p, const char *name, bool ok, double secs)
{
    p->done++;
    if (!ok)
        p->failed++;
    if (p->tty) {
        if (!ok) {   /* a failure stays visible above the bar */
            fprintf(p->out, "\r\033[Kisakmp sweep: run %s FAILED after %.1f s (see its log)\n", name,
                    secs);
        }
        sweep_progress_tick(p);
        return;
    }
    char r[48];
    hms(r, sizeof r, eta(p, sweep_now() - p->start));
    fprintf(p->out, "isakmp sweep: %zu/%zu %s %s %.1fs failed %zu ETA %s\n", p->before + p->done,
            p->total, name, ok ? "ok" : "FAILED", secs, p->failed, r);
    fflush(p->out);
}

void sweep_progress_end(struct sweep_progress *p, const char *how)
{
    if (p->tty && p->drawn) {
        sweep_progress_tick(p);
        fputc('\n', p->out);
    }
    char e[48];
    hms(e, sizeof e, sweep_now() - p->start);
    fprintf(p->out, "isakmp sweep: %s: %zu/%zu runs done, %zu failed, %zu run now in %s\n", how,
            p->before + p->done - p->failed, p->total, p->failed, p->done, e);
    fflush(p->out);
}
