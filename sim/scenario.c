/* The scenario reader: libconfig text -> struct isakmp_scenario.
 * This file holds loading, overrides, the top level, nodes, links and
 * conditions; IKE policies are read in scenario_ike.c, attacks in
 * scenario_attack.c, the sweep in scenario_sweep.c. */
#include "scenario_parse.h"
#include "units.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = { "responder", "initiator", "attacker", "middlebox", NULL };
static const char *const link_type_names[] = { "p2p", "csma", NULL };
static const char *const arrival_names[] = { "fixed", "poisson", NULL };
static const char *const cost_kind_names[] = {
    "dh-generate", "dh-compute", "rsa-sign", "rsa-verify", "rsa-encrypt", "rsa-decrypt",
    "prf", "cipher", "cookie", "cheap", NULL,
};

const char *isakmp_scn_role_name(enum isakmp_scn_role r)
{
    return (unsigned)r < 4 ? role_names[r] : "?";
}

/* ---- lookups ------------------------------------------------------------ */

#define FIND(arr, n)                                              \
    do {                                                          \
        if (!s || !name)                                          \
            return -1;                                            \
        for (size_t i_ = 0; i_ < (n); i_++)                       \
            if ((arr)[i_].name && strcmp((arr)[i_].name, name) == 0) \
                return (int)i_;                                   \
        return -1;                                                \
    } while (0)

int isakmp_scenario_node(const struct isakmp_scenario *s, const char *name) { FIND(s->nodes, s->n_nodes); }
int isakmp_scenario_link(const struct isakmp_scenario *s, const char *name) { FIND(s->links, s->n_links); }
int isakmp_scenario_policy(const struct isakmp_scenario *s, const char *name) { FIND(s->policies, s->n_policies); }
int isakmp_scenario_attack(const struct isakmp_scenario *s, const char *name) { FIND(s->attacks, s->n_attacks); }

/* ---- nodes ------------------------------------------------------------- */

static bool parse_costs(struct scn_ctx *c, const config_setting_t *list, const char *what,
                        struct isakmp_scn_node *n)
{
    if (!config_setting_is_list(list))
        return scn_fail(c, list, "%s: 'costs' must be a list ( { kind = ...; }, ... )", what);
    static const char *const keys[] = { "kind", "group", "bits", "cost", NULL };
    size_t count = (size_t)config_setting_length(list);
    n->costs = scn_calloc(c, count, sizeof *n->costs);
    if (!n->costs)
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
        char ew[160];
        snprintf(ew, sizeof ew, "%s: costs[%zu]", what, i);
        if (!scn_expect_group(c, e, ew) || !scn_check_keys(c, e, ew, keys))
            return false;
        struct isakmp_scn_cost *k = &n->costs[i];
        int kind = 0;
        if (!scn_get_enum(c, e, ew, "kind", true, cost_kind_names, &kind) ||
            !scn_get_u32(c, e, ew, "bits", false, 0, 65536, &k->bits) ||
            !scn_get_duration(c, e, ew, "cost", true, &k->ns))
            return false;
        k->kind = (enum isakmp_cost_kind)kind;
        bool dh = kind == ISAKMP_COST_DH_GENERATE || kind == ISAKMP_COST_DH_COMPUTE;
        if (dh && !scn_parse_group_name(c, e, ew, "group", &k->group))
            return false;
        if (!dh && config_setting_get_member(e, "group"))
            return scn_fail(c, config_setting_get_member(e, "group"),
                            "%s: 'group' is only for dh-generate and dh-compute", ew);
        n->n_costs++;
    }
    return true;
}

static bool parse_initiate(struct scn_ctx *c, const config_setting_t *g, const char *what,
                           struct isakmp_scn_node *n, int node_index)
{
    static const char *const keys[] = { "peer", "start", "count", "interval", "arrival",
                                        "quick_modes", NULL };
    struct isakmp_scn_initiate *in = &n->initiate;
    char w[160];
    snprintf(w, sizeof w, "%s: initiate", what);
    if (g && (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys)))
        return false;
    in->peer = -1;
    in->count = 1;
    in->interval_ns = 1000000000ull;
    in->quick_modes = 1;
    int arrival = 0;
    if (g && (!scn_get_node_ref(c, g, w, "peer", false, &in->peer) ||
              !scn_get_duration(c, g, w, "start", false, &in->start_ns) ||
              !scn_get_u32(c, g, w, "count", false, 0, UINT32_MAX, &in->count) ||
              !scn_get_duration(c, g, w, "interval", false, &in->interval_ns) ||
              !scn_get_enum(c, g, w, "arrival", false, arrival_names, &arrival) ||
              !scn_get_u32(c, g, w, "quick_modes", false, 0, 1000, &in->quick_modes)))
        return false;
    in->arrival = (enum isakmp_scn_arrival)arrival;
    const config_setting_t *at = g ? g : NULL;
    if (in->peer < 0) {
        /* the only responder, when there is exactly one */
        for (size_t i = 0; i < c->s->n_nodes; i++) {
            if (c->s->nodes[i].role != ISAKMP_SCN_RESPONDER)
                continue;
            if (in->peer >= 0)
                return scn_fail(c, at, "%s: several responders: say which with 'peer'", w);
            in->peer = (int)i;
        }
        if (in->peer < 0)
            return scn_fail(c, at, "%s: no responder to talk to", w);
    }
    if (in->peer == node_index)
        return scn_fail(c, config_setting_get_member(g, "peer"), "%s: 'peer' is the node itself", w);
    if (in->interval_ns == 0 && in->count != 1)
        return scn_fail(c, config_setting_get_member(g, "interval"), "%s: 'interval' must be > 0", w);
    return true;
}

