/* `isakmp peer`: distinguished names written as text ("C=CH, O=Lab,
 * CN=gw", strongSwan's and OpenSSL's display order: the first attribute
 * is the first RDN of the DER Name) encoded as the DER an ID_DER_ASN1_DN
 * payload carries (RFC 2407 §4.6.2.1).
 *
 * The engine compares identities byte for byte, so the encoding follows
 * what OpenSSL (and GnuTLS) write by default: countryName and
 * serialNumber as PrintableString, emailAddress and domainComponent as
 * IA5String, every other attribute as UTF8String; one attribute per RDN.
 * A certificate whose subject uses other string types (old tools often
 * wrote PrintableString everywhere) does not match its own text form. */
#ifndef CLI_PEER_DN_H
#define CLI_PEER_DN_H

#include <stddef.h>
#include <stdint.h>

/* Encode `text` - attributes "KEY=VALUE" separated by ',' (or by '/'
 * when the text starts with '/', OpenSSL's -subj style), spaces around
 * keys and values ignored, '\' escaping the next character - into
 * out[0..cap).
 * Keys: C, ST, L, O, OU, CN, SN, GN, title, street, serialNumber,
 * E / emailAddress, DC, UID (case-insensitive).  Returns the length, or
 * -1 with a reason in why[0..why_len) (an unknown key, an empty value, a
 * '+' multi-valued RDN, a value not fitting its string type, too long). */
int peer_dn_encode(const char *text, uint8_t *out, size_t cap, char *why, size_t why_len);

#endif
