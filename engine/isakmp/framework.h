/* ISAKMP framework internals (RFC 2408), shared by the engine/isakmp sources and
 * the layers that plug into it (engine/ike/ through fw_kx_ops,
 * engine/doi/ through fw_doi_ops).  Knows nothing of Oakley: keys, IVs
 * and hashes are reached only through the key-exchange ops table. */
#ifndef ISAKMP_FRAMEWORK_H
#define ISAKMP_FRAMEWORK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "isakmp/engine.h"
#include "isakmp/cost.h"
#include "isakmp/fw_msg.h"
#include "isakmp/fw_timer.h"

struct fw_sa;
struct fw_xchg;
struct fw_doi_ops;

/* ---- exchanges as data --------------------------------------------------- */

/* What a step function says about the message it was given. */
enum fw_verdict {
    FW_OK = 0,        /* accepted: state advanced (a reply may have been sent) */
    FW_DROP,          /* rejected silently, no state changed (bad hash ...) */
    FW_FAIL,          /* the exchange fails: ctx->notify (if nonzero) is sent */
};

struct fw_ctx {
    struct isakmp_engine *e;
    uint64_t now;
    struct fw_sa *sa;
    struct fw_xchg *x;
    const struct fw_msg *m;              /* the message, decrypted and parsed */
    const struct isakmp_addr *from, *to;
    const struct fw_p2_request *p2req;   /* start_phase2: what to negotiate */
    const void *arg;                     /* start_exchange: the exchange's own request */
    /* Set by the step on FW_FAIL / FW_DROP: */
    uint16_t notify;                     /* Notify type to send (0: none) */
    enum isakmp_fail_reason reason;
    enum isakmp_reject_reason reject;
};

enum { FW_CLEAR = 0, FW_ENCRYPTED = 1, FW_EITHER = 2 };

/* One message of an exchange as its receiver sees it.  The generic driver
 * (dispatch.c) checks an incoming message against this before `run`:
 * every payload in `required` present, nothing outside `allowed`, and
 * encryption as declared; so step functions never re-check presence. */
struct fw_step {
    uint8_t msg_no;                      /* 1-based position in the exchange */
    bool by_initiator;                   /* who sends it */
    uint8_t encrypted;                   /* FW_CLEAR, FW_ENCRYPTED or FW_EITHER */
    uint32_t required;                   /* FW_PL() bits */
    uint32_t allowed;                    /* in addition to required */
    uint32_t sends;                      /* payloads our reply may carry (checked when sending) */
    enum fw_verdict (*run)(struct fw_ctx *c);
    uint16_t variant;                    /* 0: always; else only when kx->step_variant(sa) says so
                                          * (IKE: the authentication method) */
    uint32_t opaque;                     /* FW_PL() types whose bodies are ciphertext here
                                          * (not checked as cleartext by the codec) */
};

struct fw_exchange_def {
    uint8_t type;                        /* exchange type number */
    uint8_t phase;                       /* 1: creates an ISAKMP SA (M-ID 0); 2: under one */
    uint8_t n_msgs;                      /* messages in a complete exchange */
    const struct fw_step *steps;
    size_t n_steps;
};

/* ---- the key-exchange layer (IKE) as seen by the framework ---------------- */

