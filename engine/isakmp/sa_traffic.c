/* Kilobyte lifetimes (RFC 2407 §4.5, RFC 2409 App. A): counted down.
 * Phase-2 SAs from the traffic the driver reports
 * (isakmp_engine_sa_traffic); phase-1 SAs from the ISAKMP messages
 * encrypted under them, sent and received.  The soft limit
 * (config.rekey_percent) and the hard one act like the seconds lifetime's
 * (lifetime.c): REKEY_DUE and a rekey, then expiry with a Delete. */
#include "isakmp/framework.h"

uint64_t fw_kbytes_hard(uint32_t kbytes)
{
    return (uint64_t)kbytes * 1024;
}

uint64_t fw_kbytes_soft(const struct isakmp_engine *e, uint32_t kbytes)
{
    uint32_t pct = e->cfg.rekey_percent ? e->cfg.rekey_percent : 90;
    if (pct > 100)
        pct = 100;
    return (uint64_t)kbytes * 1024 * pct / 100;
}

void fw_sa_count_protected(struct isakmp_engine *e, struct fw_sa *sa, size_t bytes)
{
    sa->protected_bytes += bytes;
    uint32_t kb = sa->chosen.life_kbytes;
    if (sa->state != FW_SA_ESTABLISHED || !kb)
        return;
    uint64_t limit = sa->soft_done ? fw_kbytes_hard(kb) : fw_kbytes_soft(e, kb);
    /* Acting here could free the SA under a caller that is sending with
     * it: the lifetime timer does it, at once (next timeout call). */
    if (sa->protected_bytes >= limit && (!sa->life.idx || sa->life.at > e->now))
        fw_timer_set(e, &sa->life, e->now);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

bool isakmp_engine_sa_traffic(struct isakmp_engine *e, uint64_t now, uint8_t protocol,
                              uint32_t spi, uint64_t bytes)
{
    if (!e)
        return false;
    e->now = now;
    /* Our inbound SPIs are unique in the engine (we chose them); an
     * outbound one is the peer's choice. */
    bool inbound = true;
    struct fw_child *c = fw_child_by_spi(e, protocol, spi, true);
    if (!c) {
        inbound = false;
        c = fw_child_by_spi(e, protocol, spi, false);
    }
    if (!c)
        return false;
    uint64_t *n = inbound ? &c->bytes_in : &c->bytes_out;
    *n = add_sat(*n, bytes);
    if (!c->life_kbytes)
        return true;
    /* Each direction is an SA with the negotiated lifetime. */
    uint64_t used = c->bytes_in > c->bytes_out ? c->bytes_in : c->bytes_out;
    if (used >= fw_kbytes_hard(c->life_kbytes)) {
        fw_child_delete_local(e, c);
        fw_child_remove(e, c, ISAKMP_END_KILOBYTES);
        return false;
    }
    if (!c->soft_done && used >= fw_kbytes_soft(e, c->life_kbytes))
        fw_child_soft_expire(e, c, now);
    return true;
}
