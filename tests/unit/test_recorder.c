/* The recorder and the results schema: the compiled-in schema is the .sql
 * file; it loads (twice); a run's rows appear all at once or not at all
 * (a crash - real, in a child process - leaves a 'running' row that the
 * stale check turns into 'crashed'); the views compute what an independent
 * computation here gives; identical runs give identical rows apart from
 * wall_* columns; 10 000 exchanges are recorded quickly. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "recorder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char db_path[128];
static char dir[64];

/* Remove the temporary folder and the databases in it. */
static void remove_tmp(void)
{
    DIR *d = dir[0] ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[400];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void fresh_db(const char *name)
{
    if (!dir[0]) {
        strcpy(dir, "/tmp/test_recorder.XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    snprintf(db_path, sizeof db_path, "%s/%s.db", dir, name);
    char extra[160];
    unlink(db_path);
    snprintf(extra, sizeof extra, "%s-wal", db_path);
    unlink(extra);
    snprintf(extra, sizeof extra, "%s-shm", db_path);
    unlink(extra);
}

static double query_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        printf("# %s: %s\n", sql, sqlite3_errmsg(db));
        return v;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static long long query_int(sqlite3 *db, const char *sql)
{
    double v = query_double(db, sql);
    return isnan(v) ? -1 : (long long)v;
}

static const char *query_text(sqlite3 *db, const char *sql)
{
    static char buf[512];
    sqlite3_stmt *st;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return "(error)";
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static struct isakmp_rec_run_info info(const struct isakmp_rec_param *p, size_t n)
{
    struct isakmp_rec_run_info i = {
        .scenario = "unit", .scenario_file = "scenarios/unit.cfg", .params = p, .n_params = n,
        .point = 0, .replication = 0, .seed = 1, .run_number = 1, .duration_ns = 10000000000ull,
        .engine_version = "test", .ns3_version = "3.37",
    };
    return i;
}

/* A small run: 2 nodes, 3 exchanges, DH ops, samples, an attack, a trace. */
static bool add_rows(struct isakmp_recorder *r, uint64_t latency_scale)
{
    struct isakmp_rec_node a = { "a", 0, "initiator", "10.0.0.1", 1, "p" };
    struct isakmp_rec_node b = { "b", 1, "responder", "10.0.0.2", 2, "p" };
    bool ok = isakmp_rec_add_node(r, &a) && isakmp_rec_add_node(r, &b);
    for (int i = 0; i < 3 && ok; i++) {
        struct isakmp_rec_exchange x = {
            .initiator = "a", .responder = "b", .phase = 1, .mode = "main", .auth = "psk",
            .dh_group = 14, .start_ns = 1000000ull * (uint64_t)i, .ended = true,
            .end_ns = 1000000ull * (uint64_t)i + latency_scale * (uint64_t)(i + 1),
            .outcome = i == 2 ? "timeout" : "completed", .failure_reason = i == 2 ? "timeout" : NULL,
            .messages = 6, .bytes = 900, .retransmissions = (uint64_t)i,
        };
        ok = isakmp_rec_add_exchange(r, &x, NULL);
    }
    struct isakmp_rec_crypto_op op = { "b", 5, "dh-generate", 14, 2047, 2300000, 2200000, "full" };
    ok = ok && isakmp_rec_add_crypto_op(r, &op);
    struct isakmp_rec_sample s = { "b", 100000000, 0.25, 3, 1, 2, 4096 };
    ok = ok && isakmp_rec_add_sample(r, &s);
    struct isakmp_rec_attack at = { "flood", "m", "spoofed-flood", 100, 90, 10 };
    ok = ok && isakmp_rec_add_attack(r, &at);
    struct isakmp_rec_message m = { 7, "a", true, 2, 1, 1, 120, false, NULL };
    ok = ok && isakmp_rec_add_message(r, &m);
    return ok;
}

static void schema_file_matches_compiled_copy(void)
{
    size_t n = 0;
    uint8_t *sql = read_file("sim/results_schema.sql", &n);
    REQUIRE(sql != NULL);
    CHECK_MSG(n == strlen(isakmp_results_schema_sql) &&
              memcmp(sql, isakmp_results_schema_sql, n) == 0,
              "sim/results_schema.c is out of date: regenerate it (command at its top)");
    free(sql);
}

static void schema_loads(void)
{
    char err[256];
    fresh_db("schema");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    REQUIRE(r != NULL);
    sqlite3 *db = isakmp_rec_db(r);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                            "('runs','parameters','nodes','exchanges','crypto_ops','samples',"
                            "'attack_traffic','messages','student_t95')"), 9);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'view'"), 7);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM student_t95"), 34);
    CHECK_STR(query_text(db, "PRAGMA journal_mode"), "wal");
    isakmp_rec_close(r);
    r = isakmp_rec_open(db_path, err, sizeof err);   /* again: idempotent */
    CHECK_MSG(r != NULL, "%s", err);
    if (r)
        CHECK_INT(query_int(isakmp_rec_db(r), "SELECT COUNT(*) FROM student_t95"), 34);
    isakmp_rec_close(r);
}

