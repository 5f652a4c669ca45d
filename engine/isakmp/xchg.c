/* Exchanges: creation, sending with retransmission and back-off, the
 * cached last message (answer to a peer's duplicate), completion,
 * failure.  Nothing here knows which exchange type it is running. */
#include "isakmp/framework.h"

#include <string.h>

const struct fw_exchange_def *fw_exchange_def(const struct isakmp_engine *e, uint8_t type)
{
    for (size_t i = 0; e->kx && i < e->kx->n_exchanges; i++)
        if (e->kx->exchanges[i]->type == type)
            return e->kx->exchanges[i];
    return NULL;
}

void fw_emit_exchange(struct isakmp_engine *e, struct fw_xchg *x, enum isakmp_event_type t,
                      enum isakmp_fail_reason why, uint16_t notify)
{
    /* Every COMPLETED / FAILED follows one STARTED: an exchange the peer
     * began is announced once a message of it is accepted, which for a
     * two-message exchange is when it completes. */
    if (t == ISAKMP_EV_EXCHANGE_STARTED) {
        if (x->announced)
            return;
        x->announced = true;
    } else if (!x->announced) {
        fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_STARTED, ISAKMP_FAIL_NONE, 0);
    }
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = t;
    ev.handle = x->handle;
    ev.peer = x->sa->peer;
    ev.u.exchange.exchange_type = x->def ? x->def->type : ISAKMP_XCHG_INFO;
    ev.u.exchange.initiator = x->initiator;
    ev.u.exchange.reason = why;
    ev.u.exchange.notify = notify;
    ev.u.exchange.phase1 = x->sa->handle;
    fw_event(e, &ev);
}

struct fw_xchg *fw_xchg_new(struct isakmp_engine *e, struct fw_sa *sa,
                            const struct fw_exchange_def *def, uint32_t msgid,
                            bool initiator, isakmp_handle handle)
{
    struct fw_xchg *x = fw_alloc(e, sizeof *x);
    if (!x)
        return NULL;
    x->handle = handle ? handle : fw_new_handle(e);
    x->sa = sa;
    x->def = def;
    x->msgid = msgid;
    x->initiator = initiator;
    x->timer.kind = FW_T_XCHG;
    if (msgid == 0 && def && def->phase == 1) {
        sa->p1x = x;
    } else {
        x->next = sa->xchgs;
        sa->xchgs = x;
    }
    return x;
}

void fw_xchg_destroy(struct isakmp_engine *e, struct fw_xchg *x)
{
    struct fw_sa *sa = x->sa;
    if (sa->p1x == x) {
        sa->p1x = NULL;
    } else {
        for (struct fw_xchg **pp = &sa->xchgs; *pp; pp = &(*pp)->next)
            if (*pp == x) {
                *pp = x->next;
                break;
            }
    }
    fw_timer_cancel(e, &x->timer);
    if (e->kx && e->kx->xchg_free)
        e->kx->xchg_free(e, x);
    fw_free(e, x->tx);
    fw_free(e, x);
}

struct fw_xchg *fw_xchg_find(struct fw_sa *sa, uint32_t msgid)
{
    if (msgid == 0)
        return sa->p1x;
    for (struct fw_xchg *x = sa->xchgs; x; x = x->next)
        if (x->msgid == msgid)
            return x;
    return NULL;
}

static uint64_t rt_initial(const struct isakmp_engine *e) { return e->cfg.retransmit.initial_ns; }

/* How long a finished exchange stays to answer the peer's retransmissions:
 * the peer's whole retransmission schedule (we assume it is like ours). */
static uint64_t linger_ns(const struct isakmp_engine *e)
{
    const struct isakmp_retransmit *r = &e->cfg.retransmit;
    uint64_t w = r->initial_ns, sum = 0;
    for (uint32_t i = 0; i < r->tries; i++) {
        sum += w;
        w = w * r->factor > r->cap_ns ? r->cap_ns : w * r->factor;
    }
    return sum;
}

