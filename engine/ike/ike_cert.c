/* CERT and CR payloads for RSA signature authentication (see
 * ike_cert.h).  RFC 2408 §3.10: a CR asks for a certificate; by default
 * (ISAKMP_CERT_SEND_IF_ASKED) we send ours only to a peer that asked.
 * A CERT is believed only through config.ca_certs: without anchors it is
 * ignored, as before, and the peer's key comes from config.rsa_peers. */
#include "ike/ike_cert.h"
#include "crypto/x509_verify.h"
#include "isakmp/rsa.h"

#include <stdlib.h>
#include <string.h>

#define IKE_MAX_CR 8             /* CR payloads we send (one per anchor) */
#define IKE_MAX_PEER_CERTS 8     /* CERT payloads we look at */

struct ike_cert_engine {
    uint8_t *cert;               /* ours, DER (counted) */
    size_t cert_len;
    struct x509v_anchors *anchors;
    size_t anchors_charge;       /* GnuTLS memory: counted by an estimate */
};

void ike_cert_engine_free(struct isakmp_engine *e, struct ike_cert_engine *st)
{
    if (!st)
        return;
    fw_free(e, st->cert);
    x509v_anchors_free(st->anchors);
    e->mem -= st->anchors_charge;
    fw_free(e, st);
}

bool ike_cert_engine_init(struct isakmp_engine *e, struct ike_cert_engine **out)
{
    struct isakmp_config *cfg = &e->cfg;
    const uint8_t *cert = cfg->cert, *ca = cfg->ca_certs;
    size_t cert_len = cfg->cert_len, ca_len = cfg->ca_certs_len;
    /* Never keep the caller's pointers. */
    cfg->cert = cfg->ca_certs = NULL;
    *out = NULL;
    if (!cert && !ca)
        return true;
    struct ike_cert_engine *st = fw_alloc(e, sizeof *st);
    if (!st)
        return false;
    uint8_t *der = NULL;
    bool ok = (!cert || x509v_to_der(cert, cert_len, &der, &st->cert_len) == X509V_OK) &&
              (!der || (st->cert = fw_memdup(e, der, st->cert_len)) != NULL) &&
              (!ca || x509v_anchors_load(ca, ca_len, &st->anchors) == X509V_OK) &&
              /* Fail closed: anchors need a time to check dates against. */
              (!ca || cfg->cert_time_base || cfg->cert_no_dates);
    free(der);                   /* (a public certificate: no wipe needed) */
    if (st->anchors) {
        /* The trust list keeps each anchor parsed: about twice its DER,
         * which the PEM/DER input bounds. */
        st->anchors_charge = 2 * ca_len + 512;
        e->mem += st->anchors_charge;
    }
    if (!ok) {
        ike_cert_engine_free(e, st);
        return false;
    }
    *out = st;
    return true;
}

/* The method in force: the chosen one, else (initiator before the
 * reply) the one all our transforms share. */
static bool sig_method(const struct fw_ctx *c)
{
    return ike_step_variant(c->sa) == ISAKMP_AUTH_RSA_SIG;
}

void ike_cert_put_cr(struct fw_ctx *c, struct isakmp_builder *b)
{
    if (!c->e->cfg.send_cr || !sig_method(c))
        return;
    const struct ike_cert_engine *st = ike_cert_state(c->e);
    size_t n = st ? x509v_anchors_count(st->anchors) : 0;
    if (n == 0) {
        isakmp_build_cert(b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, NULL, 0);
        return;
    }
    for (size_t i = 0; i < n && i < IKE_MAX_CR; i++) {
        const uint8_t *dn;
        size_t len;
        if (x509v_anchor_subject(st->anchors, i, &dn, &len))
            isakmp_build_cert(b, ISAKMP_PL_CR, ISAKMP_CERT_X509_SIG, dn, len);
    }
}

void ike_cert_note_cr(struct fw_ctx *c)
{
    struct ike_sa *k = ike_of(c->sa);
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_CR); i++)
        if (fw_msg_find(c->m, ISAKMP_PL_CR, i)->u.cert.encoding == ISAKMP_CERT_X509_SIG)
            k->peer_cr = true;
}

void ike_cert_put(struct fw_ctx *c, struct isakmp_builder *b)
{
    const struct ike_cert_engine *st = ike_cert_state(c->e);
    enum isakmp_cert_send when = c->e->cfg.cert_send;
    if (!st || !st->cert || !sig_method(c) || when == ISAKMP_CERT_SEND_NEVER ||
        (when == ISAKMP_CERT_SEND_IF_ASKED && !ike_of(c->sa)->peer_cr))
        return;
    isakmp_build_cert(b, ISAKMP_PL_CERT, ISAKMP_CERT_X509_SIG, st->cert, st->cert_len);
}

