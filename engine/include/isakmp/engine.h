/* The ISAKMP/IKEv1 protocol engine, sans-I/O.
 *
 * An engine is one IKE endpoint (one "node"): it holds its phase-1 and
 * phase-2 SAs, its exchanges in progress and its defences.  It does no
 * I/O and reads no clock:
 *
 *   - the caller hands it datagrams (isakmp_engine_recv) and the current
 *     time `now`, a uint64 count of nanoseconds on any monotonic scale;
 *   - it hands back datagrams through callbacks.send, events through
 *     callbacks.event, and asks callbacks.random for every random byte
 *     (cookies, nonces, DH private values, SPIs, IVs, cookie secrets);
 *   - it says when it next needs to be called (isakmp_engine_next_deadline)
 *     and the caller then calls isakmp_engine_timeout.
 *
 * Many engines may live in one process and share nothing (no globals).
 * All calls on one engine must come from one thread at a time.
 *
 * Layers behind this API: the ISAKMP framework (engine/isakmp/: header,
 * cookies, SA database, retransmission, duplicates, Informational) calls
 * a key-exchange ops table (engine/ike/: IKEv1 Main, Aggressive, Quick
 * Modes) and a DOI ops table (engine/doi/: IPsec DOI), both registered
 * when the engine is created.
 *
 * CPU cost model (for the simulator).  Cryptography runs inline, inside
 * recv/initiate/quick_mode/timeout.  Every expensive operation (DH key
 * generation, DH shared secret, key schedule, message encryption,
 * RSA, cookie MAC) emits an ISAKMP_EV_CRYPTO event carrying
 *   - virtual_ns: its cost from config.cost (the cost table of
 *     isakmp/cost.h; 0 when config.cost is NULL), and
 *   - cpu_ns: the time it really took, when the driver supplies
 *     callbacks.cpu_clock (0 otherwise: no clock is read at all): DH
 *     operations measured by the crypto layer (thread CPU time,
 *     isakmp/cost.h), the others with callbacks.cpu_clock.
 *     A measurement only: it never changes what the engine does.
 * The engine also sums virtual_ns: isakmp_engine_take_cost returns the
 * sum since its previous call.  A simulator charges that sum to the node
 * and releases the datagrams sent during the call only after it: the
 * engine itself never waits, so no asynchronous crypto jobs exist.
 *
 * Memory: every allocation an engine makes is counted
 * (isakmp_engine_memory); the defences bound it (config.defence).  DH
 * keys live in GMP/Nettle memory and are counted by an estimate; so are
 * a peer's RSA key taken from its certificate (kept per SA until the SA
 * goes) and the trust anchors (GnuTLS).  Nothing else of a peer's
 * certificate is kept: its chain is parsed and verified within the call
 * that receives it.
 *
 * What is implemented (RFC 2409 unless said otherwise):
 *   phase 1   Main Mode and Aggressive Mode with pre-shared keys, RSA
 *             signatures (§5.1), public key encryption (§5.2) and revised
 *             public key encryption (§5.3; in Aggressive Mode with one
 *             cipher suite for every transform offered); with signatures,
 *             CERT and CR payloads (X.509, chains checked against
 *             configured trust anchors: config.cert / ca_certs);
 *   phase 2   Quick Mode with and without PFS, client identities, AH, ESP,
 *             IPCOMP proposals and bundles, RESPONDER-LIFETIME, the commit
 *             bit (CONNECTED as a fourth message, HASH(4) = prf(SKEYID_a,
 *             M-ID | N));
 *             New Group Mode (§5.6) for private MODP groups, equal to a
 *             supported one or, with config.accept_private_groups, any
 *             validated prime (isakmp_engine_new_group);
 *   RFC 2408  the Base (§4.4) and Authentication Only (§4.6) exchanges as
 *             phase 1 with pre-shared keys or RSA signatures
 *             (engine/ike/base_mode.c says which hashes and what
 *             Authentication Only establishes);
 *   other     Informational Notify/Delete (§5.7), INITIAL-CONTACT, DPD
 *             (RFC 3706), retransmission, duplicates and replays,
 *             lifetimes and automatic rekeying, anti-clogging cookies,
 *             half-open limits, a stateless responder, NAT traversal
 *             (RFC 3947 and its -02/-03 drafts: isakmp/natt.h).
 *   not       new EC2N/ECP groups, generators above 2^32, certificate
 *             revocation (CRL/OCSP), certificate encodings other than
 *             X.509 Signature, XAUTH/Mode Config.
 *
 * Kilobyte lifetimes (RFC 2407 §4.5, RFC 2409 App. A) are counted down:
 * phase 2 from the traffic the driver reports (isakmp_engine_sa_traffic),
 * phase 1 from the bytes of the ISAKMP messages protected under the SA
 * (sent and received, encrypted length).  At rekey_percent of either
 * lifetime ISAKMP_EV_SA_REKEY_DUE (and, with auto_rekey, a new
 * exchange); at the limit the SA expires (ISAKMP_EV_SA_EXPIRED, end
 * ISAKMP_END_KILOBYTES) and a Delete is sent. */
