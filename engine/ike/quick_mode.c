/* Quick Mode, RFC 2409 §5.5 (with the commit bit of RFC 2408 §3.1):
 *     I -> R  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]
 *     R -> I  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, N(RESPONDER-LIFETIME)]
 *     I -> R  HDR*, HASH(3)
 *    [R -> I  HDR*, HASH(4), N(CONNECTED)]      when either side set the commit bit
 * HASH(1) = prf(SKEYID_a, M-ID | the payloads after HASH)
 * HASH(2) = prf(SKEYID_a, M-ID | Ni_b | the payloads after HASH)
 * HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 * HASH(4) = prf(SKEYID_a, M-ID | N), as an Informational HASH(1).
 * A message with a wrong hash is dropped without changing state. */
#include "ike/ike.h"
#include "ike/nat_t.h"
#include "doi/ipsec_doi.h"
#include "isakmp/secmem.h"

#include <string.h>

#define PL FW_PL

static enum fw_verdict fail(struct fw_ctx *c, enum isakmp_fail_reason r, uint16_t notify)
{
    c->reason = r;
    c->notify = notify;
    return FW_FAIL;
}

static enum fw_verdict drop(struct fw_ctx *c)
{
    c->reject = ISAKMP_REJECT_BAD_HASH;
    return FW_DROP;
}

/* Header and an empty HASH payload; returns the HASH payload's offset. */
static size_t begin(struct fw_ctx *c, struct isakmp_builder *b, uint8_t *buf, size_t cap, uint8_t flags)
{
    uint8_t zero[IKE_MAX_HASH] = { 0 };
    isakmp_build_init(b, buf, cap);
    fw_build_header(b, c->sa->cky_i, c->sa->cky_r, ISAKMP_XCHG_QUICK, flags, c->x->msgid);
    size_t at = b->len;
    isakmp_build_data(b, ISAKMP_PL_HASH, zero, ike_of(c->sa)->prf_len);
    return at;
}

/* Fill the HASH payload at `at` with prf(SKEYID_a, M-ID | [pre |] rest). */
bool ike_seal_hash(struct fw_ctx *c, struct isakmp_builder *b, size_t at, const uint8_t *pre, size_t pre_len)
{
    if (b->err)
        return false;
    uint8_t mid[4], h[IKE_MAX_HASH];
    size_t hl, after = at + isakmp_get16(b->buf + at + 2);
    isakmp_put32(mid, c->x->msgid);
    struct ike_iov v[] = { { mid, 4 }, { pre, pre_len }, { b->buf + after, b->len - after } };
    if (!ike_prf_a(c->sa, v, 3, h, &hl) || hl + 4 != isakmp_get16(b->buf + at + 2))
        return false;
    memcpy(b->buf + at + 4, h, hl);
    return true;
}

/* Check the HASH that must come first in m, over M-ID | [pre |] rest. */
bool ike_hash_ok(struct fw_ctx *c, const uint8_t *pre, size_t pre_len)
{
    const struct fw_msg *m = c->m;
    if (m->w.n_payloads == 0 || m->w.payloads[0].type != ISAKMP_PL_HASH)
        return false;
    size_t after = m->w.payloads[0].raw.len;
    uint8_t mid[4], h[IKE_MAX_HASH];
    size_t hl;
    isakmp_put32(mid, m->w.hdr.msgid);
    struct ike_iov v[] = { { mid, 4 }, { pre, pre_len }, { fw_msg_chain(m).p + after, fw_msg_chain(m).len - after } };
    return ike_prf_a(c->sa, v, 3, h, &hl) && hl == m->w.payloads[0].body.len &&
           isakmp_memeq_ct(h, m->w.payloads[0].body.p, hl);
}

static struct ike_qm *qm_new(struct fw_ctx *c)
{
    struct ike_qm *q = fw_alloc(c->e, sizeof *q);
    c->x->kx = q;
    return q;
}

