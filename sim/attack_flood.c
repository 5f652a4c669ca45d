/* The spoofed message-1 flood: an attacker node sends, `rate` times a
 * second from `start` to `stop`, a real Main Mode (or Aggressive Mode)
 * message 1 to the target, each from a source address drawn from its
 * pools (random or round robin), with a fresh random CKY-I, and the SA
 * payload of the scenario's proposal (else the target's policy).  An
 * Aggressive Mode message 1 also carries KE (one valid public value made
 * at the start and reused: the responder cannot tell), a fresh nonce and
 * an IPv4 ID of the spoofed source.  Datagrams are hand-built IPv4/UDP
 * with any source (isakmp_sim_inject_udp); answers go to addresses that
 * do not exist.
 *
 * The attacker's CPU (a model, like the responders'): each message 1 is a
 * work item on the attacker node's CPU costing the attack's craft time
 * (`craft_cost`, default the node's cost-table "cheap" figure) plus the
 * node's per-item overhead; the datagram leaves when that busy period
 * ends.  A send tick that finds the CPU busy is owed and started as soon
 * as it is free; ticks while one is owed are lost (counter cpu-limited), so
 * the flood's rate is bounded by 1 / (craft + overhead) per core. */
#include "world_internal.h"

#include "isakmp/dh.h"
#include "isakmp/wire.h"

#include <stdlib.h>
#include <string.h>

struct flood {
    uint32_t target_addr;
    uint8_t xchg;
    const struct isakmp_p1_transform *p1;
    size_t n_p1;
    uint8_t ke[ISAKMP_DH_MAX_PUBLIC];
    size_t ke_len;
    struct isakmp_drbg *rng;
    uint64_t total;              /* addresses in all pools */
    uint64_t next;               /* round robin position: messages built */
    struct sim_pacer pace;       /* ticks against the attacker's CPU */
    uint64_t setup_ns;           /* the KE made at the start: charged by the first tick */
    uint64_t stop_ns;
    int link, end;               /* the target's end of a link shared with the attacker */
};

static uint64_t pool_size(const struct isakmp_scn_prefix *p)
{
    return p->len >= 32 ? 1 : (uint64_t)1 << (32 - p->len);
}

static uint32_t pool_addr(const struct isakmp_scn_prefix *p, uint64_t h)
{
    uint64_t size = pool_size(p);
    uint32_t base = p->len ? p->addr & ~(uint32_t)(size - 1) : 0;
    return base + (uint32_t)h;
}

static bool flood_owns(const struct sim_attack *a, uint32_t src, uint16_t sport)
{
    (void)sport;
    for (size_t i = 0; i < a->scn->n_pools; i++) {
        const struct isakmp_scn_prefix *p = &a->scn->pools[i];
        uint32_t mask = p->len ? ~(uint32_t)0 << (32 - p->len) : 0;
        if ((src & mask) == (p->addr & mask))
            return true;
    }
    return false;
}

static uint32_t pick_source(struct sim_attack *a, struct flood *f)
{
    uint64_t pos;
    if (a->scn->random_sources) {
        uint8_t b[8];
        isakmp_drbg_generate(f->rng, b, sizeof b);
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v = v << 8 | b[i];
        pos = v % f->total;
    } else {
        pos = f->next % f->total;
    }
    for (size_t i = 0; i < a->scn->n_pools; i++) {
        uint64_t size = pool_size(&a->scn->pools[i]);
        if (pos < size)
            return pool_addr(&a->scn->pools[i], pos);
        pos -= size;
    }
    return pool_addr(&a->scn->pools[0], 0);
}

