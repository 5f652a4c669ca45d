/* isakmp sweep --emit: the runs of a sweep as work for other machines.
 *   parallel  one shell command per line, for GNU parallel
 *             (`parallel --sshloginfile HOSTS < jobs.txt`);
 *   slurm     a bash job-array script (`sbatch sweep.sbatch`), task i
 *             running line i+1 of the same list.
 * Each command runs `BIN run` into DIR/runs/.NAME.tmp.$$.db and renames it
 * to DIR/runs/NAME.db only when the run succeeded, so
 * `isakmp sweep --merge DIR` never sees half a run.  DIR and BIN must be
 * valid paths on the machines that run the jobs (a shared file system). */
#ifndef CLI_SWEEP_EMIT_H
#define CLI_SWEEP_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "sweep_plan.h"

/* Only the plan's JOB_TODO jobs are written.  `max_parallel` > 0 caps
 * the Slurm array's simultaneous tasks (%N).  false on a write error or
 * when an argument holds a newline (it could not be one line). */
bool sweep_emit_parallel(FILE *out, const struct sweep_plan *p, const char *bin, const char *dir,
                         bool pass_ids);
bool sweep_emit_slurm(FILE *out, const struct sweep_plan *p, const char *bin, const char *dir,
                      bool pass_ids, int max_parallel);

#endif
