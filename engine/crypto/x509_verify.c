/* X.509 validation over GnuTLS (see x509_verify.h).  GnuTLS does the
 * path building and signature checks (gnutls_x509_trust_list_*); we only
 * take the dates out of its hands, because the engine has no clock: its
 * own time checks are switched off and every certificate of the path is
 * compared with the caller's time here. */
#include "crypto/x509_verify.h"
#include "isakmp/registry.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHAIN 8          /* end entity + intermediates we look at */
#define MAX_ANCHORS 64

struct x509v_anchors {
    gnutls_x509_trust_list_t list;
    size_t n;
    struct { uint8_t *dn; size_t len; } subj[MAX_ANCHORS];
};

const char *x509v_strerror(enum x509v_result r)
{
    switch (r) {
    case X509V_OK: return "ok";
    case X509V_FORMAT: return "not a parsable X.509 certificate";
    case X509V_NOT_RSA: return "certificate key is not RSA";
    case X509V_UNTRUSTED: return "no path to a trust anchor";
    case X509V_INVALID: return "certificate path invalid (signature or algorithm)";
    case X509V_EXPIRED: return "certificate expired";
    case X509V_NOT_YET_VALID: return "certificate not yet valid";
    case X509V_ID_MISMATCH: return "identity not in the certificate";
    case X509V_NOMEM: return "out of memory";
    }
    return "?";
}

static bool is_pem(const uint8_t *data, size_t len)
{
    return len >= 11 && memmem(data, len, "-----BEGIN ", 11) != NULL;
}

/* One certificate from PEM or DER. */
static enum x509v_result import_one(const uint8_t *data, size_t len, gnutls_x509_crt_t *out)
{
    if (!data || !len || len > 0x7fffffff)
        return X509V_FORMAT;
    if (gnutls_x509_crt_init(out) < 0)
        return X509V_NOMEM;
    gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
    if (gnutls_x509_crt_import(*out, &d, is_pem(data, len) ? GNUTLS_X509_FMT_PEM
                                                           : GNUTLS_X509_FMT_DER) < 0) {
        gnutls_x509_crt_deinit(*out);
        return X509V_FORMAT;
    }
    return X509V_OK;
}

enum x509v_result x509v_to_der(const uint8_t *data, size_t len, uint8_t **der, size_t *der_len)
{
    gnutls_x509_crt_t c;
    enum x509v_result r = import_one(data, len, &c);
    if (r != X509V_OK)
        return r;
    gnutls_datum_t out = { NULL, 0 };
    r = gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_DER, &out) < 0 ? X509V_FORMAT : X509V_OK;
    gnutls_x509_crt_deinit(c);
    if (r != X509V_OK)
        return r;
    *der = malloc(out.size);
    if (*der) {
        memcpy(*der, out.data, out.size);
        *der_len = out.size;
    }
    gnutls_free(out.data);
    return *der ? X509V_OK : X509V_NOMEM;
}

void x509v_anchors_free(struct x509v_anchors *a)
{
    if (!a)
        return;
    if (a->list)
        gnutls_x509_trust_list_deinit(a->list, 1);
    for (size_t i = 0; i < a->n; i++)
        free(a->subj[i].dn);
    free(a);
}

enum x509v_result x509v_anchors_load(const uint8_t *data, size_t len, struct x509v_anchors **out)
{
    *out = NULL;
    if (!data || !len || len > 0x7fffffff)
        return X509V_FORMAT;
    struct x509v_anchors *a = calloc(1, sizeof *a);
    if (!a || gnutls_x509_trust_list_init(&a->list, 0) < 0) {
        free(a);
        return X509V_NOMEM;
    }
    gnutls_x509_crt_t *certs = NULL, one;
    unsigned n = 0;
    if (is_pem(data, len)) {
        gnutls_datum_t d = { (unsigned char *)data, (unsigned)len };
        if (gnutls_x509_crt_list_import2(&certs, &n, &d, GNUTLS_X509_FMT_PEM, 0) < 0 ||
            !n) {
            x509v_anchors_free(a);
            return X509V_FORMAT;
        }
    } else {
        enum x509v_result r = import_one(data, len, &one);
        if (r != X509V_OK) {
            x509v_anchors_free(a);
            return r;
        }
        certs = &one;
        n = 1;
    }
    enum x509v_result r = X509V_OK;
    for (unsigned i = 0; i < n && r == X509V_OK; i++) {
        gnutls_datum_t dn = { NULL, 0 };
        if (a->n == MAX_ANCHORS)
            r = X509V_NOMEM;
        else if (gnutls_x509_crt_get_raw_dn(certs[i], &dn) < 0)
            r = X509V_FORMAT;
        else if (!(a->subj[a->n].dn = malloc(dn.size)))
            r = X509V_NOMEM;
        else {
            memcpy(a->subj[a->n].dn, dn.data, dn.size);
            a->subj[a->n++].len = dn.size;
        }
        gnutls_free(dn.data);
    }
    /* The list takes the certificates (freed with it); the array is ours. */
    if (r == X509V_OK && gnutls_x509_trust_list_add_cas(a->list, certs, n, 0) != (int)n)
        r = X509V_FORMAT;
    if (r != X509V_OK)
        for (unsigned i = 0; i < n; i++)
            gnutls_x509_crt_deinit(certs[i]);
    if (certs != &one)
        gnutls_free(certs);
    if (r != X509V_OK) {
        x509v_anchors_free(a);
        return r;
    }
    *out = a;
    return X509V_OK;
}

