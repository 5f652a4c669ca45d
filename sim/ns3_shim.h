/* status: complete
 *
 * The ns-3 shim: the only part of the testbed that knows ns-3 types. It
 * wraps Debian's ns-3 3.37 behind a C API: a world (seed + run), nodes,
 * point-to-point and CSMA links, loss models, UDP endpoints, virtual-time
 * events, pcap tracing, spoofed-source injection, and an on-path tap that can
 * observe, drop, modify or capture the datagrams arriving at a device.
 *
 * Conventions
 * - Times are virtual nanoseconds since the start of the simulation.
 * - IPv4 addresses are uint32_t in host byte order (10.0.0.1 = 0x0a000001);
 *   ports are host order too.
 * - A link's "end" is the index of a node in that link: 0 and 1 for a
 *   point-to-point link (node_a, node_b), 0..n-1 for a CSMA segment in the
 *   order given. Loss models, impairments, taps and pcap attach to one end:
 *   they act on the frames that end's device RECEIVES (a p2p pcap also holds
 *   what the device sends).
 * - ns-3 has one global simulator: only one world may exist at a time.
 *   Freeing it (Simulator::Destroy) allows a new one.
 * - Call the API from the thread that created the world, and during a run
 *   only from callbacks (ns-3 is single-threaded).
 * - Functions returning int return 0 (or an id >= 0) on success and -1 on a
 *   bad argument (unknown node/link/end, value out of range).
 *
 * Determinism: RngSeedManager::SetSeed/SetRun are set from the world's seed
 * and run; every random stream (internet stack per node, CSMA backoff and
 * every loss/impairment model per link end) gets a fixed stream number
 * derived from the node id or (link id, end), so adding a link or node later
 * does not shift the draws of the existing ones. The same seed, run and
 * construction sequence give byte-identical pcaps.
 */
#ifndef ISAKMP_SIM_NS3_SHIM_H
#define ISAKMP_SIM_NS3_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct isakmp_sim_world isakmp_sim_world;

/* ---- world ------------------------------------------------------------ */

/* Create the world: sets the RNG seed (must be non-zero) and run number,
 * the PriorityQueueScheduler (it stays fast with a million pending events,
 * as floods need), and enables checksums (so pcaps show valid IPv4/UDP
 * checksums and receivers verify them). Returns NULL if seed == 0 or a world
 * already exists. */
isakmp_sim_world *isakmp_sim_world_new(uint32_t seed, uint64_t run);

/* Destroy everything (Simulator::Destroy): pending events are dropped
 * without being called, pcap files are closed (complete only after this).
 * NULL is accepted. */
void isakmp_sim_world_free(isakmp_sim_world *w);

/* ---- topology ----------------------------------------------------------- */

struct isakmp_sim_link_params {
    uint64_t rate_bps;      /* data rate in bit/s; must be > 0 */
    uint64_t delay_ns;      /* one-way propagation delay */
    uint32_t queue_packets; /* device DropTail queue size in packets; 0 -> 100 */
};

/* A new node with an IPv4 stack (no IPv6, so pcaps hold no IPv6 chatter).
 * Returns its id (0, 1, 2, ... in creation order) or -1. */
int isakmp_sim_node_new(isakmp_sim_world *w);

/* Connect node_a and node_b with a point-to-point link (PPP framing: 2 bytes
 * per frame). addr_a/addr_b are the two interface addresses, prefix_len the
 * subnet's length (1..32). Returns the link id or -1. */
int isakmp_sim_link_p2p(isakmp_sim_world *w, uint32_t node_a, uint32_t node_b,
                        const struct isakmp_sim_link_params *params,
                        uint32_t addr_a, uint32_t addr_b, unsigned prefix_len);

/* Connect n (>= 2) nodes on one CSMA (Ethernet) segment; addrs[i] is node
 * nodes[i]'s interface address. ARP is pre-populated before the first run,
 * so no ARP exchange delays the first datagram. Returns the link id or -1. */
