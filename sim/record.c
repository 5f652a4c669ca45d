/* Engine events -> result rows (sim/recorder.h), and the Wireshark
 * decryption table.
 *
 * Exchanges are recorded as their initiator sees them (one row per phase-1
 * or Quick Mode exchange a legitimate node started; the schema's rule):
 * start = the initiator's engine call that started it (so the latency
 * includes building message 1), end = the call that completed or failed
 * it; messages/bytes/retransmissions are the initiator's MESSAGE_SENT and
 * MESSAGE_RECEIVED events of that exchange.  Rows are written at the end,
 * in exchange_id order (= order of start).
 * Trace rows (output.trace): an 'out' row when a datagram leaves the node
 * (end of its busy period), an 'in' row when the engine processes one
 * (start of its work item) with the reason when it was dropped. */
#include "world_internal.h"

#include "isakmp/dh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_HDR_LEN 28           /* ISAKMP fixed header; byte 18 = exchange type */
#define MAX_SEEN_COSTS 64        /* distinct (kind, group, bits) charged, kept for run_costs */

/* A key of the cost table (isakmp/cost.h). */
struct cost_key {
    enum isakmp_cost_kind kind;
    uint16_t group;
    uint32_t bits;
};

struct sim_record {
    struct sim_world *w;
    struct isakmp_recorder *rec;
    char **keys;                 /* "\"CKYI\",\"KEY\"" lines, in order of establishment */
    size_t n_keys, cap_keys;
    uint64_t crypto_virtual_ns, crypto_cpu_ns;
    bool rec_failed;
    struct cost_key seen[MAX_SEEN_COSTS];   /* keys operations were charged for */
    size_t n_seen;
};

static void rec_check(struct sim_world *w, bool ok)
{
    if (!ok && !w->rec->rec_failed) {
        w->rec->rec_failed = true;
        sim_fail(w, "recorder: %s", isakmp_rec_error(w->rec->rec));
    }
}

static const char *role_name(enum isakmp_scn_role r) { return isakmp_scn_role_name(r); }

static void dotted(uint32_t a, char *buf, size_t n)
{
    snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

struct sim_record *sim_record_new(struct sim_world *w)
{
    struct sim_record *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->w = w;
    r->rec = w->opt.rec;
    w->rec = r;
    if (!r->rec)
        return r;
    for (size_t i = 0; i < w->n_nodes; i++) {
        const struct sim_node *n = &w->nodes[i];
        char addr[20];
        dotted(n->addr, addr, sizeof addr);
        struct isakmp_rec_node row = {
            .name = n->scn->name, .node_id = (int)i, .role = role_name(n->scn->role),
            .address = addr, .cores = n->scn->cores, .policy = n->pol ? n->pol->name : NULL,
        };
        rec_check(w, isakmp_rec_add_node(r->rec, &row));
    }
    return r;
}

void sim_record_free(struct sim_record *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_keys; i++)
        free(r->keys[i]);
    free(r->keys);
    free(r);
}

/* ---- exchanges ------------------------------------------------------------ */

static struct sim_exchange *find_x(struct sim_node *n, isakmp_handle h)
{
    for (size_t i = n->n_xs; i-- > 0;)
        if (n->xs[i].handle == h)
            return &n->xs[i];
    return NULL;
}

static struct sim_exchange *new_x(struct sim_node *n, isakmp_handle h, uint8_t type,
                                  const struct isakmp_addr *peer, uint64_t now)
{
    if (n->n_xs == n->cap_xs) {
        size_t c = n->cap_xs ? n->cap_xs * 2 : 16;
        struct sim_exchange *p = realloc(n->xs, c * sizeof *p);
        if (!p) {
            sim_fail(n->w, "out of memory");
            return NULL;
        }
        n->xs = p;
        n->cap_xs = c;
    }
    struct sim_exchange *x = &n->xs[n->n_xs++];
    memset(x, 0, sizeof *x);
    x->id = ++n->w->next_exchange_id;
    x->handle = h;
    x->initiator = (int)n->idx;
    uint32_t a = (uint32_t)peer->addr[0] << 24 | (uint32_t)peer->addr[1] << 16 |
                 (uint32_t)peer->addr[2] << 8 | peer->addr[3];
    x->responder = peer->family == 4 ? sim_node_by_addr(n->w, a) : -1;
    x->peer_addr = a;
    x->exchange_type = type;
    x->start_ns = now;
    x->outcome = "unfinished";
    return x;
}

