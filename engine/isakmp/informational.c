/* Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): Notify and
 * Delete, protected by HASH(1) and encrypted once the ISAKMP SA has keys,
 * in the clear before.  One message each way, no retransmission. */
#include "isakmp/framework.h"
#include "isakmp/secmem.h"

#include <string.h>

static bool rate_ok(struct isakmp_engine *e)
{
    uint32_t max = e->cfg.defence.notify_per_second;
    if (!max)
        return true;
    if (e->now - e->notify_window_start >= 1000000000ULL) {
        e->notify_window_start = e->now;
        e->notify_in_window = 0;
    }
    if (e->notify_in_window >= max) {
        e->stats.notify_rate_limited++;
        return false;
    }
    e->notify_in_window++;
    return true;
}

static void notify_event(struct isakmp_engine *e, enum isakmp_event_type t, struct fw_sa *sa,
                         const struct isakmp_addr *peer, uint16_t type, uint8_t proto,
                         const uint8_t *spi, size_t spi_len, uint16_t n_spis, bool prot)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    ev.handle = sa ? sa->handle : 0;
    ev.peer = *peer;
    ev.u.notify.type = type;
    ev.u.notify.protocol = proto;
    ev.u.notify.protected_ = prot;
    ev.u.notify.spi_len = (uint8_t)(spi_len > 16 ? 16 : spi_len);
    if (spi && spi_len)
        memcpy(ev.u.notify.spi, spi, ev.u.notify.spi_len);
    ev.u.notify.n_spis = n_spis;
    fw_event(e, &ev);
}

/* Send a built Informational message, protected or not. The HASH(1)
 * payload, when present, starts at hash_at and the payloads it covers
 * follow it to the end. */
static bool send_info(struct isakmp_engine *e, struct fw_sa *sa, struct isakmp_builder *b,
                      uint32_t msgid, size_t hash_at)
{
    if (hash_at) {
        uint8_t h[64];
        size_t hl = sizeof h;
        size_t covered = hash_at + isakmp_get16(b->buf + hash_at + 2);
        if (!e->kx->info_hash(e, sa, msgid, b->buf + covered, b->len - covered, h, &hl) ||
            hl + 4 != isakmp_get16(b->buf + hash_at + 2))
            return false;
        memcpy(b->buf + hash_at + 4, h, hl);
        uint8_t iv[16];
        size_t iv_len = sizeof iv;
        if (!e->kx->phase2_iv(e, sa, msgid, iv, &iv_len) || !fw_seal(e, sa, iv, &iv_len, b))
            return false;
    } else if (!fw_build_finish(b)) {
        return false;
    }
    e->cb.send(e->user, b->buf, b->len, &sa->local, &sa->peer);
    e->stats.tx++;
    return true;
}

static uint32_t new_msgid(struct isakmp_engine *e, struct fw_sa *sa)
{
    uint32_t id = 0;
    while (id == 0 || fw_xchg_find(sa, id) || fw_sa_msgid_used(sa, id)) {
        uint8_t r[4];
        fw_random(e, r, 4);
        id = isakmp_get32(r);
    }
    return id;
}

/* Start an Informational message: header, and HASH(1) placeholder when
 * protected.  Returns the offset of the HASH payload (0: unprotected). */
static size_t begin_info(struct isakmp_engine *e, struct fw_sa *sa, struct isakmp_builder *b,
                         bool prot, uint32_t *msgid)
{
    *msgid = prot ? new_msgid(e, sa) : 0;
    fw_build_header(b, sa->cky_i, sa->cky_r, ISAKMP_XCHG_INFO, 0, *msgid);
    if (!prot)
        return 0;
    uint8_t h[64];
    size_t hl = sizeof h;
    /* Ask for the length: hash of nothing, overwritten in send_info. */
    if (!e->kx->info_hash(e, sa, *msgid, NULL, 0, h, &hl))
        return 0;
    size_t at = b->len;
    isakmp_build_data(b, ISAKMP_PL_HASH, h, hl);
    return at;
}

