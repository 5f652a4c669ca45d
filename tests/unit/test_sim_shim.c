/* The ns-3 shim through its C API: exact link timing, events, loss models
 * (drop-the-N-th, rate; determinism per seed and run), pcap read back by
 * tshark (ISAKMP dissected, no malformed frames, checksums good), spoofed
 * injection on point-to-point and CSMA, the on-path tap (drop, modify,
 * capture + replay), duplication/reordering, and byte-identical pcaps for
 * the same seed and run. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "ns3_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static char tmpdir[64];

/* ---- a receiver that records every datagram ---- */
struct rx {
    uint64_t t;
    uint32_t node, src, dst;
    uint16_t sport, dport;
    size_t len;
    uint8_t data[64];
};
static struct rx rxs[4096];
static size_t n_rx;
static isakmp_sim_world *W;

/* Free the world (also one a failed REQUIRE left behind). */
static void end_world(void)
{
    isakmp_sim_world_free(W);
    W = NULL;
}

static void record(void *user, const struct isakmp_sim_datagram *d)
{
    (void)user;
    if (n_rx == sizeof rxs / sizeof rxs[0])
        return;
    struct rx *r = &rxs[n_rx++];
    r->t = isakmp_sim_now(W);
    r->node = d->node;
    r->src = d->src;
    r->dst = d->dst;
    r->sport = d->sport;
    r->dport = d->dport;
    r->len = d->len;
    memcpy(r->data, d->data, d->len < sizeof r->data ? d->len : sizeof r->data);
}

/* A scheduled send: node 0 port 500 -> dst:500 with a 4-byte sequence
 * number followed by zeros up to len. */
struct send { uint32_t node, dst; uint32_t seq; size_t len; };
static struct send sends[4096];
static void do_send(void *arg)
{
    struct send *s = arg;
    uint8_t buf[1500] = { 0 };
    buf[0] = (uint8_t)(s->seq >> 24); buf[1] = (uint8_t)(s->seq >> 16);
    buf[2] = (uint8_t)(s->seq >> 8); buf[3] = (uint8_t)s->seq;
    isakmp_sim_udp_send(W, s->node, 500, s->dst, 500, buf, s->len);
}
static uint32_t seq_of(const struct rx *r)
{
    return (uint32_t)r->data[0] << 24 | (uint32_t)r->data[1] << 16 | (uint32_t)r->data[2] << 8 | r->data[3];
}

/* Two nodes, one p2p link 10.0.0.1 -- 10.0.0.2, UDP/500 open on both. */
static int two_nodes(uint32_t seed, uint64_t run, uint64_t rate, uint64_t delay)
{
    end_world();
    n_rx = 0;
    W = isakmp_sim_world_new(seed, run);
    if (!W)
        return -1;
    int a = isakmp_sim_node_new(W), b = isakmp_sim_node_new(W);
    struct isakmp_sim_link_params p = { rate, delay, 1000 };
    int l = isakmp_sim_link_p2p(W, (uint32_t)a, (uint32_t)b, &p, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 24);
    isakmp_sim_udp_open(W, (uint32_t)a, 0, 500, record, NULL);
    isakmp_sim_udp_open(W, (uint32_t)b, 0, 500, record, NULL);
    return l;
}

/* Schedule count sends from node 0 to 10.0.0.2, one every gap ns from t0. */
static void schedule_sends(uint32_t count, size_t len, uint64_t t0, uint64_t gap)
{
    for (uint32_t i = 0; i < count && i < 4096; i++) {
        sends[i] = (struct send){ 0, IP(10, 0, 0, 2), i + 1, len };
        isakmp_sim_at(W, t0 + i * gap, do_send, &sends[i]);
    }
}

