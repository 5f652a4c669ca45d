/* NAT traversal (RFC 3947, isakmp/natt.h): two engines over memnet with
 * a simulated NAT that rewrites the initiator's address and ports.
 * Checked: the vendor IDs are MD5 of their names, NAT-D shows the NAT on
 * the right side (and nothing without one), the initiator floats to 4500
 * from Main Mode message 5 / Aggressive Mode message 3, the responder
 * follows (also when the NAT later rebinds), Quick Mode negotiates the
 * UDP-encapsulated modes (RFC and draft numbers, NAT-OA in transport
 * mode) with equal keys on both sides, keepalives from the NATed side
 * only, FORCE pretends a NAT, the plaintext event, and malformed NAT-D
 * payloads end the exchange cleanly. */
#include "lib/check.h"
#include "lib/memnet.h"
#include "isakmp/natt.h"
#include "isakmp/wire.h"

#include <nettle/md5.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000000ULL

struct net {
    struct memnet *n;
    int i, r;                       /* initiator (behind the NAT), responder */
    struct isakmp_psk psk_i, psk_r;
    struct isakmp_p1_transform p1;
    struct isakmp_p2_proposal p2;
};

static const struct isakmp_addr *addr_i(void)
{
    static struct isakmp_addr a;
    a = isakmp_addr_v4(10, 0, 0, 1, 500);
    return &a;
}

/* I at 10.0.0.1 (behind a NAT at 198.51.100.7 when `nat`), R at 192.0.2.2.
 * The responder's PSK is bound to the NAT's public address. */
static bool net_init(struct net *t, bool nat, enum isakmp_nat_t mode_i, enum isakmp_nat_t mode_r,
                     uint16_t encap, bool plaintext)
{
    memset(t, 0, sizeof *t);
    t->n = memnet_new(SEC / 100, 7);
    if (!t->n)
        return false;
    t->p1 = memnet_p1(14);
    t->p2 = memnet_p2_esp(0);
    t->p2.protocols[0].encap = encap;
    struct isakmp_addr ra = isakmp_addr_v4(192, 0, 2, 2, 500);
    struct isakmp_addr pub = isakmp_addr_v4(198, 51, 100, 7, 500);
    struct isakmp_config ci, cr;
    memnet_psk_config(&ci, &t->psk_i, &ra, "natsecret", &t->p1, 1, &t->p2, 1);
    memnet_psk_config(&cr, &t->psk_r, nat ? &pub : addr_i(), "natsecret", &t->p1, 1, &t->p2, 1);
    ci.nat_t = mode_i;
    cr.nat_t = mode_r;
    ci.natt_keepalive_ns = cr.natt_keepalive_ns = 5 * SEC;
    ci.plaintext_events = cr.plaintext_events = plaintext;
    ci.retransmit.initial_ns = cr.retransmit.initial_ns = 30 * SEC;   /* no resend in the tests */
    ci.retransmit.cap_ns = cr.retransmit.cap_ns = 30 * SEC;
    t->i = memnet_add(t->n, &ci, *addr_i());
    t->r = memnet_add(t->n, &cr, ra);
    if (t->i < 0 || t->r < 0)
        return false;
    if (nat)
        memnet_nat(t->n, t->i, pub, 20000);
    else
        memnet_any_port(t->n, true);
    return true;
}

static isakmp_handle initiate(struct net *t, uint8_t xchg)
{
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = *addr_i();
    pol.peer = isakmp_addr_v4(192, 0, 2, 2, 500);
    pol.exchange_type = xchg;
    pol.p2 = &t->p2;
    pol.n_p2 = 1;
    return isakmp_engine_initiate(memnet_engine(t->n, t->i), memnet_now(t->n), &pol);
}

/* The last SA_ESTABLISHED of a phase on a node. */
static const struct isakmp_event *established(struct net *t, int node, uint8_t phase)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(t->n, node, &evs);
    for (size_t i = n; i-- > 0;)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == phase)
            return &evs[i];
    return NULL;
}