/* Student t quantile t(0.975, df), by numerical integration of the density
 * (Simpson) and bisection: independent of any table. */
static double t_cdf_half(double x, double df)
{
    double c = exp(lgamma((df + 1) / 2) - lgamma(df / 2)) / sqrt(df * M_PI);
    int n = 4000;
    double h = x / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double t = i * h;
        double f = c * pow(1 + t * t / df, -(df + 1) / 2);
        s += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
    }
    return s * h / 3;   /* P(0 < T < x) */
}

static double t975(double df)
{
    double lo = 0, hi = 20;
    for (int i = 0; i < 60; i++) {
        double mid = (lo + hi) / 2;
        if (t_cdf_half(mid, df) < 0.475)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

static void student_table_is_right(void)
{
    char err[256];
    fresh_db("t");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    sqlite3_stmt *st;
    REQUIRE(sqlite3_prepare_v2(isakmp_rec_db(r), "SELECT df, t FROM student_t95 ORDER BY df", -1,
                               &st, NULL) == SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int df = sqlite3_column_int(st, 0);
        double t = sqlite3_column_double(st, 1);
        double want = df >= 1000000 ? 1.959964 : t975(df);
        CHECK_MSG(fabs(t - want) < 2e-4 * want, "df %d: table %f, computed %f", df, t, want);
        rows++;
    }
    sqlite3_finalize(st);
    CHECK_INT(rows, 34);
    isakmp_rec_close(r);
}

/* ---- atomicity ----------------------------------------------------------------- */

static void close_without_end_leaves_no_rows(void)
{
    char err[256];
    fresh_db("abandon");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    struct isakmp_rec_param p[] = { { "attack.flood.rate", "500" } };
    struct isakmp_rec_run_info i = info(p, 1);
    int64_t id = 0;
    REQUIRE(isakmp_rec_begin_run(r, &i, &id));
    CHECK(add_rows(r, 1000));
    CHECK(!isakmp_rec_mark_stale(r, true, NULL));   /* refused while a run is open */
    isakmp_rec_close(r);                            /* no end_run */

    r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    sqlite3 *db = isakmp_rec_db(r);
    CHECK_STR(query_text(db, "SELECT status FROM runs"), "running");
    CHECK_STR(query_text(db, "SELECT parameters FROM runs"), "{\"attack.flood.rate\": 500}");
    static const char *const tables[] = { "nodes", "exchanges", "crypto_ops", "samples",
                                          "attack_traffic", "messages" };
    for (size_t k = 0; k < 6; k++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[k]);
        CHECK_MSG(query_int(db, sql) == 0, "%s has rows of an unfinished run", tables[k]);
    }
    int marked = -1;
    CHECK(isakmp_rec_mark_stale(r, false, &marked));
    CHECK_INT(marked, 0);            /* its process (this one) is alive */
    CHECK(isakmp_rec_mark_stale(r, true, &marked));
    CHECK_INT(marked, 1);
    CHECK_STR(query_text(db, "SELECT status FROM runs"), "crashed");
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM run_exchange_stats"), 0);
    isakmp_rec_close(r);
}

static void crashed_process_is_detected(void)
{
    char err[256];
    fresh_db("crash");
    fflush(stdout);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
        struct isakmp_rec_run_info i = info(NULL, 0);
        if (!r || !isakmp_rec_begin_run(r, &i, NULL) || !add_rows(r, 1000))
            _exit(2);
        _exit(0);   /* dies mid-run: no end_run, no close */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    sqlite3 *db = isakmp_rec_db(r);
    CHECK_STR(query_text(db, "SELECT status FROM runs"), "running");
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM exchanges"), 0);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM nodes"), 0);
    int marked = -1;
    CHECK(isakmp_rec_mark_stale(r, false, &marked));   /* its pid is gone */
    CHECK_INT(marked, 1);
    CHECK_STR(query_text(db, "SELECT status FROM runs"), "crashed");
    isakmp_rec_close(r);
}