#ifndef ISAKMP_ENGINE_H
#define ISAKMP_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/policy.h"
#include "isakmp/event.h"
#include "isakmp/natt.h"

struct isakmp_engine;
struct isakmp_cost_table;          /* isakmp/cost.h (DH/crypto cost per operation) */

/* ---- callbacks ---------------------------------------------------------- */

struct isakmp_callbacks {
    /* Send one datagram from `from` (our address) to `to`.  The bytes are
     * only valid during the call.  Required.  With NAT traversal `from`
     * may be our NAT-T port: the driver adds the non-ESP marker there,
     * except to a NAT keepalive (one 0xFF byte; isakmp/natt.h). */
    void (*send)(void *user, const uint8_t *bytes, size_t len,
                 const struct isakmp_addr *from, const struct isakmp_addr *to);
    /* One event (see isakmp/event.h).  Optional (NULL: events dropped). */
    void (*event)(void *user, const struct isakmp_event *ev);
    /* Fill buf with len random bytes.  Required.  The simulator gives a
     * seeded DRBG (isakmp/drbg.h), a live driver getrandom(2). */
    void (*random)(void *user, uint8_t *buf, size_t len);
    /* Optional: a CPU clock in ns, only used to measure crypto cost for
     * ISAKMP_EV_CRYPTO.cpu_ns.  NULL: cpu_ns is 0. */
    uint64_t (*cpu_clock)(void *user);
};

/* ---- configuration ------------------------------------------------------ */

/* Retransmission: the first resend after `initial_ns`, each next wait
 * multiplied by `factor` (>= 1), capped at `cap_ns`; after `tries`
 * transmissions in all without an answer the exchange fails
 * (ISAKMP_FAIL_TIMEOUT).  Zeros take the defaults (1 s, 2, 30 s, 5). */
struct isakmp_retransmit {
    uint64_t initial_ns;
    uint32_t factor;
    uint64_t cap_ns;
    uint32_t tries;
};

/* How a responder resists message-1 floods.
 *
 * mode ISAKMP_DEFENCE_NONE: every message 1 creates a half-open SA
 *   (bounded only by the limits below); CKY-R is random.
 * mode ISAKMP_DEFENCE_COOKIES: CKY-R = prf(secret, peer addr|port,
 *   own addr|port, CKY-I) truncated to 8 bytes (RFC 2408 §2.5.3), with a
 *   secret drawn from callbacks.random and rotated every
 *   cookie_rotate_ns (the previous secret stays valid for one period).
 *   A message carrying a CKY-R we did not make is dropped before any
 *   other work (one MAC).  Half-open state is still kept per message 1.
 * mode ISAKMP_DEFENCE_STATELESS: as COOKIES, and in addition a Main Mode
 *   responder creates no SA, no timer and no DH value for message 1:
 *   message 2 is computed from message 1 and the secret alone (and not
 *   retransmitted: the initiator's retransmission of message 1 gets the
 *   same answer), and the SA is created when message 3 returns a valid
 *   CKY-R.  IKEv1 forces one compromise: HASH_I covers the initiator's
 *   SA payload, which only message 1 carries, so that payload is kept in
 *   a fixed table of `stateless_slots` entries (direct-mapped by CKY-R,
 *   overwritten, never allocated per request).  Memory is therefore
 *   constant whatever the flood; a legitimate initiator loses only if its
 *   slot is overwritten between its messages 1 and 3.  Aggressive Mode
 *   is handled as in COOKIES mode.  See engine/isakmp/cookie.c for the
 *   cost of each mode per bogus request.
 *
 * half_open_max / half_open_per_source: limits on responder phase-1 SAs
 * not yet established (0 = unlimited).  A message 1 over a limit is
 * dropped (ISAKMP_EV_DEFENCE).
 * memory_max: bytes of counted engine memory above which new message 1s
 * are dropped (0 = unlimited).
 * notify_per_second: at most this many unprotected error Notifies sent
 * per second (0 = unlimited) - a forged message must not turn us into an
 * amplifier. */
