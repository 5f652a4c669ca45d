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
 * The KE value is a genuine public value made once per group at the start
 * and reused for every exchange (the responder cannot tell), so the
 * attacker's crypto per attempt is zero: counters attacker-dh-generate
 * (one per group) and attacker-crypto-ns (their cost in the attacker
 * node's cost table, the whole of its crypto).  This asymmetry is the
 * Matsuura-Imai point.  The attacker's CPU is not modelled otherwise.
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
    uint64_t next, stop_ns;
    struct isakmp_message *m;     /* decode scratch (large) */
};

static void release(struct ke_flood *f, struct slot *s)
{
    if (s->timer)
        isakmp_sim_cancel(f->a->w->ns, s->timer);
    s->timer = 0;
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

static bool send_to_target(struct ke_flood *f, const uint8_t *buf, size_t len)
{
    struct sim_attack *a = f->a;
    if (isakmp_sim_udp_send(a->w->ns, (uint32_t)a->scn->node, f->port, f->target_addr, IKE_PORT,
                            buf, len) != 0) {
        sim_attack_count(a, "send-failed", 1);
        return false;
    }
    a->sent++;
    return true;
}

static void attempt(void *arg)
{
    struct sim_attack *a = arg;
    struct ke_flood *f = a->impl;
    struct sim_world *w = a->w;
    uint64_t now = isakmp_sim_now(w->ns);
    if (now >= f->stop_ns || w->failed)
        return;
    if (!f->n_free) {
        sim_attack_count(a, "skipped", 1);          /* concurrency reached */
    } else {
        struct slot *s = &f->slots[f->free_list[--f->n_free]];
        isakmp_put32(s->cky_i, s->idx);
        isakmp_drbg_generate(f->rng, s->cky_i + 4, 4);
        uint8_t buf[2048];
        size_t len = sim_build_message1(ISAKMP_XCHG_IDPROT, s->cky_i, f->p1, f->n_p1, NULL, 0,
                                        NULL, 0, 0, buf, sizeof buf);
        sim_attack_count(a, "attempts", 1);
        s->state = SLOT_SENT1;
        if (len && send_to_target(f, buf, len))
            arm(f, s);
        else
            release(f, s);
    }
    f->next++;
    /* k-th attempt at start + k / rate, computed from k (no drift) */
    uint64_t t = a->scn->start_ns + (uint64_t)((double)f->next * 1e9 / a->scn->rate);
    if (t < f->stop_ns)
        isakmp_sim_at(w->ns, t, attempt, a);
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

static void send_message3(struct ke_flood *f, struct slot *s, const struct isakmp_message *m)
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
        return;
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
    isakmp_build_data(&b, ISAKMP_PL_KE, f->ke[k].pub, f->ke[k].len);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, nonce, sizeof nonce);
    size_t len = 0;
    if (isakmp_build_finish(&b, &len) != 0 || !send_to_target(f, buf, len)) {
        release(f, s);
        return;
    }
    sim_attack_count(a, "ke-sent", 1);
    s->state = SLOT_SENT3;
    arm(f, s);
}

static void on_answer(void *user, const struct isakmp_sim_datagram *d)
{
    struct sim_attack *a = user;
    struct ke_flood *f = a->impl;
    if (d->src != f->target_addr || d->len < 28)
        return;
    if (d->data[18] == ISAKMP_XCHG_INFO) {
        sim_attack_count(a, "notifies", 1);
        return;
    }
    uint32_t i = isakmp_get32(d->data);
    struct slot *s = i < a->scn->concurrency ? &f->slots[i] : NULL;
    if (!s || s->state == SLOT_FREE || memcmp(s->cky_i, d->data, 8) != 0 ||
        d->data[18] != ISAKMP_XCHG_IDPROT) {
        sim_attack_count(a, "late", 1);            /* e.g. a retransmitted message 4 */
        return;
    }
    if (isakmp_decode(d->data, d->len, ISAKMP_DECODE_ALLOW_UNKNOWN, f->m) != 0 || f->m->encrypted) {
        sim_attack_count(a, "undecodable", 1);
        return;
    }
    if (s->state == SLOT_SENT1 && isakmp_msg_find(f->m, ISAKMP_PL_SA, 0)) {
        sim_attack_count(a, "answered", 1);
        send_message3(f, s, f->m);
    } else if (s->state == SLOT_SENT3 && isakmp_msg_find(f->m, ISAKMP_PL_KE, 0)) {
        sim_attack_count(a, "completed", 1);       /* the responder did its DH; no message 5 */
        release(f, s);
    } else {
        sim_attack_count(a, "late", 1);            /* a retransmitted message 2 */
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
    /* One genuine public value per offered group, made once and reused. */
    const struct sim_node *me = &w->nodes[sa->node];
    uint64_t cost = 0;
    for (size_t i = 0; i < f->n_p1; i++) {
        size_t k = 0;
        while (k < f->n_ke && f->ke[k].group != f->p1[i].group)
            k++;
        if (k < f->n_ke || k == MAX_GROUPS)
            continue;
        struct isakmp_dh_key *key = NULL;
        struct isakmp_crypto_cost rep;
        memset(&rep, 0, sizeof rep);
        if (isakmp_dh_generate(f->p1[i].group, NULL, isakmp_drbg_random, f->rng, me->cost, &key,
                               &rep) != ISAKMP_DH_OK) {
            sim_fail(w, "%s:%d: attack '%s': cannot make a KE value in group %u", s->file,
                     sa->line, sa->name, f->p1[i].group);
            return false;
        }
        const uint8_t *pub = isakmp_dh_public(key, &f->ke[k].len);
        memcpy(f->ke[k].pub, pub, f->ke[k].len);
        f->ke[k].group = f->p1[i].group;
        isakmp_dh_key_free(key);
        f->n_ke++;
        cost += rep.virtual_ns;          /* the attacker node's cost table */
    }
    sim_attack_count(a, "attacker-dh-generate", f->n_ke);
    sim_attack_count(a, "attacker-crypto-ns", cost);
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
    if (sa->start_ns < f->stop_ns)
        isakmp_sim_at(w->ns, sa->start_ns, attempt, a);
    return true;
}
