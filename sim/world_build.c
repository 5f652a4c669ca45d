/* Build the ns-3 side of a scenario: nodes, links, loss models, pcaps. */
#include "world_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The end of link l at which node `node` sits, or -1. */
static int end_of(const struct isakmp_scn_link *l, int node)
{
    for (size_t i = 0; i < l->n_ends; i++)
        if (l->nodes[i] == node)
            return (int)i;
    return -1;
}

static bool apply_errors(struct sim_world *w, size_t li, uint32_t end)
{
    const struct isakmp_scn_link *l = &w->s->links[li];
    const struct isakmp_scn_errors *e = &l->errors;
    uint32_t id = (uint32_t)w->link_ids[li];
    if (e->rate > 0 && isakmp_sim_loss_rate(w->ns, id, end, e->rate) < 0)
        goto bad;
    if (e->burst_prob > 0 &&
        isakmp_sim_loss_burst(w->ns, id, end, e->burst_prob, e->burst_min, e->burst_max) < 0)
        goto bad;
    if (e->n_drop && isakmp_sim_loss_nth(w->ns, id, end, e->drop, e->n_drop) < 0)
        goto bad;
    return true;
bad:
    sim_fail(w, "%s:%d: link '%s': the simulator refused its 'errors' settings",
             w->s->file, l->line, l->name);
    return false;
}

static bool build_links(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    w->link_ids = calloc(s->n_links ? s->n_links : 1, sizeof *w->link_ids);
    if (!w->link_ids)
        return false;
    for (size_t i = 0; i < s->n_links; i++) {
        const struct isakmp_scn_link *l = &s->links[i];
        struct isakmp_sim_link_params p = { l->rate_bps, l->delay_ns, l->queue_packets };
        int id;
        if (l->type == ISAKMP_SCN_P2P) {
            id = isakmp_sim_link_p2p(w->ns, (uint32_t)l->nodes[0], (uint32_t)l->nodes[1], &p,
                                     l->addrs[0], l->addrs[1], l->prefix_len);
        } else {
            uint32_t *nodes = calloc(l->n_ends, sizeof *nodes);
            if (!nodes)
                return false;
            for (size_t k = 0; k < l->n_ends; k++)
                nodes[k] = (uint32_t)l->nodes[k];
            id = isakmp_sim_link_csma(w->ns, nodes, l->addrs, l->n_ends, &p, l->prefix_len);
            free(nodes);
        }
        if (id < 0) {
            sim_fail(w, "%s:%d: link '%s': the simulator refused it (rate, prefix or addresses)",
                     s->file, l->line, l->name);
            return false;
        }
        w->link_ids[i] = id;
        if (!l->has_errors)
            continue;
        if (l->errors.at >= 0) {
            int end = end_of(l, l->errors.at);
            if (end < 0 || !apply_errors(w, i, (uint32_t)end))
                return false;
        } else {
            for (size_t k = 0; k < l->n_ends; k++)
                if (!apply_errors(w, i, (uint32_t)k))
                    return false;
        }
    }
    return true;
}

/* pcaps: every device of a node traced by node (PREFIX-NODEID-DEVICE.pcap,
 * ns-3's naming), a link's pcap on each end whose node is not traced
 * already (PREFIX-LINK-NODE.pcap), so no file is written twice. */
static bool build_pcaps(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    const char *prefix = w->opt.pcap_prefix;
    if (!prefix)
        return true;
    for (size_t i = 0; i < s->n_nodes; i++)
        if ((s->pcap_all || s->nodes[i].pcap) && isakmp_sim_pcap_node(w->ns, (uint32_t)i, prefix) < 0) {
            sim_fail(w, "node '%s': cannot trace into %s-*.pcap", s->nodes[i].name, prefix);
            return false;
        }
    for (size_t i = 0; i < s->n_links; i++) {
        const struct isakmp_scn_link *l = &s->links[i];
        if (!l->pcap)
            continue;
        for (size_t k = 0; k < l->n_ends; k++) {
            const struct isakmp_scn_node *nd = &s->nodes[l->nodes[k]];
            if (s->pcap_all || nd->pcap)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s-%s-%s.pcap", prefix, l->name, nd->name);
            if (isakmp_sim_pcap_device(w->ns, (uint32_t)w->link_ids[i], (uint32_t)k, path) < 0) {
                sim_fail(w, "link '%s': cannot trace into %s", l->name, path);
                return false;
            }
        }
    }
    return true;
}

bool sim_build_topology(struct sim_world *w)
{
    const struct isakmp_scenario *s = w->s;
    for (size_t i = 0; i < s->n_nodes; i++)
        if (isakmp_sim_node_new(w->ns) != (int)i) {
            sim_fail(w, "cannot create node '%s'", s->nodes[i].name);
            return false;
        }
    if (!build_links(w)) {
        if (!w->failed)
            sim_fail(w, "out of memory");
        return false;
    }
    return build_pcaps(w);
}