static void completed_run_has_all_rows(void)
{
    char err[256];
    fresh_db("complete");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    struct isakmp_rec_run_info i = info(NULL, 0);
    REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
    CHECK(add_rows(r, 1000));
    CHECK_MSG(isakmp_rec_end_run(r, NULL), "%s", isakmp_rec_error(r));
    sqlite3 *db = isakmp_rec_db(r);
    CHECK_STR(query_text(db, "SELECT status FROM runs"), "completed");
    CHECK(query_text(db, "SELECT wall_end FROM runs")[0] != '\0');
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM exchanges"), 3);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM nodes"), 2);
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM messages WHERE direction = 'out'"), 1);
    CHECK_INT(query_int(db, "SELECT dropped FROM attack_traffic"), 10);
    CHECK_STR(query_text(db, "SELECT exp_policy || ' ' || bits FROM crypto_ops"), "full 2047");
    /* a failed run keeps its rows and says why */
    struct isakmp_rec_run_info j = info(NULL, 0);
    REQUIRE(isakmp_rec_begin_run(r, &j, NULL));
    CHECK(add_rows(r, 1000));
    CHECK(isakmp_rec_end_run(r, "engine refused the policy"));
    CHECK_STR(query_text(db, "SELECT status || ': ' || error FROM runs WHERE run_id = 2"),
              "failed: engine refused the policy");
    CHECK_INT(query_int(db, "SELECT COUNT(*) FROM exchanges WHERE run_id = 2"), 3);
    /* misuse is refused */
    struct isakmp_rec_node n = { "x", 9, "initiator", "10.0.0.9", 1, NULL };
    CHECK(!isakmp_rec_add_node(r, &n));
    CHECK(!isakmp_rec_end_run(r, NULL));
    isakmp_rec_close(r);
}

/* ---- views -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of v[0..n) (sorted here). */
static double quantile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    return i + 1 < n ? v[i] + (h - (double)i) * (v[i + 1] - v[i]) : v[i];
}

