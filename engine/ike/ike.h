/* IKEv1 (RFC 2409) on the ISAKMP framework: internal declarations shared
 * by the modes (main_mode.c, aggressive_mode.c, quick_mode.c), the key
 * material (ike_keys.c), phase-1 proposals (ike_proposal.c) and the ops
 * table the framework calls (ike_ops.c). */
#ifndef ISAKMP_IKE_H
#define ISAKMP_IKE_H

#include "isakmp/framework.h"
#include "isakmp/wire.h"
#include "ike/ike_crypto.h"

#define IKE_NONCE_MAX 256
#define IKE_NONCE_LEN 32          /* what we send (RFC 2409: 8..256) */
#define IKE_ID_BODY_MAX (4 + ISAKMP_ID_MAX)

/* Per phase-1 SA state (fw_sa.kx). */
struct ike_sa {
    struct isakmp_p1_transform t;   /* chosen transform */
    bool have_t;
    const uint8_t *psk;             /* into the engine's config copy */
    size_t psk_len;
    struct ike_dh *dh;              /* our key pair until g^xy is known */
    uint8_t *gxi, *gxr;             /* public values (counted) */
    size_t gxi_len, gxr_len;
    uint8_t *ni, *nr;               /* nonces (counted, exact size) */
    size_t ni_len, nr_len;
    uint8_t *sai_b;                 /* initiator's SA payload body (counted) */
    size_t sai_b_len;
    uint8_t skeyid[IKE_MAX_HASH], skeyid_d[IKE_MAX_HASH];
    uint8_t skeyid_a[IKE_MAX_HASH], skeyid_e[IKE_MAX_HASH];
    size_t prf_len;
    uint8_t enc_key[64];
    size_t enc_key_len, block;
    bool keys;
    uint16_t ke_group;              /* group of our KE (Aggressive: from the offer) */
    bool life_shortened;            /* responder: send RESPONDER-LIFETIME when up */
    struct isakmp_identity peer_id; /* as received */
    /* Certificates (ike_cert.c): */
    bool peer_cr;                   /* the peer asked for our X.509 certificate (CR) */
    struct isakmp_rsa_key *cert_key;/* the peer's key, from its verified CERT (owned) */
    struct ike_cbc_key *cbc;        /* enc_key expanded once (ike_cbc_cached; counted, wiped) */
};

/* Per Quick Mode state (fw_xchg.kx). */
struct ike_qm {
    struct isakmp_p2_proposal *offer;   /* initiator: what we offered (counted) */
    size_t n_offer;
    struct isakmp_p2_proposal chosen;
    uint32_t spi_in[ISAKMP_P2_MAX_PROTOCOLS];   /* ours, per protocol of the offer/choice */
    uint32_t spi_out[ISAKMP_P2_MAX_PROTOCOLS];
    uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
    size_t ni_len, nr_len;
    struct ike_dh *dh;
    uint8_t *gxy;                   /* PFS g^xy (counted) */
    size_t gxy_len;
    bool has_ids;
    uint8_t idci[IKE_ID_BODY_MAX], idcr[IKE_ID_BODY_MAX];
    size_t idci_len, idcr_len;
    bool commit;
    struct fw_child child;          /* filled when keys are known */
    uint32_t responder_life;        /* RESPONDER-LIFETIME seconds (0: none) */
};

static inline struct ike_sa *ike_of(const struct fw_sa *sa) { return (struct ike_sa *)sa->kx; }

/* ---- exchanges (tables in each mode's file) -------------------------------- */
extern const struct fw_exchange_def ike_main_mode;
extern const struct fw_exchange_def ike_aggressive_mode;
extern const struct fw_exchange_def ike_quick_mode;
extern const struct fw_exchange_def ike_new_group_mode;
enum fw_verdict ike_main_initiate(struct fw_ctx *c);
enum fw_verdict ike_aggressive_initiate(struct fw_ctx *c);
/* RFC 2408 §4.4 Base and §4.6 Authentication Only (base_mode.c). */
extern const struct fw_exchange_def ike_base_mode;
extern const struct fw_exchange_def ike_auth_only_mode;
enum fw_verdict ike_base_initiate(struct fw_ctx *c);
enum fw_verdict ike_quick_initiate(struct fw_ctx *c);
/* New Group Mode (new_group.c): c->arg is the struct isakmp_new_group. */
enum fw_verdict ike_new_group_initiate(struct fw_ctx *c);
void ike_new_group_free(struct isakmp_engine *e, struct fw_xchg *x);