static void check_same_keymat(struct net *t)
{
    const struct isakmp_event *a = established(t, t->i, 2), *b = established(t, t->r, 2);
    REQUIRE(a && b);
    struct isakmp_phase2_keys ka, kb;
    REQUIRE(isakmp_engine_phase2_keys(memnet_engine(t->n, t->i), a->handle, 0, &ka));
    REQUIRE(isakmp_engine_phase2_keys(memnet_engine(t->n, t->r), b->handle, 0, &kb));
    CHECK_INT(ka.spi_in, kb.spi_out);
    CHECK_MEM(ka.keymat_in, ka.keymat_len, kb.keymat_out, kb.keymat_len);
    CHECK_MEM(ka.keymat_out, ka.keymat_len, kb.keymat_in, kb.keymat_len);
}

/* Datagrams of one node: how many keepalives, how many ISAKMP from port p. */
static unsigned count_sent(struct net *t, int node, bool keepalive, uint16_t from_port)
{
    unsigned c = 0;
    for (unsigned s = 1; s <= memnet_sent_count(t->n); s++) {
        const struct memnet_packet *p = memnet_sent(t->n, s);
        if (p->from_node != node)
            continue;
        bool ka = isakmp_natt_is_keepalive(p->bytes, p->len);
        if (keepalive ? ka : (!ka && p->orig_from.port == from_port))
            c++;
    }
    return c;
}

/* Payload types of a cleartext datagram (0 when it does not decode). */
static bool has_payload(const struct memnet_packet *p, uint8_t type)
{
    struct isakmp_message *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    bool found = isakmp_decode(p->bytes, p->len, ISAKMP_DECODE_ALLOW_UNKNOWN, m) == 0 &&
                 isakmp_msg_find(m, type, 0) != NULL;
    free(m);
    return found;
}

static void test_vendor_ids_are_md5_of_names(void)
{
    unsigned n = 0;
    const char *name;
    const uint8_t *id;
    while ((id = isakmp_natt_vendor_id(n, &name)) != NULL) {
        struct md5_ctx h;
        uint8_t d[16];
        md5_init(&h);
        md5_update(&h, strlen(name), (const uint8_t *)name);
        md5_digest(&h, 16, d);
        CHECK_MEM(id, 16, d, 16);
        n++;
    }
    CHECK_INT(n, 4);
    CHECK(isakmp_natt_vendor_id(0, &name) && strcmp(name, "RFC 3947") == 0);
    /* Message 1 of an engine with NAT-T on carries all four; off: none. */
    struct net t;
    REQUIRE(net_init(&t, false, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_OFF, ISAKMP_ENCAP_TUNNEL, false));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    const struct memnet_packet *m1 = memnet_sent(t.n, 1);
    REQUIRE(m1);
    for (unsigned i = 0; i < 4; i++)
        CHECK(memmem(m1->bytes, m1->len, isakmp_natt_vendor_id(i, NULL), 16) != NULL);
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    /* The responder has NAT-T off: its message 2 announces nothing, no NAT-D follows. */
    const struct memnet_packet *m2 = memnet_sent(t.n, 2), *m3 = memnet_sent(t.n, 3);
    REQUIRE(m2 && m3);
    CHECK(memmem(m2->bytes, m2->len, isakmp_natt_vendor_id(0, NULL), 16) == NULL);
    CHECK(!has_payload(m3, ISAKMP_PL_NAT_D));
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_NAT_DETECTED), 0);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(established(&t, t.r, 2)->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_TUNNEL);
    memnet_free(t.n);
}

