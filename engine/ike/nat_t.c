/* NAT traversal, the IKE side (RFC 3947 §3-§5; see isakmp/natt.h and
 * nat_t.h): which dialect an SA speaks, NAT-D hashes and what they show,
 * the Quick Mode encapsulation modes and NAT-OA. */
#include "ike/nat_t.h"
#include "isakmp/secmem.h"

#include <string.h>

enum { VID_RFC = 0, VID_N = 4 };        /* isakmp_natt_vendor_id indexes */

static bool enabled(const struct isakmp_engine *e)
{
    return e->cfg.nat_t == ISAKMP_NAT_T_ON || e->cfg.nat_t == ISAKMP_NAT_T_FORCE;
}

void ike_natt_put_vids(struct fw_ctx *c, struct isakmp_builder *b)
{
    if (!enabled(c->e))
        return;
    struct fw_natt *n = &c->sa->natt;
    for (unsigned i = 0; i < VID_N; i++) {
        /* Message 2 names the dialect chosen: the RFC, or the newest
         * draft the initiator announced. */
        if (!c->sa->initiator) {
            if (!n->variant)
                return;
            unsigned pick = VID_RFC;
            if (n->variant == ISAKMP_NATT_DRAFT)
                for (unsigned j = 1; j < VID_N; j++)
                    if (n->peer_vids & (1u << j))
                        pick = j;
            if (i != pick)
                continue;
        }
        isakmp_build_data(b, ISAKMP_PL_VID, isakmp_natt_vendor_id(i, NULL), 16);
    }
}

void ike_natt_note_vids(struct fw_ctx *c)
{
    struct fw_natt *n = &c->sa->natt;
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_VID); i++) {
        const struct isakmp_payload *v = fw_msg_find(c->m, ISAKMP_PL_VID, i);
        for (unsigned j = 0; j < VID_N; j++)
            if (v->body.len == 16 && memcmp(v->body.p, isakmp_natt_vendor_id(j, NULL), 16) == 0)
                n->peer_vids |= (uint8_t)(1u << j);
    }
    if (!enabled(c->e) || !n->peer_vids)
        n->variant = ISAKMP_NATT_NONE;
    else
        n->variant = (n->peer_vids & 1u) ? ISAKMP_NATT_RFC3947 : ISAKMP_NATT_DRAFT;
}

static uint8_t natd_type(const struct fw_sa *sa)
{
    return sa->natt.variant == ISAKMP_NATT_DRAFT ? ISAKMP_PL_NAT_D_DRAFT : ISAKMP_PL_NAT_D;
}

/* HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (RFC 3947 §3.2). */
static size_t natd_hash(const struct fw_sa *sa, const struct isakmp_addr *a, uint8_t *out)
{
    const struct ike_sa *k = ike_of(sa);
    uint8_t port[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
    struct ike_iov v[] = { { sa->cky_i, 8 }, { sa->cky_r, 8 },
                           { a->addr, a->family == 6 ? 16 : 4 }, { port, 2 } };
    if (!k || !k->have_t || !ike_hash(k->t.hash, v, 4, out))
        return 0;
    return ike_hash_len(k->t.hash);
}

void ike_natt_put_natd(struct fw_ctx *c, struct isakmp_builder *b,
                       const struct isakmp_addr *local, const struct isakmp_addr *peer)
{
    if (!c->sa->natt.variant)
        return;
    uint8_t h[IKE_MAX_HASH];
    size_t hl = natd_hash(c->sa, peer, h);
    if (!hl)
        return;
    isakmp_build_data(b, natd_type(c->sa), h, hl);
    if (c->e->cfg.nat_t == ISAKMP_NAT_T_FORCE) {
        /* A hash no address gives: the peer sees us behind a NAT. */
        fw_random(c->e, h, hl);
    } else if (natd_hash(c->sa, local, h) != hl) {
        return;
    }
    isakmp_build_data(b, natd_type(c->sa), h, hl);
}

uint16_t ike_natt_check_natd(struct fw_ctx *c, const struct isakmp_addr *local,
                             const struct isakmp_addr *peer)
{
    struct fw_natt *n = &c->sa->natt;
    if (!n->variant)
        return 0;
    uint8_t type = natd_type(c->sa);
    unsigned count = fw_msg_count(c->m, type);
    if (count == 0)
        return 0;           /* no NAT-D: the peer will not float (RFC 3947 §3) */
    uint8_t mine[IKE_MAX_HASH], theirs[IKE_MAX_HASH];
    size_t hl = natd_hash(c->sa, local, mine);
    if (!hl || natd_hash(c->sa, peer, theirs) != hl)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    if (count < 2 || count > IKE_NATT_MAX_NATD)
        return ISAKMP_N_PAYLOAD_MALFORMED;
    for (unsigned i = 0; i < count; i++)
        if (fw_msg_find(c->m, type, i)->body.len != hl)
            return ISAKMP_N_PAYLOAD_MALFORMED;
    /* The first is our address as the peer sent to it; the others are
     * the peer's own addresses as it knows them. */
    const struct isakmp_payload *first = fw_msg_find(c->m, type, 0);
    bool local_nat = !isakmp_memeq_ct(first->body.p, mine, hl);
    bool peer_nat = true;
    for (unsigned i = 1; i < count; i++)
        if (isakmp_memeq_ct(fw_msg_find(c->m, type, i)->body.p, theirs, hl))
            peer_nat = false;
    n->forced = c->e->cfg.nat_t == ISAKMP_NAT_T_FORCE;
    n->local_nat = local_nat || n->forced;
    n->peer_nat = peer_nat;
    n->detected = true;
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_NAT_DETECTED;
    ev.handle = c->sa->handle;
    ev.peer = c->sa->peer;
    ev.u.natt.variant = n->variant;
    ev.u.natt.local_behind = n->local_nat;
    ev.u.natt.peer_behind = n->peer_nat;
    ev.u.natt.forced = n->forced;
    ev.u.natt.local = c->sa->local;
    ev.u.natt.peer = c->sa->peer;
    fw_event(c->e, &ev);
    return 0;
}

bool ike_natt_in_use(const struct fw_sa *sa)
{
    return sa->natt.variant && sa->natt.detected && (sa->natt.local_nat || sa->natt.peer_nat);
}

void ike_natt_float_if_needed(struct fw_ctx *c)
{
    if (c->sa->initiator && ike_natt_in_use(c->sa))
        fw_natt_float(c->e, c->sa);
}

void ike_natt_orig(const struct fw_sa *sa, struct isakmp_addr *local, struct isakmp_addr *peer)
{
    *local = sa->natt.have_orig ? sa->natt.orig_local : sa->local;
    *peer = sa->natt.have_orig ? sa->natt.orig_peer : sa->peer;
}

/* ---- Quick Mode --------------------------------------------------------------- */

static bool udp_mode(uint16_t m)
{
    return m == ISAKMP_ENCAP_UDP_TUNNEL || m == ISAKMP_ENCAP_UDP_TRANSPORT ||
           m == ISAKMP_ENCAP_UDP_TUNNEL_DRAFT || m == ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

static bool transport_mode(uint16_t m)
{
    return m == ISAKMP_ENCAP_TRANSPORT || m == ISAKMP_ENCAP_UDP_TRANSPORT ||
           m == ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT;
}

uint16_t ike_natt_encap(const struct fw_sa *sa, uint16_t configured)
{
    if (!ike_natt_in_use(sa) || (configured && configured != ISAKMP_ENCAP_TUNNEL &&
                                 !transport_mode(configured) && !udp_mode(configured)))
        return configured;
    bool draft = sa->natt.variant == ISAKMP_NATT_DRAFT;
    /* Unset means tunnel: the mode must be explicit once encapsulated. */
    if (transport_mode(configured))
        return draft ? ISAKMP_ENCAP_UDP_TRANSPORT_DRAFT : ISAKMP_ENCAP_UDP_TRANSPORT;
    return draft ? ISAKMP_ENCAP_UDP_TUNNEL_DRAFT : ISAKMP_ENCAP_UDP_TUNNEL;
}

void ike_natt_map_p2(const struct fw_sa *sa, struct isakmp_p2_proposal *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < p[i].n_protocols && j < ISAKMP_P2_MAX_PROTOCOLS; j++)
            /* IPCOMP rides inside ESP/AH: its mode follows theirs. */
            p[i].protocols[j].encap = ike_natt_encap(sa, p[i].protocols[j].encap);
}

void ike_natt_put_natoa(struct fw_ctx *c, struct isakmp_builder *b,
                        const struct isakmp_p2_proposal *p, size_t n)
{
    bool transport = false;
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < p[i].n_protocols && j < ISAKMP_P2_MAX_PROTOCOLS; j++)
            transport |= udp_mode(p[i].protocols[j].encap) && transport_mode(p[i].protocols[j].encap);
    if (!transport)
        return;
    struct isakmp_addr local, peer;
    ike_natt_orig(c->sa, &local, &peer);
    /* Initiator: NAT-OAi = our address, NAT-OAr = the peer's as we send
     * to it; responder: NAT-OAi = where the initiator's packets come
     * from, NAT-OAr = ours. */
    const struct isakmp_addr *oai = c->sa->initiator ? &local : &peer;
    const struct isakmp_addr *oar = c->sa->initiator ? &peer : &local;
    uint8_t type = c->sa->natt.variant == ISAKMP_NATT_DRAFT ? ISAKMP_PL_NAT_OA_DRAFT : ISAKMP_PL_NAT_OA;
    uint8_t idt = oai->family == 6 ? ISAKMP_ID_IPV6_ADDR : ISAKMP_ID_IPV4_ADDR;
    size_t al = oai->family == 6 ? 16 : 4;
    isakmp_build_nat_oa(b, type, idt, oai->addr, al);
    isakmp_build_nat_oa(b, type, idt, oar->addr, al);
}

void ike_natt_child(const struct fw_sa *sa, struct fw_child *child)
{
    child->natt = sa->natt.variant;
    child->udp_encap = false;
    for (unsigned i = 0; i < child->n && i < ISAKMP_P2_MAX_PROTOCOLS; i++)
        child->udp_encap |= udp_mode(child->p[i].alg.encap);
    child->local = sa->local;
    child->peer = sa->peer;
}
