/* isakmp sweep: merging per-run databases (see sweep_merge.h). */
#include "sweep_merge.h"

#include "recorder.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sweep_plan.h"

#define PRESENT_SQL                                                                      \
    "SELECT 1 FROM main.runs WHERE scenario = ?1 AND replication = ?3 "                  \
    "AND status IN ('completed', 'failed') "                                             \
    "AND (CASE WHEN json_valid(parameters) THEN json(parameters) ELSE parameters END) =" \
    "    (CASE WHEN json_valid(?2) THEN json(?2) ELSE ?2 END) LIMIT 1"

sqlite3 *sweep_results_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 30000) != SQLITE_OK ||
        /* NORMAL: a power cut may undo the last merges, never corrupt;
         * their per-run files are still there and the next start merges
         * them again */
        sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL, NULL,
                     &msg) != SQLITE_OK ||
        sqlite3_exec(db, isakmp_results_schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static bool exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return false;
}

bool sweep_run_present(sqlite3 *dst, const char *scenario, const char *params_json, uint32_t rep)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(dst, PRESENT_SQL, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, params_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, rep);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

/* Append `"name"` (quotes doubled) to a bounded buffer; false when full. */
static bool put_ident(char *buf, size_t cap, size_t *len, const char *prefix, const char *name)
{
    size_t need = strlen(prefix) + 2 * strlen(name) + 2;
    if (*len + need + 1 > cap)
        return false;
    *len += (size_t)sprintf(buf + *len, "%s\"", prefix);
    for (const char *s = name; *s; s++) {
        if (*s == '"')
            buf[(*len)++] = '"';
        buf[(*len)++] = *s;
    }
    buf[(*len)++] = '"';
    buf[*len] = '\0';
    return true;
}

/* The columns `table` has in both main and src, except run_id (and,
 * for runs, except run_id too: the destination assigns a new one),
 * as a comma-separated list of quoted names.  "" when none. */
