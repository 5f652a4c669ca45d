/* In-memory network for engine tests (see memnet.h). */
#include "memnet.h"
#include "isakmp/drbg.h"

#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

enum fault { F_NONE = 0, F_DROP, F_DUP, F_DELAY };

struct rule { unsigned seq; enum fault f; uint64_t extra; };

struct inflight { uint64_t at; unsigned seq; unsigned order; };

#define MEMNET_NAT_MAPS 8
struct nat_map { uint16_t inner, outer; };

struct node {
    struct memnet *net;
    int idx;
    struct isakmp_engine *e;
    struct isakmp_addr addr;
    struct isakmp_drbg *rng;
    struct isakmp_event *ev;
    size_t n_ev, cap_ev;
    bool nat;                      /* memnet_nat */
    struct isakmp_addr nat_public;
    uint16_t nat_next_port;
    struct nat_map maps[MEMNET_NAT_MAPS];
    unsigned n_maps;
    uint8_t **copies;              /* PLAINTEXT event bytes */
    size_t n_copies, cap_copies;
};

struct memnet {
    uint64_t now, delay;
    uint64_t seed;
    struct node nodes[MEMNET_MAX_NODES];
    int n_nodes;
    struct memnet_packet *sent;      /* index seq-1 */
    size_t n_sent, cap_sent;
    struct inflight *q;
    size_t n_q, cap_q;
    unsigned order;
    struct rule *rules;
    size_t n_rules, cap_rules;
    bool partition;
    bool any_port;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (!q)
        abort();            /* test infrastructure: out of memory ends the test */
    *cap = c;
    return q;
}

static int node_of(const struct memnet *n, const struct isakmp_addr *a)
{
    for (int i = 0; i < n->n_nodes; i++)
        if (isakmp_addr_equal(&n->nodes[i].addr, a))
            return i;
    if (n->any_port)
        for (int i = 0; i < n->n_nodes; i++) {
            struct isakmp_addr x = *a;
            x.port = n->nodes[i].addr.port;
            if (isakmp_addr_equal(&n->nodes[i].addr, &x))
                return i;
        }
    return -1;
}

/* Source translation by the sender's NAT (a new mapping per inner port). */
static void nat_out(struct node *nd, struct isakmp_addr *from)
{
    if (!nd->nat)
        return;
    uint16_t outer = 0;
    for (unsigned i = 0; i < nd->n_maps; i++)
        if (nd->maps[i].inner == from->port)
            outer = nd->maps[i].outer;
    if (!outer) {
        outer = nd->nat_next_port++;
        if (nd->n_maps == MEMNET_NAT_MAPS)
            nd->n_maps = 0;            /* oldest mappings go first */
        nd->maps[nd->n_maps++] = (struct nat_map){ from->port, outer };
    }
    *from = nd->nat_public;
    from->port = outer;
}

/* Destination translation by the receiver's NAT (known mappings only). */
static void nat_in(struct memnet *n, struct isakmp_addr *to)
{
    for (int i = 0; i < n->n_nodes; i++) {
        struct node *nd = &n->nodes[i];
        struct isakmp_addr pub = nd->nat_public;
        pub.port = to->port;
        if (!nd->nat || !isakmp_addr_equal(&pub, to))
            continue;
        for (unsigned k = 0; k < nd->n_maps; k++)
            if (nd->maps[k].outer == to->port) {
                *to = nd->addr;
                to->port = nd->maps[k].inner;
                return;
            }
    }
}

void memnet_nat(struct memnet *n, int node, struct isakmp_addr public_addr, uint16_t first_port)
{
    struct node *nd = &n->nodes[node];
    nd->nat = true;
    nd->nat_public = public_addr;
    nd->nat_next_port = first_port;
    nd->n_maps = 0;
    n->any_port = true;
}

void memnet_nat_rebind(struct memnet *n, int node)
{
    n->nodes[node].n_maps = 0;
}