/* Build message 1 into buf; returns its length, 0 on a builder error. */
size_t sim_build_message1(uint8_t xchg, const uint8_t cky_i[8],
                          const struct isakmp_p1_transform *p1, size_t n_p1,
                          const uint8_t *ke, size_t ke_len, const uint8_t *nonce, size_t nonce_len,
                          uint32_t id_addr, uint8_t *buf, size_t cap)
{
    struct isakmp_builder b;
    struct isakmp_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.cky_i, cky_i, 8);
    h.major = 1;
    h.exchange = xchg;
    isakmp_build_init(&b, buf, cap);
    isakmp_build_header(&b, &h);
    isakmp_build_sa_begin(&b, ISAKMP_DOI_IPSEC, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
    for (size_t i = 0; i < n_p1 && i < 255; i++) {
        const struct isakmp_p1_transform *t = &p1[i];
        isakmp_build_transform_begin(&b, (uint8_t)(i + 1), ISAKMP_KEY_IKE);
        isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_ENCRYPTION, t->cipher);
        if (t->key_bits)
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_KEY_LENGTH, t->key_bits);
        isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_HASH, t->hash);
        isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_AUTH_METHOD,
                          t->auth ? t->auth : ISAKMP_AUTH_PSK);
        isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_GROUP_DESC, t->group);
        if (t->life_seconds) {
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_TYPE, ISAKMP_LIFE_SECONDS);
            isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_LIFE_DURATION, t->life_seconds);
        }
        isakmp_build_transform_end(&b);
    }
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    if (xchg == ISAKMP_XCHG_AGGRESSIVE) {
        uint8_t id[4] = { (uint8_t)(id_addr >> 24), (uint8_t)(id_addr >> 16),
                          (uint8_t)(id_addr >> 8), (uint8_t)id_addr };
        isakmp_build_data(&b, ISAKMP_PL_KE, ke, ke_len);
        isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, nonce_len);
        isakmp_build_id(&b, ISAKMP_ID_IPV4_ADDR, 17, 500, id, sizeof id);
    }
    size_t len = 0;
    return isakmp_build_finish(&b, &len) == 0 ? len : 0;
}

/* ---- the attackers' CPU (shared with attack_ke_flood.c) ----------------- */

struct sim_node *sim_attacker_node(const struct sim_attack *a)
{
    return &a->w->nodes[a->scn->node];
}

bool sim_attacker_cpu_free(const struct sim_attack *a)
{
    const struct sim_node *n = sim_attacker_node(a);
    return isakmp_cpu_queue_len(n->cpu) == 0 && isakmp_cpu_busy_cores(n->cpu) < n->scn->cores;
}

void sim_pacer_tick(struct sim_attack *a, struct sim_pacer *p)
{
    if (sim_attacker_cpu_free(a))
        p->start(p->arg);
    else if (!p->owed)
        p->owed = true;
    else
        sim_attack_count(a, "cpu-limited", 1);
    p->ticks++;
    uint64_t t = a->scn->start_ns + (uint64_t)((double)p->ticks * 1e9 / a->scn->rate);
    if (t < p->stop_ns)
        isakmp_sim_at(a->w->ns, t, p->tick, a);
}

void sim_pacer_done(struct sim_attack *a, struct sim_pacer *p)
{
    if (p->owed && isakmp_cpu_queue_len(sim_attacker_node(a)->cpu) == 0 &&
        isakmp_sim_now(a->w->ns) < p->stop_ns && !a->w->failed) {
        p->owed = false;
        p->start(p->arg);
    }
}

uint64_t sim_attacker_craft_ns(const struct sim_attack *a)
{
    if (a->scn->craft_set)
        return a->scn->craft_ns;
    return isakmp_cost_lookup(sim_attacker_node(a)->cost, ISAKMP_COST_CHEAP, 0, 0);
}

void sim_attacker_crypto(struct sim_attack *a, enum isakmp_crypto_op op, const struct isakmp_dh_key *key,
                         const struct isakmp_crypto_cost *rep)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_CRYPTO;
    ev.now = isakmp_sim_now(a->w->ns);
    ev.u.crypto.op = op;
    ev.u.crypto.group = rep->group;
    ev.u.crypto.bits = rep->bits;
    if (key)
        ev.u.crypto.exp_policy = isakmp_dh_key_policy(key).kind == ISAKMP_DH_EXP_SHORT
            ? ISAKMP_CRYPTO_EXP_SHORT : ISAKMP_CRYPTO_EXP_FULL;
    ev.u.crypto.virtual_ns = rep->virtual_ns;
    ev.u.crypto.cpu_ns = rep->cpu_ns;
    sim_record_event(sim_attacker_node(a), &ev);
    sim_attack_count(a, "attacker-crypto-ns", rep->virtual_ns);
}

