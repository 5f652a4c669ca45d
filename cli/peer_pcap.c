/* pcap writer for `isakmp peer` (see peer_pcap.h). */
#include "peer_pcap.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct peer_pcap {
    pcap_t *dead;
    pcap_dumper_t *dump;
    uint16_t ip_id;
};

#define IPV4_HDR 20
#define UDP_HDR 8
#define MAX_DGRAM 65507

struct peer_pcap *peer_pcap_open(const char *path, char *err, size_t errlen)
{
    struct peer_pcap *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->dead = pcap_open_dead(DLT_RAW, 65535);
    if (!p->dead) {
        snprintf(err, errlen, "pcap_open_dead failed");
        free(p);
        return NULL;
    }
    p->dump = pcap_dump_open(p->dead, path);
    if (!p->dump) {
        snprintf(err, errlen, "%s: %s", path, pcap_geterr(p->dead));
        pcap_close(p->dead);
        free(p);
        return NULL;
    }
    return p;
}

static uint16_t ip_checksum(const uint8_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

void peer_pcap_write(struct peer_pcap *p, const uint8_t *payload, size_t len,
                     const struct isakmp_addr *from, const struct isakmp_addr *to)
{
    if (!p || from->family != 4 || to->family != 4 || len > MAX_DGRAM) return;
    size_t total = IPV4_HDR + UDP_HDR + len;
    uint8_t *pkt = malloc(total);
    if (!pkt) return;
    uint8_t *ip = pkt, *udp = pkt + IPV4_HDR;
    memset(ip, 0, IPV4_HDR + UDP_HDR);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    ip[4] = (uint8_t)(p->ip_id >> 8);
    ip[5] = (uint8_t)p->ip_id;
    p->ip_id++;
    ip[6] = 0x40;                       /* don't fragment */
    ip[8] = 64;                         /* TTL */
    ip[9] = 17;                         /* UDP */
    memcpy(ip + 12, from->addr, 4);
    memcpy(ip + 16, to->addr, 4);
    uint16_t ck = ip_checksum(ip, IPV4_HDR);
    ip[10] = (uint8_t)(ck >> 8);
    ip[11] = (uint8_t)ck;
    udp[0] = (uint8_t)(from->port >> 8);
    udp[1] = (uint8_t)from->port;
    udp[2] = (uint8_t)(to->port >> 8);
    udp[3] = (uint8_t)to->port;
    udp[4] = (uint8_t)((UDP_HDR + len) >> 8);
    udp[5] = (uint8_t)(UDP_HDR + len);
    /* UDP checksum 0: "not computed", valid over IPv4 */
    memcpy(udp + UDP_HDR, payload, len);

    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    gettimeofday(&h.ts, NULL);
    h.caplen = h.len = (bpf_u_int32)total;
    pcap_dump((u_char *)p->dump, &h, pkt);
    pcap_dump_flush(p->dump);
    free(pkt);
}

void peer_pcap_close(struct peer_pcap *p)
{
    if (!p) return;
    pcap_dump_close(p->dump);
    pcap_close(p->dead);
    free(p);
}
