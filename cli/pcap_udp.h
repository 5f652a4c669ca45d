/* Reading UDP datagrams from a capture file with libpcap, for
 * `isakmp decode`.  Link types: Ethernet (with VLAN tags), Linux cooked
 * SLL and SLL2, raw IP (DLT_RAW, IPV4, IPV6), PPP, BSD null/loopback.
 * IPv4 and IPv6 (skipping the usual extension headers).  IP fragments are
 * reported, not reassembled. */
#ifndef CLI_PCAP_UDP_H
#define CLI_PCAP_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcap_udp {
    unsigned frame;            /* 1-based, as Wireshark numbers frames */
    long long ts_sec;
    long ts_usec;
    int family;                /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    bool fragment;             /* an IP fragment: payload is NOT a whole datagram */
    bool truncated;            /* snap length cut the datagram */
    const uint8_t *payload;    /* UDP payload (valid during the callback only) */
    size_t len;
};

/* Called for every UDP datagram (and every IP fragment, with fragment set
 * and no ports when it is not the first); return non-zero to stop. */
typedef int (*pcap_udp_fn)(void *ctx, const struct pcap_udp *d);

/* Read `path`; 0 when the whole file was read, -1 on error (message in
 * errbuf), or the callback's non-zero value. *frames gets the number of
 * frames seen. */
int pcap_udp_read(const char *path, pcap_udp_fn fn, void *ctx, unsigned *frames, char *errbuf,
                  size_t errlen);

/* Address as text ("192.0.2.1" or "2001:db8::1"). */
void pcap_udp_addr(int family, const uint8_t *addr, char *out, size_t cap);

#endif
