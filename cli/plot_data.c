/* isakmp plot: data files (see plot_data.h). */
#include "plot_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fail(char *err, size_t errlen, sqlite3 *db, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
    return false;
}

static void text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

bool plot_info(sqlite3 *db, const char *scenario, struct plot_info *info)
{
    sqlite3_stmt *st = NULL;
    memset(info, 0, sizeof *info);
    snprintf(info->scenario, sizeof info->scenario, "%s", scenario);
    bool ok = sqlite3_prepare_v2(db,
        "SELECT (SELECT group_concat(s, ',') FROM (SELECT DISTINCT seed AS s FROM runs "
        "         WHERE scenario = ?1 AND status = 'completed' ORDER BY seed)), "
        "       (SELECT group_concat(v, ',') FROM (SELECT DISTINCT engine_version AS v FROM runs "
        "         WHERE scenario = ?1 AND status = 'completed' ORDER BY v)), "
        "       (SELECT COUNT(*) FROM runs WHERE scenario = ?1 AND status = 'completed'), "
        "       (SELECT MIN(c) FROM (SELECT COUNT(*) AS c FROM runs WHERE scenario = ?1 "
        "         AND status = 'completed' GROUP BY parameters)), "
        "       (SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM runs WHERE scenario = ?1 "
        "         AND status = 'completed' GROUP BY parameters))",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
    }
    if (ok) {
        text(info->seeds, sizeof info->seeds, st, 0);
        text(info->engine, sizeof info->engine, st, 1);
        info->runs = sqlite3_column_int64(st, 2);
        info->min_n = sqlite3_column_int64(st, 3);
        info->max_n = sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    return ok;
}

/* The x parameter: the numeric one with the most distinct values, else
 * the one with the most values. */
static bool choose_x(sqlite3 *db, const char *scenario, char *x, size_t cap, bool *numeric)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db,
        "SELECT j.key, SUM(j.type NOT IN ('integer', 'real')) = 0 AS num, COUNT(DISTINCT j.atom) AS nv "
        "FROM runs r, json_each(r.parameters) j WHERE r.scenario = ?1 AND r.status = 'completed' "
        "AND json_valid(r.parameters) GROUP BY j.key ORDER BY num DESC, nv DESC, j.key LIMIT 1",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_ROW;
    }
    if (ok) {
        text(x, cap, st, 0);
        *numeric = sqlite3_column_int(st, 1) != 0;
    }
    sqlite3_finalize(st);
    return ok;
}

static bool x_numeric(sqlite3 *db, const char *scenario, const char *x)
{
    sqlite3_stmt *st = NULL;
    bool num = false;
    if (sqlite3_prepare_v2(db,
            "SELECT COUNT(*) > 0 AND SUM(j.type NOT IN ('integer', 'real')) = 0 "
            "FROM runs r, json_each(r.parameters) j WHERE r.scenario = ?1 AND j.key = ?2 "
            "AND json_valid(r.parameters)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, x, -1, SQLITE_STATIC);
        num = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return num;
}

/* "a.b.cookies=true, x.rate=5" -> "cookies=true, rate=5" (in place). */
static void shorten(char *s)
{
    char out[1024];
    size_t n = 0;
    const char *p = s;
    while (*p && n + 1 < sizeof out) {
        const char *end = strstr(p, ", ");
        const char *eq = strchr(p, '=');
        const char *seg_end = end ? end : p + strlen(p);
        const char *start = p;
        if (eq && eq < seg_end)
            for (const char *q = p; q < eq; q++)
                if (*q == '.')
                    start = q + 1;
        while (start < seg_end && n + 1 < sizeof out)
            out[n++] = *start++;
        if (!end)
            break;
        for (int k = 0; k < 2 && n + 1 < sizeof out; k++)
            out[n++] = end[k];
        p = end + 2;
    }
    out[n] = '\0';
    strcpy(s, out);
}

bool plot_write_metric(sqlite3 *db, const char *scenario, const char *metric, double scale,
                       const char *x, const char *path, char *x_used, size_t x_cap,
                       int *n_series, bool *categorical, char *err, size_t errlen)
{
    bool numeric = false;
    *n_series = 0;
    if (x) {
        snprintf(x_used, x_cap, "%s", x);
        numeric = x_numeric(db, scenario, x);
    } else if (!choose_x(db, scenario, x_used, x_cap, &numeric)) {
        snprintf(err, errlen, "scenario '%s': no swept parameter in its completed runs", scenario);
        return false;
    }
    *categorical = !numeric;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
            "WITH p AS (SELECT ps.*, "
            "  (SELECT CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE j.value END "
            "   FROM json_each(ps.parameters) j WHERE j.key = ?3) AS xv, "
            "  (SELECT j.type FROM json_each(ps.parameters) j WHERE j.key = ?3) AS xt, "
            "  (SELECT group_concat(j.key || '=' || CASE j.type WHEN 'true' THEN 'true' "
            "          WHEN 'false' THEN 'false' ELSE j.value END, ', ') "
            "   FROM json_each(ps.parameters) j WHERE j.key <> ?3) AS series "
            "  FROM point_summary ps WHERE ps.scenario = ?1 AND ps.metric = ?2 "
            "  AND json_valid(ps.parameters)) "
            ", q AS (SELECT p.*, (SELECT MIN(r.point) FROM runs r WHERE r.scenario = ?1 "
            "  AND r.parameters = p.parameters) AS pt FROM p WHERE xv IS NOT NULL) "
            /* series in sweep order (first point), x in value order */
            "SELECT coalesce(series, ''), xv, mean, ci95_low, ci95_high, n, "
            "  MIN(pt) OVER (PARTITION BY series) AS first "
            "FROM q ORDER BY first, series, "
            "  CASE WHEN xt IN ('integer', 'real') THEN CAST(xv AS REAL) END, pt, xv",
            -1, &st, NULL) != SQLITE_OK)
        return fail(err, errlen, db, "point_summary");
    sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x_used, -1, SQLITE_STATIC);
    FILE *f = fopen(path, "w");
    if (!f) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "%s: cannot write", path);
        return false;
    }
    char last[1024] = "\x01";
    int index = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char series[1024], xv[256];
        text(series, sizeof series, st, 0);
        text(xv, sizeof xv, st, 1);
        if (strcmp(series, last)) {
            snprintf(last, sizeof last, "%s", series);
            shorten(series);
            for (char *c = series; *c; c++)
                if (*c == '"')
                    *c = '\'';
            fprintf(f, "%s\"%s\"\n", *n_series ? "\n\n" : "", series[0] ? series : "all runs");
            (*n_series)++;
            index = 0;
        }
        double mean = sqlite3_column_double(st, 2) * scale;
        bool has_ci = sqlite3_column_type(st, 3) != SQLITE_NULL;
        double lo = has_ci ? sqlite3_column_double(st, 3) * scale : mean;
        double hi = has_ci ? sqlite3_column_double(st, 4) * scale : mean;
        for (char *c = xv; *c; c++)   /* one word per label */
            if (*c == ' ' || *c == '"')
                *c = '_';
        if (numeric)
            fprintf(f, "%s %.10g %.10g %.10g %d %s\n", xv, mean, lo, hi, sqlite3_column_int(st, 5), xv);
        else
            fprintf(f, "%d %.10g %.10g %.10g %d %s\n", index, mean, lo, hi, sqlite3_column_int(st, 5),
                    xv[0] ? xv : "-");
        index++;
    }
    bool ok = rc == SQLITE_DONE;
    if (!ok)
        fail(err, errlen, db, "point_summary");
    sqlite3_finalize(st);
    ok = fclose(f) == 0 && ok;
    if (ok && *n_series == 0) {
        snprintf(err, errlen, "scenario '%s': no completed run has metric '%s'", scenario, metric);
        ok = false;
    }
    return ok;
}