/* g^xy of the PFS exchange (kept for KEYMAT). */
static enum fw_verdict pfs_shared(struct fw_ctx *c, struct ike_qm *q, const struct isakmp_payload *ke)
{
    if (!ke)
        return fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    uint8_t gxy[IKE_MAX_DH];
    size_t len = 0;
    bool ok = ike_dh_shared(c->e, q->dh, ke->body.p, ke->body.len, gxy, &len);
    ike_dh_free(c->e, q->dh);
    q->dh = NULL;
    if (!ok)
        return fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    q->gxy = fw_memdup(c->e, gxy, len);
    q->gxy_len = len;
    isakmp_wipe(gxy, sizeof gxy);
    return q->gxy ? FW_OK : fail(c, ISAKMP_FAIL_LOCAL, 0);
}

/* The shorter lifetimes a RESPONDER-LIFETIME Notify announces (RFC 2407
 * §4.5.4): *seconds (0: none) and alg->life_kbytes lowered. */
static void responder_lifetime(const struct isakmp_payload *np, struct isakmp_p2_proposal *alg,
                               uint32_t *seconds)
{
    struct isakmp_iter it = isakmp_attrs(np->u.notify.data);
    struct isakmp_attr a;
    uint32_t type = ISAKMP_LIFE_SECONDS;
    while (isakmp_next_attr(&it, &a) == 1) {
        if (!a.value_fits)
            continue;
        if (a.type == ISAKMP_IPSEC_LIFE_TYPE) {
            type = a.value;
        } else if (a.type == ISAKMP_IPSEC_LIFE_DURATION && a.value) {
            if (type == ISAKMP_LIFE_SECONDS && (!alg->life_seconds || a.value < alg->life_seconds))
                *seconds = a.value;
            else if (type == ISAKMP_LIFE_KILOBYTES && (!alg->life_kbytes || a.value < alg->life_kbytes))
                alg->life_kbytes = a.value;
        }
    }
}

/* KEYMAT both ways for each protocol of the choice; fills q->child. */
static bool make_child(struct fw_ctx *c, struct ike_qm *q, const struct ipsec_choice *ch,
                       const struct ipsec_spis *mine)
{
    struct fw_child *k = &q->child;
    uint64_t t0 = fw_cpu_now(c->e);
    memset(k, 0, sizeof *k);
    k->handle = c->x->handle;
    k->phase1 = c->sa->handle;
    k->initiator = c->x->initiator;
    k->local = c->sa->local;
    k->peer = c->sa->peer;
    k->n = ch->alg.n_protocols;
    k->pfs_group = ch->alg.pfs_group;
    k->life_seconds = q->responder_life ? q->responder_life : ch->alg.life_seconds;
    k->life_kbytes = ch->alg.life_kbytes;
    k->commit = q->commit;
    if (q->has_ids && c->x->initiator) {
        ipsec_id_parse(q->idci, q->idci_len, &k->client_local);
        ipsec_id_parse(q->idcr, q->idcr_len, &k->client_peer);
    }
    for (unsigned i = 0; i < k->n; i++) {
        uint8_t proto = ch->alg.protocols[i].protocol;
        size_t sl = ipsec_spi_len(proto);
        k->p[i].alg = ch->alg.protocols[i];
        k->p[i].spi_in = mine->v[proto];
        k->p[i].spi_out = ch->peer_spi[i];
        /* Only the bytes the algorithms take (a prefix of the longer
         * expansion: RFC 2409 §5.5 K1 | K2 | ...). */
        size_t need = ike_keymat_need(&k->p[i].alg);
        k->p[i].keymat_len = need;
        if (!ike_keymat(c->sa, q, proto, k->p[i].spi_in, sl, k->p[i].keymat_in, need) ||
            !ike_keymat(c->sa, q, proto, k->p[i].spi_out, sl, k->p[i].keymat_out, need))
            return false;
    }
    fw_event_crypto(c->e, ISAKMP_CRYPTO_PRF, 0, fw_cost(c->e, ISAKMP_COST_PRF), fw_cpu_now(c->e) - t0);
    ike_natt_child(c->sa, k);
    return true;
}

static void finish(struct fw_ctx *c, struct ike_qm *q)
{
    fw_xchg_complete(c, c->x);
    fw_child_add(c->e, &q->child);
}