/* ---- the flood ------------------------------------------------------------ */

struct flood_out {
    struct sim_attack *a;
    uint32_t src;
    size_t len;
    uint8_t data[];
};

/* End of the busy period: the message leaves. */
static void flood_release(void *arg)
{
    struct flood_out *o = arg;
    struct sim_attack *a = o->a;
    struct flood *f = a->impl;
    struct sim_world *w = a->w;
    /* Put on the target's end of the shared link (see sim_attack_flood_init
     * for why not through the attacker's own stack). */
    int rc;
    if (f->link >= 0)
        rc = isakmp_sim_deliver_udp(w->ns, (uint32_t)w->link_ids[f->link], (uint32_t)f->end,
                                    o->src, IKE_PORT, f->target_addr, IKE_PORT, o->data, o->len);
    else
        rc = isakmp_sim_inject_udp(w->ns, (uint32_t)a->scn->node, o->src, IKE_PORT,
                                   f->target_addr, IKE_PORT, o->data, o->len);
    if (rc == 0)
        a->sent++;
    free(o);
}

static void flood_done(void *arg);

/* One message 1, built on the attacker's CPU. */
static uint64_t flood_build(void *arg, struct isakmp_cpu *cpu)
{
    struct sim_attack *a = arg;
    struct flood *f = a->impl;
    uint8_t cky[8], nonce[16], buf[2048];
    isakmp_drbg_generate(f->rng, cky, sizeof cky);
    isakmp_drbg_generate(f->rng, nonce, sizeof nonce);
    uint32_t src = pick_source(a, f);
    f->next++;
    size_t len = sim_build_message1(f->xchg, cky, f->p1, f->n_p1, f->ke, f->ke_len, nonce,
                                    sizeof nonce, src, buf, sizeof buf);
    struct flood_out *o = len ? malloc(sizeof *o + len) : NULL;
    if (o) {
        o->a = a;
        o->src = src;
        o->len = len;
        memcpy(o->data, buf, len);
        if (!isakmp_cpu_defer(cpu, flood_release, o, free))
            free(o);
    }
    isakmp_cpu_defer(cpu, flood_done, a, NULL);
    return sim_attacker_craft_ns(a);
}

static void flood_start_one(void *arg)
{
    struct sim_attack *a = arg;
    if (!isakmp_cpu_submit(sim_attacker_node(a)->cpu, flood_build, a, NULL))
        sim_attack_count(a, "cpu-limited", 1);   /* the attacker's queue limit */
}

/* A busy period of ours ended: start the owed message, if any. */
static void flood_done(void *arg)
{
    struct sim_attack *a = arg;
    struct flood *f = a->impl;
    sim_pacer_done(a, &f->pace);
}

/* The work of making the reused KE (done at build time), charged once. */
static uint64_t flood_setup(void *arg, struct isakmp_cpu *cpu)
{
    struct flood *f = arg;
    (void)cpu;
    return f->setup_ns;
}

static void flood_send(void *arg)
{
    struct sim_attack *a = arg;
    struct flood *f = a->impl;
    struct sim_world *w = a->w;
    uint64_t now = isakmp_sim_now(w->ns);
    if (now >= f->stop_ns || w->failed)
        return;
    if (f->pace.ticks == 0 && f->setup_ns &&
        !isakmp_cpu_submit(sim_attacker_node(a)->cpu, flood_setup, f, NULL))
        f->setup_ns = 0;
    sim_pacer_tick(a, &f->pace);
}

static void flood_free(struct sim_attack *a)
{
    struct flood *f = a->impl;
    if (f)
        isakmp_drbg_free(f->rng);
    free(f);
    a->impl = NULL;
}

