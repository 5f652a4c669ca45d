/* Reading UDP datagrams from a capture file with libpcap, for
 * `isakmp decode`.  Link types: Ethernet (with VLAN tags), Linux cooked
 * SLL and SLL2, raw IP (DLT_RAW, IPV4, IPV6), PPP, BSD null/loopback.
 * IPv4 and IPv6 (skipping the usual extension headers), with IP fragments
 * reassembled (cli/ip_reassembly.h says how, and what is dropped).
 * The parsing of one frame is in cli/frame_udp.c; this file only reads
 * the file. */
#ifndef CLI_PCAP_UDP_H
#define CLI_PCAP_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcap_udp {
    unsigned frame;            /* 1-based, as Wireshark numbers frames; for a reassembled
                                * datagram the frame that completed it */
    long long ts_sec;
    long ts_usec;
    int family;                /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;     /* 0 when unknown (a dropped datagram without its first fragment) */
    bool truncated;            /* snap length cut the datagram */
    const uint8_t *payload;    /* UDP payload (valid during the callback only) */
    size_t len;
    /* Fragmented datagrams: the frames of its fragments in offset order
     * (frag_count 0 when the datagram was not fragmented), the IP
     * identification, and exact duplicate fragments ignored. */
    const unsigned *frag_frames;
    size_t frag_count;
    uint32_t ip_id;
    unsigned frag_duplicates;
    /* Set when fragments could NOT be reassembled: why (a static string);
     * payload is NULL.  frag_frames lists the fragments given up on;
     * frag_straggler marks one late fragment of a datagram reported before. */
    const char *frag_dropped;
    bool frag_straggler;
};

/* Called for every UDP datagram (reassembled when fragmented) and every
 * set of fragments given up on (frag_dropped set); return non-zero to
 * stop. */
typedef int (*pcap_udp_fn)(void *ctx, const struct pcap_udp *d);

/* Read `path`; 0 when the whole file was read, -1 on error (message in
 * errbuf), or the callback's non-zero value. *frames gets the number of
 * frames seen.  Incomplete datagrams are reported (frag_dropped) at the
 * end of the file. */
int pcap_udp_read(const char *path, pcap_udp_fn fn, void *ctx, unsigned *frames, char *errbuf,
                  size_t errlen);

/* Address as text ("192.0.2.1" or "2001:db8::1"). */
void pcap_udp_addr(int family, const uint8_t *addr, char *out, size_t cap);

#endif
