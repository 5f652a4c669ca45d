/* Loading RSA keys: PEM armour, PKCS#1, PKCS#8, SubjectPublicKeyInfo and
 * X.509 certificates, walked with Nettle's DER iterator.  Every length
 * comes from hostile input: the iterator bounds each object by its
 * parent, and every structure is checked to end where it should. */
#include "rsa_key.h"

#include "isakmp/secmem.h"

#include <nettle/asn1.h>
#include <nettle/base64.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* rsaEncryption, 1.2.840.113549.1.1.1 (content octets of the OID). */
static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };

#define CTX_SPECIFIC_0 (ASN1_CLASS_CONTEXT_SPECIFIC | ASN1_TYPE_CONSTRUCTED | 0)

static void set_err(char *err, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t size, const char *fmt, ...)
{
    if (!err || !size) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

/* ---- PEM ----------------------------------------------------------------- */

static const uint8_t *find(const uint8_t *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m == 0 || m > n) return NULL;
    return memmem(hay, n, needle, m);
}

/* The label of the first "-----BEGIN X-----" line, copied to label. */
static bool first_pem_label(const uint8_t *text, size_t len, char *label, size_t cap)
{
    const uint8_t *b = find(text, len, "-----BEGIN ");
    if (!b) return false;
    const uint8_t *start = b + 11, *end = text + len;
    const uint8_t *stop = find(start, (size_t)(end - start), "-----");
    if (!stop || (size_t)(stop - start) >= cap) return false;
    memcpy(label, start, (size_t)(stop - start));
    label[stop - start] = '\0';
    return true;
}

/* Body of the block labelled `label`: the bytes between the BEGIN line
 * and the END line.  *encrypted tells whether RFC 1421 headers say so. */
static int pem_body(const uint8_t *text, size_t len, const char *label,
                    const uint8_t **body, size_t *body_len, bool *encrypted)
{
    char begin[96], end_line[96];
    if (strlen(label) > 64) return ISAKMP_RSA_E_FORMAT;
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end_line, sizeof end_line, "-----END %s-----", label);
    const uint8_t *b = find(text, len, begin);
    if (!b) return ISAKMP_RSA_E_FORMAT;
    const uint8_t *s = b + strlen(begin), *limit = text + len;
    const uint8_t *e = find(s, (size_t)(limit - s), end_line);
    if (!e) return ISAKMP_RSA_E_FORMAT;
    *encrypted = find(s, (size_t)(e - s), "ENCRYPTED") != NULL;
    /* Skip RFC 1421 headers ("Proc-Type: ...", "DEK-Info: ...") up to
     * the blank line that ends them. */
    if (find(s, (size_t)(e - s), ":")) {
        const uint8_t *blank = find(s, (size_t)(e - s), "\n\n");
        const uint8_t *blank_crlf = find(s, (size_t)(e - s), "\r\n\r\n");
        if (blank_crlf && (!blank || blank_crlf < blank)) blank = blank_crlf + 2;
        if (!blank) return ISAKMP_RSA_E_FORMAT;
        s = blank + 2;
    }
    *body = s;
    *body_len = (size_t)(e - s);
    return ISAKMP_RSA_OK;
}

int isakmp_pem_decode(const uint8_t *text, size_t len, const char *label,
                      uint8_t **der, size_t *der_len)
{
    if (!text || !label || !der || !der_len) return ISAKMP_RSA_E_ARG;
    *der = NULL;
    *der_len = 0;
    const uint8_t *body;
    size_t body_len;
    bool encrypted;
    int st = pem_body(text, len, label, &body, &body_len, &encrypted);
    if (st) return st;
    /* Nettle's decoder skips white space, so lines need no splitting. */
    uint8_t *out = malloc(BASE64_DECODE_LENGTH(body_len) + 1);
    if (!out) return ISAKMP_RSA_E_NOMEM;
    struct base64_decode_ctx ctx;
    size_t n = BASE64_DECODE_LENGTH(body_len) + 1;
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, out, body_len, (const char *)body) ||
        !base64_decode_final(&ctx) || n == 0) {
        isakmp_free_secret(out, BASE64_DECODE_LENGTH(body_len) + 1);
        return ISAKMP_RSA_E_FORMAT;
    }
    *der = out;
    *der_len = n;
    return ISAKMP_RSA_OK;
}

