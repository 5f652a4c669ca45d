/* `isakmp peer`: X.509 certificates from the configuration (our own, the
 * trust anchors), checked when the file is read so that a wrong file is
 * reported with its line before anything is sent.  Only the structure
 * is checked here (isakmp_x509_view); chains, signatures and dates are
 * the engine's business (config.cert / ca_certs, engine/ike/ike_cert.c). */
#ifndef CLI_PEER_CERT_H
#define CLI_PEER_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp/policy.h"
#include "isakmp/rsa.h"

/* Our certificate from a file's bytes: the first PEM "CERTIFICATE" block,
 * or the whole file as DER.  Its public key must be the one of `key` (our
 * private key).  On success *der is a new buffer (free()) of *der_len
 * bytes; -1 with a reason in why[0..why_len) otherwise. */
int peer_cert_own(const uint8_t *data, size_t len, const struct isakmp_rsa_key *key,
                  uint8_t **der, size_t *der_len, char *why, size_t why_len);

/* Append the certificates of one trust-anchor file (PEM with one or more
 * "CERTIFICATE" blocks, or one DER certificate) to *pem (grown with
 * realloc; free() it), re-encoded as PEM: the engine takes one PEM text
 * for all anchors.  Returns how many were added (>= 1), or -1 with a
 * reason (no certificate, bad base64, not an X.509 structure). */
int peer_cert_add_anchors(const uint8_t *data, size_t len, uint8_t **pem, size_t *pem_len,
                          char *why, size_t why_len);

/* The subject of a DER certificate as an ID_DER_ASN1_DN identity (the
 * identity charon and the engine expect with a certificate).  -1 when
 * the certificate does not parse or the name exceeds ISAKMP_ID_MAX. */
int peer_cert_subject_id(const uint8_t *der, size_t der_len, struct isakmp_identity *id);

#endif
