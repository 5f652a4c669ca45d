/* The public face (isakmp/engine.h): lifetime, configuration copies,
 * calls in, timers out, accessors.  Protocol work is in dispatch.c and
 * the registered layers. */
#include "isakmp/framework.h"
#include "isakmp/secmem.h"

#include <stddef.h>
#include <string.h>

#define NS 1000000000ULL
#define container_of(p, T, m) ((T *)(void *)((char *)(p) - offsetof(T, m)))

void isakmp_config_defaults(struct isakmp_config *c)
{
    memset(c, 0, sizeof *c);
    c->retransmit.initial_ns = 1 * NS;
    c->retransmit.factor = 2;
    c->retransmit.cap_ns = 30 * NS;
    c->retransmit.tries = 5;
    c->defence.cookie_rotate_ns = 60 * NS;
    c->rekey_percent = 90;
}

static void *copy_array(struct isakmp_engine *e, const void *src, size_t n, size_t size)
{
    if (!n)
        return NULL;
    if (!src || n > SIZE_MAX / size)
        return NULL;
    return fw_memdup(e, src, n * size);
}

static bool copy_config(struct isakmp_engine *e, const struct isakmp_config *c)
{
    e->cfg = *c;
    e->cfg.psks = NULL;
    e->cfg.p1 = NULL;
    e->cfg.p2 = NULL;
    e->cfg.rsa_peers = NULL;
    if (c->n_psks) {
        struct isakmp_psk *p = copy_array(e, c->psks, c->n_psks, sizeof *p);
        if (!p)
            return false;
        e->cfg.psks = p;
        for (size_t i = 0; i < c->n_psks; i++) {
            if (!c->psks[i].key || !c->psks[i].key_len)
                return false;
            p[i].key = fw_memdup(e, c->psks[i].key, c->psks[i].key_len);
            if (!p[i].key)
                return false;
        }
    }
    e->cfg.rsa_peers = NULL;
    if (c->n_rsa_peers &&
        !(e->cfg.rsa_peers = copy_array(e, c->rsa_peers, c->n_rsa_peers, sizeof *c->rsa_peers)))
        return false;
    if (c->n_p1 && !(e->cfg.p1 = copy_array(e, c->p1, c->n_p1, sizeof *c->p1)))
        return false;
    if (c->n_p2 && !(e->cfg.p2 = copy_array(e, c->p2, c->n_p2, sizeof *c->p2)))
        return false;
    struct isakmp_retransmit *r = &e->cfg.retransmit;
    if (!r->initial_ns) r->initial_ns = NS;
    if (!r->factor) r->factor = 2;
    if (!r->cap_ns) r->cap_ns = 30 * NS;
    if (!r->tries) r->tries = 5;
    if (r->cap_ns < r->initial_ns) r->cap_ns = r->initial_ns;
    return true;
}

static void free_config(struct isakmp_engine *e)
{
    if (e->cfg.psks) {
        for (size_t i = 0; i < e->cfg.n_psks; i++)
            fw_free(e, (void *)e->cfg.psks[i].key);
        fw_free(e, (void *)e->cfg.psks);
    }
    fw_free(e, (void *)e->cfg.p1);
    fw_free(e, (void *)e->cfg.p2);
    fw_free(e, (void *)e->cfg.rsa_peers);
}

struct isakmp_engine *isakmp_engine_new(const struct isakmp_config *config,
                                        const struct isakmp_callbacks *cb, void *user)
{
    if (!config || !cb || !cb->send || !cb->random)
        return NULL;
    struct isakmp_engine tmp;
    memset(&tmp, 0, sizeof tmp);
    struct isakmp_engine *e = fw_alloc(&tmp, sizeof *e);
    if (!e)
        return NULL;
    e->mem = tmp.mem;
    e->cb = *cb;
    e->user = user;
    e->kx = &ike_kx_ops;
    e->doi = &ipsec_doi_fw_ops;
    uint8_t k[8];
    fw_random(e, k, 8);
    memcpy(&e->hash_key, k, 8);
    fw_cookie_init(e, 0);
    /* Tables that every responder needs are made now, so a test can take
     * the engine's memory after creation as its baseline. */
    struct fw_timer probe = { 0 };
    bool tables = fw_timer_set(e, &probe, 0);
    fw_timer_cancel(e, &probe);
    if (!tables || !fw_sa_tables_init(e)) {
        isakmp_engine_free(e);
        return NULL;
    }
    if (!copy_config(e, config) || (e->kx->engine_init && !e->kx->engine_init(e)) ||
        (e->cfg.defence.mode == ISAKMP_DEFENCE_STATELESS && !fw_slots_init(e))) {
        isakmp_engine_free(e);
        return NULL;
    }
    return e;
}

