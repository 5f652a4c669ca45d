/* The proposal stripper (kind "strip"): an on-path attacker at a tapped
 * link end (sim/attack_onpath.c) that rewrites the SA payload of phase-1
 * message 1 (Main or Aggressive Mode, in clear), removing every transform
 * whose Group-Description is not in the `keep` set (the weak groups), and
 * every proposal left without transforms, then fixes the transform
 * counts, the next-payload fields and the payload and message lengths -
 * the Logjam-style downgrade.  An RFC-conforming responder then chooses a
 * weak group if its policy accepts one.
 *
 * RFC 2409 protects against exactly this: SAi_b, the body of the SA
 * payload *as the initiator sent it*, is an input of HASH_I (Main Mode
 * message 5) and HASH_R (Aggressive Mode message 2), so a stripped
 * exchange must fail authentication.  This attacker does nothing to hide
 * that; what the victims do is counted (LABEL.later-completed /
 * LABEL.later-failed:REASON at the responder, and the exchanges table).
 *
 * A message left unchanged is counted LABEL.skipped-WHY: encrypted or
 * malformed, no SA payload, nothing to remove (only weak transforms), or
 * nothing would remain (no weak transform: the attacker does not turn an
 * exchange into a certain failure).  In Aggressive Mode the KE of message
 * 1 already fixes the group, so all transforms share it and a message is
 * always skipped one way or the other. */
#include "world_internal.h"

#include "isakmp/registry.h"
#include "isakmp/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAME 65535
#define MAX_CHAIN 32

struct strip {
    uint32_t acted;
    uint8_t sa[MAX_FRAME];        /* the rewritten SA payload (generic header + body) */
    uint8_t out[MAX_FRAME];       /* the rewritten message */
};

static void count(struct sim_attack *a, uint32_t label, const char *what, uint64_t n)
{
    char name[48];
    sim_onpath_label_name(label, name, 24);
    size_t k = strlen(name);
    snprintf(name + k, sizeof name - k, ".%s", what);
    sim_attack_count(a, name, n);
}

/* Group-Description of a transform's attributes (p, len: after the
 * 8-byte transform header), 0 when absent; -1 when the attributes do not
 * parse. */
static int transform_group(const uint8_t *p, size_t len)
{
    size_t off = 0;
    int group = 0;
    while (off < len) {
        if (len - off < 4)
            return -1;
        uint16_t type = isakmp_get16(p + off);
        if (type & 0x8000) {                       /* TV: two-byte value */
            if ((type & 0x7fff) == ISAKMP_IKE_GROUP_DESC)
                group = isakmp_get16(p + off + 2);
            off += 4;
            continue;
        }
        size_t vlen = isakmp_get16(p + off + 2);   /* TLV */
        if (vlen > len - off - 4)
            return -1;
        off += 4 + vlen;
    }
    return group;
}

static bool kept(const struct isakmp_scn_attack *sa, int group)
{
    for (size_t i = 0; i < sa->n_keep; i++)
        if (group > 0 && sa->keep[i] == group)
            return true;
    return false;
}

/* Rewrite SA payload body `b` (blen bytes) into t->sa (with a generic
 * header whose next-payload byte is `next`).  Returns the new payload
 * length, 0 when the message is to pass unchanged (*why says why), and
 * adds the transforms removed to *removed. */
static size_t strip_sa(const struct isakmp_scn_attack *sa, struct strip *t, uint8_t next,
                       const uint8_t *b, size_t blen, uint32_t *removed, const char **why)
{
    /* IPsec DOI (RFC 2407 §4.6.1): DOI, situation; SIT_IDENTITY_ONLY has
     * no labelled-domain fields, which is all IKE uses. */
    if (blen < 8 || isakmp_get32(b) != ISAKMP_DOI_IPSEC || isakmp_get32(b + 4) != 1) {
        *why = "skipped-situation";
        return 0;
    }
    uint8_t *o = t->sa;
    size_t w = 4;
    memcpy(o + w, b, 8);
    w += 8;
    size_t off = 8, last_prop = 0;
    uint32_t n_removed = 0, n_kept = 0;
    while (off < blen) {
        if (blen - off < 8)
            goto malformed;
        const uint8_t *pp = b + off;
        size_t plen = isakmp_get16(pp + 2);
        uint8_t spi_size = pp[6], n_xf = pp[7];
        if (plen < 8u + spi_size || plen > blen - off)
            goto malformed;
        size_t prop_at = w;                        /* copy its header and SPI */
        memcpy(o + w, pp, 8u + spi_size);
        w += 8u + spi_size;
        size_t xoff = 8u + spi_size, last_xf = 0;
        uint8_t kept_here = 0;
        for (uint8_t k = 0; k < n_xf; k++) {
            if (plen - xoff < 8)
                goto malformed;
            const uint8_t *xp = pp + xoff;
            size_t xlen = isakmp_get16(xp + 2);
            if (xlen < 8 || xlen > plen - xoff)
                goto malformed;
            int g = transform_group(xp + 8, xlen - 8);
            if (g < 0)
                goto malformed;
            if (kept(sa, g)) {
                memcpy(o + w, xp, xlen);
                o[w] = ISAKMP_PL_T;                /* fixed below for the last one */
                last_xf = w;
                w += xlen;
                kept_here++;
            } else {
                n_removed++;
            }
            xoff += xlen;
        }
        if (xoff != plen)
            goto malformed;
        if (kept_here) {
            o[last_xf] = 0;
            o[prop_at] = ISAKMP_PL_P;
            o[prop_at + 7] = kept_here;
            isakmp_put16(o + prop_at + 2, (uint16_t)(w - prop_at));
            last_prop = prop_at;
            n_kept += kept_here;
        } else {
            w = prop_at;                           /* the whole proposal goes */
        }
        off += plen;
    }
    if (n_removed == 0) {
        *why = "skipped-only-weak";
        return 0;
    }
    if (n_kept == 0) {
        *why = "skipped-no-weak";
        return 0;
    }
    o[last_prop] = 0;
    o[0] = next;
    o[1] = 0;
    isakmp_put16(o + 2, (uint16_t)w);
    *removed += n_removed;
    return w;
malformed:
    *why = "skipped-malformed";
    return 0;
}