void sim_record_local_failure(struct sim_node *n, uint64_t now)
{
    struct sim_exchange *x = new_x(n, 0, n->policy.exchange_type, &n->policy.peer, now);
    if (!x)
        return;
    x->ended = true;
    x->end_ns = now;
    x->outcome = "failed";
    x->failure_reason = isakmp_fail_name(ISAKMP_FAIL_LOCAL);
}

/* ---- the trace -------------------------------------------------------------- */

static void trace_in(struct sim_node *n, uint64_t t, uint8_t xchg, uint8_t no, uint64_t xid,
                     size_t size, bool retrans, const char *dropped)
{
    struct sim_world *w = n->w;
    if (!w->s->trace || !w->rec->rec)
        return;
    struct isakmp_rec_message m = {
        .t_ns = t, .node = n->scn->name, .out = false, .exchange_type = xchg,
        .message_no = no, .exchange_id = xid, .size = size, .retransmission = retrans,
        .dropped_reason = dropped,
    };
    rec_check(w, isakmp_rec_add_message(w->rec->rec, &m));
}

void sim_record_sent(struct sim_node *n, const struct sim_out *o, bool sent_ok)
{
    struct sim_world *w = n->w;
    if (!w->s->trace || !w->rec->rec)
        return;
    struct isakmp_rec_message m = {
        .t_ns = isakmp_sim_now(w->ns), .node = n->scn->name, .out = true,
        .exchange_type = o->known ? o->exchange_type : (o->len >= SIM_HDR_LEN ? o->data[18] : 0),
        .message_no = o->known ? o->number : 0, .exchange_id = o->exchange_id,
        .size = o->len, .retransmission = o->retransmission,
        .dropped_reason = sent_ok ? NULL : "no-route",
    };
    rec_check(w, isakmp_rec_add_message(w->rec->rec, &m));
}

void sim_record_cpu_drop(struct sim_node *n, const uint8_t *data, size_t len)
{
    trace_in(n, isakmp_sim_now(n->w->ns), len >= SIM_HDR_LEN ? data[18] : 0, 0, 0, len,
             false, "cpu-queue");
}

/* ---- events ------------------------------------------------------------------ */

static const char *crypto_kind(enum isakmp_crypto_op op)
{
    switch (op) {
    case ISAKMP_CRYPTO_DH_KEYGEN: return "dh-generate";
    case ISAKMP_CRYPTO_DH_SHARED: return "dh-compute";
    case ISAKMP_CRYPTO_PRF: return "prf";
    case ISAKMP_CRYPTO_CIPHER: return "cipher";
    case ISAKMP_CRYPTO_RSA_SIGN: return "rsa-sign";
    case ISAKMP_CRYPTO_RSA_VERIFY: return "rsa-verify";
    case ISAKMP_CRYPTO_RSA_ENCRYPT: return "rsa-encrypt";
    case ISAKMP_CRYPTO_RSA_DECRYPT: return "rsa-decrypt";
    case ISAKMP_CRYPTO_COOKIE: return "cookie";
    }
    return "cheap";
}

/* Remember the key an operation was charged for (DH: its exponent bits,
 * which may be none of the standard sizes run_costs lists). */
static void note_charged(struct sim_record *r, enum isakmp_crypto_op op, uint16_t group,
                         uint32_t bits)
{
    enum isakmp_cost_kind k;
    if (!isakmp_cost_kind_parse(crypto_kind(op), &k) || bits == 0)
        return;
    for (size_t i = 0; i < r->n_seen; i++)
        if (r->seen[i].kind == k && r->seen[i].group == group && r->seen[i].bits == bits)
            return;
    if (r->n_seen < MAX_SEEN_COSTS)
        r->seen[r->n_seen++] = (struct cost_key){ k, group, bits };
}

