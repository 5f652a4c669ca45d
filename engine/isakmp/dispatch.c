/* One datagram's walk through the framework: header, SA by cookies,
 * defences, duplicates and replays, decryption, the payload check against
 * the exchange table, then the step function of the key-exchange layer. */
#include "isakmp/framework.h"
#include "isakmp/secmem.h"

#include <nettle/sha2.h>
#include <string.h>

static const uint8_t zero8[8];

/* What duplicate detection compares: SHA-256 of the datagram, truncated
 * to 128 bits - an attacker who crafts messages cannot make one collide
 * with the peer's last (a keyed hash would do as well, not better).
 * Computed once per datagram: the duplicate check passes its result on
 * to run_step. */
static void digest(const uint8_t *b, size_t len, uint8_t out[16])
{
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, len, b);
    sha256_digest(&h, 16, out);
}

static void message_event(struct isakmp_event *ev, enum isakmp_event_type t,
                          struct fw_xchg *x, const struct fw_msg *m, uint8_t number,
                          bool resent, const struct isakmp_addr *from)
{
    memset(ev, 0, sizeof *ev);
    ev->type = t;
    ev->handle = x ? x->handle : 0;
    ev->peer = *from;
    ev->u.message.exchange_type = m->w.hdr.exchange;
    ev->u.message.number = number;
    ev->u.message.size = m->w.raw.len;
    ev->u.message.retransmission = resent;
    ev->u.message.message_id = m->w.hdr.msgid;
}

static void emit_message(struct isakmp_engine *e, enum isakmp_event_type t,
                         struct fw_xchg *x, const struct fw_msg *m, uint8_t number,
                         bool resent, const struct isakmp_addr *from)
{
    struct isakmp_event ev;
    message_event(&ev, t, x, m, number, resent, from);
    fw_event(e, &ev);
}

/* May a duplicate of the peer's last message make us resend our cached
 * reply?  Not more than once per interval, nor more than a peer's whole
 * retransmission schedule asks: on a link that duplicates datagrams,
 * each answer is duplicated in turn, and the copies would snowball. */
static bool may_resend(const struct isakmp_engine *e, const struct fw_xchg *x)
{
    const struct isakmp_config *c = &e->cfg;
    uint64_t gap = c->duplicate_resend_interval_ns ? c->duplicate_resend_interval_ns
                                                   : c->retransmit.initial_ns / 2;
    uint32_t max = c->duplicate_resends_max ? c->duplicate_resends_max : c->retransmit.tries;
    return x->dup_resends < max && e->now - x->last_tx_at >= gap;
}

static const struct fw_step *find_step(const struct isakmp_engine *e, const struct fw_xchg *x,
                                       uint8_t no)
{
    uint16_t variant = e->kx->step_variant ? e->kx->step_variant(x->sa) : 0;
    for (size_t i = 0; i < x->def->n_steps; i++) {
        const struct fw_step *s = &x->def->steps[i];
        if (s->msg_no == no && s->by_initiator == !x->initiator &&
            (s->variant == 0 || s->variant == variant))
            return s;
    }
    return NULL;
}

/* Decrypt the body of m with iv into plain; parse the chain.  Returns
 * false (and the reject reason) on error. */
static bool open_message(struct isakmp_engine *e, struct fw_sa *sa, struct fw_msg *m,
                         const uint8_t *iv, uint8_t *plain, uint8_t *iv_next,
                         uint32_t opaque, enum isakmp_reject_reason *why)
{
    size_t blen = m->w.raw.len - ISAKMP_HDR_LEN;
    size_t bs = e->kx->block_size(sa);
    if (!e->kx->has_keys(sa) || bs == 0 || blen == 0 || blen % bs) {
        *why = ISAKMP_REJECT_DECRYPT;
        return false;
    }
    uint64_t t0 = fw_cpu_now(e);
    if (!e->kx->decrypt(e, sa, iv, m->w.raw.p + ISAKMP_HDR_LEN, blen, plain, iv_next)) {
        *why = ISAKMP_REJECT_DECRYPT;
        return false;
    }
    fw_event_crypto(e, ISAKMP_CRYPTO_CIPHER, 0, fw_cost(e, ISAKMP_COST_CIPHER), fw_cpu_now(e) - t0);
    if (fw_msg_payloads(m, plain, blen, opaque, NULL) != 0) {
        /* With the wrong key or IV the chain is garbage: this is where a
         * broken IV chain shows. */
        *why = ISAKMP_REJECT_DECRYPT;
        return false;
    }
    fw_sa_count_protected(e, sa, m->w.raw.len);
    return true;
}

