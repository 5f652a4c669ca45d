/* isakmp plot: figures from a results database.  The C side extracts the
 * data (cli/plot_data.c, statistics from the schema's views) into gnuplot
 * data files; one gnuplot script per kind of figure (scripts/plot-KIND.gp)
 * draws it as PNG and SVG, with 95% confidence intervals as error bars,
 * labelled axes with units, and a caption naming scenario, seed and
 * engine version. */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot_data.h"
#include "sweep_plan.h"

#define SUB "plot"

struct kind {
    const char *name;
    const char *metric;      /* NULL: the DH cost figure */
    double scale;
    const char *ylabel;
};

static const struct kind kinds[] = {
    { "success-vs-param", "success_rate", 100.0, "phase-1 success rate (%)" },
    { "latency-vs-param", "latency_mean_ns", 1e-6, "mean phase-1 latency (ms)" },
    { "dh-cost", NULL, 1.0, "time per operation (us)" },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp plot DB [--out DIR] [--kind KIND] [--scenario NAME] [--x PATH]\n"
        "                      [--scripts DIR]\n"
        "\n"
        "Draw the figures of the experiments in results database DB (from `isakmp run`\n"
        "or `isakmp sweep`) with gnuplot, as PNG and SVG: DIR/SCENARIO-KIND.png/.svg\n"
        "(and the data plotted, DIR/SCENARIO-KIND.dat).  Points are means over the\n"
        "replications of each parameter point, error bars their 95%% confidence\n"
        "interval (Student t); the caption names scenario, seed(s) and engine version.\n"
        "\n"
        "kinds (default: every kind the database has data for):\n"
        "  success-vs-param  phase-1 success rate (%%) against the swept parameter\n"
        "  latency-vs-param  mean phase-1 latency (ms) against the swept parameter\n"
        "  dh-cost           Diffie-Hellman cost per group: model vs measured (us)\n"
        "\n"
        "  --out DIR       where figures go (default: DB's folder/plots)\n"
        "  --scenario NAME only this scenario (default: every scenario in DB)\n"
        "  --x PATH        the parameter on the x axis (default: the numeric swept\n"
        "                  parameter with the most values); the others make the series\n"
        "  --scripts DIR   folder of the plot-KIND.gp scripts (default: $ISAKMP_SCRIPTS,\n"
        "                  else scripts/ of the source tree this binary was built in,\n"
        "                  else ./scripts)\n"
        "Needs gnuplot (pngcairo and svg terminals).  Exit status: 0 every figure\n"
        "drawn, 1 something failed, 2 usage.\n");
}

static bool is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Where the .gp scripts are: see usage. */
static bool find_scripts(const char *given, char *out, size_t cap)
{
    if (given) {
        snprintf(out, cap, "%s", given);
        return is_dir(out);
    }
    const char *env = getenv("ISAKMP_SCRIPTS");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return is_dir(out);
    }
    char *self = sweep_self_exe();
    if (self) {
        /* BUILD/bin/isakmp and build/NAME/bin/isakmp in the source tree */
        static const char *const up[] = { "../../scripts", "../../../scripts", "../share/isakmp/scripts" };
        char *d = dirname(self);
        for (size_t i = 0; i < 3; i++) {
            char p[PATH_MAX];
            if (sweep_path(p, sizeof p, d, up[i]) && is_dir(p) && realpath(p, out)) {
                char probe[PATH_MAX];
                if (sweep_path(probe, sizeof probe, out, "plot-success-vs-param.gp") &&
                    access(probe, R_OK) == 0) {
                    free(self);
                    return true;
                }
            }
        }
        free(self);
    }
    snprintf(out, cap, "scripts");
    return is_dir(out);
}

/* A gnuplot string literal: single quotes, ' doubled. */
static void gp_str(char *dst, size_t cap, const char *name, const char *value)
{
    size_t n = (size_t)snprintf(dst, cap, "%s='", name);
    for (const char *c = value; *c && n + 3 < cap; c++) {
        if (*c == '\'')
            dst[n++] = '\'';
        dst[n++] = *c;
    }
    if (n + 3 <= cap) {
        dst[n++] = '\'';
        dst[n++] = ';';
    }
    dst[n < cap ? n : cap - 1] = '\0';
}