static bool protectable(const struct isakmp_engine *e, const struct fw_sa *sa)
{
    return e->kx->has_keys(sa);
}

bool fw_info_send_notify(struct isakmp_engine *e, struct fw_sa *sa, uint16_t type,
                         uint8_t protocol, const uint8_t *spi, size_t spi_len,
                         const uint8_t *data, size_t len)
{
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    uint32_t msgid;
    bool prot = protectable(e, sa);
    if (!prot && !rate_ok(e))
        return false;
    isakmp_build_init(&b, buf, sizeof buf);
    size_t hash_at = begin_info(e, sa, &b, prot, &msgid);
    if (prot && !hash_at)
        return false;
    isakmp_build_notify(&b, e->doi->doi, protocol, spi, (uint8_t)spi_len, type, data, len);
    if (!send_info(e, sa, &b, msgid, hash_at))
        return false;
    if (msgid)
        fw_sa_msgid_remember(sa, msgid);
    notify_event(e, ISAKMP_EV_NOTIFY_SENT, sa, &sa->peer, type, protocol, spi, spi_len, 0, prot);
    return true;
}

void fw_info_send_clear(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                        const struct isakmp_addr *local, const struct isakmp_addr *peer,
                        uint16_t type)
{
    if (!rate_ok(e))
        return;
    uint8_t buf[256];
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    fw_build_header(&b, cky_i, cky_r, ISAKMP_XCHG_INFO, 0, 0);
    isakmp_build_notify(&b, e->doi->doi, ISAKMP_PROTO_ISAKMP, NULL, 0, type, NULL, 0);
    if (!fw_build_finish(&b))
        return;
    e->cb.send(e->user, b.buf, b.len, local, peer);
    e->stats.tx++;
    notify_event(e, ISAKMP_EV_NOTIFY_SENT, NULL, peer, type, ISAKMP_PROTO_ISAKMP, NULL, 0, 0, false);
}

bool fw_info_send_delete(struct isakmp_engine *e, struct fw_sa *sa, uint8_t protocol,
                         const uint8_t *spis, size_t spi_len, uint16_t n_spis)
{
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    uint32_t msgid;
    if (!protectable(e, sa))
        return false;       /* an unprotected Delete would let anyone kill SAs */
    isakmp_build_init(&b, buf, sizeof buf);
    size_t hash_at = begin_info(e, sa, &b, true, &msgid);
    if (!hash_at)
        return false;
    isakmp_build_delete(&b, e->doi->doi, protocol, (uint8_t)spi_len, n_spis, spis);
    if (!send_info(e, sa, &b, msgid, hash_at))
        return false;
    fw_sa_msgid_remember(sa, msgid);
    notify_event(e, ISAKMP_EV_DELETE_SENT, sa, &sa->peer, 0, protocol, spis, spi_len, n_spis, true);
    return true;
}

/* ---- receiving ---------------------------------------------------------------- */