enum isakmp_defence_mode {
    ISAKMP_DEFENCE_NONE = 0,
    ISAKMP_DEFENCE_COOKIES = 1,
    ISAKMP_DEFENCE_STATELESS = 2,
};

struct isakmp_defence {
    enum isakmp_defence_mode mode;
    uint64_t cookie_rotate_ns;     /* 0: 60 s */
    uint32_t half_open_max;
    uint32_t half_open_per_source;
    size_t memory_max;
    uint32_t notify_per_second;
    uint32_t stateless_slots;      /* STATELESS: message-1 table entries (0: 1024; rounded up to 2^n) */
};

/* DH private value policy (see isakmp/dh.h): full-size exponents by
 * default, or short ones of `exponent_bits` bits (0 = the group's
 * recommended size) - cheaper, the classic trade-off DoS studies vary. */
struct isakmp_dh_policy {
    bool short_exponent;
    unsigned exponent_bits;
};

struct isakmp_config {
    /* Our identity in phase 1 (ID_NONE: our IPv4/IPv6 address). */
    struct isakmp_identity identity;
    /* Pre-shared keys (copied). */
    const struct isakmp_psk *psks;
    size_t n_psks;
    /* RSA signature authentication (auth method 3): our private key and
     * the peers' public keys (isakmp/rsa.h keys, NOT copied: they must
     * outlive the engine; the rsa_peers array itself is copied). */
    const struct isakmp_rsa_key *rsa_key;
    const struct isakmp_rsa_peer *rsa_peers;
    size_t n_rsa_peers;
    /* Phase-1 transforms we offer as initiator and accept as responder,
     * in order of preference (copied).  A responder takes the first
     * transform of the initiator's list that matches one of these.
     * NULL/0: the default policy, isakmp_default_p1_transforms()
     * (isakmp/cipher.h: nothing with DES, MD5 or group 1), with PSK when
     * psks are given and RSA signatures when rsa_key is set. */
    const struct isakmp_p1_transform *p1;
    size_t n_p1;
    /* Phase-2 proposals we accept as responder (copied); same rule. */
    const struct isakmp_p2_proposal *p2;
    size_t n_p2;
    /* Accept a proposed lifetime up to these (0 = any); a longer one is
     * answered with RESPONDER-LIFETIME and our value.  (Kilobytes:
     * max_p2_life_kbytes and max_p1_life_kbytes, below.) */
    uint32_t max_p1_life_seconds;
    uint32_t max_p2_life_seconds;
    /* Fraction (percent, 0 = 90) of a lifetime after which
     * ISAKMP_EV_SA_REKEY_DUE is emitted. */
    uint8_t rekey_percent;
    /* Renegotiate automatically at that point the SAs this engine
     * initiated: an IPsec SA by a new Quick Mode (same algorithms, PFS
     * group, client identities and commit bit) under the newest
     * established ISAKMP SA with the peer; an ISAKMP SA by a new phase 1
     * (same offer, exchange type and expected identity).  The old SA
     * lives until its hard lifetime, then is deleted on both sides (a
     * Delete payload, and the peer's own lifetime).  Off: the
     * ISAKMP_EV_SA_REKEY_DUE event is only a hint to the driver. */
    bool auto_rekey;
    /* Responder accepts Aggressive Mode (PSK Aggressive Mode exposes a
     * hash an eavesdropper can brute-force; off by default). */
    bool allow_aggressive;
    struct isakmp_retransmit retransmit;
    struct isakmp_defence defence;
    struct isakmp_dh_policy dh;
    /* Dead Peer Detection (RFC 3706): every dpd_delay_ns an established
     * ISAKMP SA whose peer announced the DPD vendor ID sends a protected
     * R-U-THERE; without an R-U-THERE-ACK after the retransmission
     * schedule (config.retransmit), the peer is declared dead and every
     * SA with it is removed (ISAKMP_EV_SA_DELETED, end ISAKMP_END_DPD).
     * 0: off (R-U-THERE from peers is always answered). */
    uint64_t dpd_delay_ns;
    /* Send N(INITIAL-CONTACT) in the first phase-1 exchange with a peer. */
    bool initial_contact;
    /* Cost per operation for ISAKMP_EV_CRYPTO (not copied: must outlive
     * the engine; NULL = no virtual cost). */
    const struct isakmp_cost_table *cost;
    /* Responder accepts the RFC 2408 Base Exchange (§4.4: no identity
     * protection) and the Authentication Only exchange (§4.6: an
     * authenticated ISAKMP SA without any key material), with pre-shared
     * keys or RSA signatures.  Off by default; an initiator may always use them
     * (isakmp_policy.exchange_type). */
    bool allow_base;
    bool allow_auth_only;
    /* NAT traversal (RFC 3947, see isakmp/natt.h): OFF (default), ON,
     * or FORCE (pretend to be behind a NAT, like charon's encap=yes). */
    enum isakmp_nat_t nat_t;
    /* The side behind a NAT sends a keepalive this often (0: 20 s). */
    uint64_t natt_keepalive_ns;
    /* Our NAT-T port, the source after the float (0: 4500). */
    uint16_t natt_port;
    /* Emit ISAKMP_EV_PLAINTEXT with the decrypted form of every
     * encrypted message accepted or sent (off: no copy, no cost). */
    bool plaintext_events;
    /* Responder: accept a proposed phase-2 kilobyte lifetime up to this
     * (0 = any); a larger one is cut to it and announced with
     * RESPONDER-LIFETIME (RFC 2407 §4.5.4), like max_p2_life_seconds. */
    uint32_t max_p2_life_kbytes;
    /* Answers to the peer's duplicates.  A copy of the peer's last
     * message makes us resend our cached reply (the peer may have lost
     * it), but on a link that duplicates datagrams every resend is
     * duplicated in turn and the copies snowball.  So at most one resend
     * per duplicate_resend_interval_ns (0: half of retransmit.initial_ns;
     * a peer retransmitting on a schedule like ours is always answered)
     * and at most duplicate_resends_max resends of one cached message
     * (0: retransmit.tries).  The copies not answered are counted
     * (ISAKMP_EV_DUPLICATE .unanswered, isakmp_stats.duplicates_unanswered). */
    uint64_t duplicate_resend_interval_ns;
    uint32_t duplicate_resends_max;
    /* Encrypted messages of an exchange that do not decrypt to a payload
     * chain or carry a wrong HASH/SIG are rejected without changing state
     * (the IV is not advanced) and counted; the exchange fails
     * (ISAKMP_FAIL_AUTH) at the auth_failures_max-th such message
     * (0: 3), or when its retransmissions run out.  One altered datagram
     * no longer ends an exchange; a wrong pre-shared key still does,
     * after this many attempts.  The same for Aggressive Mode's clear
     * messages 2 and 3 with a wrong HASH_R/SIG_R or HASH_I/SIG_I (the
     * initiator keeps its DH key pair and nonce until message 2
     * authenticates, so the genuine message 2 still completes after a
     * forged one); only the final failure is announced by a Notify
     * there.  See isakmp_engine_recv. */
    uint32_t auth_failures_max;
    /* ---- certificates (RFC 2408 §3.9/§3.10, RFC 2409 §5.1) ----------
     * For RSA signature authentication in Main, Aggressive, Base and
     * Authentication Only exchanges.  All copied at isakmp_engine_new
     * (which fails on a certificate that does not parse).
     * cert: our X.509 certificate, PEM or DER; its key must be rsa_key.
     *   Sent in a CERT payload (encoding 4, X.509 Signature) with our
     *   SIG according to cert_send.
     * ca_certs: trust anchors, PEM (one or more CERTIFICATE blocks) or
     *   one DER certificate.  When set, a CERT the peer sends must chain
     *   to one of them (GnuTLS path validation), be valid at the time
     *   below, carry an RSA key, and name the identity of the peer's ID
     *   payload (ID_DER_ASN1_DN: the subject DN; ID_FQDN / ID_USER_FQDN /
     *   ID_IPV4_ADDR / ID_IPV6_ADDR: a subjectAltName dNSName / rfc822Name
     *   / iPAddress); its key then checks the SIG.  Failures end the
     *   exchange with INVALID-CERTIFICATE, CERT-TYPE-UNSUPPORTED,
     *   INVALID-CERT-AUTHORITY, INVALID-ID-INFORMATION or
     *   CERTIFICATE-UNAVAILABLE and an ISAKMP_FAIL_CERT_* reason.  A peer
     *   that sends no CERT is still checked with rsa_peers; without a
     *   matching entry the exchange fails with CERTIFICATE-UNAVAILABLE.
     *   NULL: CERT payloads are accepted and ignored (rsa_peers only).
     * send_cr: send CR payloads (X.509 Signature, one per trust anchor
     *   naming its subject DN) asking the peer for its certificate, in
     *   the first message of ours that follows the choice of RSA
     *   signatures (Main Mode 3/4, Aggressive Mode 1/2, Base and
     *   Authentication Only 1/2).
     * cert_send: ISAKMP_CERT_SEND_IF_ASKED (default: only after a CR for
     *   X.509 from the peer, RFC 2408 §3.10), _ALWAYS or _NEVER.
     * cert_time_base: the wall-clock time, in seconds since 1970 UTC, at
     *   which the engine's `now` is 0; certificate dates are checked at
     *   cert_time_base + now / 1e9.  The engine reads no clock: a live
     *   driver sets it from the real time when it creates the engine.
     *   ca_certs with cert_time_base 0 and without cert_no_dates: the
     *   engine is not created (there would be no time to check against).
     * cert_no_dates: DO NOT check notBefore / notAfter at all - for a
     *   simulator whose clock is not a calendar.  Off by default. */
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *ca_certs;
    size_t ca_certs_len;
    bool send_cr;
    enum isakmp_cert_send {
        ISAKMP_CERT_SEND_IF_ASKED = 0,
        ISAKMP_CERT_SEND_ALWAYS = 1,
        ISAKMP_CERT_SEND_NEVER = 2,
    } cert_send;
    uint64_t cert_time_base;
    bool cert_no_dates;
    /* ---- private groups offered by New Group Mode (RFC 2409 §5.6) ---
     * A MODP group whose prime no built-in group has is accepted (as
     * responder, and computed with as initiator) only when
     * accept_private_groups is set, and only after these checks: group
     * type MODP, p odd, min_bits <= bits(p) <= 8192 (min_bits 0: 1024),
     * p a probable prime (mpz_probab_prime_p, 30 rounds) and, unless
     * allow_unsafe_primes, (p-1)/2 too (a safe prime: no small
     * subgroups), and 1 < g < p-1.  A refused group is answered with
     * ATTRIBUTES-NOT-SUPPORTED (NO-PROPOSAL-CHOSEN when the table of
     * private groups is full).  Groups equal to a built-in one are
     * accepted as before, whatever these say. */
    bool accept_private_groups;
    unsigned private_group_min_bits;
    bool allow_unsafe_primes;
    /* Responder: accept a proposed phase-1 (ISAKMP SA) kilobyte lifetime
     * up to this (0 = any); a larger one, or none stated (no limit), is
     * cut to it and announced after phase 1 in a protected
     * RESPONDER-LIFETIME Notify (RFC 2407 §4.5.4, with the seconds
     * lifetime when max_p1_life_seconds cut that too, or when one was
     * stated).  An initiator adopts a smaller kilobyte (or seconds)
     * lifetime announced so for its ISAKMP SA: the bytes of the ISAKMP
     * messages protected under it count against the peer's value. */
    uint32_t max_p1_life_kbytes;
};

