/* SAs coming up and going away: establishment, soft and hard lifetimes,
 * deletion (with its events), and phase-2 SAs (IPsec SA bundles). */
#include "isakmp/framework.h"

#include <string.h>

#define NS 1000000000ULL

static uint64_t soft_ns(const struct isakmp_engine *e, uint32_t seconds)
{
    uint32_t pct = e->cfg.rekey_percent ? e->cfg.rekey_percent : 90;
    return (uint64_t)seconds * NS / 100 * pct;
}

static void p1_event(struct isakmp_engine *e, struct fw_sa *sa, enum isakmp_event_type t,
                     enum isakmp_sa_end why)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    ev.handle = sa->handle;
    ev.peer = sa->peer;
    ev.u.sa.phase = 1;
    ev.u.sa.initiator = sa->initiator;
    ev.u.sa.end = why;
    memcpy(ev.u.sa.cky_i, sa->cky_i, 8);
    memcpy(ev.u.sa.cky_r, sa->cky_r, 8);
    ev.u.sa.p1 = sa->chosen;
    ev.u.sa.exchange_type = sa->exchange_type;
    ev.u.sa.life_seconds = sa->life_seconds;
    ev.u.sa.natt = sa->natt.variant;
    ev.u.sa.nat_local = sa->natt.local_nat;
    ev.u.sa.nat_peer = sa->natt.peer_nat;
    ev.u.sa.nat_forced = sa->natt.forced;
    ev.u.sa.local = sa->local;
    fw_event(e, &ev);
}

void fw_sa_established(struct fw_ctx *c, const struct isakmp_p1_transform *chosen)
{
    struct isakmp_engine *e = c->e;
    struct fw_sa *sa = c->sa;
    if (sa->state == FW_SA_ESTABLISHED)
        return;
    if (!sa->initiator) {
        e->stats.half_open--;
        fw_src_add(e, &sa->peer, -1);
    }
    sa->state = FW_SA_ESTABLISHED;
    sa->chosen = *chosen;
    sa->life_seconds = chosen->life_seconds ? chosen->life_seconds : 28800;
    sa->established_at = c->now;
    e->stats.phase1_sas++;
    fw_timer_set(e, &sa->life, c->now + soft_ns(e, sa->life_seconds));
    fw_sa_count_protected(e, sa, 0);    /* phase-1 messages may have used the kilobytes */
    p1_event(e, sa, ISAKMP_EV_SA_ESTABLISHED, 0);
    fw_dpd_start(e, sa, c->now);
    fw_natt_keepalive_start(e, sa, c->now);
    if (sa->ini && sa->ini->p2req.n_p2) {
        struct fw_p2_request req = sa->ini->p2req;
        memset(&sa->ini->p2req, 0, sizeof sa->ini->p2req);
        fw_start_phase2(e, c->now, sa, &req);
        fw_free(e, req.p2);
    }
}

isakmp_handle fw_start_phase2(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                              const struct fw_p2_request *req)
{
    return fw_start_exchange(e, now, sa, e->kx->phase2_type, req, NULL);
}

isakmp_handle fw_start_exchange(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                                uint8_t type, const struct fw_p2_request *req, const void *arg)
{
    const struct fw_exchange_def *def = fw_exchange_def(e, type);
    bool phase2 = type == e->kx->phase2_type;
    if (!def || def->phase == 1 || sa->state != FW_SA_ESTABLISHED ||
        (phase2 ? !req : !e->kx->start_exchange))
        return 0;
    uint32_t id = 0;
    while (id == 0 || fw_xchg_find(sa, id) || fw_sa_msgid_used(sa, id)) {
        uint8_t r[4];
        fw_random(e, r, 4);
        id = isakmp_get32(r);
    }
    struct fw_xchg *x = fw_xchg_new(e, sa, def, id, true, req ? req->handle : 0);
    if (!x)
        return 0;
    if (!e->kx->phase2_iv(e, sa, id, x->iv, &x->iv_len)) {
        fw_xchg_destroy(e, x);
        return 0;
    }
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
    struct fw_ctx c = { .e = e, .now = now, .sa = sa, .x = x, .p2req = req, .arg = arg,
                        .from = &sa->peer, .to = &sa->local };
    isakmp_handle h = x->handle;
    enum fw_verdict v = phase2 ? e->kx->start_phase2(&c) : e->kx->start_exchange(&c, type);
    if (v != FW_OK) {
        fw_xchg_fail(&c, x, c.reason ? c.reason : ISAKMP_FAIL_LOCAL, 0, false);
        return 0;
    }
    return h;
}