static bool parse_defence(struct scn_ctx *c, const config_setting_t *g, const char *what,
                          struct isakmp_scn_defence *d)
{
    static const char *const keys[] = { "cookies", "stateless", "half_open_max",
                                        "half_open_per_source", "cookie_rotate",
                                        "memory_max", "notify_per_second", NULL };
    char w[160];
    snprintf(w, sizeof w, "%s: defence", what);
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
        return false;
    bool cookies_set = config_setting_get_member(g, "cookies") != NULL;
    if (!scn_get_bool(c, g, w, "cookies", false, &d->cookies) ||
        !scn_get_bool(c, g, w, "stateless", false, &d->stateless) ||
        !scn_get_u32(c, g, w, "half_open_max", false, 0, UINT32_MAX, &d->half_open_max) ||
        !scn_get_u32(c, g, w, "half_open_per_source", false, 0, UINT32_MAX,
                     &d->half_open_per_source) ||
        !scn_get_duration(c, g, w, "cookie_rotate", false, &d->cookie_rotate_ns) ||
        !scn_get_size(c, g, w, "memory_max", false, &d->memory_max) ||
        !scn_get_u32(c, g, w, "notify_per_second", false, 0, UINT32_MAX, &d->notify_per_second))
        return false;
    if (d->stateless && cookies_set && !d->cookies)
        return scn_fail(c, config_setting_get_member(g, "stateless"),
                        "%s: 'stateless' needs cookies (remove 'cookies = false')", w);
    if (d->stateless)
        d->cookies = true;
    return true;
}

static bool parse_node(struct scn_ctx *c, const config_setting_t *g, size_t index)
{
    static const char *const keys[] = { "address", "role", "cores", "cpu_overhead", "cpu_queue",
                                        "cost_table", "costs", "policy", "pcap", "initiate",
                                        "defence", "rsa_key", "peer_keys", NULL };
    struct isakmp_scn_node *n = &c->s->nodes[index];
    char what[128];
    snprintf(what, sizeof what, "node '%s'", n->name);
    if (!scn_expect_group(c, g, what) || !scn_check_keys(c, g, what, keys))
        return false;
    const char *addr = NULL, *policy = NULL;
    int role = 0;
    long long cores = 1;
    n->cpu_overhead_ns = 2000;
    if (!scn_get_string(c, g, what, "address", true, &addr) ||
        !scn_get_enum(c, g, what, "role", true, role_names, &role) ||
        !scn_get_int(c, g, what, "cores", false, 1, 1024, &cores) ||
        !scn_get_duration(c, g, what, "cpu_overhead", false, &n->cpu_overhead_ns) ||
        !scn_get_u32(c, g, what, "cpu_queue", false, 0, UINT32_MAX, &n->cpu_queue_limit) ||
        !scn_get_path(c, g, what, "cost_table", false, &n->cost_table) ||
        !scn_get_string(c, g, what, "policy", false, &policy) ||
        !scn_get_bool(c, g, what, "pcap", false, &n->pcap))
        return false;
    n->role = (enum isakmp_scn_role)role;
    n->cores = (unsigned)cores;
    if (!isakmp_parse_ipv4(addr, &n->address))
        return scn_fail(c, config_setting_get_member(g, "address"),
                        "%s: 'address' must be an IPv4 address like \"10.0.0.1\"", what);
    for (size_t i = 0; i < index; i++)
        if (c->s->nodes[i].address == n->address)
            return scn_fail(c, config_setting_get_member(g, "address"),
                            "%s: address %s is already node '%s''s", what, addr,
                            c->s->nodes[i].name);
    if (!n->cost_table && c->s->cost_table && !(n->cost_table = scn_strdup(c, c->s->cost_table)))
        return false;
    const config_setting_t *costs = config_setting_get_member(g, "costs");
    if (costs && !parse_costs(c, costs, what, n))
        return false;
    bool speaks_ike = n->role == ISAKMP_SCN_RESPONDER || n->role == ISAKMP_SCN_INITIATOR;
    n->policy = -1;
    if (policy) {
        if (!speaks_ike)
            return scn_fail(c, config_setting_get_member(g, "policy"),
                            "%s: only responders and initiators have an IKE policy", what);
        n->policy = isakmp_scenario_policy(c->s, policy);
        if (n->policy < 0)
            return scn_fail(c, config_setting_get_member(g, "policy"), "%s: unknown policy '%s'",
                            what, policy);
    } else if (speaks_ike) {
        return scn_fail(c, g, "%s: a %s needs 'policy'", what, role_names[role]);
    }
    return scn_parse_node_keys(c, g, what, n);
}

