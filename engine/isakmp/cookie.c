/* Anti-clogging cookies (RFC 2408 §2.5.3) and half-open admission.
 *
 * CKY-R = first 8 bytes of HMAC-SHA256(secret, peer addr|port | own
 * addr|port | CKY-I).  The secret comes from the random callback and is
 * replaced every cookie_rotate_ns; the previous one is still accepted for
 * one period so exchanges in flight survive a rotation.  Checking a
 * cookie is one HMAC over 48 bytes - far below a DH operation - so a
 * responder can throw away messages with forged CKY-R before any
 * expensive work or state lookup.
 *
 * What a bogus message 1 costs a responder, per mode:
 *   NONE      one half-open SA (the IKE state: chosen transform, nonce,
 *             DH pair once message 3 comes) until it times out; CKY-R
 *             random.  Bounded only by the half-open limits.
 *   COOKIES   the same, plus one HMAC; forged message 3s with made-up
 *             CKY-R are dropped for one HMAC each.  Spoofed-source
 *             message 1s still hold state: cookies only prove the
 *             initiator can receive at its address from message 3 on.
 *   STATELESS (Main Mode) one HMAC, one parse of the SA payload, one
 *             message 2 sent (about the size of message 1: no
 *             amplification) and one overwritten slot of a fixed table:
 *             no allocation, no timer, no DH, no retransmission.  The SA
 *             is created when message 3 brings back a valid CKY-R; the
 *             slot gives back the initiator's SA payload (HASH_I needs
 *             it and IKEv1 sends it only in message 1).  A flood can only
 *             evict legitimate slots (each with probability 1/slots per
 *             bogus message between a legitimate message 1 and 3). */
#include "isakmp/framework.h"
#include "isakmp/secmem.h"

#include <nettle/hmac.h>
#include <string.h>

static void put_addr(struct hmac_sha256_ctx *h, const struct isakmp_addr *a)
{
    uint8_t b[19];
    b[0] = a->family;
    memcpy(b + 1, a->addr, 16);
    isakmp_put16(b + 17, a->port);
    hmac_sha256_update(h, sizeof b, b);
}

static void mac(const uint8_t *secret, const struct isakmp_addr *peer,
                const struct isakmp_addr *local, const uint8_t *cky_i, uint8_t *out)
{
    struct hmac_sha256_ctx h;
    hmac_sha256_set_key(&h, 32, secret);
    put_addr(&h, peer);
    put_addr(&h, local);
    hmac_sha256_update(&h, 8, cky_i);
    hmac_sha256_digest(&h, 8, out);
    isakmp_wipe(&h, sizeof h);
    /* A zero CKY-R means "not yet known" on the wire. */
    static const uint8_t zero8[8];
    if (memcmp(out, zero8, 8) == 0)
        out[7] = 1;
}

static uint64_t period(const struct isakmp_engine *e)
{
    return e->cfg.defence.cookie_rotate_ns ? e->cfg.defence.cookie_rotate_ns
                                            : 60ULL * 1000000000ULL;
}

void fw_cookie_init(struct isakmp_engine *e, uint64_t now)
{
    fw_random(e, e->cookie.secret, sizeof e->cookie.secret);
    e->cookie.have_prev = false;
    e->cookie.rotate_at = now + period(e);
}

void fw_cookie_rotate_if_due(struct isakmp_engine *e, uint64_t now)
{
    if (e->cfg.defence.mode == ISAKMP_DEFENCE_NONE || now < e->cookie.rotate_at)
        return;
    memcpy(e->cookie.prev_secret, e->cookie.secret, sizeof e->cookie.secret);
    e->cookie.have_prev = true;
    fw_random(e, e->cookie.secret, sizeof e->cookie.secret);
    e->cookie.rotate_at = now + period(e);
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_DEFENCE;
    ev.u.defence.action = ISAKMP_DEF_SECRET_ROTATED;
    ev.u.defence.half_open = e->stats.half_open;
    fw_event(e, &ev);
}