static void run_nat(uint8_t xchg, uint16_t encap)
{
    struct net t;
    REQUIRE(net_init(&t, true, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, encap, false));
    REQUIRE(initiate(&t, xchg));
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_MESSAGE_REJECTED), 0);
    /* Detection on both sides, the right way round. */
    const struct isakmp_event *di = memnet_last(t.n, t.i, ISAKMP_EV_NAT_DETECTED);
    const struct isakmp_event *dr = memnet_last(t.n, t.r, ISAKMP_EV_NAT_DETECTED);
    REQUIRE(di && dr);
    CHECK_INT(di->u.natt.variant, ISAKMP_NATT_RFC3947);
    CHECK(di->u.natt.local_behind && !di->u.natt.peer_behind && !di->u.natt.forced);
    CHECK(!dr->u.natt.local_behind && dr->u.natt.peer_behind);
    /* The float: Main Mode messages 1-4 (Aggressive 1-2) on 500, the rest on 4500. */
    unsigned first_4500 = 0;
    for (unsigned s = 1; s <= memnet_sent_count(t.n) && !first_4500; s++) {
        const struct memnet_packet *p = memnet_sent(t.n, s);
        if (p->from_node == t.i && p->orig_from.port == 4500)
            first_4500 = s;
    }
    CHECK_INT(first_4500, xchg == ISAKMP_XCHG_IDPROT ? 5 : 3);
    const struct memnet_packet *f = memnet_sent(t.n, first_4500);
    REQUIRE(f);
    CHECK_INT(f->orig_to.port, 4500);
    CHECK_INT(f->from.port, 20001);            /* the NAT's second mapping */
    /* NAT-D (type 20) in the cleartext messages: MM 3 and 4, AM 2 and 3. */
    unsigned a = xchg == ISAKMP_XCHG_IDPROT ? 3 : 2, b = a + 1;
    CHECK(has_payload(memnet_sent(t.n, a), ISAKMP_PL_NAT_D));
    CHECK(has_payload(memnet_sent(t.n, b), ISAKMP_PL_NAT_D));
    /* The responder followed: its SAs name the NAT's 4500 mapping. */
    const struct isakmp_event *r1 = established(&t, t.r, 1), *r2 = established(&t, t.r, 2);
    const struct isakmp_event *i2 = established(&t, t.i, 2);
    REQUIRE(r1 && r2 && i2);
    CHECK_INT(r1->peer.port, 20001);
    CHECK_INT(r1->u.sa.local.port, 4500);
    CHECK_INT(r1->u.sa.natt, ISAKMP_NATT_RFC3947);
    CHECK(r1->u.sa.nat_peer && !r1->u.sa.nat_local);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_NAT_ADDRESS_CHANGED), 1);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_NAT_ADDRESS_CHANGED), 1);
    uint16_t want = encap == ISAKMP_ENCAP_TRANSPORT ? ISAKMP_ENCAP_UDP_TRANSPORT : ISAKMP_ENCAP_UDP_TUNNEL;
    CHECK_INT(r2->u.sa.protocols[0].alg.encap, want);
    CHECK_INT(i2->u.sa.protocols[0].alg.encap, want);
    CHECK(r2->u.sa.udp_encap && i2->u.sa.udp_encap);
    CHECK_INT(i2->u.sa.local.port, 4500);
    CHECK_INT(i2->peer.port, 4500);
    check_same_keymat(&t);
    /* Keepalives: from the initiator (behind the NAT) every 5 s, none
     * from the responder, and the responder ignores them. */
    CHECK_INT(count_sent(&t, t.i, true, 0), 0);
    size_t rej = memnet_count(t.n, t.r, ISAKMP_EV_MESSAGE_REJECTED);
    memnet_run(t.n, memnet_now(t.n) + 16 * SEC);
    /* Up at about 0.05 s: keepalives at 5, 10, 15 and 20 s after that. */
    CHECK_INT(count_sent(&t, t.i, true, 0), 4);
    CHECK_INT(count_sent(&t, t.r, true, 0), 0);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_MESSAGE_REJECTED), rej);
    for (unsigned s = 1; s <= memnet_sent_count(t.n); s++) {
        const struct memnet_packet *p = memnet_sent(t.n, s);
        if (isakmp_natt_is_keepalive(p->bytes, p->len)) {
            CHECK_INT(p->orig_from.port, 4500);
            CHECK_INT(p->orig_to.port, 4500);
        }
    }
    memnet_free(t.n);
}

static void test_nat_main_tunnel(void) { run_nat(ISAKMP_XCHG_IDPROT, ISAKMP_ENCAP_TUNNEL); }
static void test_nat_aggressive_tunnel(void) { run_nat(ISAKMP_XCHG_AGGRESSIVE, ISAKMP_ENCAP_TUNNEL); }
static void test_nat_main_unset_mode(void) { run_nat(ISAKMP_XCHG_IDPROT, 0); }

/* Transport mode: UDP-Encapsulated-Transport and NAT-OA both ways (seen
 * in the plaintext events: NAT-OAi is the initiator's private address). */