/* Run the step for message m on exchange x.  `fresh`: x was created for
 * this message (destroyed again when the message is not accepted).
 * `rx_digest`: the message's digest when already computed, else NULL. */
static void run_step(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                     struct fw_xchg *x, struct fw_msg *m, bool fresh,
                     const struct isakmp_addr *from, const struct isakmp_addr *to,
                     const uint8_t *rx_digest)
{
    uint8_t plain[FW_MAX_MSG];
    uint8_t iv_next[16], iv_saved[16];
    size_t iv_saved_len = x->iv_len;
    enum isakmp_reject_reason why = ISAKMP_REJECT_UNEXPECTED;
    uint8_t no = (uint8_t)((x->last_rx_no > x->last_tx_no ? x->last_rx_no : x->last_tx_no) + 1);
    const struct fw_step *step = find_step(e, x, no);
    struct fw_ctx c = { .e = e, .now = now, .sa = sa, .x = x, .m = m, .from = from, .to = to };

    memcpy(iv_saved, x->iv, sizeof iv_saved);
    if (!step || (step->encrypted != FW_EITHER &&
                  step->encrypted != ((m->w.hdr.flags & ISAKMP_FLAG_E) ? FW_ENCRYPTED : FW_CLEAR)))
        goto reject;
    if (m->w.hdr.flags & ISAKMP_FLAG_E) {
        if (!open_message(e, sa, m, x->iv, plain, iv_next, step->opaque, &why)) {
            if (!fresh && x->def->phase == 1 && sa->state != FW_SA_ESTABLISHED) {
                /* An encrypted message of phase 1 does not decrypt to a
                 * payload chain: the keys differ (the pre-shared keys
                 * do: RFC 2409 §5.4 gives no other way to tell), or the
                 * datagram was altered on the way.  Nothing changes;
                 * the exchange fails after auth_failures_max of these. */
                fw_event_reject(e, why, m->w.hdr.exchange, m->w.raw.len, from);
                fw_auth_failure(&c, x, ISAKMP_N_AUTHENTICATION_FAILED);
                return;
            }
            goto reject;
        }
    } else if ((c.notify = fw_msg_payloads(m, NULL, 0, step->opaque, plain)) != 0) {
        why = ISAKMP_REJECT_MALFORMED;
        goto reject;
    }
    if ((m->present & step->required) != step->required ||
        (m->present & ~(step->required | step->allowed))) {
        why = ISAKMP_REJECT_UNEXPECTED;
        c.notify = (m->present & FW_PL(31)) ? ISAKMP_N_INVALID_PAYLOAD_TYPE : ISAKMP_N_PAYLOAD_MALFORMED;
        goto reject;
    }
    /* Tentatively advance; undone below if the step drops the message. */
    uint8_t old_rx = x->last_rx_no, old_digest[16];
    bool old_have = x->have_rx_digest;
    memcpy(old_digest, x->rx_digest, 16);
    if (m->w.hdr.flags & ISAKMP_FLAG_E) {
        memcpy(x->iv, iv_next, e->kx->block_size(sa));
        x->iv_len = e->kx->block_size(sa);
    }
    x->last_rx_no = no;
    if (rx_digest)
        memcpy(x->rx_digest, rx_digest, 16);
    else
        digest(m->w.raw.p, m->w.raw.len, x->rx_digest);
    x->have_rx_digest = true;
    x->awaiting = false;
    emit_message(e, ISAKMP_EV_MESSAGE_RECEIVED, x, m, no, false, from);
    if ((m->w.hdr.flags & ISAKMP_FLAG_E) && e->cfg.plaintext_events)
        fw_event_plaintext(e, sa, m->w.raw.p, fw_msg_chain(m).p, fw_msg_chain(m).len, false);

    x->step = step;
    enum fw_verdict v = step->run(&c);
    if (v != FW_FAIL)
        x->step = NULL;     /* (on FW_FAIL x may be gone) */
    if (v == FW_OK)
        return;
    if (v == FW_FAIL) {
        /* A phase-2 exchange the peer started is announced once its first
         * message is accepted (see phase2()); failing there, announce it
         * first so every FAILED has its STARTED. */
        if (fresh && x->def->phase != 1)
            fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
        fw_xchg_fail(&c, x, c.reason, c.notify, false);
        return;
    }
    /* FW_DROP: as if the message never came. */
    x->last_rx_no = old_rx;
    memcpy(x->rx_digest, old_digest, 16);
    x->have_rx_digest = old_have;
    memcpy(x->iv, iv_saved, sizeof iv_saved);
    x->iv_len = iv_saved_len;
    x->awaiting = x->tx && !x->done && x->last_tx_no > x->last_rx_no;
    why = c.reject ? c.reject : ISAKMP_REJECT_BAD_HASH;
    uint16_t said = c.notify;
    c.notify = 0;
    if (why == ISAKMP_REJECT_BAD_HASH &&
        ((m->w.hdr.flags & ISAKMP_FLAG_E) || (x->def->phase == 1 && !fresh))) {
        /* A wrong HASH/SIG in an encrypted message, or in a clear one of
         * phase 1 (Aggressive Mode HASH_R / HASH_I): counted, the
         * exchange fails at auth_failures_max (auth_failures.c). */
        bool p1 = x->def->phase == 1;
        fw_event_reject(e, why, m->w.hdr.exchange, m->w.raw.len, from);
        if (!fresh)
            fw_auth_failure(&c, x, said ? said : p1 ? ISAKMP_N_AUTHENTICATION_FAILED
                                                    : ISAKMP_N_INVALID_HASH_INFORMATION);
        else if (!p1)
            fw_auth_failure_fresh(&c, x);
        else
            fw_sa_destroy(e, sa);
        return;
    }
reject:
    fw_event_reject(e, why, m->w.hdr.exchange, m->w.raw.len, from);
    if (fresh) {
        if (x->def->phase == 1 && c.notify) {
            /* A first message we cannot take: say why, then forget it. */
            fw_xchg_fail(&c, x, ISAKMP_FAIL_MALFORMED, c.notify, false);
        } else if (x->def->phase == 1) {
            fw_sa_destroy(e, sa);
        } else {
            fw_xchg_destroy(e, x);
        }
    }
}

