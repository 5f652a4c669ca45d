/* status: complete (parser, overrides, sweep expansion); the world builder
 * that turns a scenario into ns-3 objects is not here.
 *
 * A scenario: one simulated experiment, read from a libconfig file
 * (format and every setting: scenarios/FORMAT.md) into plain C data.
 *
 * Loading validates everything it can before anything runs: syntax,
 * unknown settings (typos are refused, never ignored), types, units,
 * ranges, references between objects (a link to an unknown node, a
 * policy nobody defined), duplicate names and addresses, credentials an
 * authentication method needs.  The first error is reported as
 *     FILE:LINE: CONTEXT: what was expected
 * e.g. "scenario.cfg:12: link 'l1': 'delay' must be a duration like
 * "10ms" or a number of seconds"; for a value that came from an override,
 *     FILE: --set PATH=VALUE: CONTEXT: what was expected
 *
 * Overrides: strings "PATH=VALUE" applied to the file's settings before
 * they are interpreted (sweeps, and the command line's --set).  PATH is the
 * dotted path of the setting (`attack.flood.rate`, `nodes.resp.cores`;
 * list elements by index: `policies.p.phase1.[0].group` or `...phase1.0.group`).
 * An existing setting keeps its type when VALUE fits it (a string setting
 * takes VALUE verbatim; "quotes" force a string); a new setting gets the
 * type VALUE looks like (true/false, integer, number, else string), and
 * missing groups on the way are created.  The scenario is then validated as
 * a whole, so an override with a typo in its name or a bad value is
 * refused exactly as the same mistake in the file would be.  Only single
 * values can be overridden, not groups or lists.
 *
 * Indices: nodes, links, policies and attacks refer to each other by index
 * into the scenario's arrays (-1 = none), in file order.  Node i is the
 * i-th node of the file, i.e. ns-3 node id i when built in order.
 *
 * Addresses are IPv4, host byte order. Times are virtual ns. Rates bit/s.
 *
 * Ownership: isakmp_scenario_load returns a scenario the caller frees with
 * isakmp_scenario_free; every pointer inside belongs to it.
 */
#ifndef ISAKMP_SIM_SCENARIO_H
#define ISAKMP_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isakmp/cost.h"
#include "isakmp/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- nodes ---------------------------------------------------------------- */

enum isakmp_scn_role {
    ISAKMP_SCN_RESPONDER,
    ISAKMP_SCN_INITIATOR,
    ISAKMP_SCN_ATTACKER,
    ISAKMP_SCN_MIDDLEBOX,
};

/* One override of the cost table: the figure charged for (kind, group,
 * bits), see isakmp/cost.h. */
struct isakmp_scn_cost {
    enum isakmp_cost_kind kind;
    uint16_t group;
    uint32_t bits;
    uint64_t ns;
};

enum isakmp_scn_arrival {
    ISAKMP_SCN_ARRIVAL_FIXED,    /* one exchange every `interval` */
    ISAKMP_SCN_ARRIVAL_POISSON,  /* exponential gaps of mean `interval` */
};

/* What an initiator does (node setting `initiate`). */
struct isakmp_scn_initiate {
    int peer;                    /* node index of the responder */
    uint64_t start_ns;           /* first phase 1 */
    uint32_t count;              /* phase-1 exchanges in all; 0 = until the end */
    uint64_t interval_ns;        /* between starts (mean, for poisson) */
    enum isakmp_scn_arrival arrival;
    uint32_t quick_modes;        /* Quick Mode exchanges per phase 1 */
};

/* How a responder resists floods (node setting `defence`). */
struct isakmp_scn_defence {
    bool cookies;                /* stateless cookie check (CKY-R as a MAC) */
    bool stateless;              /* no state before message 3 (implies cookies) */
    uint32_t half_open_max;      /* 0 = unlimited */
    uint32_t half_open_per_source;
    uint64_t cookie_rotate_ns;   /* 0 = engine default */
    uint64_t memory_max;         /* bytes; 0 = unlimited */
    uint32_t notify_per_second;  /* 0 = unlimited */
};

struct isakmp_scn_node {
    char *name;
    int line;                    /* where it is defined in the file */
    enum isakmp_scn_role role;
    uint32_t address;            /* its main address (first interface) */
    unsigned cores;              /* CPU cores, >= 1 */
    uint64_t cpu_overhead_ns;    /* per work item (see sim/cpu_model.h) */
    uint32_t cpu_queue_limit;    /* 0 = unbounded */
    char *cost_table;            /* cost-table file (resolved path) or NULL:
                                    the scenario's, else the built-in model */
    struct isakmp_scn_cost *costs;
    size_t n_costs;
    int policy;                  /* index into policies, -1 = none */
    bool pcap;                   /* pcap of every device of this node */
    bool has_initiate;           /* initiators: always true */
    struct isakmp_scn_initiate initiate;
    struct isakmp_scn_defence defence;   /* responders */
    /* RSA credentials of this node (override its policy's): own private
     * key file and peers' public key files (resolved paths). */
    char *rsa_key;
    int rsa_key_line;
    char **peer_keys;
    int *peer_key_nodes;         /* per peer key: the node it belongs to, -1 = the node
                                    whose rsa_key has that public key */
    size_t n_peer_keys;
    int peer_keys_line;
};

