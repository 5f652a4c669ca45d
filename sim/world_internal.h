/* Inside the world (sim/world.h): the structures its files share.
 *   world.c        lifecycle, the run loop, periodic samples, progress
 *   world_build.c  ns-3 nodes, links, loss, pcap from the scenario
 *   node.c         per-node engine + CPU model + DRBG glue
 *   initiator.c    legitimate initiators' arrival process
 *   attack_*.c     the attackers
 *   conditions.c   link conditions scheduled in virtual time
 *   record.c       engine events -> recorder rows, decryption table */
#ifndef ISAKMP_SIM_WORLD_INTERNAL_H
#define ISAKMP_SIM_WORLD_INTERNAL_H

#include "world.h"

#include "cpu_model.h"
#include "ns3_shim.h"

#include "isakmp/cost.h"
#include "isakmp/drbg.h"
#include "isakmp/engine.h"

#define IKE_PORT 500

struct sim_world;
struct sim_record;
struct sim_attack;
struct sim_onpath;

/* One exchange a legitimate node started (a row of `exchanges`). */
struct sim_exchange {
    uint64_t id;                 /* exchange_id, in order of start */
    isakmp_handle handle;
    int initiator, responder;    /* node indices (-1: address of no node) */
    uint32_t peer_addr;
    uint8_t exchange_type;
    uint16_t dh_group;
    uint64_t start_ns, end_ns;
    bool ended;
    const char *outcome;         /* static string */
    const char *failure_reason;  /* static string or NULL */
    uint16_t notify;
    uint64_t messages, bytes, retransmissions;
};

/* A datagram an engine sent, held by the CPU model until the end of the
 * busy period.  The engine's MESSAGE_SENT event (which follows the send)
 * fills in what the trace row needs. */
struct sim_out {
    struct sim_node *n;
    uint32_t dst;
    uint16_t dport;
    bool known;                  /* a MESSAGE_SENT event matched it */
    uint8_t exchange_type, number;
    bool retransmission;
    uint64_t exchange_id;        /* 0 = not one of our exchanges */
    size_t len;
    uint8_t data[];
};

/* One CPU work item of a node. */
enum sim_work_kind { SIM_WORK_RECV, SIM_WORK_TIMER, SIM_WORK_INITIATE, SIM_WORK_QUICK };
struct sim_work {
    struct sim_node *n;
    enum sim_work_kind kind;
    isakmp_handle phase1;        /* QUICK */
    uint32_t src, dst;           /* RECV */
    uint16_t sport, dport;
    struct sim_attack *claim;    /* RECV: the on-path attack that put it there */
    uint32_t claim_label;
    size_t len;
    uint8_t data[];
};

struct sim_node {
    struct sim_world *w;
    uint32_t idx;
    const struct isakmp_scn_node *scn;
    const struct isakmp_scn_policy *pol;   /* NULL: no engine */
    uint32_t addr;

    struct isakmp_engine *e;
    struct isakmp_drbg *rng;
    struct isakmp_cpu *cpu;
    struct isakmp_cost_table *cost;
    struct isakmp_psk *psks;
    size_t n_psks;

    /* engine deadline as an ns-3 event */
    uint64_t timer_ev, timer_at;
    bool timer_queued;           /* a timeout work item is waiting in the CPU */

    /* initiator */
    struct isakmp_policy policy;
    uint32_t started;            /* phase-1 exchanges started */
    uint32_t arrivals;           /* initiations scheduled so far */
    struct isakmp_drbg *arrival_rng;   /* Poisson gaps (own stream: the engine's
                                          draws do not shift them) */

    /* phase-1 SAs established during the running engine call (their
     * decryption-table line is read after the call returns) */
    isakmp_handle new_sas[8];
    size_t n_new_sas;
    isakmp_handle qm_after[8];   /* extra Quick Modes to start (quick_modes > 1) */
    size_t n_qm_after;

    struct sim_out *last_out;    /* the datagram the engine just sent */

    /* During an engine call on a datagram an on-path attack injected or
     * altered: that attack, its label and how many reactions were seen. */
    struct sim_attack *claim;
    uint32_t claim_label;
    uint32_t claim_reactions;
    /* received (parsed) and later in the same call rejected: "accepted"
     * only when no rejection follows (a hash is checked after parsing) */
    bool claim_received, claim_rejected;
    isakmp_handle claim_handle;

    /* exchanges started here */
    struct sim_exchange *xs;
    size_t n_xs, cap_xs;

    /* samples */
    uint64_t busy_prev;
    uint64_t cpu_dropped;

