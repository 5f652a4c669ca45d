/* The KE flood: the flood that cookies (stateless or not) cannot stop.  From
 * its own real address (one UDP socket on port 500 of the attacker node,
 * through its stack and the links: it loads the medium), `rate` times a
 * second from `start` to `stop` the attacker opens a Main Mode exchange
 * (message 1: the scenario's proposal, else the target's policy's), waits
 * for message 2 (the responder's cookie and chosen SA), and answers with
 * message 3: the cookie, a KE payload of the chosen group and a nonce.  A
 * responder then computes Diffie-Hellman (its CPU model charges it) and
 * answers with message 4; message 5 never comes.
 *
 * By default (ke = "reuse") the KE value is a genuine public value made
 * once per group at the start and reused for every exchange (the
 * responder cannot tell), so the attacker's crypto per attempt is zero:
 * counters attacker-dh-generate (one per group) and attacker-crypto-ns
 * (their cost in the attacker node's cost table, the whole of its
 * crypto).  This asymmetry is the Matsuura-Imai point.  ke = "fresh" makes
 * a new DH key pair for every message 3; ke = "full" also computes the
 * shared secret from message 4's KE, as an honest initiator would before
 * its message 5 (counter attacker-dh-compute).
 *
 * The attacker's CPU (a model: its node's CPU model and cost table, see
 * sim_attacker_cpu_free): message 1 and message 3 each cost the craft time
 * (`craft_cost`, default the cost table's "cheap"), every DH operation its
 * cost-table figure (a crypto_ops row of the attacker node), and every
 * datagram the attacker receives is a work item (plus the node's
 * per-item overhead, as for any node); messages leave at the end of their
 * busy period.  Attempts are paced by the CPU: a tick that finds it busy
 * is owed, a tick while one is owed is lost (counter cpu-limited).  With
 * one core the attempt rate is therefore at most
 *   1 / (2 craft + 3 overhead + [fresh, full] dh-generate + [full] dh-compute)
 * (items: message 1; message 2 -> message 3; message 4).
 *
 * At most `concurrency` exchanges are open at once (an attempt when none
 * is free is not made: counter skipped); an exchange is abandoned
 * TIMEOUT after its last message without an answer (counter timeouts).
 * The attempt's slot is encoded in CKY-I (4 bytes slot, 4 random), so
 * answers are matched without a search.
 * Counters (attack_counters): attempts, answered (message 2), ke-sent
 * (message 3), completed (message 4: the responder did its DH), notifies,
 * late (answers for abandoned or finished attempts), skipped, timeouts. */
#include "world_internal.h"

#include "isakmp/dh.h"
#include "isakmp/wire.h"

#include <stdlib.h>
#include <string.h>

#define TIMEOUT_NS 2000000000ull
#define NONCE_LEN 20
#define MAX_GROUPS 16

enum slot_state { SLOT_FREE, SLOT_SENT1, SLOT_SENT3 };

struct ke_flood;
struct slot {
    struct ke_flood *f;           /* so that a timer's argument is the slot */
    uint32_t idx;
    enum slot_state state;
    uint8_t cky_i[8];
    uint64_t timer;
    struct isakmp_dh_key *key;    /* ke = "full": ours, until message 4 */
};

/* A datagram on its way: out (held by the CPU) or in (a work item). */
struct ke_dgram {
    struct ke_flood *f;
    struct slot *s;               /* out: armed when it leaves */
    size_t len;
    uint8_t data[];
};

struct ke_flood {
    struct sim_attack *a;
    uint32_t target_addr;
    uint16_t port;                /* the attacker's source port */
    const struct isakmp_p1_transform *p1;
    size_t n_p1;
    struct { uint16_t group; size_t len; uint8_t pub[ISAKMP_DH_MAX_PUBLIC]; } ke[MAX_GROUPS];
    size_t n_ke;
    struct isakmp_drbg *rng;
    struct slot *slots;
    uint32_t *free_list;
    size_t n_free;
    uint64_t stop_ns;
    struct isakmp_message *m;     /* decode scratch (large) */
    struct sim_pacer pace;        /* ticks against the attacker's CPU */
    uint32_t conc;                /* slots */
    uint64_t setup_ns;            /* the reused KEs made at build time, charged at start */
    struct isakmp_dh_exp_policy exp; /* fresh/full: the target policy's exponents */
};