void isakmp_engine_free(struct isakmp_engine *e)
{
    if (!e)
        return;
    while (e->sas)
        fw_sa_destroy(e, e->sas);
    while (e->children) {
        struct fw_child *c = e->children;
        e->children = c->next;
        fw_free(e, c);
    }
    if (e->kx && e->kx->engine_free)
        e->kx->engine_free(e);
    free_config(e);
    fw_free(e, e->buckets);
    fw_free(e, e->src_counts);
    fw_free(e, e->slots);
    fw_timer_heap_free(e);
    isakmp_wipe(&e->cookie, sizeof e->cookie);
    struct isakmp_engine tmp;
    memset(&tmp, 0, sizeof tmp);
    fw_free(&tmp, e);
}

void isakmp_engine_recv(struct isakmp_engine *e, uint64_t now, const uint8_t *bytes,
                        size_t len, const struct isakmp_addr *from,
                        const struct isakmp_addr *to)
{
    if (!e || !bytes || !from || !to)
        return;
    e->now = now;
    /* A NAT keepalive (RFC 3948 §2.3) a driver passed on: nothing to do. */
    if (isakmp_natt_is_keepalive(bytes, len))
        return;
    fw_recv(e, now, bytes, len, from, to);
}

void isakmp_engine_timeout(struct isakmp_engine *e, uint64_t now)
{
    e->now = now;
    fw_cookie_rotate_if_due(e, now);
    /* Each timer fires at most once per call: a handler that re-arms its
     * timer for `now` (it should not) cannot spin here. */
    size_t budget = e->timers.n;
    struct fw_timer *t;
    while (budget-- && (t = fw_timer_first(&e->timers)) && t->at <= now) {
        fw_timer_cancel(e, t);
        switch (t->kind) {
        case FW_T_XCHG:
            fw_xchg_timer(e, container_of(t, struct fw_xchg, timer), now);
            break;
        case FW_T_SA:
            fw_sa_life_timer(e, container_of(t, struct fw_sa, life), now);
            break;
        case FW_T_CHILD:
            fw_child_life_timer(e, container_of(t, struct fw_child, life), now);
            break;
        case FW_T_DPD:
            fw_dpd_timer(e, container_of(t, struct fw_sa, dpd), now);
            break;
        case FW_T_NATT_KEEPALIVE:
            fw_natt_keepalive_timer(e, container_of(t, struct fw_sa, natt.keepalive), now);
            break;
        }
    }
}

uint64_t isakmp_engine_next_deadline(const struct isakmp_engine *e)
{
    const struct fw_timer *t = fw_timer_first(&e->timers);
    uint64_t d = t ? t->at : UINT64_MAX;
    /* Cookie secret rotation is checked lazily on input, so it needs no
     * wake-up of its own. */
    return d;
}

static bool valid_id(const struct isakmp_identity *id)
{
    return id->len <= ISAKMP_ID_MAX;
}