    /* RSA credentials (node.c): own key, peers' keys the engine points to */
    struct isakmp_rsa_key *rsa_key;
    struct isakmp_rsa_key **rsa_keys;    /* loaded peer keys, owned */
    size_t n_rsa_keys;
    struct isakmp_rsa_peer *rsa_peers;
    size_t n_rsa_peers;
};

/* An attacker: a generic record; each kind keeps its own state in `impl`. */
struct sim_attack {
    struct sim_world *w;
    size_t idx;
    const struct isakmp_scn_attack *scn;
    uint64_t sent, delivered, dropped;
    /* Classifier for the target's inputs: does this datagram come from
     * this attack?  NULL: counted by the attack itself. */
    bool (*owns)(const struct sim_attack *a, uint32_t src, uint16_t sport);
    void (*free_impl)(struct sim_attack *a);
    void *impl;
    /* Named counters (rows of attack_counters), in order of creation. */
    struct sim_counter *ctr;
    size_t n_ctr, cap_ctr;
};

struct sim_counter {
    char name[48];
    uint64_t value;
};

/* Add delta to the attack's counter `name` (created at 0; names longer
 * than 47 bytes are cut).  Out of memory: sim_fail. */
void sim_attack_count(struct sim_attack *a, const char *name, uint64_t delta);

struct sim_world {
    const struct isakmp_scenario *s;
    struct isakmp_world_options opt;
    isakmp_sim_world *ns;
    struct sim_node *nodes;
    size_t n_nodes;
    int *link_ids;               /* shim link id per scenario link */
    struct sim_attack *attacks;
    size_t n_attacks;
    struct isakmp_cost_table base_cost;    /* the scenario's table (or the model) */
    struct sim_record *rec;
    struct sim_onpath *onpath;   /* taps and injections of on-path attacks */
    uint64_t next_exchange_id;
    uint64_t events;
    bool failed;                 /* a fatal error during the run */
    char err[512];
    struct sim_conditions *conditions;   /* conditions.c: scheduled changes, named loss */
};

