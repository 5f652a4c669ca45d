/* The scenario reader, IKE policies: modes, authentication, phase-1 and
 * phase-2 proposals by algorithm NAME (numbers are the IANA values, so a
 * policy reads the same here, in a pcap and in Wireshark), identities and
 * credentials, DH exponents, retransmission. */
#include "scenario_parse.h"
#include "units.h"

#include "isakmp/rsa.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named { const char *name; unsigned value; };

/* Groups the DH layer implements (engine/include/isakmp/dh.h). */
static const struct named groups[] = {
    { "modp768", 1 }, { "modp1024", 2 }, { "modp1536", 5 }, { "modp2048", 14 },
    { "modp3072", 15 }, { "modp4096", 16 }, { "modp6144", 17 }, { "modp8192", 18 },
    { "ecp256", 19 }, { "ecp384", 20 }, { "ecp521", 21 }, { "modp1024s160", 22 },
    { "modp2048s224", 23 }, { "modp2048s256", 24 }, { "ecp192", 25 }, { "ecp224", 26 },
    { "ecp224bp", 27 }, { "ecp256bp", 28 }, { "ecp384bp", 29 }, { "ecp512bp", 30 },
    { "curve25519", 31 }, { "curve448", 32 }, { NULL, 0 },
};
static const struct named p1_ciphers[] = {
    { "des", ISAKMP_ENC_DES_CBC }, { "3des", ISAKMP_ENC_3DES_CBC },
    { "blowfish", ISAKMP_ENC_BLOWFISH_CBC }, { "cast", ISAKMP_ENC_CAST_CBC },
    { "aes", ISAKMP_ENC_AES_CBC }, { NULL, 0 },
};
static const struct named p1_hashes[] = {
    { "md5", ISAKMP_HASH_MD5 }, { "sha1", ISAKMP_HASH_SHA1 },
    { "sha2-256", ISAKMP_HASH_SHA2_256 }, { "sha2-384", ISAKMP_HASH_SHA2_384 },
    { "sha2-512", ISAKMP_HASH_SHA2_512 }, { NULL, 0 },
};
static const struct named auths[] = {
    { "psk", ISAKMP_AUTH_PSK }, { "rsa-sig", ISAKMP_AUTH_RSA_SIG },
    { "pke", ISAKMP_AUTH_RSA_ENC }, { "rpke", ISAKMP_AUTH_RSA_REV_ENC }, { NULL, 0 },
};
static const struct named protocols[] = {
    { "ah", ISAKMP_PROTO_AH }, { "esp", ISAKMP_PROTO_ESP }, { "ipcomp", ISAKMP_PROTO_IPCOMP },
    { NULL, 0 },
};
static const struct named esp_transforms[] = {
    { "des", ISAKMP_ESP_DES }, { "3des", ISAKMP_ESP_3DES }, { "cast", ISAKMP_ESP_CAST },
    { "blowfish", ISAKMP_ESP_BLOWFISH }, { "null", ISAKMP_ESP_NULL }, { "aes", ISAKMP_ESP_AES },
    { NULL, 0 },
};
static const struct named ah_transforms[] = {
    { "md5", ISAKMP_AH_MD5 }, { "sha1", ISAKMP_AH_SHA }, { "sha2-256", ISAKMP_AH_SHA2_256 },
    { "sha2-384", ISAKMP_AH_SHA2_384 }, { "sha2-512", ISAKMP_AH_SHA2_512 }, { NULL, 0 },
};
static const struct named ipcomp_transforms[] = {
    { "oui", ISAKMP_IPCOMP_OUI }, { "deflate", ISAKMP_IPCOMP_DEFLATE },
    { "lzs", ISAKMP_IPCOMP_LZS }, { NULL, 0 },
};
/* AH transform -> the Authentication Algorithm it implies (RFC 2407 §4.5). */
static const struct named p2_auths[] = {
    { "none", 0 }, { "hmac-md5", ISAKMP_AALG_HMAC_MD5 }, { "hmac-sha1", ISAKMP_AALG_HMAC_SHA },
    { "hmac-sha2-256", ISAKMP_AALG_HMAC_SHA2_256 }, { "hmac-sha2-384", ISAKMP_AALG_HMAC_SHA2_384 },
    { "hmac-sha2-512", ISAKMP_AALG_HMAC_SHA2_512 }, { NULL, 0 },
};
static const struct named encaps[] = {
    { "tunnel", ISAKMP_ENCAP_TUNNEL }, { "transport", ISAKMP_ENCAP_TRANSPORT }, { NULL, 0 },
};
static const struct named id_types[] = {
    { "ipv4", ISAKMP_ID_IPV4_ADDR }, { "fqdn", ISAKMP_ID_FQDN },
    { "user-fqdn", ISAKMP_ID_USER_FQDN }, { "key-id", ISAKMP_ID_KEY_ID }, { NULL, 0 },
};

