/* The recorder: results of runs into SQLite, one atomic write per run
 * (see recorder.h for the protocol and sim/results_schema.sql for the
 * tables). */
#include "recorder.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Result tables staged per run, in the order they are copied. */
static const char *const staged[] = { "nodes", "exchanges", "crypto_ops", "samples",
                                      "attack_traffic", "messages", "attack_counters",
                                      "run_costs" };
enum { ST_NODE, ST_EXCHANGE, ST_CRYPTO, ST_SAMPLE, ST_ATTACK, ST_MESSAGE, ST_COUNTER, ST_COST,
       ST_COUNT };

static const char *const insert_sql[ST_COUNT] = {
    "INSERT INTO temp.stage_nodes (run_id, name, node_id, role, address, cores, policy) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO temp.stage_exchanges (run_id, exchange_id, initiator, responder, phase, mode, "
    "auth, dh_group, start_ns, end_ns, outcome, failure_reason, notify, messages, bytes, "
    "retransmissions) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    "INSERT INTO temp.stage_crypto_ops (run_id, op_id, node, t_ns, kind, dh_group, bits, "
    "virtual_ns, wall_cpu_ns, exp_policy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "INSERT INTO temp.stage_samples (run_id, node, t_ns, cpu_busy, queue_len, half_open, "
    "established, state_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO temp.stage_attack_traffic (run_id, attack, attacker, kind, sent, delivered, "
    "dropped) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO temp.stage_messages (run_id, msg_id, t_ns, node, direction, exchange_type, "
    "message_no, exchange_id, size, retransmission, dropped_reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO temp.stage_attack_counters (run_id, attack, counter, value) VALUES (?1, ?2, ?3, ?4)",
    "INSERT INTO temp.stage_run_costs (run_id, node, kind, dh_group, bits, virtual_ns, source, "
    "exact, cost_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
};

struct isakmp_recorder {
    sqlite3 *db;
    sqlite3_stmt *ins[ST_COUNT];
    int64_t run_id;              /* 0 = no run open */
    uint64_t next_exchange, next_op, next_msg;
    char host[256];
    char err[512];
};

static bool fail(struct isakmp_recorder *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool fail(struct isakmp_recorder *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(r->err, sizeof r->err, "%s: %s", msg, r->db ? sqlite3_errmsg(r->db) : "");
    return false;
}

static bool exec(struct isakmp_recorder *r, const char *sql)
{
    char *e = NULL;
    if (sqlite3_exec(r->db, sql, NULL, NULL, &e) != SQLITE_OK) {
        snprintf(r->err, sizeof r->err, "%s (in: %.80s)", e ? e : "error", sql);
        sqlite3_free(e);
        return false;
    }
    return true;
}

/* Wall-clock time now, UTC ISO 8601 with milliseconds. */
static void wall_now(char buf[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

const char *isakmp_rec_error(const struct isakmp_recorder *r)
{
    return r ? r->err : "no recorder";
}

sqlite3 *isakmp_rec_db(struct isakmp_recorder *r)
{
    return r->db;
}

/* A database made before a column existed gets it.  ALTER TABLE adds it
 * last, where the schema has it too, so the staging tables (SELECT *)
 * keep the same column order. */
static bool upgrade_schema(struct isakmp_recorder *r)
{
    sqlite3_stmt *st = NULL;
    bool has = sqlite3_prepare_v2(r->db, "SELECT exp_policy FROM crypto_ops LIMIT 0", -1, &st,
                                  NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    return has || exec(r, "ALTER TABLE crypto_ops ADD COLUMN exp_policy TEXT");
}

struct isakmp_recorder *isakmp_rec_open(const char *path, char *err, size_t errlen)
{
    struct isakmp_recorder *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (gethostname(r->host, sizeof r->host - 1) != 0)
        strcpy(r->host, "unknown");
    bool ok = sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK;
    if (!ok)
        fail(r, "cannot open %s", path);
    ok = ok && sqlite3_busy_timeout(r->db, 30000) == SQLITE_OK;
    ok = ok && exec(r, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    ok = ok && exec(r, isakmp_results_schema_sql);
    ok = ok && upgrade_schema(r);
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, r->err);
        isakmp_rec_close(r);
        return NULL;
    }
    return r;
}

static void finalize_staging(struct isakmp_recorder *r)
{
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(r->ins[i]);
        r->ins[i] = NULL;
    }
}

void isakmp_rec_close(struct isakmp_recorder *r)
{
    if (!r)
        return;
    finalize_staging(r);
    if (r->db) {
        if (!sqlite3_get_autocommit(r->db))
            sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(r->db);
    }
    free(r);
}

/* ---- parameters as JSON ---------------------------------------------------- */

struct buf { char *p; size_t len, cap; bool oom; };

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_json_string(struct buf *b, const char *s, size_t n)
{
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\', esc[1] = (char)ch;
            put(b, esc, 2);
        } else if (ch < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            put(b, esc, 6);
        } else {
            put(b, (const char *)&s[i], 1);
        }
    }
    put(b, "\"", 1);
}

/* A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (isdigit((unsigned char)*s))
        while (isdigit((unsigned char)*s))
            s++;
    else
        return false;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* The value as stored in `parameters`: quotes removed. */
static void unquoted(const char *v, const char **p, size_t *n)
{
    size_t len = strlen(v);
    if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
        *p = v + 1, *n = len - 2;
    else
        *p = v, *n = len;
}

char *isakmp_rec_params_json(const struct isakmp_rec_param *params, size_t n)
{
    struct buf b = { 0 };
    put(&b, "{", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(&b, ", ", 2);
        put_json_string(&b, params[i].name, strlen(params[i].name));
        put(&b, ": ", 2);
        const char *v = params[i].value;
        size_t len = strlen(v);
        bool quoted = len >= 2 && v[0] == '"' && v[len - 1] == '"';
        if (!quoted && (json_number(v) || !strcmp(v, "true") || !strcmp(v, "false"))) {
            put(&b, v, len);
        } else {
            const char *p;
            size_t pn;
            unquoted(v, &p, &pn);
            put_json_string(&b, p, pn);
        }
    }
    put(&b, "}", 1);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ---- runs ----------------------------------------------------------------- */

static bool prepare_staging(struct isakmp_recorder *r)
{
    char sql[256];
    for (int i = 0; i < ST_COUNT; i++) {
        /* same columns as the real table, no constraints: copied verbatim */
        snprintf(sql, sizeof sql,
                 "CREATE TEMP TABLE IF NOT EXISTS stage_%s AS SELECT * FROM main.%s WHERE 0;"
                 "DELETE FROM temp.stage_%s;", staged[i], staged[i], staged[i]);
        if (!exec(r, sql))
            return false;
        if (!r->ins[i] &&
            sqlite3_prepare_v3(r->db, insert_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->ins[i], NULL) != SQLITE_OK)
            return fail(r, "preparing the %s insert", staged[i]);
    }
    return true;
}

bool isakmp_rec_begin_run(struct isakmp_recorder *r, const struct isakmp_rec_run_info *info,
                          int64_t *run_id)
{
    if (r->run_id)
        return fail(r, "a run is already open");
    char *json = isakmp_rec_params_json(info->params, info->n_params);
    if (!json)
        return fail(r, "out of memory");
    char now[32];
    wall_now(now);
    sqlite3_stmt *st = NULL;
    bool ok = exec(r, "BEGIN IMMEDIATE");
    ok = ok && sqlite3_prepare_v2(r->db,
        "INSERT INTO runs (scenario, scenario_file, parameters, point, replication, seed, "
        "run_number, duration_ns, engine_version, ns3_version, status, wall_start, wall_host, "
        "wall_pid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'running', ?11, ?12, ?13)",
        -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, info->scenario ? info->scenario : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, info->scenario_file ? info->scenario_file : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, json, -1, SQLITE_TRANSIENT);
        if (info->point >= 0)
            sqlite3_bind_int64(st, 4, info->point);
        sqlite3_bind_int64(st, 5, info->replication);
        sqlite3_bind_int64(st, 6, info->seed);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)info->run_number);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)info->duration_ns);
        sqlite3_bind_text(st, 9, info->engine_version ? info->engine_version : "unknown", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, info->ns3_version ? info->ns3_version : "unknown", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 11, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 12, r->host, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 13, getpid());
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    st = NULL;
    int64_t id = sqlite3_last_insert_rowid(r->db);
    ok = ok && sqlite3_prepare_v2(r->db, "INSERT INTO parameters (run_id, name, value) VALUES (?1, ?2, ?3)",
                                  -1, &st, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < info->n_params; i++) {
        const char *v;
        size_t vn;
        unquoted(info->params[i].value, &v, &vn);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, info->params[i].name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, v, (int)vn, SQLITE_TRANSIENT);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    free(json);
    if (!ok) {
        fail(r, "beginning a run");
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    if (!exec(r, "COMMIT"))
        return false;
    /* the rows of the run: staged in one transaction on TEMP tables only */
    if (!prepare_staging(r) || !exec(r, "BEGIN"))
        return false;
    r->run_id = id;
    r->next_exchange = r->next_op = r->next_msg = 1;
    if (run_id)
        *run_id = id;
    return true;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, bool present)
{
    if (present)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* Run the bound insert `k`; resets it for the next row. */
static bool step(struct isakmp_recorder *r, int k)
{
    int rc = sqlite3_step(r->ins[k]);
    sqlite3_reset(r->ins[k]);
    sqlite3_clear_bindings(r->ins[k]);
    if (rc != SQLITE_DONE)
        return fail(r, "adding a row to %s", staged[k]);
    return true;
}

static sqlite3_stmt *start(struct isakmp_recorder *r, int k)
{
    if (!r->run_id) {
        snprintf(r->err, sizeof r->err, "no run is open: call isakmp_rec_begin_run first");
        return NULL;
    }
    sqlite3_bind_int64(r->ins[k], 1, r->run_id);
    return r->ins[k];
}

bool isakmp_rec_add_node(struct isakmp_recorder *r, const struct isakmp_rec_node *n)
{
    sqlite3_stmt *st = start(r, ST_NODE);
    if (!st)
        return false;
    bind_text_or_null(st, 2, n->name);
    sqlite3_bind_int64(st, 3, n->node_id);
    bind_text_or_null(st, 4, n->role);
    bind_text_or_null(st, 5, n->address);
    sqlite3_bind_int64(st, 6, n->cores);
    bind_text_or_null(st, 7, n->policy);
    return step(r, ST_NODE);
}

bool isakmp_rec_add_exchange(struct isakmp_recorder *r, const struct isakmp_rec_exchange *x,
                             uint64_t *id_out)
{
    sqlite3_stmt *st = start(r, ST_EXCHANGE);
    if (!st)
        return false;
    uint64_t id = x->id ? x->id : r->next_exchange;
    if (id >= r->next_exchange)
        r->next_exchange = id + 1;
    sqlite3_bind_int64(st, 2, (sqlite3_int64)id);
    bind_text_or_null(st, 3, x->initiator);
    bind_text_or_null(st, 4, x->responder);
    sqlite3_bind_int64(st, 5, x->phase);
    bind_text_or_null(st, 6, x->mode);
    bind_text_or_null(st, 7, x->auth);
    bind_int_or_null(st, 8, x->dh_group, x->dh_group != 0);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)x->start_ns);
    bind_int_or_null(st, 10, (int64_t)x->end_ns, x->ended);
    bind_text_or_null(st, 11, x->outcome);
    bind_text_or_null(st, 12, x->failure_reason);
    bind_int_or_null(st, 13, x->notify, x->notify != 0);
    sqlite3_bind_int64(st, 14, (sqlite3_int64)x->messages);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)x->bytes);
    sqlite3_bind_int64(st, 16, (sqlite3_int64)x->retransmissions);
    if (id_out)
        *id_out = id;
    return step(r, ST_EXCHANGE);
}

