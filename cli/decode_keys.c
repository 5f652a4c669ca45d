/* `isakmp decode --keys TABLE`: IKEv1 decryption from a Wireshark
 * ikev1_decryption_table (see decode_keys.h for the rules followed). */
#include "decode_keys.h"

#include "isakmp/cipher.h"
#include "isakmp/secmem.h"
#include "isakmp/wire.h"

#include <errno.h>
#include <nettle/md5.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 1024
#define MAX_FILE (4u << 20)

struct key_entry {
    uint8_t cky_i[8];
    uint8_t key[ISAKMP_CIPHER_KEY_MAX];
    size_t len;
    unsigned line;
};

/* What phase 1 of one exchange fixed, remembered beyond the history window. */
struct p1_facts {
    bool used;
    unsigned long stamp;
    uint8_t cky_i[8], cky_r[8];
    bool have_sa, have_iv0, have_last;
    uint16_t cipher, key_attr, hash;
    uint8_t iv0[ISAKMP_CIPHER_BLOCK_MAX];      /* hash(g^xi | g^xr), truncated */
    uint8_t last[ISAKMP_CIPHER_BLOCK_MAX];     /* last ciphertext block of phase 1 */
};

struct decode_keys {
    struct key_entry *e;
    size_t n;
    struct p1_facts cache[DECODE_KEYS_CACHE];
    unsigned long clock;
    struct isakmp_message *scratch;            /* ~12 KiB: kept off the stack */
    char why[192];
};

/* ---- the table ------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Trim blanks and one pair of surrounding double quotes, in place. */
static bool field(char *s, char **out, size_t *len)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    if (n && *s == '"') {
        if (n < 2 || s[n - 1] != '"') return false;
        s++, n -= 2;
    }
    *out = s;
    *len = n;
    return true;
}

static bool hex_field(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    if (n == 0 || n % 2 || n / 2 > cap) return false;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *outlen = n / 2;
    return true;
}

static void *fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void *fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

/* One non-blank line; false with err set. */
static bool parse_line(struct decode_keys *k, char *line, unsigned lineno, const char *name,
                       char *err, size_t errlen)
{
    char *comma = strchr(line, ',');
    if (!comma) {
        fail(err, errlen, "%s:%u: expected <CKY-I hex>,<cipher key hex>", name, lineno);
        return false;
    }
    *comma = '\0';
    if (strchr(comma + 1, ',')) {
        fail(err, errlen, "%s:%u: more than two fields", name, lineno);
        return false;
    }
    char *f1, *f2;
    size_t n1, n2, got;
    struct key_entry e = { .line = lineno };
    if (!field(line, &f1, &n1) || !field(comma + 1, &f2, &n2)) {
        fail(err, errlen, "%s:%u: unbalanced double quote", name, lineno);
        return false;
    }
    if (n1 != 16 || !hex_field(f1, n1, e.cky_i, 8, &got)) {
        fail(err, errlen, "%s:%u: the initiator cookie must be 16 hex digits", name, lineno);
        return false;
    }
    if (!hex_field(f2, n2, e.key, sizeof e.key, &e.len)) {
        fail(err, errlen, "%s:%u: the key must be 1 to %d bytes in hex (an even number of hex digits)",
             name, lineno, ISAKMP_CIPHER_KEY_MAX);
        isakmp_wipe(&e, sizeof e);
        return false;
    }
    for (size_t i = 0; i < k->n; i++) {
        if (memcmp(k->e[i].cky_i, e.cky_i, 8) != 0) continue;
        bool same = k->e[i].len == e.len && isakmp_memeq_ct(k->e[i].key, e.key, e.len);
        if (!same)
            fail(err, errlen, "%s:%u: CKY-I %.16s already has another key (line %u)", name, lineno,
                 f1, k->e[i].line);
        isakmp_wipe(&e, sizeof e);
        return same;
    }
    if (k->n == DECODE_KEYS_MAX) {
        fail(err, errlen, "%s:%u: more than %d entries", name, lineno, DECODE_KEYS_MAX);
        isakmp_wipe(&e, sizeof e);
        return false;
    }
    k->e[k->n++] = e;
    isakmp_wipe(&e, sizeof e);
    return true;
}

