/* isakmp sweep: merging per-run databases into one results database.
 *
 * Each source file's finished runs (status 'completed' or 'failed') are
 * copied with ATTACH, one transaction per run: the `runs` row gets a new
 * run_id in the destination, and every table with a run_id column that
 * both databases have is copied with the new id (columns by name).
 * Idempotent: a run whose identity (scenario, json(parameters),
 * replication) is already in the destination as completed or failed is
 * not copied again.  A source run still 'running' (its process died) or
 * 'crashed' is never copied. */
#ifndef CLI_SWEEP_MERGE_H
#define CLI_SWEEP_MERGE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sweep_merge_count {
    int files;       /* source files looked at */
    int merged;      /* runs copied */
    int present;     /* runs skipped: already in the destination */
    int unfinished;  /* runs skipped: not finished in their file */
    int bad;         /* files that could not be read */
};

/* Open (create) the results database at `path` with the schema.  NULL
 * with a message in err on failure.  Close with sqlite3_close. */
sqlite3 *sweep_results_open(const char *path, char *err, size_t errlen);

/* Merge the database file `src` into `dst`.  When point/rep >= 0 they
 * replace the source's runs.point / runs.replication (the sweep knows
 * them from the file name).  Adds to *count; false (message in err) on
 * an error of the destination, which stops a merge; a bad source file
 * only counts as bad. */
bool sweep_merge_file(sqlite3 *dst, const char *src, long long point, long long rep,
                      struct sweep_merge_count *count, char *err, size_t errlen);

/* Merge every "*.db" file of `dir` (not hidden ones: those are runs in
 * progress), in name order; point and replication from names
 * "p<point>-r<rep>...db".  */
bool sweep_merge_dir(sqlite3 *dst, const char *dir, struct sweep_merge_count *count,
                     char *err, size_t errlen);

/* True when `dst` holds the run (finished, completed or failed). */
bool sweep_run_present(sqlite3 *dst, const char *scenario, const char *params_json,
                       uint32_t rep);

/* True when the file holds at least one finished run (completed or failed). */
bool sweep_file_finished(const char *path);

#endif
