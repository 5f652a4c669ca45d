/* The scenario reader, attacks: floods (spoofed message 1, cookie-completing
 * KE flood) and on-path attackers at a link end (replayer, tamperer). */
#include "scenario_parse.h"
#include "units.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = { "spoofed-flood", "ke-flood", "replay", "tamper",
                                           "strip", NULL };
static const char *const action_names[] = { "bitflip", "truncate", "swap", NULL };
static const char *const order_names[] = { "sequential", "random", NULL };
static const char *const exchange_names[] = { "any", "main", "aggressive", "quick", "info", NULL };
static const uint8_t exchange_values[] = { 0, ISAKMP_XCHG_IDPROT, ISAKMP_XCHG_AGGRESSIVE,
                                           ISAKMP_XCHG_QUICK, ISAKMP_XCHG_INFO };
static const char *const payload_names[] = { "sa", "ke", "id", "cert", "cr", "hash", "sig",
                                             "nonce", "n", "d", "vid", NULL };
static const uint8_t payload_values[] = { ISAKMP_PL_SA, ISAKMP_PL_KE, ISAKMP_PL_ID,
                                          ISAKMP_PL_CERT, ISAKMP_PL_CR, ISAKMP_PL_HASH,
                                          ISAKMP_PL_SIG, ISAKMP_PL_NONCE, ISAKMP_PL_N,
                                          ISAKMP_PL_D, ISAKMP_PL_VID };

const char *isakmp_scn_attack_kind_name(enum isakmp_scn_attack_kind k)
{
    return (unsigned)k < 5 ? kind_names[k] : "?";
}

static bool parse_flood(struct scn_ctx *c, const config_setting_t *g, const char *w,
                        struct isakmp_scn_attack *a)
{
    static const char *const mode_names[] = { "main", "aggressive", NULL };
    static const char *const via_names[] = { "link", "stack", NULL };
    int mode = 0, order = 0, via = 0;
    if (!scn_get_node_ref(c, g, w, "node", true, &a->node) ||
        !scn_get_node_ref(c, g, w, "target", true, &a->target) ||
        !scn_get_double(c, g, w, "rate", true, -1e300, 1e9, &a->rate) ||
        !scn_get_enum(c, g, w, "mode", false, mode_names, &mode) ||
        !scn_get_enum(c, g, w, "source_order", false, order_names, &order) ||
        !scn_get_enum(c, g, w, "via", false, via_names, &via) ||
        !scn_get_u32(c, g, w, "concurrency", false, 1, 1000000, &a->concurrency) ||
        !scn_get_duration(c, g, w, "craft_cost", false, &a->craft_ns))
        return false;
    a->craft_set = config_setting_get_member(g, "craft_cost") != NULL;   /* else the cost table's */
    if (!(a->rate > 0))
        return scn_fail(c, config_setting_get_member(g, "rate"),
                        "%s: 'rate' must be > 0 messages per second", w);
    if (c->s->nodes[a->node].role != ISAKMP_SCN_ATTACKER)
        return scn_fail(c, config_setting_get_member(g, "node"), "%s: node '%s' is not an attacker",
                        w, c->s->nodes[a->node].name);
    if (c->s->nodes[a->target].role != ISAKMP_SCN_RESPONDER)
        return scn_fail(c, config_setting_get_member(g, "target"), "%s: target '%s' is not a responder",
                        w, c->s->nodes[a->target].name);
    a->mode = (enum isakmp_scn_mode)mode;
    a->random_sources = order == 1;
    a->via_stack = via == 1;
    const config_setting_t *prop = config_setting_get_member(g, "proposal");
    if (prop && !scn_parse_proposals(c, prop, w, ISAKMP_AUTH_PSK, a->proposal, &a->n_proposal))
        return false;
    const config_setting_t *src = config_setting_get_member(g, "sources");
    if (a->kind == ISAKMP_SCN_KE_FLOOD) {
        /* the cookie exchange needs answers: only real addresses work */
        if (src)
            return scn_fail(c, src, "%s: a ke-flood uses its node's real address: remove 'sources'", w);
        if (config_setting_get_member(g, "via"))
            return scn_fail(c, config_setting_get_member(g, "via"),
                            "%s: a ke-flood always sends through its node's stack: remove 'via'", w);
        if (a->mode != ISAKMP_SCN_MAIN)
            return scn_fail(c, config_setting_get_member(g, "mode"),
                            "%s: a ke-flood is a Main Mode attack (message 3 carries KE)", w);
        if (!config_setting_get_member(g, "concurrency"))
            a->concurrency = 100;
        static const char *const ke_names[] = { "reuse", "fresh", "full", NULL };
        int ke = 0;
        if (!scn_get_enum(c, g, w, "ke", false, ke_names, &ke))
            return false;
        a->ke = ke == 2 ? ISAKMP_SCN_KE_FULL : ke == 1 ? ISAKMP_SCN_KE_FRESH : ISAKMP_SCN_KE_REUSE;
        return true;
    }
    if (config_setting_get_member(g, "ke"))
        return scn_fail(c, config_setting_get_member(g, "ke"), "%s: 'ke' is for ke-flood", w);
    if (config_setting_get_member(g, "concurrency"))
        return scn_fail(c, config_setting_get_member(g, "concurrency"),
                        "%s: 'concurrency' is for ke-flood", w);
    if (!src) {
        a->pools[0].addr = 0xc6336400u;   /* 198.51.100.0/24, TEST-NET-2 (RFC 5737) */
        a->pools[0].len = 24;
        a->n_pools = 1;
        return true;
    }
    size_t n = (size_t)config_setting_length(src);
    if (!config_setting_is_array(src) || n == 0 || n > ISAKMP_SCN_MAX_POOLS ||
        config_setting_type(config_setting_get_elem(src, 0)) != CONFIG_TYPE_STRING)
        return scn_fail(c, src, "%s: 'sources' must be an array of 1 to %d prefixes [\"198.51.100.0/24\"]",
                        w, ISAKMP_SCN_MAX_POOLS);
    for (size_t i = 0; i < n; i++) {
        const char *p = config_setting_get_string_elem(src, (int)i);
        if (!isakmp_parse_ipv4_prefix(p, &a->pools[i].addr, &a->pools[i].len))
            return scn_fail(c, src, "%s: 'sources': \"%s\" is not a prefix like \"198.51.100.0/24\"",
                            w, p);
    }
    a->n_pools = n;
    return true;
}

