/* isakmp sweep: the plan - every run of a scenario's sweep (parameter
 * points x replications), each with its identity, file name and the
 * command line of the `isakmp run` that produces it.
 *
 * Identity of a run (the resume and merge rule, scenarios/SWEEPS.md):
 *     (scenario name, parameters JSON, replication)
 * where the parameters JSON is runs.parameters: every override of the
 * run ("PATH=VALUE" from the sweep's --set first, then the swept ones, in
 * sweep order) as isakmp_rec_params_json writes it, compared after
 * SQLite's json() normalisation.  The seed is the scenario's (fixed); the
 * ns-3 run number is the scenario's `run` + replication. */
#ifndef CLI_SWEEP_PLAN_H
#define CLI_SWEEP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sweep_job_state { JOB_TODO, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct sweep_job {
    size_t point;                /* parameter combination, 0.. */
    uint32_t rep;                /* replication, 0.. */
    uint64_t run_number;         /* ns-3 run number */
    char **set;                  /* every "PATH=VALUE" override of the run */
    size_t n_set;
    char *params_json;           /* runs.parameters of this run (the identity) */
    char name[64];               /* file stem: p<point>-r<rep>-<8 hex of identity> */
    enum sweep_job_state state;
};

struct sweep_plan {
    char *scenario_file;         /* absolute path */
    char *scenario_name;
    uint32_t seed;
    size_t n_points;
    uint32_t reps;
    struct sweep_job *jobs;      /* replication-major order (see isakmp_scn_sweep_expand) */
    size_t n_jobs;
    char digest[65];             /* SHA-256 (hex) of the file and the fixed overrides */
};

/* Load `file`, apply the fixed overrides, expand the sweep, and check
 * every parameter point loads (a typo in a swept path fails here, before
 * anything runs).  false with a message in err. */
bool sweep_plan_load(struct sweep_plan *p, const char *file, char *const *fixed,
                     size_t n_fixed, char *err, size_t errlen);
void sweep_plan_free(struct sweep_plan *p);

/* The argv (NULL-terminated, malloc'd; free with sweep_argv_free) of
 *   BIN run SCENARIO --set ... --run N --db DB --out OUT [--point P --replication K]
 * `pass_ids` adds the last two (when the `run` command knows them). */
char **sweep_job_argv(const struct sweep_plan *p, const struct sweep_job *j, const char *bin,
                      const char *db, const char *out, bool pass_ids);
void sweep_argv_free(char **argv);

/* Parse a file stem "p<point>-r<rep>[-...]"; false when it is not one. */
bool sweep_parse_name(const char *stem, long long *point, long long *rep);

/* out = "a/b" (cap bytes); false, with out = "", when it does not fit. */
bool sweep_path(char *out, size_t cap, const char *a, const char *b);

/* Absolute path of the running `isakmp` binary (malloc'd), NULL if unknown. */
char *sweep_self_exe(void);

/* True when `BIN run --help` mentions --replication. */
bool sweep_run_knows_ids(const char *bin);

#endif
