/* Dead Peer Detection (RFC 3706): periodic protected R-U-THERE on each
 * established ISAKMP SA whose peer announced DPD; a peer that answers
 * none of the retransmissions is dead, and every SA with it goes. */
#include "isakmp/framework.h"

#include <string.h>

void fw_dpd_start(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now)
{
    if (!e->cfg.dpd_delay_ns || !sa->peer_dpd || sa->state != FW_SA_ESTABLISHED)
        return;
    if (!sa->dpd_seq) {
        /* RFC 3706 §5.2: start from a random sequence number. */
        uint8_t r[4];
        fw_random(e, r, 4);
        sa->dpd_seq = isakmp_get32(r) & 0x7fffffff;
    }
    sa->dpd_tries = 0;
    fw_timer_set(e, &sa->dpd, now + e->cfg.dpd_delay_ns);
}

static void peer_dead(struct isakmp_engine *e, struct fw_sa *sa)
{
    struct isakmp_addr peer = sa->peer;
    struct fw_child *c = e->children, *nc;
    for (; c; c = nc) {
        nc = c->next;
        if (isakmp_addr_equal(&c->peer, &peer))
            fw_child_remove(e, c, ISAKMP_END_DPD);
    }
    struct fw_sa *s = e->sas, *ns;
    for (; s; s = ns) {
        ns = s->next;
        if (s != sa && isakmp_addr_equal(&s->peer, &peer) && s->state == FW_SA_ESTABLISHED)
            fw_sa_remove(e, s, ISAKMP_END_DPD);
    }
    fw_sa_remove(e, sa, ISAKMP_END_DPD);
}

void fw_dpd_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now)
{
    const struct isakmp_retransmit *r = &e->cfg.retransmit;
    if (sa->dpd_tries >= r->tries) {
        peer_dead(e, sa);
        return;
    }
    if (sa->dpd_tries == 0)
        sa->dpd_seq++;
    uint8_t spi[16], seq[4];
    memcpy(spi, sa->cky_i, 8);
    memcpy(spi + 8, sa->cky_r, 8);
    isakmp_put32(seq, sa->dpd_seq);
    fw_info_send_notify(e, sa, ISAKMP_N_DPD_R_U_THERE, ISAKMP_PROTO_ISAKMP, spi, 16, seq, 4);
    /* The same back-off as message retransmission. */
    uint64_t wait = r->initial_ns;
    for (uint32_t i = 0; i < sa->dpd_tries && wait < r->cap_ns; i++)
        wait *= r->factor;
    if (wait > r->cap_ns)
        wait = r->cap_ns;
    sa->dpd_tries++;
    fw_timer_set(e, &sa->dpd, now + wait);
}

void fw_dpd_ack(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *data, size_t len)
{
    /* Only the answer to the question in flight counts (RFC 3706 §5.3). */
    if (len != 4 || !sa->dpd_tries || isakmp_get32(data) != sa->dpd_seq)
        return;
    fw_dpd_start(e, sa, e->now);
}