/* Second pass: initiate and defence may name other nodes. */
static bool parse_node_behaviour(struct scn_ctx *c, const config_setting_t *g, size_t index)
{
    struct isakmp_scn_node *n = &c->s->nodes[index];
    char what[128];
    snprintf(what, sizeof what, "node '%s'", n->name);
    const config_setting_t *init = config_setting_get_member(g, "initiate");
    const config_setting_t *def = config_setting_get_member(g, "defence");
    if (init && n->role != ISAKMP_SCN_INITIATOR)
        return scn_fail(c, init, "%s: only an initiator has 'initiate'", what);
    if (def && n->role != ISAKMP_SCN_RESPONDER)
        return scn_fail(c, def, "%s: only a responder has 'defence'", what);
    if (n->role == ISAKMP_SCN_INITIATOR) {
        n->has_initiate = true;
        if (!parse_initiate(c, init, what, n, (int)index))
            return false;
        if (!init && !c->failed && n->initiate.peer < 0)
            return scn_fail(c, g, "%s: no peer", what);
    }
    if (!scn_check_node_keys(c, g, what, n))
        return false;
    return !def || parse_defence(c, def, what, &n->defence);
}

static bool parse_nodes(struct scn_ctx *c, const config_setting_t *root)
{
    const config_setting_t *nodes = config_setting_get_member(root, "nodes");
    if (!nodes)
        return scn_fail(c, NULL, "missing 'nodes'");
    if (!scn_expect_group(c, nodes, "'nodes'"))
        return false;
    size_t count = (size_t)config_setting_length(nodes);
    if (count == 0)
        return scn_fail(c, nodes, "'nodes' is empty");
    c->s->nodes = scn_calloc(c, count, sizeof *c->s->nodes);
    if (!c->s->nodes)
        return false;
    for (size_t i = 0; i < count; i++) {
        const char *name = config_setting_name(config_setting_get_elem(nodes, (unsigned)i));
        if (!(c->s->nodes[i].name = scn_strdup(c, name)))
            return false;
        c->s->nodes[i].line = (int)config_setting_source_line(config_setting_get_elem(nodes, (unsigned)i));
        c->s->nodes[i].policy = -1;
    }
    c->s->n_nodes = count;
    for (size_t i = 0; i < count; i++)
        if (!parse_node(c, config_setting_get_elem(nodes, (unsigned)i), i))
            return false;
    for (size_t i = 0; i < count; i++)
        if (!parse_node_behaviour(c, config_setting_get_elem(nodes, (unsigned)i), i))
            return false;
    return true;
}

/* ---- links -------------------------------------------------------------- */

/* Exchanges a named drop can select, with their number of messages
 * (Quick Mode: 4 with the commit bit's CONNECTED). */
static const char *const drop_exchange_names[] = { "main", "aggressive", "quick", "informational",
                                                   "info", "base", "auth-only", NULL };
static const uint8_t drop_exchange_values[] = { ISAKMP_XCHG_IDPROT, ISAKMP_XCHG_AGGRESSIVE,
                                                ISAKMP_XCHG_QUICK, ISAKMP_XCHG_INFO,
                                                ISAKMP_XCHG_INFO, ISAKMP_XCHG_BASE,
                                                ISAKMP_XCHG_AUTH_ONLY };
static const uint8_t drop_exchange_messages[] = { 6, 3, 4, 1, 1, 4, 3 };
static const char *const from_names[] = { "any", "initiator", "responder", NULL };

/* errors.drop as protocol messages: one group, or a list of groups
 *   { exchange = "main"; message = 5; count = 1; from = "initiator"; } */