int isakmp_sim_link_csma(isakmp_sim_world *w, const uint32_t *nodes,
                         const uint32_t *addrs, size_t n,
                         const struct isakmp_sim_link_params *params,
                         unsigned prefix_len);

/* ---- loss and impairments (per receiving end) -------------------------- */

/* Drop each frame received at this end with probability p (0..1),
 * ns3::RateErrorModel per packet.  The end has one such model: a later
 * call (e.g. a scheduled condition) changes its probability, it does not
 * add a second model. */
int isakmp_sim_loss_rate(isakmp_sim_world *w, uint32_t link, uint32_t end, double p);

/* Bursts: each frame starts a burst with probability p; a burst drops a
 * number of frames uniform in [min_len, max_len] (ns3::BurstErrorModel). */
int isakmp_sim_loss_burst(isakmp_sim_world *w, uint32_t link, uint32_t end,
                          double p, uint32_t min_len, uint32_t max_len);

/* Drop exactly the listed frames received at this end, counted from 1
 * (ns3::ReceiveListErrorModel). Every frame the device receives counts,
 * including any non-UDP frame. n <= 1024. */
int isakmp_sim_loss_nth(isakmp_sim_world *w, uint32_t link, uint32_t end,
                        const uint32_t *nth, size_t n);

/* Duplication and reordering at this end. ns-3's point-to-point and CSMA
 * devices have no such model, so the shim provides it in the delivery path:
 * each frame that survived loss and the tap is delayed by an extra delay
 * uniform in [0, jitter_max_ns] (frames overtake each other: reordering),
 * and with probability dup_prob a copy is delivered too, with its own extra
 * delay. The extra delay is added after the frame has left the link, so it
 * does not occupy the link or its queue. */
int isakmp_sim_impair(isakmp_sim_world *w, uint32_t link, uint32_t end,
                      double dup_prob, uint64_t jitter_max_ns);

/* Reordering by holding frames back: each frame that survived loss and the
 * tap is, with probability prob, delivered hold_ns later than it would be
 * (after any jitter), so frames behind it overtake it.  prob 0 turns it
 * off.  Own random stream per end (draws only while prob > 0), so turning
 * it on does not shift the draws of the other models. */
int isakmp_sim_reorder(isakmp_sim_world *w, uint32_t link, uint32_t end,
                       double prob, uint64_t hold_ns);

/* Select frames to lose by their content: fn sees every unfragmented
 * IPv4/UDP frame this end receives (on CSMA: addressed to this device or
 * broadcast), after the other loss models have drawn (`lost` says whether
 * one of them already lost it; the frame is then lost whatever fn says),
 * and returns true to lose it (counted in `lost`).  It sees the frames the
 * other models lose too, so it can keep count of everything that arrived.
 * pkt->data is valid only during the call and must not be written.
 * fn == NULL removes it.  One filter per end. */
struct isakmp_sim_tap_packet;      /* below, with the tap */
typedef bool (*isakmp_sim_loss_fn)(void *user, const struct isakmp_sim_tap_packet *pkt,
                                   bool lost);
int isakmp_sim_loss_filter(isakmp_sim_world *w, uint32_t link, uint32_t end,
                           isakmp_sim_loss_fn fn, void *user);

/* ---- changing a link during a run ----------------------------------------
 * These take effect at the virtual time they are called (schedule them
 * with isakmp_sim_at); frames already on the wire keep the values they
 * were sent with, so a delay cut lets later frames overtake earlier ones,
 * as a route change does. */

/* The link's one-way propagation delay (both directions; every end of a
 * CSMA segment): point-to-point and CSMA. */
int isakmp_sim_link_set_delay(isakmp_sim_world *w, uint32_t link, uint64_t delay_ns);

/* The link's data rate (both devices), point-to-point only: -1 for a
 * CSMA segment (ns-3's CsmaNetDevice copies the channel's rate once, when
 * it is attached, and offers no way to change it) or rate_bps == 0. */
int isakmp_sim_link_set_rate(isakmp_sim_world *w, uint32_t link, uint64_t rate_bps);