/* ---- phase-2-style hashes (quick_mode.c) ------------------------------------ */
/* Fill the HASH payload at offset `at` of b (the first payload) with
 * prf(SKEYID_a, M-ID | [pre |] everything after it). */
bool ike_seal_hash(struct fw_ctx *c, struct isakmp_builder *b, size_t at, const uint8_t *pre,
                   size_t pre_len);
/* Check the HASH that must come first in c->m over M-ID | [pre |] rest. */
bool ike_hash_ok(struct fw_ctx *c, const uint8_t *pre, size_t pre_len);

/* ---- private groups (ike_groups.c) ------------------------------------------ */
bool ike_engine_init(struct isakmp_engine *e);
void ike_engine_free(struct isakmp_engine *e);
/* The supported group a private number stands for (0: undefined). */
uint16_t ike_group_equivalent(const struct isakmp_engine *e, uint16_t number);
/* A group number as the DH layer knows it: private numbers resolved. */
uint16_t ike_group_resolve(const struct isakmp_engine *e, uint16_t group);
size_t ike_group_public_len(const struct isakmp_engine *e, uint16_t group);
/* Define (or redefine) a private number.  False: table full, bad number. */
bool ike_group_define(struct isakmp_engine *e, uint16_t number, uint16_t equivalent);
/* The same for a MODP group of its own (crypto/dh_custom.h, validated;
 * taken, freed on failure). */
struct dh_custom;
bool ike_group_define_custom(struct isakmp_engine *e, uint16_t number, struct dh_custom *c);
/* A group number usable here: supported, or a defined private one. */
bool ike_group_usable(const struct isakmp_engine *e, uint16_t group);
/* A fresh key pair in `group` (private numbers resolved, custom groups
 * included; cost reported).  NULL: unknown group or no memory. */
struct ike_dh *ike_group_dh_new(struct isakmp_engine *e, uint16_t group);
/* The supported safe-prime MODP group with this prime and generator, 0 if none. */
uint16_t ike_modp_equivalent(const uint8_t *prime, size_t len, uint32_t generator);
enum fw_verdict ike_main_stateless_reply(struct fw_ctx *c, struct isakmp_builder *reply,
                                         uint8_t *blob, size_t *blob_len);
bool ike_main_stateless_resume(struct fw_ctx *c, const uint8_t *blob, size_t blob_len);

/* ---- common pieces (ike_common.c) ---------------------------------------- */
/* Record why the exchange fails (reason, Notify type or 0); returns FW_FAIL. */
enum fw_verdict ike_fail(struct fw_ctx *c, enum isakmp_fail_reason r, uint16_t notify);
/* Replace *dst with a counted copy of p[0..n); false: no memory. */
bool ike_keep(struct isakmp_engine *e, uint8_t **dst, size_t *dst_len, const void *p, size_t n);
/* g^xy from our key pair (then freed) and the peer's kept public value, then the phase-1 keys. */
enum fw_verdict ike_compute_keys(struct fw_ctx *c);
/* The ike_sa of c->sa, created on first use. */
struct ike_sa *ike_sa_get(struct fw_ctx *c);
void ike_sa_free(struct isakmp_engine *e, struct fw_sa *sa);
/* Fill a nonce of IKE_NONCE_LEN random bytes. */
void ike_nonce(struct isakmp_engine *e, uint8_t *n, size_t *len);
/* Phase-1 nonces, held in counted allocations of their exact size: a
 * fresh one of ours, or the peer's (8..256 bytes; false: bad length or
 * no memory). */
bool ike_sa_nonce(struct isakmp_engine *e, uint8_t **n, size_t *len);
bool ike_sa_take_nonce(struct isakmp_engine *e, const struct isakmp_payload *p, uint8_t **n, size_t *len);
/* Copy a received nonce (8..256 bytes).  False: bad length. */
bool ike_take_nonce(const struct isakmp_payload *p, uint8_t *n, size_t *len);
/* Our phase-1 identity as an ID payload body (type|proto|port|data). */
size_t ike_my_id_body(const struct isakmp_engine *e, const struct fw_sa *sa, uint8_t *out);
/* Parse an ID payload body into an identity.  False: malformed. */
bool ike_parse_id(const uint8_t *body, size_t len, struct isakmp_identity *id);
/* The PSK for a peer: by identity when given and listed, else by address. */
const struct isakmp_psk *ike_psk_lookup(const struct isakmp_engine *e, const struct isakmp_addr *a,
                                        const struct isakmp_identity *peer_id);
