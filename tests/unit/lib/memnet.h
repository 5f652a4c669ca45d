/* An in-memory network and fake clock for engine tests: N engines joined
 * by address, datagrams delivered after a fixed delay, and faults on
 * chosen datagrams (drop, duplicate, delay/reorder).  Time only moves in
 * memnet_run/memnet_step, to the next delivery or engine deadline.
 *
 * Every datagram sent is numbered (1, 2, ... over the whole network, in
 * send order) and kept, so a test can drop "the 3rd message" or replay
 * one later with memnet_inject.  Every event of every engine is logged. */
#ifndef TESTS_MEMNET_H
#define TESTS_MEMNET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/engine.h"

#define MEMNET_MAX_NODES 8

struct memnet;

struct memnet_packet {
    unsigned seq;                  /* 1-based send order */
    int from_node, to_node;        /* to_node -1: no engine has that address */
    struct isakmp_addr from, to;
    uint8_t *bytes;
    size_t len;
    uint64_t sent_at;
    /* The addresses as the sender gave them, before a NAT (memnet_nat)
     * rewrote from/to; equal to from/to without one. */
    struct isakmp_addr orig_from, orig_to;
};

/* A network whose datagrams take delay_ns; seed makes each node's random
 * stream (a DRBG) reproducible. */
struct memnet *memnet_new(uint64_t delay_ns, uint64_t seed);
/* Free the network and every engine in it. */
void memnet_free(struct memnet *n);

/* Add an engine at `addr` with this configuration (the network owns
 * it).  Returns its node index, or -1. */
int memnet_add(struct memnet *n, const struct isakmp_config *cfg, struct isakmp_addr addr);
struct isakmp_engine *memnet_engine(struct memnet *n, int node);
struct isakmp_addr memnet_addr(struct memnet *n, int node);
uint64_t memnet_now(const struct memnet *n);

/* Faults, by datagram number. */
void memnet_drop(struct memnet *n, unsigned seq);
void memnet_duplicate(struct memnet *n, unsigned seq);
void memnet_delay(struct memnet *n, unsigned seq, uint64_t extra_ns);
/* Drop every datagram from now on while `on` (a partition). */
void memnet_partition(struct memnet *n, bool on);

/* Advance to the next delivery or deadline (not past `until`) and
 * process everything due then.  False when nothing is left before `until`. */
bool memnet_step(struct memnet *n, uint64_t until);
/* Step until nothing is left before `until`, then set the clock to
 * `until`.  Returns the steps taken. */
unsigned memnet_run(struct memnet *n, uint64_t until);
/* Deliver bytes to the node owning `to` now (as if from `from`). */
void memnet_inject(struct memnet *n, const uint8_t *bytes, size_t len,
                   const struct isakmp_addr *from, const struct isakmp_addr *to);

/* A NAT in front of `node` (RFC 3947 tests): a datagram the node sends
 * leaves with the source address `public_addr` and a port mapped from
 * its own source port (first_port, first_port + 1, ... in order of first
 * use), and a datagram to a mapped public address/port reaches the node
 * at its own address and port.  A node is also reached on any port of
 * its address from then on (its NAT-T port).  memnet_nat_rebind forgets
 * the mappings (as a NAT whose mappings expired): the next datagrams get
 * new ports. */
void memnet_nat(struct memnet *n, int node, struct isakmp_addr public_addr, uint16_t first_port);
void memnet_nat_rebind(struct memnet *n, int node);
/* Deliver datagrams to a node on any port of its address (without a NAT:
 * for a peer that floats to 4500). */
void memnet_any_port(struct memnet *n, bool on);

/* Datagrams sent so far (including dropped ones).  A packet pointer is
 * valid until the next datagram is sent: copy what you keep. */
size_t memnet_sent_count(const struct memnet *n);
const struct memnet_packet *memnet_sent(const struct memnet *n, unsigned seq);

/* Events of a node, in order (PLAINTEXT events point to copies of their
 * bytes, valid until memnet_free). */
size_t memnet_events(const struct memnet *n, int node, const struct isakmp_event **evs);
/* How many events of a type a node has seen. */
unsigned memnet_count(const struct memnet *n, int node, enum isakmp_event_type t);
/* The same for EXCHANGE_* events of one exchange type. */
unsigned memnet_count_xchg(const struct memnet *n, int node, enum isakmp_event_type t,
                           uint8_t xchg);
/* The last event of a type, or NULL. */
const struct isakmp_event *memnet_last(const struct memnet *n, int node, enum isakmp_event_type t);
/* Forget the events logged so far. */
void memnet_clear_events(struct memnet *n);

/* ---- fixtures ---------------------------------------------------------------- */

/* Defaults + one PSK for `peer` (psk_storage and key must outlive the
 * engine_new call), the proposal lists, Aggressive Mode allowed. */
void memnet_psk_config(struct isakmp_config *c, struct isakmp_psk *psk_storage,
                       const struct isakmp_addr *peer, const char *key,
                       const struct isakmp_p1_transform *p1, size_t n1,
                       const struct isakmp_p2_proposal *p2, size_t n2);
/* AES-128/SHA-1/PSK in `group`, 1 hour. */
struct isakmp_p1_transform memnet_p1(uint16_t group);
/* ESP AES-128 HMAC-SHA1 tunnel, 30 minutes, PFS group (0: none). */
struct isakmp_p2_proposal memnet_p2_esp(uint16_t pfs_group);

#endif
