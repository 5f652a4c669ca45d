/* Encrypted messages that do not decrypt or authenticate.
 *
 * The first encrypted message of a Main Mode that does not decrypt is
 * how a wrong pre-shared key shows (RFC 2409 §5.4 gives no other way),
 * so it used to end the exchange - and so did one bit flipped on the
 * path.  Now such a message changes nothing (dispatch.c keeps the IV and
 * the exchange as they were), is counted on its exchange, and the
 * exchange fails at the config.auth_failures_max-th one, or when its
 * retransmissions run out: a wrong key is still reported as an
 * authentication failure, only after that many attempts.
 *
 * What counts, and why only that: in phase 1 before the SA is up, a
 * message that does not decrypt or whose HASH/SIG is wrong (it used to
 * be fatal at once), Aggressive Mode's clear messages 2 and 3
 * included; under an established SA only a wrong hash, which takes the
 * SA's keys to produce - garbage that does not even decrypt
 * was always dropped silently there, and counting it would let anyone
 * who sees the cookies end exchanges.
 *
 * And at most one failure counts per half retransmission interval: a
 * peer with the wrong key fails once per (re)transmission, while
 * copies of one datagram altered in many ways at once (CBC lets a bit
 * flip in one block leave a payload chain that parses, with a wrong
 * hash) count once - they are rejected all the same. */
#include "isakmp/framework.h"

uint32_t fw_auth_failures_max(const struct isakmp_engine *e)
{
    return e->cfg.auth_failures_max ? e->cfg.auth_failures_max : 3;
}

/* Does a failure at e->now count, the previous one counted at `at`
 * (`first`: none yet)? */
static bool counts(const struct isakmp_engine *e, bool first, uint64_t at)
{
    return first || e->now - at >= e->cfg.retransmit.initial_ns / 2;
}

bool fw_auth_failure(struct fw_ctx *c, struct fw_xchg *x, uint16_t notify)
{
    struct isakmp_engine *e = c->e;
    struct fw_sa *sa = x->sa;
    e->stats.auth_failures++;
    if (!counts(e, x->auth_failures == 0, x->auth_failure_at))
        return false;
    x->auth_failure_at = e->now;
    if (++x->auth_failures >= fw_auth_failures_max(e)) {
        fw_xchg_fail(c, x, ISAKMP_FAIL_AUTH, notify, false);
        return true;
    }
    /* Phase 1: say so in the clear (rate-limited, as the final failure
     * does); the peer counts it (fw_auth_failure_notify) and goes on
     * retransmitting.  Under an established SA a protected error Notify
     * ends every exchange the peer waits for: only the final failure is
     * announced there.  Nor for a clear message (Aggressive Mode's
     * HASH_R / HASH_I): the peer cannot count a Notify about a message
     * of its own that was not encrypted (informational.c ends its
     * exchange on it), and anyone can forge such messages - only the
     * final failure is announced. */
    bool clear = c->m && !(c->m->w.hdr.flags & ISAKMP_FLAG_E);
    if (notify && x == sa->p1x && sa->state != FW_SA_ESTABLISHED && !clear)
        fw_info_send_clear(e, sa->cky_i, sa->cky_r, &sa->local, &sa->peer, notify);
    return false;
}

void fw_auth_failure_fresh(struct fw_ctx *c, struct fw_xchg *x)
{
    struct isakmp_engine *e = c->e;
    struct fw_sa *sa = x->sa;
    e->stats.auth_failures++;
    /* No exchange exists for this M-ID until a message of it is
     * accepted: the count lives on the SA, for the latest M-ID only (a
     * peer retransmits one message; anything else resets it). */
    if (sa->bad_msgid != x->msgid) {
        sa->bad_msgid = x->msgid;
        sa->bad_msgid_count = 0;
    }
    if (!counts(e, sa->bad_msgid_count == 0, sa->bad_msgid_at)) {
        fw_xchg_destroy(e, x);
        return;
    }
    sa->bad_msgid_at = e->now;
    if (++sa->bad_msgid_count >= fw_auth_failures_max(e)) {
        sa->bad_msgid = 0;
        sa->bad_msgid_count = 0;
        /* STARTED + FAILED, the protected Notify, the M-ID remembered. */
        fw_xchg_fail(c, x, ISAKMP_FAIL_AUTH, ISAKMP_N_INVALID_HASH_INFORMATION, false);
        return;
    }
    fw_xchg_destroy(e, x);
}

bool fw_auth_failure_notify(struct fw_ctx *c, struct fw_xchg *x, uint16_t type)
{
    /* Unauthenticated: a burst of them (forged, or copied) counts once. */
    if (!counts(c->e, x->auth_failures == 0, x->auth_failure_at))
        return false;
    x->auth_failure_at = c->e->now;
    if (++x->auth_failures >= fw_auth_failures_max(c->e)) {
        fw_xchg_fail(c, x, ISAKMP_FAIL_PEER_NOTIFY, type, true);
        return true;
    }
    return false;
}
