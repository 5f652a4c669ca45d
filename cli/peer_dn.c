/* Text distinguished names to DER (see peer_dn.h). */
#include "peer_dn.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { TAG_UTF8 = 0x0c, TAG_PRINTABLE = 0x13, TAG_IA5 = 0x16, TAG_OID = 0x06,
       TAG_SEQ = 0x30, TAG_SET = 0x31 };

struct dn_attr {
    const char *key, *alias;
    uint8_t oid[10];
    uint8_t oid_len;
    uint8_t tag;
};

#define X520(n) {0x55, 0x04, n}, 3          /* 2.5.4.n */
#define PILOT(n) {0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, n}, 10

static const struct dn_attr attrs[] = {
    {"C", "countryName", X520(6), TAG_PRINTABLE},
    {"ST", "stateOrProvinceName", X520(8), TAG_UTF8},
    {"L", "localityName", X520(7), TAG_UTF8},
    {"O", "organizationName", X520(10), TAG_UTF8},
    {"OU", "organizationalUnitName", X520(11), TAG_UTF8},
    {"CN", "commonName", X520(3), TAG_UTF8},
    {"SN", "surname", X520(4), TAG_UTF8},
    {"GN", "givenName", X520(42), TAG_UTF8},
    {"title", NULL, X520(12), TAG_UTF8},
    {"street", NULL, X520(9), TAG_UTF8},
    {"serialNumber", NULL, X520(5), TAG_PRINTABLE},
    {"E", "emailAddress", {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, 9, TAG_IA5},
    {"DC", "domainComponent", PILOT(25), TAG_IA5},
    {"UID", "userId", PILOT(1), TAG_UTF8},
};

static int bad(char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (why && why_len) vsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return -1;
}

static bool printable_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr(" '()+,-./:=?", c));
}

/* Append a TLV header for `len` content bytes; false when out of room.
 * Names are short (ISAKMP_ID_MAX): two length bytes suffice. */
static bool put_header(uint8_t *out, size_t cap, size_t *at, uint8_t tag, size_t len)
{
    uint8_t h[4];
    size_t n = 0;
    h[n++] = tag;
    if (len < 0x80) h[n++] = (uint8_t)len;
    else if (len < 0x100) { h[n++] = 0x81; h[n++] = (uint8_t)len; }
    else if (len < 0x10000) { h[n++] = 0x82; h[n++] = (uint8_t)(len >> 8); h[n++] = (uint8_t)len; }
    else return false;
    if (*at + n > cap) return false;
    memcpy(out + *at, h, n);
    *at += n;
    return true;
}

static size_t header_len(size_t len)
{
    return len < 0x80 ? 2 : len < 0x100 ? 3 : 4;
}

/* One "KEY=VALUE" with escapes resolved: key and value copied out. */
static int split_attr(const char **p, char sep, char *key, size_t key_cap, char *val,
                      size_t val_cap, char *why, size_t why_len)
{
    const char *s = *p;
    while (*s == ' ') s++;
    size_t k = 0;
    while (*s && *s != '=' && *s != sep) {
        if (k + 1 >= key_cap) return bad(why, why_len, "attribute name too long");
        key[k++] = *s++;
    }
    while (k && key[k - 1] == ' ') k--;
    key[k] = 0;
    if (*s != '=') return bad(why, why_len, "\"%s\" has no '=' (attributes are KEY=VALUE)", key);
    s++;
    while (*s == ' ') s++;
    size_t v = 0, keep = 0;          /* keep: length up to the last escaped char */
    while (*s && *s != sep) {
        if (*s == '+')
            return bad(why, why_len, "multi-valued RDNs ('+') are not supported");
        bool esc = *s == '\\' && s[1];
        if (esc) s++;
        if (v + 1 >= val_cap) return bad(why, why_len, "value of %s too long", key);
        val[v++] = *s++;
        if (esc) keep = v;
    }
    while (v > keep && val[v - 1] == ' ') v--;
    val[v] = 0;
    if (v == 0) return bad(why, why_len, "%s has an empty value", key);
    *p = s;
    return 0;
}

int peer_dn_encode(const char *text, uint8_t *out, size_t cap, char *why, size_t why_len)
{
    /* The RDNs first into rdns[], then the outer SEQUENCE around them. */
    uint8_t rdns[1024];
    size_t n = 0, count = 0;
    const char *p = text;
    while (*p == ' ') p++;
    /* OpenSSL's "/C=CH/O=Lab" form is separated by '/', the rest by ','. */
    char sep = ',';
    if (*p == '/') { sep = '/'; p++; }
    while (*p) {
        char key[32], val[512];
        if (split_attr(&p, sep, key, sizeof key, val, sizeof val, why, why_len)) return -1;
        const struct dn_attr *a = NULL;
        for (size_t i = 0; i < sizeof attrs / sizeof attrs[0] && !a; i++)
            if (strcasecmp(key, attrs[i].key) == 0 ||
                (attrs[i].alias && strcasecmp(key, attrs[i].alias) == 0))
                a = &attrs[i];
        if (!a) return bad(why, why_len, "unknown attribute \"%s\"", key);
        size_t vlen = strlen(val);
        for (size_t i = 0; i < vlen; i++) {
            unsigned char c = (unsigned char)val[i];
            if ((a->tag == TAG_PRINTABLE && !printable_char(c)) || (a->tag == TAG_IA5 && c > 0x7f))
                return bad(why, why_len, "%s: '%c' does not fit a %s", key, c,
                           a->tag == TAG_PRINTABLE ? "PrintableString" : "IA5String");
        }
        size_t atv = header_len(a->oid_len) + a->oid_len + header_len(vlen) + vlen;
        size_t set = header_len(atv) + atv;
        if (!put_header(rdns, sizeof rdns, &n, TAG_SET, set) ||
            !put_header(rdns, sizeof rdns, &n, TAG_SEQ, atv) ||
            !put_header(rdns, sizeof rdns, &n, TAG_OID, a->oid_len) ||
            n + a->oid_len > sizeof rdns)
            return bad(why, why_len, "name too long");
        memcpy(rdns + n, a->oid, a->oid_len);
        n += a->oid_len;
        if (!put_header(rdns, sizeof rdns, &n, a->tag, vlen) || n + vlen > sizeof rdns)
            return bad(why, why_len, "name too long");
        memcpy(rdns + n, val, vlen);
        n += vlen;
        count++;
        while (*p == ' ') p++;
        if (*p == sep) {
            p++;
            if (!*p) return bad(why, why_len, "trailing separator");
        }
    }
    if (count == 0) return bad(why, why_len, "empty name");
    size_t at = 0;
    if (!put_header(out, cap, &at, TAG_SEQ, n) || at + n > cap)
        return bad(why, why_len, "name longer than %zu bytes of DER", cap);
    memcpy(out + at, rdns, n);
    return (int)(at + n);
}
