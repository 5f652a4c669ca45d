/* The IPsec DOI (RFC 2407) as the IKE layer uses it: phase-2 SA payloads
 * (AH, ESP, IPCOMP proposals and their attributes), SPIs, identities. */
#ifndef ISAKMP_IPSEC_DOI_H
#define ISAKMP_IPSEC_DOI_H

#include "isakmp/framework.h"
#include "isakmp/wire.h"

/* SPIs we chose, one per protocol (indexed by Protocol-ID 2..4). */
struct ipsec_spis {
    uint32_t v[5];
};

/* What a responder chose (or what an initiator was answered). */
struct ipsec_choice {
    struct isakmp_p2_proposal alg;      /* protocols, PFS group, lifetimes */
    uint8_t prop_no;
    uint32_t peer_spi[ISAKMP_P2_MAX_PROTOCOLS];     /* per alg.protocols[i] */
    struct isakmp_bytes raw_xf[ISAKMP_P2_MAX_PROTOCOLS]; /* chosen transforms, to echo */
    uint32_t offered_life;              /* the initiator's seconds (0: none) */
};

/* SPI length on the wire for a protocol (IPCOMP: a 2-byte CPI). */
size_t ipsec_spi_len(uint8_t protocol);
/* A fresh inbound SPI for `protocol`: random, above the reserved range,
 * not in use by another SA of this engine. */
uint32_t ipsec_new_spi(struct isakmp_engine *e, uint8_t protocol);
/* Fill spis for every protocol that appears in the proposals. */
void ipsec_new_spis(struct isakmp_engine *e, const struct isakmp_p2_proposal *p, size_t n,
                    struct ipsec_spis *spis);

/* Append an SA payload offering the proposals (in order; numbers 1..n). */
void ipsec_put_sa(struct isakmp_builder *b, const struct isakmp_p2_proposal *p, size_t n,
                  const struct ipsec_spis *spis);
/* Decode an SA payload body and check it is ours to read: the IPsec DOI
 * with SIT_IDENTITY_ONLY (phase 1 and phase 2 alike).  Returns 0 or the
 * Notify type (the codec's, DOI-NOT-SUPPORTED, SITUATION-NOT-SUPPORTED). */
uint16_t ipsec_doi_decode_sa(const uint8_t *body, size_t len, struct isakmp_payload *p);
/* Responder: first of the initiator's proposals that matches one of
 * `ours` (with `pfs_group` = the group of the KE sent, 0 if none).
 * Returns 0 or a Notify type. */
uint16_t ipsec_choose(const uint8_t *sa_body, size_t len,
                      const struct isakmp_p2_proposal *ours, size_t n_ours,
                      uint32_t max_life, struct ipsec_choice *out);
/* The responder's SA payload: the chosen proposal, our SPIs. */
void ipsec_put_reply(struct isakmp_builder *b, const struct ipsec_choice *c, const struct ipsec_spis *spis);
/* Initiator: the answer must be one proposal we offered, exactly. */
uint16_t ipsec_check_reply(const uint8_t *sa_body, size_t len,
                           const struct isakmp_p2_proposal *offer, size_t n_offer,
                           struct ipsec_choice *out);

/* RFC 2407 §4.5.4: the lifetime of an SA that states none. */
#define IPSEC_DEFAULT_LIFE 28800

/* True when an ID payload body names exactly host `a` (its address, or
 * the /32 or /128 subnet of it), any protocol and port: the identity an
 * SA without client IDs has (RFC 2409 §5.5). */
bool ipsec_id_is_host(const uint8_t *body, size_t len, const struct isakmp_addr *a);
/* ID payload body (type|protocol|port|data) of an identity; 0 if unset. */
size_t ipsec_id_encode(const struct isakmp_identity *id, uint8_t *out, size_t cap);
/* Parse and check an ID payload body (RFC 2407 §4.6.2 lengths). */
bool ipsec_id_parse(const uint8_t *body, size_t len, struct isakmp_identity *id);

#endif
