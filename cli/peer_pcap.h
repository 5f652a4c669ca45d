/* `isakmp peer --pcap FILE`: every datagram we send or receive, written
 * as it was on the wire (UDP payload, with the non-ESP marker on port
 * 4500) under synthesized IPv4 and UDP headers (link type raw IP), so
 * Wireshark and tshark dissect and decrypt it like a real capture. */
#ifndef CLI_PEER_PCAP_H
#define CLI_PEER_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp/policy.h"

struct peer_pcap;

/* Create (truncate) path.  NULL with a message in err on failure. */
struct peer_pcap *peer_pcap_open(const char *path, char *err, size_t errlen);

/* Append one datagram from -> to.  IPv4 only (others are skipped);
 * flushed at once so that a capture can be read while we run. */
void peer_pcap_write(struct peer_pcap *p, const uint8_t *payload, size_t len,
                     const struct isakmp_addr *from, const struct isakmp_addr *to);

/* Close the file.  NULL is allowed. */
void peer_pcap_close(struct peer_pcap *p);

#endif