struct decode_keys *decode_keys_parse(const char *text, size_t len, const char *name, char *err,
                                      size_t errlen)
{
    if (errlen) err[0] = '\0';
    struct decode_keys *k = calloc(1, sizeof *k);
    if (!k || !(k->scratch = malloc(sizeof *k->scratch)) ||
        !(k->e = calloc(DECODE_KEYS_MAX, sizeof *k->e))) {
        decode_keys_free(k);
        return fail(err, errlen, "%s: out of memory", name);
    }
    char line[MAX_LINE + 2];
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = (nl ? (size_t)(nl - text) : len) - pos;
        if (n > MAX_LINE) {
            decode_keys_free(k);
            return fail(err, errlen, "%s:%u: line longer than %d bytes", name, lineno, MAX_LINE);
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n + (nl != NULL);
        if (n && line[n - 1] == '\r') line[--n] = '\0';
        if (memchr(line, '\0', n)) {
            decode_keys_free(k);
            return fail(err, errlen, "%s:%u: NUL byte", name, lineno);
        }
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '\0' || *s == '#') continue;
        bool ok = parse_line(k, s, lineno, name, err, errlen);
        isakmp_wipe(line, sizeof line);
        if (!ok) {
            decode_keys_free(k);
            return NULL;
        }
    }
    isakmp_wipe(line, sizeof line);
    return k;
}

struct decode_keys *decode_keys_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) return fail(err, errlen, "%s: %s", path, strerror(errno));
    char *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    bool rerr = ferror(f);
    fclose(f);
    if (!buf) return fail(err, errlen, "%s: out of memory", path);
    struct decode_keys *k = NULL;
    if (rerr) fail(err, errlen, "%s: read error", path);
    else if (n > MAX_FILE) fail(err, errlen, "%s: larger than %u bytes", path, MAX_FILE);
    else k = decode_keys_parse(buf, n, path, err, errlen);
    isakmp_free_secret(buf, MAX_FILE + 1);
    return k;
}

void decode_keys_free(struct decode_keys *k)
{
    if (!k) return;
    if (k->e) isakmp_free_secret(k->e, DECODE_KEYS_MAX * sizeof *k->e);
    free(k->scratch);
    isakmp_free_secret(k, sizeof *k);
}

size_t decode_keys_count(const struct decode_keys *k)
{
    return k ? k->n : 0;
}

const uint8_t *decode_keys_find(const struct decode_keys *k, const uint8_t cky_i[8], size_t *len)
{
    for (size_t i = 0; k && i < k->n; i++) {
        if (memcmp(k->e[i].cky_i, cky_i, 8) == 0) {
            *len = k->e[i].len;
            return k->e[i].key;
        }
    }
    return NULL;
}

const char *decode_keys_why(const struct decode_keys *k)
{
    return k ? k->why : "";
}

/* ---- deriving the IV ------------------------------------------------- */

static bool why(struct decode_keys *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool why(struct decode_keys *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->why, sizeof k->why, fmt, ap);
    va_end(ap);
    return false;
}

/* RFC 2409 App. A hash numbers -> Nettle.  (Nettle directly rather than
 * isakmp/prf.h: prf.h and wire.h both define struct isakmp_bytes today,
 * see notes/requests.md, so no file may include both.) */
static const struct nettle_hash *hash_of(uint16_t id)
{
    switch (id) {
    case ISAKMP_HASH_MD5: return &nettle_md5;
    case ISAKMP_HASH_SHA1: return &nettle_sha1;
    case ISAKMP_HASH_SHA2_256: return &nettle_sha256;
    case ISAKMP_HASH_SHA2_384: return &nettle_sha384;
    case ISAKMP_HASH_SHA2_512: return &nettle_sha512;
    default: return NULL;
    }
}

