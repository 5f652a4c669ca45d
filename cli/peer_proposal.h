/* `isakmp peer`: algorithm names as strongSwan writes them
 * ("aes128-sha1-modp2048"), to and from the engine's policy structs,
 * and the names other tools want (ip xfrm, setkey, our SA reports). */
#ifndef CLI_PEER_PROPOSAL_H
#define CLI_PEER_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "isakmp/policy.h"

/* Parse a comma-separated list of phase-1 proposals
 * "CIPHER-HASH-GROUP[,...]" (e.g. "aes128-sha1-modp2048,3des-sha1-ecp256")
 * into at most `max` transforms, each with `auth` and `life_seconds`.
 * Returns the count, or -1 with a message in err. */
int peer_parse_p1_list(const char *text, uint16_t auth, uint32_t life_seconds,
                       struct isakmp_p1_transform *out, size_t max,
                       char *err, size_t errlen);

/* Parse "CIPHER-INTEG[-GROUP][,...]" ESP proposals (a group means PFS
 * with that group) with encapsulation mode `encap` (1 tunnel, 2
 * transport, 0 not sent) and `life_seconds`.  Returns the count or -1. */
int peer_parse_p2_list(const char *text, uint16_t encap, uint32_t life_seconds,
                       struct isakmp_p2_proposal *out, size_t max,
                       char *err, size_t errlen);

/* Names for reports ("?" when unknown). */
const char *peer_p1_cipher_name(uint16_t cipher, uint16_t key_bits);  /* aes128, 3des */
const char *peer_p1_hash_name(uint16_t hash);                         /* sha1 */
const char *peer_group_name(uint16_t group);                          /* modp2048 */
const char *peer_auth_method_name(uint16_t auth);                     /* psk */
const char *peer_esp_name(uint8_t transform, uint16_t key_bits);      /* aes128 */
const char *peer_esp_auth_name(uint16_t auth);                        /* sha1 */

/* Key lengths (bytes) of an ESP transform / authentication algorithm, as
 * taken from KEYMAT (RFC 2409 §5.5); 0 when none, -1 when unknown. */
int peer_esp_key_len(uint8_t transform, uint16_t key_bits);
int peer_esp_auth_key_len(uint16_t auth);

/* Linux XFRM and KAME setkey names; NULL when there is none.
 * *trunc_bits receives the ICV truncation for "auth-trunc". */
const char *peer_xfrm_enc(uint8_t transform);
const char *peer_xfrm_auth(uint16_t auth, unsigned *trunc_bits);
const char *peer_setkey_enc(uint8_t transform);
const char *peer_setkey_auth(uint16_t auth);

#endif