void fw_sa_remove(struct isakmp_engine *e, struct fw_sa *sa, enum isakmp_sa_end why)
{
    /* IPsec SAs outlive the ISAKMP SA that made them (RFC 2408 §4.8
     * deletes one SA per Delete); isakmp_engine_delete and
     * INITIAL-CONTACT remove them explicitly. */
    if (sa->state == FW_SA_ESTABLISHED) {
        bool expired = why == ISAKMP_END_LIFETIME || why == ISAKMP_END_KILOBYTES;
        p1_event(e, sa, expired ? ISAKMP_EV_SA_EXPIRED : ISAKMP_EV_SA_DELETED, why);
    }
    fw_sa_destroy(e, sa);
}

void fw_sa_shorten_life(struct isakmp_engine *e, struct fw_sa *sa, uint32_t seconds)
{
    if (sa->state != FW_SA_ESTABLISHED || !seconds || seconds >= sa->life_seconds)
        return;
    sa->life_seconds = seconds;
    sa->chosen.life_seconds = seconds;
    uint64_t at = sa->established_at + (sa->soft_done ? (uint64_t)seconds * NS : soft_ns(e, seconds));
    fw_timer_set(e, &sa->life, at > e->now ? at : e->now);
}

void fw_sa_life_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now)
{
    /* Soft then hard, by time or by kilobytes (sa_traffic.c arms this
     * timer for `now` when the bytes pass a limit). */
    uint64_t soft_at = sa->established_at + soft_ns(e, sa->life_seconds);
    uint64_t hard_at = sa->established_at + (uint64_t)sa->life_seconds * NS;
    uint32_t kb = sa->chosen.life_kbytes;
    bool kb_hard = kb && sa->protected_bytes >= fw_kbytes_hard(kb);
    bool hard = now >= hard_at || kb_hard;
    if (!sa->soft_done &&
        (hard || now >= soft_at || (kb && sa->protected_bytes >= fw_kbytes_soft(e, kb)))) {
        sa->soft_done = true;
        p1_event(e, sa, ISAKMP_EV_SA_REKEY_DUE, 0);
        if (e->cfg.auto_rekey && sa->initiator && sa->ini) {
            /* A new phase 1 like this one; this one ends at its hard
             * lifetime. */
            struct isakmp_policy pol;
            memset(&pol, 0, sizeof pol);
            pol.local = sa->local;
            pol.peer = sa->peer;
            pol.exchange_type = sa->exchange_type;
            pol.p1 = sa->ini->offer;
            pol.n_p1 = sa->ini->n_offer;
            pol.peer_id = sa->ini->peer_id_expected;
            isakmp_engine_initiate(e, now, &pol);
        }
    }
    if (!hard) {
        fw_timer_set(e, &sa->life, sa->soft_done ? hard_at : soft_at);
        return;
    }
    uint8_t spi[16];
    memcpy(spi, sa->cky_i, 8);
    memcpy(spi + 8, sa->cky_r, 8);
    fw_info_send_delete(e, sa, ISAKMP_PROTO_ISAKMP, spi, 16, 1);
    fw_sa_remove(e, sa, now >= hard_at ? ISAKMP_END_LIFETIME : ISAKMP_END_KILOBYTES);
}

/* ---- phase-2 SAs ------------------------------------------------------------- */