/* ---- links ---------------------------------------------------------------- */

enum isakmp_scn_link_type { ISAKMP_SCN_P2P, ISAKMP_SCN_CSMA };

/* One protocol message to lose (errors.drop = { exchange = "main";
 * message = 5; ... }): counted per exchange (CKY-I, message ID) from both
 * directions of the link, a retransmission keeping its number. */
enum { ISAKMP_SCN_FROM_ANY = 0, ISAKMP_SCN_FROM_INITIATOR, ISAKMP_SCN_FROM_RESPONDER };
struct isakmp_scn_named_drop {
    int line;
    uint8_t exchange;            /* ISAKMP_XCHG_* of the header */
    uint8_t message;             /* 1.. within the exchange; 0 = every message */
    int from;                    /* ISAKMP_SCN_FROM_*: who sent it */
    uint32_t count;              /* frames lost in all; 0 = every matching frame */
};

/* Frames lost at a receiving end (ns-3 error models, see sim/ns3_shim.h). */
struct isakmp_scn_errors {
    int at;                      /* node index of the receiving end; -1 = every end */
    double rate;                 /* per-frame loss probability, 0 = none */
    double burst_prob;           /* probability a frame starts a loss burst */
    uint32_t burst_min, burst_max;   /* frames per burst */
    uint32_t *drop;              /* exact frames to drop, counted from 1 */
    size_t n_drop;
    struct isakmp_scn_named_drop *named;   /* protocol messages to drop */
    size_t n_named;
};

struct isakmp_scn_link {
    char *name;
    int line;
    enum isakmp_scn_link_type type;
    size_t n_ends;               /* 2 for p2p, >= 2 for csma */
    int *nodes;                  /* node index of each end */
    uint32_t *addrs;             /* interface address of each end */
    unsigned prefix_len;         /* subnet of the link */
    uint64_t rate_bps;
    uint64_t delay_ns;
    uint32_t queue_packets;
    bool has_errors;
    struct isakmp_scn_errors errors;
    bool pcap;
};

/* ---- conditions in virtual time ------------------------------------------ */

enum {
    ISAKMP_SCN_SET_LOSS = 1 << 0,
    ISAKMP_SCN_SET_DELAY = 1 << 1,
    ISAKMP_SCN_SET_JITTER = 1 << 2,
    ISAKMP_SCN_SET_REORDER = 1 << 3,
    ISAKMP_SCN_SET_DUPLICATE = 1 << 4,
    ISAKMP_SCN_SET_RATE = 1 << 5,
};

/* From `at_ns` on (until `until_ns`, 0 = the end, when the link's own
 * values come back), the link behaves as given.  `set` says which fields
 * the condition changes (ISAKMP_SCN_SET_*). */
struct isakmp_scn_condition {
    int line;
    uint64_t at_ns, until_ns;
    int link;
    int at;                      /* receiving end's node; -1 = every end */
    unsigned set;
    double loss;                 /* probability */
    uint64_t delay_ns;           /* propagation delay */
    uint64_t jitter_ns;          /* extra delay uniform in [0, jitter] */
    double reorder;              /* probability a frame is held back ... */
    uint64_t reorder_delay_ns;   /* ... by this long (so later ones overtake it) */
    double duplicate;            /* probability a frame is delivered twice */
    uint64_t rate_bps;           /* bandwidth */
};

/* ---- IKE policy ----------------------------------------------------------- */

enum isakmp_scn_mode { ISAKMP_SCN_MAIN, ISAKMP_SCN_AGGRESSIVE };

#define ISAKMP_SCN_MAX_PROPOSALS 16