/* ---- DER structures --------------------------------------------------------- */

/* The iterator's current object as a whole TLV, given where it started. */
struct span {
    const uint8_t *p;
    size_t len;
};

static struct span tlv_of(const struct asn1_der_iterator *i, size_t start)
{
    struct span s = { i->buffer + start, (size_t)(i->data + i->length - (i->buffer + start)) };
    return s;
}

/* AlgorithmIdentifier at the iterator: is it rsaEncryption? */
static int check_rsa_algorithm(struct asn1_der_iterator *i)
{
    struct asn1_der_iterator alg;
    if (i->type != ASN1_SEQUENCE ||
        asn1_der_decode_constructed(i, &alg) != ASN1_ITERATOR_PRIMITIVE ||
        alg.type != ASN1_IDENTIFIER)
        return ISAKMP_RSA_E_FORMAT;
    if (alg.length != sizeof oid_rsa || memcmp(alg.data, oid_rsa, sizeof oid_rsa) != 0)
        return ISAKMP_RSA_E_ALGORITHM;
    return ISAKMP_RSA_OK;
}

/* PKCS#1 RSAPrivateKey (private = true) or RSAPublicKey. */
static int parse_pkcs1(const uint8_t *der, size_t len, bool private, struct isakmp_rsa_key **out)
{
    struct isakmp_rsa_key *k = rsa_key_alloc();
    if (!k) return ISAKMP_RSA_E_NOMEM;
    if (!rsa_keypair_from_der(&k->pub, private ? &k->priv : NULL, RSA_MAX_BITS, len, der)) {
        isakmp_rsa_key_free(k);
        return ISAKMP_RSA_E_FORMAT;
    }
    k->has_private = private;
    int st = rsa_key_finish(k);
    if (st) {
        isakmp_rsa_key_free(k);
        return st;
    }
    *out = k;
    return ISAKMP_RSA_OK;
}

/* PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm
 * AlgorithmIdentifier, privateKey OCTET STRING, [0] attributes OPTIONAL } */
static int parse_pkcs8(const uint8_t *der, size_t len, struct isakmp_rsa_key **out)
{
    struct asn1_der_iterator i;
    uint32_t version;
    if (asn1_der_iterator_first(&i, len, der) != ASN1_ITERATOR_CONSTRUCTED ||
        i.type != ASN1_SEQUENCE || i.pos != len ||
        asn1_der_decode_constructed_last(&i) != ASN1_ITERATOR_PRIMITIVE ||
        i.type != ASN1_INTEGER || !asn1_der_get_uint32(&i, &version) || version > 1 ||
        asn1_der_iterator_next(&i) != ASN1_ITERATOR_CONSTRUCTED)
        return ISAKMP_RSA_E_FORMAT;
    int st = check_rsa_algorithm(&i);
    if (st) return st;
    if (asn1_der_iterator_next(&i) != ASN1_ITERATOR_PRIMITIVE || i.type != ASN1_OCTETSTRING)
        return ISAKMP_RSA_E_FORMAT;
    return parse_pkcs1(i.data, i.length, true, out);
}

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
 * subjectPublicKey BIT STRING (an RSAPublicKey) } */
static int parse_spki(const uint8_t *der, size_t len, struct isakmp_rsa_key **out)
{
    struct asn1_der_iterator i;
    if (asn1_der_iterator_first(&i, len, der) != ASN1_ITERATOR_CONSTRUCTED ||
        i.type != ASN1_SEQUENCE || i.pos != len ||
        asn1_der_decode_constructed_last(&i) != ASN1_ITERATOR_CONSTRUCTED)
        return ISAKMP_RSA_E_FORMAT;
    int st = check_rsa_algorithm(&i);
    if (st) return st;
    if (asn1_der_iterator_next(&i) != ASN1_ITERATOR_PRIMITIVE || i.type != ASN1_BITSTRING ||
        i.pos != i.buffer_length || i.length < 2 || i.data[0] != 0)
        return ISAKMP_RSA_E_FORMAT;
    /* BIT STRING contents: one "unused bits" octet (0), then the DER. */
    return parse_pkcs1(i.data + 1, i.length - 1, false, out);
}