static const char *const mode_names[] = { "main", "aggressive", NULL };
static const char *const exponent_names[] = { "full", "short", NULL };

const char *isakmp_scn_mode_name(enum isakmp_scn_mode m)
{
    return (unsigned)m < 2 ? mode_names[m] : "?";
}

const char *isakmp_scn_auth_name(uint16_t auth)
{
    for (size_t i = 0; auths[i].name; i++)
        if (auths[i].value == auth)
            return auths[i].name;
    return "?";
}

/* A string member that must be one of the table's names. */
static bool get_named(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      const char *key, bool required, const struct named *table,
                      const char *kind, unsigned *out)
{
    const char *v = NULL;
    if (!scn_get_string(c, g, what, key, required, &v))
        return false;
    if (!v)
        return true;
    for (size_t i = 0; table[i].name; i++) {
        if (strcmp(table[i].name, v) == 0) {
            *out = table[i].value;
            return true;
        }
    }
    const char *names[40];
    size_t n = 0;
    for (; table[n].name && n < 39; n++)
        names[n] = table[n].name;
    names[n] = NULL;
    char list[400];
    scn_join(names, list, sizeof list);
    return scn_fail(c, config_setting_get_member(g, key), "%s: unknown %s \"%s\" (known: %s)",
                    what, kind, v, list);
}

bool scn_group_by_name(const char *name, uint16_t *group)
{
    for (size_t i = 0; groups[i].name; i++)
        if (strcmp(groups[i].name, name) == 0) {
            *group = (uint16_t)groups[i].value;
            return true;
        }
    return false;
}

bool scn_parse_group_name(struct scn_ctx *c, const config_setting_t *g, const char *what,
                          const char *key, uint16_t *group)
{
    const config_setting_t *m = config_setting_get_member(g, key);
    if (m && (config_setting_type(m) == CONFIG_TYPE_INT || config_setting_type(m) == CONFIG_TYPE_INT64)) {
        long long v = config_setting_get_int64(m);
        for (size_t i = 0; groups[i].name; i++) {
            if ((long long)groups[i].value == v) {
                *group = (uint16_t)v;
                return true;
            }
        }
        return scn_fail(c, m, "%s: unknown group %lld (see the list in scenarios/FORMAT.md)", what, v);
    }
    unsigned v = 0;
    if (!get_named(c, g, what, key, true, groups, "group", &v))
        return false;
    *group = (uint16_t)v;
    return true;
}

/* lifetime (duration, whole seconds) and lifetime_kb. */
static bool get_lifetimes(struct scn_ctx *c, const config_setting_t *g, const char *what,
                          uint32_t *seconds, uint32_t *kbytes)
{
    uint64_t ns = 0;
    if (!scn_get_duration(c, g, what, "lifetime", false, &ns) ||
        !scn_get_u32(c, g, what, "lifetime_kb", false, 0, UINT32_MAX, kbytes))
        return false;
    if (ns % 1000000000ull || ns / 1000000000ull > UINT32_MAX ||
        (ns == 0 && config_setting_get_member(g, "lifetime")))
        return scn_fail(c, config_setting_get_member(g, "lifetime"),
                        "%s: 'lifetime' must be a whole number of seconds, 1s to 136 years", what);
    *seconds = (uint32_t)(ns / 1000000000ull);
    return true;
}

