/* isakmp sweep: run every run of a scenario's sweep (parameter points x
 * replications) in parallel worker processes, one `isakmp run` each, into
 * one results database; resume an interrupted sweep; emit the runs for
 * GNU parallel or Slurm; merge their per-run databases; summarise.
 * The method and its rules: scenarios/SWEEPS.md. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sweep_emit.h"
#include "sweep_exec.h"
#include "sweep_merge.h"
#include "sweep_plan.h"
#include "sweep_progress.h"
#include "sweep_summary.h"

#define SUB "sweep"
#define MAX_SETS 256

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp sweep SCENARIO [--set PATH=VALUE]... [-j N] [--out DIR] [--db FILE]\n"
        "                    [--force] [--list]\n"
        "       isakmp sweep SCENARIO --emit parallel|slurm [--out DIR] [--bin PATH] [-o FILE]\n"
        "       isakmp sweep --merge DIR [--db FILE]\n"
        "       isakmp sweep --summary DB [--metric NAME] [--csv]\n"
        "\n"
        "Run the sweep of SCENARIO (its `sweep` group: parameter values x replications),\n"
        "each run in its own process (`isakmp run` with --set overrides and --run =\n"
        "scenario run + replication; the seed stays fixed), N at a time (default: one per\n"
        "core), and merge every finished run into one SQLite results database.\n"
        "\n"
        "  --set PATH=VALUE  override a setting in every run (repeatable)\n"
        "  -j, --jobs N      worker processes (default: online cores)\n"
        "  --out DIR         output folder (default: results/sweep-NAME): DIR/runs/ holds one\n"
        "                    database per finished run, DIR/logs/ each run's output,\n"
        "                    DIR/results.db the merged results\n"
        "  --db FILE         merged results database (default: DIR/results.db)\n"
        "  --force           continue a sweep in DIR although the scenario file changed\n"
        "  --list            print the runs (name, point, replication, run number, overrides,\n"
        "                    done or not) and exit\n"
        "  --emit KIND       do not run: write the runs not yet done as a GNU parallel job\n"
        "                    list (one shell command per line) or a Slurm job-array script\n"
        "  --bin PATH        the isakmp binary the emitted jobs call (default: this one)\n"
        "  -o FILE           where --emit writes (default: stdout)\n"
        "  --merge DIR       merge DIR/runs/*.db (or DIR/*.db) into DIR/results.db (or --db)\n"
        "  --summary DB      per parameter point and metric: n, mean, standard deviation,\n"
        "                    95%% confidence interval (Student t), median, p95\n"
        "  --metric NAME     only this metric (success_rate, latency_mean_ns, ...)\n"
        "  --csv             the summary as CSV\n"
        "  --runner PATH     (for testing) run PATH instead of this binary: PATH run ...\n"
        "\n"
        "Resume: running the same command again runs only the missing runs.  A run is\n"
        "identified by (scenario name, parameters, replication); a finished run is never\n"
        "run, merged or counted twice.  Ctrl-C stops the workers and keeps what finished.\n"
        "Progress goes to stderr (a bar on a terminal, one line per run otherwise).\n"
        "Exit status: 0 all runs completed, 1 some failed (see DIR/logs), 2 usage,\n"
        "130 interrupted.\n");
}

struct options {
    const char *scenario, *out, *db, *emit, *bin, *emit_out, *merge, *summary, *metric, *runner;
    char *sets[MAX_SETS];
    size_t n_sets;
    int jobs;
    bool force, list, csv;
};

static int parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE()                                                            \
    do {                                                                   \
        if (!v)                                                            \
            return cli_usage_error(SUB, "%s needs a value", a);            \
        i++;                                                               \
    } while (0)
        if (!strcmp(a, "--set")) {
            VALUE();
            if (!strchr(v, '='))
                return cli_usage_error(SUB, "--set %s: expected PATH=VALUE", v);
            if (o->n_sets == MAX_SETS)
                return cli_usage_error(SUB, "more than %d --set", MAX_SETS);
            o->sets[o->n_sets++] = (char *)v;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs") || (!strncmp(a, "-j", 2) && a[2])) {
            if (a[2] && a[1] == 'j')
                v = a + 2;              /* -jN, as make takes it */
            else
                VALUE();
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 1024)
                return cli_usage_error(SUB, "%s %s: expected a number of workers 1..1024", a, v);
            o->jobs = (int)n;
        } else if (!strcmp(a, "--out")) {
            VALUE();
            o->out = v;
        } else if (!strcmp(a, "--db")) {
            VALUE();
            o->db = v;
        } else if (!strcmp(a, "--emit")) {
            VALUE();
            if (strcmp(v, "parallel") && strcmp(v, "slurm"))
                return cli_usage_error(SUB, "--emit %s: expected 'parallel' or 'slurm'", v);
            o->emit = v;
        } else if (!strcmp(a, "--bin")) {
            VALUE();
            o->bin = v;
        } else if (!strcmp(a, "-o")) {
            VALUE();
            o->emit_out = v;
        } else if (!strcmp(a, "--merge")) {
            VALUE();
            o->merge = v;
        } else if (!strcmp(a, "--summary")) {
            VALUE();
            o->summary = v;
        } else if (!strcmp(a, "--metric")) {
            VALUE();
            o->metric = v;
        } else if (!strcmp(a, "--runner")) {
            VALUE();
            o->runner = v;
        } else if (!strcmp(a, "--force")) {
            o->force = true;
        } else if (!strcmp(a, "--list")) {
            o->list = true;
        } else if (!strcmp(a, "--csv")) {
            o->csv = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(SUB, "unknown option %s", a);
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            return cli_usage_error(SUB, "one scenario only (got '%s' and '%s')", o->scenario, a);
        }