static void transmit(struct isakmp_engine *e, struct fw_xchg *x, bool again)
{
    struct fw_sa *sa = x->sa;
    e->cb.send(e->user, x->tx, x->tx_len, &sa->local, &sa->peer);
    e->stats.tx++;
    x->last_tx_at = e->now;
    if (again)
        e->stats.retransmits++;
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_MESSAGE_SENT;
    ev.handle = x->handle;
    ev.peer = sa->peer;
    ev.u.message.exchange_type = x->def ? x->def->type : ISAKMP_XCHG_INFO;
    ev.u.message.number = x->last_tx_no;
    ev.u.message.size = x->tx_len;
    ev.u.message.retransmission = again;
    ev.u.message.message_id = x->msgid;
    fw_event(e, &ev);
}

/* Pad the payload chain to the cipher block (RFC 2409 §5.3 style: zeros,
 * the last byte says how many padding bytes precede it), set the E flag
 * and encrypt with *iv, which becomes the IV after this message. */
bool fw_seal(struct isakmp_engine *e, struct fw_sa *sa, uint8_t *iv, size_t *iv_len,
             struct isakmp_builder *b)
{
    size_t bs = e->kx->block_size(sa);
    if (bs == 0 || bs > 16 || !fw_build_finish(b))
        return false;
    size_t body = b->len - ISAKMP_HDR_LEN;
    if (e->cfg.plaintext_events)
        fw_event_plaintext(e, sa, b->buf, b->buf + ISAKMP_HDR_LEN, body, true);
    size_t pad = (bs - body % bs) % bs;
    for (size_t i = 0; i < pad; i++)
        isakmp_build_u8(b, i + 1 == pad ? (uint8_t)(pad - 1) : 0);
    if (b->err)
        return false;
    b->buf[19] |= ISAKMP_FLAG_E;
    isakmp_put32(b->buf + 24, (uint32_t)b->len);
    uint8_t next[16];
    uint64_t t0 = fw_cpu_now(e);
    if (!e->kx->encrypt(e, sa, iv, b->buf + ISAKMP_HDR_LEN, b->len - ISAKMP_HDR_LEN, next))
        return false;
    fw_event_crypto(e, ISAKMP_CRYPTO_CIPHER, 0, fw_cost(e, ISAKMP_COST_CIPHER), fw_cpu_now(e) - t0);
    memcpy(iv, next, bs);
    *iv_len = bs;
    fw_sa_count_protected(e, sa, b->len);
    return true;
}

bool fw_xchg_send(struct fw_ctx *c, struct fw_xchg *x, struct isakmp_builder *b,
                  bool encrypt, bool expect_reply)
{
    struct isakmp_engine *e = c->e;
    if (!fw_build_finish(b))
        return false;
    if (x->step) {
        /* The reply must match what the exchange table says this step
         * sends: a mode cannot drift from its declared shape. */
        struct fw_msg m;
        uint8_t scratch[FW_MAX_MSG];
        /* (Our own ID bodies may be ciphertext: RFC 2409 §5.2.) */
        if (fw_msg_header(&m, b->buf, b->len) != 0 ||
            fw_msg_payloads(&m, NULL, 0, FW_PL(ISAKMP_PL_ID), scratch) != 0 ||
            (m.present & ~x->step->sends))
            return false;
    }
    if (encrypt && !fw_seal(e, x->sa, x->iv, &x->iv_len, b))
        return false;
    uint8_t *copy = fw_memdup(e, b->buf, b->len);
    if (!copy)
        return false;
    fw_free(e, x->tx);
    x->tx = copy;
    x->tx_len = b->len;
    x->dup_resends = 0;
    x->last_tx_no = (uint8_t)((x->last_rx_no > x->last_tx_no ? x->last_rx_no : x->last_tx_no) + 1);
    transmit(e, x, false);
    x->awaiting = expect_reply;
    x->rt_sent = 1;
    x->rt_wait = rt_initial(e);
    if (expect_reply)
        fw_timer_set(e, &x->timer, c->now + x->rt_wait);
    else if (!x->done)
        fw_timer_cancel(e, &x->timer);
    return true;
}