void fw_cookie_make(struct isakmp_engine *e, const struct isakmp_addr *peer,
                    const struct isakmp_addr *local, const uint8_t *cky_i, uint8_t *cky_r)
{
    uint64_t t0 = fw_cpu_now(e);
    mac(e->cookie.secret, peer, local, cky_i, cky_r);
    fw_event_crypto(e, ISAKMP_CRYPTO_COOKIE, 0, fw_cost(e, ISAKMP_COST_COOKIE), fw_cpu_now(e) - t0);
}

bool fw_cookie_check(struct isakmp_engine *e, const struct isakmp_addr *peer,
                     const struct isakmp_addr *local, const uint8_t *cky_i, const uint8_t *cky_r)
{
    uint8_t want[8];
    uint64_t t0 = fw_cpu_now(e);
    mac(e->cookie.secret, peer, local, cky_i, want);
    bool ok = isakmp_memeq_ct(want, cky_r, 8);
    if (!ok && e->cookie.have_prev) {
        mac(e->cookie.prev_secret, peer, local, cky_i, want);
        ok = isakmp_memeq_ct(want, cky_r, 8);
    }
    fw_event_crypto(e, ISAKMP_CRYPTO_COOKIE, 0, fw_cost(e, ISAKMP_COST_COOKIE), fw_cpu_now(e) - t0);
    return ok;
}

static void defence_event(struct isakmp_engine *e, enum isakmp_defence_action a,
                          const struct isakmp_addr *from)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_DEFENCE;
    ev.peer = *from;
    ev.u.defence.action = a;
    ev.u.defence.half_open = e->stats.half_open;
    fw_event(e, &ev);
}

bool fw_admit_half_open(struct isakmp_engine *e, const struct isakmp_addr *from)
{
    const struct isakmp_defence *d = &e->cfg.defence;
    if (d->half_open_max && e->stats.half_open >= d->half_open_max) {
        defence_event(e, ISAKMP_DEF_HALF_OPEN_GLOBAL, from);
        return false;
    }
    if (d->half_open_per_source && fw_src_get(e, from) >= d->half_open_per_source) {
        defence_event(e, ISAKMP_DEF_HALF_OPEN_SOURCE, from);
        return false;
    }
    if (d->memory_max && e->mem >= d->memory_max) {
        defence_event(e, ISAKMP_DEF_MEMORY_LIMIT, from);
        return false;
    }
    return true;
}

/* ---- the stateless table ------------------------------------------------------- */

bool fw_slots_init(struct isakmp_engine *e)
{
    size_t n = e->cfg.defence.stateless_slots ? e->cfg.defence.stateless_slots : 1024;
    size_t p2 = 1;
    while (p2 < n && p2 < ((size_t)1 << 24))
        p2 <<= 1;
    e->slots = fw_alloc(e, p2 * sizeof *e->slots);
    e->n_slots = e->slots ? p2 : 0;
    return e->slots != NULL;
}

/* CKY-R is a keyed MAC: its bits are as good as a keyed hash. */
static size_t slot_of(const struct isakmp_engine *e, const uint8_t *cky_r)
{
    uint64_t v;
    memcpy(&v, cky_r, 8);
    return (size_t)(v & (e->n_slots - 1));
}

void fw_slot_put(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                 const struct isakmp_addr *peer, const uint8_t *blob, size_t len)
{
    if (!e->n_slots || len == 0 || len > FW_STATELESS_BLOB)
        return;
    struct fw_slot *s = &e->slots[slot_of(e, cky_r)];
    memcpy(s->cky_i, cky_i, 8);
    memcpy(s->cky_r, cky_r, 8);
    s->peer = *peer;
    s->len = (uint16_t)len;
    memcpy(s->blob, blob, len);
}

struct fw_slot *fw_slot_find(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                             const struct isakmp_addr *peer)
{
    if (!e->n_slots)
        return NULL;
    struct fw_slot *s = &e->slots[slot_of(e, cky_r)];
    if (!s->len || memcmp(s->cky_i, cky_i, 8) || memcmp(s->cky_r, cky_r, 8) ||
        !isakmp_addr_equal(&s->peer, peer))
        return NULL;
    return s;
}