static void views_compute_statistics(void)
{
    char err[256];
    fresh_db("views");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    sqlite3 *db = isakmp_rec_db(r);
    /* 5 replications of one point; run k has 4 + k phase-1 exchanges with
     * hand-picked latencies, the last of each failing */
    enum { RUNS = 5 };
    struct isakmp_rec_param p[] = { { "attack.flood.rate", "500" }, { "mode", "\"main\"" } };
    double success[RUNS], median[RUNS], p95[RUNS];
    for (int k = 0; k < RUNS; k++) {
        struct isakmp_rec_run_info i = info(p, 2);
        i.replication = (uint32_t)k;
        i.run_number = (uint64_t)k + 1;
        REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
        int n = 4 + k;
        double lat[16];
        int done = 0;
        for (int x = 0; x < n; x++) {
            uint64_t l = 1000000ull * (uint64_t)((x * 7 + k * 3) % 11 + 1);
            bool ok = x != n - 1;
            struct isakmp_rec_exchange e = { .initiator = "a", .responder = "b", .phase = 1,
                .mode = "main", .auth = "psk", .dh_group = 14, .start_ns = 10, .ended = true,
                .end_ns = 10 + l, .outcome = ok ? "completed" : "failed",
                .failure_reason = ok ? NULL : "no-proposal-chosen", .notify = ok ? 0 : 14 };
            CHECK(isakmp_rec_add_exchange(r, &e, NULL));
            if (ok)
                lat[done++] = (double)l;
        }
        /* quick modes must not count in phase 1 */
        struct isakmp_rec_exchange q = { .initiator = "a", .responder = "b", .phase = 2,
            .mode = "quick", .start_ns = 0, .ended = false, .outcome = "unfinished" };
        CHECK(isakmp_rec_add_exchange(r, &q, NULL));
        for (int o = 0; o < 2; o++) {
            struct isakmp_rec_crypto_op op = { "b", 1, o ? "dh-compute" : "dh-generate", 14, 256,
                                               (uint64_t)(300000 + 1000 * k), 250000 + 2000 * k, "full" };
            CHECK(isakmp_rec_add_crypto_op(r, &op));
        }
        CHECK(isakmp_rec_end_run(r, NULL));
        success[k] = (double)done / n;
        median[k] = quantile(lat, (size_t)done, 0.5);
        p95[k] = quantile(lat, (size_t)done, 0.95);
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT success_rate FROM run_exchange_stats WHERE run_id = %d AND phase = 1", k + 1);
        CHECK(fabs(query_double(db, sql) - success[k]) < 1e-12);
        snprintf(sql, sizeof sql, "SELECT latency_median_ns FROM run_exchange_stats WHERE run_id = %d AND phase = 1", k + 1);
        CHECK_MSG(fabs(query_double(db, sql) - median[k]) < 1e-6, "run %d median %f want %f", k + 1,
                  query_double(db, sql), median[k]);
        snprintf(sql, sizeof sql, "SELECT latency_p95_ns FROM run_exchange_stats WHERE run_id = %d AND phase = 1", k + 1);
        CHECK_MSG(fabs(query_double(db, sql) - p95[k]) < 1e-6, "run %d p95 %f want %f", k + 1,
                  query_double(db, sql), p95[k]);
    }
    /* a crashed run at the same point must not count */
    struct isakmp_rec_run_info i = info(p, 2);
    REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
    isakmp_rec_close(r);
    r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    db = isakmp_rec_db(r);
    CHECK(isakmp_rec_mark_stale(r, true, NULL));

    /* point_summary over the per-run success rates, computed here */
    double mean = 0, ss = 0;
    for (int k = 0; k < RUNS; k++)
        mean += success[k] / RUNS;
    for (int k = 0; k < RUNS; k++)
        ss += (success[k] - mean) * (success[k] - mean);
    double sd = sqrt(ss / (RUNS - 1));
    double half = t975(RUNS - 1) * sd / sqrt(RUNS);
    double med = quantile(success, RUNS, 0.5), q95 = quantile(success, RUNS, 0.95);
    const char *where = " FROM point_summary WHERE metric = 'success_rate'";
    char sql[160];
#define COL(c) (snprintf(sql, sizeof sql, "SELECT %s%s", c, where), query_double(db, sql))
    CHECK_STR(query_text(db, "SELECT parameters FROM point_summary LIMIT 1"),
              "{\"attack.flood.rate\": 500, \"mode\": \"main\"}");
    CHECK_INT(COL("n"), RUNS);
    CHECK_MSG(fabs(COL("mean") - mean) < 1e-12, "mean %f want %f", COL("mean"), mean);
    CHECK_MSG(fabs(COL("stddev") - sd) < 1e-12, "stddev %f want %f", COL("stddev"), sd);
    CHECK_MSG(fabs(COL("ci95_half") - half) < 1e-4 * half, "ci %f want %f", COL("ci95_half"), half);
    CHECK(fabs(COL("ci95_low") - (mean - half)) < 1e-4);
    CHECK(fabs(COL("ci95_high") - (mean + half)) < 1e-4);
    CHECK_MSG(fabs(COL("median") - med) < 1e-12, "median %f want %f", COL("median"), med);
    CHECK_MSG(fabs(COL("p95") - q95) < 1e-12, "p95 %f want %f", COL("p95"), q95);
    /* the latency medians, one more metric */
    double mm = 0;
    for (int k = 0; k < RUNS; k++)
        mm += median[k] / RUNS;
    CHECK(fabs(query_double(db, "SELECT mean FROM point_summary WHERE metric = 'latency_median_ns'") - mm) < 1e-3);
    /* DH cost per group: means over the 5 completed runs */
    CHECK(fabs(query_double(db, "SELECT mean_virtual_ns FROM dh_cost WHERE dh_group = 14 AND kind = 'dh-compute'") - 302000) < 1e-6);
    CHECK(fabs(query_double(db, "SELECT mean_wall_cpu_ns FROM dh_cost WHERE dh_group = 14 AND kind = 'dh-generate'") - 254000) < 1e-6);
    CHECK_INT(query_int(db, "SELECT operations FROM dh_cost WHERE kind = 'dh-generate'"), RUNS);
#undef COL
    isakmp_rec_close(r);
}