/* The client IDs of a message: none or exactly two. */
static bool take_ids(struct fw_ctx *c, struct ike_qm *q)
{
    unsigned n = fw_msg_count(c->m, ISAKMP_PL_ID);
    if (n == 0)
        return true;
    if (n != 2)
        return false;
    const struct isakmp_payload *a = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
    const struct isakmp_payload *b = fw_msg_find(c->m, ISAKMP_PL_ID, 1);
    struct isakmp_identity tmp;
    if (!ipsec_id_parse(a->body.p, a->body.len, &tmp) || !ipsec_id_parse(b->body.p, b->body.len, &tmp) ||
        a->body.len > sizeof q->idci || b->body.len > sizeof q->idcr)
        return false;
    q->has_ids = true;
    memcpy(q->idci, a->body.p, a->body.len);
    q->idci_len = a->body.len;
    memcpy(q->idcr, b->body.p, b->body.len);
    q->idcr_len = b->body.len;
    return true;
}

/* ---- initiator ------------------------------------------------------------------ */

enum fw_verdict ike_quick_initiate(struct fw_ctx *c)
{
    const struct fw_p2_request *r = c->p2req;
    struct ike_qm *q = qm_new(c);
    if (!q || !r || !r->n_p2)
        return FW_FAIL;
    uint16_t group = r->p2[0].pfs_group;
    for (size_t i = 0; i < r->n_p2; i++)
        if (r->p2[i].pfs_group != group || !r->p2[i].n_protocols ||
            r->p2[i].n_protocols > ISAKMP_P2_MAX_PROTOCOLS)
            return FW_FAIL;       /* one KE goes out: one PFS group for all */
    q->offer = fw_memdup(c->e, r->p2, r->n_p2 * sizeof *r->p2);
    q->n_offer = r->n_p2;
    q->commit = r->commit;
    if (!q->offer)
        return FW_FAIL;
    ike_natt_map_p2(c->sa, q->offer, q->n_offer);      /* UDP encapsulation behind a NAT */
    q->idci_len = ipsec_id_encode(&r->client_local, q->idci, sizeof q->idci);
    q->idcr_len = ipsec_id_encode(&r->client_peer, q->idcr, sizeof q->idcr);
    q->has_ids = q->idci_len && q->idcr_len;
    ike_nonce(c->e, q->ni, &q->ni_len);
    struct ipsec_spis spis;
    ipsec_new_spis(c->e, q->offer, q->n_offer, &spis);
    memcpy(q->spi_in, &spis.v[2], sizeof q->spi_in);   /* AH, ESP, IPCOMP */
    if (group && !ike_make_ke(c, group, &q->dh))
        return FW_FAIL;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    size_t at = begin(c, &b, buf, sizeof buf, q->commit ? ISAKMP_FLAG_C : 0);
    ipsec_put_sa(&b, q->offer, q->n_offer, &spis);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, q->ni, q->ni_len);
    if (q->dh) {
        size_t len;
        const uint8_t *pub = ike_dh_public(q->dh, &len);
        isakmp_build_data(&b, ISAKMP_PL_KE, pub, len);
    }
    if (q->has_ids) {
        isakmp_build_data(&b, ISAKMP_PL_ID, q->idci, q->idci_len);
        isakmp_build_data(&b, ISAKMP_PL_ID, q->idcr, q->idcr_len);
    }
    ike_natt_put_natoa(c, &b, q->offer, q->n_offer);
    if (!ike_seal_hash(c, &b, at, NULL, 0))
        return FW_FAIL;
    return fw_xchg_send(c, c->x, &b, true, true) ? FW_OK : FW_FAIL;
}