int isakmp_x509_view(const uint8_t *der, size_t len, struct isakmp_x509_view *out)
{
    if (!der || !out) return ISAKMP_RSA_E_ARG;
    memset(out, 0, sizeof *out);
    struct asn1_der_iterator cert, tbs;
    /* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } */
    if (asn1_der_iterator_first(&cert, len, der) != ASN1_ITERATOR_CONSTRUCTED ||
        cert.type != ASN1_SEQUENCE || cert.pos != len ||
        asn1_der_decode_constructed_last(&cert) != ASN1_ITERATOR_CONSTRUCTED ||
        cert.type != ASN1_SEQUENCE)
        return ISAKMP_RSA_E_FORMAT;
    struct span whole_tbs = tlv_of(&cert, 0);
    if (asn1_der_decode_constructed(&cert, &tbs) == ASN1_ITERATOR_ERROR)
        return ISAKMP_RSA_E_FORMAT;
    /* The two objects after tbsCertificate must be there. */
    struct asn1_der_iterator rest = cert;
    if (asn1_der_iterator_next(&rest) != ASN1_ITERATOR_CONSTRUCTED ||
        asn1_der_iterator_next(&rest) != ASN1_ITERATOR_PRIMITIVE || rest.type != ASN1_BITSTRING ||
        asn1_der_iterator_next(&rest) != ASN1_ITERATOR_END)
        return ISAKMP_RSA_E_FORMAT;

    /* tbsCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber,
     * signature, issuer, validity, subject, subjectPublicKeyInfo, ... } */
    size_t start = 0;
    if (tbs.type == CTX_SPECIFIC_0) {          /* skip the explicit version */
        start = tbs.pos;
        if (asn1_der_iterator_next(&tbs) == ASN1_ITERATOR_ERROR) return ISAKMP_RSA_E_FORMAT;
    }
    if (tbs.type != ASN1_INTEGER) return ISAKMP_RSA_E_FORMAT;
    struct span fields[5];                      /* signature, issuer, validity, subject, spki */
    for (int f = 0; f < 5; f++) {
        start = tbs.pos;
        if (asn1_der_iterator_next(&tbs) != ASN1_ITERATOR_CONSTRUCTED || tbs.type != ASN1_SEQUENCE)
            return ISAKMP_RSA_E_FORMAT;
        fields[f] = tlv_of(&tbs, start);
    }
    out->tbs = whole_tbs.p;
    out->tbs_len = whole_tbs.len;
    out->issuer = fields[1].p;
    out->issuer_len = fields[1].len;
    out->subject = fields[3].p;
    out->subject_len = fields[3].len;
    out->spki = fields[4].p;
    out->spki_len = fields[4].len;
    return ISAKMP_RSA_OK;
}

static int parse_certificate(const uint8_t *der, size_t len, struct isakmp_rsa_key **out)
{
    struct isakmp_x509_view v;
    int st = isakmp_x509_view(der, len, &v);
    return st ? st : parse_spki(v.spki, v.spki_len, out);
}

/* DER of unknown kind: try each structure; the most specific error wins
 * (an EC key in PKCS#8 says "not RSA" rather than "unknown format"). */