static void single_run_has_no_interval(void)
{
    char err[256];
    fresh_db("single");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    struct isakmp_rec_run_info i = info(NULL, 0);
    REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
    CHECK(add_rows(r, 1000));
    CHECK(isakmp_rec_end_run(r, NULL));
    sqlite3 *db = isakmp_rec_db(r);
    CHECK_INT(query_int(db, "SELECT n FROM point_summary WHERE metric = 'success_rate'"), 1);
    CHECK(isnan(query_double(db, "SELECT stddev FROM point_summary WHERE metric = 'success_rate'")));
    CHECK(isnan(query_double(db, "SELECT ci95_half FROM point_summary WHERE metric = 'success_rate'")));
    CHECK(fabs(query_double(db, "SELECT value FROM run_metrics WHERE metric = 'responder_cpu_busy_mean'") - 0.25) < 1e-12);
    isakmp_rec_close(r);
}

/* ---- determinism ----------------------------------------------------------------- */

/* Rows of `table` for run `id`, all columns but run_id and wall_*, as text. */
static char *table_rows(sqlite3 *db, const char *table, int id)
{
    char sql[1024], cols[768] = "";
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (strcmp(c, "run_id") == 0 || strncmp(c, "wall_", 5) == 0)
            continue;
        snprintf(cols + strlen(cols), sizeof cols - strlen(cols), "%squote(%s)", cols[0] ? "||','||" : "", c);
    }
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql, "SELECT group_concat(r, ';') FROM (SELECT %s AS r FROM %s WHERE run_id = %d ORDER BY 1)",
             cols, table, id);
    const char *t = query_text(db, sql);
    return strdup(t);
}

static bool runs_equal(sqlite3 *db, int a, int b, const char **differs)
{
    static const char *const tables[] = { "runs", "parameters", "nodes", "exchanges", "crypto_ops",
                                          "samples", "attack_traffic", "messages" };
    for (size_t k = 0; k < 8; k++) {
        char *x = table_rows(db, tables[k], a), *y = table_rows(db, tables[k], b);
        bool same = x && y && strcmp(x, y) == 0 && (k == 0 || x[0]);
        free(x);
        free(y);
        if (!same) {
            *differs = tables[k];
            return false;
        }
    }
    return true;
}

static void identical_runs_identical_rows(void)
{
    char err[256];
    fresh_db("determinism");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    struct isakmp_rec_param p[] = { { "nodes.gw.defence.cookies", "true" } };
    for (int k = 0; k < 3; k++) {
        struct isakmp_rec_run_info i = info(p, 1);
        REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
        CHECK(add_rows(r, k == 2 ? 1001 : 1000));   /* run 3 differs by 1 ns */
        CHECK(isakmp_rec_end_run(r, NULL));
        if (k == 0) {
            struct timespec ts = { 0, 5000000 };   /* so wall clocks differ */
            nanosleep(&ts, NULL);
        }
    }
    sqlite3 *db = isakmp_rec_db(r);
    const char *differs = NULL;
    CHECK_MSG(runs_equal(db, 1, 2, &differs), "runs 1 and 2 differ in %s", differs);
    CHECK(!runs_equal(db, 1, 3, &differs) && strcmp(differs, "exchanges") == 0);   /* the check can fail */
    char *w1 = strdup(query_text(db, "SELECT wall_start FROM runs WHERE run_id = 1"));
    CHECK_MSG(w1 && strcmp(w1, query_text(db, "SELECT wall_start FROM runs WHERE run_id = 2")) != 0,
              "wall clocks should differ: the comparison must have left them out");
    free(w1);
    isakmp_rec_close(r);
}

