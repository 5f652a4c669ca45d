/* IP fragment reassembly for reading captures (`isakmp decode`): IKE
 * messages with certificates are often larger than the path MTU, so
 * IKE_AUTH / Main Mode message 5 arrive as several IPv4 fragments or IPv6
 * fragments (Fragment extension header).
 *
 * Datagrams are keyed by (family, source, destination, protocol,
 * identification) as RFC 791 and RFC 8200 section 4.5 say.  Everything is
 * bounded: at most `max_pending` datagrams at once (the oldest is dropped to
 * make room), `max_fragments` fragments and `max_len` (<= 65535) bytes each;
 * a datagram not complete within `max_age_frames` frames or `max_age_usec`
 * of capture time is dropped.
 *
 * Overlaps (RFC 8200 section 4.5, applied to IPv4 too, as Linux does since
 * 2018): an exact duplicate (same offset, length and bytes) is ignored;
 * any other overlap abandons the whole datagram, because receivers resolve
 * overlaps differently (first wins, last wins) and showing one guess would
 * mislead.  Also abandoned: a second last fragment that disagrees on the
 * end, data past the end, a non-last fragment whose length is not a
 * multiple of 8, a fragment cut by the capture's snap length.  An
 * abandoned datagram is reported once; its later fragments are reported as
 * belonging to it until it ages out.
 *
 * Nothing is printed: results go to a callback. */
#ifndef CLI_IP_REASSEMBLY_H
#define CLI_IP_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipr_key {
    uint8_t family;            /* 4 or 6 */
    uint8_t proto;             /* IPv4 protocol / next header after the IPv6 Fragment header */
    uint32_t id;               /* identification: 16 bits (IPv4) or 32 bits (IPv6) */
    uint8_t src[16], dst[16];  /* IPv4: the first 4 bytes, the rest zero */
};

struct ipr_limits {
    size_t max_pending;        /* datagrams being reassembled at once */
    size_t max_fragments;      /* fragments kept per datagram (duplicates not counted) */
    size_t max_len;            /* reassembled payload bytes; capped at 65535 */
    unsigned max_age_frames;   /* frames after its first fragment before a datagram is dropped */
    long long max_age_usec;    /* capture time after its first fragment, likewise */
};

/* The defaults: 64 datagrams, 128 fragments (enough for 64 KiB at a
 * 576-byte MTU), 65535 bytes, 5000 frames, 30 s (Linux's ipfrag_time). */
extern const struct ipr_limits ipr_default_limits;

/* One fragment as captured.  `data` is the fragment's payload (after the
 * IPv4 header / the IPv6 Fragment header), `offset` in bytes. */
struct ipr_fragment {
    unsigned frame;            /* capture frame number, non-decreasing */
    long long ts_usec;         /* capture time */
    size_t offset;
    bool more;                 /* More Fragments flag */
    bool truncated;            /* the capture cut this fragment short */
    const uint8_t *data;
    size_t len;
};

/* What the table reports: a datagram completed, or one given up on. */
struct ipr_result {
    const struct ipr_key *key;
    /* NULL: complete.  Otherwise why the datagram was abandoned (a static
     * string), e.g. "overlapping fragments". */
    const char *dropped;
    /* Complete: the reassembled payload.  Dropped: the contiguous bytes
     * from offset 0 received so far (possibly none), so a caller can still
     * name the ports. */
    const uint8_t *data;
    size_t len;
    /* Frames of the fragments kept, in offset order (the order Wireshark
     * lists them); exact duplicates are not listed. */
    const unsigned *frames;
    size_t nframes;
    unsigned duplicates;       /* exact duplicates ignored */
    bool straggler;            /* dropped: a late fragment of a datagram already reported dropped */
};

/* Receives each result; everything it points to is valid during the call
 * only.  A non-zero return is passed back by ipr_add/ipr_expire/ipr_flush
 * (the state stays consistent; later calls may go on). */
typedef int (*ipr_emit_fn)(void *ctx, const struct ipr_result *r);

struct ip_reassembly;

/* A new, empty table; `limits` NULL = ipr_default_limits, zero fields take
 * the default.  NULL when out of memory.  Free with ipr_free. */
struct ip_reassembly *ipr_new(const struct ipr_limits *limits);
void ipr_free(struct ip_reassembly *r);

/* Drop (and report) the datagrams too old at (frame, ts_usec).  Call it for
 * every frame so an expiry is reported where it happens; ipr_add calls it
 * too. */
int ipr_expire(struct ip_reassembly *r, unsigned frame, long long ts_usec, ipr_emit_fn emit,
               void *ctx);

/* Add one fragment of datagram `key`.  Reports the datagram when this
 * fragment completes it, or when the fragment makes it invalid; reports a
 * dropped one when the table is full and the oldest must go; else reports
 * nothing (the fragment is copied and kept). */
int ipr_add(struct ip_reassembly *r, const struct ipr_key *key, const struct ipr_fragment *f,
            ipr_emit_fn emit, void *ctx);

/* End of capture: report every incomplete datagram as dropped and empty
 * the table. */
int ipr_flush(struct ip_reassembly *r, ipr_emit_fn emit, void *ctx);

#endif
