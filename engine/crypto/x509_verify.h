/* X.509 certificate path validation and identity matching for IKE
 * (RFC 2408 §3.9, RFC 2409 §5.1), internal to the engine.  The only
 * file that knows GnuTLS is x509_verify.c: this interface names no
 * GnuTLS type, so the library could be swapped without touching IKE.
 *
 * What is checked (x509v_verify):
 *   - every certificate parses (DER), the end-entity key is RSA;
 *   - the chain (end entity first, then any intermediates the peer sent)
 *     reaches one of the trust anchors, every signature verifies, every
 *     issuer is a CA (GnuTLS gnutls_x509_trust_list_verify_crt2, with
 *     its default profile: insecure signature algorithms are refused);
 *   - validity dates of every certificate of the path, the anchor
 *     included, against a time the CALLER gives (seconds since 1970):
 *     this code reads no clock.  check_dates false skips the dates
 *     (a simulator whose clock is not a calendar);
 *   - the identity the peer claims (its ID payload) is in the end-entity
 *     certificate: ID_DER_ASN1_DN = the subject DN (DER, byte for byte);
 *     ID_FQDN = a subjectAltName dNSName, ID_USER_FQDN = an rfc822Name
 *     (both ASCII case-insensitive, exact); ID_IPV4_ADDR / ID_IPV6_ADDR =
 *     an iPAddress of 4 / 16 bytes.  Any other ID type does not match.
 * Not checked: revocation (no CRL/OCSP), name constraints beyond what
 * GnuTLS does by default, key usage / extended key usage. */
#ifndef ISAKMP_CRYPTO_X509_VERIFY_H
#define ISAKMP_CRYPTO_X509_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum x509v_result {
    X509V_OK = 0,
    X509V_FORMAT,        /* not a certificate we can parse */
    X509V_NOT_RSA,       /* end-entity key is not RSA */
    X509V_UNTRUSTED,     /* no path to a trust anchor (unknown issuer, issuer not a CA) */
    X509V_INVALID,       /* a bad signature, an insecure algorithm, other path error */
    X509V_EXPIRED,       /* a certificate of the path is past notAfter at the given time */
    X509V_NOT_YET_VALID, /* ... or before notBefore */
    X509V_ID_MISMATCH,   /* the claimed identity is not in the certificate */
    X509V_NOMEM,
};

/* A short English text for a result (static). */
const char *x509v_strerror(enum x509v_result r);

/* Trust anchors: CA certificates, PEM (one or more "CERTIFICATE" blocks)
 * or one DER certificate, copied.  Free with x509v_anchors_free. */
struct x509v_anchors;
enum x509v_result x509v_anchors_load(const uint8_t *data, size_t len, struct x509v_anchors **out);
void x509v_anchors_free(struct x509v_anchors *a);
/* The anchors' subject DNs (DER), for CR payloads: count, and the i-th. */
size_t x509v_anchors_count(const struct x509v_anchors *a);
bool x509v_anchor_subject(const struct x509v_anchors *a, size_t i, const uint8_t **dn,
                          size_t *len);

/* One certificate, PEM or DER, as DER in a new malloc'd buffer. */
enum x509v_result x509v_to_der(const uint8_t *data, size_t len, uint8_t **der, size_t *der_len);

/* Validate certs[0] (the end entity, DER) with certs[1..n) as untrusted
 * intermediates against the anchors, at unix time `when` (ignored when
 * !check_dates), and check that (id_type, id, id_len) - an ID payload's
 * type and data - names it. */
enum x509v_result x509v_verify(const struct x509v_anchors *a, const uint8_t *const *certs,
                               const size_t *lens, size_t n, int64_t when, bool check_dates,
                               uint8_t id_type, const uint8_t *id, size_t id_len);

#endif