static int parse_der_any(const uint8_t *der, size_t len, struct isakmp_rsa_key **out)
{
    int worst = ISAKMP_RSA_E_FORMAT, st;
    if ((st = parse_pkcs1(der, len, true, out)) == ISAKMP_RSA_OK) return st;
    if (st != ISAKMP_RSA_E_FORMAT) worst = st;
    if ((st = parse_pkcs8(der, len, out)) == ISAKMP_RSA_OK) return st;
    if (st != ISAKMP_RSA_E_FORMAT) worst = st;
    if ((st = parse_spki(der, len, out)) == ISAKMP_RSA_OK) return st;
    if (st != ISAKMP_RSA_E_FORMAT) worst = st;
    if ((st = parse_pkcs1(der, len, false, out)) == ISAKMP_RSA_OK) return st;
    if (st != ISAKMP_RSA_E_FORMAT) worst = st;
    if ((st = parse_certificate(der, len, out)) == ISAKMP_RSA_OK) return st;
    if (st != ISAKMP_RSA_E_FORMAT) worst = st;
    return worst;
}

static int load_pem(const uint8_t *data, size_t len, struct isakmp_rsa_key **out,
                    char *err, size_t err_size)
{
    char label[72];
    if (!first_pem_label(data, len, label, sizeof label)) {
        set_err(err, err_size, "PEM: no well-formed -----BEGIN ...----- line");
        return ISAKMP_RSA_E_FORMAT;
    }
    static const struct { const char *label; int kind; } kinds[] = {
        { "RSA PRIVATE KEY", 1 }, { "PRIVATE KEY", 2 }, { "RSA PUBLIC KEY", 3 },
        { "PUBLIC KEY", 4 },      { "CERTIFICATE", 5 }, { "X509 CERTIFICATE", 5 },
        { "ENCRYPTED PRIVATE KEY", 6 },
    };
    int kind = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(label, kinds[i].label) == 0) kind = kinds[i].kind;
    if (kind == 0) {
        bool key = strstr(label, "KEY") != NULL;
        set_err(err, err_size, "PEM block '%s' is %s", label,
                key ? "not an RSA key" : "not a key or certificate");
        return key ? ISAKMP_RSA_E_ALGORITHM : ISAKMP_RSA_E_FORMAT;
    }
    const uint8_t *body;
    size_t body_len;
    bool encrypted;
    pem_body(data, len, label, &body, &body_len, &encrypted);
    if (kind == 6 || encrypted) {
        set_err(err, err_size, "PEM block '%s' is encrypted; decrypt it first "
                "(openssl pkey -in KEY -out PLAIN)", label);
        return ISAKMP_RSA_E_ENCRYPTED;
    }
    uint8_t *der;
    size_t der_len;
    int st = isakmp_pem_decode(data, len, label, &der, &der_len);
    if (st) {
        set_err(err, err_size, "PEM block '%s': bad base64 or missing END line", label);
        return st;
    }
    switch (kind) {
    case 1: st = parse_pkcs1(der, der_len, true, out); break;
    case 2: st = parse_pkcs8(der, der_len, out); break;
    case 3: st = parse_pkcs1(der, der_len, false, out); break;
    case 4: st = parse_spki(der, der_len, out); break;
    default: st = parse_certificate(der, der_len, out); break;
    }
    isakmp_free_secret(der, der_len);
    if (st) set_err(err, err_size, "PEM block '%s': %s", label, isakmp_rsa_strerror(st));
    return st;
}

int isakmp_rsa_key_load(const uint8_t *data, size_t len, struct isakmp_rsa_key **out,
                        char *err, size_t err_size)
{
    if (err && err_size) err[0] = '\0';
    if (!out) return ISAKMP_RSA_E_ARG;
    *out = NULL;
    if (!data || len == 0) {
        set_err(err, err_size, "empty input");
        return ISAKMP_RSA_E_FORMAT;
    }
    if (find(data, len, "-----BEGIN ")) return load_pem(data, len, out, err, err_size);
    if (data[0] != 0x30) {
        set_err(err, err_size, "neither PEM (no -----BEGIN line) nor DER (no SEQUENCE)");
        return ISAKMP_RSA_E_FORMAT;
    }
    int st = parse_der_any(data, len, out);
    if (st) set_err(err, err_size, "DER: %s (tried PKCS#1, PKCS#8, SubjectPublicKeyInfo, X.509)",
                    isakmp_rsa_strerror(st));
    return st;
}
