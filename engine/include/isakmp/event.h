/* Events: what an engine tells its driver, through the event callback.
 *
 * An event is a tagged struct; `type` says which member of the union is
 * valid.  Events are delivered synchronously, inside the engine call that
 * caused them, and the struct (with any pointer in it) is only valid
 * during the callback: copy what you keep.  The callback must not call
 * back into the same engine.
 *
 * Handles: every exchange and every SA has a nonzero 32-bit handle, unique
 * within its engine and never reused.  A phase-1 SA has the handle of the
 * exchange that created it; a phase-2 SA the handle of its Quick Mode. */
#ifndef ISAKMP_EVENT_H
#define ISAKMP_EVENT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#include "isakmp/policy.h"

typedef uint32_t isakmp_handle;

enum isakmp_event_type {
    ISAKMP_EV_EXCHANGE_STARTED = 1, /* .exchange (one started by the peer: once its first
                                     * message is accepted, so a forged one starts nothing) */
    ISAKMP_EV_MESSAGE_SENT,         /* .message */
    ISAKMP_EV_MESSAGE_RECEIVED,     /* .message (passed the exchange table's checks; a
                                     * hash check may still reject it: MESSAGE_REJECTED) */
    ISAKMP_EV_DUPLICATE,            /* .message: peer retransmission; cached reply resent if .retransmission */
    ISAKMP_EV_REPLAY_REJECTED,      /* .message: a message of a finished exchange or a used message ID */
    ISAKMP_EV_MESSAGE_REJECTED,     /* .reject: malformed, bad hash, bad padding ...; no state changed */
    ISAKMP_EV_EXCHANGE_COMPLETED,   /* .exchange */
    ISAKMP_EV_EXCHANGE_FAILED,      /* .exchange (+ .reason, .notify) */
    ISAKMP_EV_SA_ESTABLISHED,       /* .sa */
    ISAKMP_EV_SA_EXPIRED,           /* .sa: lifetime (seconds: .end LIFETIME, or
                                     * kilobytes: .end KILOBYTES) reached, SA removed */
    ISAKMP_EV_SA_DELETED,           /* .sa: deleted (locally or by a Delete payload) */
    ISAKMP_EV_SA_REKEY_DUE,         /* .sa: soft lifetime reached (driver may rekey) */
    ISAKMP_EV_CRYPTO,               /* .crypto: one expensive operation and its cost */
    ISAKMP_EV_NOTIFY_SENT,          /* .notify */
    ISAKMP_EV_NOTIFY_RECEIVED,      /* .notify */
    ISAKMP_EV_DELETE_SENT,          /* .notify (type 0; spi/protocol of the Delete) */
    ISAKMP_EV_DELETE_RECEIVED,      /* .notify (type 0) */
    ISAKMP_EV_DEFENCE,              /* .defence */
    ISAKMP_EV_NAT_DETECTED,         /* .natt: NAT-D payloads compared (phase 1, once per SA) */
    ISAKMP_EV_NAT_ADDRESS_CHANGED,  /* .natt: the SA now uses these addresses/ports (the
                                     * initiator's float to 4500, a responder following) */
    ISAKMP_EV_PLAINTEXT,            /* .plain: an encrypted message in clear (config.plaintext_events) */
};

/* Exchange types: ISAKMP_XCHG_* of isakmp/registry.h. */

/* Why an exchange failed (besides the Notify type, when there is one). */
enum isakmp_fail_reason {
    ISAKMP_FAIL_NONE = 0,
    ISAKMP_FAIL_TIMEOUT,            /* retransmissions exhausted */
    ISAKMP_FAIL_NO_PROPOSAL,        /* nothing acceptable (NO-PROPOSAL-CHOSEN) */
    ISAKMP_FAIL_AUTH,               /* wrong hash/signature (AUTHENTICATION-FAILED / INVALID-HASH-INFORMATION) */
    ISAKMP_FAIL_BAD_KE,             /* bad public value (INVALID-KEY-INFORMATION) */
    ISAKMP_FAIL_NO_CREDENTIAL,      /* no PSK/key for this peer */
    ISAKMP_FAIL_PEER_NOTIFY,        /* the peer sent an error Notify */
    ISAKMP_FAIL_MALFORMED,          /* a message we could not accept (PAYLOAD-MALFORMED ...) */
    ISAKMP_FAIL_DELETED,            /* the phase-1 SA under it went away */
    ISAKMP_FAIL_LOCAL,              /* out of memory, limit, or a local error */
    ISAKMP_FAIL_ID,                 /* unacceptable identity (INVALID-ID-INFORMATION) */
    /* The peer's certificate (config.ca_certs set): */
    ISAKMP_FAIL_CERT_INVALID,       /* does not parse, bad signature, insecure algorithm,
                                     * not an RSA key (INVALID-CERTIFICATE) */
    ISAKMP_FAIL_CERT_UNTRUSTED,     /* no path to a trust anchor (INVALID-CERT-AUTHORITY) */
    ISAKMP_FAIL_CERT_EXPIRED,       /* expired or not yet valid (INVALID-CERTIFICATE) */
    ISAKMP_FAIL_CERT_ID,            /* the ID payload does not name it (INVALID-ID-INFORMATION) */
    ISAKMP_FAIL_CERT_TYPE,          /* a CERT encoding other than X.509 Signature
                                     * (CERT-TYPE-UNSUPPORTED) */
    ISAKMP_FAIL_CERT_MISSING,       /* no CERT and no configured key (CERTIFICATE-UNAVAILABLE) */
};

