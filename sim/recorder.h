/* status: complete
 *
 * The recorder: writes the results of simulated runs into an SQLite
 * database (schema and its documentation: sim/results_schema.sql).
 *
 * One run, atomically:
 *   isakmp_rec_begin_run   inserts the `runs` row (status 'running') and
 *                          its `parameters`, and COMMITS at once: a run
 *                          that never ends stays visible as 'running';
 *   isakmp_rec_add_*       stage result rows (prepared statements into
 *                          TEMP tables of this connection, inside one
 *                          transaction that touches nothing else);
 *   isakmp_rec_end_run     copies every staged row into the database and
 *                          sets the final status in ONE transaction.
 * A process that dies (or closes) before end_run leaves no result row
 * and a 'running' status; isakmp_rec_mark_stale turns such rows into
 * 'crashed'.  Staging outside the database means several processes of a
 * sweep can share one database file: each holds the write lock only for
 * the short copy at the end (WAL mode, 30 s busy timeout).
 *
 * Node references are node names.  Times are virtual ns.  Strings are
 * copied by SQLite; nothing passed in needs to outlive the call.
 * Every function returning bool returns false on an SQLite error (or
 * misuse: adding rows with no run begun) and then isakmp_rec_error says why.
 * One recorder is used from one thread.
 */
#ifndef ISAKMP_SIM_RECORDER_H
#define ISAKMP_SIM_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The schema (sim/results_schema.sql) as compiled in (sim/results_schema.c). */
extern const char isakmp_results_schema_sql[];

struct isakmp_recorder;

/* A swept or overridden setting: the override text "PATH=VALUE" split in
 * two (see sim/scenario.h).  A value in "quotes" is a string. */
struct isakmp_rec_param {
    const char *name;
    const char *value;
};

struct isakmp_rec_run_info {
    const char *scenario;        /* scenario name */
    const char *scenario_file;
    const struct isakmp_rec_param *params;
    size_t n_params;
    long long point;             /* sweep point, -1 = not a sweep */
    uint32_t replication;
    uint32_t seed;
    uint64_t run_number;
    uint64_t duration_ns;
    const char *engine_version;  /* e.g. output of `git describe --always --dirty` */
    const char *ns3_version;     /* e.g. "3.37" */
};

struct isakmp_rec_node {
    const char *name;
    int node_id;
    const char *role;            /* responder, initiator, attacker, middlebox */
    const char *address;         /* dotted quad */
    unsigned cores;
    const char *policy;          /* NULL = none */
};

struct isakmp_rec_exchange {
    uint64_t id;                 /* exchange_id; 0 = the next free number */
    const char *initiator, *responder;
    int phase;                   /* 1 or 2 */
    const char *mode;            /* main, aggressive, quick */
    const char *auth;            /* NULL for quick mode */
    int dh_group;                /* 0 = none (NULL) */
    uint64_t start_ns;
    bool ended;                  /* false: end_ns is NULL */
    uint64_t end_ns;
    const char *outcome;         /* completed, failed, timeout, unfinished */
    const char *failure_reason;  /* NULL on success */
    int notify;                  /* 0 = none (NULL) */
    uint64_t messages, bytes, retransmissions;
};

struct isakmp_rec_crypto_op {
    const char *node;
    uint64_t t_ns;
    const char *kind;            /* dh-generate, dh-compute, rsa-sign, ... */
    int dh_group;                /* 0 = not DH (NULL) */
    unsigned bits;               /* 0 = NULL */
    uint64_t virtual_ns;
    int64_t wall_cpu_ns;         /* < 0 = not measured (NULL) */
    const char *exp_policy;      /* DH: "full" / "short"; NULL otherwise */
};

struct isakmp_rec_sample {
    const char *node;
    uint64_t t_ns;
    double cpu_busy;
    uint64_t queue_len, half_open, established, state_bytes;
};

struct isakmp_rec_attack {
    const char *attack;
    const char *attacker;        /* NULL for on-path attacks */
    const char *kind;
    uint64_t sent, delivered, dropped;
};