static void test_nat_transport_nat_oa(void)
{
    struct net t;
    REQUIRE(net_init(&t, true, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, ISAKMP_ENCAP_TRANSPORT, true));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    const struct isakmp_event *r2 = established(&t, t.r, 2);
    REQUIRE(r2);
    CHECK_INT(r2->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_UDP_TRANSPORT);
    check_same_keymat(&t);
    /* The responder received QM message 1 with two NAT-OA: 10.0.0.1, 192.0.2.2. */
    const struct isakmp_event *evs;
    size_t n = memnet_events(t.n, t.r, &evs);
    unsigned qm_seen = 0;
    struct isakmp_message *m = calloc(1, sizeof *m);
    REQUIRE(m);
    for (size_t i = 0; i < n; i++) {
        if (evs[i].type != ISAKMP_EV_PLAINTEXT || evs[i].u.plain.sent ||
            evs[i].u.plain.exchange_type != ISAKMP_XCHG_QUICK || qm_seen++)
            continue;
        int st = isakmp_decode(evs[i].u.plain.bytes, evs[i].u.plain.len, 0, m);
        CHECK_MSG(st == 0, "plaintext QM 1 does not decode: %s", m->err.what ? m->err.what : "?");
        if (st != 0)
            break;
        const struct isakmp_payload *oai = isakmp_msg_find(m, ISAKMP_PL_NAT_OA, 0);
        const struct isakmp_payload *oar = isakmp_msg_find(m, ISAKMP_PL_NAT_OA, 1);
        REQUIRE(oai && oar);
        static const uint8_t priv[4] = { 10, 0, 0, 1 }, resp[4] = { 192, 0, 2, 2 };
        CHECK_MEM(oai->u.nat_oa.addr.p, oai->u.nat_oa.addr.len, priv, 4);
        CHECK_MEM(oar->u.nat_oa.addr.p, oar->u.nat_oa.addr.len, resp, 4);
    }
    free(m);
    CHECK(qm_seen >= 1);
    memnet_free(t.n);
}

/* Without a NAT both sides compare NAT-D, see nothing, stay on 500. */
static void test_no_nat_detects_nothing(void)
{
    struct net t;
    REQUIRE(net_init(&t, false, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, ISAKMP_ENCAP_TUNNEL, false));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + 30 * SEC);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 2);
    const struct isakmp_event *di = memnet_last(t.n, t.i, ISAKMP_EV_NAT_DETECTED);
    const struct isakmp_event *dr = memnet_last(t.n, t.r, ISAKMP_EV_NAT_DETECTED);
    REQUIRE(di && dr);
    CHECK(!di->u.natt.local_behind && !di->u.natt.peer_behind);
    CHECK(!dr->u.natt.local_behind && !dr->u.natt.peer_behind);
    CHECK_INT(count_sent(&t, t.i, false, 4500) + count_sent(&t, t.r, false, 4500), 0);
    CHECK_INT(count_sent(&t, t.i, true, 0) + count_sent(&t, t.r, true, 0), 0);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_NAT_ADDRESS_CHANGED), 0);
    const struct isakmp_event *r2 = established(&t, t.r, 2);
    REQUIRE(r2);
    CHECK_INT(r2->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_TUNNEL);
    CHECK(!r2->u.sa.udp_encap);
    CHECK_INT(r2->u.sa.natt, ISAKMP_NATT_RFC3947);
    memnet_free(t.n);
}

/* FORCE on either side: a NAT that is not there, both sides float. */
static void run_force(bool initiator_forces)
{
    struct net t;
    REQUIRE(net_init(&t, false, initiator_forces ? ISAKMP_NAT_T_FORCE : ISAKMP_NAT_T_ON,
                     initiator_forces ? ISAKMP_NAT_T_ON : ISAKMP_NAT_T_FORCE, ISAKMP_ENCAP_TUNNEL, false));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + 12 * SEC);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 2);
    int forcer = initiator_forces ? t.i : t.r, other = initiator_forces ? t.r : t.i;
    const struct isakmp_event *df = memnet_last(t.n, forcer, ISAKMP_EV_NAT_DETECTED);
    const struct isakmp_event *dn = memnet_last(t.n, other, ISAKMP_EV_NAT_DETECTED);
    REQUIRE(df && dn);
    CHECK(df->u.natt.forced && df->u.natt.local_behind && !df->u.natt.peer_behind);
    CHECK(!dn->u.natt.forced && !dn->u.natt.local_behind && dn->u.natt.peer_behind);
    CHECK_INT(count_sent(&t, t.i, false, 4500), 3);   /* MM 5, QM 1 and 3 */
    const struct isakmp_event *r2 = established(&t, t.r, 2);
    REQUIRE(r2);
    CHECK_INT(r2->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_UDP_TUNNEL);
    CHECK(established(&t, forcer, 1)->u.sa.nat_forced);
    /* The pretending side sends the keepalives. */
    CHECK(count_sent(&t, forcer, true, 0) >= 2);
    CHECK_INT(count_sent(&t, other, true, 0), 0);
    check_same_keymat(&t);
    memnet_free(t.n);
}