static void release(struct ke_flood *f, struct slot *s)
{
    if (s->timer)
        isakmp_sim_cancel(f->a->w->ns, s->timer);
    s->timer = 0;
    isakmp_dh_key_free(s->key);
    s->key = NULL;
    s->state = SLOT_FREE;
    f->free_list[f->n_free++] = s->idx;
}

static void timed_out(void *arg)
{
    struct slot *s = arg;
    s->timer = 0;
    sim_attack_count(s->f->a, "timeouts", 1);
    release(s->f, s);
}

static void arm(struct ke_flood *f, struct slot *s)
{
    if (s->timer)
        isakmp_sim_cancel(f->a->w->ns, s->timer);
    s->timer = isakmp_sim_after(f->a->w->ns, TIMEOUT_NS, timed_out, s);
}

/* End of the busy period: the datagram leaves, the slot's timer starts. */
static void send_release(void *arg)
{
    struct ke_dgram *o = arg;
    struct ke_flood *f = o->f;
    struct sim_attack *a = f->a;
    if (isakmp_sim_udp_send(a->w->ns, (uint32_t)a->scn->node, f->port, f->target_addr, IKE_PORT,
                            o->data, o->len) != 0) {
        sim_attack_count(a, "send-failed", 1);
        if (o->s->state != SLOT_FREE)
            release(f, o->s);
    } else {
        a->sent++;
        if (o->s->state != SLOT_FREE)
            arm(f, o->s);
    }
    free(o);
}

/* During a work item: send buf when it ends (false: not sent). */
static bool send_to_target(struct ke_flood *f, struct isakmp_cpu *cpu, struct slot *s,
                           const uint8_t *buf, size_t len)
{
    struct ke_dgram *o = malloc(sizeof *o + len);
    if (!o)
        return false;
    o->f = f;
    o->s = s;
    o->len = len;
    memcpy(o->data, buf, len);
    if (!isakmp_cpu_defer(cpu, send_release, o, free)) {
        free(o);
        return false;
    }
    return true;
}

static void item_done(void *arg);

/* Message 1 of a new attempt, on the attacker's CPU. */
static uint64_t attempt_work(void *arg, struct isakmp_cpu *cpu)
{
    struct ke_flood *f = arg;
    struct sim_attack *a = f->a;
    isakmp_cpu_defer(cpu, item_done, f, NULL);
    if (!f->n_free) {
        sim_attack_count(a, "skipped", 1);          /* concurrency reached */
        return 0;
    }
    struct slot *s = &f->slots[f->free_list[--f->n_free]];
    isakmp_put32(s->cky_i, s->idx);
    isakmp_drbg_generate(f->rng, s->cky_i + 4, 4);
    uint8_t buf[2048];
    size_t len = sim_build_message1(ISAKMP_XCHG_IDPROT, s->cky_i, f->p1, f->n_p1, NULL, 0,
                                    NULL, 0, 0, buf, sizeof buf);
    sim_attack_count(a, "attempts", 1);
    s->state = SLOT_SENT1;
    if (!len || !send_to_target(f, cpu, s, buf, len))
        release(f, s);
    return sim_attacker_craft_ns(a);
}

static void start_attempt(void *arg)
{
    struct ke_flood *f = arg;
    if (!isakmp_cpu_submit(sim_attacker_node(f->a)->cpu, attempt_work, f, NULL))
        sim_attack_count(f->a, "cpu-limited", 1);  /* the attacker's queue limit */
}

/* One of our busy periods ended: start the owed attempt, if any. */
static void item_done(void *arg)
{
    struct ke_flood *f = arg;
    sim_pacer_done(f->a, &f->pace);   /* answers first: only when nothing waits */
}

/* The reused KEs, made at build time: their cost, charged once at the start. */
static uint64_t setup_work(void *arg, struct isakmp_cpu *cpu)
{
    struct ke_flood *f = arg;
    isakmp_cpu_defer(cpu, item_done, f, NULL);
    return f->setup_ns;
}

static void attempt(void *arg)
{
    struct sim_attack *a = arg;
    struct ke_flood *f = a->impl;
    struct sim_world *w = a->w;
    uint64_t now = isakmp_sim_now(w->ns);
    if (now >= f->stop_ns || w->failed)
        return;
    if (f->pace.ticks == 0 && f->setup_ns)
        isakmp_cpu_submit(sim_attacker_node(a)->cpu, setup_work, f, NULL);
    sim_pacer_tick(a, &f->pace);
}

