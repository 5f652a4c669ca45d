/* Whole IKE exchanges through the simulator (sim/world.h), CPU model on.
 *
 * The world is built from a generated scenario (scenarios/FORMAT.md):
 * cells of one responder and up to CELL initiators on a 100 Mbit/s CSMA
 * segment (1 ms delay); every node runs the engine behind its CPU model
 * (1 core); PSK Main Mode + one Quick Mode (no PFS), AES-128/SHA-1.  The
 * engines do their real cryptography, so the wall time includes it; the
 * run's own measurement of that crypto CPU time is the baseline that
 * separates the simulator's overhead from the cryptography.
 *
 *   (a) throughput: 100 initiators (10 cells), each starting MM + QM
 *       after exponential gaps of mean 1 s for 20 s of virtual time, for
 *       ecp256 and modp2048 (full exponent): simulated MM + QM pairs
 *       completed per wall-clock second, and the non-crypto wall time per
 *       pair.
 *   (b) growth: 10, 100, 1 000, 10 000 initiators (cells of 10), each
 *       doing one MM + QM with starts spread over 2 s, 5 s virtual,
 *       ecp256.  Each size runs in a fresh child process (this program
 *       re-executed), so its peak RSS (wait4's ru_maxrss) is its own.
 *       Baseline: the 10-initiator figure (wall per initiator relative to
 *       it; memory per initiator above it).
 *
 * usage: bench_sim_ike [--sizes N,N,...] [--timeout SECONDS] [--mem-limit MB]
 *        bench_sim_ike --child growth|rate N GROUP   (one run; internal)
 * --sizes (or the environment's BENCH_SIM_IKE_SIZES): the growth sizes;
 * --timeout (default 600 s) and --mem-limit (address space, default
 * 4096 MB, 0 = none) bound each child, so a size that does not scale ends
 * with a message instead of taking the machine's memory.
 * Figures vary with the machine; the benchmark never fails (exit 0). */
#include "world.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { CELL = 10 };

/* This process's CPU time (user + system) in seconds. */
static double cpu_self(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the generated scenario -------------------------------------------- */

struct text {
    char *p;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            exit(1);
        if (t->p && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap + (size_t)n + 1) * 2;
        char *p = realloc(t->p, cap);
        if (!p)
            exit(1);
        t->p = p;
        t->cap = cap;
    }
}

/* growth: one MM + QM per initiator, starts spread over 2 s;
 * rate: Poisson arrivals of mean 1 s until the end. */
static char *scenario(bool growth, unsigned initiators, const char *group)
{
    unsigned cells = (initiators + CELL - 1) / CELL;
    struct text t = { 0 };
    put(&t, "name = \"bench-sim-ike\";\nduration = \"%s\";\nsample_period = \"1s\";\n",
        growth ? "5s" : "20s");
    put(&t, "policies = { p = { mode = \"main\"; auth = \"psk\"; psk = \"bench\";\n"
            "  phase1 = ( { cipher = \"aes\"; keylen = 128; hash = \"sha1\"; group = \"%s\"; } );\n"
            "  phase2 = ( { protocols = ( { protocol = \"esp\"; transform = \"aes\"; keylen = 128;"
            " auth = \"hmac-sha1\"; } ); pfs = \"none\"; } );\n"
            "  exponent = \"full\"; }; };\n", group);
    put(&t, "nodes = {\n");
    for (unsigned c = 0; c < cells; c++) {
        unsigned a = c >> 8 & 255, b = c & 255;
        put(&t, "  r%u = { address = \"10.%u.%u.1\"; role = \"responder\"; policy = \"p\"; };\n",
            c, a, b);
        for (unsigned j = 0; j < CELL && c * CELL + j < initiators; j++) {
            unsigned i = c * CELL + j;
            put(&t, "  i%u = { address = \"10.%u.%u.%u\"; role = \"initiator\"; policy = \"p\";\n",
                i, a, b, 10 + j);
            if (growth)      /* a fixed, well spread start in [0, 2 s) */
                put(&t, "    initiate = { peer = \"r%u\"; start = \"%ums\"; count = 1; quick_modes = 1; }; };\n",
                    c, (i * 7919u) % 2000u);
            else
                put(&t, "    initiate = { peer = \"r%u\"; start = \"%ums\"; count = 0; interval = \"1s\";"
                        " arrival = \"poisson\"; quick_modes = 1; }; };\n", c, (i * 7919u) % 1000u);
        }
    }
    put(&t, "};\nlinks = {\n");
    for (unsigned c = 0; c < cells; c++) {
        put(&t, "  l%u = { type = \"csma\"; rate = \"100Mbps\"; delay = \"1ms\"; queue = 1000; nodes = [\"r%u\"",
            c, c);
        for (unsigned j = 0; j < CELL && c * CELL + j < initiators; j++)
            put(&t, ", \"i%u\"", c * CELL + j);
        put(&t, "]; };\n");
    }
    put(&t, "};\n");
    return t.p;
}

