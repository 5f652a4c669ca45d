/* isakmp plot: the data behind each figure, from a results database, as
 * gnuplot data files (whitespace-separated columns; see each function).
 * Statistics come from the schema's views (point_summary, dh_cost's
 * source table): mean and 95% confidence interval (Student t) over the
 * replications of a parameter point. */
#ifndef CLI_PLOT_DATA_H
#define CLI_PLOT_DATA_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* What the caption says about one scenario's runs. */
struct plot_info {
    char scenario[128];
    char seeds[64];          /* "1" or "1,2" */
    char engine[128];        /* engine_version(s) */
    long long runs;          /* completed runs */
    long long min_n, max_n;  /* replications per point */
};

bool plot_info(sqlite3 *db, const char *scenario, struct plot_info *info);

/* A metric against the swept parameter `x` (NULL: chosen: the numeric
 * parameter with the most values), one block per combination of the other
 * parameters.  Block: a line "TITLE" in quotes, then rows
 *     X  MEAN  CI_LOW  CI_HIGH  N  XLABEL
 * (X = the value, or 0.. in order when the parameter is not numeric, with
 * XLABEL the text), blocks separated by two blank lines.  MEAN etc. are
 * multiplied by `scale`.  *x_used gets the parameter's path, *n_series
 * the blocks; *categorical tells X is an index.  false with err. */
bool plot_write_metric(sqlite3 *db, const char *scenario, const char *metric, double scale,
                       const char *x, const char *path, char *x_used, size_t x_cap,
                       int *n_series, bool *categorical, char *err, size_t errlen);

/* Diffie-Hellman cost per group: rows
 *     GROUP  GEN_MODEL GEN_MEAS GEN_LO GEN_HI  COMP_MODEL COMP_MEAS COMP_LO COMP_HI
 * in microseconds (model = the virtual time charged; measured = host CPU
 * time, mean and 95% CI over the operations).  *n_rows gets the count. */
bool plot_write_dh(sqlite3 *db, const char *scenario, const char *path, int *n_rows,
                   char *err, size_t errlen);

#endif
