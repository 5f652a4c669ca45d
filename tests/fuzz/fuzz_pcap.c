/* libFuzzer target: the capture reader of `isakmp decode` below libpcap --
 * link layer, IPv4/IPv6 with extension headers, IP fragment reassembly
 * (cli/ip_reassembly.c), UDP -- on a sequence of hostile frames.
 *
 * Input: byte 0 picks the link type, byte 1 the reassembly limits (0 =
 * the defaults; otherwise tiny ones, so eviction, expiry and the fragment
 * limit are reached), then frames, each as
 *     len (2 bytes, big-endian), step (1 byte), len bytes of frame
 * where step & 0x3f is the capture time since the previous frame in
 * seconds and step & 0x80 marks the frame as cut by the snap length.
 * Every reported datagram is read to its end (ASan checks the bounds) and
 * checked against the reader's promises.  The Makefile links
 * cli/frame_udp.c and cli/ip_reassembly.c into this target. */
#include "../../cli/frame_udp.h"
#include "../../cli/ip_reassembly.h"

#include <pcap/pcap.h>
#include <string.h>

#include <stdint.h>
#include <stdlib.h>

static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
                            DLT_IPV6, DLT_PPP, DLT_PPP_HDLC_FRAMED, DLT_NULL, DLT_LOOP };

struct seen {
    unsigned frame;            /* the frame being parsed */
    unsigned datagrams;
    volatile uint8_t sink;
};

static int on_datagram(void *ctx, const struct pcap_udp *d)
{
    struct seen *s = ctx;
    s->datagrams++;
    if (d->frame != s->frame)
        abort(); /* reported at the frame being parsed (or the last, at the end) */
    if (d->family != 4 && d->family != 6)
        abort();
    if (d->frag_dropped) {
        if (d->payload || d->frag_count == 0)
            abort(); /* a drop names its fragments, and has no payload */
    } else {
        if (!d->payload && d->len)
            abort();
        if (d->len > 65535)
            abort();
        uint8_t x = 0;
        for (size_t i = 0; i < d->len; i++)
            x ^= d->payload[i];
        s->sink = x;
    }
    for (size_t i = 0; i < d->frag_count; i++)
        if (d->frag_frames[i] == 0 || d->frag_frames[i] > s->frame)
            abort(); /* fragments come from frames already read */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
    struct ipr_limits tiny = {
        .max_pending = 1 + (data[1] & 3),
        .max_fragments = 1 + ((data[1] >> 2) & 7),
        .max_len = 64 + (size_t)(data[1] >> 5) * 4096,
        .max_age_frames = 1 + ((data[1] >> 5) & 3),
        .max_age_usec = 1000000LL * (1 + (data[1] >> 7)),
    };
    struct seen s = { 0 };
    struct frame_udp_reader rd;
    if (!frame_udp_init(&rd, dlt, on_datagram, &s, data[1] ? &tiny : NULL))
        return 0;
    size_t pos = 2;
    long long ts = 1700000000;
    while (size - pos >= 3) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        uint8_t step = data[pos + 2];
        pos += 3;
        size_t cap = len < size - pos ? len : size - pos;
        ts += step & 0x3f;
        /* an exact-size copy: a read past the frame is caught by ASan */
        uint8_t *frame = malloc(cap ? cap : 1);
        if (!frame)
            break;
        if (cap)
            memcpy(frame, data + pos, cap);
        s.frame++;
        frame_udp_parse(&rd, s.frame, ts, (long)(step & 0x40 ? 999999 : 0), frame, cap,
                        (step & 0x80) ? cap + 100 : cap);
        free(frame);
        pos += cap;
    }
    frame_udp_done(&rd, true);
    return 0;
}
