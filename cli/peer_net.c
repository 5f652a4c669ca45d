/* UDP sockets of `isakmp peer` (see peer_net.h). */
#include "peer_net.h"
#include "isakmp/natt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bind_udp(const struct isakmp_addr *a, uint16_t port, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    memcpy(&sin.sin_addr, a->addr, 4);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
        char ip[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, a->addr, ip, sizeof ip);
        snprintf(err, errlen, "bind %s:%u: %s", ip, port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int peer_net_open(struct peer_net *n, const struct isakmp_addr *local, uint16_t natt_port,
                  char *err, size_t errlen)
{
    n->fd = n->fd_natt = -1;
    n->local = *local;
    n->natt_port = natt_port;
    if (local->family != 4) {
        snprintf(err, errlen, "only IPv4 local addresses are supported");
        return -1;
    }
    n->fd = bind_udp(local, local->port, err, errlen);
    if (n->fd < 0) return -1;
    if (natt_port) {
        n->fd_natt = bind_udp(local, natt_port, err, errlen);
        if (n->fd_natt < 0) {
            close(n->fd);
            n->fd = -1;
            return -1;
        }
    }
    return 0;
}

void peer_net_close(struct peer_net *n)
{
    if (n->fd >= 0) close(n->fd);
    if (n->fd_natt >= 0) close(n->fd_natt);
    n->fd = n->fd_natt = -1;
}

ssize_t peer_net_recv(struct peer_net *n, int fd, uint8_t *buf, size_t cap,
                      struct isakmp_addr *from, struct isakmp_addr *to,
                      const uint8_t **ike, size_t *ike_len)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof sin;
    ssize_t r = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&sin, &sl);
    if (r < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
    if (sin.sin_family != AF_INET) return 0;
    memset(from, 0, sizeof *from);
    from->family = 4;
    memcpy(from->addr, &sin.sin_addr, 4);
    from->port = ntohs(sin.sin_port);
    *to = n->local;
    *ike = buf;
    *ike_len = (size_t)r;
    if (fd == n->fd_natt) {
        to->port = n->natt_port;
        /* RFC 3948: a keepalive is one 0xff byte; ESP starts with a
         * nonzero SPI; IKE with four zero bytes (stripped here). */
        if (isakmp_natt_classify(buf, (size_t)r, ike, ike_len) != ISAKMP_NATT_IKE) {
            *ike = NULL;
            *ike_len = 0;
        }
    }
    return r;
}

int peer_net_send(struct peer_net *n, const uint8_t *bytes, size_t len,
                  const struct isakmp_addr *from, const struct isakmp_addr *to,
                  const uint8_t **wire, size_t *wire_len)
{
    static uint8_t buf[PEER_NET_MAX_DGRAM];
    if (to->family != 4 || len > sizeof buf - 4) {
        errno = EINVAL;
        return -1;
    }
    bool natt = n->fd_natt >= 0 && from->port == n->natt_port;
    /* From the NAT-T port: the non-ESP marker (RFC 3948 §2.2), except on
     * a keepalive (one 0xFF byte, §2.3). */
    size_t wl = natt ? isakmp_natt_wrap(bytes, len, buf, sizeof buf) : len;
    if (!natt) memcpy(buf, bytes, len);
    if (!wl) {
        errno = EINVAL;
        return -1;
    }
    *wire = buf;
    *wire_len = wl;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(to->port);
    memcpy(&sin.sin_addr, to->addr, 4);
    ssize_t r = sendto(natt ? n->fd_natt : n->fd, buf, wl, 0, (struct sockaddr *)&sin,
                       sizeof sin);
    return r < 0 ? -1 : 0;
}
