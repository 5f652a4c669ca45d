/* NAT traversal, the transport side (isakmp/natt.h): moving an SA to
 * the NAT-T ports, following a peer whose NAT changed its address,
 * keepalives, the non-ESP marker helpers for drivers, and the opt-in
 * plaintext event.  What NAT-D says and what Quick Mode proposes is
 * IKE's business (engine/ike/nat_t.c). */
#include "isakmp/framework.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <string.h>

/* The NAT-T vendor IDs we send, with the texts they are the MD5 of (the
 * bytes live in the Vendor ID registry, isakmp/registry.h). */
static const struct {
    const char *name;
    enum isakmp_vid vid;
} vids[] = {
    { "RFC 3947", ISAKMP_VID_RFC3947 },
    { "draft-ietf-ipsec-nat-t-ike-02", ISAKMP_VID_NATT_DRAFT_02 },
    { "draft-ietf-ipsec-nat-t-ike-02\n", ISAKMP_VID_NATT_DRAFT_02N },
    { "draft-ietf-ipsec-nat-t-ike-03", ISAKMP_VID_NATT_DRAFT_03 },
};

const uint8_t *isakmp_natt_vendor_id(unsigned index, const char **name)
{
    if (index >= sizeof vids / sizeof vids[0])
        return NULL;
    if (name)
        *name = vids[index].name;
    return isakmp_vendor_id(vids[index].vid, NULL);
}

const char *isakmp_nat_t_name(enum isakmp_nat_t m)
{
    switch (m) {
    case ISAKMP_NAT_T_OFF: return "off";
    case ISAKMP_NAT_T_ON: return "on";
    case ISAKMP_NAT_T_FORCE: return "force";
    }
    return "?";
}

const char *isakmp_natt_variant_name(enum isakmp_natt_variant v)
{
    switch (v) {
    case ISAKMP_NATT_NONE: return "none";
    case ISAKMP_NATT_RFC3947: return "rfc3947";
    case ISAKMP_NATT_DRAFT: return "draft";
    }
    return "?";
}

bool isakmp_natt_is_keepalive(const uint8_t *bytes, size_t len)
{
    return bytes && len == 1 && bytes[0] == 0xff;
}

enum isakmp_natt_kind isakmp_natt_classify(const uint8_t *bytes, size_t len,
                                           const uint8_t **ike, size_t *ike_len)
{
    *ike = NULL;
    *ike_len = 0;
    if (isakmp_natt_is_keepalive(bytes, len))
        return ISAKMP_NATT_KEEPALIVE;
    if (!bytes || len < ISAKMP_NATT_MARKER_LEN)
        return ISAKMP_NATT_INVALID;
    /* RFC 3948 §2.2: ESP starts with its (nonzero) SPI, IKE with four zeros. */
    if (bytes[0] | bytes[1] | bytes[2] | bytes[3])
        return ISAKMP_NATT_ESP;
    *ike = bytes + ISAKMP_NATT_MARKER_LEN;
    *ike_len = len - ISAKMP_NATT_MARKER_LEN;
    return ISAKMP_NATT_IKE;
}

size_t isakmp_natt_wrap(const uint8_t *bytes, size_t len, uint8_t *out, size_t cap)
{
    size_t off = isakmp_natt_is_keepalive(bytes, len) ? 0 : ISAKMP_NATT_MARKER_LEN;
    if (!out || len > cap || cap - len < off)
        return 0;
    memset(out, 0, off);
    if (len)
        memmove(out + off, bytes, len);
    return off + len;
}

uint16_t fw_natt_port(const struct isakmp_engine *e)
{
    return e->cfg.natt_port ? e->cfg.natt_port : ISAKMP_NATT_PORT;
}

static void address_event(struct isakmp_engine *e, const struct fw_sa *sa)
{
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_NAT_ADDRESS_CHANGED;
    ev.handle = sa->handle;
    ev.peer = sa->peer;
    ev.u.natt.variant = sa->natt.variant;
    ev.u.natt.local_behind = sa->natt.local_nat;
    ev.u.natt.peer_behind = sa->natt.peer_nat;
    ev.u.natt.forced = sa->natt.forced;
    ev.u.natt.local = sa->local;
    ev.u.natt.peer = sa->peer;
    fw_event(e, &ev);
}