bool isakmp_rec_add_crypto_op(struct isakmp_recorder *r, const struct isakmp_rec_crypto_op *op)
{
    sqlite3_stmt *st = start(r, ST_CRYPTO);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->next_op++);
    bind_text_or_null(st, 3, op->node);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)op->t_ns);
    bind_text_or_null(st, 5, op->kind);
    bind_int_or_null(st, 6, op->dh_group, op->dh_group != 0);
    bind_int_or_null(st, 7, op->bits, op->bits != 0);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)op->virtual_ns);
    bind_int_or_null(st, 9, op->wall_cpu_ns, op->wall_cpu_ns >= 0);
    bind_text_or_null(st, 10, op->exp_policy);
    return step(r, ST_CRYPTO);
}

bool isakmp_rec_add_sample(struct isakmp_recorder *r, const struct isakmp_rec_sample *s)
{
    sqlite3_stmt *st = start(r, ST_SAMPLE);
    if (!st)
        return false;
    bind_text_or_null(st, 2, s->node);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)s->t_ns);
    sqlite3_bind_double(st, 4, s->cpu_busy);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)s->queue_len);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)s->half_open);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)s->established);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)s->state_bytes);
    return step(r, ST_SAMPLE);
}

bool isakmp_rec_add_attack(struct isakmp_recorder *r, const struct isakmp_rec_attack *a)
{
    sqlite3_stmt *st = start(r, ST_ATTACK);
    if (!st)
        return false;
    bind_text_or_null(st, 2, a->attack);
    bind_text_or_null(st, 3, a->attacker);
    bind_text_or_null(st, 4, a->kind);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)a->sent);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)a->delivered);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)a->dropped);
    return step(r, ST_ATTACK);
}