static int gnuplot(const char *script, const char *vars, const char *log)
{
    pid_t pid = fork();
    if (pid == 0) {
        FILE *l = freopen(log, "w", stderr);
        (void)l;
        execlp("gnuplot", "gnuplot", "-e", vars, script, (char *)NULL);
        fprintf(stderr, "cannot run gnuplot: %s\n", strerror(errno));
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Units of a swept parameter, for the x axis label. */
static const char *x_unit(const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && !strcmp(path + n - 4, "rate"))
        return strncmp(path, "attack.", 7) == 0 ? " (messages/s)" : " (bit/s)";
    if (n >= 5 && !strcmp(path + n - 5, "cores"))
        return " (cores)";
    if (strstr(path, "half_open"))
        return " (SAs)";
    /* a number for a duration setting is seconds (scenarios/FORMAT.md) */
    static const char *const durations[] = { "delay", "interval", "jitter", "duration", "start",
                                             "stop", "period" };
    for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
        size_t m = strlen(durations[i]);
        if (n >= m && !strcmp(path + n - m, durations[i]))
            return " (s)";
    }
    return "";
}

static int one_figure(sqlite3 *db, const struct kind *k, const struct plot_info *info,
                      const char *x, const char *out, const char *scripts, bool quiet_missing)
{
    char base[PATH_MAX], data[PATH_MAX + 8], script[PATH_MAX], log[PATH_MAX + 8], err[1024];
    char stem[300], x_used[256] = "";
    snprintf(stem, sizeof stem, "%s-%s", info->scenario, k->name);
    for (char *c = stem; *c; c++)
        if (*c == '/' || *c == ' ')
            *c = '_';
    if (!sweep_path(base, sizeof base, out, stem)) {
        fprintf(stderr, "isakmp plot: %s: path too long\n", out);
        return CLI_FAILED;
    }
    snprintf(data, sizeof data, "%s.dat", base);
    snprintf(log, sizeof log, "%s.log", base);
    snprintf(stem, sizeof stem, "plot-%s.gp", k->name);
    sweep_path(script, sizeof script, scripts, stem);
    int series = 0;
    bool categorical = false, ok;
    if (k->metric)
        ok = plot_write_metric(db, info->scenario, k->metric, k->scale, x, data, x_used,
                               sizeof x_used, &series, &categorical, err, sizeof err);
    else
        ok = plot_write_dh(db, info->scenario, data, &series, err, sizeof err);
    if (!ok) {
        unlink(data);
        if (quiet_missing)
            return CLI_OK;   /* not every database has every figure */
        fprintf(stderr, "isakmp plot: %s: %s\n", k->name, err);
        return CLI_FAILED;
    }
    char caption[600], reps[64], xlabel[300];
    if (info->min_n == info->max_n)
        snprintf(reps, sizeof reps, "%lld", info->min_n);
    else
        snprintf(reps, sizeof reps, "%lld-%lld", info->min_n, info->max_n);
    snprintf(caption, sizeof caption,
             "scenario %s, seed %s, engine %s; %lld runs, %s replications per point; "
             "error bars: 95%% CI (Student t)",
             info->scenario, info->seeds, info->engine, info->runs, reps);
    snprintf(xlabel, sizeof xlabel, "%s%s", x_used, categorical ? "" : x_unit(x_used));
    char vars[4096], v[1200];
    vars[0] = '\0';
    gp_str(v, sizeof v, "datafile", data);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    gp_str(v, sizeof v, "outbase", base);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    gp_str(v, sizeof v, "caption", caption);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    gp_str(v, sizeof v, "xlab", xlabel);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    gp_str(v, sizeof v, "ylab", k->ylabel);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    gp_str(v, sizeof v, "scriptdir", scripts);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    char title[600];
    if (k->metric)
        snprintf(title, sizeof title, "%s: %s against %s", info->scenario, k->ylabel, x_used);
    else
        snprintf(title, sizeof title, "%s: Diffie-Hellman cost per group, model and measured",
                 info->scenario);
    gp_str(v, sizeof v, "plottitle", title);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    snprintf(v, sizeof v, "nseries=%d; categorical=%d;", series, categorical ? 1 : 0);
    strncat(vars, v, sizeof vars - strlen(vars) - 1);
    int rc = gnuplot(script, vars, log);
    if (rc != 0) {
        fprintf(stderr, "isakmp plot: gnuplot %s failed (status %d); see %s\n", script, rc, log);
        return CLI_FAILED;
    }
    unlink(log);
    printf("%s.png\n%s.svg\n", base, base);
    return CLI_OK;
}

