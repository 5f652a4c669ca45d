/* What an engine may negotiate: identities, credentials, proposals,
 * lifetimes.  Plain data the caller fills in; the engine copies what it
 * keeps (see isakmp_engine_new), so none of it needs to outlive the call.
 *
 * Algorithm numbers are the IANA/RFC values themselves (RFC 2409
 * Appendix A for phase 1, RFC 2407 §4.4 and §4.5 for phase 2), so a
 * proposal reads the same here, in a pcap and in Wireshark. */
#ifndef ISAKMP_POLICY_H
#define ISAKMP_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/registry.h"

/* ---- addresses -------------------------------------------------------- */

/* A transport address.  family is 4 or 6; addr holds 4 or 16 bytes in
 * network order; port in host order (500 normally). */
struct isakmp_addr {
    uint8_t family;
    uint8_t addr[16];
    uint16_t port;
};

/* Convenience: build an IPv4 address a.b.c.d:port. */
struct isakmp_addr isakmp_addr_v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
                                  uint16_t port);
/* True when family, address bytes and port are equal. */
bool isakmp_addr_equal(const struct isakmp_addr *x, const struct isakmp_addr *y);

/* ---- identities (RFC 2407 §4.6.2) -------------------------------------- */

/* ID types are the ISAKMP_ID_* values of isakmp/registry.h; 0 means
 * "not set". */
enum { ISAKMP_ID_NONE = 0 };

#define ISAKMP_ID_MAX 256

/* An identity as carried in an ID payload: type, protocol/port (used by
 * Quick Mode client IDs; 0 in phase 1 unless configured) and the
 * identification data (e.g. 4 address bytes, or 4 address + 4 mask bytes
 * for a subnet, or the FQDN text without a terminating NUL). */
struct isakmp_identity {
    uint8_t type;                  /* ISAKMP_ID_* */
    uint8_t protocol;              /* IP protocol, 0 = any */
    uint16_t port;                 /* 0 = any */
    uint16_t len;                  /* bytes used in data, <= ISAKMP_ID_MAX */
    uint8_t data[ISAKMP_ID_MAX];
};

/* ---- phase 1 (ISAKMP SA) proposals ------------------------------------- */

/* Authentication methods: ISAKMP_AUTH_* of isakmp/registry.h. */

/* One phase-1 transform: a complete choice of algorithms.  A list of
 * these, in order of preference, is a phase-1 proposal set (RFC 2409
 * §5: one proposal payload, several transforms).
 *   cipher:   1 DES-CBC, 5 3DES-CBC, 7 AES-CBC (key_bits 128/192/256)
 *   hash:     1 MD5, 2 SHA1, 4 SHA2-256, 5 SHA2-384, 6 SHA2-512
 *   group:    a group number the DH layer knows (2, 5, 14, 19 ...)
 *   lifetime: 0 means "do not send the attribute" (the RFC default of
 *             8 hours applies). */
struct isakmp_p1_transform {
    uint16_t cipher;
    uint16_t key_bits;             /* 0 for fixed-length ciphers */
    uint16_t hash;
    uint16_t auth;                 /* ISAKMP_AUTH_* */
    uint16_t group;
    uint32_t life_seconds;
    uint32_t life_kbytes;
};

/* ---- phase 2 (IPsec SA) proposals ------------------------------------- */

/* Protocols: ISAKMP_PROTO_AH / _ESP / _IPCOMP of isakmp/registry.h. */

/* One protocol inside a phase-2 proposal.
 *   protocol:  ISAKMP_PROTO_AH, _ESP or _IPCOMP
 *   transform: the protocol's transform ID (ESP: 3 3DES, 12 AES-CBC,
 *              11 NULL; AH: 2 MD5, 3 SHA, 5 SHA2-256; IPCOMP: 2 DEFLATE)
 *   auth:      the Authentication Algorithm attribute (1 HMAC-MD5,
 *              2 HMAC-SHA1, 5 HMAC-SHA2-256; 0 = none)
 *   encap:     1 tunnel, 2 transport (0 = not sent) */
struct isakmp_p2_protocol {
    uint8_t protocol;
    uint8_t transform;
    uint16_t key_bits;
    uint16_t auth;
    uint16_t encap;
};

#define ISAKMP_P2_MAX_PROTOCOLS 3

/* A phase-2 proposal: one bundle of protocols (e.g. ESP alone, or
 * AH + ESP, or ESP + IPCOMP) that must be taken together.  A list of
 * these, in order of preference, is what a policy offers. */
struct isakmp_p2_proposal {
    uint8_t n_protocols;
    struct isakmp_p2_protocol protocols[ISAKMP_P2_MAX_PROTOCOLS];
    uint16_t pfs_group;            /* 0: no PFS; else the Group Description */
    uint32_t life_seconds;         /* 0: attribute not sent */
    uint32_t life_kbytes;
};

/* ---- credentials -------------------------------------------------------- */

/* A pre-shared key, found by the peer's identity (when id.type != 0) or
 * else by the peer's IP address (port ignored); an entry with neither
 * (id.type 0, addr.family 0) is a wildcard, used for any peer when no
 * other entry matches.  Main Mode PSK can only use the address: the
 * peer's identity arrives encrypted under a key that depends on the PSK
 * (RFC 2409 §5.4). */
struct isakmp_psk {
    struct isakmp_identity id;
    struct isakmp_addr addr;
    const uint8_t *key;
    size_t key_len;
};

/* A peer's RSA public key (RFC 2409 §5.1 signatures), found like a PSK:
 * by the identity the peer sends when id.type != 0, else by address.
 * The key (isakmp/rsa.h) is not copied: it must outlive the engine. */
struct isakmp_rsa_key;
struct isakmp_rsa_peer {
    struct isakmp_identity id;
    struct isakmp_addr addr;
    const struct isakmp_rsa_key *key;
};

#endif