static bool parse_named_drops(struct scn_ctx *c, const config_setting_t *drop, const char *w,
                              struct isakmp_scn_errors *e)
{
    static const char *const keys[] = { "exchange", "message", "count", "from", NULL };
    bool one = config_setting_is_group(drop);
    size_t n = one ? 1 : (size_t)config_setting_length(drop);
    if (n == 0 || n > 64)
        return scn_fail(c, drop, "%s: 'drop' must list 1 to 64 messages", w);
    if (!(e->named = scn_calloc(c, n, sizeof *e->named)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *g = one ? drop : config_setting_get_elem(drop, (unsigned)i);
        char dw[192];
        snprintf(dw, sizeof dw, one ? "%s: drop" : "%s: drop[%zu]", w, i);
        struct isakmp_scn_named_drop *d = &e->named[i];
        int xchg = 0, from = 0;
        uint32_t msg = 0;
        d->count = 1;
        d->line = (int)config_setting_source_line(g);
        if (!scn_expect_group(c, g, dw) || !scn_check_keys(c, g, dw, keys) ||
            !scn_get_enum(c, g, dw, "exchange", true, drop_exchange_names, &xchg) ||
            !scn_get_u32(c, g, dw, "message", false, 1, 255, &msg) ||
            !scn_get_u32(c, g, dw, "count", false, 0, UINT32_MAX, &d->count) ||
            !scn_get_enum(c, g, dw, "from", false, from_names, &from))
            return false;
        if (msg > drop_exchange_messages[xchg])
            return scn_fail(c, config_setting_get_member(g, "message"),
                            "%s: %s has messages 1 to %u", dw, drop_exchange_names[xchg],
                            drop_exchange_messages[xchg]);
        d->exchange = drop_exchange_values[xchg];
        d->message = (uint8_t)msg;
        d->from = from;
        e->n_named = i + 1;
    }
    return true;
}

static bool parse_errors(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         struct isakmp_scn_link *l)
{
    static const char *const keys[] = { "at", "rate", "burst", "burst_min", "burst_max",
                                        "drop", NULL };
    char w[160];
    snprintf(w, sizeof w, "%s: errors", what);
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
        return false;
    struct isakmp_scn_errors *e = &l->errors;
    e->at = -1;
    e->burst_min = e->burst_max = 1;
    if (!scn_get_node_ref(c, g, w, "at", false, &e->at) ||
        !scn_get_double(c, g, w, "rate", false, 0, 1, &e->rate) ||
        !scn_get_double(c, g, w, "burst", false, 0, 1, &e->burst_prob) ||
        !scn_get_u32(c, g, w, "burst_min", false, 1, 1000000, &e->burst_min) ||
        !scn_get_u32(c, g, w, "burst_max", false, 1, 1000000, &e->burst_max))
        return false;
    if (e->burst_max < e->burst_min)
        return scn_fail(c, g, "%s: 'burst_max' is below 'burst_min'", w);
    bool on_link = e->at < 0;
    for (size_t i = 0; i < l->n_ends && !on_link; i++)
        on_link = l->nodes[i] == e->at;
    if (!on_link)
        return scn_fail(c, config_setting_get_member(g, "at"), "%s: 'at' is not a node of this link", w);
    const config_setting_t *drop = config_setting_get_member(g, "drop");
    if (drop && (config_setting_is_group(drop) || config_setting_is_list(drop)))
        return parse_named_drops(c, drop, w, e);
    if (drop) {
        size_t n = (size_t)config_setting_length(drop);
        if (!config_setting_is_array(drop) || n > 1024)
            return scn_fail(c, drop, "%s: 'drop' must be an array of up to 1024 frame numbers [3, 5]", w);
        e->drop = scn_calloc(c, n, sizeof *e->drop);
        if (!e->drop)
            return false;
        for (size_t i = 0; i < n; i++) {
            const config_setting_t *x = config_setting_get_elem(drop, (unsigned)i);
            long long v = config_setting_get_int64(x);
            if ((config_setting_type(x) != CONFIG_TYPE_INT && config_setting_type(x) != CONFIG_TYPE_INT64) ||
                v < 1 || v > UINT32_MAX)
                return scn_fail(c, drop, "%s: 'drop' holds frame numbers counted from 1", w);
            e->drop[i] = (uint32_t)v;
        }
        e->n_drop = n;
    }
    return true;
}

/* Which node uses an address already: on which link (-1 = as its own address). */
static bool check_address(struct scn_ctx *c, const config_setting_t *at, const char *what,
                          size_t link_index, int node, uint32_t addr)
{
    char buf[16];
    for (size_t i = 0; i < c->s->n_nodes; i++)
        if (c->s->nodes[i].address == addr && (int)i != node)
            return scn_fail(c, at, "%s: address %s overlaps node '%s''s", what,
                            isakmp_format_ipv4(addr, buf), c->s->nodes[i].name);
    for (size_t k = 0; k < link_index; k++) {
        const struct isakmp_scn_link *o = &c->s->links[k];
        for (size_t e = 0; e < o->n_ends; e++) {
            if (o->addrs[e] != addr)
                continue;
            if (o->nodes[e] != node)
                return scn_fail(c, at, "%s: address %s overlaps node '%s''s on link '%s'", what,
                                isakmp_format_ipv4(addr, buf), c->s->nodes[o->nodes[e]].name, o->name);
            return scn_fail(c, at, "%s: node '%s' already has %s on link '%s': give this link "
                            "'addresses'", what, c->s->nodes[node].name,
                            isakmp_format_ipv4(addr, buf), o->name);
        }
    }
    return true;
}

static bool parse_link(struct scn_ctx *c, const config_setting_t *g, size_t index)
{
    static const char *const keys[] = { "type", "nodes", "addresses", "prefix", "rate", "delay",
                                        "queue", "errors", "pcap", NULL };
    struct isakmp_scn_link *l = &c->s->links[index];
    char what[128];
    snprintf(what, sizeof what, "link '%s'", l->name);
    if (!scn_expect_group(c, g, what) || !scn_check_keys(c, g, what, keys))
        return false;
    int type = 0;
    long long prefix = 24;
    l->queue_packets = 100;
    if (!scn_get_enum(c, g, what, "type", false, link_type_names, &type) ||
        !scn_get_int(c, g, what, "prefix", false, 1, 32, &prefix) ||
        !scn_get_rate(c, g, what, "rate", true, &l->rate_bps) ||
        !scn_get_duration(c, g, what, "delay", true, &l->delay_ns) ||
        !scn_get_u32(c, g, what, "queue", false, 1, 10000000, &l->queue_packets) ||
        !scn_get_bool(c, g, what, "pcap", false, &l->pcap))
        return false;
    l->type = (enum isakmp_scn_link_type)type;
    l->prefix_len = (unsigned)prefix;
    if (l->rate_bps == 0)
        return scn_fail(c, config_setting_get_member(g, "rate"), "%s: 'rate' must be > 0", what);
    const config_setting_t *nodes = config_setting_get_member(g, "nodes");
    if (!nodes)
        return scn_fail(c, g, "%s: missing 'nodes'", what);
    size_t n = (size_t)config_setting_length(nodes);
    if (!config_setting_is_array(nodes) || n < 2 ||
        config_setting_type(config_setting_get_elem(nodes, 0)) != CONFIG_TYPE_STRING)
        return scn_fail(c, nodes, "%s: 'nodes' must be an array of node names [\"a\", \"b\"]", what);
    if (l->type == ISAKMP_SCN_P2P && n != 2)
        return scn_fail(c, nodes, "%s: a p2p link joins exactly 2 nodes (use type = \"csma\")", what);
    const config_setting_t *addrs = config_setting_get_member(g, "addresses");
    if (addrs && (!config_setting_is_array(addrs) || (size_t)config_setting_length(addrs) != n ||
                  config_setting_type(config_setting_get_elem(addrs, 0)) != CONFIG_TYPE_STRING))
        return scn_fail(c, addrs, "%s: 'addresses' must be an array with one address per node", what);
    l->nodes = scn_calloc(c, n, sizeof *l->nodes);
    l->addrs = scn_calloc(c, n, sizeof *l->addrs);
    if (!l->nodes || !l->addrs)
        return false;
    uint32_t mask = 0xffffffffu << (32 - l->prefix_len);
    for (size_t i = 0; i < n; i++) {
        const char *name = config_setting_get_string_elem(nodes, (int)i);
        int node = isakmp_scenario_node(c->s, name);
        if (node < 0)
            return scn_fail(c, nodes, "%s: unknown node '%s'", what, name);
        for (size_t k = 0; k < i; k++)
            if (l->nodes[k] == node)
                return scn_fail(c, nodes, "%s: node '%s' is named twice", what, name);
        l->nodes[i] = node;
        l->addrs[i] = c->s->nodes[node].address;
        if (addrs && !isakmp_parse_ipv4(config_setting_get_string_elem(addrs, (int)i), &l->addrs[i]))
            return scn_fail(c, addrs, "%s: 'addresses'[%zu] is not an IPv4 address", what, i);
        if (!check_address(c, addrs ? addrs : nodes, what, index, node, l->addrs[i]))
            return false;
        for (size_t k = 0; k < i; k++)
            if (l->addrs[k] == l->addrs[i])
                return scn_fail(c, addrs ? addrs : nodes, "%s: two ends have the same address", what);
        if ((l->addrs[i] & mask) != (l->addrs[0] & mask)) {
            char a[16], b[16];
            return scn_fail(c, addrs ? addrs : nodes, "%s: %s and %s are not in one /%u subnet",
                            what, isakmp_format_ipv4(l->addrs[0], a),
                            isakmp_format_ipv4(l->addrs[i], b), l->prefix_len);
        }
        l->n_ends = i + 1;
    }
    const config_setting_t *errors = config_setting_get_member(g, "errors");
    if (errors) {
        l->has_errors = true;
        if (!parse_errors(c, errors, what, l))
            return false;
    }
    return true;
}

static bool parse_links(struct scn_ctx *c, const config_setting_t *root)
{
    const config_setting_t *links = config_setting_get_member(root, "links");
    if (!links)
        return true;
    if (!scn_expect_group(c, links, "'links'"))
        return false;
    size_t count = (size_t)config_setting_length(links);
    c->s->links = scn_calloc(c, count, sizeof *c->s->links);
    if (!c->s->links)
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(links, (unsigned)i);
        const char *name = config_setting_name(g);
        if (isakmp_scenario_node(c->s, name) >= 0)
            return scn_fail(c, g, "link '%s': the name is already a node's", name);
        if (!(c->s->links[i].name = scn_strdup(c, name)))
            return false;
        c->s->links[i].line = (int)config_setting_source_line(g);
        c->s->n_links = i + 1;
        if (!parse_link(c, g, i))
            return false;
    }
    /* a node no link reaches cannot take part */
    for (size_t i = 0; i < c->s->n_nodes; i++) {
        bool linked = false;
        for (size_t k = 0; k < c->s->n_links && !linked; k++)
            for (size_t e = 0; e < c->s->links[k].n_ends; e++)
                linked = linked || c->s->links[k].nodes[e] == (int)i;
        if (!linked)
            return scn_fail(c, links, "node '%s' is on no link", c->s->nodes[i].name);
    }
    return true;
}