static enum fw_verdict i_msg2(struct fw_ctx *c)
{
    struct ike_qm *q = c->x->kx;
    if (!ike_hash_ok(c, q->ni, q->ni_len))
        return drop(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    struct ipsec_choice ch;
    uint16_t n = ipsec_check_reply(sa->body.p, sa->body.len, q->offer, q->n_offer, &ch);
    if (n)
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    if (!ike_take_nonce(no, q->nr, &q->nr_len))
        return fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
    /* Client IDs, when we sent them, must come back unchanged. */
    unsigned nid = fw_msg_count(c->m, ISAKMP_PL_ID);
    if (q->has_ids) {
        const struct isakmp_payload *a = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
        const struct isakmp_payload *b = fw_msg_find(c->m, ISAKMP_PL_ID, 1);
        if (nid != 2 || a->body.len != q->idci_len || b->body.len != q->idcr_len ||
            memcmp(a->body.p, q->idci, q->idci_len) || memcmp(b->body.p, q->idcr, q->idcr_len))
            return fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    } else if (nid) {
        /* We sent none, so the SA is between the two hosts; a responder
         * (charon) that names them anyway says the same thing. */
        const struct isakmp_payload *a = fw_msg_find(c->m, ISAKMP_PL_ID, 0);
        const struct isakmp_payload *b = fw_msg_find(c->m, ISAKMP_PL_ID, 1);
        if (nid != 2 || !ipsec_id_is_host(a->body.p, a->body.len, &c->sa->local) ||
            !ipsec_id_is_host(b->body.p, b->body.len, &c->sa->peer))
            return fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    }
    if (ch.alg.pfs_group) {
        if (!q->dh || !ke)
            return fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
        enum fw_verdict v = pfs_shared(c, q, ke);
        if (v != FW_OK)
            return v;
    } else if (ke) {
        return fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    }
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_N); i++) {
        const struct isakmp_payload *np = fw_msg_find(c->m, ISAKMP_PL_N, i);
        /* RESPONDER-LIFETIME: (LIFE-TYPE, LIFE-DURATION) pairs, seconds
         * and/or kilobytes (a duration without a type: seconds). */
        if (np->u.notify.type == ISAKMP_N_RESPONDER_LIFETIME)
            responder_lifetime(np, &ch.alg, &q->responder_life);
    }
    struct ipsec_spis mine;
    memset(&mine, 0, sizeof mine);
    memcpy(&mine.v[2], q->spi_in, sizeof q->spi_in);
    if (!make_child(c, q, &ch, &mine))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    q->chosen = ch.alg;
    if (c->m->w.hdr.flags & ISAKMP_FLAG_C)
        q->commit = true;
    /* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
    uint8_t buf[FW_MAX_MSG], zero = 0, mid[4], h[IKE_MAX_HASH];
    size_t hl;
    isakmp_put32(mid, c->x->msgid);
    struct ike_iov v[] = { { &zero, 1 }, { mid, 4 }, { q->ni, q->ni_len }, { q->nr, q->nr_len } };
    if (!ike_prf_a(c->sa, v, 4, h, &hl))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    struct isakmp_builder b;
    isakmp_build_init(&b, buf, sizeof buf);
    fw_build_header(&b, c->sa->cky_i, c->sa->cky_r, ISAKMP_XCHG_QUICK,
                 q->commit ? ISAKMP_FLAG_C : 0, c->x->msgid);
    isakmp_build_data(&b, ISAKMP_PL_HASH, h, hl);
    if (!fw_xchg_send(c, c->x, &b, true, q->commit))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    if (!q->commit)
        finish(c, q);
    return FW_OK;
}

static enum fw_verdict i_msg4(struct fw_ctx *c)
{
    struct ike_qm *q = c->x->kx;
    if (!ike_hash_ok(c, NULL, 0))
        return drop(c);
    const struct isakmp_payload *np = fw_msg_find(c->m, ISAKMP_PL_N, 0);
    if (np->u.notify.type != ISAKMP_N_CONNECTED)
        return drop(c);
    finish(c, q);
    return FW_OK;
}

/* ---- responder ------------------------------------------------------------------ */