static bool tracked_type(uint8_t t)
{
    return t == ISAKMP_XCHG_IDPROT || t == ISAKMP_XCHG_AGGRESSIVE || t == ISAKMP_XCHG_QUICK;
}

void sim_record_event(struct sim_node *n, const struct isakmp_event *ev)
{
    struct sim_world *w = n->w;
    struct sim_record *r = w->rec;
    struct sim_exchange *x = NULL;
    switch (ev->type) {
    case ISAKMP_EV_EXCHANGE_STARTED:
        if (ev->u.exchange.initiator && n->scn->role != ISAKMP_SCN_ATTACKER &&
            tracked_type(ev->u.exchange.exchange_type))
            new_x(n, ev->handle, ev->u.exchange.exchange_type, &ev->peer, ev->now);
        break;
    case ISAKMP_EV_MESSAGE_SENT:
        if ((x = find_x(n, ev->handle)) != NULL) {
            x->messages++;
            x->bytes += ev->u.message.size;
            x->retransmissions += ev->u.message.retransmission;
        }
        if (n->last_out && n->last_out->len == ev->u.message.size) {
            struct sim_out *o = n->last_out;
            o->known = true;
            o->exchange_type = ev->u.message.exchange_type;
            o->number = ev->u.message.number;
            o->retransmission = ev->u.message.retransmission;
            o->exchange_id = x ? x->id : 0;
        }
        n->last_out = NULL;
        break;
    case ISAKMP_EV_MESSAGE_RECEIVED:
        if ((x = find_x(n, ev->handle)) != NULL) {
            x->messages++;
            x->bytes += ev->u.message.size;
        }
        trace_in(n, ev->now, ev->u.message.exchange_type, ev->u.message.number, x ? x->id : 0,
                 ev->u.message.size, false, NULL);
        break;
    case ISAKMP_EV_DUPLICATE:
        x = find_x(n, ev->handle);
        if (ev->u.message.retransmission && n->last_out) {
            n->last_out->retransmission = true;
            n->last_out = NULL;
        }
        trace_in(n, ev->now, ev->u.message.exchange_type, ev->u.message.number, x ? x->id : 0,
                 ev->u.message.size, false, "duplicate");
        break;
    case ISAKMP_EV_REPLAY_REJECTED:
        x = find_x(n, ev->handle);
        trace_in(n, ev->now, ev->u.message.exchange_type, ev->u.message.number, x ? x->id : 0,
                 ev->u.message.size, false, "replay");
        break;
    case ISAKMP_EV_MESSAGE_REJECTED:
        trace_in(n, ev->now, ev->u.reject.exchange_type, 0, 0, ev->u.reject.size, false,
                 isakmp_reject_name(ev->u.reject.reason));
        break;
    case ISAKMP_EV_EXCHANGE_COMPLETED:
        if ((x = find_x(n, ev->handle)) != NULL && !x->ended) {
            x->ended = true;
            x->end_ns = ev->now;
            x->outcome = "completed";
        }
        break;
    case ISAKMP_EV_EXCHANGE_FAILED:
        if ((x = find_x(n, ev->handle)) != NULL && !x->ended) {
            x->ended = true;
            x->end_ns = ev->now;
            x->outcome = ev->u.exchange.reason == ISAKMP_FAIL_TIMEOUT ? "timeout" : "failed";
            x->failure_reason = isakmp_fail_name(ev->u.exchange.reason);
            x->notify = ev->u.exchange.notify;
        }
        break;
    case ISAKMP_EV_SA_ESTABLISHED:
        x = find_x(n, ev->handle);
        if (ev->u.sa.phase == 1) {
            if (x)
                x->dh_group = ev->u.sa.p1.group;
            if (n->n_new_sas < sizeof n->new_sas / sizeof n->new_sas[0])
                n->new_sas[n->n_new_sas++] = ev->handle;
            if (ev->u.sa.initiator && n->scn->initiate.quick_modes > 1 &&
                n->n_qm_after < sizeof n->qm_after / sizeof n->qm_after[0])
                n->qm_after[n->n_qm_after++] = ev->handle;
        } else if (x) {
            x->dh_group = ev->u.sa.pfs_group;
        }
        break;
    case ISAKMP_EV_CRYPTO:
        r->crypto_virtual_ns += ev->u.crypto.virtual_ns;
        r->crypto_cpu_ns += ev->u.crypto.cpu_ns;
        if (r->rec) {
            note_charged(r, ev->u.crypto.op, ev->u.crypto.group, ev->u.crypto.bits);
            struct isakmp_rec_crypto_op op = {
                .node = n->scn->name, .t_ns = ev->now, .kind = crypto_kind(ev->u.crypto.op),
                .dh_group = ev->u.crypto.group, .bits = ev->u.crypto.bits,
                .virtual_ns = ev->u.crypto.virtual_ns,
                .wall_cpu_ns = ev->u.crypto.cpu_ns ? (int64_t)ev->u.crypto.cpu_ns : -1,
                .exp_policy = ev->u.crypto.exp_policy == ISAKMP_CRYPTO_EXP_SHORT ? "short"
                            : ev->u.crypto.exp_policy == ISAKMP_CRYPTO_EXP_FULL ? "full" : NULL,
            };
            rec_check(w, isakmp_rec_add_crypto_op(r->rec, &op));
        }
        break;
    default:
        break;
    }
}