/* The group of the transform the responder chose in message 2's SA. */
static bool chosen_group(const struct isakmp_message *m, uint16_t *group)
{
    const struct isakmp_payload *sa = isakmp_msg_find(m, ISAKMP_PL_SA, 0);
    if (!sa)
        return false;
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    if (isakmp_next_proposal(&pi, &prop) != 1)
        return false;
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform t;
    struct isakmp_attr at;
    if (isakmp_next_transform(&ti, &t) != 1 || !isakmp_attr_find(t.attrs, ISAKMP_IKE_GROUP_DESC, &at) ||
        !at.value_fits)
        return false;
    *group = (uint16_t)at.value;
    return true;
}

/* Message 3 for slot s: the cookie from message 2, a KE of the chosen
 * group (reused, or a new key pair: its cost charged), a nonce.  Returns
 * the crypto cost. */
static uint64_t send_message3(struct ke_flood *f, struct isakmp_cpu *cpu, struct slot *s,
                              const struct isakmp_message *m)
{
    struct sim_attack *a = f->a;
    uint16_t group = 0;
    size_t k = 0;
    if (chosen_group(m, &group))
        while (k < f->n_ke && f->ke[k].group != group)
            k++;
    if (!group || k == f->n_ke) {
        sim_attack_count(a, "unknown-group", 1);
        release(f, s);
        return 0;
    }
    uint64_t cost = 0;
    const uint8_t *pub = f->ke[k].pub;
    size_t pub_len = f->ke[k].len;
    if (a->scn->ke != ISAKMP_SCN_KE_REUSE) {
        struct isakmp_crypto_cost rep;
        memset(&rep, 0, sizeof rep);
        isakmp_dh_key_free(s->key);
        s->key = NULL;
        if (isakmp_dh_generate(group, &f->exp, isakmp_drbg_random, f->rng,
                               sim_attacker_node(a)->cost, &s->key, &rep) != ISAKMP_DH_OK) {
            sim_attack_count(a, "dh-failed", 1);
            release(f, s);
            return 0;
        }
        sim_attacker_crypto(a, ISAKMP_CRYPTO_DH_KEYGEN, s->key, &rep);
        sim_attack_count(a, "attacker-dh-generate", 1);
        cost = rep.virtual_ns;
        pub = isakmp_dh_public(s->key, &pub_len);
    }
    struct isakmp_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.cky_i, s->cky_i, 8);
    memcpy(h.cky_r, m->hdr.cky_r, 8);
    h.major = 1;
    h.exchange = ISAKMP_XCHG_IDPROT;
    uint8_t nonce[NONCE_LEN], buf[2048];
    isakmp_drbg_generate(f->rng, nonce, sizeof nonce);
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    isakmp_build_header(&b, &h);
    isakmp_build_data(&b, ISAKMP_PL_KE, pub, pub_len);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, sizeof nonce);
    size_t len = 0;
    if (a->scn->ke != ISAKMP_SCN_KE_FULL) {
        isakmp_dh_key_free(s->key);  /* fresh: not needed any more */
        s->key = NULL;
    }
    s->state = SLOT_SENT3;
    if (isakmp_build_finish(&b, &len) != 0 || !send_to_target(f, cpu, s, buf, len)) {
        release(f, s);
        return cost;
    }
    sim_attack_count(a, "ke-sent", 1);
    return cost;
}

/* ke = "full": the shared secret from message 4's KE, as an honest
 * initiator computes it.  Returns its cost. */
static uint64_t compute_shared(struct ke_flood *f, struct slot *s, const struct isakmp_message *m)
{
    const struct isakmp_payload *ke = isakmp_msg_find(m, ISAKMP_PL_KE, 0);
    if (!s->key || !ke)
        return 0;
    uint8_t shared[ISAKMP_DH_MAX_SHARED];
    size_t shared_len = 0;
    struct isakmp_crypto_cost rep;
    memset(&rep, 0, sizeof rep);
    if (isakmp_dh_compute(s->key, ke->u.data.p, ke->u.data.len, shared, sizeof shared, &shared_len,
                          sim_attacker_node(f->a)->cost, &rep) != ISAKMP_DH_OK) {
        sim_attack_count(f->a, "dh-failed", 1);
        return rep.virtual_ns;
    }
    volatile uint8_t *v = shared;       /* a secret, even an attacker's */
    for (size_t i = 0; i < shared_len; i++)
        v[i] = 0;
    sim_attacker_crypto(f->a, ISAKMP_CRYPTO_DH_SHARED, s->key, &rep);
    sim_attack_count(f->a, "attacker-dh-compute", 1);
    return rep.virtual_ns;
}

