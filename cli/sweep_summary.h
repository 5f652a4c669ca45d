/* isakmp sweep --summary: the per-point statistics of a results database
 * (view point_summary of sim/results_schema.sql: n, mean, sample standard
 * deviation, 95% confidence interval of the mean with Student's t,
 * median and 95th percentile over the replications) as a table. */
#ifndef CLI_SWEEP_SUMMARY_H
#define CLI_SWEEP_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

/* Print the summary of the database at `path`; only `metric` when not
 * NULL; comma-separated values with a header line when `csv`.  Returns a
 * CLI exit status; errors on stderr. */
int sweep_summary_print(FILE *out, const char *path, const char *metric, bool csv);

#endif