void fw_child_event(struct isakmp_engine *e, const struct fw_child *c, enum isakmp_event_type t,
                    enum isakmp_sa_end why)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    ev.handle = c->handle;
    ev.peer = c->peer;
    ev.u.sa.phase = 2;
    ev.u.sa.initiator = c->initiator;
    ev.u.sa.end = why;
    ev.u.sa.phase1 = c->phase1;
    struct fw_sa *p1 = fw_sa_by_handle(e, c->phase1);
    if (p1) {
        memcpy(ev.u.sa.cky_i, p1->cky_i, 8);
        memcpy(ev.u.sa.cky_r, p1->cky_r, 8);
    }
    ev.u.sa.n_protocols = c->n;
    for (unsigned i = 0; i < c->n; i++) {
        ev.u.sa.protocols[i].alg = c->p[i].alg;
        ev.u.sa.protocols[i].spi_in = c->p[i].spi_in;
        ev.u.sa.protocols[i].spi_out = c->p[i].spi_out;
    }
    ev.u.sa.pfs_group = c->pfs_group;
    ev.u.sa.life_seconds = c->life_seconds;
    ev.u.sa.life_kbytes = c->life_kbytes;
    ev.u.sa.natt = c->natt;
    ev.u.sa.udp_encap = c->udp_encap;
    ev.u.sa.local = c->local;
    if (p1) {
        ev.u.sa.nat_local = p1->natt.local_nat;
        ev.u.sa.nat_peer = p1->natt.peer_nat;
        ev.u.sa.nat_forced = p1->natt.forced;
    }
    fw_event(e, &ev);
}

struct fw_child *fw_child_add(struct isakmp_engine *e, const struct fw_child *tmpl)
{
    struct fw_child *c = fw_alloc(e, sizeof *c);
    if (!c)
        return NULL;
    *c = *tmpl;
    c->life.idx = 0;
    c->life.kind = FW_T_CHILD;
    c->prev = NULL;
    c->next = e->children;
    if (e->children)
        e->children->prev = c;
    e->children = c;
    e->stats.phase2_sas++;
    c->established_at = e->now;
    c->bytes_in = c->bytes_out = 0;
    uint32_t life = c->life_seconds ? c->life_seconds : 28800;
    fw_timer_set(e, &c->life, e->now + soft_ns(e, life));
    fw_child_event(e, c, ISAKMP_EV_SA_ESTABLISHED, 0);
    return c;
}

struct fw_child *fw_child_by_handle(struct isakmp_engine *e, isakmp_handle h)
{
    for (struct fw_child *c = e->children; c; c = c->next)
        if (c->handle == h)
            return c;
    return NULL;
}

struct fw_child *fw_child_by_spi(struct isakmp_engine *e, uint8_t proto, uint32_t spi, bool inbound)
{
    for (struct fw_child *c = e->children; c; c = c->next)
        for (unsigned i = 0; i < c->n; i++)
            if (c->p[i].alg.protocol == proto &&
                (inbound ? c->p[i].spi_in : c->p[i].spi_out) == spi)
                return c;
    return NULL;
}

static void child_unlink(struct isakmp_engine *e, struct fw_child *c)
{
    fw_timer_cancel(e, &c->life);
    if (c->prev) c->prev->next = c->next;
    else e->children = c->next;
    if (c->next) c->next->prev = c->prev;
    e->stats.phase2_sas--;
    fw_free(e, c);
}

void fw_child_remove(struct isakmp_engine *e, struct fw_child *c, enum isakmp_sa_end why)
{
    bool expired = why == ISAKMP_END_LIFETIME || why == ISAKMP_END_KILOBYTES;
    fw_child_event(e, c, expired ? ISAKMP_EV_SA_EXPIRED : ISAKMP_EV_SA_DELETED, why);
    child_unlink(e, c);
}