bool isakmp_rec_add_attack_counter(struct isakmp_recorder *r, const char *attack,
                                   const char *counter, uint64_t value)
{
    sqlite3_stmt *st = start(r, ST_COUNTER);
    if (!st)
        return false;
    bind_text_or_null(st, 2, attack);
    bind_text_or_null(st, 3, counter);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)value);
    return step(r, ST_COUNTER);
}

bool isakmp_rec_add_cost(struct isakmp_recorder *r, const struct isakmp_rec_cost *c)
{
    sqlite3_stmt *st = start(r, ST_COST);
    if (!st)
        return false;
    bind_text_or_null(st, 2, c->node ? c->node : "*");
    bind_text_or_null(st, 3, c->kind);
    sqlite3_bind_int64(st, 4, c->dh_group);
    sqlite3_bind_int64(st, 5, c->bits);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)c->virtual_ns);
    bind_text_or_null(st, 7, c->source);
    sqlite3_bind_int64(st, 8, c->exact ? 1 : 0);
    bind_text_or_null(st, 9, c->cost_file);
    return step(r, ST_COST);
}

bool isakmp_rec_add_message(struct isakmp_recorder *r, const struct isakmp_rec_message *m)
{
    sqlite3_stmt *st = start(r, ST_MESSAGE);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 2, (sqlite3_int64)r->next_msg++);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)m->t_ns);
    bind_text_or_null(st, 4, m->node);
    sqlite3_bind_text(st, 5, m->out ? "out" : "in", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, m->exchange_type);
    bind_int_or_null(st, 7, m->message_no, m->message_no != 0);
    bind_int_or_null(st, 8, (int64_t)m->exchange_id, m->exchange_id != 0);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)m->size);
    sqlite3_bind_int64(st, 10, m->retransmission ? 1 : 0);
    bind_text_or_null(st, 11, m->dropped_reason);
    return step(r, ST_MESSAGE);
}

