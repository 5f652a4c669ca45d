/* Algorithm names for `isakmp peer` (see peer_proposal.h).  The names
 * follow strongSwan's proposal keywords so that one string configures
 * both sides of an interoperability test. */
#include "peer_proposal.h"

#include <stdio.h>
#include <string.h>

struct name_num {
    const char *name;
    uint16_t value;
    uint16_t bits;
};

/* Phase 1 (RFC 2409 App. A). */
static const struct name_num p1_ciphers[] = {
    {"des", 1, 0}, {"3des", 5, 0}, {"aes", 7, 128}, {"aes128", 7, 128},
    {"aes192", 7, 192}, {"aes256", 7, 256},
};
static const struct name_num p1_hashes[] = {
    {"md5", 1, 0}, {"sha1", 2, 0}, {"sha", 2, 0}, {"sha256", 4, 0}, {"sha2_256", 4, 0},
    {"sha384", 5, 0}, {"sha2_384", 5, 0}, {"sha512", 6, 0}, {"sha2_512", 6, 0},
};
static const struct name_num groups[] = {
    {"modp768", 1, 0}, {"modp1024", 2, 0}, {"modp1536", 5, 0}, {"modp2048", 14, 0},
    {"modp3072", 15, 0}, {"modp4096", 16, 0}, {"modp6144", 17, 0}, {"modp8192", 18, 0},
    {"ecp256", 19, 0}, {"ecp384", 20, 0}, {"ecp521", 21, 0}, {"modp1024s160", 22, 0},
    {"modp2048s224", 23, 0}, {"modp2048s256", 24, 0}, {"ecp192", 25, 0}, {"ecp224", 26, 0},
    {"ecp224bp", 27, 0}, {"ecp256bp", 28, 0}, {"ecp384bp", 29, 0}, {"ecp512bp", 30, 0},
    {"curve25519", 31, 0}, {"x25519", 31, 0}, {"curve448", 32, 0}, {"x448", 32, 0},
};
/* ESP transform IDs (RFC 2407 §4.4.4) and authentication attribute
 * values (§4.5). */
static const struct name_num esp_ciphers[] = {
    {"des", 2, 0}, {"3des", 3, 0}, {"null", 11, 0}, {"aes", 12, 128}, {"aes128", 12, 128},
    {"aes192", 12, 192}, {"aes256", 12, 256},
};
static const struct name_num esp_auths[] = {
    {"md5", 1, 0}, {"sha1", 2, 0}, {"sha", 2, 0}, {"sha256", 5, 0}, {"sha2_256", 5, 0},
    {"sha384", 6, 0}, {"sha2_384", 6, 0}, {"sha512", 7, 0}, {"sha2_512", 7, 0},
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct name_num *find(const struct name_num *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) return &t[i];
    return NULL;
}

static const char *name_of(const struct name_num *t, size_t n, uint16_t v, uint16_t bits)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == v && t[i].bits == bits) return t[i].name;
    return "?";
}

/* Split `text` at sep into tokens of at most 31 chars; returns the count
 * or -1 when a token is empty or too long or there are more than max. */
static int split(const char *text, char sep, char tok[][32], int max)
{
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t')) { p++; len--; }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t')) len--;
        if (len == 0 || len >= 32 || n >= max) return -1;
        memcpy(tok[n], p, len);
        tok[n][len] = 0;
        n++;
        if (!e) break;
        p = e + 1;
    }
    return n;
}

int peer_parse_p1_list(const char *text, uint16_t auth, uint32_t life_seconds,
                       struct isakmp_p1_transform *out, size_t max,
                       char *err, size_t errlen)
{
    char props[16][32];
    int n = split(text, ',', props, 16);
    if (n < 0) {
        snprintf(err, errlen, "bad proposal list \"%s\"", text);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char part[4][32];
        int k = split(props[i], '-', part, 4);
        if (k != 3) {
            snprintf(err, errlen, "phase-1 proposal \"%s\": want CIPHER-HASH-GROUP, "
                     "e.g. aes128-sha1-modp2048", props[i]);
            return -1;
        }
        const struct name_num *c = find(p1_ciphers, N(p1_ciphers), part[0]);
        const struct name_num *h = find(p1_hashes, N(p1_hashes), part[1]);
        const struct name_num *g = find(groups, N(groups), part[2]);
        if (!c || !h || !g) {
            snprintf(err, errlen, "phase-1 proposal \"%s\": unknown %s \"%s\"", props[i],
                     !c ? "cipher" : !h ? "hash" : "group",
                     !c ? part[0] : !h ? part[1] : part[2]);
            return -1;
        }
        if ((size_t)i >= max) {
            snprintf(err, errlen, "more than %zu phase-1 proposals", max);
            return -1;
        }
        memset(&out[i], 0, sizeof out[i]);
        out[i].cipher = c->value;
        out[i].key_bits = c->bits;
        out[i].hash = h->value;
        out[i].group = g->value;
        out[i].auth = auth;
        out[i].life_seconds = life_seconds;
    }
    return n;
}