/* ---- conditions ----------------------------------------------------------- */

static bool parse_conditions(struct scn_ctx *c, const config_setting_t *root)
{
    static const char *const keys[] = { "start", "stop", "link", "at", "loss", "delay", "jitter",
                                        "reorder", "reorder_delay", "duplicate", "rate", NULL };
    const config_setting_t *list = config_setting_get_member(root, "conditions");
    if (!list)
        return true;
    if (!config_setting_is_list(list))
        return scn_fail(c, list, "'conditions' must be a list ( { start = ...; }, ... )");
    size_t count = (size_t)config_setting_length(list);
    c->s->conditions = scn_calloc(c, count, sizeof *c->s->conditions);
    if (!c->s->conditions)
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        struct isakmp_scn_condition *k = &c->s->conditions[i];
        char w[64];
        snprintf(w, sizeof w, "condition %zu", i + 1);
        if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
            return false;
        k->line = (int)config_setting_source_line(g);
        k->at = -1;
        k->reorder_delay_ns = 10000000;
        const char *link = NULL;
        if (!scn_get_duration(c, g, w, "start", true, &k->at_ns) ||
            !scn_get_duration(c, g, w, "stop", false, &k->until_ns) ||
            !scn_get_string(c, g, w, "link", true, &link) ||
            !scn_get_node_ref(c, g, w, "at", false, &k->at))
            return false;
        k->link = isakmp_scenario_link(c->s, link);
        if (k->link < 0)
            return scn_fail(c, config_setting_get_member(g, "link"), "%s: unknown link '%s'", w, link);
        if (k->until_ns && k->until_ns <= k->at_ns)
            return scn_fail(c, config_setting_get_member(g, "stop"), "%s: 'stop' must be after 'start'", w);
        const struct isakmp_scn_link *l = &c->s->links[k->link];
        bool on_link = k->at < 0;
        for (size_t e = 0; e < l->n_ends && !on_link; e++)
            on_link = l->nodes[e] == k->at;
        if (!on_link)
            return scn_fail(c, config_setting_get_member(g, "at"), "%s: 'at' is not a node of link '%s'",
                            w, l->name);
        struct { const char *key; unsigned bit; } effects[] = {
            { "loss", ISAKMP_SCN_SET_LOSS }, { "delay", ISAKMP_SCN_SET_DELAY },
            { "jitter", ISAKMP_SCN_SET_JITTER }, { "reorder", ISAKMP_SCN_SET_REORDER },
            { "duplicate", ISAKMP_SCN_SET_DUPLICATE }, { "rate", ISAKMP_SCN_SET_RATE },
        };
        for (size_t e = 0; e < sizeof effects / sizeof effects[0]; e++)
            if (config_setting_get_member(g, effects[e].key))
                k->set |= effects[e].bit;
        if (!k->set)
            return scn_fail(c, g, "%s: changes nothing (give loss, delay, jitter, reorder, "
                            "duplicate or rate)", w);
        if (!scn_get_double(c, g, w, "loss", false, 0, 1, &k->loss) ||
            !scn_get_duration(c, g, w, "delay", false, &k->delay_ns) ||
            !scn_get_duration(c, g, w, "jitter", false, &k->jitter_ns) ||
            !scn_get_double(c, g, w, "reorder", false, 0, 1, &k->reorder) ||
            !scn_get_duration(c, g, w, "reorder_delay", false, &k->reorder_delay_ns) ||
            !scn_get_double(c, g, w, "duplicate", false, 0, 1, &k->duplicate) ||
            !scn_get_rate(c, g, w, "rate", false, &k->rate_bps))
            return false;
        if ((k->set & ISAKMP_SCN_SET_RATE) && k->rate_bps == 0)
            return scn_fail(c, config_setting_get_member(g, "rate"), "%s: 'rate' must be > 0", w);
        if ((k->set & (ISAKMP_SCN_SET_DELAY | ISAKMP_SCN_SET_RATE)) && k->at >= 0)
            return scn_fail(c, config_setting_get_member(g, "at"), "%s: 'delay' and 'rate' are the "
                            "link's (both directions): remove 'at', or put them in a condition "
                            "of their own", w);
        if ((k->set & ISAKMP_SCN_SET_RATE) && l->type == ISAKMP_SCN_CSMA)
            return scn_fail(c, config_setting_get_member(g, "rate"), "%s: the rate of a csma "
                            "link cannot change during a run (ns-3's CSMA device keeps the rate "
                            "it was attached with); use a p2p link", w);
        if (config_setting_get_member(g, "reorder_delay") && !(k->set & ISAKMP_SCN_SET_REORDER))
            return scn_fail(c, config_setting_get_member(g, "reorder_delay"),
                            "%s: 'reorder_delay' needs 'reorder'", w);
        c->s->n_conditions = i + 1;
    }
    return true;
}

