/* NAT traversal, the IKE side (RFC 3947; isakmp/natt.h says what the
 * engine does): vendor IDs, NAT-D payloads and detection, the UDP
 * encapsulation modes and NAT-OA of Quick Mode.  The modes call these
 * hooks; the framework moves the datagrams (engine/isakmp/natt.c). */
#ifndef ISAKMP_IKE_NAT_T_H
#define ISAKMP_IKE_NAT_T_H

#include "ike/ike.h"
#include "isakmp/natt.h"

/* Payload-type bits for the exchange tables: NAT-D/NAT-OA in both
 * numberings (the drafts' 130/131 share FW_PL bit 31). */
#define IKE_NATT_PL_NATD (FW_PL(ISAKMP_PL_NAT_D) | FW_PL(ISAKMP_PL_NAT_D_DRAFT))
#define IKE_NATT_PL_NATOA (FW_PL(ISAKMP_PL_NAT_OA) | FW_PL(ISAKMP_PL_NAT_OA_DRAFT))

/* More NAT-D payloads than this in one message is malformed (one for
 * the receiver, the others for the sender's addresses). */
#define IKE_NATT_MAX_NATD 8

/* Phase-1 message 1 (initiator) or 2 (responder): our NAT-T vendor IDs
 * (message 1: all we know; message 2: the one agreed, if any). */
void ike_natt_put_vids(struct fw_ctx *c, struct isakmp_builder *b);
/* Phase-1 message 1 or 2 received: what the peer's vendor IDs announce,
 * and (from them and config.nat_t) the dialect the SA speaks. */
void ike_natt_note_vids(struct fw_ctx *c);
/* Append the NAT-D payloads for a message from `local` to `peer` when
 * the SA speaks NAT-T (nothing otherwise). */
void ike_natt_put_natd(struct fw_ctx *c, struct isakmp_builder *b,
                       const struct isakmp_addr *local, const struct isakmp_addr *peer);
/* Compare the NAT-D payloads of c->m with the addresses the exchange
 * used (our `local`, the peer's `peer`) and say what they show
 * (ISAKMP_EV_NAT_DETECTED).  None: nothing to say.  Returns 0, or
 * PAYLOAD-MALFORMED for a NAT-D of the wrong length or too many. */
uint16_t ike_natt_check_natd(struct fw_ctx *c, const struct isakmp_addr *local,
                             const struct isakmp_addr *peer);
/* True when the SA must float/encapsulate (NAT-T agreed and a NAT seen
 * or pretended). */
bool ike_natt_in_use(const struct fw_sa *sa);
/* Initiator, after detection: float when in use. */
void ike_natt_float_if_needed(struct fw_ctx *c);
/* The addresses message 1 used (before any float), for NAT-D. */
void ike_natt_orig(const struct fw_sa *sa, struct isakmp_addr *local, struct isakmp_addr *peer);

/* Quick Mode: the encapsulation mode to offer/accept for a configured
 * one (Tunnel/Transport/unset -> UDP-Encapsulated-*) when in use. */
uint16_t ike_natt_encap(const struct fw_sa *sa, uint16_t configured);
/* Map every protocol's encapsulation mode of n proposals in place. */
void ike_natt_map_p2(const struct fw_sa *sa, struct isakmp_p2_proposal *p, size_t n);
/* NAT-OAi, NAT-OAr (RFC 3947 §5.2: the initiator's and the responder's
 * addresses as each side knows them) when a protocol of the n proposals
 * uses UDP-Encapsulated-Transport. */
void ike_natt_put_natoa(struct fw_ctx *c, struct isakmp_builder *b,
                        const struct isakmp_p2_proposal *p, size_t n);
/* Mark a new phase-2 SA's NAT-T dialect and UDP encapsulation. */
void ike_natt_child(const struct fw_sa *sa, struct fw_child *child);

#endif
