/* Two-engine fixture (see pair.h). */
#include "pair.h"

#include <string.h>

void pair_setup(struct pair *p, uint16_t group, uint16_t pfs, const char *key_a, const char *key_b)
{
    memset(p, 0, sizeof *p);
    struct isakmp_addr aa = isakmp_addr_v4(10, 0, 0, 1, 500), ab = isakmp_addr_v4(10, 0, 0, 2, 500);
    p->p1a = p->p1b = memnet_p1(group);
    p->p2a = p->p2b = memnet_p2_esp(pfs);
    memnet_psk_config(&p->ca, &p->psk_a, &ab, key_a, &p->p1a, 1, &p->p2a, 1);
    memnet_psk_config(&p->cb, &p->psk_b, &aa, key_b, &p->p1b, 1, &p->p2b, 1);
}

bool pair_start(struct pair *p)
{
    p->net = memnet_new(5 * MS, 42);
    if (!p->net)
        return false;
    p->a = memnet_add(p->net, &p->ca, isakmp_addr_v4(10, 0, 0, 1, 500));
    p->b = memnet_add(p->net, &p->cb, isakmp_addr_v4(10, 0, 0, 2, 500));
    return p->a >= 0 && p->b >= 0;
}

bool pair_init(struct pair *p, uint16_t group, uint16_t pfs, const char *key_a, const char *key_b)
{
    pair_setup(p, group, pfs, key_a, key_b);
    return pair_start(p);
}

isakmp_handle pair_initiate(struct pair *p, uint8_t xchg, bool with_qm)
{
    struct isakmp_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.local = memnet_addr(p->net, p->a);
    pol.peer = memnet_addr(p->net, p->b);
    pol.exchange_type = xchg;
    if (with_qm) {
        pol.p2 = &p->p2a;
        pol.n_p2 = 1;
    }
    return isakmp_engine_initiate(memnet_engine(p->net, p->a), memnet_now(p->net), &pol);
}

isakmp_handle pair_sa(struct pair *p, int node, uint8_t phase)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    for (size_t i = n; i-- > 0;)
        if (evs[i].type == ISAKMP_EV_SA_ESTABLISHED && evs[i].u.sa.phase == phase)
            return evs[i].handle;
    return 0;
}

void pair_free(struct pair *p)
{
    memnet_free(p->net);
    p->net = NULL;
}

size_t pair_events_malformed(struct pair *p, int node)
{
    const struct isakmp_event *evs;
    size_t n = memnet_events(p->net, node, &evs);
    for (size_t i = 0; i < n; i++) {
        enum isakmp_event_type want;
        if (evs[i].type == ISAKMP_EV_EXCHANGE_FAILED || evs[i].type == ISAKMP_EV_EXCHANGE_COMPLETED)
            want = ISAKMP_EV_EXCHANGE_STARTED;
        else if (evs[i].type == ISAKMP_EV_SA_DELETED || evs[i].type == ISAKMP_EV_SA_EXPIRED)
            want = ISAKMP_EV_SA_ESTABLISHED;
        else
            continue;
        bool found = false;
        for (size_t j = 0; j < i && !found; j++)
            found = evs[j].type == want && evs[j].handle == evs[i].handle;
        if (!found)
            return i + 1;
    }
    return 0;
}