static void p2p_delay_is_exact(void)
{
    const uint64_t rate = 1000000, delay = 5000000; /* 1 Mbit/s, 5 ms */
    const size_t n = 100;
    REQUIRE(two_nodes(1, 1, rate, delay) == 0);
    sends[0] = (struct send){ 0, IP(10, 0, 0, 2), 7, n };
    isakmp_sim_at(W, 1000000, do_send, &sends[0]);
    isakmp_sim_run(W);
    REQUIRE(n_rx == 1);
    /* PPP 2 + IPv4 20 + UDP 8 + payload, serialised at rate, then delay. */
    uint64_t wire = 2 + 20 + 8 + n;
    uint64_t want = delay + (wire * 8 * 1000000000ull + rate / 2) / rate;
    CHECK_INT(rxs[0].t - 1000000, want);
    CHECK_INT(rxs[0].node, 1);
    CHECK_INT(rxs[0].src, IP(10, 0, 0, 1));
    CHECK_INT(rxs[0].dst, IP(10, 0, 0, 2));
    CHECK_INT(rxs[0].sport, 500);
    CHECK_INT(rxs[0].dport, 500);
    CHECK_INT(rxs[0].len, n);
    CHECK_INT(seq_of(&rxs[0]), 7);
    /* One world at a time. */
    CHECK(isakmp_sim_world_new(1, 1) == NULL);
    end_world();
    CHECK(isakmp_sim_world_new(0, 1) == NULL);
}

/* ---- events ---- */
static char ev_log[32];
static size_t n_ev;
static uint64_t ev_time[32];
static uint64_t handle_b, handle_late;
static void ev_mark(void *arg)
{
    if (n_ev < sizeof ev_log) {
        ev_time[n_ev] = isakmp_sim_now(W);
        ev_log[n_ev++] = *(const char *)arg;
    }
}
static void ev_a(void *arg)
{
    ev_mark(arg);
    isakmp_sim_after(W, 50, ev_mark, "C");              /* relative: 150 */
    CHECK(isakmp_sim_cancel(W, handle_b));              /* B was pending */
    CHECK(!isakmp_sim_cancel(W, handle_b));             /* not twice */
    isakmp_sim_at(W, 10, ev_mark, "P");                 /* past -> now (100) */
}

static void schedule_and_cancel(void)
{
    end_world();
    W = isakmp_sim_world_new(3, 1);
    REQUIRE(W != NULL);
    n_ev = 0;
    uint64_t ha = isakmp_sim_at(W, 100, ev_a, "A");
    handle_b = isakmp_sim_at(W, 200, ev_mark, "B");
    isakmp_sim_at(W, 100, ev_mark, "D"); /* same time as A: after A */
    handle_late = isakmp_sim_at(W, 1000, ev_mark, "L");
    CHECK(ha != 0 && handle_b != 0 && ha != handle_b);
    CHECK(isakmp_sim_at(W, 5, NULL, NULL) == 0);
    isakmp_sim_run_until(W, 500);
    CHECK_INT(isakmp_sim_now(W), 500);
    ev_log[n_ev] = 0;
    CHECK_STR(ev_log, "ADPC");
    CHECK_INT(ev_time[0], 100);
    CHECK_INT(ev_time[1], 100);
    CHECK_INT(ev_time[2], 100);
    CHECK_INT(ev_time[3], 150);
    CHECK(!isakmp_sim_cancel(W, ha)); /* already ran */
    CHECK(isakmp_sim_cancel(W, handle_late));
    isakmp_sim_run(W);
    CHECK_INT(n_ev, 4); /* L never ran */
    CHECK(!isakmp_sim_cancel(W, 999999));
    end_world();
}

static void drop_the_nth(void)
{
    int l = two_nodes(5, 1, 10000000, 1000000);
    REQUIRE(l == 0);
    const uint32_t nth[] = { 3, 7 };
    CHECK_INT(isakmp_sim_loss_nth(W, 0, 1, nth, 2), 0);
    const uint32_t zero[] = { 0 };
    CHECK_INT(isakmp_sim_loss_nth(W, 0, 1, zero, 1), -1);
    CHECK_INT(isakmp_sim_loss_nth(W, 0, 2, nth, 2), -1);
    schedule_sends(10, 40, 0, 1000000);
    isakmp_sim_run(W);
    REQUIRE(n_rx == 8);
    static const uint32_t want[8] = { 1, 2, 4, 5, 6, 8, 9, 10 };
    for (int i = 0; i < 8; i++)
        CHECK_INT(seq_of(&rxs[i]), want[i]);
    struct isakmp_sim_end_stats st;
    CHECK_INT(isakmp_sim_end_stats(W, 0, 1, &st), 0);
    CHECK_INT(st.lost, 2);
    end_world();
}

