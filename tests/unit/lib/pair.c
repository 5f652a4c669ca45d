/* Two-engine fixture (see pair.h). */
#include "pair.h"
#include "isakmp/drbg.h"
#include "isakmp/rsa.h"

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

bool pair_rsa_keys(struct pair_rsa_keys *k)
{
    if (k->a)
        return true;
    struct isakmp_drbg *r = isakmp_drbg_new((const uint8_t *)"rsa", 3, 1, 1);
    bool ok = r && isakmp_rsa_key_generate(isakmp_drbg_random, r, 1024, &k->a) == 0 &&
              isakmp_rsa_key_generate(isakmp_drbg_random, r, 1024, &k->b) == 0 &&
              isakmp_rsa_key_generate(isakmp_drbg_random, r, 1024, &k->c) == 0;
    isakmp_drbg_free(r);
    return ok;
}

void pair_rsa_keys_free(struct pair_rsa_keys *k)
{
    isakmp_rsa_key_free(k->a);
    isakmp_rsa_key_free(k->b);
    isakmp_rsa_key_free(k->c);
    memset(k, 0, sizeof *k);
}

void pair_setup_rsa(struct pair *p, const struct pair_rsa_keys *k, struct isakmp_rsa_peer peers[2],
                    const struct isakmp_rsa_key *b_sees_a, uint16_t auth, uint16_t group,
                    uint16_t pfs)
{
    pair_setup(p, group, pfs, "unused", "unused");
    p->p1a.auth = p->p1b.auth = auth;
    memset(peers, 0, 2 * sizeof *peers);
    peers[0].addr = isakmp_addr_v4(10, 0, 0, 2, 500);     /* A knows B's key */
    peers[0].key = k->b;
    peers[1].addr = isakmp_addr_v4(10, 0, 0, 1, 500);     /* B knows "A's" key */
    peers[1].key = b_sees_a;
    p->ca.rsa_key = k->a;
    p->ca.rsa_peers = &peers[0];
    p->ca.n_rsa_peers = 1;
    p->cb.rsa_key = k->b;
    p->cb.rsa_peers = &peers[1];
    p->cb.n_rsa_peers = 1;
}