/* ---- one run (the child) ------------------------------------------------ */

static int child(const char *what, unsigned initiators, const char *group)
{
    bool growth = strcmp(what, "growth") == 0;
    char err[1024];
    double t0 = wall(), c0 = cpu_self();
    char *text = scenario(growth, initiators, group);
    struct isakmp_scenario *s = isakmp_scenario_parse(text, "bench-sim-ike", NULL, 0, err, sizeof err);
    free(text);
    if (!s) {
        fprintf(stderr, "bench_sim_ike: scenario: %s\n", err);
        return 1;
    }
    struct isakmp_world_options opt = { 0 };
    struct isakmp_world *w = isakmp_world_new(s, &opt, err, sizeof err);
    if (!w) {
        fprintf(stderr, "bench_sim_ike: world: %s\n", err);
        isakmp_scenario_free(s);
        return 1;
    }
    double t1 = wall();
    bool ok = isakmp_world_run(w, err, sizeof err);
    double t2 = wall();
    if (!ok)
        fprintf(stderr, "bench_sim_ike: run: %s\n", err);
    struct isakmp_world_summary sum;
    isakmp_world_summary(w, &sum);
    isakmp_world_free(w);
    isakmp_scenario_free(s);
    double t3 = wall(), c3 = cpu_self();
    printf("%.6f %.6f %.6f %.6f %llu %llu %llu %llu\n", t1 - t0, t2 - t1, t3 - t0, c3 - c0,
           (unsigned long long)sum.exchanges, (unsigned long long)sum.completed,
           (unsigned long long)sum.crypto_cpu_ns, (unsigned long long)sum.events);
    return ok ? 0 : 1;
}

/* ---- the parent: each run in a fresh process ----------------------------- */

struct result {
    bool ok;
    double build_s, run_s, total_s;
    unsigned long long exchanges, completed, crypto_ns, events;
    double peak_mb;
    double work_cpu_s;           /* CPU time of building, running and freeing the world */
};

static unsigned timeout_s = 600, mem_limit_mb = 4096;

static struct result spawn(const char *what, unsigned initiators, const char *group)
{
    struct result r = { 0 };
    int fd[2];
    if (pipe(fd) != 0)
        return r;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return r;
    }
    if (pid == 0) {
        char n[16];
        snprintf(n, sizeof n, "%u", initiators);
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        alarm(timeout_s);        /* a runaway size ends; the parent says so */
        if (mem_limit_mb) {
            struct rlimit rl = { (rlim_t)mem_limit_mb << 20, (rlim_t)mem_limit_mb << 20 };
            setrlimit(RLIMIT_AS, &rl);
        }
        execl("/proc/self/exe", "bench_sim_ike", "--child", what, n, group, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char buf[512];
    size_t len = 0;
    ssize_t k;
    while (len < sizeof buf - 1 && ((k = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0 ||
                                    (k < 0 && errno == EINTR)))
        if (k > 0)
            len += (size_t)k;
    buf[len] = '\0';
    close(fd[0]);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    r.peak_mb = (double)ru.ru_maxrss / 1024.0;    /* ru_maxrss is in KiB on Linux */
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        printf("  (%s %u: stopped after %u s)\n", what, initiators, timeout_s);
        return r;
    }
    r.ok = sscanf(buf, "%lf %lf %lf %lf %llu %llu %llu %llu", &r.build_s, &r.run_s, &r.total_s,
                  &r.work_cpu_s, &r.exchanges, &r.completed, &r.crypto_ns, &r.events) == 8 &&
           WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!r.ok)
        printf("  (%s %u: the run failed (%s %d; address space limited to %u MB), peak %.0f MB)\n",
               what, initiators, WIFSIGNALED(status) ? "signal" : "exit",
               WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), mem_limit_mb,
               r.peak_mb);
    return r;
}