/* Find the PSK for the peer of c->sa and keep it in its ike_sa. */
bool ike_find_psk(struct fw_ctx *c, const struct isakmp_identity *peer_id);
/* Our KE: a fresh pair (or the engine's reused one); the public value is
 * copied to *pub_out (counted). */
bool ike_make_ke(struct fw_ctx *c, uint16_t group, struct ike_dh **dh);
/* Remember what the peer's vendor IDs announce (DPD). */
void ike_note_vendor_ids(struct fw_sa *sa, const struct fw_msg *m);
/* Vendor IDs we send (DPD). */
void ike_put_vendor_ids(struct isakmp_builder *b);

/* Phase 1 is complete: exchange done, SA up, and (responder) our shorter
 * lifetime announced. */
void ike_established(struct fw_ctx *c);

/* ---- phase-1 proposals (ike_proposal.c) ----------------------------------- */
/* Append an SA payload offering `t` (one proposal, n transforms). */
void ike_put_p1_sa(struct isakmp_builder *b, uint32_t doi, const struct isakmp_p1_transform *t, size_t n);
/* Responder: choose from the initiator's SA body the first transform that
 * matches one of ours (and `group` when nonzero); a lifetime over
 * config.max_p1_life_seconds is cut to it (*shortened: say so with
 * RESPONDER-LIFETIME once established).  Returns 0, *out and the
 * chosen proposal number and raw transform (to echo it), or the Notify
 * type (NO-PROPOSAL-CHOSEN, BAD-PROPOSAL-SYNTAX, DOI-NOT-SUPPORTED,
 * SITUATION-NOT-SUPPORTED, PAYLOAD-MALFORMED). */
uint16_t ike_choose_p1(const struct isakmp_engine *e, const uint8_t *sa_body, size_t len,
                       uint16_t group, struct isakmp_p1_transform *out,
                       uint8_t *prop_no, struct isakmp_bytes *raw_xf, bool *shortened);
/* The responder's reply SA payload: the chosen transform echoed. */
void ike_put_p1_reply(struct isakmp_builder *b, uint32_t doi, uint8_t prop_no,
                      const struct isakmp_bytes *raw_xf);
/* A transform as received (raw, header included), re-emitted in the
 * open proposal with the builder (number, ID and attributes kept). */
void ike_build_raw_transform(struct isakmp_builder *b, const struct isakmp_bytes *raw_xf);
/* Initiator: the responder's SA must hold exactly one transform that we
 * offered.  Returns 0 and *out, or a Notify type. */
uint16_t ike_check_p1_reply(const struct fw_sa *sa, const uint8_t *sa_body, size_t len,
                            struct isakmp_p1_transform *out);
bool ike_p1_supported(const struct isakmp_engine *e, const struct isakmp_p1_transform *t);
/* Engine set-up: no phase-1 transforms configured means the default
 * policy (see ike_proposal.c); false on no memory. */
bool ike_default_p1(struct isakmp_engine *e);

/* ---- key material (ike_keys.c) -------------------------------------------- */
/* SKEYID..SKEYID_e, the cipher key and the phase-1 IV from g^xy (PSK). */
bool ike_derive_phase1(struct fw_ctx *c, const uint8_t *gxy, size_t gxy_len);
/* SKEYID alone from the PSK and both nonces (before any g^xy: the RFC
 * 2408 Base and Authentication Only exchanges); sets k->skeyid/prf_len. */
bool ike_derive_skeyid(struct fw_sa *sa);
/* HASH_I (initiator = true) or HASH_R over id_body. */
bool ike_hash_auth(const struct fw_sa *sa, bool initiator, const uint8_t *id_body,
                   size_t id_len, uint8_t *out, size_t *out_len);
/* prf(SKEYID_a, parts...). */
bool ike_prf_a(const struct fw_sa *sa, const struct ike_iov *v, size_t n, uint8_t *out,
               size_t *out_len);