/* world.c */
void sim_fail(struct sim_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sim_node_by_addr(const struct sim_world *w, uint32_t addr);

/* world_build.c */
bool sim_build_topology(struct sim_world *w);

/* node.c */
bool sim_node_init(struct sim_node *n);
void sim_node_free(struct sim_node *n);
/* Queue an initiation of phase 1 (+ Quick Mode) with the node's policy. */
void sim_node_initiate(struct sim_node *n);
/* The datagram classifier used by attack counters (see sim_attack.owns). */
void sim_node_count_attack_input(struct sim_node *n, uint32_t src, uint16_t sport, bool dropped);
/* The engine's random callback: the node's DRBG. */
void sim_node_random(void *user, uint8_t *buf, size_t len);

/* initiator.c */
void sim_initiators_start(struct sim_world *w);

/* attack_*.c: build one attacker (false + sim_fail on error) */
bool sim_attack_flood_init(struct sim_attack *a);
bool sim_attack_ke_flood_init(struct sim_attack *a);
bool sim_attack_replay_init(struct sim_attack *a);
bool sim_attack_tamper_init(struct sim_attack *a);
bool sim_attack_strip_init(struct sim_attack *a);
/* Header fields of an ISAKMP datagram, for attack filters: false when too
 * short to be ISAKMP. */
bool sim_isakmp_peek(const uint8_t *p, size_t len, uint8_t *exchange, uint8_t *flags,
                     bool *cky_r_zero);

/* attack_onpath.c: what the on-path attackers share.
 * A frame seen at a tapped end, with its place in its exchange: the world
 * numbers ISAKMP messages per exchange (CKY-I, message ID) from every end
 * of the link, so message 3 of Main Mode is 3 whichever end sees it; a
 * retransmission (same bytes) keeps its number. */
struct sim_onpath_frame {
    bool isakmp;                 /* UDP 500/4500 with an ISAKMP header */
    uint8_t exchange;            /* header exchange type */
    uint8_t number;              /* 1.. within the exchange; 0 = beyond tracking */
    bool encrypted;
};
typedef enum isakmp_sim_verdict (*sim_onpath_hook)(struct sim_attack *a,
                                                   struct isakmp_sim_tap_packet *pkt,
                                                   const struct sim_onpath_frame *f);
/* Tap the attack's (link, at) end with hook, and number every frame of
 * the link (all ends observed).  false + sim_fail on error. */
bool sim_onpath_attach(struct sim_attack *a, sim_onpath_hook hook);
/* Does the frame match the attack's exchange / messages filter? */
bool sim_onpath_matches(const struct sim_attack *a, const struct sim_onpath_frame *f);
/* Label for counters: exchange << 8 | number, and its text "main.3". */
uint32_t sim_onpath_label(const struct sim_onpath_frame *f);
void sim_onpath_label_name(uint32_t label, char *buf, size_t cap);
/* A datagram the attack put (or altered) towards node: when it reaches the
 * node's socket it is attributed to the attack (claim), and the engine's
 * reaction is counted as LABEL.REACTION. */
void sim_onpath_expect(struct sim_attack *a, uint32_t node, const uint8_t *data, size_t len,
                       uint32_t label);
/* node.c: at the socket (claim) and around the engine call (reactions). */
struct sim_attack *sim_onpath_claim(struct sim_node *n, const uint8_t *data, size_t len,
                                    uint32_t *label);
void sim_onpath_reaction(struct sim_node *n, const struct isakmp_event *ev);
void sim_onpath_call_done(struct sim_node *n);
/* Every engine event of every node: the end of an exchange that accepted
 * an attacker's message is counted as LABEL.later-completed /
 * LABEL.later-failed:REASON. */
void sim_onpath_observe(struct sim_node *n, const struct isakmp_event *ev);
void sim_onpath_free(struct sim_world *w);

/* attack_flood.c: a Main/Aggressive Mode message 1 (Aggressive: with KE,
 * nonce and an IPv4 ID of id_addr); returns its length, 0 on error. */
size_t sim_build_message1(uint8_t xchg, const uint8_t cky_i[8],
                          const struct isakmp_p1_transform *p1, size_t n_p1,
                          const uint8_t *ke, size_t ke_len, const uint8_t *nonce, size_t nonce_len,
                          uint32_t id_addr, uint8_t *buf, size_t cap);

/* attack_flood.c: the floods' attacker CPU.  A flood's node has a CPU
 * model (cores, per-item overhead, cost table) like any node: building a
 * message costs the attack's craft time, its crypto the cost table's
 * figure, and every datagram it receives is a work item.  A send tick that
 * finds the CPU busy is owed (started as soon as the CPU is free); a tick
 * while one is owed is lost (counter cpu-limited): the flood goes only as
 * fast as its CPU. */
struct sim_node *sim_attacker_node(const struct sim_attack *a);
bool sim_attacker_cpu_free(const struct sim_attack *a);
/* That pacing, shared by the floods: `start(arg)` begins one unit of work
 * (a message, an attempt) on the attacker's CPU; `tick(attack)` is the
 * flood's scheduled send event, which calls sim_pacer_tick. */
struct sim_pacer {
    bool owed;                   /* a tick found the CPU busy */
    uint64_t ticks;              /* send ticks so far (the schedule) */
    uint64_t stop_ns;
    void (*start)(void *arg);
    void *arg;
    void (*tick)(void *attack);
};
/* A send tick: start now, or owe one, or count the tick cpu-limited; then
 * schedule the next tick at start + k / rate (computed from k: no drift). */
void sim_pacer_tick(struct sim_attack *a, struct sim_pacer *p);
/* A busy period ended: start the owed unit when nothing else waits (so at
 * most one owed unit is ever queued). */
void sim_pacer_done(struct sim_attack *a, struct sim_pacer *p);
uint64_t sim_attacker_craft_ns(const struct sim_attack *a);
/* Record one attacker crypto operation (a crypto_ops row of its node);
 * key: the DH key it used (its exponent policy is recorded), or NULL. */
struct isakmp_dh_key;
void sim_attacker_crypto(struct sim_attack *a, enum isakmp_crypto_op op,
                         const struct isakmp_dh_key *key, const struct isakmp_crypto_cost *rep);

/* conditions.c (scheduled link changes, named-message loss) */
bool sim_conditions_schedule(struct sim_world *w);
/* After the shim world is freed (its filters point into this). */
void sim_conditions_free(struct sim_world *w);

/* record.c */
struct sim_record *sim_record_new(struct sim_world *w);
void sim_record_free(struct sim_record *r);
void sim_record_event(struct sim_node *n, const struct isakmp_event *ev);
/* After an engine call: read decryption lines of newly established SAs. */
void sim_record_after_call(struct sim_node *n);
/* A datagram leaves node n (end of a busy period). */
void sim_record_sent(struct sim_node *n, const struct sim_out *o, bool sent_ok);
/* isakmp_engine_initiate refused (a local error): a failed exchange row. */
void sim_record_local_failure(struct sim_node *n, uint64_t now);
/* An input was refused by the CPU queue. */
void sim_record_cpu_drop(struct sim_node *n, const uint8_t *data, size_t len);
void sim_record_sample(struct sim_world *w, uint64_t t_ns);
bool sim_record_finish(struct sim_world *w);
size_t sim_record_keys(const struct sim_world *w);
void sim_record_totals(const struct sim_world *w, struct isakmp_world_summary *out);

#endif
