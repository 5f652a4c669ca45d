/* Link layer -> IP -> UDP, with every length checked against the
 * captured bytes (a capture file is as hostile as the network).  IP
 * fragments go to the reassembly table; what it completes comes back
 * through on_reassembled and continues as an ordinary datagram. */
#include "frame_udp.h"
#include "isakmp/wire.h"

#include <pcap/pcap.h>
#include <string.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define IPPROTO_UDP_ 17
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_DSTOPTS 60

static struct pcap_udp datagram_at(const struct frame_udp_reader *rd)
{
    struct pcap_udp d;
    memset(&d, 0, sizeof d);
    d.frame = rd->frame;
    d.ts_sec = rd->ts_sec;
    d.ts_usec = rd->ts_usec;
    d.truncated = rd->cut;
    return d;
}

/* UDP header + payload, bounded by the IP payload length. */
static int udp(struct frame_udp_reader *rd, struct pcap_udp *d, const uint8_t *p, size_t n)
{
    if (n < 8)
        return 0;
    d->sport = isakmp_get16(p);
    d->dport = isakmp_get16(p + 2);
    size_t ulen = isakmp_get16(p + 4);
    if (ulen < 8)
        return 0;
    if (ulen > n) {
        d->truncated = true;
        ulen = n;
    }
    d->payload = p + 8;
    d->len = ulen - 8;
    return rd->fn(rd->ctx, d);
}

/* Skip the IPv6 extension headers that may precede UDP (hop-by-hop,
 * routing, destination options; at most 8).  false when one is cut. */
static bool skip_ipv6_ext(uint8_t *next, const uint8_t **q, size_t *left)
{
    for (int hops = 0; hops < 8; hops++) {
        if (*next != IP6_HOPOPTS && *next != IP6_ROUTING && *next != IP6_DSTOPTS)
            return true;
        if (*left < 8)
            return false;
        size_t hl = ((size_t)(*q)[1] + 1) * 8;
        if (hl > *left)
            return false;
        *next = (*q)[0];
        *q += hl;
        *left -= hl;
    }
    return true;
}

/* A datagram completed by the reassembly table, or given up on. */
static int on_reassembled(void *ctx, const struct ipr_result *res)
{
    struct frame_udp_reader *rd = ctx;
    struct pcap_udp d = datagram_at(rd);
    const struct ipr_key *k = res->key;
    d.truncated = false; /* a cut fragment abandons the datagram */
    d.family = k->family;
    memcpy(d.src, k->src, k->family == 6 ? 16 : 4);
    memcpy(d.dst, k->dst, k->family == 6 ? 16 : 4);
    d.frag_frames = res->frames;
    d.frag_count = res->nframes;
    d.ip_id = k->id;
    d.frag_duplicates = res->duplicates;
    uint8_t next = k->proto;
    const uint8_t *q = res->data;
    size_t left = q ? res->len : 0;
    /* (a Fragment header inside a reassembled datagram stops here: no
     * nested reassembly) */
    bool whole = k->family != 6 || skip_ipv6_ext(&next, &q, &left);
    if (res->dropped) {
        d.frag_dropped = res->dropped;
        d.frag_straggler = res->straggler;
        if (whole && next == IPPROTO_UDP_ && left >= 4) {
            d.sport = isakmp_get16(q);
            d.dport = isakmp_get16(q + 2);
        }
        return rd->fn(rd->ctx, &d);
    }
    if (!whole || next != IPPROTO_UDP_)
        return 0;
    return udp(rd, &d, q, left);
}

