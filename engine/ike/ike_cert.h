/* Certificates in IKE phase 1 (RFC 2408 §3.9 CERT, §3.10 CR; RFC 2409
 * §5.1 "optional CERT"), for RSA signature authentication: what we send
 * and what we make of the peer's.  The policy is isakmp_config's cert,
 * ca_certs, send_cr, cert_send, cert_time_base and cert_no_dates
 * (isakmp/engine.h); validation itself is crypto/x509_verify.c. */
#ifndef ISAKMP_IKE_CERT_H
#define ISAKMP_IKE_CERT_H

#include "ike/ike.h"

struct ike_cert_engine;

/* Engine creation: parse and copy config.cert / config.ca_certs (the
 * config's pointers are cleared: the caller's memory is not kept).
 * *out NULL when neither is set.  False: unusable (a certificate that
 * does not parse; anchors without a time and without cert_no_dates). */
bool ike_cert_engine_init(struct isakmp_engine *e, struct ike_cert_engine **out);
void ike_cert_engine_free(struct isakmp_engine *e, struct ike_cert_engine *st);
/* The engine's certificate state (NULL: none configured); ike_groups.c
 * keeps it with the rest of the IKE layer's engine-wide state. */
struct ike_cert_engine *ike_cert_state(const struct isakmp_engine *e);

/* CR payloads (one per trust anchor, its subject DN; an empty one when
 * there is none), when config.send_cr and the SA's method (or our
 * offer's) is RSA signatures. */
void ike_cert_put_cr(struct fw_ctx *c, struct isakmp_builder *b);
/* Note a CR for X.509 in c->m (k->peer_cr). */
void ike_cert_note_cr(struct fw_ctx *c);
/* Our CERT (X.509 Signature), when we have one, the method is RSA
 * signatures and config.cert_send says so. */
void ike_cert_put(struct fw_ctx *c, struct isakmp_builder *b);
/* The peer's CERT payloads in c->m against its identity k->peer_id
 * (already parsed): on success the certificate's key becomes the key
 * that checks its SIG.  0, or the Notify type and *why. */
uint16_t ike_cert_take(struct fw_ctx *c, enum isakmp_fail_reason *why);
/* True when trust anchors are configured: a peer may prove its key
 * with a CERT later in the exchange. */
bool ike_cert_expected(const struct isakmp_engine *e);
/* Free the per-SA certificate state (the peer's key, and its charge in
 * the engine's memory count). */
void ike_cert_sa_free(struct isakmp_engine *e, struct ike_sa *k);
/* Bytes a peer's key from its certificate is counted for: it lives in
 * malloc/GMP memory (struct and limbs), so an estimate, like DH keys'.
 * Nothing else of a certificate is kept: the CERT payloads are parsed
 * and verified (GnuTLS objects made and freed) within ike_cert_take. */
size_t ike_cert_key_charge(const struct isakmp_rsa_key *key);

#endif