struct fw_kx_ops {
    const char *name;
    const struct fw_exchange_def *const *exchanges;
    size_t n_exchanges;
    uint8_t phase2_type;                 /* exchange that makes IPsec SAs (Quick Mode) */
    /* Which variant of the steps applies to this SA (0: none). */
    uint16_t (*step_variant)(const struct fw_sa *sa);
    /* Engine-wide state of the layer (e.g. a reused DH pair). */
    bool (*engine_init)(struct isakmp_engine *e);
    void (*engine_free)(struct isakmp_engine *e);
    /* Free the layer's per-SA / per-exchange state (wipe keys). */
    void (*sa_free)(struct isakmp_engine *e, struct fw_sa *sa);
    void (*xchg_free)(struct isakmp_engine *e, struct fw_xchg *x);
    /* True once the SA has keys (messages may be encrypted/hashed). */
    bool (*has_keys)(const struct fw_sa *sa);
    /* Initial IV of a phase-2/Informational exchange with this M-ID. */
    bool (*phase2_iv)(struct isakmp_engine *e, struct fw_sa *sa, uint32_t msgid,
                      uint8_t *iv, size_t *iv_len);
    /* Decrypt len bytes (a multiple of the block) with iv into out (same
     * size); *iv_next gets the IV after this message (its last block).
     * Returns false on a length error.  Padding is left to the caller. */
    bool (*decrypt)(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t *iv_next);
    /* Encrypt in place; len must be a multiple of block_size. */
    bool (*encrypt)(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *iv,
                    uint8_t *buf, size_t len, uint8_t *iv_next);
    size_t (*block_size)(const struct fw_sa *sa);
    /* Informational HASH(1) = prf(SKEYID_a, M-ID | payloads) (RFC 2409 §5.7). */
    bool (*info_hash)(struct isakmp_engine *e, struct fw_sa *sa, uint32_t msgid,
                      const uint8_t *payloads, size_t len, uint8_t *out, size_t *out_len);
    /* Start phase 1 as initiator: build and send message 1. */
    enum fw_verdict (*initiate)(struct fw_ctx *c, uint8_t exchange_type);
    /* Start a phase-2 exchange (Quick Mode) as initiator on an
     * established SA: x is fresh (msgid chosen), build and send message 1. */
    enum fw_verdict (*start_phase2)(struct fw_ctx *c);
    /* Start another exchange under an established SA (e.g. New Group
     * Mode) as initiator: x is fresh (msgid chosen, IV set), c->arg is
     * the caller's request.  Optional. */
    enum fw_verdict (*start_exchange)(struct fw_ctx *c, uint8_t type);
    /* The supported group a private group number stands for (0: none). */
    uint16_t (*group_equivalent)(const struct isakmp_engine *e, uint16_t number);
    /* Stateless responder (optional): from message 1 in c->m build
     * message 2 into `reply` (header included) for the cookies in c->sa
     * (a temporary, not in the database), and the bytes to remember in
     * `blob` (at most FW_STATELESS_BLOB; *blob_len).  FW_OK, or FW_FAIL
     * with c->notify. */
    enum fw_verdict (*stateless_reply)(struct fw_ctx *c, struct isakmp_builder *reply,
                                       uint8_t *blob, size_t *blob_len);
    /* Recreate the layer's SA state from the blob when message 3 comes
     * back with a valid cookie (c->sa, c->x fresh). */
    bool (*stateless_resume)(struct fw_ctx *c, const uint8_t *blob, size_t blob_len);
    /* A protected status Notify the framework does not handle itself
     * (e.g. RESPONDER-LIFETIME for the ISAKMP SA).  Optional. */
    void (*status_notify)(struct isakmp_engine *e, struct fw_sa *sa, uint16_t type,
                          uint8_t protocol, const uint8_t *spi, size_t spi_len,
                          const uint8_t *data, size_t len);
    /* Fill the public key structs (accessors). */
    bool (*phase1_keys)(const struct fw_sa *sa, struct isakmp_phase1_keys *out);
};

/* ---- SAs and exchanges --------------------------------------------------- */

enum fw_sa_state { FW_SA_HALF_OPEN = 0, FW_SA_ESTABLISHED, FW_SA_DEAD };

/* A request remembered for after phase 1 (initiator): Quick Mode policy. */
struct fw_p2_request {
    struct isakmp_p2_proposal *p2;       /* counted allocation */
    size_t n_p2;
    struct isakmp_identity client_local, client_peer;
    bool commit;
    isakmp_handle handle;                /* reserved handle for the Quick Mode (0: none yet) */
};

/* What an initiator asked for: kept apart so that a responder's
 * half-open SA (the thing floods multiply) does not carry it. */
struct fw_initiator {
    struct isakmp_identity peer_id_expected;
    struct isakmp_p1_transform *offer;   /* phase-1 offer (counted) */
    size_t n_offer;
    struct fw_p2_request p2req;
};

