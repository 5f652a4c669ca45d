/* One simulated IKE host: its engine, fed through its CPU model, with its
 * own DRBG and cost table (see sim/world.h for the rules). */
#include "world_internal.h"

#include "isakmp/rsa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the CPU model on the shim's clock ------------------------------------ */

static uint64_t drv_now(void *ctx) { return isakmp_sim_now(ctx); }
static uint64_t drv_at(void *ctx, uint64_t t, void (*fn)(void *), void *arg)
{
    return isakmp_sim_at(ctx, t, fn, arg);
}
static void drv_cancel(void *ctx, uint64_t h) { isakmp_sim_cancel(ctx, h); }

/* ---- datagrams out: held until the busy period ends ------------------------ */

static void release_dgram(void *arg)
{
    struct sim_out *o = arg;
    struct sim_node *n = o->n;
    int rc = isakmp_sim_udp_send(n->w->ns, n->idx, IKE_PORT, o->dst, o->dport, o->data, o->len);
    sim_record_sent(n, o, rc == 0);
    free(o);
}

static void cb_send(void *user, const uint8_t *bytes, size_t len,
                    const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct sim_node *n = user;
    (void)from;
    if (to->family != 4)
        return;                       /* the testbed is IPv4 only */
    struct sim_out *o = calloc(1, sizeof *o + len);
    if (!o) {
        sim_fail(n->w, "%s: out of memory", n->scn->name);
        return;
    }
    o->n = n;
    o->dst = (uint32_t)to->addr[0] << 24 | (uint32_t)to->addr[1] << 16 |
             (uint32_t)to->addr[2] << 8 | to->addr[3];
    o->dport = to->port;
    o->len = len;
    memcpy(o->data, bytes, len);
    n->last_out = o;                  /* the engine's MESSAGE_SENT event follows */
    if (!isakmp_cpu_defer(n->cpu, release_dgram, o, free)) {
        n->last_out = NULL;
        free(o);
        sim_fail(n->w, "%s: out of memory", n->scn->name);
    }
}

static void cb_event(void *user, const struct isakmp_event *ev)
{
    struct sim_node *n = user;
    n->w->events++;
    sim_record_event(n, ev);
    if (n->claim)
        sim_onpath_reaction(n, ev);
    if (n->w->onpath)
        sim_onpath_observe(n, ev);
}

static uint64_t cb_cpu_clock(void *user)
{
    (void)user;
    return isakmp_cpu_thread_ns();
}

/* ---- engine deadlines -------------------------------------------------------- */

static uint64_t work_fn(void *arg, struct isakmp_cpu *cpu);

static void timer_fire(void *arg)
{
    struct sim_node *n = arg;
    n->timer_ev = 0;
    n->timer_at = UINT64_MAX;
    if (n->timer_queued)
        return;
    struct sim_work *wk = calloc(1, sizeof *wk);
    if (!wk) {
        sim_fail(n->w, "%s: out of memory", n->scn->name);
        return;
    }
    wk->n = n;
    wk->kind = SIM_WORK_TIMER;
    n->timer_queued = true;
    if (!isakmp_cpu_submit(n->cpu, work_fn, wk, free)) {
        /* CPU queue full: try again when the next input has run. */
        n->timer_queued = false;
        n->cpu_dropped++;
        free(wk);
        n->timer_ev = isakmp_sim_after(n->w->ns, 1000000, timer_fire, n);
        n->timer_at = isakmp_sim_now(n->w->ns) + 1000000;
    }
}

static void rearm(struct sim_node *n)
{
    uint64_t d = isakmp_engine_next_deadline(n->e);
    if (d == n->timer_at)
        return;
    if (n->timer_ev)
        isakmp_sim_cancel(n->w->ns, n->timer_ev);
    n->timer_ev = 0;
    n->timer_at = d;
    if (d != UINT64_MAX)
        n->timer_ev = isakmp_sim_at(n->w->ns, d, timer_fire, n);
}

/* ---- work items ------------------------------------------------------------- */

