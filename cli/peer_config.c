/* The `isakmp peer` configuration file (see peer_config.h and
 * doc/peer-config.md).  libconfig gives the syntax errors with their
 * line; every semantic error here names the line of the setting too.
 * Unknown settings are errors: a misspelt option silently ignored is the
 * worst kind of interop failure to debug. */
#include "peer_config.h"

#include <arpa/inet.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isakmp/secmem.h"
#include "peer_cert.h"
#include "peer_dn.h"
#include "peer_proposal.h"

struct ctx {
    const char *path;
    char *err;
    size_t errlen;
};

static int fail(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *x, const config_setting_t *s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *file = s && config_setting_source_file(s) ? config_setting_source_file(s) : x->path;
    unsigned line = s ? config_setting_source_line(s) : 0;
    if (line)
        snprintf(x->err, x->errlen, "%s:%u: %s", file, line, msg);
    else
        snprintf(x->err, x->errlen, "%s: %s", file, msg);
    return -1;
}

/* Every member of group s must be one of the NULL-terminated names. */
static int only_known(struct ctx *x, const config_setting_t *s, const char *const *names)
{
    int n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        const char *nm = config_setting_name(m);
        bool ok = false;
        for (const char *const *k = names; *k && nm; k++)
            if (strcmp(*k, nm) == 0) ok = true;
        if (!ok) return fail(x, m, "unknown setting \"%s\" in %s", nm ? nm : "?",
                             config_setting_name(s) ? config_setting_name(s) : "the file");
    }
    return 0;
}

/* Typed getters: absent = keep the default; wrong type = error. */
static int get_str(struct ctx *x, const config_setting_t *g, const char *name, const char **out)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s) return 0;
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail(x, s, "\"%s\" must be a string", name);
    *out = config_setting_get_string(s);
    return 0;
}

static int get_uint(struct ctx *x, const config_setting_t *g, const char *name,
                    unsigned long long max, unsigned long long *out)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s) return 0;
    long long v;
    if (config_setting_type(s) == CONFIG_TYPE_INT) v = config_setting_get_int(s);
    else if (config_setting_type(s) == CONFIG_TYPE_INT64) v = config_setting_get_int64(s);
    else return fail(x, s, "\"%s\" must be an integer", name);
    if (v < 0 || (unsigned long long)v > max)
        return fail(x, s, "\"%s\" = %lld is out of range 0..%llu", name, v, max);
    *out = (unsigned long long)v;
    return 0;
}

static int get_bool(struct ctx *x, const config_setting_t *g, const char *name, bool *out)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    if (!s) return 0;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return fail(x, s, "\"%s\" must be true or false", name);
    *out = config_setting_get_bool(s) != 0;
    return 0;
}

static const config_setting_t *member(const config_setting_t *g, const char *name)
{
    return config_setting_get_member(g, name);
}

int peer_parse_addr(const char *text, uint16_t port, struct isakmp_addr *addr)
{
    struct in_addr in;
    if (inet_pton(AF_INET, text, &in) != 1) return -1;
    memset(addr, 0, sizeof *addr);
    addr->family = 4;
    memcpy(addr->addr, &in, 4);
    addr->port = port;
    return 0;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex (optionally "0x"-prefixed) into out; returns the length or -1. */
static int parse_hex(const char *t, uint8_t *out, size_t max)
{
    if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) t += 2;
    size_t n = strlen(t);
    if (n == 0 || n % 2 || n / 2 > max) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int h = hex_nibble(t[2 * i]), l = hex_nibble(t[2 * i + 1]);
        if (h < 0 || l < 0) return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return (int)(n / 2);
}