static bool list_of_groups(struct scn_ctx *c, const config_setting_t *list, const char *what,
                           const char *key, size_t *count)
{
    *count = (size_t)config_setting_length(list);
    if (!config_setting_is_list(list) || *count == 0 || *count > ISAKMP_SCN_MAX_PROPOSALS)
        return scn_fail(c, list, "%s: '%s' must be a list of 1 to %d groups ( { ... }, { ... } )",
                        what, key, ISAKMP_SCN_MAX_PROPOSALS);
    return true;
}

bool scn_parse_proposals(struct scn_ctx *c, const config_setting_t *list, const char *what,
                         uint16_t auth, struct isakmp_p1_transform *out, size_t *n)
{
    static const char *const keys[] = { "cipher", "keylen", "hash", "group", "lifetime",
                                        "lifetime_kb", NULL };
    size_t count;
    if (!list_of_groups(c, list, what, config_setting_name(list), &count))
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        char w[192];
        snprintf(w, sizeof w, "%s: %s[%zu]", what, config_setting_name(list), i);
        if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
            return false;
        struct isakmp_p1_transform *t = &out[i];
        memset(t, 0, sizeof *t);
        unsigned cipher = 0, hash = 0;
        uint32_t keylen = 0;
        if (!get_named(c, g, w, "cipher", true, p1_ciphers, "cipher", &cipher) ||
            !scn_get_u32(c, g, w, "keylen", false, 0, 1024, &keylen) ||
            !get_named(c, g, w, "hash", true, p1_hashes, "hash", &hash) ||
            !scn_parse_group_name(c, g, w, "group", &t->group) ||
            !get_lifetimes(c, g, w, &t->life_seconds, &t->life_kbytes))
            return false;
        const config_setting_t *kl = config_setting_get_member(g, "keylen");
        if (cipher == ISAKMP_ENC_AES_CBC) {
            if (!kl)
                keylen = 128;
            if (keylen != 128 && keylen != 192 && keylen != 256)
                return scn_fail(c, kl, "%s: aes 'keylen' must be 128, 192 or 256", w);
        } else if (cipher == ISAKMP_ENC_BLOWFISH_CBC) {
            if (!kl)
                keylen = 128;
            if (keylen < 40 || keylen > 448 || keylen % 8)
                return scn_fail(c, kl, "%s: blowfish 'keylen' must be 40..448, a multiple of 8", w);
        } else if (kl) {
            return scn_fail(c, kl, "%s: this cipher has a fixed key length: remove 'keylen'", w);
        }
        t->cipher = (uint16_t)cipher;
        t->key_bits = (uint16_t)keylen;
        t->hash = (uint16_t)hash;
        t->auth = auth;
    }
    *n = count;
    return true;
}