/* STATELESS mode, message 1: answer from the message and the secret. */
static void stateless_reply(struct isakmp_engine *e, uint64_t now, struct fw_msg *m,
                            const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct fw_sa tmp;
    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.cky_i, m->w.hdr.cky_i, 8);
    fw_cookie_make(e, from, to, m->w.hdr.cky_i, tmp.cky_r);
    tmp.local = *to;
    tmp.peer = *from;
    tmp.exchange_type = m->w.hdr.exchange;
    if (fw_msg_payloads(m, NULL, 0, 0, NULL) != 0 ||
        !(m->present & FW_PL(ISAKMP_PL_SA))) {
        fw_event_reject(e, ISAKMP_REJECT_MALFORMED, m->w.hdr.exchange, m->w.raw.len, from);
        return;
    }
    uint8_t buf[FW_MAX_MSG], blob[FW_STATELESS_BLOB];
    size_t blob_len = 0;
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    struct fw_ctx c = { .e = e, .now = now, .sa = &tmp, .m = m, .from = from, .to = to };
    if (e->kx->stateless_reply(&c, &b, blob, &blob_len) != FW_OK || !fw_build_finish(&b)) {
        fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m->w.hdr.exchange, m->w.raw.len, from);
        if (c.notify)
            fw_info_send_clear(e, tmp.cky_i, tmp.cky_r, to, from, c.notify);
        return;
    }
    fw_slot_put(e, tmp.cky_i, tmp.cky_r, from, blob, blob_len);
    e->cb.send(e->user, b.buf, b.len, to, from);
    e->stats.tx++;
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_DEFENCE;
    ev.peer = *from;
    ev.u.defence.action = ISAKMP_DEF_STATELESS_REPLY;
    ev.u.defence.half_open = e->stats.half_open;
    fw_event(e, &ev);
}