/* Fill *c with defaults: no credentials, no proposals, retransmission
 * 1 s x2 cap 30 s, 5 tries, no defence.  Callers then set what they need. */
void isakmp_config_defaults(struct isakmp_config *c);

/* ---- engine lifetime ---------------------------------------------------- */

/* Create an engine.  Copies everything in *config except config->cost;
 * keeps `callbacks` by value and `user` as given (passed back to every
 * callback).  Returns NULL when the configuration is unusable (no send or
 * random callback, a proposal with an unknown algorithm or group, a cert
 * or ca_certs that does not parse, ca_certs without cert_time_base or
 * cert_no_dates) or memory is short. */
struct isakmp_engine *isakmp_engine_new(const struct isakmp_config *config,
                                        const struct isakmp_callbacks *callbacks,
                                        void *user);

/* Free the engine and everything it holds, wiping key material.  Emits
 * no events and sends nothing (call isakmp_engine_delete first to tell
 * peers).  NULL is allowed. */
void isakmp_engine_free(struct isakmp_engine *e);

/* ---- input -------------------------------------------------------------- */

/* A datagram arrived: `bytes` is the UDP payload (port 500; for 4500 the
 * caller strips the non-ESP marker), `from` the peer, `to` our address it
 * was sent to.  The engine never keeps the pointer.  Any reply is sent
 * before this returns.  Hostile input is expected: bad messages are
 * dropped (ISAKMP_EV_MESSAGE_REJECTED), answered with a Notify where the
 * RFC asks it, and never change established state.  An encrypted
 * message that does not decrypt or authenticate, or an Aggressive Mode
 * message 2 or 3 whose HASH/SIG is wrong, leaves its exchange as it was
 * (IV included): the exchange fails only at
 * config.auth_failures_max of them (see there), so one datagram altered
 * on the path does not end it.  Copies of the peer's last message are
 * answered within config.duplicate_resend_interval_ns and
 * config.duplicate_resends_max. */