/* ---- on-path tap -------------------------------------------------------- */

enum isakmp_sim_verdict {
    ISAKMP_SIM_PASS = 0,     /* deliver unchanged */
    ISAKMP_SIM_DROP = 1,     /* the frame is lost */
    ISAKMP_SIM_MODIFIED = 2, /* deliver data[0..len) instead of the payload */
};

/* One IPv4/UDP datagram arriving at a tapped end. */
struct isakmp_sim_tap_packet {
    uint32_t link, end, node; /* where: the receiving device */
    uint64_t now_ns;
    uint32_t src, dst;        /* IPv4 addresses of the datagram */
    uint16_t sport, dport;
    uint8_t *data;            /* UDP payload; writable up to cap bytes */
    size_t len;               /* payload length; may be changed (<= cap) */
    size_t cap;
};

/* Called for every unfragmented IPv4/UDP frame this end receives (on CSMA:
 * only frames addressed to this device or broadcast), after the loss models
 * and before impairments and delivery. The callback may copy the payload
 * (capture for a later replay), drop the frame, or rewrite/truncate/extend
 * the payload and return ISAKMP_SIM_MODIFIED: the shim then rebuilds the
 * frame with the new UDP and IPv4 lengths and correct checksums (and the
 * Ethernet FCS), as an on-path attacker would, so the receiver's stack
 * accepts it and the receiving end's pcap shows the tampered frame. The
 * data pointer is valid only during the call. fn == NULL removes the tap. */
typedef enum isakmp_sim_verdict (*isakmp_sim_tap_fn)(void *user,
                                                     struct isakmp_sim_tap_packet *pkt);
int isakmp_sim_tap(isakmp_sim_world *w, uint32_t link, uint32_t end,
                   isakmp_sim_tap_fn fn, void *user);

/* Put a datagram on the wire as if it had just arrived at this end's device
 * from the link (a replayer or forger sitting on the path, needing no node
 * of its own): the shim builds the IPv4/UDP frame (checksums correct, TTL
 * 64) and hands it to the device now. It passes no loss model, tap or
 * impairment of this end. Returns 0, or -1 (bad end, len > 65507). */
int isakmp_sim_deliver_udp(isakmp_sim_world *w, uint32_t link, uint32_t end,
                           uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                           const void *data, size_t len);

/* ---- UDP endpoints ------------------------------------------------------ */

/* One datagram delivered to a node's UDP socket. data is valid only during
 * the callback. isakmp_sim_now() gives the arrival time. */
struct isakmp_sim_datagram {
    uint32_t node;
    uint32_t src; uint16_t sport;
    uint32_t dst; uint16_t dport;
    const uint8_t *data;
    size_t len;
};
typedef void (*isakmp_sim_recv_fn)(void *user, const struct isakmp_sim_datagram *d);

/* Open a UDP socket on node bound to addr:port (addr 0 = any local address;
 * port e.g. 500 or 4500). Each datagram it receives is passed to fn(user, d).
 * fn == NULL makes a counting sink that never enters C (the "bare" baseline
 * of the benchmark). One socket per (node, port). */
int isakmp_sim_udp_open(isakmp_sim_world *w, uint32_t node, uint32_t addr, uint16_t port,
                        isakmp_sim_recv_fn fn, void *user);

/* Send len bytes from the node's socket bound to sport to dst:dport.
 * The source address is chosen by routing unless the socket was bound to an
 * address. Returns 0, or -1 (no such socket, len > 65507, no route). A full
 * device queue drops the datagram silently, as a real one does. */
int isakmp_sim_udp_send(isakmp_sim_world *w, uint32_t node, uint16_t sport,
                        uint32_t dst, uint16_t dport, const void *data, size_t len);

/* Datagrams received by the socket (node, port) so far; 0 if none. */
uint64_t isakmp_sim_udp_received(isakmp_sim_world *w, uint32_t node, uint16_t port);