/* The message with its SA payload replaced by t->sa (sa_len bytes). */
static const char *rewrite(const struct isakmp_scn_attack *sa, struct strip *t,
                           struct isakmp_sim_tap_packet *pkt, uint32_t *removed)
{
    const uint8_t *p = pkt->data;
    size_t len = pkt->len;
    if (len < 28 || (p[19] & 1))
        return "skipped-encrypted";
    size_t total = isakmp_get32(p + 24);
    if (total < 28 || total > len)
        return "skipped-malformed";
    uint8_t next = p[16];
    size_t off = 28;
    for (int n = 0; next != 0; n++) {
        if (n == MAX_CHAIN || total - off < 4)
            return "skipped-malformed";
        size_t plen = isakmp_get16(p + off + 2);
        if (plen < 4 || plen > total - off)
            return "skipped-malformed";
        if (next != ISAKMP_PL_SA) {
            next = p[off];
            off += plen;
            continue;
        }
        const char *why = NULL;
        size_t sa_len = strip_sa(sa, t, p[off], p + off + 4, plen - 4, removed, &why);
        if (!sa_len)
            return why;
        size_t nl = len - plen + sa_len;           /* shorter: it always fits */
        memcpy(t->out, p, off);
        memcpy(t->out + off, t->sa, sa_len);
        memcpy(t->out + off + sa_len, p + off + plen, len - off - plen);
        isakmp_put32(t->out + 24, (uint32_t)(total - plen + sa_len));
        memcpy(pkt->data, t->out, nl);
        pkt->len = nl;
        return NULL;
    }
    return "skipped-no-sa";
}

static enum isakmp_sim_verdict strip_hook(struct sim_attack *a, struct isakmp_sim_tap_packet *pkt,
                                          const struct sim_onpath_frame *f)
{
    struct strip *t = a->impl;
    const struct isakmp_scn_attack *sa = a->scn;
    if (pkt->now_ns < sa->start_ns || (sa->stop_ns && pkt->now_ns >= sa->stop_ns))
        return ISAKMP_SIM_PASS;
    /* phase-1 message 1 only: the initiator's offer (a retransmission
     * keeps number 1 and is stripped again, identically) */
    if (!sim_onpath_matches(a, f) || f->number != 1 ||
        (f->exchange != ISAKMP_XCHG_IDPROT && f->exchange != ISAKMP_XCHG_AGGRESSIVE))
        return ISAKMP_SIM_PASS;
    if (sa->max_count && t->acted >= sa->max_count)
        return ISAKMP_SIM_PASS;
    uint32_t label = sim_onpath_label(f);
    uint32_t removed = 0;
    /* on UDP 4500 the message follows a non-ESP marker; message 1 is
     * sent to port 500 (RFC 3947 floats later), so it is left alone */
    const char *skip = pkt->sport == 4500 || pkt->dport == 4500 ? "skipped-nat-t"
                                                                  : rewrite(sa, t, pkt, &removed);
    if (skip) {
        count(a, label, skip, 1);
        return ISAKMP_SIM_PASS;
    }
    t->acted++;
    a->sent++;
    count(a, label, "stripped", 1);
    count(a, label, "transforms-removed", removed);
    int to = sim_node_by_addr(a->w, pkt->dst);
    if (to >= 0)
        sim_onpath_expect(a, (uint32_t)to, pkt->data, pkt->len, label);
    return ISAKMP_SIM_MODIFIED;
}

static void strip_free(struct sim_attack *a)
{
    free(a->impl);
    a->impl = NULL;
}

bool sim_attack_strip_init(struct sim_attack *a)
{
    struct strip *t = calloc(1, sizeof *t);
    if (!t)
        return false;
    a->impl = t;
    a->free_impl = strip_free;
    return sim_onpath_attach(a, strip_hook);
}