/* ---- top level ------------------------------------------------------------ */

static bool parse_output(struct scn_ctx *c, const config_setting_t *root)
{
    static const char *const keys[] = { "pcap", "trace", NULL };
    const config_setting_t *g = config_setting_get_member(root, "output");
    if (!g)
        return true;
    return scn_expect_group(c, g, "'output'") && scn_check_keys(c, g, "output", keys) &&
           scn_get_bool(c, g, "output", "pcap", false, &c->s->pcap_all) &&
           scn_get_bool(c, g, "output", "trace", false, &c->s->trace);
}

static bool parse_root(struct scn_ctx *c, const config_setting_t *root)
{
    static const char *const keys[] = { "name", "description", "seed", "run", "duration",
                                        "cost_table", "sample_period", "output", "nodes",
                                        "links", "policies", "conditions", "attack", "sweep",
                                        NULL };
    struct isakmp_scenario *s = c->s;
    const char *name = NULL, *descr = "";
    long long seed = 1, run = 1;
    s->sample_period_ns = 100000000ull;
    if (!scn_check_keys(c, root, "scenario", keys) ||
        !scn_get_string(c, root, "scenario", "name", true, &name) ||
        !scn_get_string(c, root, "scenario", "description", false, &descr) ||
        !scn_get_int(c, root, "scenario", "seed", false, 1, UINT32_MAX, &seed) ||
        !scn_get_int(c, root, "scenario", "run", false, 0, INT64_MAX, &run) ||
        !scn_get_duration(c, root, "scenario", "duration", true, &s->duration_ns) ||
        !scn_get_path(c, root, "scenario", "cost_table", false, &s->cost_table) ||
        !scn_get_duration(c, root, "scenario", "sample_period", false, &s->sample_period_ns))
        return false;
    if (!(s->name = scn_strdup(c, name)) || !(s->description = scn_strdup(c, descr)))
        return false;
    s->seed = (uint32_t)seed;
    s->run = (uint64_t)run;
    if (s->duration_ns == 0)
        return scn_fail(c, config_setting_get_member(root, "duration"), "scenario: 'duration' must be > 0");
    if (s->sample_period_ns == 0)
        return scn_fail(c, config_setting_get_member(root, "sample_period"),
                        "scenario: 'sample_period' must be > 0");
    return parse_output(c, root) && scn_parse_policies(c, root) && parse_nodes(c, root) &&
           parse_links(c, root) && parse_conditions(c, root) && scn_parse_attacks(c, root) &&
           scn_parse_sweep(c, root);
}

