/* Link layer -> IP -> UDP, with every length checked against the
 * captured bytes (a capture file is as hostile as the network). */
#include "pcap_udp.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* UDP header + payload, bounded by the IP payload length. */
static int udp(struct pcap_udp *d, const uint8_t *p, size_t n, pcap_udp_fn fn, void *ctx)
{
    if (d->fragment)
        return fn(ctx, d);
    if (n < 8)
        return 0;
    d->sport = get16(p);
    d->dport = get16(p + 2);
    size_t ulen = get16(p + 4);
    if (ulen < 8)
        return 0;
    if (ulen > n) {
        d->truncated = true;
        ulen = n;
    }
    d->payload = p + 8;
    d->len = ulen - 8;
    return fn(ctx, d);
}

static int ipv4(struct pcap_udp *d, const uint8_t *p, size_t n, pcap_udp_fn fn, void *ctx)
{
    if (n < 20 || (p[0] >> 4) != 4)
        return 0;
    size_t ihl = (size_t)(p[0] & 15) * 4;
    size_t total = get16(p + 2);
    if (ihl < 20 || total < ihl || ihl > n)
        return 0;
    if (total > n) {
        d->truncated = true;
        total = n;
    }
    if (p[9] != 17)
        return 0;
    d->family = 4;
    memcpy(d->src, p + 12, 4);
    memcpy(d->dst, p + 16, 4);
    uint16_t frag = get16(p + 6);
    if ((frag & 0x2000) || (frag & 0x1fff)) {
        d->fragment = true;
        d->payload = p + ihl;
        d->len = total - ihl;
        /* The first fragment still carries the UDP ports. */
        if ((frag & 0x1fff) == 0 && total - ihl >= 8) {
            d->sport = get16(p + ihl);
            d->dport = get16(p + ihl + 2);
        }
    }
    return udp(d, p + ihl, total - ihl, fn, ctx);
}

static int ipv6(struct pcap_udp *d, const uint8_t *p, size_t n, pcap_udp_fn fn, void *ctx)
{
    if (n < 40 || (p[0] >> 4) != 6)
        return 0;
    size_t plen = get16(p + 4);
    if (plen > n - 40) {
        d->truncated = true;
        plen = n - 40;
    }
    d->family = 6;
    memcpy(d->src, p + 8, 16);
    memcpy(d->dst, p + 24, 16);
    uint8_t next = p[6];
    const uint8_t *q = p + 40;
    size_t left = plen;
    /* Hop-by-hop, routing, destination options: skip; fragment: report. */
    for (int hops = 0; hops < 8; hops++) {
        if (next == 0 || next == 43 || next == 60) {
            if (left < 8)
                return 0;
            size_t hl = ((size_t)q[1] + 1) * 8;
            if (hl > left)
                return 0;
            next = q[0];
            q += hl;
            left -= hl;
        } else if (next == 44) {
            if (left < 8)
                return 0;
            uint16_t off = get16(q + 2);
            next = q[0];
            d->fragment = (off & 0xfff9) != 0 || (off & 1);
            q += 8;
            left -= 8;
            if (d->fragment) {
                d->payload = q;
                d->len = left;
                if ((off & 0xfff8) == 0 && next == 17 && left >= 8) {
                    d->sport = get16(q);
                    d->dport = get16(q + 2);
                }
                return next == 17 ? fn(ctx, d) : 0;
            }
        } else {
            break;
        }
    }
    if (next != 17)
        return 0;
    return udp(d, q, left, fn, ctx);
}

static int by_ethertype(struct pcap_udp *d, uint16_t et, const uint8_t *p, size_t n,
                        pcap_udp_fn fn, void *ctx)
{
    if (et == 0x0800)
        return ipv4(d, p, n, fn, ctx);
    if (et == 0x86dd)
        return ipv6(d, p, n, fn, ctx);
    return 0;
}