static bool parse_p2_protocol(struct scn_ctx *c, const config_setting_t *g, const char *w,
                              struct isakmp_p2_protocol *p)
{
    static const char *const keys[] = { "protocol", "transform", "keylen", "auth", "encap", NULL };
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
        return false;
    unsigned proto = 0, transform = 0, aalg = 0, encap = ISAKMP_ENCAP_TUNNEL;
    uint32_t keylen = 0;
    if (!get_named(c, g, w, "protocol", true, protocols, "protocol", &proto))
        return false;
    const struct named *table = proto == ISAKMP_PROTO_ESP  ? esp_transforms
                                : proto == ISAKMP_PROTO_AH ? ah_transforms
                                                           : ipcomp_transforms;
    if (!get_named(c, g, w, "transform", true, table, "transform", &transform) ||
        !scn_get_u32(c, g, w, "keylen", false, 0, 1024, &keylen) ||
        !get_named(c, g, w, "auth", false, p2_auths, "authentication algorithm", &aalg) ||
        !get_named(c, g, w, "encap", false, encaps, "encapsulation", &encap))
        return false;
    const config_setting_t *kl = config_setting_get_member(g, "keylen");
    const config_setting_t *au = config_setting_get_member(g, "auth");
    if (proto == ISAKMP_PROTO_ESP && transform == ISAKMP_ESP_AES) {
        if (!kl)
            keylen = 128;
        if (keylen != 128 && keylen != 192 && keylen != 256)
            return scn_fail(c, kl, "%s: aes 'keylen' must be 128, 192 or 256", w);
    } else if (kl) {
        return scn_fail(c, kl, "%s: 'keylen' is only for esp aes", w);
    }
    if (proto == ISAKMP_PROTO_ESP && transform == ISAKMP_ESP_NULL && aalg == 0)
        return scn_fail(c, g, "%s: esp null without 'auth' protects nothing", w);
    if (proto == ISAKMP_PROTO_AH) {
        /* AH's transform names its algorithm; the attribute must agree */
        static const uint16_t implied[] = { [ISAKMP_AH_MD5] = ISAKMP_AALG_HMAC_MD5,
            [ISAKMP_AH_SHA] = ISAKMP_AALG_HMAC_SHA, [ISAKMP_AH_SHA2_256] = ISAKMP_AALG_HMAC_SHA2_256,
            [ISAKMP_AH_SHA2_384] = ISAKMP_AALG_HMAC_SHA2_384,
            [ISAKMP_AH_SHA2_512] = ISAKMP_AALG_HMAC_SHA2_512 };
        if (au && aalg != implied[transform])
            return scn_fail(c, au, "%s: ah %s implies its 'auth': remove it", w,
                            config_setting_get_string(config_setting_get_member(g, "transform")));
        aalg = implied[transform];
    }
    if (proto == ISAKMP_PROTO_IPCOMP && au)
        return scn_fail(c, au, "%s: ipcomp has no 'auth'", w);
    p->protocol = (uint8_t)proto;
    p->transform = (uint8_t)transform;
    p->key_bits = (uint16_t)keylen;
    p->auth = (uint16_t)aalg;
    p->encap = (uint16_t)encap;
    return true;
}

static bool parse_phase2(struct scn_ctx *c, const config_setting_t *list, const char *what,
                         struct isakmp_scn_policy *p)
{
    static const char *const keys[] = { "protocols", "pfs", "lifetime", "lifetime_kb", NULL };
    size_t count;
    if (!list_of_groups(c, list, what, "phase2", &count))
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
        char w[192];
        snprintf(w, sizeof w, "%s: phase2[%zu]", what, i);
        if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
            return false;
        struct isakmp_p2_proposal *pr = &p->p2[i];
        memset(pr, 0, sizeof *pr);
        const config_setting_t *pfs = config_setting_get_member(g, "pfs");
        if (pfs && !(config_setting_type(pfs) == CONFIG_TYPE_STRING &&
                     strcmp(config_setting_get_string(pfs), "none") == 0) &&
            !scn_parse_group_name(c, g, w, "pfs", &pr->pfs_group))
            return false;
        if (!get_lifetimes(c, g, w, &pr->life_seconds, &pr->life_kbytes))
            return false;
        const config_setting_t *protos = config_setting_get_member(g, "protocols");
        if (!protos)
            return scn_fail(c, g, "%s: missing 'protocols'", w);
        size_t np = (size_t)config_setting_length(protos);
        if (!config_setting_is_list(protos) || np == 0 || np > ISAKMP_P2_MAX_PROTOCOLS)
            return scn_fail(c, protos, "%s: 'protocols' must be a list of 1 to %d groups", w,
                            ISAKMP_P2_MAX_PROTOCOLS);
        for (size_t k = 0; k < np; k++) {
            char pw[224];
            snprintf(pw, sizeof pw, "%s: protocols[%zu]", w, k);
            if (!parse_p2_protocol(c, config_setting_get_elem(protos, (unsigned)k), pw,
                                   &pr->protocols[k]))
                return false;
            for (size_t j = 0; j < k; j++)
                if (pr->protocols[j].protocol == pr->protocols[k].protocol)
                    return scn_fail(c, protos, "%s: a protocol appears twice in one proposal", w);
        }
        pr->n_protocols = (uint8_t)np;
    }
    p->n_p2 = count;
    return true;
}