/* Native flood (no C call per packet): from the node's socket bound to
 * sport, send count datagrams of len bytes (all zero) to dst:dport, the first at
 * absolute time start_ns, then one every interval_ns. Used by the benchmark
 * as the bare-ns-3 baseline, and usable as cheap background traffic. */
int isakmp_sim_udp_flood(isakmp_sim_world *w, uint32_t node, uint16_t sport,
                         uint32_t dst, uint16_t dport, size_t len,
                         uint64_t count, uint64_t start_ns, uint64_t interval_ns);

/* ---- spoofed-source injection ------------------------------------------ */

/* Send an IPv4/UDP datagram from node (the attacker) carrying ANY source
 * address and port, built by hand with valid checksums, through a raw socket
 * bound to the node's device that routes towards dst. Returns 0 or -1 (no
 * route from node to dst, len > 65507). */
int isakmp_sim_inject_udp(isakmp_sim_world *w, uint32_t node,
                          uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
                          const void *data, size_t len);

/* ---- time and events ---------------------------------------------------- */

typedef void (*isakmp_sim_event_fn)(void *arg);

/* Current virtual time in ns. */
uint64_t isakmp_sim_now(const isakmp_sim_world *w);

/* Call fn(arg) at absolute time t_ns (a time in the past means now), or
 * after delay_ns. Events at the same time run in the order scheduled.
 * Returns a non-zero handle for isakmp_sim_cancel, 0 on a bad argument. */
uint64_t isakmp_sim_at(isakmp_sim_world *w, uint64_t t_ns, isakmp_sim_event_fn fn, void *arg);
uint64_t isakmp_sim_after(isakmp_sim_world *w, uint64_t delay_ns, isakmp_sim_event_fn fn, void *arg);

/* Cancel a pending event; true if it was pending (it will not run), false if
 * it already ran, was cancelled, or never existed. */
bool isakmp_sim_cancel(isakmp_sim_world *w, uint64_t handle);

/* Run until no event is left, or until isakmp_sim_stop is called from a
 * callback. Routes and ARP caches are computed first if the topology
 * changed. Calling run or run_until from inside a callback does nothing. */
void isakmp_sim_run(isakmp_sim_world *w);
/* Run until virtual time t_ns, then return with now == t_ns (or earlier if
 * isakmp_sim_stop was called). Events due at t_ns that were scheduled
 * before this call run; ones scheduled for t_ns during it run in the next
 * call. */
void isakmp_sim_run_until(isakmp_sim_world *w, uint64_t t_ns);
/* From inside a callback: return from run after the current event. */
void isakmp_sim_stop(isakmp_sim_world *w);

/* ---- pcap ---------------------------------------------------------------- */

/* Trace one end's device into the file at path (promiscuous: everything it
 * sends and receives; PPP or Ethernet link type). */
int isakmp_sim_pcap_device(isakmp_sim_world *w, uint32_t link, uint32_t end, const char *path);
/* Trace every end of a link into PREFIX-NODE-DEVICE.pcap (ns-3's naming). */
int isakmp_sim_pcap_link(isakmp_sim_world *w, uint32_t link, const char *prefix);
/* Trace every device of a node into PREFIX-NODE-DEVICE.pcap. */
int isakmp_sim_pcap_node(isakmp_sim_world *w, uint32_t node, const char *prefix);

/* ---- counters ------------------------------------------------------------ */

struct isakmp_sim_end_stats {
    uint64_t lost;          /* dropped by the loss models */
    uint64_t tap_seen;      /* UDP frames shown to the tap */
    uint64_t tap_dropped;
    uint64_t tap_modified;
    uint64_t delayed;       /* frames given a non-zero extra delay */
    uint64_t duplicated;
    uint64_t queue_dropped; /* this end's transmit queue overflowed */
    uint64_t reordered;     /* frames held back by isakmp_sim_reorder */
};
int isakmp_sim_end_stats(isakmp_sim_world *w, uint32_t link, uint32_t end,
                         struct isakmp_sim_end_stats *out);

#ifdef __cplusplus
}
#endif

#endif