#undef VALUE
    }
    int modes = !!o->merge + !!o->summary + !!o->scenario;
    if (modes != 1)
        return cli_usage_error(SUB, "give a SCENARIO, or --merge DIR, or --summary DB (one of them)");
    if (!o->scenario && (o->emit || o->list || o->n_sets || o->jobs || o->runner))
        return cli_usage_error(SUB, "--emit, --list, --set, -j and --runner need a SCENARIO");
    if ((o->metric || o->csv) && !o->summary)
        return cli_usage_error(SUB, "--metric and --csv go with --summary");
    if (o->summary && (o->out || o->db))
        return cli_usage_error(SUB, "--summary DB takes no --out / --db");
    return CLI_OK;
}

/* mkdir -p */
static bool make_dirs(const char *path)
{
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return false;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST)
                return false;
            *s = '/';
        }
    return mkdir(p, 0755) == 0 || errno == EEXIST;
}

static int lock_dir(const char *dir)
{
    char p[PATH_MAX];
    sweep_path(p, sizeof p, dir, ".sweep.lock");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
        fprintf(stderr, "isakmp sweep: %s: %s\n", dir,
                fd < 0 ? strerror(errno) : "another sweep or merge is using this folder");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The scenario must not change under a sweep: results of two different
 * experiments would mix under one identity. */
static bool check_manifest(const char *dir, const struct sweep_plan *p, bool force)
{
    char path[PATH_MAX], line[256] = "";
    sweep_path(path, sizeof path, dir, "sweep.manifest");
    FILE *f = fopen(path, "r");
    if (f) {
        bool same = false;
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "digest ", 7) && !strncmp(line + 7, p->digest, 64))
                same = true;
        fclose(f);
        if (same)
            return true;
        if (!force) {
            fprintf(stderr,
                    "isakmp sweep: %s holds a sweep of a different scenario file or --set list\n"
                    "  (%s changed since).  Use another --out DIR, or --force to continue\n"
                    "  anyway: runs already done are kept (identity: scenario name, parameters,\n"
                    "  replication) and only the others run.\n", dir, p->scenario_file);
            return false;
        }
    }
    f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "# isakmp sweep: what this folder's runs were made from\nscenario %s\nname %s\n"
               "digest %s\nruns %zu\n", p->scenario_file, p->scenario_name, p->digest, p->n_jobs);
    return fclose(f) == 0;
}

/* Mark the jobs whose run is in db (or, when db is NULL, in runs_dir as a
 * finished file) done; returns how many are done. */
static size_t mark_done(struct sweep_plan *p, sqlite3 *db, const char *runs_dir)
{
    size_t done = 0;
    for (size_t i = 0; i < p->n_jobs; i++) {
        struct sweep_job *j = &p->jobs[i];
        bool present = db && sweep_run_present(db, p->scenario_name, j->params_json, j->rep);
        if (!present && runs_dir) {
            char f[PATH_MAX];
            char stem[80];
            snprintf(stem, sizeof stem, "%s.db", j->name);
            sweep_path(f, sizeof f, runs_dir, stem);
            present = access(f, F_OK) == 0 && sweep_file_finished(f);
        }
        if (present) {
            j->state = JOB_DONE;
            done++;
        }
    }
    return done;
}

