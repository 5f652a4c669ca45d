/* The world: one scenario (sim/scenario.h) running in the ns-3 shim.
 *
 * isakmp_world_new builds it: one ns-3 node per scenario node, the links
 * (point-to-point or CSMA, with their loss models and pcaps), and on every
 * node that has an IKE policy an engine (isakmp/engine.h) fed through that
 * node's CPU model (sim/cpu_model.h):
 *   - every input (a datagram arriving on UDP 500, an engine deadline, an
 *     initiation) is one CPU work item; the engine call inside it computes
 *     its crypto inline; the item is charged isakmp_engine_take_cost (the
 *     cost table's virtual figures) plus the node's per-item overhead (the
 *     cheap-work constant), and the datagrams the engine sent during the
 *     call leave when that busy period ends;
 *   - engine deadlines become ns-3 events;
 *   - every random byte comes from the node's own DRBG, seeded from
 *     (scenario seed, run number, node index);
 *   - the cost table is the node's `cost_table` file, else the scenario's,
 *     else the built-in model (isakmp/cost.h), plus the node's `costs`.
 * Attackers (spoofed message-1 flood, KE flood, replay, tamper) and the
 * scheduled link conditions are built from the scenario too.
 *
 * isakmp_world_run runs it for the scenario's duration and stages the
 * result rows into the recorder (whose run the caller has begun and will
 * end), writes the pcaps and the Wireshark decryption table.
 *
 * Only one world may exist at a time (ns-3 has one simulator).
 * Determinism: the same scenario, seed and run give the same rows (except
 * measured CPU times, the wall_* columns) and byte-identical pcaps. */
#ifndef ISAKMP_SIM_WORLD_H
#define ISAKMP_SIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recorder.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

struct isakmp_world;

struct isakmp_world_options {
    /* pcap files are written as PCAP_PREFIX-NODE-DEVICE.pcap (ns-3's
     * naming); NULL = no pcap even when the scenario asks for it. */
    const char *pcap_prefix;
    /* The Wireshark ikev1_decryption_table file ("CKYI","KEY" lines, the
     * UAT format); NULL = not written. */
    const char *keys_path;
    /* Where the rows go (a run must have been begun); NULL = nowhere. */
    struct isakmp_recorder *rec;
    /* Print a progress line on stderr once the run has taken > 2 s. */
    bool progress;
};

/* Build the world for scenario s (which must outlive the world).  NULL on
 * error (a setting the shim refuses, a cost table that does not load, a
 * world already existing), with the reason in err. */
struct isakmp_world *isakmp_world_new(const struct isakmp_scenario *s,
                                      const struct isakmp_world_options *opt,
                                      char *err, size_t errlen);

/* Run for the scenario's duration, then stage every result row (nodes,
 * exchanges, crypto operations, samples, attack counters, the optional
 * message trace) and write the decryption table.  pcaps are complete only
 * after isakmp_world_free.  false on error (recorder or file error), with
 * the reason in err. */
bool isakmp_world_run(struct isakmp_world *w, char *err, size_t errlen);

/* Free everything (closes the pcap files).  NULL allowed. */
void isakmp_world_free(struct isakmp_world *w);

/* Totals of a finished run, for callers and tests. */
struct isakmp_world_summary {
    uint64_t exchanges, completed, failed, unfinished;   /* legitimate, both phases */
    uint64_t events;             /* engine events seen */
    uint64_t crypto_virtual_ns;  /* sum of charged crypto cost */
    uint64_t crypto_cpu_ns;      /* sum of measured crypto CPU time */
    size_t keys;                 /* decryption-table lines */
};
void isakmp_world_summary(const struct isakmp_world *w, struct isakmp_world_summary *out);

#ifdef __cplusplus
}
#endif

#endif