static int plot_main(int argc, char **argv)
{
    const char *dbp = NULL, *out = NULL, *kind = NULL, *scenario = NULL, *x = NULL, *scripts = NULL;
    for (int i = 1; i < argc; i++) {
        const char **opt = !strcmp(argv[i], "--out") ? &out : !strcmp(argv[i], "--kind") ? &kind
                         : !strcmp(argv[i], "--scenario") ? &scenario : !strcmp(argv[i], "--x") ? &x
                         : !strcmp(argv[i], "--scripts") ? &scripts : NULL;
        if (opt) {
            if (i + 1 >= argc)
                return cli_usage_error(SUB, "%s needs a value", argv[i]);
            *opt = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(SUB, "unknown option %s", argv[i]);
        } else if (!dbp) {
            dbp = argv[i];
        } else {
            return cli_usage_error(SUB, "one database only");
        }
    }
    if (!dbp)
        return cli_usage_error(SUB, "which results database?");
    const struct kind *only = NULL;
    if (kind) {
        for (size_t i = 0; i < N_KINDS; i++)
            if (!strcmp(kind, kinds[i].name))
                only = &kinds[i];
        if (!only)
            return cli_usage_error(SUB, "--kind %s: expected success-vs-param, latency-vs-param "
                                        "or dh-cost", kind);
    }
    char sdir[PATH_MAX], odir[PATH_MAX];
    if (!find_scripts(scripts, sdir, sizeof sdir)) {
        fprintf(stderr, "isakmp plot: cannot find the plot scripts (give --scripts DIR)\n");
        return CLI_FAILED;
    }
    if (access(dbp, R_OK) != 0) {
        fprintf(stderr, "isakmp plot: %s: %s\n", dbp, strerror(errno));
        return CLI_FAILED;
    }
    if (out) {
        snprintf(odir, sizeof odir, "%s", out);
    } else {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", dbp);
        sweep_path(odir, sizeof odir, dirname(tmp), "plots");
    }
    if (mkdir(odir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "isakmp plot: %s: %s\n", odir, strerror(errno));
        return CLI_FAILED;
    }
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(dbp, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT DISTINCT scenario FROM runs WHERE status = 'completed' "
                               "AND (?1 IS NULL OR scenario = ?1) ORDER BY scenario",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "isakmp plot: %s: %s\n", dbp, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return CLI_FAILED;
    }
    if (scenario)
        sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
    int status = CLI_OK, scenarios = 0, before_figs = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct plot_info info;
        if (!plot_info(db, (const char *)sqlite3_column_text(st, 0), &info))
            continue;
        scenarios++;
        for (size_t i = 0; i < N_KINDS; i++) {
            if (only && only != &kinds[i])
                continue;
            if (one_figure(db, &kinds[i], &info, x, odir, sdir, !only) != CLI_OK)
                status = CLI_FAILED;
            else
                before_figs++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (scenarios == 0) {
        fprintf(stderr, "isakmp plot: %s: no completed run%s%s\n", dbp,
                scenario ? " of scenario " : "", scenario ? scenario : "");
        return CLI_FAILED;
    }
    return status;
}

const struct cli_command cli_cmd_plot = {
    .name = "plot",
    .summary = "draw figures (PNG, SVG) of a results database with gnuplot",
    .main = plot_main,
    .usage = usage,
};