int peer_parse_p2_list(const char *text, uint16_t encap, uint32_t life_seconds,
                       struct isakmp_p2_proposal *out, size_t max,
                       char *err, size_t errlen)
{
    char props[16][32];
    int n = split(text, ',', props, 16);
    if (n < 0) {
        snprintf(err, errlen, "bad proposal list \"%s\"", text);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char part[4][32];
        int k = split(props[i], '-', part, 4);
        if (k != 2 && k != 3) {
            snprintf(err, errlen, "ESP proposal \"%s\": want CIPHER-INTEG[-GROUP], "
                     "e.g. aes128-sha1 or aes128-sha1-modp2048 (PFS)", props[i]);
            return -1;
        }
        const struct name_num *c = find(esp_ciphers, N(esp_ciphers), part[0]);
        const struct name_num *a = find(esp_auths, N(esp_auths), part[1]);
        const struct name_num *g = k == 3 ? find(groups, N(groups), part[2]) : NULL;
        if (!c || !a || (k == 3 && !g)) {
            snprintf(err, errlen, "ESP proposal \"%s\": unknown %s \"%s\"", props[i],
                     !c ? "cipher" : !a ? "integrity algorithm" : "group",
                     !c ? part[0] : !a ? part[1] : part[2]);
            return -1;
        }
        if ((size_t)i >= max) {
            snprintf(err, errlen, "more than %zu ESP proposals", max);
            return -1;
        }
        memset(&out[i], 0, sizeof out[i]);
        out[i].n_protocols = 1;
        out[i].protocols[0].protocol = ISAKMP_PROTO_ESP;
        out[i].protocols[0].transform = (uint8_t)c->value;
        out[i].protocols[0].key_bits = c->bits;
        out[i].protocols[0].auth = a->value;
        out[i].protocols[0].encap = encap;
        out[i].pfs_group = g ? g->value : 0;
        out[i].life_seconds = life_seconds;
    }
    return n;
}

const char *peer_p1_cipher_name(uint16_t cipher, uint16_t key_bits)
{
    if (cipher == 7 && key_bits == 0) key_bits = 128;
    return name_of(p1_ciphers, N(p1_ciphers), cipher, cipher == 7 ? key_bits : 0);
}
const char *peer_p1_hash_name(uint16_t hash) { return name_of(p1_hashes, N(p1_hashes), hash, 0); }
const char *peer_group_name(uint16_t group)
{
    if (group == 0) return "none";
    return name_of(groups, N(groups), group, 0);
}
const char *peer_auth_method_name(uint16_t auth)
{
    switch (auth) {
    case ISAKMP_AUTH_PSK: return "psk";
    case ISAKMP_AUTH_DSS_SIG: return "dss";
    case ISAKMP_AUTH_RSA_SIG: return "rsasig";
    case ISAKMP_AUTH_RSA_ENC: return "rsaenc";
    case ISAKMP_AUTH_RSA_REV_ENC: return "rsarevenc";
    default: return "?";
    }
}
const char *peer_esp_name(uint8_t transform, uint16_t key_bits)
{
    if (transform == 12 && key_bits == 0) key_bits = 128;
    return name_of(esp_ciphers, N(esp_ciphers), transform, transform == 12 ? key_bits : 0);
}
const char *peer_esp_auth_name(uint16_t auth)
{
    if (auth == 0) return "none";
    return name_of(esp_auths, N(esp_auths), auth, 0);
}

int peer_esp_key_len(uint8_t transform, uint16_t key_bits)
{
    switch (transform) {
    case 2: return 8;
    case 3: return 24;
    case 11: return 0;
    case 12: return key_bits ? key_bits / 8 : 16;
    default: return -1;
    }
}

int peer_esp_auth_key_len(uint16_t auth)
{
    switch (auth) {
    case 0: return 0;
    case 1: return 16;
    case 2: return 20;
    case 5: return 32;
    case 6: return 48;
    case 7: return 64;
    default: return -1;
    }
}

const char *peer_xfrm_enc(uint8_t transform)
{
    switch (transform) {
    case 2: return "cbc(des)";
    case 3: return "cbc(des3_ede)";
    case 11: return "ecb(cipher_null)";
    case 12: return "cbc(aes)";
    default: return NULL;
    }
}

/* IKEv1 SHA2 HMACs in ESP are truncated to half the output (RFC 4868). */
const char *peer_xfrm_auth(uint16_t auth, unsigned *trunc_bits)
{
    switch (auth) {
    case 1: *trunc_bits = 96; return "hmac(md5)";
    case 2: *trunc_bits = 96; return "hmac(sha1)";
    case 5: *trunc_bits = 128; return "hmac(sha256)";
    case 6: *trunc_bits = 192; return "hmac(sha384)";
    case 7: *trunc_bits = 256; return "hmac(sha512)";
    default: *trunc_bits = 0; return NULL;
    }
}

const char *peer_setkey_enc(uint8_t transform)
{
    switch (transform) {
    case 2: return "des-cbc";
    case 3: return "3des-cbc";
    case 11: return "null";
    case 12: return "aes-cbc";
    default: return NULL;
    }
}

const char *peer_setkey_auth(uint16_t auth)
{
    switch (auth) {
    case 1: return "hmac-md5";
    case 2: return "hmac-sha1";
    case 5: return "hmac-sha256";
    case 6: return "hmac-sha384";
    case 7: return "hmac-sha512";
    default: return NULL;
    }
}