int peer_parse_id(const char *text, struct isakmp_identity *id, char *why, size_t why_len)
{
    memset(id, 0, sizeof *id);
    if (why_len) why[0] = 0;
    const char *v = text;
    int type = 0;
    if (strncmp(text, "dn:", 3) == 0) { type = ISAKMP_ID_DER_ASN1_DN; v = text + 3; }
    else if (strncmp(text, "ipv4:", 5) == 0) { type = ISAKMP_ID_IPV4_ADDR; v = text + 5; }
    else if (strncmp(text, "fqdn:", 5) == 0) { type = ISAKMP_ID_FQDN; v = text + 5; }
    else if (strncmp(text, "user:", 5) == 0) { type = ISAKMP_ID_USER_FQDN; v = text + 5; }
    else if (strncmp(text, "keyid:", 6) == 0) { type = ISAKMP_ID_KEY_ID; v = text + 6; }
    if (type == 0) {
        struct in_addr in;
        if (inet_pton(AF_INET, text, &in) == 1) type = ISAKMP_ID_IPV4_ADDR;
        else if (strchr(text, '=')) type = ISAKMP_ID_DER_ASN1_DN;    /* no name has '=' */
        else if (strchr(text, '@')) type = ISAKMP_ID_USER_FQDN;
        else type = ISAKMP_ID_FQDN;
    }
    id->type = (uint8_t)type;
    if (type == ISAKMP_ID_IPV4_ADDR) {
        struct in_addr in;
        if (inet_pton(AF_INET, v, &in) != 1) return -1;
        memcpy(id->data, &in, 4);
        id->len = 4;
    } else if (type == ISAKMP_ID_DER_ASN1_DN) {
        int n = peer_dn_encode(v, id->data, ISAKMP_ID_MAX, why, why_len);
        if (n < 0) return -1;
        id->len = (uint16_t)n;
    } else if (type == ISAKMP_ID_KEY_ID) {
        int n = parse_hex(v, id->data, ISAKMP_ID_MAX);
        if (n < 0) return -1;
        id->len = (uint16_t)n;
    } else {
        size_t n = strlen(v);
        if (n == 0 || n > ISAKMP_ID_MAX) return -1;
        memcpy(id->data, v, n);
        id->len = (uint16_t)n;
    }
    return 0;
}

int peer_parse_ts(const char *text, struct isakmp_identity *id)
{
    char buf[96];
    if (strlen(text) >= sizeof buf) return -1;
    strcpy(buf, text);
    memset(id, 0, sizeof *id);
    char *br = strchr(buf, '[');
    if (br) {
        char *end = strchr(br, ']');
        if (!end || end[1]) return -1;
        *end = 0;
        *br = 0;
        char *proto = br + 1, *port = strchr(proto, '/');
        if (port) *port++ = 0;
        if (strcmp(proto, "udp") == 0) id->protocol = 17;
        else if (strcmp(proto, "tcp") == 0) id->protocol = 6;
        else if (strcmp(proto, "icmp") == 0) id->protocol = 1;
        else {
            char *e;
            unsigned long p = strtoul(proto, &e, 10);
            if (*proto == 0 || *e || p > 255) return -1;
            id->protocol = (uint8_t)p;
        }
        if (port) {
            char *e;
            unsigned long p = strtoul(port, &e, 10);
            if (*port == 0 || *e || p > 65535) return -1;
            id->port = (uint16_t)p;
        }
    }
    unsigned prefix = 32;
    char *slash = strchr(buf, '/');
    if (slash) {
        *slash = 0;
        char *e;
        unsigned long p = strtoul(slash + 1, &e, 10);
        if (slash[1] == 0 || *e || p > 32) return -1;
        prefix = (unsigned)p;
    }
    struct in_addr in;
    if (inet_pton(AF_INET, buf, &in) != 1) return -1;
    memcpy(id->data, &in, 4);
    if (prefix == 32) {
        id->type = ISAKMP_ID_IPV4_ADDR;
        id->len = 4;
    } else {
        uint32_t mask = prefix ? htonl(0xffffffffu << (32 - prefix)) : 0;
        id->type = ISAKMP_ID_IPV4_ADDR_SUBNET;
        memcpy(id->data + 4, &mask, 4);
        id->len = 8;
    }
    return 0;
}

static bool same_p1(const struct isakmp_p1_transform *a, const struct isakmp_p1_transform *b)
{
    return a->cipher == b->cipher && a->key_bits == b->key_bits && a->hash == b->hash &&
           a->auth == b->auth && a->group == b->group && a->life_seconds == b->life_seconds &&
           a->life_kbytes == b->life_kbytes;
}

