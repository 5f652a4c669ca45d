/* Reading a capture file with libpcap; each frame is parsed by
 * cli/frame_udp.c (link layer, IP with reassembly, UDP). */
#include "pcap_udp.h"

#include "frame_udp.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

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
    if (!frame_udp_dlt_supported(dlt)) {
        snprintf(errbuf, errlen, "unsupported link type %d (%s)", dlt,
                 pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
        pcap_close(pc);
        return -1;
    }
    struct frame_udp_reader rd;
    if (!frame_udp_init(&rd, dlt, fn, ctx, NULL)) {
        snprintf(errbuf, errlen, "out of memory");
        pcap_close(pc);
        return -1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = 0, r;
    while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
        rc = frame_udp_parse(&rd, ++*frames, (long long)h->ts.tv_sec, (long)h->ts.tv_usec, data,
                             h->caplen, h->len);
        if (rc)
            break;
    }
    if (r == -1 && rc == 0) {
        snprintf(errbuf, errlen, "%s", pcap_geterr(pc));
        rc = -1;
    }
    /* datagrams still incomplete are reported when the file was read to
     * its end (not after a stop or a read error) */
    int done = frame_udp_done(&rd, rc == 0);
    if (rc == 0)
        rc = done;
    pcap_close(pc);
    return rc;
}

void pcap_udp_addr(int family, const uint8_t *addr, char *out, size_t cap)
{
    if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)cap))
        snprintf(out, cap, "?");
}