static void on_notify(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                      const struct isakmp_payload *p, bool prot, bool *sa_gone)
{
    /* Fields as the wire codec decoded and bounded them. */
    const struct isakmp_notify *nt = &p->u.notify;
    uint8_t proto = nt->protocol, spi_len = nt->spi_size;
    uint16_t type = nt->type;
    const uint8_t *spi = nt->spi.p, *data = nt->data.p;
    size_t data_len = nt->data.len;
    notify_event(e, ISAKMP_EV_NOTIFY_RECEIVED, sa, &sa->peer, type, proto, spi, spi_len, 0, prot);

    struct fw_ctx c = { .e = e, .now = now, .sa = sa };
    if (type < 16384) {
        /* An error.  Before keys it ends the phase-1 exchange; after, it
         * ends the phase-2 exchanges we are waiting on under this SA. */
        if (!prot && sa->p1x && sa->state == FW_SA_HALF_OPEN) {
            c.x = sa->p1x;
            const struct fw_xchg *x = sa->p1x;
            if (e->kx->has_keys(sa) && x->tx && x->tx_len > 19 && (x->tx[19] & ISAKMP_FLAG_E)) {
                /* We sent an encrypted message and the peer says it
                 * could not read (or authenticate) it - or someone says
                 * so for it, unauthenticated: counted like a message of
                 * ours that failed (auth_failures.c). */
                *sa_gone = fw_auth_failure_notify(&c, sa->p1x, type);
                return;
            }
            fw_xchg_fail(&c, sa->p1x, ISAKMP_FAIL_PEER_NOTIFY, type, true);
            *sa_gone = true;
            return;
        }
        if (prot) {
            struct fw_xchg *x = sa->xchgs, *nx;
            for (; x; x = nx) {
                nx = x->next;
                if (x->initiator && x->awaiting && !x->done) {
                    c.x = x;
                    fw_xchg_fail(&c, x, ISAKMP_FAIL_PEER_NOTIFY, type, true);
                }
            }
        }
        return;
    }
    if (!prot)
        return;     /* status notifies are only believed when authenticated */
    if (type == ISAKMP_N_INITIAL_CONTACT) {
        fw_initial_contact(e, sa);
    } else if (type == ISAKMP_N_DPD_R_U_THERE && data_len == 4) {
        fw_info_send_notify(e, sa, ISAKMP_N_DPD_R_U_THERE_ACK, proto, spi, spi_len, data, 4);
    } else if (type == ISAKMP_N_DPD_R_U_THERE_ACK) {
        fw_dpd_ack(e, sa, data, data_len);
    } else if (e->kx->status_notify) {
        e->kx->status_notify(e, sa, type, proto, spi, spi_len, data, data_len);
    }
}

static void on_delete(struct isakmp_engine *e, struct fw_sa *sa, const struct isakmp_payload *p,
                      bool *delete_self)
{
    /* The codec checked spi_size x n_spis against the payload length. */
    const struct isakmp_delete *d = &p->u.del;
    uint8_t proto = d->protocol, spi_len = d->spi_size;
    uint16_t n = d->n_spis;
    const uint8_t *spis = d->spis.p;
    notify_event(e, ISAKMP_EV_DELETE_RECEIVED, sa, &sa->peer, 0, proto, spis, spi_len, n, true);
    for (uint16_t i = 0; i < n; i++) {
        const uint8_t *spi = spis + (size_t)i * spi_len;
        if (proto == ISAKMP_PROTO_ISAKMP && spi_len == 16) {
            if (memcmp(spi, sa->cky_i, 8) == 0 && memcmp(spi + 8, sa->cky_r, 8) == 0) {
                *delete_self = true;
                continue;
            }
            struct fw_sa *o = fw_sa_lookup(e, spi, spi + 8, &sa->peer);
            if (o && o != sa && o->state == FW_SA_ESTABLISHED)
                fw_sa_remove(e, o, ISAKMP_END_PEER);
        } else if (spi_len == 4 || (proto == ISAKMP_PROTO_IPCOMP && spi_len == 2)) {
            uint32_t v = spi_len == 4 ? isakmp_get32(spi) : isakmp_get16(spi);
            struct fw_child *ch = fw_child_by_spi(e, proto, v, false);
            if (!ch)
                ch = fw_child_by_spi(e, proto, v, true);
            if (ch && isakmp_addr_equal(&ch->peer, &sa->peer))
                fw_child_remove(e, ch, ISAKMP_END_PEER);
        }
    }
}