/* ---- decryption table ----------------------------------------------------------- */

void sim_record_after_call(struct sim_node *n)
{
    struct sim_record *r = n->w->rec;
    for (size_t i = 0; i < n->n_new_sas; i++) {
        char line[16 + 1 + 2 * ISAKMP_MAX_KEY + 8];
        size_t len = isakmp_engine_wireshark_line(n->e, n->new_sas[i], line, sizeof line);
        if (len < 18 || line[16] != ',')
            continue;
        line[16] = 0;
        bool seen = false;       /* both ends report the same SA */
        for (size_t k = r->n_keys; k-- > 0 && !seen;)
            seen = strncmp(r->keys[k] + 1, line, 16) == 0;
        if (seen)
            continue;
        if (r->n_keys == r->cap_keys) {
            size_t c = r->cap_keys ? r->cap_keys * 2 : 16;
            char **p = realloc(r->keys, c * sizeof *p);
            if (!p) {
                sim_fail(n->w, "out of memory");
                return;
            }
            r->keys = p;
            r->cap_keys = c;
        }
        size_t need = len + 8;
        char *q = malloc(need);
        if (!q) {
            sim_fail(n->w, "out of memory");
            return;
        }
        snprintf(q, need, "\"%s\",\"%s\"", line, line + 17);
        r->keys[r->n_keys++] = q;
    }
    n->n_new_sas = 0;
}

size_t sim_record_keys(const struct sim_world *w)
{
    return w->rec ? w->rec->n_keys : 0;
}

/* ---- samples ------------------------------------------------------------------ */

void sim_record_sample(struct sim_world *w, uint64_t t_ns)
{
    uint64_t period = w->s->sample_period_ns;
    for (size_t i = 0; i < w->n_nodes; i++) {
        struct sim_node *n = &w->nodes[i];
        /* attackers have no engine but a CPU (their floods' work) */
        if (!n->e && n->scn->role != ISAKMP_SCN_ATTACKER)
            continue;
        uint64_t busy = isakmp_cpu_busy_ns(n->cpu);
        double frac = (double)(busy - n->busy_prev) / ((double)n->scn->cores * (double)period);
        n->busy_prev = busy;
        struct isakmp_stats st;
        memset(&st, 0, sizeof st);
        if (n->e)
            isakmp_engine_stats(n->e, &st);
        if (!w->rec->rec)
            continue;
        struct isakmp_rec_sample s = {
            .node = n->scn->name, .t_ns = t_ns, .cpu_busy = frac > 1 ? 1 : frac,
            .queue_len = isakmp_cpu_queue_len(n->cpu), .half_open = st.half_open,
            .established = st.phase1_sas, .state_bytes = n->e ? isakmp_engine_memory(n->e) : 0,
        };
        rec_check(w, isakmp_rec_add_sample(w->rec->rec, &s));
    }
}