static bool parse_identity(struct scn_ctx *c, const config_setting_t *g, const char *what,
                           struct isakmp_identity *id)
{
    static const char *const keys[] = { "type", "value", NULL };
    char w[160];
    snprintf(w, sizeof w, "%s: identity", what);
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys))
        return false;
    unsigned type = 0;
    const char *value = NULL;
    if (!get_named(c, g, w, "type", true, id_types, "identity type", &type) ||
        !scn_get_string(c, g, w, "value", type != ISAKMP_ID_IPV4_ADDR, &value))
        return false;
    id->type = (uint8_t)type;
    if (type == ISAKMP_ID_IPV4_ADDR) {
        uint32_t a;
        if (!value)
            return true;               /* len 0: the node's own address */
        if (!isakmp_parse_ipv4(value, &a))
            return scn_fail(c, config_setting_get_member(g, "value"), "%s: 'value' is not an IPv4 address", w);
        id->data[0] = (uint8_t)(a >> 24), id->data[1] = (uint8_t)(a >> 16);
        id->data[2] = (uint8_t)(a >> 8), id->data[3] = (uint8_t)a;
        id->len = 4;
        return true;
    }
    size_t n = strlen(value);
    if (n == 0 || n > ISAKMP_ID_MAX)
        return scn_fail(c, config_setting_get_member(g, "value"), "%s: 'value' must be 1 to %d bytes",
                        w, ISAKMP_ID_MAX);
    memcpy(id->data, value, n);
    id->len = (uint16_t)n;
    return true;
}

static bool parse_psk(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      struct isakmp_scn_policy *p)
{
    const char *text = NULL, *hex = NULL;
    if (!scn_get_string(c, g, what, "psk", false, &text) ||
        !scn_get_string(c, g, what, "psk_hex", false, &hex))
        return false;
    if (text && hex)
        return scn_fail(c, config_setting_get_member(g, "psk_hex"), "%s: give 'psk' or 'psk_hex', not both", what);
    if (p->auth != ISAKMP_AUTH_PSK) {
        if (text || hex)
            return scn_fail(c, config_setting_get_member(g, text ? "psk" : "psk_hex"),
                            "%s: a PSK is given but 'auth' is %s", what, isakmp_scn_auth_name(p->auth));
        return true;
    }
    if (!text && !hex)
        return scn_fail(c, g, "%s: auth psk needs the key: 'psk' (text) or 'psk_hex'", what);
    size_t n = text ? strlen(text) : strlen(hex) / 2;
    if (n == 0 || (hex && strlen(hex) % 2))
        return scn_fail(c, config_setting_get_member(g, text ? "psk" : "psk_hex"),
                        "%s: the PSK is empty or has an odd number of hex digits", what);
    if (!(p->psk = scn_calloc(c, n, 1)))
        return false;
    p->psk_len = n;
    if (text) {
        memcpy(p->psk, text, n);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
            return scn_fail(c, config_setting_get_member(g, "psk_hex"), "%s: 'psk_hex' is not hex", what);
        p->psk[i] = (uint8_t)v;
    }
    return true;
}

/* A key file must load with the engine's loader (isakmp/rsa.h: PEM or DER,
 * PKCS#1, PKCS#8, SPKI, X.509); an own key must hold the private half.
 * Checked here so that a bad file is reported with the scenario's line. */