/* ---- loading ----------------------------------------------------------------- */

static struct isakmp_scenario *load(config_t *cfg, bool read_ok, const char *text,
                                    const char *file, const char *dir,
                                    const char *const *overrides, size_t n_overrides,
                                    char *err, size_t errlen)
{
    struct scn_ctx c = { .file = file, .dir = dir, .err = err, .errlen = errlen };
    err[0] = '\0';
    if (read_ok && text && !scn_check_big_ints(&c, text))
        return NULL;
    if (!read_ok) {
        if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: cannot read the file (%s)", file, strerror(errno));
        else
            snprintf(err, errlen, "%s:%d: syntax error: %s",
                     config_error_file(cfg) ? config_error_file(cfg) : file,
                     config_error_line(cfg), config_error_text(cfg));
        return NULL;
    }
    c.s = calloc(1, sizeof *c.s);
    if (!c.s || !(c.s->file = strdup(file))) {
        free(c.s);
        snprintf(err, errlen, "%s: out of memory", file);
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; i < n_overrides && ok; i++)
        ok = scn_apply_override(&c, cfg, overrides[i]);
    if (ok)
        ok = parse_root(&c, config_root_setting(cfg));
    if (!ok) {
        isakmp_scenario_free(c.s);
        return NULL;
    }
    return c.s;
}

