/* RSA signatures for IKE (RFC 2409 §5.1) over isakmp/rsa.h: signing
 * HASH_I / HASH_R, verifying the peer's, finding the peer's key.  Kept
 * apart from ike_crypto.c because rsa.h and dh.h cannot share a file
 * (see /work/notes/requests.md). */
#include "ike/ike.h"
#include "isakmp/rsa.h"

#include <string.h>

static uint32_t bits_of(const struct isakmp_rsa_key *k)
{
    return (uint32_t)(isakmp_rsa_key_size(k) * 8);
}

bool ike_rsa_sign(struct isakmp_engine *e, const uint8_t *hash, size_t hash_len,
                  uint8_t *sig, size_t cap, size_t *sig_len)
{
    const struct isakmp_rsa_key *k = e->cfg.rsa_key;
    if (!k || !isakmp_rsa_key_has_private(k) || isakmp_rsa_key_size(k) > cap)
        return false;
    uint64_t t0 = fw_cpu_now(e);
    int r = isakmp_rsa_sign(k, e->cb.random, e->user, hash, hash_len, sig, cap);
    fw_event_crypto(e, ISAKMP_CRYPTO_RSA_SIGN, 0,
                    isakmp_cost_lookup(e->cfg.cost, ISAKMP_COST_RSA_SIGN, 0, bits_of(k)),
                    fw_cpu_now(e) - t0);
    *sig_len = isakmp_rsa_key_size(k);
    return r == ISAKMP_RSA_OK;
}

/* The peer's configured key: by the identity it sent, else by its address. */
static const struct isakmp_rsa_key *configured_key(const struct isakmp_engine *e,
                                                   const struct fw_sa *sa,
                                                   const struct isakmp_identity *id)
{
    for (size_t i = 0; i < e->cfg.n_rsa_peers; i++) {
        const struct isakmp_rsa_peer *p = &e->cfg.rsa_peers[i];
        if (p->id.type && id && p->id.type == id->type && p->id.len == id->len &&
            memcmp(p->id.data, id->data, id->len) == 0)
            return p->key;
    }
    size_t alen = sa->peer.family == 6 ? 16 : 4;
    for (size_t i = 0; i < e->cfg.n_rsa_peers; i++) {
        const struct isakmp_rsa_peer *p = &e->cfg.rsa_peers[i];
        if (!p->id.type && p->addr.family == sa->peer.family &&
            memcmp(p->addr.addr, sa->peer.addr, alen) == 0)
            return p->key;
    }
    return NULL;
}

/* The key of a verified certificate (ike_cert.c) first: it names the
 * identity the peer sent; else the configured one. */
static const struct isakmp_rsa_key *peer_key(const struct isakmp_engine *e, const struct fw_sa *sa,
                                             const struct isakmp_identity *id)
{
    const struct ike_sa *k = ike_of(sa);
    if (k && k->cert_key)
        return k->cert_key;
    return configured_key(e, sa, id);
}

bool ike_rsa_have_peer(const struct isakmp_engine *e, const struct fw_sa *sa,
                       const struct isakmp_identity *id)
{
    return peer_key(e, sa, id) != NULL;
}

bool ike_rsa_have_configured_peer(const struct isakmp_engine *e, const struct fw_sa *sa,
                                  const struct isakmp_identity *id)
{
    return configured_key(e, sa, id) != NULL;
}

bool ike_rsa_verify(struct isakmp_engine *e, const struct fw_sa *sa, const struct isakmp_identity *id,
                    const uint8_t *hash, size_t hash_len, const uint8_t *sig, size_t sig_len)
{
    const struct isakmp_rsa_key *k = peer_key(e, sa, id);
    if (!k)
        return false;
    uint64_t t0 = fw_cpu_now(e);
    int r = isakmp_rsa_verify(k, hash, hash_len, sig, sig_len);
    fw_event_crypto(e, ISAKMP_CRYPTO_RSA_VERIFY, 0,
                    isakmp_cost_lookup(e->cfg.cost, ISAKMP_COST_RSA_VERIFY, 0, bits_of(k)),
                    fw_cpu_now(e) - t0);
    return r == ISAKMP_RSA_OK;
}

bool ike_rsa_encrypt_to_peer(struct isakmp_engine *e, const struct fw_sa *sa,
                             const struct isakmp_identity *id, const uint8_t *in, size_t len,
                             uint8_t *out, size_t cap, size_t *out_len)
{
    const struct isakmp_rsa_key *k = peer_key(e, sa, id);
    if (!k || isakmp_rsa_key_size(k) > cap)
        return false;
    uint64_t t0 = fw_cpu_now(e);
    int r = isakmp_rsa_encrypt(k, e->cb.random, e->user, in, len, out, cap);
    fw_event_crypto(e, ISAKMP_CRYPTO_RSA_ENCRYPT, 0,
                    isakmp_cost_lookup(e->cfg.cost, ISAKMP_COST_RSA_ENCRYPT, 0, bits_of(k)),
                    fw_cpu_now(e) - t0);
    *out_len = isakmp_rsa_key_size(k);
    return r == ISAKMP_RSA_OK;
}

bool ike_rsa_decrypt(struct isakmp_engine *e, const uint8_t *in, size_t len,
                     uint8_t *out, size_t cap, size_t *out_len)
{
    const struct isakmp_rsa_key *k = e->cfg.rsa_key;
    if (!k || !isakmp_rsa_key_has_private(k))
        return false;
    uint64_t t0 = fw_cpu_now(e);
    int r = isakmp_rsa_decrypt(k, e->cb.random, e->user, in, len, out, cap, out_len);
    fw_event_crypto(e, ISAKMP_CRYPTO_RSA_DECRYPT, 0,
                    isakmp_cost_lookup(e->cfg.cost, ISAKMP_COST_RSA_DECRYPT, 0, bits_of(k)),
                    fw_cpu_now(e) - t0);
    return r == ISAKMP_RSA_OK;
}