bool sim_attack_flood_init(struct sim_attack *a)
{
    struct sim_world *w = a->w;
    const struct isakmp_scn_attack *sa = a->scn;
    const struct isakmp_scenario *s = w->s;
    if (sa->node < 0 || sa->target < 0 || sa->n_pools == 0 || !(sa->rate > 0)) {
        sim_fail(w, "%s:%d: attack '%s': needs node, target, sources and a rate > 0",
                 s->file, sa->line, sa->name);
        return false;
    }
    struct flood *f = calloc(1, sizeof *f);
    if (!f)
        return false;
    a->impl = f;
    a->free_impl = flood_free;
    a->owns = flood_owns;
    const struct isakmp_scn_node *target = &s->nodes[sa->target];
    f->target_addr = target->address;
    f->xchg = sa->mode == ISAKMP_SCN_AGGRESSIVE ? ISAKMP_XCHG_AGGRESSIVE : ISAKMP_XCHG_IDPROT;
    if (sa->n_proposal) {
        f->p1 = sa->proposal;
        f->n_p1 = sa->n_proposal;
    } else if (target->policy >= 0) {
        f->p1 = s->policies[target->policy].p1;
        f->n_p1 = s->policies[target->policy].n_p1;
    }
    if (!f->n_p1) {
        sim_fail(w, "%s:%d: attack '%s': no proposal (and the target has no policy)",
                 s->file, sa->line, sa->name);
        return false;
    }
    for (size_t i = 0; i < sa->n_pools; i++)
        f->total += pool_size(&sa->pools[i]);
    const uint8_t seed[4] = { (uint8_t)(s->seed >> 24), (uint8_t)(s->seed >> 16),
                              (uint8_t)(s->seed >> 8), (uint8_t)s->seed };
    /* The attack's own stream: node id space above the nodes'. */
    f->rng = isakmp_drbg_new(seed, sizeof seed, s->run, 0x40000000u | (uint32_t)a->idx);
    if (!f->rng)
        return false;
    if (f->xchg == ISAKMP_XCHG_AGGRESSIVE) {
        struct isakmp_dh_key *key = NULL;
        struct isakmp_crypto_cost rep;
        memset(&rep, 0, sizeof rep);
        if (isakmp_dh_generate(f->p1[0].group, NULL, isakmp_drbg_random, f->rng,
                               sim_attacker_node(a)->cost, &key, &rep) != ISAKMP_DH_OK) {
            sim_fail(w, "%s:%d: attack '%s': cannot make a KE value in group %u", s->file,
                     sa->line, sa->name, f->p1[0].group);
            return false;
        }
        const uint8_t *pub = isakmp_dh_public(key, &f->ke_len);
        memcpy(f->ke, pub, f->ke_len);
        sim_attacker_crypto(a, ISAKMP_CRYPTO_DH_KEYGEN, key, &rep);
        isakmp_dh_key_free(key);
        f->setup_ns = rep.virtual_ns;
    }
    /* By default (via = "link") datagrams enter at the target's end of a
     * link the attacker shares with it (isakmp_sim_deliver_udp): every one
     * reaches the target, through its device, pcap and stack, but the
     * flood does not occupy the medium.  With via = "stack" they leave
     * through the attacker's own raw socket and device
     * (isakmp_sim_inject_udp) and compete for the medium.  Note that an
     * ns-3 CSMA segment is busy for a frame's transmission time PLUS the
     * propagation delay (CsmaChannel's PROPAGATING state), so a segment
     * carries at most 1 / (tx + delay) frames per second in all: with
     * default-flood.cfg's 2 ms delay about 497/s, which is why only ~40%
     * of a 1000/s flood got onto the wire there (the rest waited in the
     * attacker's device queue and overflowed it).  Not a shim bug. */
    f->link = -1;
    for (size_t l = 0; l < s->n_links && f->link < 0 && !sa->via_stack; l++) {
        int ea = -1, et = -1;
        for (size_t k = 0; k < s->links[l].n_ends; k++) {
            if (s->links[l].nodes[k] == sa->node) ea = (int)k;
            if (s->links[l].nodes[k] == sa->target) et = (int)k;
        }
        if (ea >= 0 && et >= 0) {
            f->link = (int)l;
            f->end = et;
        }
    }
    f->stop_ns = sa->stop_ns && sa->stop_ns < s->duration_ns ? sa->stop_ns : s->duration_ns;
    f->pace = (struct sim_pacer){ .stop_ns = f->stop_ns, .start = flood_start_one, .arg = a,
                                  .tick = flood_send };
    if (sa->start_ns < f->stop_ns)
        isakmp_sim_at(w->ns, sa->start_ns, flood_send, a);
    return true;
}