static void test_force_initiator(void) { run_force(true); }
static void test_force_responder(void) { run_force(false); }

/* Replace packet `seq` (dropped) by `bytes`, delivered now to its destination. */
static void replace_packet(struct net *t, unsigned seq, const uint8_t *bytes, size_t len)
{
    const struct memnet_packet *p = memnet_sent(t->n, seq);
    REQUIRE(p);
    struct isakmp_addr from = p->from, to = p->to;
    memnet_inject(t->n, bytes, len, &from, &to);
}

/* A responder that only knows the drafts: the initiator's RFC vendor ID
 * is altered on the way, so they agree on the draft: NAT-D 130 and
 * encapsulation mode 61443. */
static void test_draft_variant(void)
{
    struct net t;
    REQUIRE(net_init(&t, true, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, ISAKMP_ENCAP_TUNNEL, false));
    memnet_drop(t.n, 1);
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    const struct memnet_packet *p = memnet_sent(t.n, 1);
    REQUIRE(p);
    uint8_t m1[2048];
    REQUIRE(p->len <= sizeof m1);
    memcpy(m1, p->bytes, p->len);
    uint8_t *rfc = memmem(m1, p->len, isakmp_natt_vendor_id(0, NULL), 16);
    REQUIRE(rfc);
    rfc[15] ^= 0x55;        /* VIDs are covered by no hash in Main Mode */
    replace_packet(&t, 1, m1, p->len);
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 2);
    const struct isakmp_event *di = memnet_last(t.n, t.i, ISAKMP_EV_NAT_DETECTED);
    REQUIRE(di);
    CHECK_INT(di->u.natt.variant, ISAKMP_NATT_DRAFT);
    CHECK(di->u.natt.local_behind);
    /* Message 2 echoes draft -03 (the newest), messages 3/4 carry NAT-D 130. */
    const struct memnet_packet *r2msg = NULL;
    for (unsigned s = 1; s <= memnet_sent_count(t.n) && !r2msg; s++)
        if (memnet_sent(t.n, s)->from_node == t.r)
            r2msg = memnet_sent(t.n, s);
    REQUIRE(r2msg);
    CHECK(memmem(r2msg->bytes, r2msg->len, isakmp_natt_vendor_id(3, NULL), 16) != NULL);
    CHECK(memmem(r2msg->bytes, r2msg->len, isakmp_natt_vendor_id(0, NULL), 16) == NULL);
    unsigned natd130 = 0;
    for (unsigned s = 1; s <= memnet_sent_count(t.n); s++)
        natd130 += has_payload(memnet_sent(t.n, s), ISAKMP_PL_NAT_D_DRAFT);
    CHECK_INT(natd130, 2);
    const struct isakmp_event *r2 = established(&t, t.r, 2), *i2 = established(&t, t.i, 2);
    REQUIRE(r2 && i2);
    CHECK_INT(r2->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_UDP_TUNNEL_DRAFT);
    CHECK_INT(i2->u.sa.protocols[0].alg.encap, ISAKMP_ENCAP_UDP_TUNNEL_DRAFT);
    CHECK_INT(r2->u.sa.natt, ISAKMP_NATT_DRAFT);
    check_same_keymat(&t);
    memnet_free(t.n);
}

/* The NAT forgets its mappings: the next Quick Mode comes from a new
 * port, the responder follows it once it authenticates. */