struct fw_xchg {
    isakmp_handle handle;
    struct fw_sa *sa;
    const struct fw_exchange_def *def;
    uint32_t msgid;
    bool initiator;
    uint8_t last_rx_no;                  /* number of the last message accepted (0: none) */
    uint8_t last_tx_no;
    bool done;                           /* completed (kept a while for duplicates) */
    bool announced;                      /* EXCHANGE_STARTED emitted */
    bool awaiting;                       /* retransmitting until the next message arrives */
    uint8_t rx_digest[16];               /* digest of the last accepted datagram */
    bool have_rx_digest;
    uint8_t *tx;                         /* our last datagram (counted) */
    size_t tx_len;
    uint64_t rt_wait;
    uint32_t rt_sent;                    /* transmissions of tx so far */
    struct fw_timer timer;               /* retransmission, or lingering after done */
    uint8_t iv[16];                      /* CBC IV for the next message (encrypted exchanges) */
    size_t iv_len;
    void *kx;                            /* the key-exchange layer's state */
    const struct fw_step *step;          /* step being run (its `sends` bounds our reply) */
    struct fw_xchg *next;                /* in sa->xchgs */
    /* Answers to the peer's duplicates (limits: isakmp_config). */
    uint64_t last_tx_at;                 /* when tx was last sent (first send or resend) */
    uint32_t dup_resends;                /* resends of tx answering duplicates */
    uint32_t dup_unanswered;             /* duplicates not answered in this exchange */
    /* Encrypted messages that did not decrypt/authenticate (auth_failures.c). */
    uint32_t auth_failures;
    uint64_t auth_failure_at;            /* when the last one was counted */
};

/* NAT traversal state of a phase-1 SA (isakmp/natt.h).  The framework
 * only moves datagrams (float, keepalives); IKE fills the rest
 * (engine/ike/nat_t.c). */
struct fw_natt {
    uint8_t variant;                     /* enum isakmp_natt_variant agreed (0: none) */
    uint8_t peer_vids;                   /* bit 0: peer announced RFC 3947; bit 1: a draft */
    bool detected;                       /* NAT-D compared (event sent) */
    bool local_nat, peer_nat, forced;
    bool floated;                        /* now on the NAT-T ports */
    bool have_orig;                      /* orig_*: the addresses of message 1 */
    struct isakmp_addr orig_local, orig_peer;
    struct fw_timer keepalive;
};

struct fw_sa {
    isakmp_handle handle;
    uint8_t cky_i[8], cky_r[8];
    bool initiator;
    enum fw_sa_state state;
    uint8_t exchange_type;               /* phase-1 exchange used */
    struct isakmp_addr local, peer;
    struct fw_initiator *ini;            /* what we asked for (initiator only; counted) */
    struct fw_xchg *p1x;                 /* the phase-1 exchange */
    struct fw_xchg *xchgs;               /* phase-2 / Informational exchanges */
    uint32_t used_msgids[8];             /* recent peer M-IDs (reuse = replay) */
    uint8_t used_next;
    uint64_t established_at;
    struct fw_timer life;                /* soft then hard lifetime */
    bool soft_done;
    uint32_t life_seconds;
    struct isakmp_p1_transform chosen;   /* negotiated (for events) */
    bool peer_dpd;                       /* the peer announced RFC 3706 */
    struct fw_timer dpd;                 /* next R-U-THERE, or its retransmission */
    uint32_t dpd_seq;                    /* last sequence number sent */
    uint32_t dpd_tries;                  /* R-U-THEREs sent without an ACK */
    void *kx;                            /* IKE's per-SA state (keys ...) */
    struct fw_natt natt;                 /* NAT traversal (natt.c, ike/nat_t.c) */
    struct fw_sa *hnext;                 /* hash chain */
    struct fw_sa *prev, *next;           /* all SAs */
    /* Kilobyte lifetime (sa_traffic.c): encrypted bytes sent and
     * received under this SA. */
    uint64_t protected_bytes;
    /* Phase-2 first messages with a wrong HASH(1), by M-ID (auth_failures.c). */
    uint32_t bad_msgid, bad_msgid_count;
    uint64_t bad_msgid_at;
};