static void ten_thousand_exchanges(void)
{
    char err[256];
    fresh_db("speed");
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    REQUIRE(r != NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct isakmp_rec_run_info i = info(NULL, 0);
    REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
    bool ok = true;
    for (int x = 0; x < 10000 && ok; x++) {
        struct isakmp_rec_exchange e = { .initiator = "a", .responder = "b", .phase = 1,
            .mode = "main", .auth = "psk", .dh_group = 14, .start_ns = (uint64_t)x * 1000,
            .ended = true, .end_ns = (uint64_t)x * 1000 + 5000000, .outcome = "completed",
            .messages = 6, .bytes = 1000 };
        ok = isakmp_rec_add_exchange(r, &e, NULL);
        for (int o = 0; o < 4 && ok; o++) {
            struct isakmp_rec_crypto_op op = { "b", (uint64_t)x, "dh-compute", 14, 2047, 2300000, -1, "full" };
            ok = isakmp_rec_add_crypto_op(r, &op);
        }
    }
    CHECK(ok);
    CHECK(isakmp_rec_end_run(r, NULL));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("# 10000 exchanges + 40000 crypto ops recorded in %.3f s\n", s);
    CHECK_INT(query_int(isakmp_rec_db(r), "SELECT COUNT(*) FROM crypto_ops"), 40000);
    CHECK_INT(query_int(isakmp_rec_db(r), "SELECT completed FROM run_exchange_stats"), 10000);
    CHECK_MSG(s < 20, "took %.1f s", s);
    isakmp_rec_close(r);
}

/* A database made before crypto_ops.exp_policy existed gets the column
 * when opened, and new rows fill it. */
static void old_database_upgraded(void)
{
    char err[256];
    fresh_db("old");
    sqlite3 *old = NULL;
    REQUIRE(sqlite3_open(db_path, &old) == SQLITE_OK);
    REQUIRE(sqlite3_exec(old, "CREATE TABLE crypto_ops (run_id INTEGER NOT NULL, op_id INTEGER NOT "
                         "NULL, node TEXT NOT NULL, t_ns INTEGER NOT NULL, kind TEXT NOT NULL, "
                         "dh_group INTEGER, bits INTEGER, virtual_ns INTEGER NOT NULL, wall_cpu_ns "
                         "INTEGER, PRIMARY KEY (run_id, op_id));", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(old);
    struct isakmp_recorder *r = isakmp_rec_open(db_path, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    REQUIRE(r != NULL);
    struct isakmp_rec_run_info i = info(NULL, 0);
    REQUIRE(isakmp_rec_begin_run(r, &i, NULL));
    struct isakmp_rec_crypto_op op = { "b", 5, "dh-compute", 14, 320, 360000, -1, "short" };
    CHECK(isakmp_rec_add_crypto_op(r, &op));
    CHECK_MSG(isakmp_rec_end_run(r, NULL), "%s", isakmp_rec_error(r));
    CHECK_STR(query_text(isakmp_rec_db(r), "SELECT exp_policy FROM crypto_ops"), "short");
    isakmp_rec_close(r);
}

static void params_json(void)
{
    struct isakmp_rec_param p[] = { { "a", "1.5e3" }, { "b", "\"12\"" }, { "c", "fast" },
                                    { "d", "false" }, { "e\"x", "0x10" }, { "f", "-0.5" } };
    char *j = isakmp_rec_params_json(p, 6);
    CHECK_STR(j, "{\"a\": 1.5e3, \"b\": \"12\", \"c\": \"fast\", \"d\": false, \"e\\\"x\": \"0x10\", \"f\": -0.5}");
    free(j);
    j = isakmp_rec_params_json(NULL, 0);
    CHECK_STR(j, "{}");
    free(j);
}

int main(void)
{
    RUN(schema_file_matches_compiled_copy);
    RUN(schema_loads);
    RUN(student_table_is_right);
    RUN(close_without_end_leaves_no_rows);
    RUN(crashed_process_is_detected);
    RUN(completed_run_has_all_rows);
    RUN(views_compute_statistics);
    RUN(single_run_has_no_interval);
    RUN(identical_runs_identical_rows);
    RUN(ten_thousand_exchanges);
    RUN(params_json);
    RUN(old_database_upgraded);
    remove_tmp();
    return check_summary();
}
