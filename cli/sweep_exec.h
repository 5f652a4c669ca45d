/* isakmp sweep: the local worker pool.  Each run is one process (fork +
 * exec of `BIN run ...`) writing its own database under a hidden
 * temporary name DIR/runs/.NAME.tmp.PID.db; when the process ends with
 * status 0 and the file holds the finished run, the file is synced and
 * renamed to DIR/runs/NAME.db, then merged into the results database.
 * A run's stdout and stderr go to DIR/logs/NAME.log.
 *
 * Workers die with the sweep (PR_SET_PDEATHSIG), so a killed sweep leaves
 * no orphan writing files; Ctrl-C / SIGTERM stop the workers, keep what
 * finished, and return "interrupted". */
#ifndef CLI_SWEEP_EXEC_H
#define CLI_SWEEP_EXEC_H

#include <sqlite3.h>
#include <stdbool.h>

#include "sweep_merge.h"
#include "sweep_plan.h"
#include "sweep_progress.h"

struct sweep_exec {
    struct sweep_plan *plan;     /* jobs in state JOB_TODO are run */
    const char *bin;             /* program run as `BIN run ...` */
    const char *dir;             /* absolute output folder (runs/, logs/, out/ inside) */
    int workers;                 /* >= 1 */
    bool pass_ids;               /* add --point/--replication */
    sqlite3 *db;                 /* results database: each finished run is merged */
    struct sweep_progress *progress;
    struct sweep_merge_count merge;
};

/* Run the plan's JOB_TODO jobs.  Returns the number of failed runs, or
 * -1 on an error that stopped the sweep (message in err).  *interrupted
 * tells a stop by signal. */
int sweep_exec_run(struct sweep_exec *x, bool *interrupted, char *err, size_t errlen);

/* Remove leftovers of runs that never finished (hidden temporary files in
 * DIR/runs).  Call only while holding the folder's lock. */
void sweep_exec_clean(const char *runs_dir);

#endif