isakmp_handle isakmp_engine_initiate(struct isakmp_engine *e, uint64_t now,
                                     const struct isakmp_policy *pol)
{
    if (!e || !pol)
        return 0;
    e->now = now;
    uint8_t type = pol->exchange_type ? pol->exchange_type : ISAKMP_XCHG_IDPROT;
    const struct fw_exchange_def *def = fw_exchange_def(e, type);
    const struct isakmp_p1_transform *offer = pol->n_p1 ? pol->p1 : e->cfg.p1;
    size_t n_offer = pol->n_p1 ? pol->n_p1 : e->cfg.n_p1;
    if (!def || def->phase != 1 || !n_offer || !offer || n_offer > 64 ||
        pol->n_p2 > 32 || (pol->n_p2 && !pol->p2) ||
        !valid_id(&pol->peer_id) || !valid_id(&pol->client_local) || !valid_id(&pol->client_peer))
        return 0;
    struct fw_sa *sa = fw_sa_new(e, true, &pol->local, &pol->peer);
    if (!sa)
        return 0;
    static const uint8_t zero8[8];
    do fw_random(e, sa->cky_i, 8); while (memcmp(sa->cky_i, zero8, 8) == 0);
    sa->exchange_type = type;
    struct fw_initiator *ini = sa->ini = fw_alloc(e, sizeof *sa->ini);
    if (!ini) {
        fw_sa_destroy(e, sa);
        return 0;
    }
    ini->peer_id_expected = pol->peer_id;
    ini->offer = copy_array(e, offer, n_offer, sizeof *offer);
    ini->n_offer = n_offer;
    if (pol->n_p2) {
        ini->p2req.p2 = copy_array(e, pol->p2, pol->n_p2, sizeof *pol->p2);
        ini->p2req.n_p2 = pol->n_p2;
        ini->p2req.client_local = pol->client_local;
        ini->p2req.client_peer = pol->client_peer;
        ini->p2req.commit = pol->commit;
        ini->p2req.handle = fw_new_handle(e);
    }
    struct fw_xchg *x = NULL;
    if (!ini->offer || (pol->n_p2 && !ini->p2req.p2) || !fw_sa_insert(e, sa) ||
        !(x = fw_xchg_new(e, sa, def, 0, true, sa->handle))) {
        fw_sa_destroy(e, sa);
        return 0;
    }
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
    struct fw_ctx c = { .e = e, .now = now, .sa = sa, .x = x, .from = &sa->peer, .to = &sa->local };
    if (e->kx->initiate(&c, type) != FW_OK) {
        fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_FAILED,
                         c.reason ? c.reason : ISAKMP_FAIL_LOCAL, 0);
        fw_sa_destroy(e, sa);
        return 0;
    }
    return sa->handle;
}

isakmp_handle isakmp_engine_new_group(struct isakmp_engine *e, uint64_t now,
                                      isakmp_handle phase1,
                                      const struct isakmp_new_group *group)
{
    if (!e || !group)
        return 0;
    e->now = now;
    struct fw_sa *sa = fw_sa_by_handle(e, phase1);
    if (!sa || sa->state != FW_SA_ESTABLISHED)
        return 0;
    return fw_start_exchange(e, now, sa, ISAKMP_XCHG_NEW_GROUP, NULL, group);
}

uint16_t isakmp_engine_group_equivalent(const struct isakmp_engine *e, uint16_t number)
{
    return e && e->kx->group_equivalent ? e->kx->group_equivalent(e, number) : 0;
}

isakmp_handle isakmp_engine_quick_mode(struct isakmp_engine *e, uint64_t now,
                                       isakmp_handle phase1, const struct isakmp_policy *pol)
{
    if (!e || !pol || !pol->n_p2 || !pol->p2 || pol->n_p2 > 32)
        return 0;
    e->now = now;
    struct fw_sa *sa = fw_sa_by_handle(e, phase1);
    if (!sa || sa->state != FW_SA_ESTABLISHED)
        return 0;
    struct fw_p2_request req;
    memset(&req, 0, sizeof req);
    req.p2 = (struct isakmp_p2_proposal *)pol->p2;
    req.n_p2 = pol->n_p2;
    req.client_local = pol->client_local;
    req.client_peer = pol->client_peer;
    req.commit = pol->commit;
    return fw_start_phase2(e, now, sa, &req);
}

