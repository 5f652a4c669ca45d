/* New Group Mode, RFC 2409 §5.6, under an established ISAKMP SA:
 *     I -> R  HDR*, HASH(1), SA        HASH(1) = prf(SKEYID_a, M-ID | SA)
 *     R -> I  HDR*, HASH(2), SA        HASH(2) = prf(SKEYID_a, M-ID | SA)
 * The SA payload holds one ISAKMP proposal whose KEY_IKE transform(s)
 * describe a group: Group Description (a private number), Group Type
 * (MODP), Group Prime, Group Generator One (RFC 2409 App. A).  The
 * responder answers with the transform it accepts.  "SA" in the hashes is
 * the whole SA payload, generic header included, as for Quick Mode (RFC
 * 2409 §5.5: everything after the HASH payload).
 *
 * A group is accepted when its parameters are those of a group the DH
 * layer computes (ike_modp_equivalent): on completion both sides map the
 * private number to it (ike_groups.c).  Any other MODP group only with
 * config.accept_private_groups, once its prime and generator pass
 * crypto/dh_custom.c's checks (each side applies its own policy: the
 * initiator before proposing, the responder before answering, which it
 * does with ATTRIBUTES-NOT-SUPPORTED on a refusal); both sides then
 * compute in it as given.  The prime tests cost the responder tens of
 * milliseconds (2048 bits) per proposal: it happens only under an
 * authenticated ISAKMP SA. */
#include "ike/ike.h"
#include "isakmp/dh.h"
#include "crypto/dh_custom.h"

#include <string.h>

#define PL FW_PL

/* Per-exchange state (fw_xchg.kx). */
struct ike_ngm {
    uint16_t number;                /* the private number proposed */
    uint16_t equivalent;            /* the supported group it names (0: its own) */
    struct dh_custom *custom;       /* its own parameters (initiator, to check the echo) */
};

static enum fw_verdict fail(struct fw_ctx *c, enum isakmp_fail_reason r, uint16_t notify)
{
    c->reason = r;
    c->notify = notify;
    return FW_FAIL;
}

static enum fw_verdict drop(struct fw_ctx *c)
{
    c->reject = ISAKMP_REJECT_BAD_HASH;
    return FW_DROP;
}

void ike_new_group_free(struct isakmp_engine *e, struct fw_xchg *x)
{
    struct ike_ngm *n = x->kx;
    if (n)
        dh_custom_free(n->custom);
    fw_free(e, x->kx);
    x->kx = NULL;
}

/* Header and an empty HASH payload; returns the HASH payload's offset. */
static size_t begin(struct fw_ctx *c, struct isakmp_builder *b, uint8_t *buf, size_t cap)
{
    uint8_t zero[IKE_MAX_HASH] = { 0 };
    isakmp_build_init(b, buf, cap);
    fw_build_header(b, c->sa->cky_i, c->sa->cky_r, ISAKMP_XCHG_NEW_GROUP, 0, c->x->msgid);
    size_t at = b->len;
    isakmp_build_data(b, ISAKMP_PL_HASH, zero, ike_of(c->sa)->prf_len);
    return at;
}

/* May this engine compute in (prime, generator)?  0 and *equivalent (a
 * supported group) or *custom (new, validated parameters of its own), or
 * ATTRIBUTES-NOT-SUPPORTED (config.accept_private_groups and its checks). */
static uint16_t accept_params(const struct isakmp_engine *e, uint16_t number, const uint8_t *prime,
                              size_t len, uint32_t gen, uint16_t *equivalent,
                              struct dh_custom **custom)
{
    *custom = NULL;
    *equivalent = ike_modp_equivalent(prime, len, gen);
    if (*equivalent)
        return 0;
    const struct isakmp_config *cfg = &e->cfg;
    if (!cfg->accept_private_groups ||
        dh_custom_check(prime, len, gen, cfg->private_group_min_bits ? cfg->private_group_min_bits : 1024,
                        !cfg->allow_unsafe_primes) != DH_CUSTOM_OK)
        return ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED;
    *custom = dh_custom_new(number, prime, len, gen);
    return *custom ? 0 : ISAKMP_N_NO_PROPOSAL_CHOSEN;
}

/* One transform's group: 0 and *number / *equivalent / *custom, or the
 * Notify type saying why not: NO-PROPOSAL-CHOSEN for a transform that
 * names no private MODP group, ATTRIBUTES-NOT-SUPPORTED for an attribute
 * we do not know, a group type other than MODP, or parameters we refuse. */