static bool check_key(struct scn_ctx *c, const config_setting_t *at, const char *what,
                      const char *file, bool need_private)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return scn_fail(c, at, "%s: cannot read key file %s", what, file);
    uint8_t buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    bool too_big = n == sizeof buf && fgetc(f) != EOF;
    fclose(f);
    if (too_big)
        return scn_fail(c, at, "%s: key file %s is over 64 KiB", what, file);
    struct isakmp_rsa_key *k = NULL;
    char err[160];
    int rc = isakmp_rsa_key_load(buf, n, &k, err, sizeof err);
    volatile uint8_t *v = buf;          /* may have held a private key */
    for (size_t i = 0; i < n; i++)
        v[i] = 0;
    if (rc != ISAKMP_RSA_OK)
        return scn_fail(c, at, "%s: key file %s: %s", what, file, err[0] ? err : isakmp_rsa_strerror(rc));
    bool priv = isakmp_rsa_key_has_private(k);
    isakmp_rsa_key_free(k);
    if (need_private && !priv)
        return scn_fail(c, at, "%s: key file %s holds no private key (give the node's own "
                        "private key in 'rsa_key', peers' public keys in 'peer_keys')", what, file);
    return true;
}

/* A file name relative to the scenario's folder; malloc'd, NULL on out of memory. */
static char *resolve(struct scn_ctx *c, const char *f)
{
    size_t len = strlen(c->dir ? c->dir : ".") + strlen(f) + 2;
    char *p = malloc(len);
    if (!p) {
        scn_fail(c, NULL, "out of memory");
        return NULL;
    }
    if (f[0] == '/')
        snprintf(p, len, "%s", f);
    else
        snprintf(p, len, "%s/%s", c->dir ? c->dir : ".", f);
    return p;
}

static bool parse_rsa(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      struct isakmp_scn_policy *p)
{
    bool rsa = p->auth != ISAKMP_AUTH_PSK;
    const config_setting_t *key = config_setting_get_member(g, "rsa_key");
    const config_setting_t *peers = config_setting_get_member(g, "peer_keys");
    if (!rsa && (key || peers))
        return scn_fail(c, key ? key : peers, "%s: RSA keys are given but 'auth' is psk", what);
    if (!rsa)
        return true;
    /* Both may also be given per node (nodes then need no policy key);
     * whether every node has what its method needs is checked with the
     * nodes (scn_check_node_keys). */
    if (key) {
        p->rsa_key_line = (int)config_setting_source_line(key);
        if (!scn_get_path(c, g, what, "rsa_key", true, &p->rsa_key) ||
            !check_key(c, key, what, p->rsa_key, true))
            return false;
    }
    if (!peers)
        return true;
    p->peer_keys_line = (int)config_setting_source_line(peers);
    size_t n = (size_t)config_setting_length(peers);
    if (!config_setting_is_array(peers) || n == 0 ||
        config_setting_type(config_setting_get_elem(peers, 0)) != CONFIG_TYPE_STRING)
        return scn_fail(c, peers, "%s: 'peer_keys' must be an array of file names", what);
    if (!(p->peer_keys = scn_calloc(c, n, sizeof *p->peer_keys)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *f = config_setting_get_string_elem(peers, (int)i);
        if (!f || !(p->peer_keys[i] = resolve(c, f)))
            return f ? false : scn_fail(c, peers, "%s: 'peer_keys' must be an array of file names", what);
        p->n_peer_keys = i + 1;
        if (!check_key(c, peers, what, p->peer_keys[i], false))
            return false;
    }
    return true;
}

/* A node's own RSA settings:
 *   rsa_key = "keys/gw.pem";                          its private key
 *   peer_keys = ["keys/laptop.pub", ...];             peers' public keys, each
 *                     belonging to the node whose rsa_key has that public key
 *   peer_keys = ( { peer = "laptop"; key = "keys/other.pub"; }, ... );
 *                     or given to a named peer (e.g. a wrong key, to study failures) */
bool scn_parse_node_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         struct isakmp_scn_node *n)
{
    const config_setting_t *key = config_setting_get_member(g, "rsa_key");
    const config_setting_t *peers = config_setting_get_member(g, "peer_keys");
    const struct isakmp_scn_policy *p = n->policy >= 0 ? &c->s->policies[n->policy] : NULL;
    if ((key || peers) && (!p || p->auth == ISAKMP_AUTH_PSK))
        return scn_fail(c, key ? key : peers, "%s: RSA keys are given but the node's policy %s",
                        what, p ? "uses psk" : "is none");
    if (key) {
        n->rsa_key_line = (int)config_setting_source_line(key);
        if (!scn_get_path(c, g, what, "rsa_key", true, &n->rsa_key) ||
            !check_key(c, key, what, n->rsa_key, true))
            return false;
    }
    if (!peers)
        return true;
    n->peer_keys_line = (int)config_setting_source_line(peers);
    size_t count = (size_t)config_setting_length(peers);
    bool arr = config_setting_is_array(peers), list = config_setting_is_list(peers);
    if ((!arr && !list) || count == 0 || count > 4096 ||
        (arr && config_setting_type(config_setting_get_elem(peers, 0)) != CONFIG_TYPE_STRING))
        return scn_fail(c, peers, "%s: 'peer_keys' must be an array of file names, or a list "
                        "( { peer = \"node\"; key = \"file\"; }, ... )", what);
    if (!(n->peer_keys = scn_calloc(c, count, sizeof *n->peer_keys)) ||
        !(n->peer_key_nodes = scn_calloc(c, count, sizeof *n->peer_key_nodes)))
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *e = config_setting_get_elem(peers, (unsigned)i);
        const char *f = NULL;
        int peer = -1;
        if (arr) {
            f = config_setting_get_string(e);
        } else {
            static const char *const keys[] = { "peer", "key", NULL };
            char ew[160];
            snprintf(ew, sizeof ew, "%s: peer_keys[%zu]", what, i);
            if (!scn_expect_group(c, e, ew) || !scn_check_keys(c, e, ew, keys) ||
                !scn_get_node_ref(c, e, ew, "peer", true, &peer) ||
                !scn_get_string(c, e, ew, "key", true, &f))
                return false;
        }
        if (!(n->peer_keys[i] = resolve(c, f)))
            return false;
        n->peer_key_nodes[i] = peer;
        n->n_peer_keys = i + 1;
        if (!check_key(c, e, what, n->peer_keys[i], false))
            return false;
    }
    return true;
}

