/* `isakmp peer`: the UDP sockets.  Port 500 always; the NAT-T port
 * (4500) when configured, where IKE messages carry the 4-byte non-ESP
 * marker (RFC 3948 §2.2) and anything else is ESP-in-UDP, not ours. */
#ifndef CLI_PEER_NET_H
#define CLI_PEER_NET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "isakmp/policy.h"

#define PEER_NET_MAX_DGRAM 65535

struct peer_net {
    int fd;                         /* bound to local (port 500 unless configured) */
    int fd_natt;                    /* bound to local:natt_port, or -1 */
    struct isakmp_addr local;
    uint16_t natt_port;
};

/* Bind the sockets (non-blocking).  0, or -1 with a message in err. */
int peer_net_open(struct peer_net *n, const struct isakmp_addr *local, uint16_t natt_port,
                  char *err, size_t errlen);
void peer_net_close(struct peer_net *n);

/* Read one datagram from fd into buf.  Returns the number of bytes as
 * received (the wire form, marker included), 0 when there was nothing to
 * read, -1 on an error worth reporting.  *ike and *ike_len give the part
 * for the engine (after the marker on the NAT-T socket); *ike is NULL
 * when the datagram is not IKE (ESP-in-UDP, a NAT keepalive).. */
ssize_t peer_net_recv(struct peer_net *n, int fd, uint8_t *buf, size_t cap,
                      struct isakmp_addr *from, struct isakmp_addr *to,
                      const uint8_t **ike, size_t *ike_len);

/* Send an engine datagram: through the NAT-T socket with the marker
 * when from->port is the NAT-T port, else through the main socket.
 * *wire and *wire_len receive what went out (for the pcap), valid until the
 * next call.  0 or -1 (errno set). */
int peer_net_send(struct peer_net *n, const uint8_t *bytes, size_t len,
                  const struct isakmp_addr *from, const struct isakmp_addr *to,
                  const uint8_t **wire, size_t *wire_len);

#endif