static int do_merge(const struct options *o)
{
    char dir[PATH_MAX], src[PATH_MAX], dbp[PATH_MAX], err[1024];
    if (!realpath(o->merge, dir)) {
        fprintf(stderr, "isakmp sweep: --merge %s: %s\n", o->merge, strerror(errno));
        return CLI_FAILED;
    }
    sweep_path(src, sizeof src, dir, "runs");
    struct stat sb;
    if (stat(src, &sb) != 0 || !S_ISDIR(sb.st_mode))
        snprintf(src, sizeof src, "%s", dir);
    if (o->db)
        snprintf(dbp, sizeof dbp, "%s", o->db);
    else
        sweep_path(dbp, sizeof dbp, dir, "results.db");
    int lock = lock_dir(dir);
    if (lock < 0)
        return CLI_FAILED;
    sqlite3 *db = sweep_results_open(dbp, err, sizeof err);
    struct sweep_merge_count c = { 0 };
    bool ok = db && sweep_merge_dir(db, src, &c, err, sizeof err);
    sqlite3_close(db);
    close(lock);
    if (!ok) {
        fprintf(stderr, "isakmp sweep: merge: %s\n", err);
        return CLI_FAILED;
    }
    printf("isakmp sweep: merged %s into %s: %d files, %d runs merged, %d already there, "
           "%d unfinished, %d unreadable\n", src, dbp, c.files, c.merged, c.present, c.unfinished,
           c.bad);
    return c.bad ? CLI_FAILED : CLI_OK;
}

static void list(const struct sweep_plan *p)
{
    printf("# %s: %zu points x %u replications = %zu runs, seed %u\n", p->scenario_name,
           p->n_points, p->reps, p->n_jobs, p->seed);
    for (size_t i = 0; i < p->n_jobs; i++) {
        const struct sweep_job *j = &p->jobs[i];
        printf("%-28s point %zu rep %u run %llu %s", j->name, j->point, j->rep,
               (unsigned long long)j->run_number, j->state == JOB_DONE ? "done" : "todo");
        for (size_t k = 0; k < j->n_set; k++)
            printf(" %s", j->set[k]);
        putchar('\n');
    }
}