bool isakmp_engine_delete(struct isakmp_engine *e, uint64_t now, isakmp_handle h)
{
    e->now = now;
    struct fw_sa *sa = fw_sa_by_handle(e, h);
    if (sa) {
        if (sa->state == FW_SA_ESTABLISHED) {
            uint8_t spi[16];
            memcpy(spi, sa->cky_i, 8);
            memcpy(spi + 8, sa->cky_r, 8);
            struct fw_child *ch = e->children, *nx;
            for (; ch; ch = nx) {
                nx = ch->next;
                if (ch->phase1 == sa->handle) {
                    fw_child_delete_local(e, ch);
                    fw_child_remove(e, ch, ISAKMP_END_LOCAL);
                }
            }
            fw_info_send_delete(e, sa, ISAKMP_PROTO_ISAKMP, spi, 16, 1);
        }
        fw_sa_remove(e, sa, ISAKMP_END_LOCAL);
        return true;
    }
    struct fw_child *c = fw_child_by_handle(e, h);
    if (!c)
        return false;
    fw_child_delete_local(e, c);
    fw_child_remove(e, c, ISAKMP_END_LOCAL);
    return true;
}

bool isakmp_engine_notify(struct isakmp_engine *e, uint64_t now, isakmp_handle phase1,
                          uint16_t type, const uint8_t *data, size_t len)
{
    e->now = now;
    struct fw_sa *sa = fw_sa_by_handle(e, phase1);
    if (!sa || sa->state != FW_SA_ESTABLISHED || len > 1024 || (len && !data))
        return false;
    uint8_t spi[16];
    memcpy(spi, sa->cky_i, 8);
    memcpy(spi + 8, sa->cky_r, 8);
    return fw_info_send_notify(e, sa, type, ISAKMP_PROTO_ISAKMP, spi, 16, data, len);
}

uint64_t isakmp_engine_take_cost(struct isakmp_engine *e)
{
    uint64_t c = e->cost;
    e->cost = 0;
    return c;
}

size_t isakmp_engine_memory(const struct isakmp_engine *e)
{
    return e->mem;
}

void isakmp_engine_stats(const struct isakmp_engine *e, struct isakmp_stats *out)
{
    *out = e->stats;
}

bool isakmp_engine_phase1_keys(const struct isakmp_engine *e, isakmp_handle h,
                               struct isakmp_phase1_keys *out)
{
    struct fw_sa *sa = fw_sa_by_handle((struct isakmp_engine *)e, h);
    if (!sa || sa->state != FW_SA_ESTABLISHED)
        return false;
    memset(out, 0, sizeof *out);
    memcpy(out->cky_i, sa->cky_i, 8);
    memcpy(out->cky_r, sa->cky_r, 8);
    return e->kx->phase1_keys(sa, out);
}

bool isakmp_engine_phase2_keys(const struct isakmp_engine *e, isakmp_handle h,
                               unsigned idx, struct isakmp_phase2_keys *out)
{
    struct fw_child *c = fw_child_by_handle((struct isakmp_engine *)e, h);
    if (!c || idx >= c->n)
        return false;
    memset(out, 0, sizeof *out);
    out->protocol = c->p[idx].alg.protocol;
    out->spi_in = c->p[idx].spi_in;
    out->spi_out = c->p[idx].spi_out;
    memcpy(out->keymat_in, c->p[idx].keymat_in, sizeof out->keymat_in);
    memcpy(out->keymat_out, c->p[idx].keymat_out, sizeof out->keymat_out);
    out->keymat_len = c->p[idx].keymat_len;
    return true;
}

size_t isakmp_engine_wireshark_line(const struct isakmp_engine *e, isakmp_handle h,
                                    char *buf, size_t size)
{
    struct isakmp_phase1_keys k;
    if (!isakmp_engine_phase1_keys(e, h, &k))
        return 0;
    size_t need = 16 + 1 + 2 * k.enc_key_len + 1;
    if (!buf || size < need) {
        isakmp_wipe(&k, sizeof k);
        return 0;
    }
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 8; i++) {
        buf[o++] = hex[k.cky_i[i] >> 4];
        buf[o++] = hex[k.cky_i[i] & 15];
    }
    buf[o++] = ',';
    for (size_t i = 0; i < k.enc_key_len; i++) {
        buf[o++] = hex[k.enc_key[i] >> 4];
        buf[o++] = hex[k.enc_key[i] & 15];
    }
    buf[o] = 0;
    isakmp_wipe(&k, sizeof k);
    return o;
}