static size_t rate_run(uint32_t seed, uint64_t run)
{
    if (two_nodes(seed, run, 100000000, 100000) != 0)
        return 0;
    isakmp_sim_loss_rate(W, 0, 1, 0.5);
    schedule_sends(1000, 20, 0, 10000);
    isakmp_sim_run(W);
    size_t got = n_rx;
    end_world();
    return got;
}

static void rate_loss_is_seeded(void)
{
    size_t a = rate_run(11, 1), b = rate_run(11, 1), c = rate_run(11, 2);
    printf("# rate 0.5 over 1000: seed 11 run 1 -> %zu, again -> %zu, run 2 -> %zu\n", a, b, c);
    /* Binomial(1000, 0.5): sd 15.8; 4 sd either side. */
    CHECK_MSG(a >= 437 && a <= 563, "rate 0.5 over 1000 delivered %zu", a);
    CHECK_MSG(c >= 437 && c <= 563, "rate 0.5 over 1000 delivered %zu", c);
    CHECK_INT(a, b);
    CHECK_MSG(a != c, "run 1 and run 2 both delivered %zu", a);
}

/* Bursts of exactly 4: every run of lost datagrams is at least 4 long
 * (overlapping bursts make longer runs), except one cut by the end. */
static void burst_loss_runs(void)
{
    REQUIRE(two_nodes(31, 1, 100000000, 100000) == 0);
    CHECK_INT(isakmp_sim_loss_burst(W, 0, 1, 0.05, 4, 4), 0);
    CHECK_INT(isakmp_sim_loss_burst(W, 0, 1, 0.05, 5, 4), -1);
    schedule_sends(1000, 20, 0, 10000);
    isakmp_sim_run(W);
    static bool got[1001];
    memset(got, 0, sizeof got);
    for (size_t i = 0; i < n_rx; i++)
        if (seq_of(&rxs[i]) >= 1 && seq_of(&rxs[i]) <= 1000)
            got[seq_of(&rxs[i])] = true;
    int runs = 0, short_runs = 0;
    uint32_t lost = 0;
    for (uint32_t s = 1; s <= 1000;) {
        if (got[s]) {
            s++;
            continue;
        }
        uint32_t len = 0;
        while (s <= 1000 && !got[s]) {
            len++;
            s++;
        }
        runs++;
        lost += len;
        short_runs += len < 4 && s <= 1000;
    }
    struct isakmp_sim_end_stats st;
    isakmp_sim_end_stats(W, 0, 1, &st);
    CHECK_INT(st.lost, lost);
    CHECK_MSG(runs >= 10, "only %d loss bursts in 1000 at 5%%", runs);
    CHECK_INT(short_runs, 0);
    end_world();
}

/* ---- pcap + tshark ---- */

/* Frames of the pcap at path matching a display filter, counted by tshark;
 * -1 if tshark fails (a bad filter must not read as "0 matches"). */
static int tshark_count(const char *opts, const char *path, const char *filter)
{
    char cmd[1024], out[128];
    snprintf(out, sizeof out, "%s/tshark.out", tmpdir);
    snprintf(cmd, sizeof cmd, "tshark %s -r '%s' -Y '%s' >'%s' 2>/dev/null && wc -l <'%s' || echo -1",
             opts, path, filter, out, out);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    int n = -1;
    if (fscanf(f, "%d", &n) != 1)
        n = -1;
    pclose(f);
    unlink(out);
    return n;
}
#define CHECKSUMS_ON "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
#define MALFORMED "_ws.malformed || _ws.expert.severity >= error"