void fw_child_delete_local(struct isakmp_engine *e, struct fw_child *c)
{
    /* Under its own ISAKMP SA, or (that one gone) the newest with the peer. */
    struct fw_sa *p1 = fw_sa_for_peer(e, c->phase1, &c->peer);
    if (p1) {
        for (unsigned i = 0; i < c->n; i++) {
            uint8_t spi[4];
            size_t len = c->p[i].alg.protocol == ISAKMP_PROTO_IPCOMP ? 2 : 4;
            if (len == 2) isakmp_put16(spi, (uint16_t)c->p[i].spi_in);
            else isakmp_put32(spi, c->p[i].spi_in);
            fw_info_send_delete(e, p1, c->p[i].alg.protocol, spi, len, 1);
        }
    }
}

/* The ISAKMP SA to protect a new Quick Mode with `peer`: the newest
 * established one. */
struct fw_sa *fw_sa_for_peer(struct isakmp_engine *e, isakmp_handle prefer,
                             const struct isakmp_addr *peer)
{
    struct fw_sa *best = NULL;
    for (struct fw_sa *s = e->sas; s; s = s->next) {
        if (s->state != FW_SA_ESTABLISHED || !isakmp_addr_equal(&s->peer, peer))
            continue;
        if (s->handle == prefer && !s->soft_done)
            return s;
        if (!best || s->established_at > best->established_at)
            best = s;
    }
    return best;
}

/* A new Quick Mode asking again for what `c` got. */
static void child_rekey(struct isakmp_engine *e, struct fw_child *c, uint64_t now)
{
    struct fw_sa *sa = fw_sa_for_peer(e, c->phase1, &c->peer);
    if (!sa)
        return;     /* no ISAKMP SA: the REKEY_DUE event tells the driver */
    struct isakmp_p2_proposal p;
    memset(&p, 0, sizeof p);
    p.n_protocols = c->n;
    for (unsigned i = 0; i < c->n; i++)
        p.protocols[i] = c->p[i].alg;
    p.pfs_group = c->pfs_group;
    p.life_seconds = c->life_seconds;
    p.life_kbytes = c->life_kbytes;
    struct fw_p2_request req;
    memset(&req, 0, sizeof req);
    req.p2 = &p;
    req.n_p2 = 1;
    req.client_local = c->client_local;
    req.client_peer = c->client_peer;
    req.commit = c->commit;
    fw_start_phase2(e, now, sa, &req);
}

void fw_child_soft_expire(struct isakmp_engine *e, struct fw_child *c, uint64_t now)
{
    c->soft_done = true;
    fw_child_event(e, c, ISAKMP_EV_SA_REKEY_DUE, 0);
    if (e->cfg.auto_rekey && c->initiator)
        child_rekey(e, c, now);
}

void fw_child_life_timer(struct isakmp_engine *e, struct fw_child *c, uint64_t now)
{
    uint32_t life = c->life_seconds ? c->life_seconds : 28800;
    uint64_t hard_at = c->established_at + (uint64_t)life * NS;
    if (now < hard_at) {
        /* The soft lifetime (unless the kilobytes got there first). */
        if (!c->soft_done)
            fw_child_soft_expire(e, c, now);
        fw_timer_set(e, &c->life, hard_at);
        return;
    }
    fw_child_delete_local(e, c);
    fw_child_remove(e, c, ISAKMP_END_LIFETIME);
}

void fw_initial_contact(struct isakmp_engine *e, struct fw_sa *sa)
{
    /* The peer rebooted: every other SA with it is stale. */
    struct fw_sa *s = e->sas, *ns;
    for (; s; s = ns) {
        ns = s->next;
        if (s != sa && isakmp_addr_equal(&s->peer, &sa->peer) && s->state == FW_SA_ESTABLISHED)
            fw_sa_remove(e, s, ISAKMP_END_PEER);
    }
    struct fw_child *c = e->children, *nc;
    for (; c; c = nc) {
        nc = c->next;
        if (c->phase1 != sa->handle && isakmp_addr_equal(&c->peer, &sa->peer))
            fw_child_remove(e, c, ISAKMP_END_PEER);
    }
}