void isakmp_engine_recv(struct isakmp_engine *e, uint64_t now,
                        const uint8_t *bytes, size_t len,
                        const struct isakmp_addr *from,
                        const struct isakmp_addr *to);

/* Time passed: retransmit, fail exchanges out of tries, expire SAs, rotate
 * the cookie secret.  Cheap when nothing is due. */
void isakmp_engine_timeout(struct isakmp_engine *e, uint64_t now);

/* The earliest time at which isakmp_engine_timeout has work, or
 * UINT64_MAX when nothing is scheduled. */
uint64_t isakmp_engine_next_deadline(const struct isakmp_engine *e);

/* ---- exchanges we start ------------------------------------------------- */

/* What to negotiate with one peer.  Lists are copied. */
struct isakmp_policy {
    struct isakmp_addr local;       /* our address (source of our datagrams) */
    struct isakmp_addr peer;
    uint8_t exchange_type;          /* ISAKMP_XCHG_IDPROT (default if 0), _AGGRESSIVE, or
                                     * the RFC 2408 _BASE / _AUTH_ONLY (PSK or RSA signatures,
                                     * one method for all transforms; no Quick
                                     * Mode with _AUTH_ONLY: it makes no keys) */
    /* Phase-1 offer (NULL/0: the engine's config.p1). */
    const struct isakmp_p1_transform *p1;
    size_t n_p1;
    /* Expected peer identity (ID_NONE: accept any the credentials allow). */
    struct isakmp_identity peer_id;
    /* Quick Mode after phase 1 when n_p2 > 0. */
    const struct isakmp_p2_proposal *p2;
    size_t n_p2;
    /* Client identities for Quick Mode (type ID_NONE: not sent, the SA
     * then covers the two peers' addresses). */
    struct isakmp_identity client_local, client_peer;
    /* Ask the responder to send CONNECTED before the SA is used
     * (RFC 2408 §3.1 commit bit). */
    bool commit;
};