static int sweep_main(int argc, char **argv)
{
    struct options o;
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc;
    if (o.summary)
        return sweep_summary_print(stdout, o.summary, o.metric, o.csv);
    if (o.merge)
        return do_merge(&o);

    char err[2048];
    struct sweep_plan plan;
    if (!sweep_plan_load(&plan, o.scenario, o.sets, o.n_sets, err, sizeof err)) {
        fprintf(stderr, "isakmp sweep: %s\n", err);
        return CLI_FAILED;
    }
    char outdir[PATH_MAX], dir[PATH_MAX], runs_dir[PATH_MAX], dbp[PATH_MAX];
    if (o.out)
        snprintf(outdir, sizeof outdir, "%s", o.out);
    else
        snprintf(outdir, sizeof outdir, "results/sweep-%s", plan.scenario_name);
    char *self = sweep_self_exe();
    const char *bin = o.runner ? o.runner : self;
    int status = CLI_FAILED;
    sqlite3 *db = NULL;
    int lock = -1;

    if (o.emit || o.list) {
        /* nothing is created: only read what is there */
        if (!realpath(outdir, dir)) {
            if (outdir[0] == '/' || !getcwd(dir, sizeof dir))
                snprintf(dir, sizeof dir, "%s", outdir);
            else
                sweep_path(dir, sizeof dir, dir, outdir);
        }
        sweep_path(runs_dir, sizeof runs_dir, dir, "runs");
        sweep_path(dbp, sizeof dbp, dir, "results.db");
        if (o.db)
            snprintf(dbp, sizeof dbp, "%s", o.db);
        if (access(dbp, F_OK) == 0)
            db = sweep_results_open(dbp, err, sizeof err);
        mark_done(&plan, db, runs_dir);
        if (o.list) {
            list(&plan);
            status = CLI_OK;
            goto out;
        }
        if (o.emit) {   /* Slurm opens its --output files before a task runs */
            static const char *const subs[] = { "runs", "logs" };
            for (size_t i = 0; i < 2; i++) {
                char sub[PATH_MAX];
                if (sweep_path(sub, sizeof sub, dir, subs[i]))
                    make_dirs(sub);   /* best effort: DIR may exist only on the cluster */
            }
        }
        const char *ebin = o.bin ? o.bin : bin;
        if (!ebin) {
            fprintf(stderr, "isakmp sweep: cannot tell this binary's path; give --bin\n");
            goto out;
        }
        FILE *f = o.emit_out ? fopen(o.emit_out, "w") : stdout;
        if (!f) {
            fprintf(stderr, "isakmp sweep: %s: %s\n", o.emit_out, strerror(errno));
            goto out;
        }
        /* the emitted jobs' binary, when it is here too; else this one */
        bool ids = sweep_run_knows_ids(access(ebin, X_OK) == 0 ? ebin : bin ? bin : ebin);
        bool ok = !strcmp(o.emit, "slurm")
                      ? sweep_emit_slurm(f, &plan, ebin, dir, ids, o.jobs)
                      : sweep_emit_parallel(f, &plan, ebin, dir, ids);
        if (f != stdout)
            ok = fclose(f) == 0 && ok;
        if (!ok)
            fprintf(stderr, "isakmp sweep: --emit: write error (or an argument with a newline)\n");
        else if (o.emit_out && !strcmp(o.emit, "slurm"))
            chmod(o.emit_out, 0755);
        status = ok ? CLI_OK : CLI_FAILED;
        goto out;
    }

    if (!bin) {
        fprintf(stderr, "isakmp sweep: cannot tell this binary's path (/proc/self/exe)\n");
        goto out;
    }
    char sub[PATH_MAX];
    if (!make_dirs(outdir) || !realpath(outdir, dir)) {
        fprintf(stderr, "isakmp sweep: %s: %s\n", outdir, strerror(errno));
        goto out;
    }
    static const char *const subs[] = { "runs", "logs", "out" };
    for (size_t i = 0; i < 3; i++) {
        sweep_path(sub, sizeof sub, dir, subs[i]);
        if (!make_dirs(sub)) {
            fprintf(stderr, "isakmp sweep: %s: %s\n", sub, strerror(errno));
            goto out;
        }
    }
    if ((lock = lock_dir(dir)) < 0 || !check_manifest(dir, &plan, o.force))
        goto out;
    sweep_path(runs_dir, sizeof runs_dir, dir, "runs");
    sweep_path(dbp, sizeof dbp, dir, "results.db");
    if (o.db)
        snprintf(dbp, sizeof dbp, "%s", o.db);
    if (!(db = sweep_results_open(dbp, err, sizeof err))) {
        fprintf(stderr, "isakmp sweep: %s\n", err);
        goto out;
    }
    /* Resume: leftovers of unfinished runs go; finished files not yet
     * merged (the sweep died between rename and merge) are merged now. */
    sweep_exec_clean(runs_dir);
    struct sweep_exec x = { .plan = &plan, .bin = bin, .dir = dir, .db = db };
    if (!sweep_merge_dir(db, runs_dir, &x.merge, err, sizeof err)) {
        fprintf(stderr, "isakmp sweep: merge: %s\n", err);
        goto out;
    }
    size_t before = mark_done(&plan, db, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    x.workers = o.jobs ? o.jobs : (cores > 0 ? (int)cores : 1);
    x.pass_ids = sweep_run_knows_ids(bin);
    struct sweep_progress pr;
    x.progress = &pr;
    sweep_progress_start(&pr, stderr, plan.n_jobs, before);
    bool interrupted;
    int failed = sweep_exec_run(&x, &interrupted, err, sizeof err);
    sweep_progress_end(&pr, interrupted ? "interrupted (run the same command again to resume)"
                            : failed < 0 ? "stopped" : "finished");
    if (failed < 0) {
        fprintf(stderr, "isakmp sweep: %s\n", err);
        goto out;
    }
    fprintf(stderr, "isakmp sweep: results in %s (%d runs merged now)%s\n", dbp, x.merge.merged,
            failed ? "; failed runs: see the logs in DIR/logs, run again to retry them" : "");
    status = interrupted ? 130 : failed ? CLI_FAILED : CLI_OK;
out:
    sqlite3_close(db);
    if (lock >= 0)
        close(lock);
    free(self);
    sweep_plan_free(&plan);
    return status;
}

const struct cli_command cli_cmd_sweep = {
    .name = "sweep",
    .summary = "run a scenario's parameter sweep in parallel into one database",
    .main = sweep_main,
    .usage = usage,
};
