/* The measuring half of `isakmp calibrate` (cli/cmd_calibrate.c does the
 * options and the output): each item is timed with the thread CPU clock
 * in batches, and its median kept (method: cmd_calibrate.c). */
#ifndef CLI_CALIBRATE_MEASURE_H
#define CLI_CALIBRATE_MEASURE_H

#include "isakmp/cost.h"
#include "isakmp/drbg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_RESULTS 256
#define MIN_SAMPLES 3               /* per item, whatever the budget */
/* The defaults of the phase-1 policy, measured for the cheap items. */
#define CALIB_HASH_DEFAULT "sha256"
#define CALIB_CIPHER_DEFAULT "aes256"

struct measurement {
    uint64_t median_ns, min_ns, max_ns;
    unsigned samples, batch;
};

struct result {
    enum isakmp_cost_kind kind;
    uint16_t group;
    uint32_t bits;
    const char *policy;         /* "full", "short", "-" */
    char algorithm[24];         /* group name, "aes256", "sha1", "rsa" ... */
    bool in_table;              /* written to the cost table */
    struct measurement m;
};

struct options;
struct calib {
    double budget_s;            /* CPU seconds per item */
    const struct options *o;    /* the command's options (cmd_calibrate.c; not used here) */
    struct isakmp_drbg *rng;
    struct result r[MAX_RESULTS];
    size_t n;
};

/* Measure and record (in c->r) one group's generate and compute, one RSA
 * key size's four operations, and the PRF, cipher and cookie items.
 * False (with a message on stderr) when an operation failed or the
 * result table is full. */
bool calibrate_dh(struct calib *c, uint16_t group);
bool calibrate_rsa(struct calib *c, unsigned bits);
bool calibrate_symmetric(struct calib *c);

#endif