size_t x509v_anchors_count(const struct x509v_anchors *a)
{
    return a ? a->n : 0;
}

bool x509v_anchor_subject(const struct x509v_anchors *a, size_t i, const uint8_t **dn,
                          size_t *len)
{
    if (!a || i >= a->n)
        return false;
    *dn = a->subj[i].dn;
    *len = a->subj[i].len;
    return true;
}

static enum x509v_result check_dates(gnutls_x509_crt_t c, int64_t when)
{
    time_t nb = gnutls_x509_crt_get_activation_time(c);
    time_t na = gnutls_x509_crt_get_expiration_time(c);
    if (nb == (time_t)-1 || na == (time_t)-1)
        return X509V_FORMAT;
    if (when < (int64_t)nb)
        return X509V_NOT_YET_VALID;
    if (when > (int64_t)na)
        return X509V_EXPIRED;
    return X509V_OK;
}

static bool ascii_caseeq(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
    if (al != bl)
        return false;
    for (size_t i = 0; i < al; i++) {
        uint8_t x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (uint8_t)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (uint8_t)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

/* Does the ID payload's identity name this certificate? */
static bool id_matches(gnutls_x509_crt_t c, uint8_t type, const uint8_t *id, size_t id_len)
{
    if (type == ISAKMP_ID_DER_ASN1_DN) {
        gnutls_datum_t dn = { NULL, 0 };
        if (gnutls_x509_crt_get_raw_dn(c, &dn) < 0)
            return false;
        bool eq = dn.size == id_len && memcmp(dn.data, id, id_len) == 0;
        gnutls_free(dn.data);
        return eq;
    }
    int want;
    switch (type) {
    case ISAKMP_ID_FQDN: want = GNUTLS_SAN_DNSNAME; break;
    case ISAKMP_ID_USER_FQDN: want = GNUTLS_SAN_RFC822NAME; break;
    case ISAKMP_ID_IPV4_ADDR: case ISAKMP_ID_IPV6_ADDR: want = GNUTLS_SAN_IPADDRESS; break;
    default: return false;
    }
    for (unsigned seq = 0; seq < 64; seq++) {
        uint8_t buf[512];
        size_t sz = sizeof buf;
        unsigned critical;
        int t = gnutls_x509_crt_get_subject_alt_name(c, seq, buf, &sz, &critical);
        if (t == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (t < 0 || t != want)
            continue;          /* too long for us, or another kind of name */
        if (want == GNUTLS_SAN_IPADDRESS) {
            size_t alen = type == ISAKMP_ID_IPV4_ADDR ? 4 : 16;
            if (sz == alen && id_len == alen && memcmp(buf, id, alen) == 0)
                return true;
        } else if (ascii_caseeq(buf, sz, id, id_len)) {
            return true;
        }
    }
    return false;
}

enum x509v_result x509v_verify(const struct x509v_anchors *a, const uint8_t *const *certs,
                               const size_t *lens, size_t n, int64_t when, bool dates,
                               uint8_t id_type, const uint8_t *id, size_t id_len)
{
    if (!a || !n)
        return X509V_UNTRUSTED;
    if (n > MAX_CHAIN)
        n = MAX_CHAIN;
    gnutls_x509_crt_t chain[MAX_CHAIN];
    size_t have = 0;
    enum x509v_result r = X509V_OK;
    for (; have < n && r == X509V_OK; have++)
        if ((r = import_one(certs[have], lens[have], &chain[have])) != X509V_OK)
            break;
    if (r == X509V_OK && gnutls_x509_crt_get_pk_algorithm(chain[0], NULL) != GNUTLS_PK_RSA)
        r = X509V_NOT_RSA;
    if (r == X509V_OK) {
        unsigned status = 0;
        unsigned flags = GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
        if (gnutls_x509_trust_list_verify_crt2(a->list, chain, (unsigned)have, NULL, 0, flags,
                                               &status, NULL) < 0)
            r = X509V_INVALID;
        else if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
            r = X509V_UNTRUSTED;
        else if (status)
            r = X509V_INVALID;
    }
    /* Dates: what we were sent, then the anchor that signed the top. */
    for (size_t i = 0; r == X509V_OK && dates && i < have; i++)
        r = check_dates(chain[i], when);
    if (r == X509V_OK && dates) {
        gnutls_x509_crt_t issuer = NULL;
        if (gnutls_x509_trust_list_get_issuer(a->list, chain[have - 1], &issuer, 0) == 0 && issuer)
            r = check_dates(issuer, when);   /* owned by the list: not freed */
        /* (The top certificate may itself be an anchor: already checked.) */
    }
    if (r == X509V_OK && !id_matches(chain[0], id_type, id, id_len))
        r = X509V_ID_MISMATCH;
    for (size_t i = 0; i < have; i++)
        gnutls_x509_crt_deinit(chain[i]);
    return r;
}