struct isakmp_scn_policy {
    char *name;
    int line;
    enum isakmp_scn_mode mode;
    uint16_t auth;               /* ISAKMP_AUTH_PSK / _RSA_SIG / _RSA_ENC / _RSA_REV_ENC */
    struct isakmp_p1_transform p1[ISAKMP_SCN_MAX_PROPOSALS];   /* .auth = auth */
    size_t n_p1;
    struct isakmp_p2_proposal p2[ISAKMP_SCN_MAX_PROPOSALS];
    size_t n_p2;
    /* Our phase-1 identity; type ISAKMP_ID_IPV4_ADDR with len 0 means
     * "the node's address" (the runner fills it in). */
    struct isakmp_identity identity;
    uint8_t *psk;                /* auth psk: the key shared with every peer */
    size_t psk_len;
    char *rsa_key;               /* private key file (resolved path), RSA auth */
    char **peer_keys;            /* peers' public key files */
    size_t n_peer_keys;
    int rsa_key_line, peer_keys_line;   /* where they are set (0 = not set) */
    bool short_exponent;
    unsigned exponent_bits;      /* short: bits; 0 = the group's recommended size */
    uint64_t retransmit_initial_ns;
    uint32_t retransmit_factor;
    uint64_t retransmit_cap_ns;
    uint32_t retransmit_tries;
};

/* ---- attacks -------------------------------------------------------------- */

enum isakmp_scn_attack_kind {
    ISAKMP_SCN_SPOOFED_FLOOD,    /* message 1 from spoofed sources */
    ISAKMP_SCN_KE_FLOOD,         /* real address, returns cookies, sends KE */
    ISAKMP_SCN_REPLAY,           /* on-path capture and re-injection */
    ISAKMP_SCN_TAMPER,           /* on-path modification */
    ISAKMP_SCN_STRIP,            /* on-path removal of non-weak phase-1 transforms */
};

enum isakmp_scn_tamper_action {
    ISAKMP_SCN_BITFLIP, ISAKMP_SCN_TRUNCATE, ISAKMP_SCN_SWAP,
};

/* An address pool a spoofed flood draws its sources from. */
struct isakmp_scn_prefix { uint32_t addr; unsigned len; };

#define ISAKMP_SCN_MAX_POOLS 16

struct isakmp_scn_attack {
    char *name;
    int line;
    enum isakmp_scn_attack_kind kind;
    int node;                    /* the attacker's node */
    int target;                  /* victim node (floods); -1 for on-path attacks */
    uint64_t start_ns, stop_ns;  /* stop 0 = the end of the run */
    /* floods */
    double rate;                 /* messages per second, > 0 */
    enum isakmp_scn_mode mode;   /* the exchange the flood opens */
    struct isakmp_p1_transform proposal[ISAKMP_SCN_MAX_PROPOSALS];
    size_t n_proposal;           /* 0 = the target's policy's proposals */
    struct isakmp_scn_prefix pools[ISAKMP_SCN_MAX_POOLS];  /* spoofed flood */
    size_t n_pools;
    bool random_sources;         /* spoofed: random address in the pools, else round robin */
    bool via_stack;              /* spoofed: sent through the attacker's stack and links
                                    (isakmp_sim_inject_udp), else put on the target's end
                                    of a shared link (isakmp_sim_deliver_udp) */
    uint32_t concurrency;        /* ke flood: exchanges kept open at once */
    /* on-path (replay, tamper): the frames a link end receives */
    int link;
    int at;                      /* node index of the tapped end */
    uint8_t exchange;            /* ISAKMP_XCHG_*, 0 = any */
    uint32_t messages;           /* bit n-1 set = message n of the exchange; 0 = all */
    uint32_t max_count;          /* frames to act on; 0 = no limit */
    /* replay */
    uint64_t delay_ns;           /* re-inject this long after capture ... */
    uint64_t reinject_at_ns;     /* ... or at this time (0 = use delay) */
    uint32_t copies;             /* copies re-injected per captured frame */
    /* tamper */
    enum isakmp_scn_tamper_action action;
    double probability;          /* of acting on a matching frame */
    uint32_t flip_bits;          /* bitflip: bits flipped (random positions) */
    int32_t flip_offset;         /* bitflip: -1, or the byte of the UDP payload whose
                                    bits are flipped (then flip_bits <= 8) */
    uint32_t truncate_to;        /* truncate: new length in bytes ... */
    uint32_t truncate_by;        /* ... or this many bytes fewer (0 = use truncate_to) */
    uint8_t swap[2];             /* swap: the two payload types exchanged; swap[1] = 0:
                                    swap[0] is replaced by the same payload of the
                                    previous matching message of another exchange */
    /* floods: the attacker's CPU (its node's CPU model and cost table) */
    uint64_t craft_ns;           /* CPU time to build one message (1 or 3) */
    bool craft_set;              /* craft_ns given; else the node's cost table 'cheap' */
    enum { ISAKMP_SCN_KE_REUSE, ISAKMP_SCN_KE_FRESH, ISAKMP_SCN_KE_FULL } ke;
                                 /* ke flood: one KE value reused (default); a new DH
                                    key pair per message 3; and also the shared secret
                                    computed on message 4, as an honest initiator does */
    /* strip: the groups kept in message 1's SA (every other transform is removed) */
#define ISAKMP_SCN_MAX_KEEP 8
    uint16_t keep[ISAKMP_SCN_MAX_KEEP];
    size_t n_keep;
};