struct isakmp_rec_message {
    uint64_t t_ns;
    const char *node;
    bool out;                    /* direction: true = sent */
    int exchange_type;
    int message_no;              /* 0 = unknown (NULL) */
    uint64_t exchange_id;        /* 0 = unknown (NULL) */
    uint64_t size;
    bool retransmission;
    const char *dropped_reason;  /* NULL = not dropped */
};

/* One entry of the cost table a node was charged from (a run_costs row). */
struct isakmp_rec_cost {
    const char *node;            /* node name; NULL = '*' (the run's own table) */
    const char *kind;            /* dh-generate, ..., cheap (isakmp_cost_kind_name) */
    unsigned dh_group;           /* 0 when not DH */
    unsigned bits;               /* 0 when not DH/RSA */
    uint64_t virtual_ns;
    const char *source;          /* model, file, override, none */
    bool exact;                  /* false: derived by the lookup rules */
    const char *cost_file;       /* NULL unless source is file */
};

/* Open or create the database at `path`, switch it to WAL mode and load the
 * schema (idempotent).  NULL on failure, with the reason in err. */
struct isakmp_recorder *isakmp_rec_open(const char *path, char *err, size_t errlen);

/* Close.  A run still open is abandoned: its staged rows are discarded and
 * its status stays 'running' (as if the process had died).  NULL allowed. */
void isakmp_rec_close(struct isakmp_recorder *r);

/* The connection, for queries (e.g. tests, plots).  Owned by the recorder. */
sqlite3 *isakmp_rec_db(struct isakmp_recorder *r);

/* Why the last call failed. */
const char *isakmp_rec_error(const struct isakmp_recorder *r);

/* Begin a run (see above).  *run_id gets the new runs.run_id.  Fails if a
 * run is already open on this recorder. */
bool isakmp_rec_begin_run(struct isakmp_recorder *r, const struct isakmp_rec_run_info *info,
                          int64_t *run_id);

bool isakmp_rec_add_node(struct isakmp_recorder *r, const struct isakmp_rec_node *n);
/* *id_out (may be NULL) gets the exchange_id used. */
bool isakmp_rec_add_exchange(struct isakmp_recorder *r, const struct isakmp_rec_exchange *x,
                             uint64_t *id_out);
bool isakmp_rec_add_crypto_op(struct isakmp_recorder *r, const struct isakmp_rec_crypto_op *op);
bool isakmp_rec_add_sample(struct isakmp_recorder *r, const struct isakmp_rec_sample *s);
bool isakmp_rec_add_attack(struct isakmp_recorder *r, const struct isakmp_rec_attack *a);
bool isakmp_rec_add_message(struct isakmp_recorder *r, const struct isakmp_rec_message *m);
/* One row of run_costs (unique per node, kind, group, bits). */
bool isakmp_rec_add_cost(struct isakmp_recorder *r, const struct isakmp_rec_cost *c);
/* One named counter of an attack (attack_counters; names unique per attack). */
bool isakmp_rec_add_attack_counter(struct isakmp_recorder *r, const char *attack,
                                   const char *counter, uint64_t value);

/* End the open run: write every staged row and the status ('completed' when
 * error is NULL, else 'failed' with the message) in one transaction. */
bool isakmp_rec_end_run(struct isakmp_recorder *r, const char *error);

/* Turn 'running' runs whose process is gone into 'crashed': a run is stale
 * when it was started on this host by a process that no longer exists.
 * With `all`, every 'running' run is marked (for a caller that knows
 * nothing else is running, e.g. a sweep runner after its workers ended).
 * Refused while a run is open on this recorder.  *marked (may be NULL)
 * gets the count. */
bool isakmp_rec_mark_stale(struct isakmp_recorder *r, bool all, int *marked);

/* The JSON object {"name": value, ...} the runs.parameters column holds for
 * these parameters (numbers and true/false as JSON values, the rest as
 * strings).  malloc'd; NULL on out of memory. */
char *isakmp_rec_params_json(const struct isakmp_rec_param *params, size_t n);

#ifdef __cplusplus
}
#endif

#endif