static uint16_t read_group(const struct isakmp_engine *e, const struct isakmp_transform *xf,
                           uint16_t *number, uint16_t *equivalent, struct dh_custom **custom)
{
    *custom = NULL;
    if (xf->id != ISAKMP_KEY_IKE)
        return ISAKMP_N_NO_PROPOSAL_CHOSEN;
    struct isakmp_iter ai = isakmp_attrs(xf->attrs);
    struct isakmp_attr a;
    uint32_t desc = 0, type = 0, gen = 0;
    struct isakmp_bytes prime = { NULL, 0 };
    int r;
    while ((r = isakmp_next_attr(&ai, &a)) == 1) {
        switch (a.type) {
        case ISAKMP_IKE_GROUP_DESC: desc = a.value_fits ? a.value : 0; break;
        case ISAKMP_IKE_GROUP_TYPE: type = a.value_fits ? a.value : 0; break;
        case ISAKMP_IKE_GROUP_PRIME: prime = a.data; break;
        case ISAKMP_IKE_GROUP_GEN_ONE: gen = a.value_fits ? a.value : 0; break;
        default: return ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED;
        }
    }
    if (r != 0)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    if (desc < ISAKMP_PRIVATE_GROUP_MIN || desc > 0xffff)
        return ISAKMP_N_NO_PROPOSAL_CHOSEN;
    if (type != ISAKMP_GROUP_TYPE_MODP || !prime.len || !gen)
        return ISAKMP_N_ATTRIBUTES_NOT_SUPPORTED;
    *number = (uint16_t)desc;
    return accept_params(e, *number, prime.p, prime.len, gen, equivalent, custom);
}

/* The first acceptable group of an SA payload body: 0, the proposal
 * number and the raw transform (to echo), or a Notify type (that of the
 * last transform refused). */
static uint16_t choose(const struct isakmp_engine *e, const struct isakmp_payload *sa,
                       uint16_t *number, uint16_t *equivalent, struct dh_custom **custom,
                       uint8_t *prop_no, struct isakmp_bytes *raw_xf, unsigned *n_xf)
{
    *custom = NULL;
    if (sa->u.sa.doi != ISAKMP_DOI_IPSEC)
        return ISAKMP_N_DOI_NOT_SUPPORTED;
    if (sa->u.sa.situation != ISAKMP_SIT_IDENTITY_ONLY)
        return ISAKMP_N_SITUATION_NOT_SUPPORTED;
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    if (isakmp_next_proposal(&pi, &prop) != 1 || prop.protocol != ISAKMP_PROTO_ISAKMP ||
        isakmp_next_proposal(&pi, &(struct isakmp_proposal){ 0 }) != 0)
        return ISAKMP_N_BAD_PROPOSAL_SYNTAX;
    *prop_no = prop.number;
    *n_xf = prop.n_transforms;
    struct isakmp_iter ti = isakmp_transforms(&prop);
    struct isakmp_transform xf;
    uint16_t why = ISAKMP_N_NO_PROPOSAL_CHOSEN;
    int r;
    while ((r = isakmp_next_transform(&ti, &xf)) == 1) {
        why = read_group(e, &xf, number, equivalent, custom);
        if (why == 0) {
            *raw_xf = xf.raw;
            return 0;
        }
    }
    return r < 0 ? ISAKMP_N_BAD_PROPOSAL_SYNTAX : why;
}