/* strip (sim/attack_strip.c): phase-1 message 1 only; `keep` = the groups
 * whose transforms stay. */
static bool parse_strip(struct scn_ctx *c, const config_setting_t *g, const char *w,
                        struct isakmp_scn_attack *a)
{
    if (a->exchange == ISAKMP_XCHG_QUICK || a->exchange == ISAKMP_XCHG_INFO)
        return scn_fail(c, config_setting_get_member(g, "exchange"),
                        "%s: a stripper rewrites phase-1 message 1: 'exchange' is \"any\", "
                        "\"main\" or \"aggressive\"", w);
    const config_setting_t *keep = config_setting_get_member(g, "keep");
    int n = keep ? config_setting_length(keep) : 0;
    if (!keep || !config_setting_is_array(keep) || n < 1 || n > ISAKMP_SCN_MAX_KEEP)
        return scn_fail(c, keep ? keep : g, "%s: 'keep' must be an array of 1 to %d group names "
                        "(the weak set, e.g. [\"modp768\", \"modp1024\"])", w, ISAKMP_SCN_MAX_KEEP);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(keep, (unsigned)i);
        const char *name = config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e)
                                                                         : NULL;
        if (!name || !scn_group_by_name(name, &a->keep[i]))
            return scn_fail(c, keep, "%s: 'keep': element %d is not a group name of "
                            "scenarios/FORMAT.md (\"modp768\", \"modp1024\", ...)", w, i + 1);
        for (int k = 0; k < i; k++)
            if (a->keep[k] == a->keep[i])
                return scn_fail(c, keep, "%s: 'keep' names \"%s\" twice", w, name);
    }
    a->n_keep = (size_t)n;
    return true;
}