static const uint8_t isakmp_hdr[28] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* initiator cookie */
    0, 0, 0, 0, 0, 0, 0, 0,                         /* responder cookie */
    0,                                              /* next payload: none */
    0x10,                                           /* version 1.0 */
    2,                                              /* Identity Protection */
    0,                                              /* flags */
    0, 0, 0, 0,                                     /* message ID */
    0, 0, 0, 28,                                    /* length */
};

static void send_isakmp(void *arg)
{
    (void)arg;
    isakmp_sim_udp_send(W, 0, 500, IP(10, 0, 0, 2), 500, isakmp_hdr, sizeof isakmp_hdr);
}
static void inject_isakmp(void *arg)
{
    (void)arg;
    isakmp_sim_inject_udp(W, 0, IP(192, 0, 2, 9), 500, IP(10, 0, 0, 2), 500, isakmp_hdr,
                          sizeof isakmp_hdr);
}
/* Tamper with every other genuine ISAKMP frame: flip the exchange type
 * bit 0x01 (Identity Protection 2 -> 3 Authentication Only). */
static int tamper_count;
static enum isakmp_sim_verdict flip_exchange(void *user, struct isakmp_sim_tap_packet *p)
{
    (void)user;
    if (p->len >= 28 && p->src == IP(10, 0, 0, 1) && (tamper_count++ & 1)) {
        p->data[18] ^= 0x01;
        return ISAKMP_SIM_MODIFIED;
    }
    return ISAKMP_SIM_PASS;
}

static void pcap_read_by_tshark(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/isakmp.pcap", tmpdir);
    REQUIRE(two_nodes(7, 1, 10000000, 1000000) == 0);
    CHECK_INT(isakmp_sim_pcap_device(W, 0, 1, path), 0);
    tamper_count = 0;
    isakmp_sim_tap(W, 0, 1, flip_exchange, NULL);
    for (int i = 0; i < 4; i++) {
        isakmp_sim_at(W, 1000000 * (uint64_t)i, send_isakmp, NULL);
        isakmp_sim_at(W, 500000 + 1000000 * (uint64_t)i, inject_isakmp, NULL);
    }
    isakmp_sim_run(W);
    CHECK_INT(n_rx, 8);
    end_world(); /* closes the pcap */

    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    CHECK(st.st_size > 24);
    CHECK_INT(tshark_count("", path, "frame"), 8);
    CHECK_INT(tshark_count("", path, "isakmp"), 8);
    CHECK_INT(tshark_count("", path, "isakmp.ispi == 11:22:33:44:55:66:77:88 && isakmp.exchangetype == 2"), 6);
    /* Half of the genuine ones were tampered into type 3. */
    CHECK_INT(tshark_count("", path, "isakmp.exchangetype == 3 && ip.src == 10.0.0.1"), 2);
    CHECK_INT(tshark_count("", path, "ip.src == 192.0.2.9 && udp.srcport == 500"), 4);
    CHECK_INT(tshark_count("", path, MALFORMED), 0);
    /* The malformed filter does catch a broken ISAKMP message. */
    CHECK(tshark_count("", shared_path("captures/ipsec-ikev1-payload-bad-length.pcap"), MALFORMED) >= 1);
    /* Hand-built (injected) and tampered frames carry good checksums too. */
    CHECK_INT(tshark_count(CHECKSUMS_ON, path, "ip.checksum.status == 1 && udp.checksum.status == 1"), 8);
    unlink(path);
}

/* ---- spoofing across a router, and on a CSMA segment ---- */
static void spoof_via_router(void *arg)
{
    (void)arg;
    static const uint8_t msg[] = "spoofed";
    CHECK_INT(isakmp_sim_inject_udp(W, 0, IP(203, 0, 113, 5), 4500, IP(10, 1, 0, 2), 500, msg, 7), 0);
}