/* A phase-2 SA (IPsec SA bundle) made by a phase-2 exchange. */
struct fw_child {
    isakmp_handle handle;
    isakmp_handle phase1;
    bool initiator;
    struct isakmp_addr local, peer;
    uint8_t n;
    struct {
        struct isakmp_p2_protocol alg;
        uint32_t spi_in, spi_out;
        uint8_t keymat_in[ISAKMP_MAX_KEYMAT], keymat_out[ISAKMP_MAX_KEYMAT];
        size_t keymat_len;
    } p[ISAKMP_P2_MAX_PROTOCOLS];
    uint16_t pfs_group;
    uint32_t life_seconds, life_kbytes;
    bool soft_done;
    /* Initiator: what to ask for again when rekeying. */
    struct isakmp_identity client_local, client_peer;
    bool commit;
    uint8_t natt;                        /* NAT-T dialect of its ISAKMP SA (0: none) */
    bool udp_encap;                      /* ESP in UDP (encapsulation mode 3/4, 61443/61444) */
    struct fw_timer life;
    struct fw_child *prev, *next;
    /* Kilobyte lifetime (sa_traffic.c): bytes reported per direction. */
    uint64_t bytes_in, bytes_out;
    uint64_t established_at;
};

/* ---- engine ---------------------------------------------------------------- */

#define FW_STATELESS_BLOB 480
/* Phase-2 exchanges a peer may have in progress under one ISAKMP SA. */
#define FW_MAX_OPEN_PHASE2 32

/* One remembered message 1 of the stateless responder. */
struct fw_slot {
    uint8_t cky_i[8], cky_r[8];
    struct isakmp_addr peer;
    uint16_t len;                        /* 0: empty */
    uint8_t blob[FW_STATELESS_BLOB];
};

struct fw_cookie_state {
    uint8_t secret[32], prev_secret[32];
    bool have_prev;
    uint64_t rotate_at;
};

struct isakmp_engine {
    struct isakmp_config cfg;            /* arrays below are our own copies */
    struct isakmp_callbacks cb;
    void *user;
    size_t mem;                          /* counted bytes */
    uint64_t cost;                       /* virtual ns since take_cost */
    isakmp_handle next_handle;
    struct isakmp_stats stats;
    const struct fw_kx_ops *kx;
    const struct fw_doi_ops *doi;
    void *kx_engine;                     /* the kx layer's engine-wide state */
    /* SA database: hash on CKY-I (keyed), and a list. */
    struct fw_sa **buckets;
    size_t n_buckets, n_sas;
    uint64_t hash_key;
    struct fw_sa *sas;
    struct fw_child *children;
    struct fw_timer_heap timers;
    struct fw_cookie_state cookie;
    struct fw_slot *slots;               /* STATELESS mode table */
    size_t n_slots;
    /* Notify rate limit: a token bucket refilled per second. */
    uint64_t notify_window_start;
    uint32_t notify_in_window;
    /* Half-open SAs per source: small open-addressed counter table. */
    struct fw_src_count *src_counts;
    size_t n_src_counts, src_used, src_live;
    uint64_t now;                        /* `now` of the current call */
};

struct fw_src_count { struct isakmp_addr addr; uint32_t n; };

/* ---- memory (mem.c) ------------------------------------------------------- */
void *fw_alloc(struct isakmp_engine *e, size_t n);          /* zeroed; NULL on failure */
void fw_free(struct isakmp_engine *e, void *p);             /* wipes; NULL ok */
void *fw_memdup(struct isakmp_engine *e, const void *p, size_t n);

/* ---- events (events.c) ---------------------------------------------------- */
void fw_event(struct isakmp_engine *e, struct isakmp_event *ev);  /* fills now */
void fw_event_crypto(struct isakmp_engine *e, enum isakmp_crypto_op op,
                     uint16_t group, uint64_t virtual_ns, uint64_t cpu_ns);
/* The same for a DH operation, with the private exponent/scalar bits and
 * the exponent policy (enum isakmp_crypto_exp). */
void fw_event_crypto_dh(struct isakmp_engine *e, enum isakmp_crypto_op op, uint16_t group,
                        uint32_t bits, uint8_t exp_policy, uint64_t virtual_ns, uint64_t cpu_ns);
uint64_t fw_cpu_now(struct isakmp_engine *e);
/* Virtual cost of a cheap operation (enum isakmp_cost_kind) from the
 * configured table (0 without one). */
uint64_t fw_cost(const struct isakmp_engine *e, int kind);
void fw_event_reject(struct isakmp_engine *e, enum isakmp_reject_reason r,
                     uint8_t xchg, size_t size, const struct isakmp_addr *from);
void fw_random(struct isakmp_engine *e, uint8_t *buf, size_t len);
isakmp_handle fw_new_handle(struct isakmp_engine *e);