static void test_responder_follows_rebinding(void)
{
    struct net t;
    REQUIRE(net_init(&t, true, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, ISAKMP_ENCAP_TUNNEL, false));
    isakmp_handle h = initiate(&t, ISAKMP_XCHG_IDPROT);
    REQUIRE(h);
    memnet_run(t.n, memnet_now(t.n) + 3 * SEC);
    REQUIRE(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED) == 2);
    memnet_nat_rebind(t.n, t.i);
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.p2 = &t.p2;
    pol.n_p2 = 1;
    REQUIRE(isakmp_engine_quick_mode(memnet_engine(t.n, t.i), memnet_now(t.n), h, &pol));
    memnet_run(t.n, memnet_now(t.n) + 3 * SEC);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 3);
    const struct isakmp_event *moved = memnet_last(t.n, t.r, ISAKMP_EV_NAT_ADDRESS_CHANGED);
    REQUIRE(moved);
    CHECK_INT(moved->u.natt.peer.port, 20002);
    CHECK_INT(established(&t, t.r, 2)->peer.port, 20002);
    /* A forged datagram from elsewhere with the SA's cookies does not move it. */
    const struct memnet_packet *last = memnet_sent(t.n, (unsigned)memnet_sent_count(t.n));
    REQUIRE(last);
    uint8_t junk[256];
    size_t jl = last->len < sizeof junk ? last->len : sizeof junk;
    memcpy(junk, last->bytes, jl);
    junk[jl - 1] ^= 1;
    struct isakmp_addr evil = isakmp_addr_v4(203, 0, 113, 9, 4500), to = isakmp_addr_v4(192, 0, 2, 2, 4500);
    unsigned before = memnet_count(t.n, t.r, ISAKMP_EV_NAT_ADDRESS_CHANGED);
    memnet_inject(t.n, junk, jl, &evil, &to);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_NAT_ADDRESS_CHANGED), before);
    memnet_free(t.n);
}

/* The plaintext event: what one side sealed is what the other opened;
 * off by default. */
static void test_plaintext_events(void)
{
    struct net t;
    REQUIRE(net_init(&t, false, ISAKMP_NAT_T_OFF, ISAKMP_NAT_T_OFF, ISAKMP_ENCAP_TUNNEL, true));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    const struct isakmp_event *ei, *er;
    size_t ni = memnet_events(t.n, t.i, &ei), nr = memnet_events(t.n, t.r, &er);
    unsigned sent = 0, matched = 0;
    for (size_t a = 0; a < ni; a++) {
        if (ei[a].type != ISAKMP_EV_PLAINTEXT || !ei[a].u.plain.sent)
            continue;
        sent++;
        CHECK(!(ei[a].u.plain.bytes[19] & ISAKMP_FLAG_E));
        for (size_t b = 0; b < nr; b++)
            if (er[b].type == ISAKMP_EV_PLAINTEXT && !er[b].u.plain.sent &&
                er[b].u.plain.len == ei[a].u.plain.len &&
                memcmp(er[b].u.plain.bytes, ei[a].u.plain.bytes, ei[a].u.plain.len) == 0)
                matched++;
    }
    /* Initiator seals MM 5, QM 1 and QM 3. */
    CHECK_INT(sent, 3);
    CHECK_INT(matched, 3);
    memnet_free(t.n);
    /* Off: none. */
    REQUIRE(net_init(&t, false, ISAKMP_NAT_T_OFF, ISAKMP_NAT_T_OFF, ISAKMP_ENCAP_TUNNEL, false));
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + 5 * SEC);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_SA_ESTABLISHED), 2);
    CHECK_INT(memnet_count(t.n, t.i, ISAKMP_EV_PLAINTEXT) + memnet_count(t.n, t.r, ISAKMP_EV_PLAINTEXT), 0);
    memnet_free(t.n);
}

/* ---- malformed NAT-D --------------------------------------------------------- */

/* Rebuild a cleartext message with its NAT-D payloads replaced by `n`
 * payloads of `len` bytes each (appended last). */
static size_t rebuild_natd(const uint8_t *in, size_t in_len, unsigned n, size_t len, uint8_t *out,
                           size_t cap)
{
    struct isakmp_message *m = calloc(1, sizeof *m);
    if (!m || isakmp_decode(in, in_len, 0, m) != 0) {
        free(m);
        return 0;
    }
    struct isakmp_builder b;
    isakmp_build_init(&b, out, cap);
    struct isakmp_header h = m->hdr;
    isakmp_build_header(&b, &h);
    for (size_t i = 0; i < m->n_payloads; i++)
        if (m->payloads[i].type != ISAKMP_PL_NAT_D)
            isakmp_build_data(&b, m->payloads[i].type, m->payloads[i].body.p, m->payloads[i].body.len);
    uint8_t junk[64];
    memset(junk, 0xa5, sizeof junk);
    for (unsigned i = 0; i < n; i++)
        isakmp_build_data(&b, ISAKMP_PL_NAT_D, junk, len);
    size_t outlen = 0;
    if (isakmp_build_finish(&b, &outlen) != 0)
        outlen = 0;
    free(m);
    return outlen;
}