static int by_version(struct pcap_udp *d, const uint8_t *p, size_t n, pcap_udp_fn fn, void *ctx)
{
    if (n < 1)
        return 0;
    return (p[0] >> 4) == 4 ? ipv4(d, p, n, fn, ctx) : ipv6(d, p, n, fn, ctx);
}

static int frame(int dlt, struct pcap_udp *d, const uint8_t *p, size_t n, pcap_udp_fn fn,
                 void *ctx)
{
    switch (dlt) {
    case DLT_EN10MB: {
        if (n < 14)
            return 0;
        uint16_t et = get16(p + 12);
        size_t off = 14;
        /* 802.1Q / 802.1ad tags, at most two */
        for (int i = 0; i < 2 && (et == 0x8100 || et == 0x88a8); i++) {
            if (n < off + 4)
                return 0;
            et = get16(p + off + 2);
            off += 4;
        }
        return by_ethertype(d, et, p + off, n - off, fn, ctx);
    }
    case DLT_LINUX_SLL:
        if (n < 16)
            return 0;
        return by_ethertype(d, get16(p + 14), p + 16, n - 16, fn, ctx);
    case DLT_LINUX_SLL2:
        if (n < 20)
            return 0;
        return by_ethertype(d, get16(p), p + 20, n - 20, fn, ctx);
    case DLT_RAW:
        return by_version(d, p, n, fn, ctx);
    case DLT_IPV4:
        return ipv4(d, p, n, fn, ctx);
    case DLT_IPV6:
        return ipv6(d, p, n, fn, ctx);
    case DLT_PPP:
    case 50: /* PPP in HDLC-like framing */
        if (n >= 4 && p[0] == 0xff && p[1] == 0x03) {
            p += 2;
            n -= 2;
        }
        if (n < 2)
            return 0;
        if (get16(p) == 0x0021)
            return ipv4(d, p + 2, n - 2, fn, ctx);
        if (get16(p) == 0x0057)
            return ipv6(d, p + 2, n - 2, fn, ctx);
        return 0;
    case DLT_NULL:
    case DLT_LOOP: {
        if (n < 4)
            return 0;
        /* The family is in host order (NULL) or network order (LOOP):
         * accept both; 2 = AF_INET, 24/28/30 = AF_INET6 on the BSDs, 10 Linux. */
        uint32_t le = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t be = (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
        uint32_t fam = le < 256 ? le : be;
        if (fam == 2)
            return ipv4(d, p + 4, n - 4, fn, ctx);
        if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
            return ipv6(d, p + 4, n - 4, fn, ctx);
        return 0;
    }
    default:
        return 0;
    }
}

int pcap_udp_read(const char *path, pcap_udp_fn fn, void *ctx, unsigned *frames, char *errbuf,
                  size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    *frames = 0;
    pcap_t *pc = pcap_open_offline(path, perr);
    if (!pc) {
        snprintf(errbuf, errlen, "%s", perr);
        return -1;
    }
    int dlt = pcap_datalink(pc);
    switch (dlt) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_RAW:
    case DLT_IPV4: case DLT_IPV6: case DLT_PPP: case 50: case DLT_NULL: case DLT_LOOP:
        break;
    default:
        snprintf(errbuf, errlen, "unsupported link type %d (%s)", dlt,
                 pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
        pcap_close(pc);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = 0, r;
    while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
        struct pcap_udp d;
        memset(&d, 0, sizeof d);
        d.frame = ++*frames;
        d.ts_sec = (long long)h->ts.tv_sec;
        d.ts_usec = (long)h->ts.tv_usec;
        d.truncated = h->caplen < h->len;
        rc = frame(dlt, &d, data, h->caplen, fn, ctx);
        if (rc)
            break;
    }
    if (r == -1 && rc == 0) {
        snprintf(errbuf, errlen, "%s", pcap_geterr(pc));
        rc = -1;
    }
    pcap_close(pc);
    return rc;
}

void pcap_udp_addr(int family, const uint8_t *addr, char *out, size_t cap)
{
    if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)cap))
        snprintf(out, cap, "?");
}