/* ---- SA database (sadb.c) --------------------------------------------------- */
/* The hash table and the per-source table at their initial size. */
bool fw_sa_tables_init(struct isakmp_engine *e);
struct fw_sa *fw_sa_new(struct isakmp_engine *e, bool initiator,
                        const struct isakmp_addr *local, const struct isakmp_addr *peer);
/* Insert once cookies are known (responder: both; initiator: CKY-I). */
bool fw_sa_insert(struct isakmp_engine *e, struct fw_sa *sa);
/* Find by cookies: an exact pair, or (initiator SA with CKY-R still 0)
 * CKY-I alone, or (responder, message 1 retransmitted with CKY-R 0)
 * CKY-I + peer address. */
struct fw_sa *fw_sa_lookup(struct isakmp_engine *e, const uint8_t *cky_i,
                           const uint8_t *cky_r, const struct isakmp_addr *peer);
struct fw_sa *fw_sa_by_handle(struct isakmp_engine *e, isakmp_handle h);
/* Remove and free an SA with its exchanges (no events). */
void fw_sa_destroy(struct isakmp_engine *e, struct fw_sa *sa);
/* Mark an SA established (counters, lifetime timer, event); then, for an
 * initiator with a phase-2 request, start it. */
void fw_sa_established(struct fw_ctx *c, const struct isakmp_p1_transform *chosen);
/* Start a phase-2 exchange under an established SA.  Returns its handle
 * (req->handle when nonzero) or 0. */
isakmp_handle fw_start_phase2(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                              const struct fw_p2_request *req);
/* Start an exchange of `type` (phase2_type, or one for kx->start_exchange
 * with `arg`) under an established SA.  Returns its handle or 0. */
isakmp_handle fw_start_exchange(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                                uint8_t type, const struct fw_p2_request *req, const void *arg);
void fw_sa_life_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now);
/* The peer set a shorter lifetime for an established SA (seconds from
 * its establishment): the timers follow. */
void fw_sa_shorten_life(struct isakmp_engine *e, struct fw_sa *sa, uint32_t seconds);
void fw_child_life_timer(struct isakmp_engine *e, struct fw_child *c, uint64_t now);
/* The peer said INITIAL-CONTACT on `sa`: its other SAs with that peer
 * are stale and go. */
void fw_initial_contact(struct isakmp_engine *e, struct fw_sa *sa);
/* Dead Peer Detection (dpd.c). */
void fw_dpd_start(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now);
void fw_dpd_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now);
void fw_dpd_ack(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *data, size_t len);
/* The ISAKMP SA to use with `peer`: `prefer` when established and not
 * due for rekeying, else the newest established one; NULL if none. */
struct fw_sa *fw_sa_for_peer(struct isakmp_engine *e, isakmp_handle prefer,
                             const struct isakmp_addr *peer);
/* Delete a phase-2 SA locally, telling the peer when its ISAKMP SA lives. */
void fw_child_delete_local(struct isakmp_engine *e, struct fw_child *c);
/* SA goes away with an event (phase-2 children too). */
void fw_sa_remove(struct isakmp_engine *e, struct fw_sa *sa, enum isakmp_sa_end why);
void fw_sa_set_cky_r(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *cky_r);
bool fw_sa_msgid_used(struct fw_sa *sa, uint32_t msgid);
void fw_sa_msgid_remember(struct fw_sa *sa, uint32_t msgid);
void fw_src_add(struct isakmp_engine *e, const struct isakmp_addr *a, int delta);
uint32_t fw_src_get(struct isakmp_engine *e, const struct isakmp_addr *a);

/* ---- phase-2 SAs (child.c) --------------------------------------------------- */
struct fw_child *fw_child_add(struct isakmp_engine *e, const struct fw_child *tmpl);
struct fw_child *fw_child_by_handle(struct isakmp_engine *e, isakmp_handle h);
struct fw_child *fw_child_by_spi(struct isakmp_engine *e, uint8_t proto, uint32_t spi, bool inbound);
void fw_child_remove(struct isakmp_engine *e, struct fw_child *c, enum isakmp_sa_end why);
void fw_child_event(struct isakmp_engine *e, const struct fw_child *c, enum isakmp_event_type t,
                    enum isakmp_sa_end why);

/* ---- exchanges (xchg.c) ------------------------------------------------------ */
struct fw_xchg *fw_xchg_new(struct isakmp_engine *e, struct fw_sa *sa,
                            const struct fw_exchange_def *def, uint32_t msgid,
                            bool initiator, isakmp_handle handle);