static void run_bad_natd(unsigned n, size_t len)
{
    struct net t;
    REQUIRE(net_init(&t, true, ISAKMP_NAT_T_ON, ISAKMP_NAT_T_ON, ISAKMP_ENCAP_TUNNEL, false));
    memnet_drop(t.n, 3);               /* Main Mode message 3: replaced */
    REQUIRE(initiate(&t, ISAKMP_XCHG_IDPROT));
    memnet_run(t.n, memnet_now(t.n) + SEC / 10);
    const struct memnet_packet *p = memnet_sent(t.n, 3);
    REQUIRE(p);
    CHECK(has_payload(p, ISAKMP_PL_NAT_D));
    uint8_t buf[4096];
    size_t l = rebuild_natd(p->bytes, p->len, n, len, buf, sizeof buf);
    REQUIRE(l > 0);
    replace_packet(&t, 3, buf, l);
    memnet_run(t.n, memnet_now(t.n) + SEC);
    const struct isakmp_event *f = memnet_last(t.n, t.r, ISAKMP_EV_EXCHANGE_FAILED);
    REQUIRE(f);
    CHECK_INT(f->u.exchange.reason, ISAKMP_FAIL_MALFORMED);
    CHECK_INT(f->u.exchange.notify, ISAKMP_N_PAYLOAD_MALFORMED);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_SA_ESTABLISHED), 0);
    CHECK_INT(memnet_count(t.n, t.r, ISAKMP_EV_NAT_DETECTED), 0);
    memnet_free(t.n);
}

static void test_natd_wrong_length(void) { run_bad_natd(2, 19); }
static void test_natd_too_long(void) { run_bad_natd(2, 64); }
static void test_natd_too_many(void) { run_bad_natd(9, 20); }
static void test_natd_only_one(void) { run_bad_natd(1, 20); }

/* ---- driver helpers ------------------------------------------------------------ */

static void test_marker_helpers(void)
{
    const uint8_t *ike;
    size_t n;
    static const uint8_t ka[1] = { 0xff }, esp[8] = { 0, 0, 0, 1, 2, 3, 4, 5 };
    static const uint8_t ikem[8] = { 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd };
    CHECK_INT(isakmp_natt_classify(ka, 1, &ike, &n), ISAKMP_NATT_KEEPALIVE);
    CHECK_INT(isakmp_natt_classify(esp, 8, &ike, &n), ISAKMP_NATT_ESP);
    CHECK(ike == NULL && n == 0);
    CHECK_INT(isakmp_natt_classify(ikem, 3, &ike, &n), ISAKMP_NATT_INVALID);
    CHECK_INT(isakmp_natt_classify(ikem, 8, &ike, &n), ISAKMP_NATT_IKE);
    CHECK(ike == ikem + 4 && n == 4);
    uint8_t out[16];
    CHECK_INT(isakmp_natt_wrap(ikem + 4, 4, out, sizeof out), 8);
    CHECK_MEM(out, 8, ikem, 8);
    CHECK_INT(isakmp_natt_wrap(ka, 1, out, sizeof out), 1);       /* keepalives: no marker */
    CHECK_INT(out[0], 0xff);
    CHECK_INT(isakmp_natt_wrap(ikem, 8, out, 11), 0);             /* no room */
    CHECK_STR(isakmp_nat_t_name(ISAKMP_NAT_T_FORCE), "force");
    CHECK_STR(isakmp_natt_variant_name(ISAKMP_NATT_DRAFT), "draft");
}

int main(void)
{
    RUN(test_marker_helpers);
    RUN(test_vendor_ids_are_md5_of_names);
    RUN(test_nat_main_tunnel);
    RUN(test_nat_aggressive_tunnel);
    RUN(test_nat_main_unset_mode);
    RUN(test_nat_transport_nat_oa);
    RUN(test_no_nat_detects_nothing);
    RUN(test_force_initiator);
    RUN(test_force_responder);
    RUN(test_draft_variant);
    RUN(test_responder_follows_rebinding);
    RUN(test_plaintext_events);
    RUN(test_natd_wrong_length);
    RUN(test_natd_too_long);
    RUN(test_natd_too_many);
    RUN(test_natd_only_one);
    return check_summary();
}
