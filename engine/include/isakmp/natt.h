/* NAT traversal for IKEv1 (RFC 3947, and the draft-ietf-ipsec-nat-t-ike
 * -02/-03 that preceded it), and UDP encapsulation of ESP (RFC 3948) as
 * far as the IKE side is concerned.
 *
 * What the engine does (config.nat_t, engine/ike/nat_t.c):
 *   - announces the RFC 3947 vendor ID (MD5("RFC 3947")) and the draft
 *     ones in phase-1 message 1 (and 2 when the initiator announced one);
 *     the RFC wins when both sides know it, else a common draft (then
 *     NAT-D/NAT-OA are payload types 130/131 and the UDP encapsulation
 *     modes 61443/61444);
 *   - NAT-D payloads in Main Mode messages 3/4 and Aggressive Mode
 *     messages 2/3: HASH(CKY-I | CKY-R | IP | port) with the negotiated
 *     hash, first the receiver's address, then ours; a mismatch means a
 *     NAT on that side (ISAKMP_EV_NAT_DETECTED);
 *   - the float: once a NAT is seen, the initiator sends from Main Mode
 *     message 5 (Aggressive Mode message 3) on from config.natt_port to
 *     the peer's port 4500; a responder follows the address and port an
 *     authenticated message of the SA arrives from
 *     (ISAKMP_EV_NAT_ADDRESS_CHANGED);
 *   - Quick Mode then proposes UDP-Encapsulated-Tunnel/-Transport (RFC
 *     3947 §5.1: 3/4, drafts 61443/61444) instead of Tunnel/Transport,
 *     accepts them for a configured Tunnel/Transport, and sends NAT-OA
 *     (the original addresses, §5.2) in transport mode;
 *   - the side behind a NAT (or pretending, FORCE) sends NAT keepalives
 *     every config.natt_keepalive_ns: one datagram of one 0xFF byte
 *     (RFC 3948 §2.3) from its NAT-T port, through callbacks.send.
 *
 * Where the non-ESP marker lives: in the DRIVER, not in the engine.  The
 * engine's datagrams are always plain ISAKMP messages (or the 1-byte
 * keepalive); the addresses passed to callbacks.send say the ports.  A
 * driver prepends the 4-byte zero marker (RFC 3948 §2.2) to every
 * ISAKMP message it sends from its NAT-T port (isakmp_natt_wrap) and
 * strips it from what arrives there (isakmp_natt_classify) before
 * isakmp_engine_recv; keepalives never carry it. */
#ifndef ISAKMP_NATT_H
#define ISAKMP_NATT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ISAKMP_NATT_PORT 4500       /* RFC 3947 §4: the port floated to */
#define ISAKMP_NATT_MARKER_LEN 4    /* RFC 3948 §2.2: non-ESP marker (four zero bytes) */
#define ISAKMP_NATT_KEEPALIVE_NS 20000000000ULL /* 20 s, RFC 3948 §4's suggestion */

/* The policy switch (config.nat_t). */
enum isakmp_nat_t {
    ISAKMP_NAT_T_OFF = 0,           /* no vendor ID, no NAT-D: plain RFC 2409 */
    ISAKMP_NAT_T_ON = 1,            /* negotiate, float and encapsulate when a NAT is seen */
    ISAKMP_NAT_T_FORCE = 2,         /* as ON, and pretend we are behind a NAT: our own
                                     * NAT-D is a hash no address gives (charon's
                                     * encap=yes), so both sides float and encapsulate */
};

/* Which NAT-T dialect an SA speaks (0: none). */
enum isakmp_natt_variant {
    ISAKMP_NATT_NONE = 0,
    ISAKMP_NATT_RFC3947 = 1,        /* NAT-D 20, NAT-OA 21, encapsulation modes 3/4 */
    ISAKMP_NATT_DRAFT = 2,          /* draft -02/-03: NAT-D 130, NAT-OA 131, modes 61443/61444 */
};

/* What a datagram received on the NAT-T port is (RFC 3948 §2). */
enum isakmp_natt_kind {
    ISAKMP_NATT_IKE = 1,            /* non-ESP marker + ISAKMP: *ike/ *ike_len set past the marker */
    ISAKMP_NATT_KEEPALIVE,          /* one 0xFF byte */
    ISAKMP_NATT_ESP,                /* ESP (nonzero SPI): not for the engine */
    ISAKMP_NATT_INVALID,            /* too short to be either */
};

/* Classify a datagram that arrived on the NAT-T port; for ISAKMP_NATT_IKE
 * *ike and *ike_len give the ISAKMP message after the marker (a view into
 * bytes).  Never reads past len. */
enum isakmp_natt_kind isakmp_natt_classify(const uint8_t *bytes, size_t len,
                                           const uint8_t **ike, size_t *ike_len);

/* True for the datagram the engine sends as a NAT keepalive (one 0xFF
 * byte): a driver sends it as is, without the marker. */
bool isakmp_natt_is_keepalive(const uint8_t *bytes, size_t len);

/* Write what goes on the wire from the NAT-T port for an engine datagram:
 * the marker then the message (a keepalive unchanged) into out (cap
 * bytes).  Returns the length written, 0 when out is too small. */
size_t isakmp_natt_wrap(const uint8_t *bytes, size_t len, uint8_t *out, size_t cap);

/* The 16-byte vendor IDs (MD5 of their names) the engine knows:
 * index 0 is RFC 3947, then draft-ietf-ipsec-nat-t-ike-02, -02\n, -03.
 * Returns NULL past the end; *name (may be NULL) gets the text hashed. */
const uint8_t *isakmp_natt_vendor_id(unsigned index, const char **name);

/* Printable names ("off", "on", "force"; "none", "rfc3947", "draft"). */
const char *isakmp_nat_t_name(enum isakmp_nat_t m);
const char *isakmp_natt_variant_name(enum isakmp_natt_variant v);

#endif