void fw_xchg_destroy(struct isakmp_engine *e, struct fw_xchg *x);
struct fw_xchg *fw_xchg_find(struct fw_sa *sa, uint32_t msgid);
const struct fw_exchange_def *fw_exchange_def(const struct isakmp_engine *e, uint8_t type);
/* Send the message being built in b (header already there): encrypt when
 * `encrypt`, cache it for retransmission, emit MESSAGE_SENT.  When
 * `expect_reply`, retransmit until the next message arrives.  Returns
 * false on a local error. */
bool fw_xchg_send(struct fw_ctx *c, struct fw_xchg *x, struct isakmp_builder *b,
                  bool encrypt, bool expect_reply);
/* Pad, set the E flag and encrypt a finished message in place (b must
 * have room for one block more); *iv is updated to the next IV. */
bool fw_seal(struct isakmp_engine *e, struct fw_sa *sa, uint8_t *iv, size_t *iv_len,
             struct isakmp_builder *b);
/* The exchange is complete on our side; linger to answer duplicates. */
void fw_xchg_complete(struct fw_ctx *c, struct fw_xchg *x);
/* The exchange failed: event, optional Notify, state freed (phase 1: the SA). */
void fw_xchg_fail(struct fw_ctx *c, struct fw_xchg *x, enum isakmp_fail_reason why,
                  uint16_t notify, bool notify_received);
/* Send the cached last message again (answer to a duplicate). */
void fw_xchg_resend(struct isakmp_engine *e, struct fw_xchg *x);
void fw_xchg_timer(struct isakmp_engine *e, struct fw_xchg *x, uint64_t now);
void fw_emit_exchange(struct isakmp_engine *e, struct fw_xchg *x, enum isakmp_event_type t,
                      enum isakmp_fail_reason why, uint16_t notify);

/* ---- NAT traversal: the transport side (natt.c) ------------------------------- */
/* The local NAT-T port (config.natt_port or 4500). */
uint16_t fw_natt_port(const struct isakmp_engine *e);
/* Initiator: move the SA to our NAT-T port and the peer's 4500
 * (ISAKMP_EV_NAT_ADDRESS_CHANGED). */
void fw_natt_float(struct isakmp_engine *e, struct fw_sa *sa);
/* A message of sa came from another address than sa->peer: may it be
 * processed (the SA negotiated NAT-T)?  Then sa uses (to, from) until
 * fw_natt_follow_end says whether the message was accepted. */
bool fw_natt_follow_begin(struct isakmp_engine *e, struct fw_sa *sa,
                          const struct isakmp_addr *from, const struct isakmp_addr *to,
                          struct isakmp_addr saved[2]);
void fw_natt_follow_end(struct isakmp_engine *e, isakmp_handle sa_handle, bool accepted,
                        const struct isakmp_addr saved[2]);
/* Start (or stop) keepalives for an established SA behind a NAT. */
void fw_natt_keepalive_start(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now);
void fw_natt_keepalive_timer(struct isakmp_engine *e, struct fw_sa *sa, uint64_t now);
/* ISAKMP_EV_PLAINTEXT for header + chain (config.plaintext_events). */
void fw_event_plaintext(struct isakmp_engine *e, const struct fw_sa *sa, const uint8_t *hdr,
                        const uint8_t *chain, size_t chain_len, bool sent);

/* ---- kilobyte lifetimes (sa_traffic.c) ------------------------------------------ */
/* Bytes of an encrypted ISAKMP message sent or received under sa: counted
 * against its kilobyte lifetime (the limits act at the next timeout). */
void fw_sa_count_protected(struct isakmp_engine *e, struct fw_sa *sa, size_t bytes);
/* Soft and hard limits in bytes of a kilobyte lifetime (0: none). */
uint64_t fw_kbytes_soft(const struct isakmp_engine *e, uint32_t kbytes);
uint64_t fw_kbytes_hard(uint32_t kbytes);
/* The soft lifetime of a phase-2 SA was reached (by time or traffic):
 * REKEY_DUE and, with auto_rekey, a new Quick Mode (lifetime.c). */
void fw_child_soft_expire(struct isakmp_engine *e, struct fw_child *c, uint64_t now);