void fw_info_recv(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                  const struct fw_msg *cm, bool prot,
                  const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    (void)to;
    struct fw_msg m = *cm;
    uint8_t plain[FW_MAX_MSG];
    if (prot) {
        size_t blen = m.w.raw.len - ISAKMP_HDR_LEN, bs = e->kx->block_size(sa);
        uint8_t iv[16], next[16];
        size_t iv_len = sizeof iv;
        if (m.w.hdr.msgid == 0 || !e->kx->has_keys(sa) || !bs || !blen || blen % bs ||
            !e->kx->phase2_iv(e, sa, m.w.hdr.msgid, iv, &iv_len)) {
            fw_event_reject(e, ISAKMP_REJECT_DECRYPT, m.w.hdr.exchange, m.w.raw.len, from);
            return;
        }
        if (fw_sa_msgid_used(sa, m.w.hdr.msgid) || fw_xchg_find(sa, m.w.hdr.msgid)) {
            e->stats.replays++;
            struct isakmp_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = ISAKMP_EV_REPLAY_REJECTED;
            ev.handle = sa->handle;
            ev.peer = *from;
            ev.u.message.exchange_type = m.w.hdr.exchange;
            ev.u.message.size = m.w.raw.len;
            ev.u.message.message_id = m.w.hdr.msgid;
            fw_event(e, &ev);
            return;
        }
        uint64_t t0 = fw_cpu_now(e);
        bool ok = e->kx->decrypt(e, sa, iv, m.w.raw.p + ISAKMP_HDR_LEN, blen, plain, next);
        fw_event_crypto(e, ISAKMP_CRYPTO_CIPHER, 0, fw_cost(e, ISAKMP_COST_CIPHER), fw_cpu_now(e) - t0);
        if (!ok || fw_msg_payloads(&m, plain, blen, 0, NULL) != 0) {
            fw_event_reject(e, ISAKMP_REJECT_DECRYPT, m.w.hdr.exchange, m.w.raw.len, from);
            return;
        }
        fw_sa_count_protected(e, sa, m.w.raw.len);
        /* HASH(1) first, over everything after it (RFC 2409 §5.7). */
        uint8_t h[64];
        size_t hl = sizeof h;
        const struct isakmp_payload *hp = m.w.n_payloads ? &m.w.payloads[0] : NULL;
        if (!hp || hp->type != ISAKMP_PL_HASH) {
            fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m.w.hdr.exchange, m.w.raw.len, from);
            return;
        }
        size_t after = hp->raw.len;
        if (!e->kx->info_hash(e, sa, m.w.hdr.msgid, plain + after, fw_msg_chain(&m).len - after, h, &hl) ||
            hl != hp->body.len || !isakmp_memeq_ct(h, hp->body.p, hl)) {
            fw_event_reject(e, ISAKMP_REJECT_BAD_HASH, m.w.hdr.exchange, m.w.raw.len, from);
            return;
        }
        fw_sa_msgid_remember(sa, m.w.hdr.msgid);
        if (e->cfg.plaintext_events)
            fw_event_plaintext(e, sa, m.w.raw.p, fw_msg_chain(&m).p, fw_msg_chain(&m).len, false);
    } else {
        /* Unprotected: only believed while phase 1 is not done. */
        if (sa->state != FW_SA_HALF_OPEN ||
            fw_msg_payloads(&m, NULL, 0, 0, NULL) != 0) {
            fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m.w.hdr.exchange, m.w.raw.len, from);
            return;
        }
    }
    if (m.present & ~(FW_PL(ISAKMP_PL_HASH) | FW_PL(ISAKMP_PL_N) | FW_PL(ISAKMP_PL_D) | FW_PL(ISAKMP_PL_VID))) {
        fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m.w.hdr.exchange, m.w.raw.len, from);
        return;
    }
    {
        struct isakmp_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = ISAKMP_EV_MESSAGE_RECEIVED;
        ev.handle = sa->handle;
        ev.peer = *from;
        ev.u.message.exchange_type = m.w.hdr.exchange;
        ev.u.message.number = 1;
        ev.u.message.size = m.w.raw.len;
        ev.u.message.message_id = m.w.hdr.msgid;
        fw_event(e, &ev);
    }
    bool gone = false, delete_self = false;
    for (size_t i = 0; i < m.w.n_payloads && !gone; i++) {
        if (m.w.payloads[i].type == ISAKMP_PL_N)
            on_notify(e, now, sa, &m.w.payloads[i], prot, &gone);
        else if (m.w.payloads[i].type == ISAKMP_PL_D && prot)
            on_delete(e, sa, &m.w.payloads[i], &delete_self);
    }
    if (!gone && delete_self)
        fw_sa_remove(e, sa, ISAKMP_END_PEER);
}