enum fw_verdict ike_new_group_initiate(struct fw_ctx *c)
{
    const struct isakmp_new_group *g = c->arg;
    struct ike_sa *k = ike_of(c->sa);
    if (!g || !k || !k->keys || g->number < ISAKMP_PRIVATE_GROUP_MIN || !g->prime ||
        !g->prime_len || g->prime_len > ISAKMP_DH_MAX_PUBLIC)
        return FW_FAIL;
    /* We must be able to compute in the group we name, by our policy. */
    uint16_t eq = 0;
    struct dh_custom *custom = NULL;
    uint16_t why = accept_params(c->e, g->number, g->prime, g->prime_len, g->generator, &eq, &custom);
    struct ike_ngm *n = why ? NULL : fw_alloc(c->e, sizeof *n);
    if (!n) {
        dh_custom_free(custom);
        return fail(c, why ? ISAKMP_FAIL_NO_PROPOSAL : ISAKMP_FAIL_LOCAL, 0);
    }
    n->number = g->number;
    n->equivalent = eq;
    n->custom = custom;
    c->x->kx = n;
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    size_t at = begin(c, &b, buf, sizeof buf);
    isakmp_build_sa_begin(&b, c->e->doi->doi, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(&b, 1, ISAKMP_PROTO_ISAKMP, NULL, 0);
    isakmp_build_transform_begin(&b, 1, ISAKMP_KEY_IKE);
    isakmp_build_attr_tv(&b, ISAKMP_IKE_GROUP_DESC, g->number);
    isakmp_build_attr_tv(&b, ISAKMP_IKE_GROUP_TYPE, ISAKMP_GROUP_TYPE_MODP);
    isakmp_build_attr_tlv(&b, ISAKMP_IKE_GROUP_PRIME, g->prime, g->prime_len);
    isakmp_build_attr(&b, ISAKMP_ATTR_CTX_IKE, ISAKMP_IKE_GROUP_GEN_ONE, g->generator);
    isakmp_build_transform_end(&b);
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    if (!ike_seal_hash(c, &b, at, NULL, 0))
        return FW_FAIL;
    return fw_xchg_send(c, c->x, &b, true, true) ? FW_OK : FW_FAIL;
}

static enum fw_verdict r_msg1(struct fw_ctx *c)
{
    if (!ike_hash_ok(c, NULL, 0))
        return drop(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    uint16_t number = 0, eq = 0;
    uint8_t prop_no = 0;
    unsigned n_xf = 0;
    struct dh_custom *custom = NULL;
    struct isakmp_bytes raw = { NULL, 0 };
    uint16_t n = choose(c->e, sa, &number, &eq, &custom, &prop_no, &raw, &n_xf);
    if (n)
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, n);
    /* Defined before we say yes (a full table is a refusal). */
    if (custom ? !ike_group_define_custom(c->e, number, custom) : !ike_group_define(c->e, number, eq))
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, ISAKMP_N_NO_PROPOSAL_CHOSEN);
    uint8_t buf[FW_MAX_MSG];
    struct isakmp_builder b;
    size_t at = begin(c, &b, buf, sizeof buf);
    isakmp_build_sa_begin(&b, c->e->doi->doi, ISAKMP_SIT_IDENTITY_ONLY);
    isakmp_build_proposal_begin(&b, prop_no, ISAKMP_PROTO_ISAKMP, NULL, 0);
    ike_build_raw_transform(&b, &raw);
    isakmp_build_proposal_end(&b);
    isakmp_build_sa_end(&b);
    if (!ike_seal_hash(c, &b, at, NULL, 0) || !fw_xchg_send(c, c->x, &b, true, false))
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    fw_xchg_complete(c, c->x);
    return FW_OK;
}

static enum fw_verdict i_msg2(struct fw_ctx *c)
{
    struct ike_ngm *ngm = c->x->kx;
    if (!ike_hash_ok(c, NULL, 0))
        return drop(c);
    const struct isakmp_payload *sa = fw_msg_find(c->m, ISAKMP_PL_SA, 0);
    uint16_t number = 0, eq = 0;
    uint8_t prop_no = 0;
    unsigned n_xf = 0;
    struct dh_custom *custom = NULL;
    struct isakmp_bytes raw = { NULL, 0 };
    /* The answer is the group we proposed, alone. */
    uint16_t n = choose(c->e, sa, &number, &eq, &custom, &prop_no, &raw, &n_xf);
    bool same = !n && n_xf == 1 && number == ngm->number && eq == ngm->equivalent &&
                (eq || dh_custom_equal(custom, ngm->custom));
    dh_custom_free(custom);
    if (!same)
        return fail(c, ISAKMP_FAIL_NO_PROPOSAL, n ? n : ISAKMP_N_BAD_PROPOSAL_SYNTAX);
    bool ok;
    if (eq) {
        ok = ike_group_define(c->e, number, eq);
    } else {
        ok = ike_group_define_custom(c->e, number, ngm->custom);
        ngm->custom = NULL;             /* taken */
    }
    if (!ok)
        return fail(c, ISAKMP_FAIL_LOCAL, 0);
    fw_xchg_complete(c, c->x);
    return FW_OK;
}

static const struct fw_step steps[] = {
    { 1, true, FW_ENCRYPTED, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA), 0,
      PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA), r_msg1, 0, 0 },
    { 2, false, FW_ENCRYPTED, PL(ISAKMP_PL_HASH) | PL(ISAKMP_PL_SA), 0, 0, i_msg2, 0, 0 },
};

const struct fw_exchange_def ike_new_group_mode = {
    .type = ISAKMP_XCHG_NEW_GROUP,
    .phase = 2,
    .n_msgs = 2,
    .steps = steps,
    .n_steps = sizeof steps / sizeof steps[0],
};
