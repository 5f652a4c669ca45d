/* Certificates named in the `isakmp peer` configuration (see peer_cert.h). */
#include "peer_cert.h"

#include <nettle/base64.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isakmp/registry.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";

static int bad(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Offset of the next "BEGIN CERTIFICATE" line at or after `from`, or len. */
static size_t next_block(const uint8_t *data, size_t len, size_t from)
{
    size_t n = sizeof pem_begin - 1;
    for (size_t i = from; i + n <= len; i++)
        if (data[i] == '-' && memcmp(data + i, pem_begin, n) == 0) return i;
    return len;
}

/* A DER certificate from a PEM block starting at data[at], checked to be
 * an X.509 structure. */
static int decode_at(const uint8_t *data, size_t len, size_t at, uint8_t **der, size_t *der_len,
                     char *why, size_t why_len)
{
    if (isakmp_pem_decode(data + at, len - at, "CERTIFICATE", der, der_len) != ISAKMP_RSA_OK)
        return bad(why, why_len, "a CERTIFICATE block with bad base64 or no END line");
    struct isakmp_x509_view v;
    if (isakmp_x509_view(*der, *der_len, &v) != ISAKMP_RSA_OK) {
        free(*der);
        *der = NULL;
        return bad(why, why_len, "a CERTIFICATE block that is not an X.509 certificate");
    }
    return 0;
}

/* The file as one DER certificate (no PEM block in it). */
static int whole_der(const uint8_t *data, size_t len, uint8_t **der, size_t *der_len,
                     char *why, size_t why_len)
{
    struct isakmp_x509_view v;
    if (len == 0 || data[0] != 0x30 || isakmp_x509_view(data, len, &v) != ISAKMP_RSA_OK)
        return bad(why, why_len, "neither a PEM CERTIFICATE block nor a DER X.509 certificate "
                   "(a key file?)");
    if (!(*der = malloc(len))) return bad(why, why_len, "out of memory");
    memcpy(*der, data, len);
    *der_len = len;
    return 0;
}

static int first_cert(const uint8_t *data, size_t len, uint8_t **der, size_t *der_len,
                      char *why, size_t why_len)
{
    size_t at = next_block(data, len, 0);
    return at < len ? decode_at(data, len, at, der, der_len, why, why_len)
                    : whole_der(data, len, der, der_len, why, why_len);
}

/* Public keys are public: a plain comparison of their DER will do. */
static bool same_public_key(const struct isakmp_rsa_key *a, const struct isakmp_rsa_key *b)
{
    size_t la = 0, lb = 0;
    isakmp_rsa_public_der(a, NULL, 0, &la);
    isakmp_rsa_public_der(b, NULL, 0, &lb);
    if (la == 0 || la != lb || la > 4096) return false;
    uint8_t da[4096], db[4096];
    return isakmp_rsa_public_der(a, da, sizeof da, &la) == ISAKMP_RSA_OK &&
           isakmp_rsa_public_der(b, db, sizeof db, &lb) == ISAKMP_RSA_OK && la == lb &&
           memcmp(da, db, la) == 0;
}

int peer_cert_own(const uint8_t *data, size_t len, const struct isakmp_rsa_key *key,
                  uint8_t **der, size_t *der_len, char *why, size_t why_len)
{
    *der = NULL;
    if (first_cert(data, len, der, der_len, why, why_len)) return -1;
    struct isakmp_rsa_key *ck = NULL;
    char err[200] = "";
    int st = isakmp_rsa_key_load(*der, *der_len, &ck, err, sizeof err);
    int rc = 0;
    if (st != ISAKMP_RSA_OK)
        rc = bad(why, why_len, "the certificate's key: %s", err[0] ? err : isakmp_rsa_strerror(st));
    else if (!same_public_key(ck, key))
        rc = bad(why, why_len, "the certificate's public key is not the one of "
                 "local.private_key");
    isakmp_rsa_key_free(ck);
    if (rc) {
        free(*der);
        *der = NULL;
    }
    return rc;
}

/* Append DER as one PEM block, 64 characters a line. */
static bool append_pem(const uint8_t *der, size_t len, uint8_t **pem, size_t *pem_len)
{
    size_t lines = (len + 47) / 48;
    size_t need = sizeof pem_begin + 1 + BASE64_ENCODE_RAW_LENGTH(len) + lines + 30;
    uint8_t *p = realloc(*pem, *pem_len + need + 1);
    if (!p) return false;
    *pem = p;
    char *o = (char *)p + *pem_len;
    o += sprintf(o, "%s\n", pem_begin);
    for (size_t i = 0; i < len; i += 48) {
        size_t n = len - i < 48 ? len - i : 48;
        base64_encode_raw(o, n, der + i);
        o += BASE64_ENCODE_RAW_LENGTH(n);
        *o++ = '\n';
    }
    o += sprintf(o, "-----END CERTIFICATE-----\n");
    *pem_len = (size_t)(o - (char *)p);
    return true;
}

int peer_cert_add_anchors(const uint8_t *data, size_t len, uint8_t **pem, size_t *pem_len,
                          char *why, size_t why_len)
{
    int count = 0;
    size_t at = next_block(data, len, 0);
    if (at == len) {
        uint8_t *der;
        size_t der_len;
        if (whole_der(data, len, &der, &der_len, why, why_len)) return -1;
        bool ok = append_pem(der, der_len, pem, pem_len);
        free(der);
        return ok ? 1 : bad(why, why_len, "out of memory");
    }
    for (; at < len; at = next_block(data, len, at + 1)) {
        uint8_t *der;
        size_t der_len;
        if (decode_at(data, len, at, &der, &der_len, why, why_len)) {
            size_t l = strlen(why);
            snprintf(why + l, why_len - l, " (certificate %d of the file)", count + 1);
            return -1;
        }
        bool ok = append_pem(der, der_len, pem, pem_len);
        free(der);
        if (!ok) return bad(why, why_len, "out of memory");
        count++;
    }
    return count;
}

int peer_cert_subject_id(const uint8_t *der, size_t der_len, struct isakmp_identity *id)
{
    struct isakmp_x509_view v;
    if (isakmp_x509_view(der, der_len, &v) != ISAKMP_RSA_OK || v.subject_len > ISAKMP_ID_MAX)
        return -1;
    memset(id, 0, sizeof *id);
    id->type = ISAKMP_ID_DER_ASN1_DN;
    memcpy(id->data, v.subject, v.subject_len);
    id->len = (uint16_t)v.subject_len;
    return 0;
}