static void throughput(void)
{
    static const struct { const char *group; int id; } groups[] = {
        { "ecp256", 19 }, { "modp2048", 14 },
    };
    printf("(a) throughput: 100 initiators in 10 cells, each starting MM + QM after gaps of\n"
           "    mean 1 s (Poisson) for 20 s virtual.  wall and CPU: building, running and\n"
           "    freeing the world (CPU = its process's CPU time: wall time on a busy\n"
           "    machine is longer); crypto = the engines' own measurement of their\n"
           "    cryptography in the same run (the baseline); sim = CPU - crypto\n");
    printf("%-14s %7s %8s %8s %9s %10s %9s %13s\n", "group", "MM+QM", "wall s", "CPU s",
           "MM+QM/s", "per CPU-s", "crypto %", "sim us/MM+QM");
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        struct result r = spawn("rate", 100, groups[g].group);
        if (!r.ok)
            continue;
        double pairs = (double)r.completed / 2.0;     /* each pair: one MM and one QM */
        double crypto_s = (double)r.crypto_ns * 1e-9;
        printf("%-9s (%2d) %7.0f %8.2f %8.2f %9.0f %10.0f %8.0f%% %13.0f\n", groups[g].group,
               groups[g].id, pairs, r.total_s, r.work_cpu_s, pairs / r.total_s,
               pairs / r.work_cpu_s, 100.0 * crypto_s / r.work_cpu_s,
               pairs > 0 ? (r.work_cpu_s - crypto_s) * 1e6 / pairs : 0.0);
    }
}

static void growth(const unsigned *sizes, size_t n)
{
    printf("\n(b) growth: one MM + QM per initiator (starts spread over 2 s), 5 s virtual,\n"
           "    ecp256, cells of 10 initiators + 1 responder; each size in a fresh process\n"
           "    (peak = its ru_maxrss); baseline = the first size\n");
    printf("%10s %7s %7s %7s %7s %6s %6s %8s %9s %9s %12s\n", "initiators", "build s", "run s",
           "wall s", "CPU s", "done", "of", "peak MB", "CPU ms/in", "vs first", "KB/init more");
    double base_per = 0, base_mb = 0;
    unsigned base_n = 0;
    for (size_t i = 0; i < n; i++) {
        struct result r = spawn("growth", sizes[i], "ecp256");
        if (!r.ok)
            continue;
        double per = r.work_cpu_s * 1e3 / sizes[i];
        if (!base_n) {
            base_n = sizes[i];
            base_per = per;
            base_mb = r.peak_mb;
        }
        char more[32] = "-";
        if (sizes[i] > base_n)
            snprintf(more, sizeof more, "%.1f", (r.peak_mb - base_mb) * 1024.0 / (sizes[i] - base_n));
        printf("%10u %7.2f %7.2f %7.2f %7.2f %6llu %6llu %8.1f %9.3f %8.2fx %12s\n", sizes[i],
               r.build_s, r.run_s, r.total_s, r.work_cpu_s, r.completed, r.exchanges, r.peak_mb, per,
               base_per > 0 ? per / base_per : 0.0, more);
        fflush(stdout);
    }
    printf("    done = exchanges completed (MM and QM) of those started; wall and CPU =\n"
           "    generating and parsing the scenario, building, running and freeing the world\n"
           "    (not the process start); CPU ms/in = that CPU time per initiator; KB/init\n"
           "    more = peak above the first size's, per initiator more\n");
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--child") == 0)
        return child(argv[2], (unsigned)strtoul(argv[3], NULL, 10), argv[4]);
    unsigned sizes[16] = { 10, 100, 1000, 10000 };
    size_t n = 4;
    const char *list = getenv("BENCH_SIM_IKE_SIZES");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            list = argv[++i];
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_s = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--mem-limit") == 0 && i + 1 < argc) {
            mem_limit_mb = (unsigned)strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: bench_sim_ike [--sizes N,N,...] [--timeout SECONDS] [--mem-limit MB]\n");
            return 0;
        }
    }
    if (list && *list) {
        n = 0;
        for (const char *p = list; *p && n < 16;) {
            char *end;
            unsigned long v = strtoul(p, &end, 10);
            if (end == p || v == 0 || v > 100000)
                break;
            sizes[n++] = (unsigned)v;
            p = *end == ',' ? end + 1 : end;
        }
    }
    printf("IKE through the simulator: PSK Main Mode + Quick Mode, AES-128/SHA-1, CPU model on\n");
    throughput();
    growth(sizes, n);
    return 0;
}