static enum fw_verdict r_msg1(struct fw_ctx *c)
{
    if (!ike_hash_ok(c, NULL, 0))
        return drop(c);
    struct ike_qm *q = qm_new(c);
    if (!q)
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    const struct isakmp_payload *no = fw_msg_find(c->m, ISAKMP_PL_NONCE, 0);
    const struct isakmp_payload *ke = fw_msg_find(c->m, ISAKMP_PL_KE, 0);
    if (!ike_take_nonce(no, q->ni, &q->ni_len))
        return fail(c, ISAKMP_FAIL_MALFORMED, ISAKMP_N_PAYLOAD_MALFORMED);
    if (!take_ids(c, q))
        return fail(c, ISAKMP_FAIL_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    struct ipsec_choice ch;
    /* Behind a NAT our Tunnel/Transport stand for the UDP-encapsulated modes. */
    struct isakmp_p2_proposal *ours = (struct isakmp_p2_proposal *)c->e->cfg.p2, *mapped = NULL;
    if (ike_natt_in_use(c->sa) && c->e->cfg.n_p2) {
        mapped = fw_memdup(c->e, ours, c->e->cfg.n_p2 * sizeof *ours);
        if (!mapped)
            return fail(c, ISAKMP_FAIL_LOCAL, 0);
        ike_natt_map_p2(c->sa, mapped, c->e->cfg.n_p2);
        ours = mapped;
    }
    uint16_t n = ipsec_choose(sa->body.p, sa->body.len, ours, c->e->cfg.n_p2,
                              c->e->cfg.max_p2_life_seconds, &ch);
    fw_free(c->e, mapped);
    if (n)
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    if (!!ch.alg.pfs_group != !!ke)
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    if (ke && ke->body.len != ike_group_public_len(c->e, ch.alg.pfs_group))
        return fail(c, ISAKMP_FAIL_BAD_KE, ISAKMP_N_INVALID_KEY_INFORMATION);
    q->commit = (c->m->w.hdr.flags & ISAKMP_FLAG_C) != 0;
    q->chosen = ch.alg;
    ike_nonce(c->e, q->nr, &q->nr_len);
    struct ipsec_spis mine;
    ipsec_new_spis(c->e, &ch.alg, 1, &mine);
    memcpy(q->spi_in, &mine.v[2], sizeof q->spi_in);
    uint8_t pub[IKE_MAX_DH];
    size_t pub_len = 0;
    if (ke) {
        if (!ike_make_ke(c, ch.alg.pfs_group, &q->dh))
            return fail(c, ISAKMP_FAIL_LOCAL, 0);
        const uint8_t *p = ike_dh_public(q->dh, &pub_len);
        memcpy(pub, p, pub_len);
        enum fw_verdict v = pfs_shared(c, q, ke);
        if (v != FW_OK)
            return v;
    }
    if (ch.offered_life && ch.alg.life_seconds != ch.offered_life)
        q->responder_life = ch.alg.life_seconds;
    /* A kilobyte lifetime over our maximum is cut to it (and said). */
    uint32_t kb_max = c->e->cfg.max_p2_life_kbytes, kb_cut = 0;
    if (kb_max && ch.alg.life_kbytes > kb_max)
        ch.alg.life_kbytes = kb_cut = kb_max;
    if (!make_child(c, q, &ch, &mine))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    size_t at = begin(c, &b, buf, sizeof buf, q->commit ? ISAKMP_FLAG_C : 0);
    ipsec_put_reply(&b, &ch, &mine);
    isakmp_build_data(&b, ISAKMP_PL_NONCE, q->nr, q->nr_len);
    if (ke)
        isakmp_build_data(&b, ISAKMP_PL_KE, pub, pub_len);
    if (q->has_ids) {
        isakmp_build_data(&b, ISAKMP_PL_ID, q->idci, q->idci_len);
        isakmp_build_data(&b, ISAKMP_PL_ID, q->idcr, q->idcr_len);
    }
    ike_natt_put_natoa(c, &b, &ch.alg, 1);
    if (q->responder_life || kb_cut) {
        /* RFC 2407 §4.5.4: our shorter lifetime, for the first protocol. */
        uint8_t proto = ch.alg.protocols[0].protocol, spi[4];
        size_t sl = ipsec_spi_len(proto);
        if (sl == 2) isakmp_put16(spi, (uint16_t)mine.v[proto]);
        else isakmp_put32(spi, mine.v[proto]);
        /* Life Type (TV), Life Duration (TLV, 4 bytes): seconds, kilobytes. */
        uint8_t attrs[24];
        size_t al = 0;
        for (int k = 0; k < 2; k++) {
            uint32_t v = k == 0 ? q->responder_life : kb_cut;
            if (!v)
                continue;
            isakmp_put16(attrs + al, ISAKMP_ATTR_AF | ISAKMP_IPSEC_LIFE_TYPE);
            isakmp_put16(attrs + al + 2, k == 0 ? ISAKMP_LIFE_SECONDS : ISAKMP_LIFE_KILOBYTES);
            isakmp_put16(attrs + al + 4, ISAKMP_IPSEC_LIFE_DURATION);
            isakmp_put16(attrs + al + 6, 4);
            isakmp_put32(attrs + al + 8, v);
            al += 12;
        }
        isakmp_build_notify(&b, ISAKMP_DOI_IPSEC, proto, spi, (uint8_t)sl,
                            ISAKMP_N_RESPONDER_LIFETIME, attrs, al);
    }
    if (!ike_seal_hash(c, &b, at, q->ni, q->ni_len) || !fw_xchg_send(c, c->x, &b, true, true))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    return FW_OK;
}

static enum fw_verdict r_msg3(struct fw_ctx *c)
{
    struct ike_qm *q = c->x->kx;
    uint8_t zero = 0, mid[4], h[IKE_MAX_HASH];
    size_t hl;
    isakmp_put32(mid, c->x->msgid);
    struct ike_iov v[] = { { &zero, 1 }, { mid, 4 }, { q->ni, q->ni_len }, { q->nr, q->nr_len } };
    const struct isakmp_payload *hp = fw_msg_find(c->m, ISAKMP_PL_HASH, 0);
    if (!ike_prf_a(c->sa, v, 4, h, &hl) || hl != hp->body.len || !isakmp_memeq_ct(h, hp->body.p, hl))
        return drop(c);
    if (q->commit) {
        uint8_t buf[FW_MAX_MSG];
        struct isakmp_builder b;
        size_t at = begin(c, &b, buf, sizeof buf, ISAKMP_FLAG_C);
        uint8_t spi[4];
        uint8_t proto = q->chosen.protocols[0].protocol;
        size_t sl = ipsec_spi_len(proto);
        if (sl == 2) isakmp_put16(spi, (uint16_t)q->child.p[0].spi_in);
        else isakmp_put32(spi, q->child.p[0].spi_in);
        isakmp_build_notify(&b, ISAKMP_DOI_IPSEC, proto, spi, (uint8_t)sl, ISAKMP_N_CONNECTED,
                            NULL, 0);
        if (!ike_seal_hash(c, &b, at, NULL, 0) || !fw_xchg_send(c, c->x, &b, true, false))
            return fail(c, ISAKMP_FAIL_LOCAL, 0);
    }
    finish(c, q);
    return FW_OK;
}

static const struct fw_step steps[] = {
    { 1, true, FW_ENCRYPTED, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_N) | IKE_NATT_PL_NATOA,
      PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_NONCE) | PL(ISAKMP_PL_KE) |
      PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_N) | IKE_NATT_PL_NATOA, r_msg1, 0, 0 },
    { 2, false, FW_ENCRYPTED, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA) | PL(ISAKMP_PL_NONCE),
      PL(ISAKMP_PL_KE) | PL(ISAKMP_PL_ID) | PL(ISAKMP_PL_N) | IKE_NATT_PL_NATOA,
      PL(ISAKMP_PL_HASH), i_msg2, 0, 0 },
    { 3, true, FW_ENCRYPTED, PL(ISAKMP_PL_HASH), 0,
      PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_N), r_msg3, 0, 0 },
    { 4, false, FW_ENCRYPTED, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_N), 0, 0, i_msg4, 0, 0 },
};

const struct fw_exchange_def ike_quick_mode = {
    .type = ISAKMP_XCHG_QUICK,
    .phase = 2,
    .n_msgs = 3,
    .steps = steps,
    .n_steps = sizeof steps / sizeof steps[0],
};
