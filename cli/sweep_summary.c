/* isakmp sweep --summary (see sweep_summary.h). */
#include "sweep_summary.h"

#include "cli.h"

#include <sqlite3.h>
#include <string.h>

static void cell(FILE *out, sqlite3_stmt *st, int col, bool csv, int width)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        fprintf(out, csv ? "" : " %*s", width, "-");
        return;
    }
    double v = sqlite3_column_double(st, col);
    if (csv)
        fprintf(out, "%.17g", v);
    else
        fprintf(out, " %*.6g", width, v);
}

static void csv_text(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int sweep_summary_print(FILE *out, const char *path, const char *metric, bool csv)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
            "SELECT scenario, parameters, metric, n, mean, stddev, ci95_low, ci95_high, median, p95 "
            "FROM point_summary WHERE ?1 IS NULL OR metric = ?1 "
            "ORDER BY scenario, (SELECT MIN(point) FROM runs r WHERE r.scenario = point_summary.scenario "
            "AND r.parameters = point_summary.parameters), parameters, metric",
            -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "isakmp sweep: %s: %s\n", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return CLI_FAILED;
    }
    if (metric)
        sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    if (csv)
        fprintf(out, "scenario,parameters,metric,n,mean,stddev,ci95_low,ci95_high,median,p95\n");
    const char *last_scn = "", *last_par = "";
    char scn_buf[256] = "", par_buf[1024] = "";
    int rows = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *scn = (const char *)sqlite3_column_text(st, 0);
        const char *par = (const char *)sqlite3_column_text(st, 1);
        const char *m = (const char *)sqlite3_column_text(st, 2);
        scn = scn ? scn : "";
        par = par ? par : "";
        m = m ? m : "";
        if (csv) {
            csv_text(out, scn);
            fputc(',', out);
            csv_text(out, par);
            fprintf(out, ",%s,%d", m, sqlite3_column_int(st, 3));
            for (int c = 4; c <= 9; c++) {
                fputc(',', out);
                cell(out, st, c, true, 0);
            }
            fputc('\n', out);
        } else {
            if (strcmp(scn, last_scn) || strcmp(par, last_par)) {
                fprintf(out, "%s%s  %s\n", rows ? "\n" : "", scn, par);
                fprintf(out, "  %-26s %4s %12s %12s %12s %12s %12s %12s\n", "metric", "n", "mean",
                        "stddev", "ci95_low", "ci95_high", "median", "p95");
                snprintf(scn_buf, sizeof scn_buf, "%s", scn);
                snprintf(par_buf, sizeof par_buf, "%s", par);
                last_scn = scn_buf;
                last_par = par_buf;
            }
            fprintf(out, "  %-26s %4d", m, sqlite3_column_int(st, 3));
            for (int c = 4; c <= 9; c++)
                cell(out, st, c, false, 12);
            fputc('\n', out);
        }
        rows++;
    }
    int status = CLI_OK;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "isakmp sweep: %s: %s\n", path, sqlite3_errmsg(db));
        status = CLI_FAILED;
    } else if (rows == 0) {
        fprintf(stderr, "isakmp sweep: %s: no completed runs%s%s\n", path,
                metric ? " with metric " : "", metric ? metric : "");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return status;
}