static uint16_t refuse(enum isakmp_fail_reason *why, enum isakmp_fail_reason r, uint16_t notify)
{
    *why = r;
    return notify;
}

uint16_t ike_cert_take(struct fw_ctx *c, enum isakmp_fail_reason *why)
{
    struct ike_sa *k = ike_of(c->sa);
    const struct ike_cert_engine *st = ike_cert_state(c->e);
    if (k->t.auth != ISAKMP_AUTH_RSA_SIG || !st || !st->anchors)
        return 0;                        /* CERT payloads ignored */
    const uint8_t *certs[IKE_MAX_PEER_CERTS];
    size_t lens[IKE_MAX_PEER_CERTS], n = 0;
    unsigned other = 0;
    for (unsigned i = 0; i < fw_msg_count(c->m, ISAKMP_PL_CERT); i++) {
        const struct isakmp_payload *p = fw_msg_find(c->m, ISAKMP_PL_CERT, i);
        if (p->u.cert.encoding != ISAKMP_CERT_X509_SIG) {
            other++;                     /* a CRL, PKCS#7 ...: not ours to read */
        } else if (n < IKE_MAX_PEER_CERTS) {
            certs[n] = p->u.cert.data.p;
            lens[n++] = p->u.cert.data.len;
        }
    }
    if (n == 0) {
        if (other)
            return refuse(why, ISAKMP_FAIL_CERT_TYPE, ISAKMP_N_CERT_TYPE_UNSUPPORTED);
        /* No certificate: a configured key may still do. */
        return ike_rsa_have_configured_peer(c->e, c->sa, &k->peer_id)
                   ? 0 : refuse(why, ISAKMP_FAIL_CERT_MISSING, ISAKMP_N_CERTIFICATE_UNAVAILABLE);
    }
    const struct isakmp_config *cfg = &c->e->cfg;
    int64_t when = (int64_t)cfg->cert_time_base + (int64_t)(c->now / 1000000000u);
    enum x509v_result r = x509v_verify(st->anchors, certs, lens, n, when, !cfg->cert_no_dates,
                                       k->peer_id.type, k->peer_id.data, k->peer_id.len);
    switch (r) {
    case X509V_OK: break;
    case X509V_UNTRUSTED:
        return refuse(why, ISAKMP_FAIL_CERT_UNTRUSTED, ISAKMP_N_INVALID_CERT_AUTHORITY);
    case X509V_EXPIRED: case X509V_NOT_YET_VALID:
        return refuse(why, ISAKMP_FAIL_CERT_EXPIRED, ISAKMP_N_INVALID_CERTIFICATE);
    case X509V_ID_MISMATCH:
        return refuse(why, ISAKMP_FAIL_CERT_ID, ISAKMP_N_INVALID_ID_INFORMATION);
    case X509V_NOMEM:
        return refuse(why, ISAKMP_FAIL_LOCAL, 0);
    default:
        return refuse(why, ISAKMP_FAIL_CERT_INVALID, ISAKMP_N_INVALID_CERTIFICATE);
    }
    struct isakmp_rsa_key *key = NULL;
    if (isakmp_rsa_key_load(certs[0], lens[0], &key, NULL, 0) != ISAKMP_RSA_OK)
        return refuse(why, ISAKMP_FAIL_CERT_INVALID, ISAKMP_N_INVALID_CERTIFICATE);
    ike_cert_sa_free(c->e, k);
    k->cert_key = key;
    c->e->mem += ike_cert_key_charge(key);
    return 0;
}

bool ike_cert_expected(const struct isakmp_engine *e)
{
    const struct ike_cert_engine *st = ike_cert_state(e);
    return st && st->anchors;
}

size_t ike_cert_key_charge(const struct isakmp_rsa_key *key)
{
    /* The struct (public and private halves of nettle's key: 9 mpz and
     * two sizes) with malloc's overhead, and n and e in GMP limbs. */
    return key ? 256 + 2 * isakmp_rsa_key_size(key) : 0;
}

void ike_cert_sa_free(struct isakmp_engine *e, struct ike_sa *k)
{
    if (!k->cert_key)
        return;
    e->mem -= ike_cert_key_charge(k->cert_key);
    isakmp_rsa_key_free(k->cert_key);
    k->cert_key = NULL;
}