/* ---- messages that fail to decrypt or authenticate (auth_failures.c) ----------- */
/* An encrypted message of exchange x (not fresh) was rejected: `why`
 * (DECRYPT or BAD_HASH), `notify` the type that says so.  Counts it;
 * answers with a rate-limited Notify in phase 1, or fails the exchange
 * at config.auth_failures_max.  True when x is gone. */
bool fw_auth_failure(struct fw_ctx *c, struct fw_xchg *x, uint16_t notify);
/* A first phase-2 message (fresh exchange x, M-ID m) with a wrong hash:
 * counted per M-ID on the SA; at the limit the exchange is failed (with
 * a protected INVALID-HASH-INFORMATION), else dropped.  x is gone after. */
void fw_auth_failure_fresh(struct fw_ctx *c, struct fw_xchg *x);
/* An unprotected error Notify for a half-open phase-1 SA that already
 * has keys: counted like a failed message (the peer says it could not
 * read ours); at the limit the exchange fails (PEER_NOTIFY).  True when
 * the SA is gone. */
bool fw_auth_failure_notify(struct fw_ctx *c, struct fw_xchg *x, uint16_t type);
uint32_t fw_auth_failures_max(const struct isakmp_engine *e);

/* ---- dispatch (dispatch.c) ---------------------------------------------------- */
void fw_recv(struct isakmp_engine *e, uint64_t now, const uint8_t *bytes, size_t len,
             const struct isakmp_addr *from, const struct isakmp_addr *to);

/* ---- cookies and defences (cookie.c) ----------------------------------------- */
void fw_cookie_init(struct isakmp_engine *e, uint64_t now);
void fw_cookie_rotate_if_due(struct isakmp_engine *e, uint64_t now);
/* CKY-R for (peer, local, CKY-I) under the current secret. */
void fw_cookie_make(struct isakmp_engine *e, const struct isakmp_addr *peer,
                    const struct isakmp_addr *local, const uint8_t *cky_i, uint8_t *cky_r);
bool fw_cookie_check(struct isakmp_engine *e, const struct isakmp_addr *peer,
                     const struct isakmp_addr *local, const uint8_t *cky_i, const uint8_t *cky_r);
/* The stateless table: remember / find (and forget) a message 1. */
bool fw_slots_init(struct isakmp_engine *e);
void fw_slot_put(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                 const struct isakmp_addr *peer, const uint8_t *blob, size_t len);
struct fw_slot *fw_slot_find(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                             const struct isakmp_addr *peer);
/* May a new responder SA be created for this source?  Emits DEFENCE. */
bool fw_admit_half_open(struct isakmp_engine *e, const struct isakmp_addr *from);

/* ---- Informational (informational.c) ------------------------------------------ */
/* Handle an Informational message (already decrypted if it was). */
void fw_info_recv(struct isakmp_engine *e, uint64_t now, struct fw_sa *sa,
                  const struct fw_msg *m, bool protected_,
                  const struct isakmp_addr *from, const struct isakmp_addr *to);
/* Send one Notify: protected (HASH(1), encrypted) when sa has keys,
 * otherwise in the clear with the SA's cookies (rate-limited). */
bool fw_info_send_notify(struct isakmp_engine *e, struct fw_sa *sa, uint16_t type,
                         uint8_t protocol, const uint8_t *spi, size_t spi_len,
                         const uint8_t *data, size_t len);
/* An unprotected error Notify in reply to a message with no usable SA. */
void fw_info_send_clear(struct isakmp_engine *e, const uint8_t *cky_i, const uint8_t *cky_r,
                        const struct isakmp_addr *local, const struct isakmp_addr *peer,
                        uint16_t type);
bool fw_info_send_delete(struct isakmp_engine *e, struct fw_sa *sa, uint8_t protocol,
                         const uint8_t *spis, size_t spi_len, uint16_t n_spis);

/* ---- the DOI as the framework needs it ------------------------------------- */
struct fw_doi_ops {
    uint32_t doi;                        /* DOI number in SA/Notify/Delete payloads */
    const char *name;
};

/* ---- the registered layers ------------------------------------------------------ */
extern const struct fw_kx_ops ike_kx_ops;    /* engine/ike/ike_ops.c */
extern const struct fw_doi_ops ipsec_doi_fw_ops; /* engine/doi/ipsec_doi.c */

#endif