void memnet_any_port(struct memnet *n, bool on) { n->any_port = on; }

static enum fault fault_of(const struct memnet *n, unsigned seq, uint64_t *extra)
{
    for (size_t i = 0; i < n->n_rules; i++)
        if (n->rules[i].seq == seq) {
            *extra = n->rules[i].extra;
            return n->rules[i].f;
        }
    return F_NONE;
}

static void enqueue(struct memnet *n, unsigned seq, uint64_t at)
{
    n->q = grow(n->q, &n->cap_q, n->n_q + 1, sizeof *n->q);
    n->q[n->n_q++] = (struct inflight){ at, seq, n->order++ };
}

static void cb_send(void *user, const uint8_t *bytes, size_t len,
                    const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct node *nd = user;
    struct memnet *n = nd->net;
    n->sent = grow(n->sent, &n->cap_sent, n->n_sent + 1, sizeof *n->sent);
    struct memnet_packet *p = &n->sent[n->n_sent++];
    memset(p, 0, sizeof *p);
    p->seq = (unsigned)n->n_sent;
    p->from_node = nd->idx;
    p->orig_from = *from;
    p->orig_to = *to;
    p->from = *from;
    p->to = *to;
    nat_out(nd, &p->from);
    nat_in(n, &p->to);
    p->to_node = node_of(n, &p->to);
    p->bytes = malloc(len ? len : 1);
    if (!p->bytes)
        abort();
    memcpy(p->bytes, bytes, len);
    p->len = len;
    p->sent_at = n->now;
    uint64_t extra = 0;
    enum fault f = fault_of(n, p->seq, &extra);
    if (n->partition || f == F_DROP || p->to_node < 0)
        return;
    enqueue(n, p->seq, n->now + n->delay + (f == F_DELAY ? extra : 0));
    if (f == F_DUP)
        enqueue(n, p->seq, n->now + n->delay);
}

static void cb_event(void *user, const struct isakmp_event *ev)
{
    struct node *nd = user;
    nd->ev = grow(nd->ev, &nd->cap_ev, nd->n_ev + 1, sizeof *nd->ev);
    nd->ev[nd->n_ev++] = *ev;
    if (ev->type == ISAKMP_EV_PLAINTEXT) {
        /* Its bytes live only during the callback: the log keeps a copy
         * (freed with the network). */
        uint8_t *copy = malloc(ev->u.plain.len ? ev->u.plain.len : 1);
        if (!copy)
            abort();
        memcpy(copy, ev->u.plain.bytes, ev->u.plain.len);
        nd->ev[nd->n_ev - 1].u.plain.bytes = copy;
        nd->copies = grow(nd->copies, &nd->cap_copies, nd->n_copies + 1, sizeof *nd->copies);
        nd->copies[nd->n_copies++] = copy;
    }
}

static void node_random(void *user, uint8_t *buf, size_t len)
{
    struct node *nd = user;
    isakmp_drbg_generate(nd->rng, buf, len);
}

struct memnet *memnet_new(uint64_t delay_ns, uint64_t seed)
{
    struct memnet *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->delay = delay_ns;
    n->seed = seed;
    n->now = 1000;      /* not zero: catches code that treats 0 as "unset" */
    return n;
}

void memnet_free(struct memnet *n)
{
    if (!n)
        return;
    for (int i = 0; i < n->n_nodes; i++) {
        isakmp_engine_free(n->nodes[i].e);
        isakmp_drbg_free(n->nodes[i].rng);
        free(n->nodes[i].ev);
        for (size_t k = 0; k < n->nodes[i].n_copies; k++)
            free(n->nodes[i].copies[k]);
        free(n->nodes[i].copies);
    }
    for (size_t i = 0; i < n->n_sent; i++)
        free(n->sent[i].bytes);
    free(n->sent);
    free(n->q);
    free(n->rules);
    free(n);
}