/* Why a message was dropped without changing state. */
enum isakmp_reject_reason {
    ISAKMP_REJECT_MALFORMED = 1,    /* header or payload chain does not parse */
    ISAKMP_REJECT_UNKNOWN_SA,       /* no SA for these cookies */
    ISAKMP_REJECT_BAD_COOKIE,       /* CKY-R not one this responder made */
    ISAKMP_REJECT_DECRYPT,          /* bad length/padding after decryption, wrong IV chain */
    ISAKMP_REJECT_BAD_HASH,         /* HASH(1)/(2)/(3) or Informational HASH wrong */
    ISAKMP_REJECT_UNEXPECTED,       /* payloads do not match what this step requires */
    ISAKMP_REJECT_UNSUPPORTED,      /* exchange type/version we do not speak (e.g. IKEv2) */
    ISAKMP_REJECT_LIMIT,            /* half-open or memory limit */
    ISAKMP_REJECT_RATE_LIMITED,     /* Notify answer suppressed by the rate limit */
};

/* Expensive operations, for the CPU model. */
enum isakmp_crypto_op {
    ISAKMP_CRYPTO_DH_KEYGEN = 1,    /* private value + public value */
    ISAKMP_CRYPTO_DH_SHARED,        /* g^xy, including peer value validation */
    ISAKMP_CRYPTO_PRF,              /* one key schedule (SKEYID...) or KEYMAT run */
    ISAKMP_CRYPTO_CIPHER,           /* encrypt/decrypt one message */
    ISAKMP_CRYPTO_RSA_SIGN,
    ISAKMP_CRYPTO_RSA_VERIFY,
    ISAKMP_CRYPTO_RSA_ENCRYPT,
    ISAKMP_CRYPTO_RSA_DECRYPT,
    ISAKMP_CRYPTO_COOKIE,           /* one cookie MAC */
};

/* The private-exponent policy of a DH operation's key (isakmp/dh.h). */
enum isakmp_crypto_exp {
    ISAKMP_CRYPTO_EXP_NONE = 0,     /* not a DH operation */
    ISAKMP_CRYPTO_EXP_FULL = 1,     /* full-size exponent/scalar */
    ISAKMP_CRYPTO_EXP_SHORT = 2,    /* short exponent (RFC 3526 §8) */
};

enum isakmp_defence_action {
    ISAKMP_DEF_COOKIE_BAD = 1,      /* a message with a forged/stale CKY-R dropped */
    ISAKMP_DEF_HALF_OPEN_GLOBAL,    /* message 1 dropped: global half-open limit */
    ISAKMP_DEF_HALF_OPEN_SOURCE,    /* message 1 dropped: per-source half-open limit */
    ISAKMP_DEF_STATELESS_REPLY,     /* message 2 sent without keeping state */
    ISAKMP_DEF_SECRET_ROTATED,      /* the cookie secret changed */
    ISAKMP_DEF_MEMORY_LIMIT,        /* message 1 dropped: memory bound */
};

/* Direction/origin of an SA going away. */
enum isakmp_sa_end {
    ISAKMP_END_LOCAL = 1,           /* isakmp_engine_delete */
    ISAKMP_END_PEER,                /* Delete payload received */
    ISAKMP_END_LIFETIME,            /* hard lifetime */
    ISAKMP_END_ENGINE_FREE,         /* engine freed */
    ISAKMP_END_DPD,                 /* peer declared dead: no R-U-THERE-ACK (RFC 3706) */
    ISAKMP_END_KILOBYTES,           /* kilobyte lifetime reached (an EXPIRED event) */
};