/* ---- the end of the run ------------------------------------------------------------ */

static int by_id(const void *a, const void *b)
{
    const struct sim_exchange *x = *(const struct sim_exchange *const *)a;
    const struct sim_exchange *y = *(const struct sim_exchange *const *)b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static const char *mode_name(uint8_t t)
{
    return t == ISAKMP_XCHG_AGGRESSIVE ? "aggressive" : t == ISAKMP_XCHG_QUICK ? "quick" : "main";
}

static bool write_keys(struct sim_world *w)
{
    const char *path = w->opt.keys_path;
    if (!path)
        return true;
    FILE *f = fopen(path, "w");
    if (!f) {
        sim_fail(w, "%s: cannot write the decryption table", path);
        return false;
    }
    fprintf(f, "# Wireshark ikev1_decryption_table (UAT): \"Initiator's COOKIE\",\"Encryption Key\"\n");
    for (size_t i = 0; i < w->rec->n_keys; i++)
        fprintf(f, "%s\n", w->rec->keys[i]);
    if (fclose(f) != 0) {
        sim_fail(w, "%s: write error", path);
        return false;
    }
    return true;
}

/* ---- the cost tables (run_costs) ------------------------------------------------ */

struct cost_keys {
    struct cost_key *k;
    size_t n, cap;
};

static bool key_add(struct cost_keys *l, enum isakmp_cost_kind kind, uint16_t group, uint32_t bits)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->k[i].kind == kind && l->k[i].group == group && l->k[i].bits == bits)
            return true;
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 128;
        struct cost_key *p = realloc(l->k, c * sizeof *p);
        if (!p)
            return false;
        l->k = p;
        l->cap = c;
    }
    l->k[l->n++] = (struct cost_key){ kind, group, bits };
    return true;
}

static bool keys_add_table(struct cost_keys *l, const struct isakmp_cost_table *t)
{
    bool ok = true;
    for (size_t i = 0; ok && i < t->n && i < ISAKMP_COST_MAX_ENTRIES; i++)
        ok = key_add(l, t->e[i].kind, t->e[i].group, t->e[i].bits);
    return ok;
}

/* The keys every table is listed at (see run_costs in the schema). */
static bool keys_standard(struct cost_keys *l, const struct sim_record *r)
{
    static const uint32_t rsa_bits[] = { 1024, 2048, 3072, 4096 };
    uint16_t groups[64];
    size_t ng = isakmp_dh_groups(groups, 64);
    bool ok = true;
    for (size_t i = 0; ok && i < ng && i < 64; i++) {
        const struct isakmp_dh_group_info *g = isakmp_dh_group(groups[i]);
        for (int k = ISAKMP_COST_DH_GENERATE; ok && g && k <= ISAKMP_COST_DH_COMPUTE; k++) {
            ok = key_add(l, (enum isakmp_cost_kind)k, g->id, g->full_exp_bits);
            if (ok && g->type == ISAKMP_DH_TYPE_MODP && g->short_exp_bits < g->full_exp_bits)
                ok = key_add(l, (enum isakmp_cost_kind)k, g->id, g->short_exp_bits);
        }
    }
    for (int k = ISAKMP_COST_RSA_SIGN; ok && k <= ISAKMP_COST_RSA_DECRYPT; k++)
        for (size_t b = 0; ok && b < sizeof rsa_bits / sizeof rsa_bits[0]; b++)
            ok = key_add(l, (enum isakmp_cost_kind)k, 0, rsa_bits[b]);
    for (int k = ISAKMP_COST_PRF; ok && k <= ISAKMP_COST_CHEAP; k++)
        ok = key_add(l, (enum isakmp_cost_kind)k, 0, 0);
    for (size_t i = 0; ok && i < r->n_seen; i++)
        ok = key_add(l, r->seen[i].kind, r->seen[i].group, r->seen[i].bits);
    return ok;
}