static bool common_columns(sqlite3 *db, const char *table, char *cols, size_t cap)
{
    sqlite3_stmt *st = NULL;
    size_t len = 0;
    cols[0] = '\0';
    bool ok = sqlite3_prepare_v2(db,
        "SELECT m.name FROM pragma_table_info(?1, 'main') m "
        "JOIN pragma_table_info(?1, 'src') s USING (name) WHERE m.name <> 'run_id' ORDER BY m.cid",
        -1, &st, NULL) == SQLITE_OK;
    if (ok)
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (ok && sqlite3_step(st) == SQLITE_ROW)
        ok = put_ident(cols, cap, &len, len ? ", " : "", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return ok;
}

/* Copy one finished source run; called inside the transaction. */
static bool copy_run(sqlite3 *dst, sqlite3_int64 old_id, long long point, long long rep,
                     char *err, size_t errlen)
{
    static char cols[8192], sql[20000];
    if (!common_columns(dst, "runs", cols, sizeof cols) || !cols[0]) {
        snprintf(err, errlen, "runs: no common columns");
        return false;
    }
    snprintf(sql, sizeof sql, "INSERT INTO main.runs (%s) SELECT %s FROM src.runs WHERE run_id = %lld",
             cols, cols, (long long)old_id);
    if (!exec(dst, sql, err, errlen))
        return false;
    sqlite3_int64 new_id = sqlite3_last_insert_rowid(dst);
    if (point >= 0 || rep >= 0) {
        snprintf(sql, sizeof sql,
                 "UPDATE main.runs SET point = CASE WHEN %lld >= 0 THEN %lld ELSE point END, "
                 "replication = CASE WHEN %lld >= 0 THEN %lld ELSE replication END WHERE run_id = %lld",
                 point, point, rep, rep, (long long)new_id);
        if (!exec(dst, sql, err, errlen))
            return false;
    }
    /* every other table keyed by run_id that both sides have */
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(dst,
        "SELECT m.name FROM main.sqlite_master m WHERE m.type = 'table' AND m.name <> 'runs' "
        "AND EXISTS (SELECT 1 FROM pragma_table_info(m.name, 'main') WHERE name = 'run_id') "
        "AND EXISTS (SELECT 1 FROM src.sqlite_master s WHERE s.type = 'table' AND s.name = m.name) "
        "ORDER BY m.rowid", -1, &st, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t len = 0;
        char qt[300];
        if (!put_ident(qt, sizeof qt, &len, "", t) || !common_columns(dst, t, cols, sizeof cols)) {
            snprintf(err, errlen, "%s: names too long", t);
            ok = false;
            break;
        }
        snprintf(sql, sizeof sql,
                 "INSERT INTO main.%s (run_id%s%s) SELECT %lld%s%s FROM src.%s WHERE run_id = %lld",
                 qt, cols[0] ? ", " : "", cols, (long long)new_id, cols[0] ? ", " : "", cols, qt,
                 (long long)old_id);
        ok = exec(dst, sql, err, errlen);
    }
    if (!st)
        snprintf(err, errlen, "%s", sqlite3_errmsg(dst));
    sqlite3_finalize(st);
    return ok;
}

bool sweep_merge_file(sqlite3 *dst, const char *src, long long point, long long rep,
                      struct sweep_merge_count *count, char *err, size_t errlen)
{
    count->files++;
    sqlite3_stmt *at = NULL, *runs = NULL;
    bool ok = sqlite3_prepare_v2(dst, "ATTACH DATABASE ?1 AS src", -1, &at, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(at, 1, src, -1, SQLITE_STATIC);
        ok = sqlite3_step(at) == SQLITE_DONE;
    }
    sqlite3_finalize(at);
    if (!ok) {   /* not a database, unreadable: this file only */
        fprintf(stderr, "isakmp sweep: %s: %s; skipped\n", src, sqlite3_errmsg(dst));
        count->bad++;
        return true;
    }
    bool dst_ok = true;
    if (sqlite3_prepare_v2(dst,
            "SELECT run_id, scenario, parameters, replication, status FROM src.runs ORDER BY run_id",
            -1, &runs, NULL) != SQLITE_OK) {
        count->bad++;   /* not a results database (or damaged): left alone */
        fprintf(stderr, "isakmp sweep: %s: not a results database (%s); skipped\n", src,
                sqlite3_errmsg(dst));
    }
    int rc;
    while (runs && (rc = sqlite3_step(runs)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(runs, 0);
        const char *scn = (const char *)sqlite3_column_text(runs, 1);
        const char *par = (const char *)sqlite3_column_text(runs, 2);
        long long r = rep >= 0 ? rep : sqlite3_column_int64(runs, 3);
        const char *status = (const char *)sqlite3_column_text(runs, 4);
        if (!status || (strcmp(status, "completed") && strcmp(status, "failed"))) {
            count->unfinished++;
            continue;
        }
        if (!exec(dst, "BEGIN IMMEDIATE", err, errlen)) {
            dst_ok = false;
            break;
        }
        if (sweep_run_present(dst, scn ? scn : "", par ? par : "{}", (uint32_t)r)) {
            count->present++;
            dst_ok = exec(dst, "COMMIT", err, errlen);
        } else if (copy_run(dst, id, point, rep, err, errlen) && exec(dst, "COMMIT", err, errlen)) {
            count->merged++;
        } else {
            char keep[512];
            snprintf(keep, sizeof keep, "%s", err);
            exec(dst, "ROLLBACK", err, errlen);
            snprintf(err, errlen, "%s: %s", src, keep);
            dst_ok = false;
        }
        if (!dst_ok)
            break;
    }
    sqlite3_finalize(runs);
    char detach_err[256];
    exec(dst, "DETACH DATABASE src", detach_err, sizeof detach_err);
    return dst_ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool sweep_merge_dir(sqlite3 *dst, const char *dir, struct sweep_merge_count *count,
                     char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the folder", dir);
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 4 || strcmp(e->d_name + len - 3, ".db"))
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            ok = nn != NULL;
            if (nn)
                names = nn;
        }
        if (ok)
            ok = (names[n++] = strdup(e->d_name)) != NULL;
    }
    closedir(d);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    if (n)
        qsort(names, n, sizeof *names, by_name);
    /* the destination may live in the same folder: never merge it into itself */
    struct stat self = { 0 };
    const char *dst_file = sqlite3_db_filename(dst, "main");
    bool have_self = dst_file && *dst_file && stat(dst_file, &self) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        char path[PATH_MAX];
        long long point = -1, rep = -1;
        struct stat sb;
        if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path)
            continue;
        if (have_self && stat(path, &sb) == 0 && sb.st_dev == self.st_dev && sb.st_ino == self.st_ino)
            continue;
        if (!sweep_parse_name(names[i], &point, &rep))
            point = rep = -1;
        ok = sweep_merge_file(dst, path, point, rep, count, err, errlen);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ok;
}

bool sweep_file_finished(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE status IN ('completed', 'failed') LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK)
        found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return found;
}