/* ---- sweeps --------------------------------------------------------------- */

/* One swept parameter: a setting path and the values it takes, each as
 * override text. */
struct isakmp_scn_sweep_param {
    char *path;
    char **values;
    size_t n_values;
};

struct isakmp_scn_sweep {
    struct isakmp_scn_sweep_param *params;
    size_t n_params;
    uint32_t replications;       /* >= 1 */
};

/* ---- the scenario ------------------------------------------------------- */

struct isakmp_scenario {
    char *file;                  /* as given to load */
    char *name;
    char *description;           /* "" when absent */
    uint32_t seed;               /* ns-3 RngSeedManager seed, != 0 */
    uint64_t run;                /* ns-3 run number (replications vary it) */
    uint64_t duration_ns;
    char *cost_table;            /* default cost-table file, resolved; NULL = model */
    uint64_t sample_period_ns;
    bool pcap_all;               /* pcap on every device */
    bool trace;                  /* per-message trace rows */
    struct isakmp_scn_node *nodes;
    size_t n_nodes;
    struct isakmp_scn_link *links;
    size_t n_links;
    struct isakmp_scn_policy *policies;
    size_t n_policies;
    struct isakmp_scn_condition *conditions;
    size_t n_conditions;
    struct isakmp_scn_attack *attacks;
    size_t n_attacks;
    struct isakmp_scn_sweep sweep;
};

/* Read and validate the scenario in file `path`, after applying the
 * overrides ("PATH=VALUE" strings, may be NULL when n_overrides is 0).
 * Relative file names inside (cost tables, keys) are resolved against the
 * scenario file's folder.  Returns NULL on any error, with the message in
 * err (always NUL-terminated; errlen >= 1). */
struct isakmp_scenario *isakmp_scenario_load(const char *path,
                                             const char *const *overrides,
                                             size_t n_overrides,
                                             char *err, size_t errlen);

/* Same from text in memory; `name` stands for the file in messages and
 * relative paths are resolved against the current directory. */
struct isakmp_scenario *isakmp_scenario_parse(const char *text, const char *name,
                                              const char *const *overrides,
                                              size_t n_overrides,
                                              char *err, size_t errlen);

void isakmp_scenario_free(struct isakmp_scenario *s);

/* Index of the node / link / policy / attack named `name`, or -1. */
int isakmp_scenario_node(const struct isakmp_scenario *s, const char *name);
int isakmp_scenario_link(const struct isakmp_scenario *s, const char *name);
int isakmp_scenario_policy(const struct isakmp_scenario *s, const char *name);
int isakmp_scenario_attack(const struct isakmp_scenario *s, const char *name);

/* Text names of the enums, as written in files ("responder", "p2p", ...). */
const char *isakmp_scn_role_name(enum isakmp_scn_role r);
const char *isakmp_scn_mode_name(enum isakmp_scn_mode m);
const char *isakmp_scn_auth_name(uint16_t auth);
const char *isakmp_scn_attack_kind_name(enum isakmp_scn_attack_kind k);

/* ---- sweep expansion ------------------------------------------------------ */

/* One run of a sweep: the parameter point (one value of each parameter)
 * and the replication. */
struct isakmp_scn_run {
    size_t index;                /* position in the expansion, 0.. */
    size_t point;                /* parameter combination, 0..points-1 */
    uint32_t replication;        /* 0..replications-1 */
    uint64_t run;                /* ns-3 run number = scenario run + replication */
    size_t n_set;                /* = number of parameters */
    char **set;                  /* "PATH=VALUE" overrides, for isakmp_scenario_load */
    const char **names;          /* PATH of each, for the results' parameters */
    const char **values;         /* VALUE of each (override text: a string that
                                    looks like a number keeps its "quotes");
                                    names and values point into the scenario:
                                    free the runs before the scenario */
};

/* Expand the sweep: every combination of the parameters' values (the
 * first parameter varies slowest, values in the order written) for
 * replication 0, then all again for replication 1, and so on - so a sweep
 * stopped early has data for every point.  A scenario without a sweep
 * gives one run with no overrides.  Returns the array (free with
 * isakmp_scn_runs_free) and its length in *n; NULL on out of memory or
 * when the expansion would exceed 1 000 000 runs (message in err). */
struct isakmp_scn_run *isakmp_scn_sweep_expand(const struct isakmp_scenario *s,
                                               size_t *n, char *err, size_t errlen);
void isakmp_scn_runs_free(struct isakmp_scn_run *runs, size_t n);

#ifdef __cplusplus
}
#endif

#endif