bool plot_write_dh(sqlite3 *db, const char *scenario, const char *path, int *n_rows,
                   char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    *n_rows = 0;
    /* per group and kind: the model (virtual) cost and the measured host
     * CPU time, mean and two-pass variance over the operations */
    if (sqlite3_prepare_v2(db,
            "WITH ops AS (SELECT c.dh_group, c.kind, c.virtual_ns, c.wall_cpu_ns FROM crypto_ops c "
            "  JOIN runs r USING (run_id) WHERE r.scenario = ?1 AND r.status = 'completed' "
            "  AND c.kind IN ('dh-generate', 'dh-compute') AND c.dh_group IS NOT NULL), "
            "m AS (SELECT dh_group, kind, AVG(virtual_ns) AS v, AVG(wall_cpu_ns) AS w, "
            "  COUNT(wall_cpu_ns) AS n FROM ops GROUP BY dh_group, kind), "
            "s AS (SELECT m.*, (SELECT SUM((o.wall_cpu_ns - m.w) * (o.wall_cpu_ns - m.w)) FROM ops o "
            "  WHERE o.dh_group = m.dh_group AND o.kind = m.kind AND o.wall_cpu_ns IS NOT NULL) AS ss, "
            "  (SELECT t FROM student_t95 WHERE df <= m.n - 1 ORDER BY df DESC LIMIT 1) AS t FROM m) "
            "SELECT dh_group, kind, v, w, CASE WHEN n > 1 THEN t * sqrt(ss / (n - 1)) / sqrt(n) END "
            "FROM s ORDER BY dh_group, kind DESC",
            -1, &st, NULL) != SQLITE_OK)
        return fail(err, errlen, db, "crypto_ops");
    sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
    FILE *f = fopen(path, "w");
    if (!f) {
        sqlite3_finalize(st);
        snprintf(err, errlen, "%s: cannot write", path);
        return false;
    }
    fprintf(f, "# group gen_model gen_meas gen_lo gen_hi comp_model comp_meas comp_lo comp_hi (us)\n");
    int group = -1, rc;
    double row[8];
    bool have = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int g = sqlite3_column_int(st, 0);
        if (g != group) {
            if (have)
                fprintf(f, "%d %g %g %g %g %g %g %g %g\n", group, row[0], row[1], row[2], row[3],
                        row[4], row[5], row[6], row[7]);
            for (int i = 0; i < 8; i++)
                row[i] = NAN;
            group = g;
            have = true;
            (*n_rows)++;
        }
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        int k = kind && !strcmp(kind, "dh-compute") ? 4 : 0;
        double v = sqlite3_column_double(st, 2) / 1e3;
        bool measured = sqlite3_column_type(st, 3) != SQLITE_NULL;
        double w = measured ? sqlite3_column_double(st, 3) / 1e3 : NAN;
        double h = sqlite3_column_type(st, 4) != SQLITE_NULL ? sqlite3_column_double(st, 4) / 1e3 : 0;
        row[k] = v;
        row[k + 1] = w;
        row[k + 2] = w - h;
        row[k + 3] = w + h;
    }
    if (have)
        fprintf(f, "%d %g %g %g %g %g %g %g %g\n", group, row[0], row[1], row[2], row[3], row[4],
                row[5], row[6], row[7]);
    bool ok = rc == SQLITE_DONE;
    if (!ok)
        fail(err, errlen, db, "crypto_ops");
    sqlite3_finalize(st);
    ok = fclose(f) == 0 && ok;
    if (ok && *n_rows == 0) {
        snprintf(err, errlen, "scenario '%s': no Diffie-Hellman operation recorded", scenario);
        ok = false;
    }
    return ok;
}