struct isakmp_event {
    enum isakmp_event_type type;
    uint64_t now;                   /* the `now` of the engine call */
    isakmp_handle handle;           /* exchange or SA concerned (0 if none) */
    struct isakmp_addr peer;        /* the peer's address (when known) */
    union {
        struct {                    /* EXCHANGE_*: */
            uint8_t exchange_type;  /* ISAKMP_XCHG_* */
            bool initiator;         /* we started it */
            enum isakmp_fail_reason reason; /* FAILED only */
            uint16_t notify;        /* FAILED: the Notify type sent or received (0 = none) */
            isakmp_handle phase1;   /* for Quick/Informational: the ISAKMP SA used */
        } exchange;
        struct {                    /* MESSAGE_*, DUPLICATE, REPLAY_REJECTED: */
            uint8_t exchange_type;
            uint8_t number;         /* 1-based position in the exchange (1 = first message) */
            size_t size;            /* datagram bytes */
            bool retransmission;    /* SENT: a resend; DUPLICATE: our cached reply was resent */
            uint32_t message_id;
            uint32_t unanswered;    /* DUPLICATE: copies of the peer's message this exchange
                                     * has not answered so far (resend limits of
                                     * isakmp_config), this one included when not resent */
        } message;
        struct {                    /* MESSAGE_REJECTED: */
            enum isakmp_reject_reason reason;
            uint8_t exchange_type;  /* 0 when the header did not parse */
            size_t size;
        } reject;
        struct {                    /* SA_*: */
            uint8_t phase;          /* 1 or 2 */
            bool initiator;
            enum isakmp_sa_end end; /* EXPIRED/DELETED */
            uint8_t cky_i[8], cky_r[8];       /* phase 1 (and phase 2: its ISAKMP SA) */
            /* phase 1: */
            struct isakmp_p1_transform p1;    /* what was negotiated */
            uint8_t exchange_type;            /* Main, Aggressive, Base or Authentication Only */
            /* phase 2: */
            isakmp_handle phase1;             /* the ISAKMP SA it was made under */
            uint8_t n_protocols;
            struct {
                struct isakmp_p2_protocol alg;
                uint32_t spi_in, spi_out;     /* host order; IPCOMP: CPI in the low 16 bits */
            } protocols[ISAKMP_P2_MAX_PROTOCOLS];
            uint16_t pfs_group;
            uint32_t life_seconds;            /* negotiated (0 = default) */
            uint32_t life_kbytes;
            /* NAT traversal (isakmp/natt.h): the dialect the SA speaks
             * (0: none), what NAT-D showed, and our address and port
             * (with .peer: the UDP encapsulation ports once floated). */
            uint8_t natt;                     /* enum isakmp_natt_variant */
            bool nat_local, nat_peer;         /* a NAT before us / before the peer */
            bool nat_forced;                  /* we pretended one (ISAKMP_NAT_T_FORCE) */
            bool udp_encap;                   /* phase 2: ESP in UDP (mode 3/4 or 61443/61444) */
            struct isakmp_addr local;
        } sa;
        struct {                    /* CRYPTO: */
            enum isakmp_crypto_op op;
            uint16_t group;         /* DH group or 0 */
            uint32_t bits;          /* DH: private exponent/scalar bits (the exponent
                                     * policy at work); 0 for other operations */
            uint8_t exp_policy;     /* DH: ISAKMP_CRYPTO_EXP_FULL or _SHORT, the
                                     * policy the key was made under; 0 otherwise */
            uint64_t virtual_ns;    /* cost from the configured cost table (0 if none) */
            uint64_t cpu_ns;        /* measured with callbacks.cpu_clock (0 if none) */
        } crypto;
        struct {                    /* NOTIFY_*, DELETE_*: */
            uint16_t type;          /* Notify Message Type (0 for Delete) */
            uint8_t protocol;       /* Protocol-ID */
            bool protected_;        /* inside an Informational exchange with HASH(1) */
            uint8_t spi_len;
            uint8_t spi[16];        /* first SPI (Delete: the first of the list) */
            uint16_t n_spis;        /* Delete: how many SPIs */
        } notify;
        struct {                    /* DEFENCE: */
            enum isakmp_defence_action action;
            uint32_t half_open;     /* half-open SAs at that moment */
        } defence;
        struct {                    /* NAT_DETECTED, NAT_ADDRESS_CHANGED: */
            uint8_t variant;        /* enum isakmp_natt_variant */
            bool local_behind;      /* our address was changed on the way (or FORCE) */
            bool peer_behind;       /* the peer's was */
            bool forced;            /* ISAKMP_NAT_T_FORCE: local_behind is pretended */
            struct isakmp_addr local, peer;  /* the addresses the SA uses from now on */
        } natt;
        struct {                    /* PLAINTEXT: */
            const uint8_t *bytes;   /* header (E flag cleared, length = len) + payload
                                     * chain without padding; valid during the callback */
            size_t len;
            bool sent;              /* ours (before encryption) or received (after decryption) */
            uint8_t exchange_type;
            uint32_t message_id;
        } plain;
    } u;
};

/* A printable name for an event type, exchange type, fail/reject reason
 * (static strings; "?" when unknown). */
const char *isakmp_event_name(enum isakmp_event_type t);
const char *isakmp_fail_name(enum isakmp_fail_reason r);
const char *isakmp_reject_name(enum isakmp_reject_reason r);

#endif