/* STATELESS mode, message 3 with a valid cookie: create the SA now. */
static bool stateless_resume(struct isakmp_engine *e, uint64_t now, struct fw_msg *m,
                             const struct fw_exchange_def *def,
                             const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct fw_slot *slot = fw_slot_find(e, m->w.hdr.cky_i, m->w.hdr.cky_r, from);
    if (!slot || m->w.hdr.msgid != 0 || (m->w.hdr.flags & ISAKMP_FLAG_E))
        return false;
    if (!fw_admit_half_open(e, from)) {
        e->stats.dropped_by_limit++;
        fw_event_reject(e, ISAKMP_REJECT_LIMIT, m->w.hdr.exchange, m->w.raw.len, from);
        return true;
    }
    struct fw_sa *sa = fw_sa_new(e, false, to, from);
    if (!sa)
        return true;
    memcpy(sa->cky_i, m->w.hdr.cky_i, 8);
    memcpy(sa->cky_r, m->w.hdr.cky_r, 8);
    sa->exchange_type = m->w.hdr.exchange;
    struct fw_xchg *x = fw_sa_insert(e, sa) ? fw_xchg_new(e, sa, def, 0, false, sa->handle) : NULL;
    struct fw_ctx c = { .e = e, .now = now, .sa = sa, .x = x, .m = m, .from = from, .to = to };
    if (!x || !e->kx->stateless_resume(&c, slot->blob, slot->len)) {
        fw_sa_destroy(e, sa);
        return true;
    }
    slot->len = 0;          /* used once */
    x->last_rx_no = 1;      /* messages 1 and 2 happened, statelessly */
    x->last_tx_no = 2;
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
    run_step(e, now, sa, x, m, true, from, to, NULL);
    return true;
}