/* Start phase 1 with policy->peer (then Quick Mode if policy->n_p2).
 * The first message is sent before this returns.  Returns the handle of
 * the phase-1 exchange (= of the ISAKMP SA it makes), 0 on a local
 * error (bad policy, no memory, no credential). */
isakmp_handle isakmp_engine_initiate(struct isakmp_engine *e, uint64_t now,
                                     const struct isakmp_policy *policy);

/* Start a Quick Mode under the established ISAKMP SA `phase1`, with the
 * phase-2 part of *policy (p2, client ids, commit).  Returns the handle of
 * the Quick Mode (= of the IPsec SA it makes), 0 when `phase1` is not an
 * established SA or on a local error. */
isakmp_handle isakmp_engine_quick_mode(struct isakmp_engine *e, uint64_t now,
                                       isakmp_handle phase1,
                                       const struct isakmp_policy *policy);

/* Delete an SA (phase 1 or 2) and tell the peer with a protected
 * Informational Delete.  Deleting a phase-1 SA here deletes (and
 * announces) its phase-2 SAs first; a phase-1 SA that expires or that
 * the peer deletes leaves its phase-2 SAs alone (they have their own
 * lifetimes, RFC 2408 §4.8).  Returns false when the handle is unknown. */
bool isakmp_engine_delete(struct isakmp_engine *e, uint64_t now,
                          isakmp_handle sa);

