/* Wall-clock cost of moving UDP datagrams through the ns-3 shim.
 *
 * The same flood (N datagrams of 100 bytes, one every microsecond, over a
 * 10 Gbit/s point-to-point link with 1 us delay, so the link never queues)
 * is run four ways, each in a fresh world:
 *   bare    ns-3 alone: the shim's native flood (a C++ event per packet
 *           calling Socket::SendTo) into a counting sink socket (no C call);
 *           this is "bare ns-3 moving the same packets".
 *   shim    every packet goes through the C API: a C event (isakmp_sim_after)
 *           calls isakmp_sim_udp_send, and the receiver's C callback gets the
 *           datagram (copied out of the ns-3 packet) and counts it.
 *   +tap    as shim, with a pass-through on-path tap on the receiving end
 *           (each frame parsed and shown to a C callback).
 *   +cpu    as shim, with each received datagram submitted to the receiver's
 *           CPU model (cost 1 us, 1 core), whose release is a no-op.
 * The shim's own overhead per packet is (shim - bare) in ns/packet.
 * Whole IKE exchanges through the simulator, and how a world grows with
 * its initiators: bench/bench_sim_ike.c.
 * Figures vary with the machine; the benchmark never fails. */
#include "cpu_model.h"
#include "ns3_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
enum { PAYLOAD = 100 };
static const uint64_t INTERVAL_NS = 1000;

static isakmp_sim_world *W;
static uint64_t left, received;
static struct isakmp_cpu *cpu;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void c_send(void *arg)
{
    static const uint8_t payload[PAYLOAD];
    (void)arg;
    isakmp_sim_udp_send(W, 0, 500, IP(10, 0, 0, 2), 500, payload, sizeof payload);
    if (--left > 0)
        isakmp_sim_after(W, INTERVAL_NS, c_send, NULL);
}
static void c_recv(void *user, const struct isakmp_sim_datagram *d)
{
    (void)user;
    received += d->len == PAYLOAD;
}
static enum isakmp_sim_verdict pass(void *user, struct isakmp_sim_tap_packet *p)
{
    (void)user;
    (void)p;
    return ISAKMP_SIM_PASS;
}

/* CPU model on the simulator's clock. */
static uint64_t drv_now(void *ctx) { return isakmp_sim_now(ctx); }
static uint64_t drv_at(void *ctx, uint64_t t, void (*fn)(void *), void *arg)
{
    return isakmp_sim_at(ctx, t, fn, arg);
}
static void drv_cancel(void *ctx, uint64_t h) { isakmp_sim_cancel(ctx, h); }
static void noop(void *arg) { (void)arg; }
static uint64_t work(void *arg, struct isakmp_cpu *c)
{
    isakmp_cpu_defer(c, noop, arg, NULL);
    received++;
    return 1000;
}
static void cpu_recv(void *user, const struct isakmp_sim_datagram *d)
{
    (void)user;
    (void)d;
    isakmp_cpu_submit(cpu, work, NULL, NULL);
}

enum mode { BARE, SHIM, TAP, CPU };
static const char *names[] = { "bare", "shim", "+tap", "+cpu" };

static double run(enum mode m, uint64_t n)
{
    W = isakmp_sim_world_new(1, 1);
    if (!W)
        return 0;
    isakmp_sim_node_new(W);
    isakmp_sim_node_new(W);
    struct isakmp_sim_link_params p = { 10000000000ull, 1000, 1000 };
    isakmp_sim_link_p2p(W, 0, 1, &p, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 30);
    isakmp_sim_udp_open(W, 0, 0, 500, NULL, NULL);
    isakmp_sim_udp_open(W, 1, 0, 500, m == BARE ? NULL : m == CPU ? cpu_recv : c_recv, NULL);
    if (m == TAP)
        isakmp_sim_tap(W, 0, 1, pass, NULL);
    if (m == CPU) {
        struct isakmp_cpu_driver drv = { W, drv_now, drv_at, drv_cancel };
        struct isakmp_cpu_config cfg = { 1, 0, 0 };
        cpu = isakmp_cpu_new(&drv, &cfg);
    }
    received = 0;
    left = n;
    if (m == BARE)
        isakmp_sim_udp_flood(W, 0, 500, IP(10, 0, 0, 2), 500, PAYLOAD, n, 0, INTERVAL_NS);
    else
        isakmp_sim_at(W, 0, c_send, NULL);
    double t0 = wall();
    isakmp_sim_run(W);
    double dt = wall() - t0;
    if (m == BARE)
        received = isakmp_sim_udp_received(W, 1, 500);
    isakmp_cpu_free(cpu);
    cpu = NULL;
    isakmp_sim_world_free(W);
    if (received != n)
        printf("  (%s: %llu of %llu datagrams arrived)\n", names[m],
               (unsigned long long)received, (unsigned long long)n);
    return dt;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    if (n == 0)
        n = 200000;
    printf("UDP flood, %llu datagrams of %d bytes, p2p 10 Gbit/s, 1 us apart\n",
           (unsigned long long)n, PAYLOAD);
    printf("%-6s %12s %10s %12s\n", "mode", "packets/s", "ns/packet", "vs bare");
    double bare = 0;
    for (int m = BARE; m <= CPU; m++) {
        double best = 0;
        for (int rep = 0; rep < 3; rep++) { /* best of three: least noise */
            double dt = run((enum mode)m, n);
            if (dt > 0 && (best == 0 || dt < best))
                best = dt;
        }
        if (best <= 0)
            continue;
        double ns = best * 1e9 / (double)n;
        if (m == BARE)
            bare = ns;
        printf("%-6s %12.0f %10.0f %+11.0f%%\n", names[m], (double)n / best, ns,
               bare > 0 ? (ns - bare) * 100.0 / bare : 0.0);
    }
    return 0;
}