/* Message 1 of a phase-1 exchange from a peer we have no SA with. */
static void new_responder(struct isakmp_engine *e, uint64_t now, struct fw_msg *m,
                          const struct fw_exchange_def *def,
                          const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    if (m->w.hdr.msgid != 0 || (m->w.hdr.flags & ISAKMP_FLAG_E)) {
        fw_event_reject(e, ISAKMP_REJECT_MALFORMED, m->w.hdr.exchange, m->w.raw.len, from);
        return;
    }
    uint8_t t = m->w.hdr.exchange;
    if ((t == ISAKMP_XCHG_AGGRESSIVE && !e->cfg.allow_aggressive) ||
        (t == ISAKMP_XCHG_BASE && !e->cfg.allow_base) ||
        (t == ISAKMP_XCHG_AUTH_ONLY && !e->cfg.allow_auth_only)) {
        fw_event_reject(e, ISAKMP_REJECT_UNSUPPORTED, m->w.hdr.exchange, m->w.raw.len, from);
        fw_info_send_clear(e, m->w.hdr.cky_i, zero8, to, from, ISAKMP_N_INVALID_EXCHANGE_TYPE);
        return;
    }
    if (e->cfg.defence.mode == ISAKMP_DEFENCE_STATELESS && e->kx->stateless_reply &&
        m->w.hdr.exchange == ISAKMP_XCHG_IDPROT) {
        stateless_reply(e, now, m, from, to);
        return;
    }
    if (!fw_admit_half_open(e, from)) {
        e->stats.dropped_by_limit++;
        fw_event_reject(e, ISAKMP_REJECT_LIMIT, m->w.hdr.exchange, m->w.raw.len, from);
        return;
    }
    struct fw_sa *sa = fw_sa_new(e, false, to, from);
    if (!sa)
        return;
    memcpy(sa->cky_i, m->w.hdr.cky_i, 8);
    if (e->cfg.defence.mode != ISAKMP_DEFENCE_NONE)
        fw_cookie_make(e, from, to, m->w.hdr.cky_i, sa->cky_r);
    else
        do fw_random(e, sa->cky_r, 8); while (memcmp(sa->cky_r, zero8, 8) == 0);
    sa->exchange_type = m->w.hdr.exchange;
    struct fw_xchg *x = fw_sa_insert(e, sa) ? fw_xchg_new(e, sa, def, 0, false, sa->handle) : NULL;
    if (!x) {
        fw_sa_destroy(e, sa);
        return;
    }
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
    run_step(e, now, sa, x, m, true, from, to, NULL);
}

static void phase2(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa, struct fw_msg *m,
                   const struct fw_exchange_def *def,
                   const struct isakmp_addr *from, const struct isakmp_addr *to,
                   const uint8_t *rx_digest)
{
    if (sa->state != FW_SA_ESTABLISHED || m->w.hdr.msgid == 0 || !(m->w.hdr.flags & ISAKMP_FLAG_E)) {
        fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m->w.hdr.exchange, m->w.raw.len, from);
        return;
    }
    struct fw_xchg *x = fw_xchg_find(sa, m->w.hdr.msgid);
    if (x && x->def != def) {
        fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m->w.hdr.exchange, m->w.raw.len, from);
        return;
    }
    if (!x) {
        if (fw_sa_msgid_used(sa, m->w.hdr.msgid)) {
            e->stats.replays++;
            emit_message(e, ISAKMP_EV_REPLAY_REJECTED, NULL, m, 0, false, from);
            return;
        }
        /* Even an authenticated peer gets a bounded number of phase-2
         * exchanges in progress at once. */
        unsigned open = 0;
        for (struct fw_xchg *o = sa->xchgs; o; o = o->next)
            open += !o->done;
        if (open >= FW_MAX_OPEN_PHASE2) {
            e->stats.dropped_by_limit++;
            fw_event_reject(e, ISAKMP_REJECT_LIMIT, m->w.hdr.exchange, m->w.raw.len, from);
            return;
        }
        x = fw_xchg_new(e, sa, def, m->w.hdr.msgid, false, 0);
        if (!x)
            return;
        if (!e->kx->phase2_iv(e, sa, m->w.hdr.msgid, x->iv, &x->iv_len)) {
            fw_xchg_destroy(e, x);
            return;
        }
        size_t before = e->stats.rejected;
        run_step(e, now, sa, x, m, true, from, to, NULL);
        if (e->stats.rejected == before && fw_xchg_find(sa, m->w.hdr.msgid) == x)
            fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
        return;
    }
    run_step(e, now, sa, x, m, false, from, to, rx_digest);
}

/* A message for an exchange we have: a duplicate is answered from the
 * cache, a message after completion is a replay. True when handled;
 * d gets the message's digest either way. */