struct isakmp_scenario *isakmp_scenario_load(const char *path, const char *const *overrides,
                                             size_t n_overrides, char *err, size_t errlen)
{
    config_t cfg;
    config_init(&cfg);
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash && (size_t)(slash - path) < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        if (!dir[0])
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    config_set_include_dir(&cfg, dir);
    errno = 0;
    bool ok = config_read_file(&cfg, path) == CONFIG_TRUE;
    int saved = errno;
    char *text = NULL;
    if (ok) {
        /* the text again, for the checks libconfig does not make */
        FILE *f = fopen(path, "r");
        long len = -1;
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && len < (64l << 20) &&
            fseek(f, 0, SEEK_SET) == 0 && (text = calloc(1, (size_t)len + 1)) != NULL &&
            fread(text, 1, (size_t)len, f) != (size_t)len) {
            free(text);
            text = NULL;
        }
        if (f)
            fclose(f);
    }
    errno = saved;
    struct isakmp_scenario *s = load(&cfg, ok, text, path, dir, overrides, n_overrides, err, errlen);
    free(text);
    config_destroy(&cfg);
    return s;
}

struct isakmp_scenario *isakmp_scenario_parse(const char *text, const char *name,
                                              const char *const *overrides, size_t n_overrides,
                                              char *err, size_t errlen)
{
    config_t cfg;
    config_init(&cfg);
    bool ok = config_read_string(&cfg, text) == CONFIG_TRUE;
    struct isakmp_scenario *s = load(&cfg, ok, text, name, NULL, overrides, n_overrides, err, errlen);
    config_destroy(&cfg);
    return s;
}

void isakmp_scenario_free(struct isakmp_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_nodes; i++) {
        free(s->nodes[i].name);
        free(s->nodes[i].cost_table);
        free(s->nodes[i].costs);
        free(s->nodes[i].rsa_key);
        for (size_t k = 0; k < s->nodes[i].n_peer_keys; k++)
            free(s->nodes[i].peer_keys[k]);
        free(s->nodes[i].peer_keys);
        free(s->nodes[i].peer_key_nodes);
    }
    for (size_t i = 0; i < s->n_links; i++) {
        free(s->links[i].name);
        free(s->links[i].nodes);
        free(s->links[i].addrs);
        free(s->links[i].errors.drop);
        free(s->links[i].errors.named);
    }
    for (size_t i = 0; i < s->n_policies; i++) {
        struct isakmp_scn_policy *p = &s->policies[i];
        free(p->name);
        if (p->psk) {
            volatile uint8_t *v = p->psk;   /* a key: wiped before it goes */
            for (size_t k = 0; k < p->psk_len; k++)
                v[k] = 0;
            free(p->psk);
        }
        free(p->rsa_key);
        for (size_t k = 0; k < p->n_peer_keys; k++)
            free(p->peer_keys[k]);
        free(p->peer_keys);
    }
    for (size_t i = 0; i < s->n_attacks; i++)
        free(s->attacks[i].name);
    for (size_t i = 0; i < s->sweep.n_params; i++) {
        free(s->sweep.params[i].path);
        for (size_t k = 0; k < s->sweep.params[i].n_values; k++)
            free(s->sweep.params[i].values[k]);
        free(s->sweep.params[i].values);
    }
    free(s->sweep.params);
    free(s->nodes);
    free(s->links);
    free(s->policies);
    free(s->conditions);
    free(s->attacks);
    free(s->file);
    free(s->name);
    free(s->description);
    free(s->cost_table);
    free(s);
}