/* Send a protected Informational Notify of `type` (with optional data)
 * under the established ISAKMP SA `phase1`.  Returns false when phase1 is
 * not established or on a local error. */
bool isakmp_engine_notify(struct isakmp_engine *e, uint64_t now,
                          isakmp_handle phase1, uint16_t type,
                          const uint8_t *data, size_t len);

/* Report traffic on a negotiated IPsec SA: `bytes` more bytes were
 * protected (outbound) or accepted (inbound) under the SA whose SPI is
 * `spi` (host order; IPCOMP: the CPI) for `protocol` (ISAKMP_PROTO_AH,
 * _ESP or _IPCOMP).  The SPI may be either of the bundle's: the one we
 * chose (inbound) or the peer's (outbound); each direction is counted on
 * its own against the negotiated life_kbytes (RFC 2407 §4.5: an SA per
 * direction).  When a direction reaches rekey_percent of it,
 * ISAKMP_EV_SA_REKEY_DUE (and, with auto_rekey on the initiator, a new
 * Quick Mode); when one reaches the limit, the bundle expires: a Delete
 * is sent to the peer, ISAKMP_EV_SA_EXPIRED with end
 * ISAKMP_END_KILOBYTES, and the SA is gone.  SAs without a kilobyte
 * lifetime are only counted.  Returns true while the SA is usable,
 * false when it has just expired or is unknown (the driver must stop
 * using it).  The driver reports as often as it likes (per packet or in
 * batches); the engine keeps no more than two counters per SA. */
bool isakmp_engine_sa_traffic(struct isakmp_engine *e, uint64_t now, uint8_t protocol,
                              uint32_t spi, uint64_t bytes);

/* ---- New Group Mode (RFC 2409 §5.6) -------------------------------------- */

/* A private Oakley group: MODP parameters named by a Group Description
 * number from the private range (RFC 2409 App. A: 32768-65535). */
#define ISAKMP_PRIVATE_GROUP_MIN 32768
struct isakmp_new_group {
    uint16_t number;                /* ISAKMP_PRIVATE_GROUP_MIN..65535 */
    const uint8_t *prime;           /* p, big-endian (read during the call only) */
    size_t prime_len;               /* <= 1024 bytes */
    uint32_t generator;             /* g (Group Generator One) */
};

/* Propose `group` to the peer of the established ISAKMP SA `phase1` in a
 * New Group Mode exchange, protected by that SA:
 *     I -> R  HDR*, HASH(1), SA     HASH(1) = prf(SKEYID_a, M-ID | SA)
 *     R -> I  HDR*, HASH(2), SA     HASH(2) = prf(SKEYID_a, M-ID | SA)
 * The SA payload carries one ISAKMP proposal with one KEY_IKE transform
 * whose attributes are Group Description (the private number), Group
 * Type (MODP), Group Prime and Group Generator One.  Both engines accept
 * a group whose prime and generator are those of a MODP group the DH
 * layer supports with generator 2 (RFC 2409 §6 / RFC 3526: 1, 2, 5,
 * 14-18) and compute in that group.  Any other MODP prime is accepted
 * only with config.accept_private_groups, after the checks described
 * there (odd, size bounds, probable prime, safe prime unless allowed,
 * 1 < g < p-1), and then computed with as given (engine/crypto/
 * dh_custom.c); a refused group is answered with ATTRIBUTES-NOT-SUPPORTED
 * by a responder, refused locally by an initiator (each applies its own
 * configuration).  Other group types (EC2N, ECP) are refused with
 * ATTRIBUTES-NOT-SUPPORTED.
 *
 * Once the exchange completes (ISAKMP_EV_EXCHANGE_COMPLETED with
 * exchange_type ISAKMP_XCHG_NEW_GROUP on each side; EXCHANGE_FAILED with
 * ISAKMP_FAIL_NO_PROPOSAL when refused) the number is usable on that
 * engine wherever a group is: phase-1 transforms and Quick Mode PFS
 * groups given in policies or in the configuration (a configured
 * transform naming it matches only once it is defined).  Definitions are
 * engine-wide (not tied to the ISAKMP SA: they outlive it), at most 16;
 * a number defined again takes the new parameters.
 * Returns the exchange's handle, 0 when phase1 is not established, the
 * group is invalid or not one we can compute, or on a local error. */
isakmp_handle isakmp_engine_new_group(struct isakmp_engine *e, uint64_t now,
                                      isakmp_handle phase1,
                                      const struct isakmp_new_group *group);