static bool duplicate_or_replay(struct isakmp_engine *e, struct fw_xchg *x,
                                const struct fw_msg *m, const struct isakmp_addr *from,
                                uint8_t d[16])
{
    digest(m->w.raw.p, m->w.raw.len, d);
    /* A finished exchange whose cached reply is gone (lingering over)
     * answers nothing: its last message again is a replay. */
    if (x->have_rx_digest && isakmp_memeq_ct(d, x->rx_digest, 16) && (x->tx || !x->done)) {
        bool resend = x->tx && x->last_tx_no > x->last_rx_no;
        e->stats.duplicates++;
        if (resend && !may_resend(e, x)) {
            resend = false;
            x->dup_unanswered++;
            e->stats.duplicates_unanswered++;
        }
        struct isakmp_event ev;
        message_event(&ev, ISAKMP_EV_DUPLICATE, x, m, x->last_rx_no, resend, from);
        ev.u.message.unanswered = x->dup_unanswered;
        fw_event(e, &ev);
        if (resend) {
            x->dup_resends++;
            fw_xchg_resend(e, x);
        }
        return true;
    }
    if (x->done) {
        e->stats.replays++;
        emit_message(e, ISAKMP_EV_REPLAY_REJECTED, x, m, 0, false, from);
        return true;
    }
    return false;
}

/* The rest of fw_recv, once the SA of a message is known. */
static void fw_recv_sa(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa, struct fw_msg *m,
                       const struct fw_exchange_def *def,
                       const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    size_t len = m->w.raw.len;
    if (m->w.hdr.exchange == ISAKMP_XCHG_INFO) {
        fw_info_recv(e, now, sa, m, (m->w.hdr.flags & ISAKMP_FLAG_E) != 0, from, to);
        return;
    }
    if (def->phase == 1) {
        struct fw_xchg *x = sa->p1x;
        if (m->w.hdr.msgid != 0 || !x || m->w.hdr.exchange != sa->exchange_type) {
            fw_event_reject(e, ISAKMP_REJECT_UNEXPECTED, m->w.hdr.exchange, len, from);
            return;
        }
        uint8_t d[16];
        if (duplicate_or_replay(e, x, m, from, d))
            return;
        if (x->initiator && memcmp(sa->cky_r, zero8, 8) == 0) {
            /* Message 2 gives CKY-R; undone if the message is dropped. */
            fw_sa_set_cky_r(e, sa, m->w.hdr.cky_r);
            size_t before = e->stats.rejected;
            isakmp_handle h = sa->handle;      /* sa may be gone after the step */
            run_step(e, now, sa, x, m, false, from, to, d);
            struct fw_sa *still = fw_sa_by_handle(e, h);
            if (still && e->stats.rejected != before && still->p1x && still->p1x->last_rx_no == 0)
                memset(still->cky_r, 0, 8);
            return;
        }
        run_step(e, now, sa, x, m, false, from, to, d);
        return;
    }
    struct fw_xchg *x = fw_xchg_find(sa, m->w.hdr.msgid);
    uint8_t d[16];
    if (x && duplicate_or_replay(e, x, m, from, d))
        return;
    phase2(e, now, sa, m, def, from, to, x ? d : NULL);
}