int memnet_add(struct memnet *n, const struct isakmp_config *cfg, struct isakmp_addr addr)
{
    if (n->n_nodes == MEMNET_MAX_NODES)
        return -1;
    struct node *nd = &n->nodes[n->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->net = n;
    nd->idx = n->n_nodes;
    nd->addr = addr;
    uint8_t seed[8];
    for (int i = 0; i < 8; i++)
        seed[i] = (uint8_t)(n->seed >> (8 * i));
    nd->rng = isakmp_drbg_new(seed, sizeof seed, n->seed, (uint32_t)nd->idx);
    if (!nd->rng)
        return -1;
    /* The engine has one user pointer for all callbacks (the node); the
     * DRBG is reached through it. */
    struct isakmp_callbacks cb = {
        .send = cb_send, .event = cb_event, .random = node_random, .cpu_clock = NULL,
    };
    nd->e = isakmp_engine_new(cfg, &cb, nd);
    if (!nd->e || !nd->rng) {
        isakmp_engine_free(nd->e);
        isakmp_drbg_free(nd->rng);
        return -1;
    }
    return n->n_nodes++;
}

struct isakmp_engine *memnet_engine(struct memnet *n, int node) { return n->nodes[node].e; }
struct isakmp_addr memnet_addr(struct memnet *n, int node) { return n->nodes[node].addr; }
uint64_t memnet_now(const struct memnet *n) { return n->now; }

static void add_rule(struct memnet *n, unsigned seq, enum fault f, uint64_t extra)
{
    n->rules = grow(n->rules, &n->cap_rules, n->n_rules + 1, sizeof *n->rules);
    n->rules[n->n_rules++] = (struct rule){ seq, f, extra };
}

void memnet_drop(struct memnet *n, unsigned seq) { add_rule(n, seq, F_DROP, 0); }
void memnet_duplicate(struct memnet *n, unsigned seq) { add_rule(n, seq, F_DUP, 0); }
void memnet_delay(struct memnet *n, unsigned seq, uint64_t extra) { add_rule(n, seq, F_DELAY, extra); }
void memnet_partition(struct memnet *n, bool on) { n->partition = on; }

/* Earliest in-flight datagram (by time, then send order). */
static ssize_t first_inflight(const struct memnet *n)
{
    ssize_t best = -1;
    for (size_t i = 0; i < n->n_q; i++)
        if (best < 0 || n->q[i].at < n->q[best].at ||
            (n->q[i].at == n->q[best].at && n->q[i].order < n->q[best].order))
            best = (ssize_t)i;
    return best;
}

bool memnet_step(struct memnet *n, uint64_t until)
{
    uint64_t t = UINT64_MAX;
    ssize_t qi = first_inflight(n);
    if (qi >= 0)
        t = n->q[qi].at;
    for (int i = 0; i < n->n_nodes; i++) {
        uint64_t d = isakmp_engine_next_deadline(n->nodes[i].e);
        if (d < t)
            t = d;
    }
    if (t == UINT64_MAX || t > until)
        return false;
    if (t > n->now)
        n->now = t;
    if (qi >= 0 && n->q[qi].at <= n->now) {
        struct inflight f = n->q[qi];
        n->q[qi] = n->q[--n->n_q];
        const struct memnet_packet *p = &n->sent[f.seq - 1];
        memnet_inject(n, p->bytes, p->len, &p->from, &p->to);
        return true;
    }
    for (int i = 0; i < n->n_nodes; i++)
        if (isakmp_engine_next_deadline(n->nodes[i].e) <= n->now)
            isakmp_engine_timeout(n->nodes[i].e, n->now);
    return true;
}

unsigned memnet_run(struct memnet *n, uint64_t until)
{
    unsigned steps = 0;
    while (memnet_step(n, until))
        steps++;
    if (n->now < until)
        n->now = until;         /* the time passes even when nothing happens */
    return steps;
}

void memnet_inject(struct memnet *n, const uint8_t *bytes, size_t len,
                   const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    /* Copies: the caller's pointers may be into the packet list, which
     * moves when the engine answers. */
    struct isakmp_addr f = *from, t = *to;
    uint8_t *b = malloc(len ? len : 1);
    if (!b)
        abort();
    memcpy(b, bytes, len);
    int i = node_of(n, &t);
    if (i >= 0)
        isakmp_engine_recv(n->nodes[i].e, n->now, b, len, &f, &t);
    free(b);
}

size_t memnet_sent_count(const struct memnet *n) { return n->n_sent; }

const struct memnet_packet *memnet_sent(const struct memnet *n, unsigned seq)
{
    return seq >= 1 && seq <= n->n_sent ? &n->sent[seq - 1] : NULL;
}

size_t memnet_events(const struct memnet *n, int node, const struct isakmp_event **evs)
{
    *evs = n->nodes[node].ev;
    return n->nodes[node].n_ev;
}

unsigned memnet_count(const struct memnet *n, int node, enum isakmp_event_type t)
{
    unsigned c = 0;
    for (size_t i = 0; i < n->nodes[node].n_ev; i++)
        c += n->nodes[node].ev[i].type == t;
    return c;
}

unsigned memnet_count_xchg(const struct memnet *n, int node, enum isakmp_event_type t,
                           uint8_t xchg)
{
    unsigned c = 0;
    for (size_t i = 0; i < n->nodes[node].n_ev; i++)
        c += n->nodes[node].ev[i].type == t && n->nodes[node].ev[i].u.exchange.exchange_type == xchg;
    return c;
}

const struct isakmp_event *memnet_last(const struct memnet *n, int node, enum isakmp_event_type t)
{
    for (size_t i = n->nodes[node].n_ev; i-- > 0;)
        if (n->nodes[node].ev[i].type == t)
            return &n->nodes[node].ev[i];
    return NULL;
}

void memnet_clear_events(struct memnet *n)
{
    for (int i = 0; i < n->n_nodes; i++)
        n->nodes[i].n_ev = 0;
}

/* ---- fixtures ------------------------------------------------------------------ */

void memnet_psk_config(struct isakmp_config *c, struct isakmp_psk *psk_storage,
                       const struct isakmp_addr *peer, const char *key,
                       const struct isakmp_p1_transform *p1, size_t n1,
                       const struct isakmp_p2_proposal *p2, size_t n2)
{
    isakmp_config_defaults(c);
    memset(psk_storage, 0, sizeof *psk_storage);
    psk_storage->addr = *peer;
    psk_storage->key = (const uint8_t *)key;
    psk_storage->key_len = strlen(key);
    c->psks = psk_storage;
    c->n_psks = 1;
    c->p1 = p1;
    c->n_p1 = n1;
    c->p2 = p2;
    c->n_p2 = n2;
    c->allow_aggressive = true;
}

struct isakmp_p1_transform memnet_p1(uint16_t group)
{
    struct isakmp_p1_transform t = {
        .cipher = ISAKMP_ENC_AES_CBC, .key_bits = 128, .hash = ISAKMP_HASH_SHA1,
        .auth = ISAKMP_AUTH_PSK, .group = group, .life_seconds = 3600,
    };
    return t;
}

struct isakmp_p2_proposal memnet_p2_esp(uint16_t pfs_group)
{
    struct isakmp_p2_proposal p;
    memset(&p, 0, sizeof p);
    p.n_protocols = 1;
    p.protocols[0].protocol = ISAKMP_PROTO_ESP;
    p.protocols[0].transform = ISAKMP_ESP_AES;
    p.protocols[0].key_bits = 128;
    p.protocols[0].auth = ISAKMP_AALG_HMAC_SHA;
    p.protocols[0].encap = ISAKMP_ENCAP_TUNNEL;
    p.pfs_group = pfs_group;
    p.life_seconds = 1800;
    return p;
}