static int ipv4(struct frame_udp_reader *rd, const uint8_t *p, size_t n)
{
    if (n < 20 || (p[0] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(p[0] & 15) * 4;
    size_t total = isakmp_get16(p + 2);
    if (ihl < 20 || total < ihl || ihl > n)
        return 0;
    bool cut = total > n;
    if (cut)
        total = n;
    if (p[9] != IPPROTO_UDP_)
        return 0;
    struct pcap_udp d = datagram_at(rd);
    d.family = 4;
    memcpy(d.src, p + 12, 4);
    memcpy(d.dst, p + 16, 4);
    uint16_t frag = isakmp_get16(p + 6);
    if ((frag & 0x2000) || (frag & 0x1fff)) {
        struct ipr_key key = { .family = 4, .proto = IPPROTO_UDP_, .id = isakmp_get16(p + 4) };
        memcpy(key.src, p + 12, 4);
        memcpy(key.dst, p + 16, 4);
        struct ipr_fragment f = {
            .frame = rd->frame,
            .ts_usec = rd->now_usec,
            .offset = (size_t)(frag & 0x1fff) * 8,
            .more = (frag & 0x2000) != 0,
            .truncated = cut,
            .data = p + ihl,
            .len = total - ihl,
        };
        return ipr_add(rd->ipr, &key, &f, on_reassembled, rd);
    }
    d.truncated |= cut;
    return udp(rd, &d, p + ihl, total - ihl);
}

static int ipv6(struct frame_udp_reader *rd, const uint8_t *p, size_t n)
{
    if (n < 40 || (p[0] >> 4) != 6)
        return 0;
    struct pcap_udp d = datagram_at(rd);
    size_t plen = isakmp_get16(p + 4);
    bool cut = plen > n - 40;
    if (cut) {
        d.truncated = true;
        plen = n - 40;
    }
    d.family = 6;
    memcpy(d.src, p + 8, 16);
    memcpy(d.dst, p + 24, 16);
    uint8_t next = p[6];
    const uint8_t *q = p + 40;
    size_t left = plen;
    for (int hops = 0; hops < 8; hops++) {
        if (!skip_ipv6_ext(&next, &q, &left))
            return 0;
        if (next != IP6_FRAGMENT)
            break;
        if (left < 8)
            return 0;
        uint16_t off = isakmp_get16(q + 2);
        uint8_t inner = q[0];
        uint32_t id = isakmp_get32(q + 4);
        q += 8;
        left -= 8;
        next = inner;
        /* offset 0 without M: an "atomic fragment" (RFC 6946), a whole datagram */
        if ((off & 0xfff8) == 0 && !(off & 1))
            continue;
        if (inner != IPPROTO_UDP_ && inner != IP6_DSTOPTS)
            return 0;
        struct ipr_key key = { .family = 6, .proto = inner, .id = id };
        memcpy(key.src, p + 8, 16);
        memcpy(key.dst, p + 24, 16);
        struct ipr_fragment f = {
            .frame = rd->frame,
            .ts_usec = rd->now_usec,
            .offset = off & 0xfff8,
            .more = (off & 1) != 0,
            .truncated = cut,
            .data = q,
            .len = left,
        };
        return ipr_add(rd->ipr, &key, &f, on_reassembled, rd);
    }
    if (next != IPPROTO_UDP_)
        return 0;
    return udp(rd, &d, q, left);
}

static int by_ethertype(struct frame_udp_reader *rd, uint16_t et, const uint8_t *p, size_t n)
{
    if (et == 0x0800)
        return ipv4(rd, p, n);
    if (et == 0x86dd)
        return ipv6(rd, p, n);
    return 0;
}

static int link_layer(struct frame_udp_reader *rd, const uint8_t *p, size_t n)
{
    switch (rd->dlt) {
    case DLT_EN10MB: {
        if (n < 14)
            return 0;
        uint16_t et = isakmp_get16(p + 12);
        size_t off = 14;
        /* 802.1Q / 802.1ad tags, at most two */
        for (int i = 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++) {
            if (n < off + 4)
                return 0;
            et = isakmp_get16(p + off + 2);
            off += 4;
        }
        return by_ethertype(rd, et, p + off, n - off);
    }
    case DLT_LINUX_SLL:
        if (n < 16)
            return 0;
        return by_ethertype(rd, isakmp_get16(p + 14), p + 16, n - 16);
    case DLT_LINUX_SLL2:
        if (n < 20)
            return 0;
        return by_ethertype(rd, isakmp_get16(p), p + 20, n - 20);
    case DLT_RAW:
        if (n < 1)
            return 0;
        return (p[0] >> 4) == 4 ? ipv4(rd, p, n) : ipv6(rd, p, n);
    case DLT_IPV4:
        return ipv4(rd, p, n);
    case DLT_IPV6:
        return ipv6(rd, p, n);
    case DLT_PPP:
    case DLT_PPP_HDLC_FRAMED:
        if (n >= 4 && p[0] == 0xff && p[1] == 0x03) {
            p += 2;
            n -= 2;
        }
        if (n < 2)
            return 0;
        if (isakmp_get16(p) == 0x0021)
            return ipv4(rd, p + 2, n - 2);
        if (isakmp_get16(p) == 0x0057)
            return ipv6(rd, p + 2, n - 2);
        return 0;
    case DLT_NULL:
    case DLT_LOOP: {
        if (n < 4)
            return 0;
        /* The family is in host order (NULL) or network order (LOOP):
         * accept both; 2 = AF_INET, 24/28/30 = AF_INET6 on the BSDs, 10 Linux. */
        uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t be = isakmp_get32(p);
        uint32_t fam = le < 256 ? le : be;
        if (fam == 2)
            return ipv4(rd, p + 4, n - 4);
        if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
            return ipv6(rd, p + 4, n - 4);
        return 0;
    }
    default:
        return 0;
    }
}

bool frame_udp_dlt_supported(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
    case DLT_IPV4: case DLT_IPV6: case DLT_PPP: case DLT_PPP_HDLC_FRAMED:
    case DLT_NULL: case DLT_LOOP:
        return true;
    default:
        return false;
    }
}

bool frame_udp_init(struct frame_udp_reader *rd, int dlt, pcap_udp_fn fn, void *ctx,
                    const struct ipr_limits *limits)
{
    memset(rd, 0, sizeof *rd);
    rd->dlt = dlt;
    rd->fn = fn;
    rd->ctx = ctx;
    rd->ipr = ipr_new(limits);
    return rd->ipr != NULL;
}

int frame_udp_parse(struct frame_udp_reader *rd, unsigned frame, long long ts_sec, long ts_usec,
                    const uint8_t *data, size_t caplen, size_t wirelen)
{
    rd->frame = frame;
    rd->ts_sec = ts_sec;
    rd->ts_usec = ts_usec;
    rd->cut = caplen < wirelen;
    /* Bounded, so the arithmetic cannot overflow on a hostile timestamp
     * (capture time only ages fragments). */
    long long s = ts_sec < 0 ? 0 : ts_sec > 4000000000000LL ? 4000000000000LL : ts_sec;
    long long us = ts_usec < 0 || ts_usec > 999999999L ? 0 : ts_usec;
    rd->now_usec = s * 1000000 + us;
    int rc = ipr_expire(rd->ipr, frame, rd->now_usec, on_reassembled, rd);
    if (rc)
        return rc;
    return link_layer(rd, data, caplen);
}

int frame_udp_done(struct frame_udp_reader *rd, bool report)
{
    int rc = 0;
    if (rd->ipr && report)
        rc = ipr_flush(rd->ipr, on_reassembled, rd);
    ipr_free(rd->ipr);
    rd->ipr = NULL;
    return rc;
}