/* An answer from the target, on the attacker's CPU. */
static uint64_t answer_work(void *arg, struct isakmp_cpu *cpu)
{
    struct ke_dgram *d = arg;
    struct ke_flood *f = d->f;
    struct sim_attack *a = f->a;
    uint64_t cost = 0;
    isakmp_cpu_defer(cpu, item_done, f, NULL);
    uint32_t i = isakmp_get32(d->data);
    struct slot *s = i < f->conc ? &f->slots[i] : NULL;
    if (d->data[18] == ISAKMP_XCHG_INFO) {
        sim_attack_count(a, "notifies", 1);
    } else if (!s || s->state == SLOT_FREE || memcmp(s->cky_i, d->data, 8) != 0 ||
               d->data[18] != ISAKMP_XCHG_IDPROT) {
        sim_attack_count(a, "late", 1);            /* e.g. a retransmitted message 4 */
    } else if (isakmp_decode(d->data, d->len, ISAKMP_DECODE_ALLOW_UNKNOWN, f->m) != 0 ||
               f->m->encrypted) {
        sim_attack_count(a, "undecodable", 1);
    } else if (s->state == SLOT_SENT1 && isakmp_msg_find(f->m, ISAKMP_PL_SA, 0)) {
        sim_attack_count(a, "answered", 1);
        cost = sim_attacker_craft_ns(a) + send_message3(f, cpu, s, f->m);
    } else if (s->state == SLOT_SENT3 && isakmp_msg_find(f->m, ISAKMP_PL_KE, 0)) {
        sim_attack_count(a, "completed", 1);       /* the responder did its DH; no message 5 */
        cost = compute_shared(f, s, f->m);
        release(f, s);
    } else {
        sim_attack_count(a, "late", 1);            /* a retransmitted message 2 */
    }
    free(d);
    return cost;
}

/* A datagram at the attacker's socket: a work item of its CPU. */
static void on_answer(void *user, const struct isakmp_sim_datagram *d)
{
    struct sim_attack *a = user;
    struct ke_flood *f = a->impl;
    if (d->src != f->target_addr || d->len < 28)
        return;
    struct ke_dgram *in = malloc(sizeof *in + d->len);
    if (!in) {
        sim_fail(a->w, "out of memory");
        return;
    }
    in->f = f;
    in->s = NULL;
    in->len = d->len;
    memcpy(in->data, d->data, d->len);
    if (!isakmp_cpu_submit(sim_attacker_node(a)->cpu, answer_work, in, free)) {
        sim_attack_count(a, "cpu-dropped", 1);     /* the attacker's queue limit */
        free(in);
    }
}

static bool ke_owns(const struct sim_attack *a, uint32_t src, uint16_t sport)
{
    const struct ke_flood *f = a->impl;
    return src == a->w->s->nodes[a->scn->node].address && sport == f->port;
}

static void ke_free(struct sim_attack *a)
{
    struct ke_flood *f = a->impl;
    if (f) {
        isakmp_drbg_free(f->rng);
        for (uint32_t i = 0; f->slots && i < f->conc; i++)
            isakmp_dh_key_free(f->slots[i].key);
        free(f->slots);
        free(f->free_list);
        free(f->m);
    }
    free(f);
    a->impl = NULL;
}