/* The entry isakmp_cost_lookup takes key's figure from (its rules, in
 * isakmp/cost.h), NULL when it is the model's; *exact: the entry is the
 * key itself. */
static const struct isakmp_cost_entry *cost_origin(const struct isakmp_cost_table *t,
                                                   const struct cost_key *key, bool *exact)
{
    size_t n = t->n < ISAKMP_COST_MAX_ENTRIES ? t->n : ISAKMP_COST_MAX_ENTRIES;
    *exact = true;
    for (size_t i = 0; i < n; i++)
        if (t->e[i].kind == key->kind && t->e[i].group == key->group && t->e[i].bits == key->bits)
            return &t->e[i];
    const struct isakmp_cost_entry *best = NULL;
    bool dh = key->kind == ISAKMP_COST_DH_GENERATE || key->kind == ISAKMP_COST_DH_COMPUTE;
    bool rsa = key->kind >= ISAKMP_COST_RSA_SIGN && key->kind <= ISAKMP_COST_RSA_DECRYPT;
    if (dh || rsa) {             /* nearest bits of the same kind (and group); ties: first */
        uint32_t best_d = 0;
        for (size_t i = 0; i < n; i++) {
            const struct isakmp_cost_entry *e = &t->e[i];
            if (e->kind != key->kind || e->group != (dh ? key->group : 0) || e->bits == 0)
                continue;
            uint32_t d = e->bits > key->bits ? e->bits - key->bits : key->bits - e->bits;
            if (!best || d < best_d)
                best = e, best_d = d;
        }
    } else if (key->kind != ISAKMP_COST_CHEAP) {
        for (size_t i = 0; i < n && !best; i++)
            if (t->e[i].kind == ISAKMP_COST_CHEAP && t->e[i].group == 0 && t->e[i].bits == 0)
                best = &t->e[i];
    }
    *exact = best == NULL;
    return best;
}

/* One node's table (node NULL: the run's own, '*'), at every key. */
static void write_cost_table(struct sim_world *w, const struct cost_keys *keys,
                             const struct isakmp_cost_table *t, const struct sim_node *n,
                             const char *file)
{
    for (size_t i = 0; i < keys->n && !w->failed; i++) {
        const struct cost_key *key = &keys->k[i];
        bool exact;
        const struct isakmp_cost_entry *e = cost_origin(t, key, &exact);
        const char *source = t->model_fallback ? "model" : "none";
        if (e) {
            source = "file";
            for (size_t c = 0; n && c < n->scn->n_costs; c++) {
                const struct isakmp_scn_cost *o = &n->scn->costs[c];
                if (o->kind == e->kind && o->group == e->group && o->bits == e->bits)
                    source = "override";
            }
        }
        struct isakmp_rec_cost row = {
            .node = n ? n->scn->name : NULL, .kind = isakmp_cost_kind_name(key->kind),
            .dh_group = key->group, .bits = key->bits,
            .virtual_ns = isakmp_cost_lookup(t, key->kind, key->group, key->bits),
            .source = source, .exact = exact, .cost_file = e && !strcmp(source, "file") ? file : NULL,
        };
        rec_check(w, isakmp_rec_add_cost(w->rec->rec, &row));
    }
}

/* A node has a table of its own when it names another file than the
 * scenario's or overrides entries (the rule of node.c's load_cost). */
static bool own_cost_table(const struct sim_world *w, const struct sim_node *n)
{
    const char *f = n->scn->cost_table;
    return n->cost && (n->scn->n_costs ||
                       (f && (!w->s->cost_table || strcmp(f, w->s->cost_table) != 0)));
}

static void write_costs(struct sim_world *w)
{
    struct cost_keys keys = { 0 };
    bool ok = keys_standard(&keys, w->rec) && keys_add_table(&keys, &w->base_cost);
    for (size_t i = 0; ok && i < w->n_nodes; i++)
        if (own_cost_table(w, &w->nodes[i]))
            ok = keys_add_table(&keys, w->nodes[i].cost);
    if (!ok) {
        free(keys.k);
        sim_fail(w, "out of memory");
        return;
    }
    write_cost_table(w, &keys, &w->base_cost, NULL, w->s->cost_table);
    for (size_t i = 0; i < w->n_nodes && !w->failed; i++) {
        const struct sim_node *n = &w->nodes[i];
        if (own_cost_table(w, n))
            write_cost_table(w, &keys, n->cost, n,
                             n->scn->cost_table ? n->scn->cost_table : w->s->cost_table);
    }
    free(keys.k);
}

