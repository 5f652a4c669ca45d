/* One captured frame -> the UDP datagrams in it: link layer, IPv4/IPv6
 * (extension headers skipped, fragments handed to cli/ip_reassembly.h),
 * UDP.  No libpcap calls (only its DLT_* numbers), so the parser can be
 * fuzzed on its own (tests/fuzz/fuzz_pcap.c). */
#ifndef CLI_FRAME_UDP_H
#define CLI_FRAME_UDP_H

#include "ip_reassembly.h"
#include "pcap_udp.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>

/* Link types older libpcap headers lack, and the PPP-in-HDLC number
 * (50, libpcap's DLT_PPP_SERIAL) under the name we use. */
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#define DLT_PPP_HDLC_FRAMED 50

struct frame_udp_reader {
    int dlt;                   /* link type of every frame */
    pcap_udp_fn fn;            /* receives the datagrams */
    void *ctx;
    struct ip_reassembly *ipr; /* owned: frame_udp_init / frame_udp_done */
    /* the frame being parsed */
    unsigned frame;
    long long ts_sec;
    long ts_usec;
    bool cut;                  /* caplen < len */
    long long now_usec;        /* its capture time, bounded, for ageing fragments */
};

/* True for the link types frame_udp_parse understands. */
bool frame_udp_dlt_supported(int dlt);

/* Set up a reader (reassembly limits: NULL = defaults).  false when out
 * of memory. */
bool frame_udp_init(struct frame_udp_reader *rd, int dlt, pcap_udp_fn fn, void *ctx,
                    const struct ipr_limits *limits);

/* Parse one frame of `caplen` captured bytes (`wirelen` on the wire).
 * Frames must come in capture order, numbered from 1.  Returns the
 * callback's first non-zero value, else 0. */
int frame_udp_parse(struct frame_udp_reader *rd, unsigned frame, long long ts_sec, long ts_usec,
                    const uint8_t *data, size_t caplen, size_t wirelen);

/* End of the input: report the incomplete datagrams (the callback's
 * value), then free the reader's state. */
int frame_udp_done(struct frame_udp_reader *rd, bool report);

#endif