/* After all nodes: each IKE node has the private key its method needs. */
bool scn_check_node_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         const struct isakmp_scn_node *n)
{
    const struct isakmp_scn_policy *p = n->policy >= 0 ? &c->s->policies[n->policy] : NULL;
    if (!p || p->auth == ISAKMP_AUTH_PSK)
        return true;
    if (!n->rsa_key && !p->rsa_key)
        return scn_fail(c, g, "%s: policy '%s' uses %s: give the node's private key in "
                        "'rsa_key' (here or in the policy)", what, p->name, isakmp_scn_auth_name(p->auth));
    /* no peer_keys anywhere: the node trusts every other node's rsa_key
     * (the world builder takes their public halves) */
    return true;
}

static bool parse_retransmit(struct scn_ctx *c, const config_setting_t *g, const char *what,
                             struct isakmp_scn_policy *p)
{
    static const char *const keys[] = { "initial", "factor", "cap", "tries", NULL };
    p->retransmit_initial_ns = 1000000000ull;
    p->retransmit_factor = 2;
    p->retransmit_cap_ns = 30000000000ull;
    p->retransmit_tries = 5;
    if (!g)
        return true;
    char w[160];
    snprintf(w, sizeof w, "%s: retransmit", what);
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys) ||
        !scn_get_duration(c, g, w, "initial", false, &p->retransmit_initial_ns) ||
        !scn_get_u32(c, g, w, "factor", false, 1, 16, &p->retransmit_factor) ||
        !scn_get_duration(c, g, w, "cap", false, &p->retransmit_cap_ns) ||
        !scn_get_u32(c, g, w, "tries", false, 1, 100, &p->retransmit_tries))
        return false;
    if (p->retransmit_initial_ns == 0)
        return scn_fail(c, config_setting_get_member(g, "initial"), "%s: 'initial' must be > 0", w);
    if (p->retransmit_cap_ns < p->retransmit_initial_ns)
        return scn_fail(c, config_setting_get_member(g, "cap"), "%s: 'cap' is below 'initial'", w);
    return true;
}