/* out[0..bs) = hash(a | b) truncated; false when the digest is shorter. */
static bool hash2(uint16_t hash, const uint8_t *a, size_t al, const uint8_t *b, size_t bl,
                  uint8_t *out, size_t bs)
{
    const struct nettle_hash *h = hash_of(hash);
    union {
        struct md5_ctx md5;
        struct sha1_ctx sha1;
        struct sha256_ctx sha256;
        struct sha512_ctx sha512;
    } ctx;
    uint8_t d[SHA512_DIGEST_SIZE];
    if (!h || h->digest_size < bs || h->context_size > sizeof ctx) return false;
    h->init(&ctx);
    h->update(&ctx, al, a);
    h->update(&ctx, bl, b);
    h->digest(&ctx, h->digest_size, d);
    memcpy(out, d, bs);
    return true;
}

static struct p1_facts *facts_for(struct decode_keys *k, const struct isakmp_header *hdr)
{
    struct p1_facts *victim = &k->cache[0];
    for (size_t i = 0; i < DECODE_KEYS_CACHE; i++) {
        struct p1_facts *f = &k->cache[i];
        if (f->used && !memcmp(f->cky_i, hdr->cky_i, 8) && !memcmp(f->cky_r, hdr->cky_r, 8)) {
            f->stamp = ++k->clock;
            return f;
        }
        if (!f->used || (victim->used && f->stamp < victim->stamp)) victim = f;
    }
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    memcpy(victim->cky_i, hdr->cky_i, 8);
    memcpy(victim->cky_r, hdr->cky_r, 8);
    victim->stamp = ++k->clock;
    return victim;
}

/* The chosen transform: first transform of the first proposal. */
static bool chosen_transform(const struct isakmp_payload *sa, struct p1_facts *f)
{
    struct isakmp_iter pi = isakmp_proposals(&sa->u.sa);
    struct isakmp_proposal prop;
    struct isakmp_transform t;
    if (isakmp_next_proposal(&pi, &prop) != 1) return false;
    struct isakmp_iter ti = isakmp_transforms(&prop);
    if (isakmp_next_transform(&ti, &t) != 1) return false;
    struct isakmp_attr a;
    f->cipher = isakmp_attr_find(t.attrs, ISAKMP_IKE_ENCRYPTION, &a) == 1 ? (uint16_t)a.value : 0;
    f->hash = isakmp_attr_find(t.attrs, ISAKMP_IKE_HASH, &a) == 1 ? (uint16_t)a.value : 0;
    f->key_attr = isakmp_attr_find(t.attrs, ISAKMP_IKE_KEY_LENGTH, &a) == 1 && a.value_fits &&
                  a.value <= 0xffff ? (uint16_t)a.value : 0;
    f->have_sa = true;
    return true;
}

struct chain {                  /* what the history says before the current message */
    const uint8_t *ke[2];
    size_t ke_len[2];
    size_t n_ke;
    const uint8_t *last_p1;     /* last block of the latest new phase-1 ciphertext */
    const uint8_t *last_mid;    /* same, for the current Message ID */
};

/* The ISAKMP message in a record: header length, without trailing bytes. */
static size_t msg_len(const struct decode_record *r)
{
    if (r->len < ISAKMP_HDR_LEN) return r->len;
    uint32_t l = isakmp_get32(r->bytes + 24);
    return l < r->len ? l : r->len;
}

/* Same bytes (header with cookies, M-ID and length, then the ciphertext):
 * a retransmission. */
static bool same_message(const struct decode_record *a, const struct decode_record *b)
{
    size_t la = msg_len(a);
    return la == msg_len(b) && memcmp(a->bytes, b->bytes, la) == 0;
}