void fw_xchg_resend(struct isakmp_engine *e, struct fw_xchg *x)
{
    if (x->tx)
        transmit(e, x, true);
}

void fw_xchg_complete(struct fw_ctx *c, struct fw_xchg *x)
{
    struct isakmp_engine *e = c->e;
    x->done = true;
    x->awaiting = false;
    e->stats.exchanges_ok++;
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_COMPLETED, ISAKMP_FAIL_NONE, 0);
    fw_timer_set(e, &x->timer, c->now + linger_ns(e));
}

void fw_xchg_fail(struct fw_ctx *c, struct fw_xchg *x, enum isakmp_fail_reason why,
                  uint16_t notify, bool notify_received)
{
    struct isakmp_engine *e = c->e;
    struct fw_sa *sa = x->sa;
    e->stats.exchanges_failed++;
    fw_emit_exchange(e, x, ISAKMP_EV_EXCHANGE_FAILED, why, notify);
    if (notify && !notify_received) {
        /* Before phase 1 is done the peer may not share our keys (a wrong
         * pre-shared key): tell it in the clear. */
        if (sa->state != FW_SA_ESTABLISHED)
            fw_info_send_clear(e, sa->cky_i, sa->cky_r, &sa->local, &sa->peer, notify);
        else
            fw_info_send_notify(e, sa, notify, ISAKMP_PROTO_ISAKMP, NULL, 0, NULL, 0);
    }
    if (sa->p1x == x && sa->state != FW_SA_ESTABLISHED) {
        /* A failed phase 1 takes its SA with it; a phase-2 request that
         * waited for it fails too. */
        if (sa->ini && sa->ini->p2req.handle) {
            struct isakmp_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = ISAKMP_EV_EXCHANGE_FAILED;
            ev.handle = sa->ini->p2req.handle;
            ev.peer = sa->peer;
            ev.u.exchange.exchange_type = ISAKMP_XCHG_QUICK;
            ev.u.exchange.initiator = true;
            ev.u.exchange.phase1 = sa->handle;
            /* It never began: started and failed at once, so that a
             * driver counting exchanges sees both ends. */
            ev.type = ISAKMP_EV_EXCHANGE_STARTED;
            fw_event(e, &ev);
            ev.type = ISAKMP_EV_EXCHANGE_FAILED;
            ev.u.exchange.reason = ISAKMP_FAIL_DELETED;
            fw_event(e, &ev);
        }
        fw_sa_destroy(e, sa);
        return;
    }
    if (x->msgid)
        fw_sa_msgid_remember(sa, x->msgid);
    fw_xchg_destroy(e, x);
}

void fw_xchg_timer(struct isakmp_engine *e, struct fw_xchg *x, uint64_t now)
{
    struct fw_ctx c = { .e = e, .now = now, .sa = x->sa, .x = x };
    if (x->done || !x->awaiting) {
        /* Lingering is over: phase-2 exchanges go; the phase-1 exchange
         * stays (it holds the IV) but drops its cached message. */
        if (x == x->sa->p1x) {
            fw_free(e, x->tx);
            x->tx = NULL;
            x->tx_len = 0;
        } else {
            if (x->msgid)
                fw_sa_msgid_remember(x->sa, x->msgid);
            fw_xchg_destroy(e, x);
        }
        return;
    }
    const struct isakmp_retransmit *r = &e->cfg.retransmit;
    if (x->rt_sent >= r->tries) {
        fw_xchg_fail(&c, x, ISAKMP_FAIL_TIMEOUT, 0, false);
        return;
    }
    uint64_t w = x->rt_wait * r->factor;
    x->rt_wait = w > r->cap_ns ? r->cap_ns : w;
    x->rt_sent++;
    transmit(e, x, true);
    fw_timer_set(e, &x->timer, now + x->rt_wait);
}