static bool parse_policy(struct scn_ctx *c, const config_setting_t *g, struct isakmp_scn_policy *p)
{
    static const char *const keys[] = { "mode", "auth", "phase1", "phase2", "identity", "psk",
                                        "psk_hex", "rsa_key", "peer_keys", "exponent",
                                        "exponent_bits", "retransmit", NULL };
    char what[128];
    snprintf(what, sizeof what, "policy '%s'", p->name);
    if (!scn_expect_group(c, g, what) || !scn_check_keys(c, g, what, keys))
        return false;
    int mode = 0, exponent = 0;
    unsigned auth = ISAKMP_AUTH_PSK;
    if (!scn_get_enum(c, g, what, "mode", false, mode_names, &mode) ||
        !get_named(c, g, what, "auth", false, auths, "authentication method", &auth) ||
        !scn_get_enum(c, g, what, "exponent", false, exponent_names, &exponent) ||
        !scn_get_u32(c, g, what, "exponent_bits", false, 0, 8192, &p->exponent_bits))
        return false;
    p->mode = (enum isakmp_scn_mode)mode;
    p->auth = (uint16_t)auth;
    p->short_exponent = exponent == 1;
    if (!p->short_exponent && config_setting_get_member(g, "exponent_bits"))
        return scn_fail(c, config_setting_get_member(g, "exponent_bits"),
                        "%s: 'exponent_bits' needs exponent = \"short\"", what);
    if (p->short_exponent && p->exponent_bits && p->exponent_bits < 64)
        return scn_fail(c, config_setting_get_member(g, "exponent_bits"),
                        "%s: 'exponent_bits' must be 0 (group's choice) or >= 64", what);
    const config_setting_t *p1 = config_setting_get_member(g, "phase1");
    if (!p1)
        return scn_fail(c, g, "%s: missing 'phase1'", what);
    if (!scn_parse_proposals(c, p1, what, p->auth, p->p1, &p->n_p1))
        return false;
    if (p->mode == ISAKMP_SCN_AGGRESSIVE)
        for (size_t i = 1; i < p->n_p1; i++)
            if (p->p1[i].group != p->p1[0].group)
                return scn_fail(c, p1, "%s: aggressive mode sends its KE in message 1, so every "
                                "phase-1 proposal must use the same group", what);
    const config_setting_t *p2 = config_setting_get_member(g, "phase2");
    if (p2 && !parse_phase2(c, p2, what, p))
        return false;
    p->identity.type = ISAKMP_ID_IPV4_ADDR;
    const config_setting_t *id = config_setting_get_member(g, "identity");
    if (id && !parse_identity(c, id, what, &p->identity))
        return false;
    return parse_psk(c, g, what, p) && parse_rsa(c, g, what, p) &&
           parse_retransmit(c, config_setting_get_member(g, "retransmit"), what, p);
}

bool scn_parse_policies(struct scn_ctx *c, const config_setting_t *root)
{
    const config_setting_t *pol = config_setting_get_member(root, "policies");
    if (!pol)
        return true;
    if (!scn_expect_group(c, pol, "'policies'"))
        return false;
    size_t count = (size_t)config_setting_length(pol);
    c->s->policies = scn_calloc(c, count, sizeof *c->s->policies);
    if (!c->s->policies)
        return false;
    for (size_t i = 0; i < count; i++) {
        const config_setting_t *g = config_setting_get_elem(pol, (unsigned)i);
        struct isakmp_scn_policy *p = &c->s->policies[i];
        if (!(p->name = scn_strdup(c, config_setting_name(g))))
            return false;
        p->line = (int)config_setting_source_line(g);
        c->s->n_policies = i + 1;
        if (!parse_policy(c, g, p))
            return false;
    }
    return true;
}