/* KEYMAT for one protocol/SPI (RFC 2409 §5.5), expanded to out_len. */
bool ike_keymat(const struct fw_sa *sa, const struct ike_qm *q, uint8_t protocol,
                uint32_t spi, size_t spi_len, uint8_t *out, size_t out_len);

/* ---- RSA signatures (ike_rsa.c) -------------------------------------------- */
#define IKE_MAX_SIG 1024                  /* 8192-bit modulus */
bool ike_rsa_sign(struct isakmp_engine *e, const uint8_t *hash, size_t hash_len,
                  uint8_t *sig, size_t cap, size_t *sig_len);
bool ike_rsa_verify(struct isakmp_engine *e, const struct fw_sa *sa, const struct isakmp_identity *id,
                    const uint8_t *hash, size_t hash_len, const uint8_t *sig, size_t sig_len);
bool ike_rsa_have_peer(const struct isakmp_engine *e, const struct fw_sa *sa,
                       const struct isakmp_identity *id);
/* Only config.rsa_peers, not a key from the peer's certificate. */
bool ike_rsa_have_configured_peer(const struct isakmp_engine *e, const struct fw_sa *sa,
                                  const struct isakmp_identity *id);
bool ike_rsa_encrypt_to_peer(struct isakmp_engine *e, const struct fw_sa *sa,
                             const struct isakmp_identity *id, const uint8_t *in, size_t len,
                             uint8_t *out, size_t cap, size_t *out_len);
bool ike_rsa_decrypt(struct isakmp_engine *e, const uint8_t *in, size_t len,
                     uint8_t *out, size_t cap, size_t *out_len);

/* ---- public key encryption (ike_pke.c) ----------------------------------- */
/* ID and NONCE payloads with bodies encrypted to the peer's key (ours
 * from ike_my_id_body and k->ni / k->nr). */
bool ike_pke_put_id_nonce(struct fw_ctx *c, struct isakmp_builder *b, bool initiator);
/* Decrypt the peer's ID and NONCE payloads into k->peer_id and its
 * nonce; 0 or a Notify type. */
uint16_t ike_pke_take_id_nonce(struct fw_ctx *c, bool peer_is_initiator);
/* Revised mode (§5.3): NONCE <N_b>PubKey, KE <KE_b>Ne, ID <ID_b>Ne out
 * (our KE and nonce already made), or in (into the peer's nonce, public
 * value and k->peer_id); 0 or a Notify type. */
bool ike_rpke_put(struct fw_ctx *c, struct isakmp_builder *b, bool initiator);
uint16_t ike_rpke_take(struct fw_ctx *c, bool peer_is_initiator);
/* Aggressive Mode (§5.3 "single cipher"): every transform of an offer
 * names the same cipher, key length and hash - our list, or a received
 * SA payload body (every proposal, every transform). */
bool ike_rpke_single_suite(const struct isakmp_p1_transform *t, size_t n);
bool ike_rpke_single_suite_body(const uint8_t *sa_body, size_t len);
/* True for the two public-key-encryption methods. */
static inline bool ike_is_pke(uint16_t auth)
{
    return auth == ISAKMP_AUTH_RSA_ENC || auth == ISAKMP_AUTH_RSA_REV_ENC;
}
/* The peer's ID payload body, re-encoded from k->peer_id. */
size_t ike_peer_id_body(const struct ike_sa *k, uint8_t *out);

/* Our proof in messages 5/6 (Main) or 2/3 (Aggressive): HASH_x, or its
 * RSA signature in a SIG payload.  Appends the payload. */
bool ike_put_auth(struct fw_ctx *c, struct isakmp_builder *b, bool initiator, const uint8_t *id_body,
                  size_t id_len);
/* Check the peer's HASH or SIG payload against its ID body. 0 or Notify. */
uint16_t ike_check_auth(struct fw_ctx *c, bool peer_is_initiator, const uint8_t *id_body,
                        size_t id_len);
/* The authentication method step variant (fw_kx_ops.step_variant). */
uint16_t ike_step_variant(const struct fw_sa *sa);

/* ---- the ops table (ike_ops.c) --------------------------------------------- */
bool ike_phase2_iv(struct isakmp_engine *e, struct fw_sa *sa, uint32_t msgid,
                   uint8_t *iv, size_t *iv_len);

#endif