static void keep_orig(struct fw_sa *sa)
{
    if (!sa->natt.have_orig) {
        sa->natt.orig_local = sa->local;
        sa->natt.orig_peer = sa->peer;
        sa->natt.have_orig = true;
    }
}

void fw_natt_float(struct isakmp_engine *e, struct fw_sa *sa)
{
    if (sa->natt.floated)
        return;
    keep_orig(sa);
    sa->local.port = fw_natt_port(e);
    sa->peer.port = ISAKMP_NATT_PORT;
    sa->natt.floated = true;
    address_event(e, sa);
}

bool fw_natt_follow_begin(struct isakmp_engine *e, struct fw_sa *sa,
                          const struct isakmp_addr *from, const struct isakmp_addr *to,
                          struct isakmp_addr saved[2])
{
    (void)e;
    /* Only an SA that negotiated NAT-T moves, and only within the peer's
     * address family: the message must still authenticate (the caller
     * undoes the move when it does not). */
    if (!sa->natt.variant || from->family != sa->peer.family)
        return false;
    saved[0] = sa->local;
    saved[1] = sa->peer;
    keep_orig(sa);
    sa->local = *to;
    sa->peer = *from;
    return true;
}

void fw_natt_follow_end(struct isakmp_engine *e, isakmp_handle h, bool accepted,
                        const struct isakmp_addr saved[2])
{
    struct fw_sa *sa = fw_sa_by_handle(e, h);
    if (!sa)
        return;                 /* the message ended the SA */
    if (!accepted) {
        sa->local = saved[0];
        sa->peer = saved[1];
        return;
    }
    if (sa->local.port == fw_natt_port(e))
        sa->natt.floated = true;
    address_event(e, sa);
    fw_natt_keepalive_start(e, sa, e->now);
}

static uint64_t keepalive_ns(const struct isakmp_engine *e)
{
    return e->cfg.natt_keepalive_ns ? e->cfg.natt_keepalive_ns : ISAKMP_NATT_KEEPALIVE_NS;
}

void fw_natt_keepalive_start(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now)
{
    /* RFC 3948 §4: the side behind the NAT keeps its mapping alive. */
    if (sa->state != FW_SA_ESTABLISHED || sa->natt.keepalive.idx ||
        !(sa->natt.floated || sa->local.port == fw_natt_port(e)) ||
        !(sa->natt.local_nat || sa->natt.forced))
        return;
    fw_timer_set(e, &sa->natt.keepalive, now + keepalive_ns(e));
}

void fw_natt_keepalive_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now)
{
    static const uint8_t one = 0xff;
    if (sa->state != FW_SA_ESTABLISHED)
        return;
    e->cb.send(e->user, &one, 1, &sa->local, &sa->peer);
    fw_timer_set(e, &sa->natt.keepalive, now + keepalive_ns(e));
}

void fw_event_plaintext(struct isakmp_engine *e, const struct fw_sa *sa, const uint8_t *hdr,
                        const uint8_t *chain, size_t chain_len, bool sent)
{
    if (!e->cfg.plaintext_events || !e->cb.event || chain_len > FW_MAX_MSG - ISAKMP_HDR_LEN)
        return;
    uint8_t buf[FW_MAX_MSG];
    memcpy(buf, hdr, ISAKMP_HDR_LEN);
    memcpy(buf + ISAKMP_HDR_LEN, chain, chain_len);
    buf[19] &= (uint8_t)~ISAKMP_FLAG_E;            /* flags */
    isakmp_put32(buf + 24, (uint32_t)(ISAKMP_HDR_LEN + chain_len));
    struct isakmp_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ISAKMP_EV_PLAINTEXT;
    ev.handle = sa ? sa->handle : 0;
    if (sa)
        ev.peer = sa->peer;
    ev.u.plain.bytes = buf;
    ev.u.plain.len = ISAKMP_HDR_LEN + chain_len;
    ev.u.plain.sent = sent;
    ev.u.plain.exchange_type = hdr[18];
    ev.u.plain.message_id = isakmp_get32(hdr + 20);
    fw_event(e, &ev);
    /* The plaintext may hold identities and hashes: do not leave it on the stack. */
    isakmp_wipe(buf, ISAKMP_HDR_LEN + chain_len);
}