static bool parse_on_path(struct scn_ctx *c, const config_setting_t *g, const char *w,
                          struct isakmp_scn_attack *a)
{
    const char *link = NULL;
    int exch = 0;
    if (!scn_get_string(c, g, w, "link", true, &link) ||
        !scn_get_node_ref(c, g, w, "at", true, &a->at) ||
        !scn_get_enum(c, g, w, "exchange", false, exchange_names, &exch) ||
        !scn_get_u32(c, g, w, "max_count", false, 0, UINT32_MAX, &a->max_count))
        return false;
    a->link = isakmp_scenario_link(c->s, link);
    if (a->link < 0)
        return scn_fail(c, config_setting_get_member(g, "link"), "%s: unknown link '%s'", w, link);
    const struct isakmp_scn_link *l = &c->s->links[a->link];
    bool on_link = false;
    for (size_t e = 0; e < l->n_ends; e++)
        on_link = on_link || l->nodes[e] == a->at;
    if (!on_link)
        return scn_fail(c, config_setting_get_member(g, "at"), "%s: 'at' is not a node of link '%s'",
                        w, link);
    a->exchange = exchange_values[exch];
    const config_setting_t *msgs = config_setting_get_member(g, "messages");
    if (msgs) {
        size_t n = (size_t)config_setting_length(msgs);
        if (!config_setting_is_array(msgs) || n == 0)
            return scn_fail(c, msgs, "%s: 'messages' must be an array of message numbers [1, 3]", w);
        for (size_t i = 0; i < n; i++) {
            const config_setting_t *x = config_setting_get_elem(msgs, (unsigned)i);
            long long v = config_setting_get_int64(x);
            if ((config_setting_type(x) != CONFIG_TYPE_INT && config_setting_type(x) != CONFIG_TYPE_INT64) ||
                v < 1 || v > 32)
                return scn_fail(c, msgs, "%s: 'messages' holds message numbers 1 to 32", w);
            a->messages |= 1u << (v - 1);
        }
    }
    if (a->kind == ISAKMP_SCN_STRIP)
        return parse_strip(c, g, w, a);
    if (a->kind == ISAKMP_SCN_REPLAY) {
        a->delay_ns = 1000000000ull;
        a->copies = 1;
        if (!scn_get_duration(c, g, w, "delay", false, &a->delay_ns) ||
            !scn_get_duration(c, g, w, "reinject_at", false, &a->reinject_at_ns) ||
            !scn_get_u32(c, g, w, "copies", false, 1, 1000, &a->copies))
            return false;
        if (config_setting_get_member(g, "delay") && config_setting_get_member(g, "reinject_at"))
            return scn_fail(c, config_setting_get_member(g, "reinject_at"),
                            "%s: give 'delay' or 'reinject_at', not both", w);
        return true;
    }
    int action = 0;
    const char *swap = NULL;
    uint32_t offset = 0;
    a->probability = 1.0;
    a->flip_bits = 1;
    a->flip_offset = -1;
    if (!scn_get_enum(c, g, w, "action", true, action_names, &action) ||
        !scn_get_double(c, g, w, "probability", false, 0, 1, &a->probability) ||
        !scn_get_u32(c, g, w, "bits", false, 1, 65536, &a->flip_bits) ||
        !scn_get_u32(c, g, w, "offset", false, 0, 65534, &offset) ||
        !scn_get_u32(c, g, w, "truncate_to", false, 0, 65535, &a->truncate_to) ||
        !scn_get_u32(c, g, w, "truncate_by", false, 1, 65535, &a->truncate_by))
        return false;
    a->action = (enum isakmp_scn_tamper_action)action;
    static const char *const need[] = { "bits", "offset", "truncate_to", "truncate_by", "swap" };
    static const int need_action[] = { 0, 0, 1, 1, 2 };
    for (int i = 0; i < 5; i++)   /* need[i] belongs to action need_action[i] */
        if (need_action[i] != action && config_setting_get_member(g, need[i]))
            return scn_fail(c, config_setting_get_member(g, need[i]), "%s: '%s' is for action \"%s\"",
                            w, need[i], action_names[need_action[i]]);
    if (config_setting_get_member(g, "offset")) {
        if (a->flip_bits > 8)
            return scn_fail(c, config_setting_get_member(g, "bits"),
                            "%s: with 'offset', 'bits' is at most 8 (the bits of that byte)", w);
        a->flip_offset = (int32_t)offset;
    }
    if (a->action == ISAKMP_SCN_TRUNCATE) {
        bool to = config_setting_get_member(g, "truncate_to") != NULL;
        bool by = config_setting_get_member(g, "truncate_by") != NULL;
        if (to == by)
            return scn_fail(c, g, "%s: action truncate needs 'truncate_to' (bytes kept) or "
                            "'truncate_by' (bytes removed), one of them", w);
    }
    if (a->action == ISAKMP_SCN_SWAP) {
        const config_setting_t *sw = config_setting_get_member(g, "swap");
        int n = sw ? config_setting_length(sw) : 0;
        if (!sw || !config_setting_is_array(sw) || n < 1 || n > 2 ||
            config_setting_type(config_setting_get_elem(sw, 0)) != CONFIG_TYPE_STRING)
            return scn_fail(c, sw ? sw : g, "%s: action swap needs 'swap' = [\"nonce\", \"ke\"] "
                            "(two payloads exchanged) or [\"ke\"] (taken from another exchange)", w);
        for (int i = 0; i < n; i++) {
            swap = config_setting_get_string_elem(sw, i);
            int k = 0;
            while (payload_names[k] && strcmp(payload_names[k], swap) != 0)
                k++;
            if (!payload_names[k])
                return scn_fail(c, sw, "%s: 'swap': unknown payload \"%s\" (known: sa, ke, id, "
                                "cert, cr, hash, sig, nonce, n, d, vid)", w, swap);
            a->swap[i] = payload_values[k];
        }
        if (n == 2 && a->swap[0] == a->swap[1])
            return scn_fail(c, sw, "%s: 'swap' names the same payload twice", w);
    }
    return true;
}