bool sim_record_finish(struct sim_world *w)
{
    struct sim_record *r = w->rec;
    size_t total = 0;
    for (size_t i = 0; i < w->n_nodes; i++)
        total += w->nodes[i].n_xs;
    if (r->rec && total) {
        const struct sim_exchange **all = malloc(total * sizeof *all);
        if (!all) {
            sim_fail(w, "out of memory");
            return false;
        }
        size_t k = 0;
        for (size_t i = 0; i < w->n_nodes; i++)
            for (size_t j = 0; j < w->nodes[i].n_xs; j++)
                all[k++] = &w->nodes[i].xs[j];
        qsort(all, total, sizeof *all, by_id);
        for (size_t i = 0; i < total && !w->failed; i++) {
            const struct sim_exchange *x = all[i];
            const struct sim_node *in = &w->nodes[x->initiator];
            char addr[20];
            dotted(x->peer_addr, addr, sizeof addr);
            bool p1 = x->exchange_type != ISAKMP_XCHG_QUICK;
            struct isakmp_rec_exchange row = {
                .id = x->id, .initiator = in->scn->name,
                .responder = x->responder >= 0 ? w->nodes[x->responder].scn->name : addr,
                .phase = p1 ? 1 : 2, .mode = mode_name(x->exchange_type),
                .auth = p1 && in->pol ? isakmp_scn_auth_name(in->pol->auth) : NULL,
                .dh_group = x->dh_group, .start_ns = x->start_ns, .ended = x->ended,
                .end_ns = x->end_ns, .outcome = x->outcome, .failure_reason = x->failure_reason,
                .notify = x->notify, .messages = x->messages, .bytes = x->bytes,
                .retransmissions = x->retransmissions,
            };
            rec_check(w, isakmp_rec_add_exchange(r->rec, &row, NULL));
        }
        free(all);
    }
    for (size_t i = 0; r->rec && i < w->n_attacks && !w->failed; i++) {
        const struct sim_attack *a = &w->attacks[i];
        const struct isakmp_scn_attack *sa = a->scn;
        bool on_path = sa->kind == ISAKMP_SCN_REPLAY || sa->kind == ISAKMP_SCN_TAMPER;
        struct isakmp_rec_attack row = {
            .attack = sa->name,
            .attacker = on_path || sa->node < 0 ? NULL : w->s->nodes[sa->node].name,
            .kind = isakmp_scn_attack_kind_name(sa->kind),
            .sent = a->sent, .delivered = a->delivered, .dropped = a->dropped,
        };
        rec_check(w, isakmp_rec_add_attack(r->rec, &row));
        for (size_t k = 0; k < a->n_ctr && !w->failed; k++)
            rec_check(w, isakmp_rec_add_attack_counter(r->rec, sa->name, a->ctr[k].name,
                                                       a->ctr[k].value));
    }
    if (r->rec && !w->failed)
        write_costs(w);
    if (w->failed)
        return false;
    return write_keys(w);
}

void sim_record_totals(const struct sim_world *w, struct isakmp_world_summary *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < w->n_nodes; i++)
        for (size_t j = 0; j < w->nodes[i].n_xs; j++) {
            const struct sim_exchange *x = &w->nodes[i].xs[j];
            out->exchanges++;
            if (!x->ended)
                out->unfinished++;
            else if (strcmp(x->outcome, "completed") == 0)
                out->completed++;
            else
                out->failed++;
        }
    out->events = w->events;
    if (w->rec) {
        out->crypto_virtual_ns = w->rec->crypto_virtual_ns;
        out->crypto_cpu_ns = w->rec->crypto_cpu_ns;
        out->keys = w->rec->n_keys;
    }
}