static void spoofed_source_arrives(void)
{
    end_world();
    n_rx = 0;
    W = isakmp_sim_world_new(9, 1);
    REQUIRE(W != NULL);
    /* attacker 0 -- router 1 -- victim 2 */
    for (int i = 0; i < 3; i++)
        isakmp_sim_node_new(W);
    struct isakmp_sim_link_params p = { 100000000, 1000000, 100 };
    isakmp_sim_link_p2p(W, 0, 1, &p, IP(10, 0, 0, 1), IP(10, 0, 0, 2), 24);
    isakmp_sim_link_p2p(W, 1, 2, &p, IP(10, 1, 0, 1), IP(10, 1, 0, 2), 24);
    isakmp_sim_udp_open(W, 2, 0, 500, record, NULL);
    isakmp_sim_at(W, 1000, spoof_via_router, NULL);
    isakmp_sim_run(W);
    REQUIRE(n_rx == 1);
    CHECK_INT(rxs[0].node, 2);
    CHECK_INT(rxs[0].src, IP(203, 0, 113, 5));
    CHECK_INT(rxs[0].sport, 4500);
    CHECK_INT(rxs[0].dst, IP(10, 1, 0, 2));
    CHECK_MEM(rxs[0].data, rxs[0].len, "spoofed", 7);
    CHECK_INT(isakmp_sim_inject_udp(W, 7, 1, 1, IP(10, 1, 0, 2), 500, "x", 1), -1); /* no node 7 */
    end_world();
}

static enum isakmp_sim_verdict truncate_to_3(void *user, struct isakmp_sim_tap_packet *p)
{
    (void)user;
    p->len = 3;
    return ISAKMP_SIM_MODIFIED;
}
static void csma_inject(void *arg)
{
    (void)arg;
    isakmp_sim_inject_udp(W, 2, IP(10, 2, 0, 1), 500, IP(10, 2, 0, 2), 500, "forged!", 7);
}
static void csma_send(void *arg)
{
    (void)arg;
    CHECK_INT(isakmp_sim_udp_send(W, 0, 500, IP(10, 2, 0, 2), 500, "genuine", 7), 0);
}