static bool parse_attack(struct scn_ctx *c, const config_setting_t *g, struct isakmp_scn_attack *a)
{
    static const char *const flood_keys[] = { "kind", "node", "target", "start", "stop", "rate",
                                              "mode", "proposal", "sources", "source_order", "via",
                                              "concurrency", "craft_cost", "ke", NULL };
    static const char *const replay_keys[] = { "kind", "link", "at", "start", "stop", "exchange",
                                               "messages", "max_count", "delay", "reinject_at",
                                               "copies", NULL };
    static const char *const tamper_keys[] = { "kind", "link", "at", "start", "stop", "exchange",
                                               "messages", "max_count", "action", "probability",
                                               "bits", "offset", "truncate_to", "truncate_by",
                                               "swap", NULL };
    static const char *const strip_keys[] = { "kind", "link", "at", "start", "stop", "exchange",
                                              "max_count", "keep", NULL };
    char w[128];
    snprintf(w, sizeof w, "attack '%s'", a->name);
    int kind = 0;
    if (!scn_expect_group(c, g, w) || !scn_get_enum(c, g, w, "kind", true, kind_names, &kind))
        return false;
    a->kind = (enum isakmp_scn_attack_kind)kind;
    const char *const *keys = kind <= ISAKMP_SCN_KE_FLOOD ? flood_keys
                              : kind == ISAKMP_SCN_REPLAY ? replay_keys
                              : kind == ISAKMP_SCN_STRIP ? strip_keys : tamper_keys;
    if (!scn_check_keys(c, g, w, keys) ||
        !scn_get_duration(c, g, w, "start", false, &a->start_ns) ||
        !scn_get_duration(c, g, w, "stop", false, &a->stop_ns))
        return false;
    if (a->start_ns >= c->s->duration_ns)
        return scn_fail(c, config_setting_get_member(g, "start"), "%s: starts after the run ends", w);
    if (a->stop_ns && a->stop_ns <= a->start_ns)
        return scn_fail(c, config_setting_get_member(g, "stop"), "%s: 'stop' must be after 'start'", w);
    a->node = a->target = a->link = a->at = -1;
    if (kind <= ISAKMP_SCN_KE_FLOOD)
        return parse_flood(c, g, w, a);
    return parse_on_path(c, g, w, a);
}

bool scn_parse_attacks(struct scn_ctx *c, const config_setting_t *root)
{
    const config_setting_t *att = config_setting_get_member(root, "attack");
    if (!att)
        return true;
    if (!scn_expect_group(c, att, "'attack'"))
        return false;
    size_t count = (size_t)config_setting_length(att);
    c->s->attacks = scn_calloc(c, count, sizeof *c->s->attacks);
    if (!c->s->attacks)
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(att, (unsigned)i);
        struct isakmp_scn_attack *a = &c->s->attacks[i];
        if (!(a->name = scn_strdup(c, config_setting_name(g))))
            return false;
        a->line = (int)config_setting_source_line(g);
        c->s->n_attacks = i + 1;
        if (!parse_attack(c, g, a))
            return false;
    }
    return true;
}
