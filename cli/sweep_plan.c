/* isakmp sweep: the plan (see sweep_plan.h). */
#include "sweep_plan.h"

#include "recorder.h"
#include "scenario.h"

#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
        if (n == cap) {
            char *nb = cap < (64u << 20) ? realloc(b, cap *= 2) : NULL;   /* scenarios are small */
            if (!nb) {
                free(b);
                b = NULL;
            } else {
                b = nb;
            }
        }
    }
    fclose(f);
    *len = n;
    return b;
}

/* FNV-1a: only to make file names of different identities differ. */
static uint32_t fnv32(const char *a, const char *b)
{
    uint32_t h = 2166136261u;
    for (const char *s = a; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    h = (h ^ 0) * 16777619u;
    for (const char *s = b; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static char *params_json(char *const *set, size_t n)
{
    struct isakmp_rec_param *pa = calloc(n ? n : 1, sizeof *pa);
    char **names = calloc(n ? n : 1, sizeof *names);
    char *json = NULL;
    bool ok = pa && names;
    for (size_t i = 0; ok && i < n; i++) {
        const char *eq = strchr(set[i], '=');
        names[i] = eq ? strndup(set[i], (size_t)(eq - set[i])) : strdup(set[i]);
        ok = names[i] != NULL;
        pa[i].name = names[i];
        pa[i].value = eq ? eq + 1 : "";
    }
    if (ok)
        json = isakmp_rec_params_json(pa, n);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    free(pa);
    return json;
}

void sweep_plan_free(struct sweep_plan *p)
{
    for (size_t i = 0; p->jobs && i < p->n_jobs; i++) {
        for (size_t k = 0; k < p->jobs[i].n_set; k++)
            free(p->jobs[i].set[k]);
        free(p->jobs[i].set);
        free(p->jobs[i].params_json);
    }
    free(p->jobs);
    free(p->scenario_file);
    free(p->scenario_name);
    memset(p, 0, sizeof *p);
}

static bool digest(struct sweep_plan *p, char *const *fixed, size_t n_fixed)
{
    size_t len = 0;
    char *text = read_all(p->scenario_file, &len);
    if (!text)
        return false;
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, len, (const uint8_t *)text);
    for (size_t i = 0; i < n_fixed; i++)
        sha256_update(&c, strlen(fixed[i]) + 1, (const uint8_t *)fixed[i]);   /* with the NUL */
    sha256_digest(&c, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(p->digest + 2 * i, 3, "%02x", d[i]);
    free(text);
    return true;
}

bool sweep_plan_load(struct sweep_plan *p, const char *file, char *const *fixed,
                     size_t n_fixed, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char abs[PATH_MAX];
    if (!realpath(file, abs)) {
        snprintf(err, errlen, "%s: cannot open", file);
        return false;
    }
    struct isakmp_scenario *s = isakmp_scenario_load(abs, (const char *const *)fixed, n_fixed,
                                                     err, errlen);
    if (!s)
        return false;
    size_t n = 0;
    struct isakmp_scn_run *runs = isakmp_scn_sweep_expand(s, &n, err, errlen);
    bool ok = runs != NULL;
    p->scenario_file = strdup(abs);
    p->scenario_name = strdup(s->name);
    p->seed = s->seed;
    p->reps = s->sweep.replications ? s->sweep.replications : 1;
    p->n_points = ok ? n / p->reps : 0;
    p->jobs = ok ? calloc(n, sizeof *p->jobs) : NULL;
    if (ok && (!p->scenario_file || !p->scenario_name || !p->jobs || !digest(p, fixed, n_fixed))) {
        snprintf(err, errlen, "%s: out of memory", file);
        ok = false;
    }
    for (size_t i = 0; ok && i < n; i++) {
        struct sweep_job *j = &p->jobs[i];
        p->n_jobs = i + 1;
        j->point = runs[i].point;
        j->rep = runs[i].replication;
        j->run_number = runs[i].run;
        j->set = calloc(n_fixed + runs[i].n_set + 1, sizeof *j->set);
        ok = j->set != NULL;
        for (size_t k = 0; ok && k < n_fixed + runs[i].n_set; k++) {
            j->set[k] = strdup(k < n_fixed ? fixed[k] : runs[i].set[k - n_fixed]);
            ok = j->set[k] != NULL;
            j->n_set = k + 1;
        }
        ok = ok && (j->params_json = params_json(j->set, j->n_set)) != NULL;
        if (!ok) {
            snprintf(err, errlen, "%s: out of memory", file);
            break;
        }
        snprintf(j->name, sizeof j->name, "p%zu-r%u-%08x", j->point, j->rep,
                 fnv32(p->scenario_name, j->params_json));
    }
    /* Every point must load: a wrong path or value is refused now, with
     * the scenario reader's own message, not after hours of runs. */
    for (size_t i = 0; ok && i < n && runs[i].replication == 0; i++) {
        const struct sweep_job *j = &p->jobs[i];
        struct isakmp_scenario *t = isakmp_scenario_load(abs, (const char *const *)j->set,
                                                         j->n_set, err, errlen);
        ok = t != NULL;
        isakmp_scenario_free(t);
    }
    isakmp_scn_runs_free(runs, n);
    isakmp_scenario_free(s);
    if (!ok)
        sweep_plan_free(p);
    return ok;
}

char **sweep_job_argv(const struct sweep_plan *p, const struct sweep_job *j, const char *bin,
                      const char *db, const char *out, bool pass_ids)
{
    size_t max = 3 + 2 * j->n_set + 6 + 4 + 1;
    char **a = calloc(max, sizeof *a);
    if (!a)
        return NULL;
    size_t n = 0;
    char num[3][32];
    snprintf(num[0], sizeof num[0], "%llu", (unsigned long long)j->run_number);
    snprintf(num[1], sizeof num[1], "%zu", j->point);
    snprintf(num[2], sizeof num[2], "%u", j->rep);
    const char *fixed[] = { bin, "run", p->scenario_file };
    for (size_t i = 0; i < 3; i++)
        a[n++] = strdup(fixed[i]);
    for (size_t i = 0; i < j->n_set; i++) {
        a[n++] = strdup("--set");
        a[n++] = strdup(j->set[i]);
    }
    const char *tail[] = { "--run", num[0], "--db", db, "--out", out,
                           "--point", num[1], "--replication", num[2] };
    for (size_t i = 0; i < (pass_ids ? 10u : 6u); i++)
        a[n++] = strdup(tail[i]);
    for (size_t i = 0; i < n; i++)
        if (!a[i]) {
            sweep_argv_free(a);
            return NULL;
        }
    return a;
}

void sweep_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

bool sweep_parse_name(const char *stem, long long *point, long long *rep)
{
    char *end;
    if (stem[0] != 'p' || stem[1] < '0' || stem[1] > '9')
        return false;
    *point = strtoll(stem + 1, &end, 10);
    if (end[0] != '-' || end[1] != 'r' || end[2] < '0' || end[2] > '9')
        return false;
    *rep = strtoll(end + 2, &end, 10);
    return *end == '\0' || *end == '-' || *end == '.';
}

bool sweep_path(char *out, size_t cap, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (cap == 0)
        return false;
    if (la + 1 + lb + 1 > cap) {
        out[0] = '\0';
        return false;
    }
    memmove(out, a, la);   /* out may be a */
    out[la] = '/';
    memcpy(out + la + 1, b, lb + 1);
    return true;
}

char *sweep_self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return strdup(buf);
}

bool sweep_run_knows_ids(const char *bin)
{
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        execl(bin, bin, "run", "--help", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    bool found = false;
    char buf[4096 + 1];
    size_t keep = 0;
    ssize_t got;
    while (pid > 0 && (got = read(fd[0], buf + keep, sizeof buf - 1 - keep)) > 0) {
        buf[keep + (size_t)got] = '\0';
        if (strstr(buf, "--replication"))
            found = true;
        /* keep a tail so a word split across reads is still seen */
        size_t total = keep + (size_t)got;
        keep = total > 16 ? 16 : total;
        memmove(buf, buf + total - keep, keep);
    }
    close(fd[0]);
    int st;
    if (pid > 0)
        waitpid(pid, &st, 0);
    return found;
}