bool sim_attack_ke_flood_init(struct sim_attack *a)
{
    struct sim_world *w = a->w;
    const struct isakmp_scn_attack *sa = a->scn;
    const struct isakmp_scenario *s = w->s;
    struct ke_flood *f = calloc(1, sizeof *f);
    if (!f)
        return false;
    a->impl = f;
    a->free_impl = ke_free;
    a->owns = ke_owns;
    f->a = a;
    const struct isakmp_scn_node *target = &s->nodes[sa->target];
    f->target_addr = target->address;
    if (sa->n_proposal) {
        f->p1 = sa->proposal;
        f->n_p1 = sa->n_proposal;
    } else if (target->policy >= 0) {
        f->p1 = s->policies[target->policy].p1;
        f->n_p1 = s->policies[target->policy].n_p1;
    }
    if (!f->n_p1) {
        sim_fail(w, "%s:%d: attack '%s': no proposal (and the target has no policy)", s->file,
                 sa->line, sa->name);
        return false;
    }
    uint32_t conc = sa->concurrency ? sa->concurrency : 100;
    f->slots = calloc(conc, sizeof *f->slots);
    f->free_list = calloc(conc, sizeof *f->free_list);
    f->m = malloc(sizeof *f->m);
    const uint8_t seed[4] = { (uint8_t)(s->seed >> 24), (uint8_t)(s->seed >> 16),
                              (uint8_t)(s->seed >> 8), (uint8_t)s->seed };
    f->rng = isakmp_drbg_new(seed, sizeof seed, s->run, 0x40000000u | (uint32_t)a->idx);
    if (!f->slots || !f->free_list || !f->m || !f->rng)
        return false;
    for (uint32_t i = conc; i-- > 0;) {          /* slot 0 is taken first */
        f->slots[i].f = f;
        f->slots[i].idx = i;
        f->free_list[f->n_free++] = i;
    }
    f->conc = conc;
    if (target->policy >= 0) {           /* exponents as the target's policy makes them */
        const struct isakmp_scn_policy *tp = &s->policies[target->policy];
        f->exp.kind = tp->short_exponent ? ISAKMP_DH_EXP_SHORT : ISAKMP_DH_EXP_FULL;
        f->exp.bits = tp->exponent_bits;
    }
    /* reuse: one genuine public value per offered group, made once and
     * reused; fresh/full: the groups only (a key pair per message 3). */
    const struct sim_node *me = &w->nodes[sa->node];
    uint64_t cost = 0;
    for (size_t i = 0; i < f->n_p1; i++) {
        size_t k = 0;
        while (k < f->n_ke && f->ke[k].group != f->p1[i].group)
            k++;
        if (k < f->n_ke || k == MAX_GROUPS)
            continue;
        if (sa->ke != ISAKMP_SCN_KE_REUSE) {
            f->ke[f->n_ke++].group = f->p1[i].group;
            continue;
        }
        struct isakmp_dh_key *key = NULL;
        struct isakmp_crypto_cost rep;
        memset(&rep, 0, sizeof rep);
        if (isakmp_dh_generate(f->p1[i].group, &f->exp, isakmp_drbg_random, f->rng, me->cost, &key,
                               &rep) != ISAKMP_DH_OK) {
            sim_fail(w, "%s:%d: attack '%s': cannot make a KE value in group %u", s->file,
                     sa->line, sa->name, f->p1[i].group);
            return false;
        }
        const uint8_t *pub = isakmp_dh_public(key, &f->ke[k].len);
        memcpy(f->ke[k].pub, pub, f->ke[k].len);
        f->ke[k].group = f->p1[i].group;
        f->n_ke++;
        cost += rep.virtual_ns;          /* the attacker node's cost table */
        sim_attacker_crypto(a, ISAKMP_CRYPTO_DH_KEYGEN, key, &rep);
        isakmp_dh_key_free(key);
    }
    f->setup_ns = cost;                  /* charged to its CPU at the start */
    sim_attack_count(a, "attacker-dh-generate", sa->ke == ISAKMP_SCN_KE_REUSE ? f->n_ke : 0);
    sim_attack_count(a, "attacker-crypto-ns", 0);
    /* Its own socket: UDP 500 if free (another attack may hold it), else
     * the next free port. */
    for (f->port = IKE_PORT; f->port < IKE_PORT + 64; f->port++)
        if (isakmp_sim_udp_open(w->ns, (uint32_t)sa->node, 0, f->port, on_answer, a) >= 0)
            break;
    if (f->port == IKE_PORT + 64) {
        sim_fail(w, "%s:%d: attack '%s': cannot open a UDP port on its node", s->file, sa->line,
                 sa->name);
        return false;
    }
    f->stop_ns = sa->stop_ns && sa->stop_ns < s->duration_ns ? sa->stop_ns : s->duration_ns;
    f->pace = (struct sim_pacer){ .stop_ns = f->stop_ns, .start = start_attempt, .arg = f,
                                  .tick = attempt };
    if (sa->start_ns < f->stop_ns)
        isakmp_sim_at(w->ns, sa->start_ns, attempt, a);
    return true;
}