bool isakmp_rec_end_run(struct isakmp_recorder *r, const char *error)
{
    if (!r->run_id)
        return fail(r, "no run is open");
    /* close the staging transaction, then one short write transaction */
    if (!exec(r, "COMMIT") || !exec(r, "BEGIN IMMEDIATE"))
        return false;
    char sql[160];
    bool ok = true;
    for (int i = 0; i < ST_COUNT && ok; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO main.%s SELECT * FROM temp.stage_%s",
                 staged[i], staged[i]);
        ok = exec(r, sql);
    }
    char now[32];
    wall_now(now);
    sqlite3_stmt *st = NULL;
    ok = ok && sqlite3_prepare_v2(r->db, "UPDATE runs SET status = ?1, error = ?2, wall_end = ?3 "
                                  "WHERE run_id = ?4", -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, error ? "failed" : "completed", -1, SQLITE_STATIC);
        bind_text_or_null(st, 2, error);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, r->run_id);
        ok = sqlite3_step(st) == SQLITE_DONE || fail(r, "setting the run's status");
    }
    sqlite3_finalize(st);
    if (!ok) {
        char keep[sizeof r->err];
        memcpy(keep, r->err, sizeof keep);
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        memcpy(r->err, keep, sizeof keep);
        r->run_id = 0;   /* the run stays 'running': it will be found stale */
        return false;
    }
    if (!exec(r, "COMMIT"))
        return false;
    for (int i = 0; i < ST_COUNT; i++) {
        snprintf(sql, sizeof sql, "DELETE FROM temp.stage_%s", staged[i]);
        exec(r, sql);
    }
    r->run_id = 0;
    return true;
}

bool isakmp_rec_mark_stale(struct isakmp_recorder *r, bool all, int *marked)
{
    sqlite3_stmt *sel = NULL, *upd = NULL;
    int count = 0;
    if (r->run_id)   /* the update would sit in the staging transaction */
        return fail(r, "mark stale runs before beginning or after ending a run");
    bool ok = exec(r, "BEGIN IMMEDIATE") &&
              sqlite3_prepare_v2(r->db, "SELECT run_id, wall_host, wall_pid FROM runs "
                                 "WHERE status = 'running' ORDER BY run_id", -1, &sel, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(r->db, "UPDATE runs SET status = 'crashed' WHERE run_id = ?1",
                                 -1, &upd, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(sel) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0);
        const char *host = (const char *)sqlite3_column_text(sel, 1);
        int64_t pid = sqlite3_column_int64(sel, 2);
        bool stale;
        if (all)
            stale = true;
        else
            stale = host && strcmp(host, r->host) == 0 && pid > 0 && pid != getpid() &&
                    kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        if (!stale)
            continue;
        sqlite3_reset(upd);
        sqlite3_bind_int64(upd, 1, id);
        ok = sqlite3_step(upd) == SQLITE_DONE;
        count++;
    }
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    if (!ok) {
        fail(r, "marking stale runs");
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return false;
    }
    if (!exec(r, "COMMIT"))
        return false;
    if (marked)
        *marked = count;
    return true;
}