void fw_recv(struct isakmp_engine *e, uint64_t now, const uint8_t *bytes, size_t len,
             const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    struct fw_msg m;
    e->stats.rx++;
    if (len > FW_MAX_MSG) {
        fw_event_reject(e, ISAKMP_REJECT_MALFORMED, 0, len, from);
        return;
    }
    uint16_t err = fw_msg_header(&m, bytes, len);
    if (err) {
        /* IKEv2 or an exchange type we do not know: not ours to judge. */
        bool other = (m.w.err.status == ISAKMP_WIRE_BAD_VERSION && m.w.hdr.major == 2) ||
                     m.w.err.status == ISAKMP_WIRE_BAD_EXCHANGE;
        fw_event_reject(e, other ? ISAKMP_REJECT_UNSUPPORTED : ISAKMP_REJECT_MALFORMED,
                        len >= ISAKMP_HDR_LEN ? bytes[18] : 0, len, from);
        return;
    }
    fw_cookie_rotate_if_due(e, now);
    const struct fw_exchange_def *def = fw_exchange_def(e, m.w.hdr.exchange);
    if (!def && m.w.hdr.exchange != ISAKMP_XCHG_INFO) {
        fw_event_reject(e, ISAKMP_REJECT_UNSUPPORTED, m.w.hdr.exchange, len, from);
        return;
    }
    if (memcmp(m.w.hdr.cky_i, zero8, 8) == 0) {
        fw_event_reject(e, ISAKMP_REJECT_MALFORMED, m.w.hdr.exchange, len, from);
        return;
    }
    struct fw_sa *sa = fw_sa_lookup(e, m.w.hdr.cky_i, m.w.hdr.cky_r, from);
    if (!sa) {
        if (def && def->phase == 1 && memcmp(m.w.hdr.cky_r, zero8, 8) == 0) {
            new_responder(e, now, &m, def, from, to);
            return;
        }
        if (memcmp(m.w.hdr.cky_r, zero8, 8) != 0 && e->cfg.defence.mode != ISAKMP_DEFENCE_NONE &&
            !fw_cookie_check(e, from, to, m.w.hdr.cky_i, m.w.hdr.cky_r)) {
            struct isakmp_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = ISAKMP_EV_DEFENCE;
            ev.peer = *from;
            ev.u.defence.action = ISAKMP_DEF_COOKIE_BAD;
            ev.u.defence.half_open = e->stats.half_open;
            fw_event(e, &ev);
            fw_event_reject(e, ISAKMP_REJECT_BAD_COOKIE, m.w.hdr.exchange, len, from);
            return;
        }
        if (def && def->phase == 1 && e->cfg.defence.mode == ISAKMP_DEFENCE_STATELESS &&
            memcmp(m.w.hdr.cky_r, zero8, 8) != 0 && e->kx->stateless_resume &&
            stateless_resume(e, now, &m, def, from, to))
            return;
        fw_event_reject(e, ISAKMP_REJECT_UNKNOWN_SA, m.w.hdr.exchange, len, from);
        return;
    }
    if (!isakmp_addr_equal(&sa->peer, from) || !isakmp_addr_equal(&sa->local, to)) {
        /* Cookies are bound to the peer's address, unless the SA
         * negotiated NAT-T (RFC 3947 §4: the initiator floats to 4500, a
         * NAT may change its mapping): then the SA follows a message that
         * authenticates (processed with the new addresses; undone when
         * it is rejected). */
        struct isakmp_addr saved[2];
        /* Encrypted, or Aggressive Mode message 3 (its HASH_I is checked;
         * a wrong one is rejected, and the addresses restored). */
        bool authenticated = (m.w.hdr.flags & ISAKMP_FLAG_E) ||
                             (def && def->phase == 1 && sa->state == FW_SA_HALF_OPEN &&
                              !sa->initiator && sa->exchange_type == ISAKMP_XCHG_AGGRESSIVE);
        if (!isakmp_addr_equal(&sa->peer, from) &&
            (!authenticated || !fw_natt_follow_begin(e, sa, from, to, saved))) {
            fw_event_reject(e, ISAKMP_REJECT_UNKNOWN_SA, m.w.hdr.exchange, len, from);
            return;
        }
        if (isakmp_addr_equal(&sa->peer, from) && !isakmp_addr_equal(&sa->local, to)) {
            /* Same peer, another of our ports (e.g. its float reached us
             * on 4500 before we knew): answer from where it came. */
            if (!fw_natt_follow_begin(e, sa, from, to, saved)) {
                fw_recv_sa(e, now, sa, &m, def, from, to);
                return;
            }
        }
        size_t before = e->stats.rejected + e->stats.replays + e->stats.duplicates;
        isakmp_handle h = sa->handle;
        fw_recv_sa(e, now, sa, &m, def, from, to);
        fw_natt_follow_end(e, h, e->stats.rejected + e->stats.replays + e->stats.duplicates == before,
                           saved);
        return;
    }
    fw_recv_sa(e, now, sa, &m, def, from, to);
}