/* The supported group a private group number stands for on this engine
 * (defined by New Group Mode), or 0 when it is not defined or is a group
 * of its own (see isakmp_engine_private_group_bits). */
uint16_t isakmp_engine_group_equivalent(const struct isakmp_engine *e, uint16_t number);

/* The size in bits of the prime of a private group number defined on
 * this engine (equivalent to a supported group or not), 0 when the
 * number is not defined. */
unsigned isakmp_engine_private_group_bits(const struct isakmp_engine *e, uint16_t number);

/* ---- introspection ------------------------------------------------------ */

/* Virtual crypto cost (ns, from config.cost) spent since the previous
 * call, then reset to 0. */
uint64_t isakmp_engine_take_cost(struct isakmp_engine *e);

/* Bytes of memory the engine holds now (its own object included). */
size_t isakmp_engine_memory(const struct isakmp_engine *e);

/* Counters, for tests and results. */
struct isakmp_stats {
    uint64_t rx, tx, retransmits;
    uint64_t duplicates, replays, rejected;
    uint64_t bad_hash, bad_cookie, decrypt_errors;
    uint64_t exchanges_ok, exchanges_failed;
    uint32_t half_open;             /* responder phase-1 SAs not established now */
    uint32_t phase1_sas, phase2_sas;/* established now */
    uint64_t dropped_by_limit;
    uint64_t notify_rate_limited;
    uint64_t duplicates_unanswered; /* peer duplicates not answered (resend limits) */
    uint64_t auth_failures;         /* encrypted messages that failed to decrypt/authenticate */
};
void isakmp_engine_stats(const struct isakmp_engine *e, struct isakmp_stats *out);

/* Key material of an established phase-1 SA (copied out; wipe after use).
 * enc_key is the cipher key derived from SKEYID_e (RFC 2409 App. B) and,
 * with cky_i, is what Wireshark's ikev1_decryption_table needs.
 * Returns false when the handle is not an established phase-1 SA, or is
 * one made by the Authentication Only exchange (it has no keys). */
#define ISAKMP_MAX_KEY 64
struct isakmp_phase1_keys {
    uint8_t cky_i[8], cky_r[8];
    uint8_t skeyid[ISAKMP_MAX_KEY], skeyid_d[ISAKMP_MAX_KEY];
    uint8_t skeyid_a[ISAKMP_MAX_KEY], skeyid_e[ISAKMP_MAX_KEY];
    size_t prf_len;                 /* length of each SKEYID* */
    uint8_t enc_key[ISAKMP_MAX_KEY];
    size_t enc_key_len;
};
bool isakmp_engine_phase1_keys(const struct isakmp_engine *e, isakmp_handle sa,
                               struct isakmp_phase1_keys *out);

/* KEYMAT of an established phase-2 SA, per protocol and direction
 * (RFC 2409 §5.5: in = under the SPI we chose, out = under the peer's).
 * Each is expanded to keymat_len bytes: what the negotiated algorithms
 * take (the encryption key first, then the authentication key, e.g. 36
 * for ESP AES-128 + HMAC-SHA1; 0 for IPCOMP), or ISAKMP_MAX_KEYMAT when
 * an algorithm's key length is not known to the engine.  The bytes are
 * a prefix of any longer expansion (RFC 2409 §5.5).  Returns false
 * when unknown or index out of range. */
#define ISAKMP_MAX_KEYMAT 128
struct isakmp_phase2_keys {
    uint8_t protocol;
    uint32_t spi_in, spi_out;
    uint8_t keymat_in[ISAKMP_MAX_KEYMAT], keymat_out[ISAKMP_MAX_KEYMAT];
    size_t keymat_len;              /* bytes valid in each */
};
bool isakmp_engine_phase2_keys(const struct isakmp_engine *e, isakmp_handle sa,
                               unsigned protocol_index,
                               struct isakmp_phase2_keys *out);

/* The Wireshark ikev1_decryption_table line "CKYI,KEY" (hex) of an
 * established phase-1 SA into buf (NUL-terminated).  Returns the length
 * written, 0 when unknown or buf too small (needs 16+1+2*key+1 bytes). */
size_t isakmp_engine_wireshark_line(const struct isakmp_engine *e,
                                    isakmp_handle sa, char *buf, size_t size);

#endif