static void csma_spoof_and_tamper(void)
{
    end_world();
    n_rx = 0;
    W = isakmp_sim_world_new(13, 1);
    REQUIRE(W != NULL);
    for (int i = 0; i < 3; i++)
        isakmp_sim_node_new(W);
    const uint32_t nodes[3] = { 0, 1, 2 };
    const uint32_t addrs[3] = { IP(10, 2, 0, 1), IP(10, 2, 0, 2), IP(10, 2, 0, 3) };
    struct isakmp_sim_link_params p = { 100000000, 2000, 100 };
    REQUIRE(isakmp_sim_link_csma(W, nodes, addrs, 3, &p, 24) == 0);
    isakmp_sim_udp_open(W, 0, 0, 500, record, NULL);
    isakmp_sim_udp_open(W, 1, 0, 500, record, NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/csma.pcap", tmpdir);
    isakmp_sim_pcap_device(W, 0, 1, path);
    /* Node 2 forges node 0's address; then node 0's genuine datagram is
     * truncated on arrival by a tap on node 1's device. */
    isakmp_sim_at(W, 1000, csma_inject, NULL);
    isakmp_sim_at(W, 100000, csma_send, NULL);
    isakmp_sim_run_until(W, 50000);
    isakmp_sim_tap(W, 0, 1, truncate_to_3, NULL);
    isakmp_sim_run(W);
    CHECK_INT(n_rx, 2);
    REQUIRE(n_rx == 2);
    CHECK_INT(rxs[0].src, IP(10, 2, 0, 1));
    CHECK_MEM(rxs[0].data, rxs[0].len, "forged!", 7);
    /* No ARP was needed: the first frame arrived one frame time + delay
     * after it was sent (64-byte minimum frame at 100 Mbit/s + 2 us). */
    CHECK_MSG(rxs[0].t < 1000 + 10000, "first CSMA frame at %llu ns", (unsigned long long)rxs[0].t);
    CHECK_MEM(rxs[1].data, rxs[1].len, "gen", 3);
    end_world();
    CHECK_INT(tshark_count(CHECKSUMS_ON " -o eth.check_fcs:TRUE", path,
                           "udp && ip.checksum.status == 1 && udp.checksum.status == 1 && eth.fcs.status == 1"), 2);
    CHECK_INT(tshark_count("", path, MALFORMED), 0);
    CHECK_INT(tshark_count("", path, "arp"), 0);
    unlink(path);
}

/* ---- the tap: drop, modify, capture and replay ---- */
static uint8_t captured[64];
static size_t captured_len;
static uint32_t captured_src;
static uint16_t captured_sport;
static enum isakmp_sim_verdict mitm(void *user, struct isakmp_sim_tap_packet *p)
{
    (void)user;
    uint32_t seq = (uint32_t)p->data[0] << 24 | (uint32_t)p->data[1] << 16 | (uint32_t)p->data[2] << 8 | p->data[3];
    if (seq == 1 && p->len <= sizeof captured) {
        memcpy(captured, p->data, p->len);
        captured_len = p->len;
        captured_src = p->src;
        captured_sport = p->sport;
        return ISAKMP_SIM_PASS;
    }
    if (seq == 2)
        return ISAKMP_SIM_DROP;
    if (seq == 3) {
        p->data[10] ^= 0xff;  /* flip a byte */
        p->len = 12;          /* and truncate */
        return ISAKMP_SIM_MODIFIED;
    }
    if (seq == 4) { /* grow: extend with 8 bytes */
        memset(p->data + p->len, 0xee, 8);
        p->len += 8;
        return ISAKMP_SIM_MODIFIED;
    }
    return ISAKMP_SIM_PASS;
}
static void replay(void *arg)
{
    (void)arg;
    CHECK_INT(isakmp_sim_deliver_udp(W, 0, 1, captured_src, captured_sport, IP(10, 0, 0, 2), 500,
                                     captured, captured_len), 0);
}

static void tap_drops_modifies_captures(void)
{
    REQUIRE(two_nodes(17, 1, 10000000, 1000000) == 0);
    captured_len = 0;
    CHECK_INT(isakmp_sim_tap(W, 0, 1, mitm, NULL), 0);
    schedule_sends(5, 20, 0, 1000000);
    isakmp_sim_at(W, 50000000, replay, NULL);
    isakmp_sim_run(W);
    REQUIRE(n_rx == 5);
    CHECK_INT(seq_of(&rxs[0]), 1);
    CHECK_INT(seq_of(&rxs[1]), 3);
    CHECK_INT(rxs[1].len, 12);
    CHECK_INT(rxs[1].data[10], 0xff);
    CHECK_INT(seq_of(&rxs[2]), 4);
    CHECK_INT(rxs[2].len, 28);
    CHECK_INT(rxs[2].data[27], 0xee);
    CHECK_INT(seq_of(&rxs[3]), 5);
    /* The replayed copy of #1, from the original source, at 50 ms. */
    CHECK_INT(seq_of(&rxs[4]), 1);
    CHECK_INT(rxs[4].src, IP(10, 0, 0, 1));
    CHECK_INT(rxs[4].sport, 500);
    CHECK_INT(rxs[4].t, 50000000);
    CHECK_MEM(rxs[4].data, rxs[4].len, rxs[0].data, rxs[0].len);
    struct isakmp_sim_end_stats st;
    isakmp_sim_end_stats(W, 0, 1, &st);
    CHECK_INT(st.tap_seen, 5);
    CHECK_INT(st.tap_dropped, 1);
    CHECK_INT(st.tap_modified, 2);
    end_world();
}

/* ---- duplication and reordering ---- */
static void duplicate_and_reorder(void)
{
    const uint64_t delay = 1000000, jitter = 3000000;
    REQUIRE(two_nodes(19, 1, 1000000000, delay) == 0);
    CHECK_INT(isakmp_sim_impair(W, 0, 1, 0.25, jitter), 0);
    schedule_sends(400, 20, 0, 100000);
    isakmp_sim_run(W);
    struct isakmp_sim_end_stats st;
    isakmp_sim_end_stats(W, 0, 1, &st);
    CHECK_INT(n_rx, 400 + st.duplicated);
    CHECK_MSG(st.duplicated > 60 && st.duplicated < 140, "duplicated %llu of 400", (unsigned long long)st.duplicated);
    int out_of_order = 0, late = 0;
    uint32_t high = 0;
    for (size_t i = 0; i < n_rx; i++) {
        uint32_t s = seq_of(&rxs[i]);
        uint64_t sent = (uint64_t)(s - 1) * 100000;
        uint64_t min = sent + delay; /* + 0.5 us of serialisation */
        if (rxs[i].t < min || rxs[i].t > min + 1000 + jitter)
            late++;
        if (s < high)
            out_of_order++;
        if (s > high)
            high = s;
    }
    CHECK_INT(late, 0);
    CHECK_MSG(out_of_order > 50, "only %d frames arrived out of order", out_of_order);
    end_world();
}

/* ---- determinism: same seed + run -> byte-identical pcaps ---- */
static uint8_t *pcap_run(uint32_t seed, uint64_t run, const char *name, size_t *len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s.pcap", tmpdir, name);
    if (two_nodes(seed, run, 10000000, 2000000) != 0)
        return NULL;
    isakmp_sim_loss_rate(W, 0, 1, 0.2);
    isakmp_sim_loss_burst(W, 0, 1, 0.02, 2, 5);
    isakmp_sim_impair(W, 0, 1, 0.1, 500000);
    isakmp_sim_pcap_device(W, 0, 1, path);
    schedule_sends(300, 60, 0, 200000);
    isakmp_sim_run(W);
    end_world();
    uint8_t *b = read_file(path, len);
    unlink(path);
    return b;
}

static void same_seed_same_pcap(void)
{
    size_t la = 0, lb = 0, lc = 0;
    uint8_t *a = pcap_run(23, 4, "det-a", &la);
    uint8_t *b = pcap_run(23, 4, "det-b", &lb);
    uint8_t *c = pcap_run(23, 5, "det-c", &lc);
    REQUIRE(a && b && c);
    CHECK(la > 24 + 100 * 16);
    CHECK_MEM(a, la, b, lb);
    CHECK(la != lc || memcmp(a, c, la) != 0);
    free(a);
    free(b);
    free(c);
}

/* ---- the native flood and counting sink (benchmark baseline) ---- */
static void native_flood_counts(void)
{
    REQUIRE(two_nodes(29, 1, 1000000000, 10000) == 0);
    CHECK_INT(isakmp_sim_udp_open(W, 1, 0, 4500, NULL, NULL), 0);
    CHECK_INT(isakmp_sim_udp_open(W, 1, 0, 4500, NULL, NULL), -1); /* taken */
    CHECK_INT(isakmp_sim_udp_flood(W, 0, 500, IP(10, 0, 0, 2), 4500, 100, 250, 1000, 2000), 0);
    isakmp_sim_run(W);
    CHECK_INT(isakmp_sim_udp_received(W, 1, 4500), 250);
    CHECK_INT(n_rx, 0);
    CHECK_INT(isakmp_sim_udp_send(W, 0, 501, IP(10, 0, 0, 2), 500, "x", 1), -1); /* no socket */
    end_world();
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_sim_shim.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(p2p_delay_is_exact);
    RUN(schedule_and_cancel);
    RUN(drop_the_nth);
    RUN(rate_loss_is_seeded);
    RUN(burst_loss_runs);
    RUN(pcap_read_by_tshark);
    RUN(spoofed_source_arrives);
    RUN(csma_spoof_and_tamper);
    RUN(tap_drops_modifies_captures);
    RUN(duplicate_and_reorder);
    RUN(same_seed_same_pcap);
    RUN(native_flood_counts);
    rmdir(tmpdir);
    return check_summary();
}
