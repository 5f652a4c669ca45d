/* The IKE key-exchange layer as the ISAKMP framework sees it: one ops
 * table (struct fw_kx_ops) registered when an engine is created. */
#include "ike/ike.h"
#include "isakmp/secmem.h"

#include <string.h>

bool ike_phase2_iv(struct isakmp_engine *e, struct fw_sa *sa, uint32_t msgid,
                   uint8_t *iv, size_t *iv_len)
{
    (void)e;
    struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys || !sa->p1x)
        return false;
    /* RFC 2409 App. B: hash(last phase-1 CBC block | M-ID). */
    if (sa->p1x->iv_len != k->block || !ike_ks_phase2_iv(k->t.hash, sa->p1x->iv, k->block, msgid, iv))
        return false;
    *iv_len = k->block;
    return true;
}

static bool has_keys(const struct fw_sa *sa)
{
    const struct ike_sa *k = ike_of(sa);
    return k && k->keys;
}

static size_t block_size(const struct fw_sa *sa)
{
    const struct ike_sa *k = ike_of(sa);
    return k && k->keys ? k->block : 0;
}

static bool decrypt(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, uint8_t *iv_next)
{
    (void)e;
    struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys || len < k->block || len % k->block)
        return false;
    memcpy(iv_next, in + len - k->block, k->block);
    return ike_cbc_cached(e, &k->cbc, k->t.cipher, k->enc_key, k->enc_key_len, false, iv, in, out, len);
}

static bool encrypt(struct isakmp_engine *e, struct fw_sa *sa, const uint8_t *iv,
                    uint8_t *buf, size_t len, uint8_t *iv_next)
{
    (void)e;
    struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys || len < k->block || len % k->block)
        return false;
    if (!ike_cbc_cached(e, &k->cbc, k->t.cipher, k->enc_key, k->enc_key_len, true, iv, buf, buf, len))
        return false;
    memcpy(iv_next, buf + len - k->block, k->block);
    return true;
}

static bool info_hash(struct isakmp_engine *e, struct fw_sa *sa, uint32_t msgid,
                      const uint8_t *payloads, size_t len, uint8_t *out, size_t *out_len)
{
    (void)e;
    uint8_t mid[4];
    isakmp_put32(mid, msgid);
    struct ike_iov v[] = { { mid, 4 }, { payloads, len } };
    return ike_prf_a(sa, v, 2, out, out_len);
}

static enum fw_verdict initiate(struct fw_ctx *c, uint8_t type)
{
    if (type == ISAKMP_XCHG_IDPROT)
        return ike_main_initiate(c);
    if (type == ISAKMP_XCHG_AGGRESSIVE)
        return ike_aggressive_initiate(c);
    if (type == ISAKMP_XCHG_BASE || type == ISAKMP_XCHG_AUTH_ONLY)
        return ike_base_initiate(c);
    return FW_FAIL;
}

static enum fw_verdict start_exchange(struct fw_ctx *c, uint8_t type)
{
    return type == ISAKMP_XCHG_NEW_GROUP ? ike_new_group_initiate(c) : FW_FAIL;
}

static void xchg_free(struct isakmp_engine *e, struct fw_xchg *x)
{
    if (x->def == &ike_new_group_mode) {
        ike_new_group_free(e, x);
        return;
    }
    struct ike_qm *q = x->kx;
    if (!q)
        return;
    ike_dh_free(e, q->dh);
    fw_free(e, q->gxy);
    fw_free(e, q->offer);
    fw_free(e, q);
    x->kx = NULL;
}

static bool phase1_keys(const struct fw_sa *sa, struct isakmp_phase1_keys *out)
{
    const struct ike_sa *k = ike_of(sa);
    if (!k || !k->keys || k->prf_len > ISAKMP_MAX_KEY)
        return false;
    out->prf_len = k->prf_len;
    memcpy(out->skeyid, k->skeyid, k->prf_len);
    memcpy(out->skeyid_d, k->skeyid_d, k->prf_len);
    memcpy(out->skeyid_a, k->skeyid_a, k->prf_len);
    memcpy(out->skeyid_e, k->skeyid_e, k->prf_len);
    memcpy(out->enc_key, k->enc_key, k->enc_key_len);
    out->enc_key_len = k->enc_key_len;
    return true;
}

/* RESPONDER-LIFETIME for our ISAKMP SA (RFC 2407 §4.5.4, attributes of
 * RFC 2409 App. A): take the peer's shorter lifetimes, seconds and
 * kilobytes. */
static void status_notify(struct isakmp_engine *e, struct fw_sa *sa, uint16_t type,
                          uint8_t protocol, const uint8_t *spi, size_t spi_len,
                          const uint8_t *data, size_t len)
{
    (void)spi;
    if (type != ISAKMP_N_RESPONDER_LIFETIME || protocol != ISAKMP_PROTO_ISAKMP || spi_len != 16)
        return;
    struct isakmp_bytes attrs = { data, len };
    struct isakmp_iter it = isakmp_attrs(attrs);
    struct isakmp_attr a;
    uint32_t type_seen = 0;
    while (isakmp_next_attr(&it, &a) == 1) {
        if (a.type == ISAKMP_IKE_LIFE_TYPE && a.value_fits)
            type_seen = a.value;
        else if (a.type == ISAKMP_IKE_LIFE_DURATION && a.value_fits && type_seen == ISAKMP_LIFE_SECONDS)
            fw_sa_shorten_life(e, sa, a.value);
        else if (a.type == ISAKMP_IKE_LIFE_DURATION && a.value_fits && a.value &&
                 type_seen == ISAKMP_LIFE_KILOBYTES &&
                 (!sa->chosen.life_kbytes || a.value < sa->chosen.life_kbytes)) {
            /* Only ever smaller; the bytes already protected count (a
             * limit already passed acts at the next timeout). */
            sa->chosen.life_kbytes = a.value;
            fw_sa_count_protected(e, sa, 0);
        }
    }
}

static const struct fw_exchange_def *const exchanges[] = {
    &ike_main_mode, &ike_aggressive_mode, &ike_quick_mode, &ike_new_group_mode,
    &ike_base_mode, &ike_auth_only_mode,
};

const struct fw_kx_ops ike_kx_ops = {
    .name = "IKEv1",
    .exchanges = exchanges,
    .n_exchanges = sizeof exchanges / sizeof exchanges[0],
    .phase2_type = ISAKMP_XCHG_QUICK,
    .step_variant = ike_step_variant,
    .sa_free = ike_sa_free,
    .xchg_free = xchg_free,
    .has_keys = has_keys,
    .phase2_iv = ike_phase2_iv,
    .decrypt = decrypt,
    .encrypt = encrypt,
    .block_size = block_size,
    .info_hash = info_hash,
    .initiate = initiate,
    .start_phase2 = ike_quick_initiate,
    .start_exchange = start_exchange,
    .group_equivalent = ike_group_equivalent,
    .engine_init = ike_engine_init,
    .engine_free = ike_engine_free,
    .status_notify = status_notify,
    .stateless_reply = ike_main_stateless_reply,
    .stateless_resume = ike_main_stateless_resume,
    .phase1_keys = phase1_keys,
};