static struct isakmp_addr v4(uint32_t a, uint16_t port)
{
    return isakmp_addr_v4((uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a, port);
}

static void start_extra_quick(void *arg);

static uint64_t work_fn(void *arg, struct isakmp_cpu *cpu)
{
    struct sim_work *wk = arg;
    struct sim_node *n = wk->n;
    (void)cpu;
    uint64_t now = isakmp_sim_now(n->w->ns);
    n->n_new_sas = 0;
    n->n_qm_after = 0;
    n->last_out = NULL;
    switch (wk->kind) {
    case SIM_WORK_RECV: {
        struct isakmp_addr from = v4(wk->src, wk->sport), to = v4(wk->dst, wk->dport);
        sim_node_count_attack_input(n, wk->src, wk->sport, false);
        n->claim = wk->claim;
        if (n->claim)
            n->claim->delivered++;
        n->claim_label = wk->claim_label;
        n->claim_reactions = 0;
        n->claim_received = n->claim_rejected = false;
        isakmp_engine_recv(n->e, now, wk->data, wk->len, &from, &to);
        if (n->claim)
            sim_onpath_call_done(n);
        n->claim = NULL;
        break;
    }
    case SIM_WORK_TIMER:
        n->timer_queued = false;
        isakmp_engine_timeout(n->e, now);
        break;
    case SIM_WORK_INITIATE: {
        size_t before = n->n_xs;
        n->started++;
        if (!isakmp_engine_initiate(n->e, now, &n->policy) && n->n_xs == before)
            sim_record_local_failure(n, now);
        break;
    }
    case SIM_WORK_QUICK:
        isakmp_engine_quick_mode(n->e, now, wk->phase1, &n->policy);
        break;
    }
    n->last_out = NULL;
    sim_record_after_call(n);
    uint64_t cost = isakmp_engine_take_cost(n->e);
    rearm(n);
    /* Further Quick Modes under a new phase-1 SA: their own work items. */
    for (size_t i = 0; i < n->n_qm_after; i++)
        for (uint32_t k = 1; k < n->scn->initiate.quick_modes; k++) {
            struct sim_work *q = calloc(1, sizeof *q);
            if (!q)
                break;
            q->n = n;
            q->kind = SIM_WORK_QUICK;
            q->phase1 = n->qm_after[i];
            isakmp_sim_after(n->w->ns, 0, start_extra_quick, q);
        }
    free(wk);
    return cost;
}

static void start_extra_quick(void *arg)
{
    struct sim_work *q = arg;
    if (!isakmp_cpu_submit(q->n->cpu, work_fn, q, free)) {
        q->n->cpu_dropped++;
        free(q);
    }
}

void sim_node_initiate(struct sim_node *n)
{
    struct sim_work *wk = calloc(1, sizeof *wk);
    if (!wk) {
        sim_fail(n->w, "%s: out of memory", n->scn->name);
        return;
    }
    wk->n = n;
    wk->kind = SIM_WORK_INITIATE;
    if (!isakmp_cpu_submit(n->cpu, work_fn, wk, free)) {
        n->cpu_dropped++;
        free(wk);
    }
}

/* A datagram arrived at the node's UDP 500 socket. */
static void on_datagram(void *user, const struct isakmp_sim_datagram *d)
{
    struct sim_node *n = user;
    struct sim_work *wk = calloc(1, sizeof *wk + d->len);
    if (!wk) {
        sim_fail(n->w, "%s: out of memory", n->scn->name);
        return;
    }
    wk->n = n;
    wk->kind = SIM_WORK_RECV;
    wk->src = d->src;
    wk->sport = d->sport;
    wk->dst = d->dst;
    wk->dport = d->dport;
    wk->len = d->len;
    memcpy(wk->data, d->data, d->len);
    wk->claim = sim_onpath_claim(n, d->data, d->len, &wk->claim_label);
    if (!isakmp_cpu_submit(n->cpu, work_fn, wk, free)) {
        n->cpu_dropped++;
        if (wk->claim) {
            char name[40];
            sim_onpath_label_name(wk->claim_label, name, sizeof name - 12);
            strcat(name, ".cpu-dropped");
            sim_attack_count(wk->claim, name, 1);
            wk->claim->dropped++;
        }
        sim_node_count_attack_input(n, d->src, d->sport, true);
        sim_record_cpu_drop(n, d->data, d->len);
        free(wk);
    }
}

void sim_node_count_attack_input(struct sim_node *n, uint32_t src, uint16_t sport, bool dropped)
{
    struct sim_world *w = n->w;
    for (size_t i = 0; i < w->n_attacks; i++) {
        struct sim_attack *a = &w->attacks[i];
        if (!a->owns || a->scn->target != (int)n->idx || !a->owns(a, src, sport))
            continue;
        if (dropped)
            a->dropped++;
        else
            a->delivered++;
        return;
    }
}

/* ---- engine configuration ------------------------------------------------- */

/* Pre-shared keys: the policy's key is "the key shared with every peer".
 * The engine matches a PSK by exact address, so every address that may
 * talk to this node gets an entry: the other nodes, and the source pools
 * of spoofed floods aimed at it (a gateway accepting any peer).  See the
 * request for a wildcard PSK in notes/requests.md. */
/* A node's policy has one PSK, used with every peer: one wildcard entry
 * (RFC 2409 keys by address in Main Mode; the engine takes an entry with
 * neither identity nor address for any peer).  One entry per other node
 * was O(N^2) memory across a world of N nodes. */
static bool build_psks(struct sim_node *n)
{
    if (!n->pol->psk_len)
        return true;
    struct isakmp_psk *p = calloc(1, sizeof *p);
    if (!p)
        return false;
    p->key = n->pol->psk;
    p->key_len = n->pol->psk_len;
    n->psks = p;
    n->n_psks = 1;
    return true;
}

/* ---- RSA credentials ------------------------------------------------------
 * Own key: the node's rsa_key, else its policy's.  Peers' keys: the node's
 * peer_keys, else the policy's, else the public half of every other RSA
 * node's own key (each node trusts the others).  A key file not tied to a
 * named peer belongs to the node(s) whose own key has that public key.
 * The engine finds a peer's key by its address (every interface address of
 * the peer node gets an entry); only public halves are given for peers. */

static struct isakmp_rsa_key *load_key(struct sim_node *n, const char *path, int line)
{
    struct sim_world *w = n->w;
    FILE *f = fopen(path, "rb");
    uint8_t buf[65536];
    size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    struct isakmp_rsa_key *k = NULL;
    char err[160] = "cannot read the file";
    int rc = f ? isakmp_rsa_key_load(buf, len, &k, err, sizeof err) : ISAKMP_RSA_E_FORMAT;
    volatile uint8_t *v = buf;
    for (size_t i = 0; i < len; i++)
        v[i] = 0;
    if (rc != ISAKMP_RSA_OK) {
        sim_fail(w, "%s:%d: node '%s': key file %s: %s", w->s->file, line, n->scn->name, path, err);
        return NULL;
    }
    return k;
}

/* The public half of k as a new public-only key (and its DER in der). */
static struct isakmp_rsa_key *public_of(const struct isakmp_rsa_key *k, uint8_t *der, size_t cap,
                                        size_t *der_len)
{
    struct isakmp_rsa_key *pub = NULL;
    if (isakmp_rsa_public_der(k, der, cap, der_len) != ISAKMP_RSA_OK ||
        isakmp_rsa_key_load(der, *der_len, &pub, NULL, 0) != ISAKMP_RSA_OK)
        return NULL;
    return pub;
}

/* Own key file of node j and its line, or NULL. */
static const char *own_key_file(const struct isakmp_scenario *s, size_t j, int *line)
{
    const struct isakmp_scn_node *nd = &s->nodes[j];
    const struct isakmp_scn_policy *p = nd->policy >= 0 ? &s->policies[nd->policy] : NULL;
    if (!p || p->auth == ISAKMP_AUTH_PSK || nd->role == ISAKMP_SCN_ATTACKER)
        return NULL;
    *line = nd->rsa_key ? nd->rsa_key_line : p->rsa_key_line;
    return nd->rsa_key ? nd->rsa_key : p->rsa_key;
}

static bool add_peer(struct sim_node *n, size_t *cap, uint32_t addr, const struct isakmp_rsa_key *k)
{
    for (size_t i = 0; i < n->n_rsa_peers; i++)
        if (n->rsa_peers[i].addr.family == 4 &&
            memcmp(n->rsa_peers[i].addr.addr, (uint8_t[4]){ (uint8_t)(addr >> 24), (uint8_t)(addr >> 16),
                                                            (uint8_t)(addr >> 8), (uint8_t)addr }, 4) == 0)
            return true;               /* the first key given for an address wins */
    if (n->n_rsa_peers == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        struct isakmp_rsa_peer *p = realloc(n->rsa_peers, c * sizeof *p);
        if (!p)
            return false;
        n->rsa_peers = p;
        *cap = c;
    }
    struct isakmp_rsa_peer *p = &n->rsa_peers[n->n_rsa_peers++];
    memset(p, 0, sizeof *p);
    p->addr = isakmp_addr_v4((uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
                             (uint8_t)addr, IKE_PORT);
    p->key = k;
    return true;
}

/* Give key k (owned by n from now on) to every address of node j. */
static bool give_key(struct sim_node *n, size_t *cap, size_t j, struct isakmp_rsa_key *k)
{
    struct isakmp_rsa_key **keys = realloc(n->rsa_keys, (n->n_rsa_keys + 1) * sizeof *keys);
    if (!keys) {
        isakmp_rsa_key_free(k);
        return false;
    }
    n->rsa_keys = keys;
    n->rsa_keys[n->n_rsa_keys++] = k;
    const struct isakmp_scenario *s = n->w->s;
    if (!add_peer(n, cap, s->nodes[j].address, k))
        return false;
    for (size_t l = 0; l < s->n_links; l++)
        for (size_t e = 0; e < s->links[l].n_ends; e++)
            if (s->links[l].nodes[e] == (int)j && !add_peer(n, cap, s->links[l].addrs[e], k))
                return false;
    return true;
}

#define DER_MAX 1200               /* RSAPublicKey of an 8192-bit key */

/* Public DER of node j's own key (empty when it has none): for matching. */
static bool own_public_der(struct sim_node *n, size_t j, uint8_t *der, size_t *len)
{
    int line = 0;
    const char *f = own_key_file(n->w->s, j, &line);
    *len = 0;
    if (!f)
        return true;
    struct isakmp_rsa_key *k = load_key(n, f, line);
    if (!k)
        return false;
    bool ok = isakmp_rsa_public_der(k, der, DER_MAX, len) == ISAKMP_RSA_OK;
    isakmp_rsa_key_free(k);
    return ok;
}

static bool build_rsa(struct sim_node *n)
{
    struct sim_world *w = n->w;
    const struct isakmp_scenario *s = w->s;
    const struct isakmp_scn_node *sn = n->scn;
    const struct isakmp_scn_policy *p = n->pol;
    int line = 0;
    const char *own = own_key_file(s, n->idx, &line);
    if (!own) {
        sim_fail(w, "%s:%d: node '%s': policy '%s' uses %s but no rsa_key is given", s->file,
                 sn->line, sn->name, p->name, isakmp_scn_auth_name(p->auth));
        return false;
    }
    if (!(n->rsa_key = load_key(n, own, line)))
        return false;
    if (!isakmp_rsa_key_has_private(n->rsa_key)) {
        sim_fail(w, "%s:%d: node '%s': %s holds no private key", s->file, line, sn->name, own);
        return false;
    }
    size_t cap = 0;
    uint8_t der[DER_MAX], other[DER_MAX];
    size_t der_len, other_len;
    char *const *files = sn->n_peer_keys ? sn->peer_keys : p->peer_keys;
    size_t n_files = sn->n_peer_keys ? sn->n_peer_keys : p->n_peer_keys;
    int files_line = sn->n_peer_keys ? sn->peer_keys_line : p->peer_keys_line;
    if (!n_files) {                    /* trust every other RSA node */
        for (size_t j = 0; j < s->n_nodes; j++) {
            const char *f = j == n->idx ? NULL : own_key_file(s, j, &line);
            struct isakmp_rsa_key *k = f ? load_key(n, f, line) : NULL, *pub;
            if (f && !k)
                return false;
            if (!k)
                continue;
            pub = public_of(k, der, sizeof der, &der_len);
            isakmp_rsa_key_free(k);
            if (!pub || !give_key(n, &cap, j, pub))
                goto nomem;
        }
        return true;
    }
    for (size_t i = 0; i < n_files; i++) {
        struct isakmp_rsa_key *k = load_key(n, files[i], files_line), *pub;
        if (!k)
            return false;
        pub = public_of(k, der, sizeof der, &der_len);
        isakmp_rsa_key_free(k);
        if (!pub)
            goto nomem;
        int peer = sn->n_peer_keys ? sn->peer_key_nodes[i] : -1;
        if (peer >= 0) {
            if (!give_key(n, &cap, (size_t)peer, pub))
                goto nomem;
            continue;
        }
        bool matched = false;
        for (size_t j = 0; j < s->n_nodes; j++) {
            if (j == n->idx)
                continue;
            if (!own_public_der(n, j, other, &other_len)) {
                isakmp_rsa_key_free(pub);
                return false;
            }
            if (other_len != der_len || memcmp(other, der, der_len) != 0)
                continue;
            struct isakmp_rsa_key *copy = NULL;
            if (isakmp_rsa_key_load(der, der_len, &copy, NULL, 0) != ISAKMP_RSA_OK ||
                !give_key(n, &cap, j, copy)) {
                isakmp_rsa_key_free(pub);
                goto nomem;
            }
            matched = true;
        }
        isakmp_rsa_key_free(pub);
        if (!matched) {
            sim_fail(w, "%s:%d: node '%s': peer key %s is the public key of no other node's "
                     "rsa_key (name its peer: peer_keys = ( { peer = \"NODE\"; key = \"%s\"; } ))",
                     s->file, files_line, sn->name, files[i], files[i]);
            return false;
        }
    }
    return true;
nomem:
    sim_fail(w, "node '%s': out of memory", sn->name);
    return false;
}

static bool load_cost(struct sim_node *n)
{
    struct sim_world *w = n->w;
    n->cost = malloc(sizeof *n->cost);
    if (!n->cost)
        return false;
    char err[256];
    if (n->scn->cost_table && (!w->s->cost_table || strcmp(n->scn->cost_table, w->s->cost_table) != 0)) {
        isakmp_cost_table_init(n->cost);
        if (!isakmp_cost_table_load(n->cost, n->scn->cost_table, err, sizeof err)) {
            sim_fail(w, "node '%s': %s", n->scn->name, err);
            return false;
        }
    } else {
        *n->cost = w->base_cost;
    }
    for (size_t i = 0; i < n->scn->n_costs; i++) {
        const struct isakmp_scn_cost *c = &n->scn->costs[i];
        if (!isakmp_cost_set(n->cost, c->kind, c->group, c->bits, c->ns)) {
            sim_fail(w, "node '%s': cost table full", n->scn->name);
            return false;
        }
    }
    return true;
}

bool sim_node_init(struct sim_node *n)
{
    struct sim_world *w = n->w;
    const struct isakmp_scn_node *sn = n->scn;
    n->timer_at = UINT64_MAX;
    uint32_t id = n->idx;
    const uint8_t seed[4] = { (uint8_t)(w->s->seed >> 24), (uint8_t)(w->s->seed >> 16),
                              (uint8_t)(w->s->seed >> 8), (uint8_t)w->s->seed };
    n->rng = isakmp_drbg_new(seed, sizeof seed, w->s->run, id);
    struct isakmp_cpu_driver drv = { w->ns, drv_now, drv_at, drv_cancel };
    struct isakmp_cpu_config cc = { sn->cores, sn->cpu_overhead_ns, sn->cpu_queue_limit };
    n->cpu = isakmp_cpu_new(&drv, &cc);
    if (!n->rng || !n->cpu || !load_cost(n)) {
        if (!w->failed)
            sim_fail(w, "node '%s': out of memory", sn->name);
        return false;
    }
    if (!n->pol)
        return true;                  /* attackers / middleboxes: no engine */
    const struct isakmp_scn_policy *p = n->pol;
    if (p->auth != ISAKMP_AUTH_PSK && !build_rsa(n))
        return false;
    if (!build_psks(n)) {
        sim_fail(w, "node '%s': out of memory", sn->name);
        return false;
    }
    struct isakmp_config c;
    isakmp_config_defaults(&c);
    c.identity = p->identity;
    if (c.identity.type == ISAKMP_ID_IPV4_ADDR && c.identity.len == 0) {
        c.identity.len = 4;
        c.identity.data[0] = (uint8_t)(n->addr >> 24);
        c.identity.data[1] = (uint8_t)(n->addr >> 16);
        c.identity.data[2] = (uint8_t)(n->addr >> 8);
        c.identity.data[3] = (uint8_t)n->addr;
    }
    c.psks = n->psks;
    c.n_psks = n->n_psks;
    c.rsa_key = n->rsa_key;
    c.rsa_peers = n->rsa_peers;
    c.n_rsa_peers = n->n_rsa_peers;
    c.p1 = p->p1;
    c.n_p1 = p->n_p1;
    c.p2 = p->p2;
    c.n_p2 = p->n_p2;
    c.allow_aggressive = p->mode == ISAKMP_SCN_AGGRESSIVE;
    c.retransmit.initial_ns = p->retransmit_initial_ns;
    c.retransmit.factor = p->retransmit_factor;
    c.retransmit.cap_ns = p->retransmit_cap_ns;
    c.retransmit.tries = p->retransmit_tries;
    const struct isakmp_scn_defence *d = &sn->defence;
    c.defence.mode = d->stateless ? ISAKMP_DEFENCE_STATELESS
                   : d->cookies ? ISAKMP_DEFENCE_COOKIES : ISAKMP_DEFENCE_NONE;
    c.defence.cookie_rotate_ns = d->cookie_rotate_ns;
    c.defence.half_open_max = d->half_open_max;
    c.defence.half_open_per_source = d->half_open_per_source;
    c.defence.memory_max = (size_t)d->memory_max;
    c.defence.notify_per_second = d->notify_per_second;
    c.dh.short_exponent = p->short_exponent;
    c.dh.exponent_bits = p->exponent_bits;
    c.cost = n->cost;
    struct isakmp_callbacks cb = { cb_send, cb_event, sim_node_random, cb_cpu_clock };
    n->e = isakmp_engine_new(&c, &cb, n);
    if (!n->e) {
        sim_fail(w, "%s:%d: node '%s': the engine refused its configuration (policy '%s')",
                 w->s->file, sn->line, sn->name, p->name);
        return false;
    }
    if (isakmp_sim_udp_open(w->ns, n->idx, 0, IKE_PORT, on_datagram, n) < 0) {
        sim_fail(w, "node '%s': cannot open UDP port %d", sn->name, IKE_PORT);
        return false;
    }
    /* What an initiator negotiates. */
    if (sn->role == ISAKMP_SCN_INITIATOR && sn->has_initiate && sn->initiate.peer >= 0) {
        struct isakmp_policy *pp = &n->policy;
        memset(pp, 0, sizeof *pp);
        pp->local = v4(n->addr, IKE_PORT);
        pp->peer = v4(w->s->nodes[sn->initiate.peer].address, IKE_PORT);
        pp->exchange_type = p->mode == ISAKMP_SCN_AGGRESSIVE ? ISAKMP_XCHG_AGGRESSIVE : ISAKMP_XCHG_IDPROT;
        if (sn->initiate.quick_modes > 0) {
            pp->p2 = p->p2;
            pp->n_p2 = p->n_p2;
        }
    }
    return true;
}

void sim_node_random(void *user, uint8_t *buf, size_t len)
{
    struct sim_node *n = user;
    isakmp_drbg_generate(n->rng, buf, len);
}

void sim_node_free(struct sim_node *n)
{
    /* The CPU first: its queued items and held datagrams are discarded
     * (freed) and its events cancelled while the simulator still exists. */
    if (n->cpu)
        isakmp_cpu_free(n->cpu);
    n->cpu = NULL;
    if (n->timer_ev)
        isakmp_sim_cancel(n->w->ns, n->timer_ev);
    n->timer_ev = 0;
    isakmp_engine_free(n->e);
    n->e = NULL;
    isakmp_drbg_free(n->rng);
    n->rng = NULL;
    isakmp_drbg_free(n->arrival_rng);
    n->arrival_rng = NULL;
    free(n->cost);
    n->cost = NULL;
    free(n->psks);
    n->psks = NULL;
    /* after the engine: it points to these keys */
    isakmp_rsa_key_free(n->rsa_key);
    n->rsa_key = NULL;
    for (size_t i = 0; i < n->n_rsa_keys; i++)
        isakmp_rsa_key_free(n->rsa_keys[i]);
    free(n->rsa_keys);
    n->rsa_keys = NULL;
    n->n_rsa_keys = 0;
    free(n->rsa_peers);
    n->rsa_peers = NULL;
    free(n->xs);
    n->xs = NULL;
}