static bool same_p2(const struct isakmp_p2_proposal *a, const struct isakmp_p2_proposal *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Read `file` (relative paths: from the configuration file's folder)
 * into a new 1 MiB buffer *buf (free with isakmp_free_secret(*buf,
 * PEER_FILE_MAX): it may hold a private key); its name goes to path. */
#define PEER_FILE_MAX (1 << 20)
static int read_named_file(struct ctx *x, const config_setting_t *s, const char *file,
                           const char *what, char *path, size_t path_cap, uint8_t **buf,
                           size_t *len)
{
    const char *slash = strrchr(x->path, '/');
    if (file[0] != '/' && slash)
        snprintf(path, path_cap, "%.*s/%s", (int)(slash - x->path), x->path, file);
    else
        snprintf(path, path_cap, "%s", file);
    FILE *f = fopen(path, "rb");
    if (!f) return fail(x, s, "cannot read %s file %s", what, path);
    *buf = malloc(PEER_FILE_MAX);
    size_t n = *buf ? fread(*buf, 1, PEER_FILE_MAX, f) : 0;
    bool too_big = *buf && n == PEER_FILE_MAX;
    fclose(f);
    if (!*buf || too_big || n == 0) {
        if (*buf) isakmp_free_secret(*buf, PEER_FILE_MAX);
        *buf = NULL;
        return fail(x, s, "%s: empty, unreadable or over 1 MiB", path);
    }
    *len = n;
    return 0;
}

/* Load an RSA key or certificate from `file`. */
static int load_rsa(struct ctx *x, const config_setting_t *s, const char *file, bool need_private,
                    struct isakmp_rsa_key **out)
{
    char path[4096];
    uint8_t *buf;
    size_t n;
    if (read_named_file(x, s, file, "key", path, sizeof path, &buf, &n)) return -1;
    char err[256] = "";
    int rc = isakmp_rsa_key_load(buf, n, out, err, sizeof err);
    isakmp_free_secret(buf, PEER_FILE_MAX);
    if (rc) return fail(x, s, "%s: %s", path, err[0] ? err : isakmp_rsa_strerror(rc));
    if (need_private && !isakmp_rsa_key_has_private(*out)) {
        isakmp_rsa_key_free(*out);
        *out = NULL;
        return fail(x, s, "%s holds no private key", path);
    }
    return 0;
}

/* One trust-anchor file (an element of local.ca_certificates). */
static int load_anchor_file(struct ctx *x, const config_setting_t *s, struct peer_config *c)
{
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return fail(x, s, "ca_certificates must be file names: [\"ca.pem\", ...]");
    char path[4096], why[256];
    uint8_t *buf;
    size_t n;
    if (read_named_file(x, s, config_setting_get_string(s), "CA certificate", path, sizeof path,
                        &buf, &n))
        return -1;
    int k = peer_cert_add_anchors(buf, n, &c->ca_pem, &c->ca_pem_len, why, sizeof why);
    isakmp_free_secret(buf, PEER_FILE_MAX);
    if (k < 0) return fail(x, s, "%s: %s", path, why);
    c->n_anchors += (size_t)k;
    return 0;
}

/* local.certificate, ca_certificates, send_cert_request, send_certificate,
 * check_certificate_dates (after local.private_key: the certificate must
 * carry its public key). */
static int load_certificates(struct ctx *x, const config_setting_t *g, struct peer_config *c)
{
    const char *cert = NULL, *send = NULL;
    bool check_dates = true;
    if (get_str(x, g, "certificate", &cert) || get_str(x, g, "send_certificate", &send) ||
        get_bool(x, g, "send_cert_request", &c->engine.send_cr) ||
        get_bool(x, g, "check_certificate_dates", &check_dates))
        return -1;
    c->engine.cert_no_dates = !check_dates;
    if (cert) {
        const config_setting_t *s = member(g, "certificate");
        if (!c->private_key)
            return fail(x, s, "local.certificate needs local.private_key (the certificate's key)");
        char path[4096], why[256];
        uint8_t *buf;
        size_t n;
        if (read_named_file(x, s, cert, "certificate", path, sizeof path, &buf, &n)) return -1;
        int rc = peer_cert_own(buf, n, c->private_key, &c->cert_der, &c->cert_len, why, sizeof why);
        isakmp_free_secret(buf, PEER_FILE_MAX);
        if (rc) return fail(x, s, "%s: %s", path, why);
    }
    const config_setting_t *ca = member(g, "ca_certificates");
    if (ca) {
        if (config_setting_type(ca) == CONFIG_TYPE_STRING) {
            if (load_anchor_file(x, ca, c)) return -1;
        } else if (config_setting_type(ca) == CONFIG_TYPE_ARRAY ||
                   config_setting_type(ca) == CONFIG_TYPE_LIST) {
            int n = config_setting_length(ca);
            if (n == 0) return fail(x, ca, "ca_certificates is empty");
            for (int i = 0; i < n; i++) {
                const config_setting_t *e = config_setting_get_elem(ca, (unsigned)i);
                /* Array elements may carry no line of their own. */
                if (load_anchor_file(x, config_setting_source_line(e) ? e : ca, c)) return -1;
            }
        } else {
            return fail(x, ca, "ca_certificates must be a file name or a list [\"ca.pem\", ...]");
        }
        /* We need the peer's certificate: ask for it unless told not to. */
        if (!member(g, "send_cert_request")) c->engine.send_cr = true;
    }
    /* Default "always": the engine notes a CR only in Main Mode messages
     * 3/4 (Aggressive 1/2), and charon as initiator sends its CR in
     * message 5 - we would never answer it with our certificate. */
    if (cert) c->engine.cert_send = ISAKMP_CERT_SEND_ALWAYS;
    if (send) {
        if (strcmp(send, "if-asked") == 0 || strcmp(send, "if_asked") == 0)
            c->engine.cert_send = ISAKMP_CERT_SEND_IF_ASKED;
        else if (strcmp(send, "always") == 0) c->engine.cert_send = ISAKMP_CERT_SEND_ALWAYS;
        else if (strcmp(send, "never") == 0) c->engine.cert_send = ISAKMP_CERT_SEND_NEVER;
        else return fail(x, member(g, "send_certificate"),
                         "send_certificate must be always, if-asked or never (not \"%s\")", send);
        if (!cert && c->engine.cert_send != ISAKMP_CERT_SEND_NEVER)
            return fail(x, member(g, "send_certificate"),
                        "send_certificate needs local.certificate");
    }
    c->engine.cert = c->cert_der;
    c->engine.cert_len = c->cert_len;
    c->engine.ca_certs = c->ca_pem;
    c->engine.ca_certs_len = c->ca_pem_len;
    return 0;
}

static int load_local(struct ctx *x, const config_setting_t *g, struct peer_config *c)
{
    static const char *const keys[] = {"address", "port", "nat_t_port", "id", "private_key",
        "certificate", "ca_certificates", "send_cert_request", "send_certificate",
        "check_certificate_dates", NULL};
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fail(x, g, "\"local\" must be a group { ... }");
    if (only_known(x, g, keys)) return -1;
    const char *address = NULL, *id = NULL, *priv = NULL;
    unsigned long long port = 500, natt = 0;
    if (get_str(x, g, "address", &address) || get_uint(x, g, "port", 65535, &port) ||
        get_uint(x, g, "nat_t_port", 65535, &natt) || get_str(x, g, "id", &id) ||
        get_str(x, g, "private_key", &priv))
        return -1;
    if (priv && load_rsa(x, member(g, "private_key"), priv, true, &c->private_key)) return -1;
    if (load_certificates(x, g, c)) return -1;
    if (!address) return fail(x, g, "local.address is required (our IPv4 address)");
    if (peer_parse_addr(address, (uint16_t)port, &c->local))
        return fail(x, member(g, "address"), "\"%s\" is not an IPv4 address", address);
    c->natt_port = (uint16_t)natt;
    char why[200];
    if (id && peer_parse_id(id, &c->engine.identity, why, sizeof why))
        return fail(x, member(g, "id"), "bad identity \"%s\"%s%s", id, why[0] ? ": " : "", why);
    struct isakmp_identity subject;
    if (c->cert_der && peer_cert_subject_id(c->cert_der, c->cert_len, &subject))
        return fail(x, member(g, "certificate"), "the certificate's subject is longer than %d bytes",
                    ISAKMP_ID_MAX);
    if (c->cert_der && !id) {
        c->engine.identity = subject;          /* what a certificate names: its subject */
    } else if (c->cert_der && c->engine.identity.type == ISAKMP_ID_DER_ASN1_DN &&
               (subject.len != c->engine.identity.len ||
                memcmp(subject.data, c->engine.identity.data, subject.len) != 0)) {
        /* The peer compares the ID with the certificate byte for byte. */
        return fail(x, member(g, "id"), "local.id \"%s\" is not the subject of local.certificate "
                    "(as DER; omit id to use the subject)", id);
    }
    return 0;
}

static int load_engine(struct ctx *x, const config_setting_t *g, struct isakmp_config *e)
{
    static const char *const keys[] = {"aggressive", "initial_contact", "max_ike_lifetime",
        "max_esp_lifetime", "rekey_percent", "retransmit", "defence", "dh_short_exponent", "dpd_delay", "nat_t",
        "nat_keepalive", NULL};
    static const char *const rkeys[] = {"initial_ms", "factor", "cap_ms", "tries", NULL};
    static const char *const dkeys[] = {"mode", "cookie_rotate", "half_open_max",
        "half_open_per_source", "memory_max", "notify_per_second", NULL};
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fail(x, g, "\"engine\" must be a group { ... }");
    if (only_known(x, g, keys)) return -1;
    unsigned long long v;
    if (get_bool(x, g, "aggressive", &e->allow_aggressive) ||
        get_bool(x, g, "initial_contact", &e->initial_contact))
        return -1;
    v = e->max_p1_life_seconds;
    if (get_uint(x, g, "max_ike_lifetime", UINT32_MAX, &v)) return -1;
    e->max_p1_life_seconds = (uint32_t)v;
    v = e->max_p2_life_seconds;
    if (get_uint(x, g, "max_esp_lifetime", UINT32_MAX, &v)) return -1;
    e->max_p2_life_seconds = (uint32_t)v;
    v = e->rekey_percent;
    if (get_uint(x, g, "rekey_percent", 100, &v)) return -1;
    e->rekey_percent = (uint8_t)v;
    v = e->dpd_delay_ns / 1000000000ull;
    if (get_uint(x, g, "dpd_delay", 86400, &v)) return -1;
    e->dpd_delay_ns = v * 1000000000ull;
    const char *natt = NULL;
    if (get_str(x, g, "nat_t", &natt)) return -1;
    if (natt) {
        if (strcmp(natt, "off") == 0) e->nat_t = ISAKMP_NAT_T_OFF;
        else if (strcmp(natt, "on") == 0) e->nat_t = ISAKMP_NAT_T_ON;
        else if (strcmp(natt, "force") == 0) e->nat_t = ISAKMP_NAT_T_FORCE;
        else return fail(x, member(g, "nat_t"), "nat_t must be off, on or force (not \"%s\")", natt);
    }
    v = e->natt_keepalive_ns / 1000000000ull;
    if (get_uint(x, g, "nat_keepalive", 3600, &v)) return -1;
    if (member(g, "nat_keepalive") && v == 0)
        return fail(x, member(g, "nat_keepalive"), "nat_keepalive must be 1..3600 seconds");
    e->natt_keepalive_ns = v * 1000000000ull;
    if (member(g, "dh_short_exponent")) {
        v = 0;
        if (get_uint(x, g, "dh_short_exponent", 8192, &v)) return -1;
        e->dh.short_exponent = true;        /* 0 bits: the group's recommended size */
        e->dh.exponent_bits = (unsigned)v;
    }

    const config_setting_t *r = member(g, "retransmit");
    if (r) {
        if (config_setting_type(r) != CONFIG_TYPE_GROUP || only_known(x, r, rkeys))
            return x->err[0] ? -1 : fail(x, r, "\"retransmit\" must be a group");
        v = e->retransmit.initial_ns / 1000000;
        if (get_uint(x, r, "initial_ms", 3600000, &v)) return -1;
        e->retransmit.initial_ns = v * 1000000ull;
        v = e->retransmit.factor;
        if (get_uint(x, r, "factor", 16, &v)) return -1;
        e->retransmit.factor = (uint32_t)v;
        v = e->retransmit.cap_ns / 1000000;
        if (get_uint(x, r, "cap_ms", 3600000, &v)) return -1;
        e->retransmit.cap_ns = v * 1000000ull;
        v = e->retransmit.tries;
        if (get_uint(x, r, "tries", 100, &v)) return -1;
        e->retransmit.tries = (uint32_t)v;
    }
    const config_setting_t *d = member(g, "defence");
    if (d) {
        if (config_setting_type(d) != CONFIG_TYPE_GROUP || only_known(x, d, dkeys))
            return x->err[0] ? -1 : fail(x, d, "\"defence\" must be a group");
        const char *mode = NULL;
        if (get_str(x, d, "mode", &mode)) return -1;
        if (mode) {
            if (strcmp(mode, "none") == 0) e->defence.mode = ISAKMP_DEFENCE_NONE;
            else if (strcmp(mode, "cookies") == 0) e->defence.mode = ISAKMP_DEFENCE_COOKIES;
            else if (strcmp(mode, "stateless") == 0) e->defence.mode = ISAKMP_DEFENCE_STATELESS;
            else return fail(x, member(d, "mode"), "defence.mode must be none, cookies or stateless");
        }
        v = e->defence.cookie_rotate_ns / 1000000000ull;
        if (get_uint(x, d, "cookie_rotate", 86400, &v)) return -1;
        e->defence.cookie_rotate_ns = v * 1000000000ull;
        v = e->defence.half_open_max;
        if (get_uint(x, d, "half_open_max", UINT32_MAX, &v)) return -1;
        e->defence.half_open_max = (uint32_t)v;
        v = e->defence.half_open_per_source;
        if (get_uint(x, d, "half_open_per_source", UINT32_MAX, &v)) return -1;
        e->defence.half_open_per_source = (uint32_t)v;
        v = e->defence.memory_max;
        if (get_uint(x, d, "memory_max", SIZE_MAX, &v)) return -1;
        e->defence.memory_max = (size_t)v;
        v = e->defence.notify_per_second;
        if (get_uint(x, d, "notify_per_second", UINT32_MAX, &v)) return -1;
        e->defence.notify_per_second = (uint32_t)v;
    }
    return 0;
}

static int load_peer(struct ctx *x, const config_setting_t *g, bool have_private_key,
                     bool have_anchors, struct peer_def *p)
{
    static const char *const keys[] = {"name", "address", "port", "mode", "auth", "psk",
        "psk_hex", "id", "ike", "ike_lifetime", "esp", "esp_lifetime", "esp_mode",
        "local_ts", "remote_ts", "auto", "rekey", "public_key", NULL};
    if (config_setting_type(g) != CONFIG_TYPE_GROUP)
        return fail(x, g, "every peer must be a group { ... }");
    if (only_known(x, g, keys)) return -1;
    p->line = config_setting_source_line(g);
    const char *name = NULL, *address = NULL, *mode = "main", *auth = "psk", *psk = NULL;
    const char *psk_hex = NULL, *id = NULL, *ike = "aes128-sha1-modp2048", *esp = "aes128-sha1";
    const char *esp_mode = "tunnel", *lts = NULL, *rts = NULL, *autos = "none", *pub = NULL;
    unsigned long long port = 500, ike_life = 0, esp_life = 0;
    p->rekey = true;
    if (get_str(x, g, "name", &name) || get_str(x, g, "address", &address) ||
        get_uint(x, g, "port", 65535, &port) || get_str(x, g, "mode", &mode) ||
        get_str(x, g, "auth", &auth) || get_str(x, g, "psk", &psk) ||
        get_str(x, g, "psk_hex", &psk_hex) || get_str(x, g, "id", &id) ||
        get_str(x, g, "ike", &ike) || get_uint(x, g, "ike_lifetime", UINT32_MAX, &ike_life) ||
        get_str(x, g, "esp", &esp) || get_uint(x, g, "esp_lifetime", UINT32_MAX, &esp_life) ||
        get_str(x, g, "esp_mode", &esp_mode) || get_str(x, g, "local_ts", &lts) ||
        get_str(x, g, "remote_ts", &rts) || get_str(x, g, "auto", &autos) ||
        get_bool(x, g, "rekey", &p->rekey) || get_str(x, g, "public_key", &pub))
        return -1;
    if (!name || !*name || strlen(name) >= PEER_NAME_MAX || strpbrk(name, " \t\n"))
        return fail(x, g, "every peer needs a name (1..%d characters, no spaces)", PEER_NAME_MAX - 1);
    strcpy(p->name, name);
    if (!address) return fail(x, g, "peer \"%s\": address is required", name);
    if (peer_parse_addr(address, (uint16_t)port, &p->addr))
        return fail(x, member(g, "address"), "peer \"%s\": \"%s\" is not an IPv4 address", name, address);
    if (strcmp(mode, "main") == 0) p->exchange_type = ISAKMP_XCHG_IDPROT;
    else if (strcmp(mode, "aggressive") == 0) p->exchange_type = ISAKMP_XCHG_AGGRESSIVE;
    else return fail(x, member(g, "mode"), "peer \"%s\": mode must be main or aggressive", name);
    if (strcmp(auth, "psk") == 0) p->auth = ISAKMP_AUTH_PSK;
    else if (strcmp(auth, "rsasig") == 0 || strcmp(auth, "pubkey") == 0) p->auth = ISAKMP_AUTH_RSA_SIG;
    else return fail(x, member(g, "auth"), "peer \"%s\": auth must be psk or rsasig", name);
    if (psk && psk_hex)
        return fail(x, g, "peer \"%s\": give psk or psk_hex, not both", name);
    if (psk) {
        size_t n = strlen(psk);
        if (n == 0 || n > PEER_MAX_PSK)
            return fail(x, member(g, "psk"), "peer \"%s\": psk must be 1..%d bytes", name, PEER_MAX_PSK);
        memcpy(p->psk, psk, n);
        p->psk_len = n;
    } else if (psk_hex) {
        int n = parse_hex(psk_hex, p->psk, PEER_MAX_PSK);
        if (n <= 0) return fail(x, member(g, "psk_hex"), "peer \"%s\": psk_hex is not hex", name);
        p->psk_len = (size_t)n;
    } else if (p->auth == ISAKMP_AUTH_PSK) {
        return fail(x, g, "peer \"%s\": psk (or psk_hex) is required with auth = \"psk\"", name);
    }
    if (p->auth == ISAKMP_AUTH_RSA_SIG) {
        if (!have_private_key)
            return fail(x, member(g, "auth"), "peer \"%s\" uses rsasig: local.private_key is "
                        "required", name);
        if (!pub && !have_anchors)
            return fail(x, g, "peer \"%s\": public_key (PEM/DER key or certificate), or "
                        "local.ca_certificates to verify its certificate, is required with "
                        "auth = \"rsasig\"", name);
        if (pub && load_rsa(x, member(g, "public_key"), pub, false, &p->public_key)) return -1;
    } else if (pub) {
        return fail(x, member(g, "public_key"), "peer \"%s\": public_key needs auth = \"rsasig\"", name);
    }
    char msg[256];
    if (id && peer_parse_id(id, &p->peer_id, msg, sizeof msg))
        return fail(x, member(g, "id"), "peer \"%s\": bad identity \"%s\"%s%s", name, id,
                    msg[0] ? ": " : "", msg);
    int n = peer_parse_p1_list(ike, p->auth, (uint32_t)ike_life, p->p1, PEER_MAX_P1,
                               msg, sizeof msg);
    if (n < 0) return fail(x, member(g, "ike"), "peer \"%s\": %s", name, msg);
    p->n_p1 = (size_t)n;
    uint16_t encap;
    if (strcmp(esp_mode, "tunnel") == 0) encap = 1;
    else if (strcmp(esp_mode, "transport") == 0) encap = 2;
    else if (strcmp(esp_mode, "none") == 0) encap = 0;
    else return fail(x, member(g, "esp_mode"), "peer \"%s\": esp_mode must be tunnel, transport or none", name);
    if (*esp) {
        n = peer_parse_p2_list(esp, encap, (uint32_t)esp_life, p->p2, PEER_MAX_P2, msg, sizeof msg);
        if (n < 0) return fail(x, member(g, "esp"), "peer \"%s\": %s", name, msg);
        p->n_p2 = (size_t)n;
    }
    if (lts && peer_parse_ts(lts, &p->client_local))
        return fail(x, member(g, "local_ts"), "peer \"%s\": bad traffic selector \"%s\"", name, lts);
    if (rts && peer_parse_ts(rts, &p->client_peer))
        return fail(x, member(g, "remote_ts"), "peer \"%s\": bad traffic selector \"%s\"", name, rts);
    if (!lts != !rts)
        return fail(x, g, "peer \"%s\": give both local_ts and remote_ts, or neither", name);
    if (strcmp(autos, "start") == 0) p->auto_start = true;
    else if (strcmp(autos, "none") != 0)
        return fail(x, member(g, "auto"), "peer \"%s\": auto must be start or none", name);
    return 0;
}

/* The responder side of the engine takes one list for everybody: the
 * union of the peers' proposals, in file order, without duplicates. */
static void build_accept_lists(struct peer_config *c)
{
    size_t n1 = 0, n2 = 0, nk = 0, nr = 0;
    for (size_t i = 0; i < c->n_peers; i++) {
        const struct peer_def *p = &c->peers[i];
        for (size_t j = 0; j < p->n_p1; j++) {
            bool dup = false;
            for (size_t k = 0; k < n1; k++) dup = dup || same_p1(&c->p1_accept[k], &p->p1[j]);
            if (!dup) c->p1_accept[n1++] = p->p1[j];
        }
        for (size_t j = 0; j < p->n_p2; j++) {
            bool dup = false;
            for (size_t k = 0; k < n2; k++) dup = dup || same_p2(&c->p2_accept[k], &p->p2[j]);
            if (!dup) c->p2_accept[n2++] = p->p2[j];
        }
        if (p->auth == ISAKMP_AUTH_RSA_SIG && p->public_key) {   /* else: its certificate */
            struct isakmp_rsa_peer *r = &c->rsa_peers[nr++];
            memset(r, 0, sizeof *r);
            r->id = p->peer_id;
            r->addr = p->addr;
            r->key = p->public_key;
        }
        if (p->psk_len == 0) continue;
        /* Main Mode PSK is found by address; an identity-keyed copy
         * serves Aggressive Mode when an identity is configured. */
        struct isakmp_psk *k = &c->psks[nk++];
        memset(k, 0, sizeof *k);
        k->addr = p->addr;
        k->key = p->psk;
        k->key_len = p->psk_len;
        if (p->peer_id.type != ISAKMP_ID_NONE) {
            k = &c->psks[nk++];
            memset(k, 0, sizeof *k);
            k->id = p->peer_id;
            k->addr = p->addr;
            k->key = p->psk;
            k->key_len = p->psk_len;
        }
    }
    c->engine.p1 = c->p1_accept;
    c->engine.n_p1 = n1;
    c->engine.p2 = c->p2_accept;
    c->engine.n_p2 = n2;
    c->engine.psks = c->psks;
    c->engine.n_psks = nk;
    c->engine.rsa_key = c->private_key;
    c->engine.rsa_peers = c->rsa_peers;
    c->engine.n_rsa_peers = nr;
}

int peer_config_load(const char *path, struct peer_config *c, char *err, size_t errlen)
{
    struct ctx x = {path, err, errlen};
    err[0] = 0;
    memset(c, 0, sizeof *c);
    isakmp_config_defaults(&c->engine);
    config_t cf;
    config_init(&cf);
    int rc = -1;
    if (config_read_file(&cf, path) != CONFIG_TRUE) {
        if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
            snprintf(err, errlen, "%s: cannot read the file", path);
        else
            snprintf(err, errlen, "%s:%d: %s", config_error_file(&cf) ? config_error_file(&cf) : path,
                     config_error_line(&cf), config_error_text(&cf));
        goto out;
    }
    static const char *const top[] = {"local", "engine", "peers", NULL};
    const config_setting_t *root = config_root_setting(&cf);
    if (only_known(&x, root, top)) goto out;
    const config_setting_t *s = config_lookup(&cf, "local");
    if (!s) { fail(&x, NULL, "a \"local\" group with our address is required"); goto out; }
    if (load_local(&x, s, c)) goto out;
    s = config_lookup(&cf, "engine");
    if (s && load_engine(&x, s, &c->engine)) goto out;
    /* NAT-T needs the port it floats to (RFC 3947 §4). */
    if (c->engine.nat_t != ISAKMP_NAT_T_OFF && !c->natt_port) c->natt_port = ISAKMP_NATT_PORT;
    c->engine.natt_port = c->natt_port;
    s = config_lookup(&cf, "peers");
    if (!s) { fail(&x, NULL, "a \"peers\" list ( { ... }, ... ) is required"); goto out; }
    if (config_setting_type(s) != CONFIG_TYPE_LIST) {
        fail(&x, s, "\"peers\" must be a list: peers = ( { ... }, { ... } );");
        goto out;
    }
    int n = config_setting_length(s);
    if (n < 1 || n > PEER_MAX_PEERS) {
        fail(&x, s, "between 1 and %d peers, please", PEER_MAX_PEERS);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
        if (load_peer(&x, g, c->private_key != NULL, c->ca_pem != NULL, &c->peers[i])) goto out;
        for (int j = 0; j < i; j++)
            if (strcmp(c->peers[j].name, c->peers[i].name) == 0) {
                fail(&x, g, "peer name \"%s\" already used on line %u", c->peers[i].name,
                     c->peers[j].line);
                goto out;
            }
        c->n_peers = (size_t)i + 1;
    }
    build_accept_lists(c);
    rc = 0;
out:
    config_destroy(&cf);
    if (rc) peer_config_wipe(c);
    return rc;
}

void peer_config_wipe(struct peer_config *c)
{
    for (size_t i = 0; i < PEER_MAX_PEERS; i++) {
        isakmp_wipe(c->peers[i].psk, PEER_MAX_PSK);
        isakmp_rsa_key_free(c->peers[i].public_key);
        c->peers[i].public_key = NULL;
    }
    isakmp_rsa_key_free(c->private_key);
    c->private_key = NULL;
    free(c->cert_der);                 /* public: no wipe needed */
    free(c->ca_pem);
    c->cert_der = c->ca_pem = NULL;
    c->engine.cert = c->engine.ca_certs = NULL;
}

struct peer_def *peer_config_find(struct peer_config *c, const char *name)
{
    for (size_t i = 0; i < c->n_peers; i++)
        if (strcmp(c->peers[i].name, name) == 0) return &c->peers[i];
    return NULL;
}

struct peer_def *peer_config_by_addr(struct peer_config *c, const struct isakmp_addr *addr)
{
    for (size_t i = 0; i < c->n_peers; i++) {
        const struct isakmp_addr *a = &c->peers[i].addr;
        if (a->family == addr->family && memcmp(a->addr, addr->addr, a->family == 4 ? 4 : 16) == 0)
            return &c->peers[i];
    }
    return NULL;
}