/* Walk the history up to the first copy of the current message. */
static void walk(struct decode_keys *k, const struct decode_history *h,
                 const struct isakmp_message *m, struct p1_facts *f, size_t bs, struct chain *c)
{
    static const uint8_t zero[8];
    struct decode_record cur = { 0, m->raw.p, m->raw.len };
    bool sa_seen = false;
    memset(c, 0, sizeof *c);
    for (size_t i = 0; h && i < h->n; i++) {
        const struct decode_record *r = &h->msgs[i];
        if (same_message(r, &cur)) break;
        struct isakmp_message *x = k->scratch;
        int rc = isakmp_decode(r->bytes, r->len, ISAKMP_DECODE_ALLOW_UNKNOWN | ISAKMP_DECODE_ALLOW_TRAILING, x);
        if (rc != 0 || memcmp(x->hdr.cky_i, m->hdr.cky_i, 8) != 0) continue;
        bool r_zero = memcmp(x->hdr.cky_r, zero, 8) == 0;
        if (!r_zero && memcmp(x->hdr.cky_r, m->hdr.cky_r, 8) != 0) continue;
        if (!x->encrypted) {
            if (x->hdr.msgid != 0) continue;
            const struct isakmp_payload *sa = isakmp_msg_find(x, ISAKMP_PL_SA, 0);
            if (sa && !r_zero && !sa_seen) sa_seen = chosen_transform(sa, f);
            const struct isakmp_payload *ke = isakmp_msg_find(x, ISAKMP_PL_KE, 0);
            if (ke && c->n_ke < 2 &&
                !(c->n_ke == 1 && ke->u.data.len == c->ke_len[0] &&
                  memcmp(ke->u.data.p, c->ke[0], c->ke_len[0]) == 0)) {
                c->ke[c->n_ke] = ke->u.data.p;
                c->ke_len[c->n_ke++] = ke->u.data.len;
            }
            continue;
        }
        /* An encrypted message: counts for the chain only when new. */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) seen = same_message(&h->msgs[j], r);
        if (seen || x->body.len < bs || x->body.len % bs) continue;
        const uint8_t *last = x->body.p + x->body.len - bs;
        if (x->hdr.msgid == 0) c->last_p1 = last;
        else if (x->hdr.msgid == m->hdr.msgid) c->last_mid = last;
    }
}

static void hexstr(const uint8_t *b, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) out[2 * i] = d[b[i] >> 4], out[2 * i + 1] = d[b[i] & 15];
    out[2 * n] = '\0';
}

/* ---- the plaintext check --------------------------------------------- */

/* A decrypted body must begin with a chain of generic payload headers that
 * ends inside it; with a wrong key this fails (RESERVED, type and length
 * all have to fit), so garbage is never handed to the decoder. */
static bool plausible_chain(uint8_t first, const uint8_t *p, size_t len)
{
    uint8_t type = first;
    size_t off = 0;
    for (unsigned n = 0; type != ISAKMP_PL_NONE; n++) {
        if (n == ISAKMP_WIRE_MAX_PAYLOADS || len - off < ISAKMP_GEN_HDR_LEN) return false;
        if (!isakmp_reg_name(ISAKMP_REG_PAYLOAD, type)) return false;
        uint16_t plen = isakmp_get16(p + off + 2);
        if (p[off + 1] != 0 || plen < ISAKMP_GEN_HDR_LEN || plen > len - off) return false;
        type = p[off];
        off += plen;
    }
    return true;
}

/* ---- decrypt --------------------------------------------------------- */

