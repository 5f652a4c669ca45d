/* `isakmp peer`: the configuration file (libconfig syntax), read into
 * the engine's struct isakmp_config plus one struct peer_def per peer.
 * The format is documented in doc/peer-config.md and `isakmp peer --help`. */
#ifndef CLI_PEER_CONFIG_H
#define CLI_PEER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isakmp/engine.h"
#include "isakmp/rsa.h"

#define PEER_MAX_PEERS 32
#define PEER_MAX_P1 8          /* phase-1 transforms per peer */
#define PEER_MAX_P2 8          /* phase-2 proposals per peer */
#define PEER_MAX_PSK 256       /* bytes of one pre-shared key */
#define PEER_NAME_MAX 64

struct peer_def {
    char name[PEER_NAME_MAX];
    unsigned line;                          /* where it is defined, for messages */
    struct isakmp_addr addr;                /* the peer (port 500 unless set) */
    uint8_t exchange_type;                  /* ISAKMP_XCHG_IDPROT or _AGGRESSIVE */
    struct isakmp_p1_transform p1[PEER_MAX_P1];
    size_t n_p1;
    struct isakmp_p2_proposal p2[PEER_MAX_P2];
    size_t n_p2;
    uint8_t psk[PEER_MAX_PSK];
    size_t psk_len;
    struct isakmp_identity peer_id;               /* expected identity (ID_NONE: any); as
                                                   * initiator only: the engine has no
                                                   * per-peer identity check as responder */
    struct isakmp_identity client_local, client_peer;   /* Quick Mode IDs (ID_NONE: not sent) */
    uint16_t auth;                          /* ISAKMP_AUTH_PSK or ISAKMP_AUTH_RSA_SIG */
    struct isakmp_rsa_key *public_key;      /* auth rsasig: the peer's key (owned), or NULL:
                                             * its certificate, checked with the anchors */
    bool auto_start;                        /* initiate when the program starts */
    bool rekey;                             /* renew our SAs when REKEY_DUE arrives */
};

struct peer_config {
    struct isakmp_addr local;               /* bind address, port (500) */
    uint16_t natt_port;                     /* also listen here (0: not) */
    struct isakmp_config engine;            /* points into the arrays below */
    struct isakmp_psk psks[2 * PEER_MAX_PEERS];
    struct isakmp_rsa_key *private_key;     /* local.private_key (owned), or NULL */
    uint8_t *cert_der;                      /* local.certificate, DER (owned), or NULL */
    size_t cert_len;
    uint8_t *ca_pem;                        /* local.ca_certificates re-encoded as one PEM
                                             * text (owned), or NULL */
    size_t ca_pem_len;
    size_t n_anchors;
    struct isakmp_rsa_peer rsa_peers[2 * PEER_MAX_PEERS];
    struct isakmp_p1_transform p1_accept[PEER_MAX_PEERS * PEER_MAX_P1];
    struct isakmp_p2_proposal p2_accept[PEER_MAX_PEERS * PEER_MAX_P2];
    struct peer_def peers[PEER_MAX_PEERS];
    size_t n_peers;
};

/* Read and check `path`.  On error returns -1 with "FILE:LINE: message"
 * in err (the line of the offending setting when known).  The struct is
 * large: allocate it (calloc).  PSKs are copied into it, RSA keys and
 * certificates (files named relative to the configuration file's folder)
 * loaded and checked (our certificate must carry our private key's
 * public key): call peer_config_wipe before freeing.  The engine
 * configuration's cert_time_base is left 0: the driver sets it from the
 * wall clock. */
int peer_config_load(const char *path, struct peer_config *c, char *err, size_t errlen);

/* Wipe the PSKs held in c, free its RSA keys (which wipes them) and
 * certificates. */
void peer_config_wipe(struct peer_config *c);

/* The peer named `name`, or NULL. */
struct peer_def *peer_config_find(struct peer_config *c, const char *name);

/* The configured peer whose address (port ignored) is addr, or NULL. */
struct peer_def *peer_config_by_addr(struct peer_config *c, const struct isakmp_addr *addr);

/* Parse "ipv4:A.B.C.D", "fqdn:NAME", "user:NAME@DOMAIN", "keyid:HEX",
 * "dn:C=CH, O=Lab, CN=gw" (ID_DER_ASN1_DN, encoded as peer_dn.h says) or a
 * bare IPv4 address / DN (has '=') / name / user@name into an identity.
 * 0, or -1 with a reason in why[0..why_len) when there is one (else ""). */
int peer_parse_id(const char *text, struct isakmp_identity *id, char *why, size_t why_len);

/* Parse a Quick Mode client identity "A.B.C.D[/PREFIX][[PROTO[/PORT]]]"
 * (e.g. "10.9.0.1/32", "10.0.0.0/8", "10.9.0.1/32[udp/500]"): /32 or no
 * prefix gives ID_IPV4_ADDR, otherwise ID_IPV4_ADDR_SUBNET.  0 or -1. */
int peer_parse_ts(const char *text, struct isakmp_identity *id);

/* Parse an IPv4 address into addr with `port`.  0 or -1. */
int peer_parse_addr(const char *text, uint16_t port, struct isakmp_addr *addr);

#endif