bool decode_keys_decrypt(struct decode_keys *k, const struct decode_history *h,
                         const struct isakmp_message *m, uint8_t *out, size_t cap, size_t *out_len)
{
    char hex[2 * ISAKMP_CIPHER_BLOCK_MAX + 1];
    k->why[0] = '\0';
    if (!m->encrypted) return why(k, "not encrypted");
    size_t key_len = 0;
    const uint8_t *key = decode_keys_find(k, m->hdr.cky_i, &key_len);
    if (!key) {
        hexstr(m->hdr.cky_i, 8, hex);
        return why(k, "no key for CKY-I %s in the table", hex);
    }
    struct p1_facts *f = facts_for(k, &m->hdr);
    struct chain c;
    walk(k, h, m, f, 1, &c);     /* first pass: the SA (and so the block size) */
    if (!f->have_sa) return why(k, "the chosen SA (phase-1 message 2) is not in the capture");
    const struct isakmp_cipher_desc *cd = isakmp_cipher_find(f->cipher);
    if (!hash_of(f->hash)) return why(k, "hash algorithm %u not supported", f->hash);
    if (!cd) return why(k, "encryption algorithm %u not supported", f->cipher);
    size_t need = 0, bs = cd->block_size;
    int st = isakmp_cipher_key_len(f->cipher, f->key_attr, &need);
    if (st != ISAKMP_CIPHER_OK) return why(k, "chosen SA: %s", isakmp_cipher_strerror(st));
    if (need != key_len)
        return why(k, "the table's key has %zu bytes, %s with this SA needs %zu", key_len, cd->name, need);
    walk(k, h, m, f, bs, &c);    /* second pass: KE payloads and the chain at this block size */
    if (c.n_ke == 2 && hash2(f->hash, c.ke[0], c.ke_len[0], c.ke[1], c.ke_len[1], f->iv0, bs))
        f->have_iv0 = true;
    if (c.last_p1) {
        memcpy(f->last, c.last_p1, bs);
        f->have_last = true;
    }
    uint8_t iv[ISAKMP_CIPHER_BLOCK_MAX];
    if (m->hdr.msgid == 0) {
        if (c.last_p1) memcpy(iv, c.last_p1, bs);
        else if (f->have_iv0) memcpy(iv, f->iv0, bs);
        else return why(k, "the KE payloads of phase 1 are not both in the capture");
    } else if (c.last_mid) {
        memcpy(iv, c.last_mid, bs);
    } else {
        const uint8_t *base = c.last_p1 ? c.last_p1 : f->have_last ? f->last : f->have_iv0 ? f->iv0 : NULL;
        if (!base) return why(k, "phase 1 of this exchange is not in the capture");
        uint8_t mid[4];
        isakmp_put32(mid, m->hdr.msgid);
        if (!hash2(f->hash, base, bs, mid, 4, iv, bs)) return why(k, "hash shorter than the block");
    }
    size_t len = m->body.len;
    if (len == 0 || len % bs) return why(k, "ciphertext of %zu bytes is not a multiple of the %zu-byte block", len, bs);
    if (len > cap) return why(k, "ciphertext larger than the output buffer");
    st = isakmp_cbc_decrypt(f->cipher, key, key_len, iv, bs, m->body.p, out, len);
    isakmp_wipe(iv, sizeof iv);
    if (st != ISAKMP_CIPHER_OK) return why(k, "%s: %s", cd->name, isakmp_cipher_strerror(st));
    if (!plausible_chain(m->hdr.next_payload, out, len)) {
        isakmp_wipe(out, len);
        return why(k, "the plaintext is not a payload chain (wrong key?)");
    }
    *out_len = len;
    return true;
}

/* ---- the hook of cmd_decode.h ----------------------------------------- */

static void *hook_open(const char *arg, char *err, size_t errlen)
{
    return decode_keys_load(arg, err, errlen);
}

static bool hook_decrypt(void *state, const struct decode_history *h, const struct isakmp_message *m,
                         unsigned frame, uint8_t *out, size_t cap, size_t *out_len)
{
    (void)frame;
    return decode_keys_decrypt(state, h, m, out, cap, out_len);
}

const char *cli_decode_decrypt_why(void *state)
{
    return decode_keys_why(state);
}

static void hook_close(void *state)
{
    decode_keys_free(state);
}

const struct decode_decryptor cli_decode_decryptor = {
    .option = "--keys",
    .help = "  --keys TABLE     decrypt IKEv1 messages with a Wireshark ikev1_decryption_table\n"
            "                   file: lines \"<CKY-I hex>,<cipher key hex>\" (fields may be\n"
            "                   quoted; '#' comments). The IV chain is followed through\n"
            "                   phase 1, Quick Mode and Informational exchanges.\n",
    .open = hook_open,
    .decrypt = hook_decrypt,
    .close = hook_close,
};
