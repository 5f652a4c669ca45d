/* isakmp keys: the IKEv1 key schedule from inputs given in hex, every
 * intermediate printed as "NAME = hex" so it can be compared with
 * another implementation, a paper, or Wireshark. */
#include "cli.h"

#include "keys_crack.h"

#include "isakmp/cipher.h"
#include "isakmp/keyschedule.h"
#include "isakmp/prf.h"
#include "isakmp/registry.h"
#include "isakmp/secmem.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUB "keys"
#define HEX_MAX 4096            /* bytes per hex option: a MODP-8192 value is 1024 */

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp keys --auth METHOD --hash HASH --cipher CIPHER\n"
        "                   --ni HEX --nr HEX --gxy HEX --cky-i HEX --cky-r HEX\n"
        "                   [--psk HEX | --psk-text STRING] [--gxi HEX --gxr HEX]\n"
        "                   [--sai HEX] [--idii HEX] [--idir HEX] [--msgid HEX [--last-block HEX]]\n"
        "                   [--protocol P --spi HEX --qm-ni HEX --qm-nr HEX [--gqm HEX]\n"
        "                    [--keymat-len N]] [--key-length BITS] [--wireshark]\n"
        "       isakmp keys --crack-psk WORDLIST --hash HASH --ni HEX --nr HEX\n"
        "                   --gxi HEX --gxr HEX --cky-i HEX --cky-r HEX --sai HEX\n"
        "                   --idir HEX --hash-r HEX\n"
        "\n"
        "Computes the IKEv1 key schedule (RFC 2409 section 5 and Appendix B) from\n"
        "the given inputs and prints every intermediate as 'NAME = hex'.\n"
        "\n"
        "algorithms:\n"
        "  --auth METHOD     psk, sig (RSA or DSS signatures), pke (public-key\n"
        "                    encryption) or rpke (revised public-key encryption)\n"
        "  --hash HASH       md5, sha1, sha256, sha384, sha512 (the PRF is its HMAC);\n"
        "                    --prf is a synonym\n"
        "  --cipher CIPHER   des, 3des, aes128, aes192, aes256, blowfish[-BITS],\n"
        "                    cast128[-BITS]\n"
        "  --key-length BITS the Key-Length attribute, overriding the one the cipher\n"
        "                    name implies\n"
        "\n"
        "phase-1 inputs (HEX: hex digits; ':' and spaces are ignored, 0x allowed):\n"
        "  --psk HEX, --psk-text STRING   the pre-shared key (psk only)\n"
        "  --ni HEX, --nr HEX             nonce payload bodies Ni_b, Nr_b\n"
        "  --gxy HEX                      the Diffie-Hellman shared secret g^xy at its full\n"
        "                                 length (keep leading zero bytes)\n"
        "  --gxi HEX, --gxr HEX           the public values: phase-1 IV and HASH_I/HASH_R\n"
        "  --cky-i HEX, --cky-r HEX       the 8-byte cookies\n"
        "  --sai HEX                      SAi_b, the initiator's SA payload body\n"
        "  --idii HEX, --idir HEX         IDii_b / IDir_b: with --sai, --gxi and --gxr\n"
        "                                 give HASH_I / HASH_R\n"
        "\n"
        "phase 2 and Informational:\n"
        "  --msgid HEX                    a 4-byte message ID: prints its IV (IV_MSGID)\n"
        "                                 and, with the inputs below, the hashes of that\n"
        "                                 exchange (all prf(SKEYID_a, M-ID | ...))\n"
        "  --last-block HEX               the last CBC block of phase 1 (default: the\n"
        "                                 phase-1 IV, i.e. no encrypted message yet)\n"
        "  --protocol P                   esp, ah, ipcomp or a number: with --spi,\n"
        "                                 --qm-ni and --qm-nr prints KEYMAT\n"
        "  --spi HEX                      the SPI (4 bytes; 2 for an IPCOMP CPI)\n"
        "  --qm-ni HEX, --qm-nr HEX       the Quick Mode nonce bodies\n"
        "  --gqm HEX                      g(qm)^xy for KEYMAT with PFS\n"
        "  --keymat-len N                 KEYMAT bytes (default 2 PRF outputs, max 512)\n"
        "  --qm1-rest HEX                 Quick Mode message 1 after its HASH payload\n"
        "                                 (SA, Ni, [KE], [IDci, IDcr], whole payloads):\n"
        "                                 prints QM_HASH1\n"
        "  --qm2-rest HEX                 message 2 after its HASH payload, with --qm-ni:\n"
        "                                 prints QM_HASH2 = prf(SKEYID_a, M-ID | Ni_b | rest)\n"
        "                                 (--msgid with --qm-ni and --qm-nr also prints\n"
        "                                 QM_HASH3 = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b))\n"
        "  --info-payloads HEX            the Notification/Delete payload(s) of an\n"
        "                                 Informational exchange, generic header included:\n"
        "                                 prints INFO_HASH1\n"
        "  --ngm-sa HEX                   the SA payload of a New Group Mode message:\n"
        "                                 prints NGM_HASH\n"
        "\n"
        "dictionary attack on a pre-shared key (Aggressive Mode, RFC 2409 5.4):\n"
        "  --crack-psk WORDLIST           try every line of WORDLIST ('-': stdin) as the\n"
        "                                 PSK: SKEYID = prf(PSK, Ni_b | Nr_b), then\n"
        "                                 HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I |\n"
        "                                 SAi_b | IDir_b), compared with --hash-r; all of\n"
        "                                 these are in clear in messages 1 and 2.  One\n"
        "                                 process, two PRF calls per word.  A line is the\n"
        "                                 whole key (without its \\n or \\r\\n); empty lines\n"
        "                                 are skipped, lines over 1024 bytes or holding a\n"
        "                                 NUL byte are skipped and named on stderr.\n"
        "  --hash-r HEX                   the HASH_R payload body of message 2\n"
        "  The other inputs as above (--auth, if given, must be psk).  Prints\n"
        "  'FOUND <psk>' or 'NOT FOUND', then 'tried N words (...), skipped K lines';\n"
        "  the rate (words/s) on stderr.  Exit status 0 found, 1 not found, 2 bad\n"
        "  usage or unreadable WORDLIST.  scripts/am-psk-crack extracts the values\n"
        "  from a capture and calls this.\n"
        "\n"
        "output:\n"
        "  --wireshark       print only the ikev1_decryption_table line 'CKY-I,key'\n"
        "                    (tshark -o \"uat:ikev1_decryption_table:LINE\")\n"
        "\n"
        "Printed names: SKEYID, SKEYID_d, SKEYID_a, SKEYID_e, CIPHER_KEY, IV_PHASE1,\n"
        "HASH_I, HASH_R, IV_MSGID (the IV of a phase-2 or Informational exchange),\n"
        "QM_HASH1, QM_HASH2, QM_HASH3, INFO_HASH1, NGM_HASH, KEYMAT, and for rpke\n"
        "NE_I_KEY and NE_R_KEY (the symmetric keys of RFC 2409 section 5.3).\n"
        "\n"
        "example:\n"
        "  isakmp keys --auth psk --hash sha1 --cipher aes128 --psk-text secret \\\n"
        "      --ni 4654fdd74594982a --nr 3673e649... --gxi ... --gxr ... --gxy ... \\\n"
        "      --cky-i 7116900aa5c2880d --cky-r 047ad6f8b3d0abb7\n"
        "\n"
        "  (the example's key is text; ../shared/vectors/ikev1_session_chains.json\n"
        "  gives its \"psk\" as text too: use --psk-text there, --psk for hex keys)\n"
        "\n"
        "exit status (without --crack-psk): 0 success, 1 the schedule failed (e.g. a\n"
        "weak DES key),\n"
        "2 bad usage (missing option, bad hex, unknown algorithm).\n");
}

/* A decoded hex option. */
struct blob {
    uint8_t *p;
    size_t len;
    bool set;
};

struct opts {
    const char *auth, *hash, *cipher, *key_length, *psk_text, *protocol, *keymat_len, *crack;
    struct blob psk, ni, nr, gxi, gxr, gxy, cky_i, cky_r, sai, idii, idir, msgid, last_block,
        spi, qm_ni, qm_nr, gqm, hash_r, qm1_rest, qm2_rest, info_payloads, ngm_sa;
    bool wireshark;
};

static int hexdigit(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode hex into b; on error print which option and why (exit 2). */
static int parse_hex(const char *opt, const char *s, struct blob *b)
{
    if (b->set) return cli_usage_error(SUB, "%s given twice", opt);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t digits = 0;
    for (const char *c = s; *c; c++) {
        if (*c == ':' || *c == ' ') continue;
        if (hexdigit((unsigned char)*c) < 0)
            return cli_usage_error(SUB, "%s: '%c' at position %zu is not a hex digit", opt, *c,
                                   (size_t)(c - s) + 1);
        digits++;
    }
    if (digits == 0) return cli_usage_error(SUB, "%s: empty value", opt);
    if (digits % 2) return cli_usage_error(SUB, "%s: odd number of hex digits (%zu)", opt, digits);
    if (digits / 2 > HEX_MAX)
        return cli_usage_error(SUB, "%s: longer than %d bytes", opt, HEX_MAX);
    b->p = malloc(digits / 2);
    if (!b->p) return cli_usage_error(SUB, "%s: out of memory", opt);
    size_t n = 0;
    int hi = -1;
    for (const char *c = s; *c; c++) {
        int v = hexdigit((unsigned char)*c);
        if (v < 0) continue;
        if (hi < 0) hi = v;
        else {
            b->p[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    b->len = n;
    b->set = true;
    return CLI_OK;
}

static void free_blobs(struct opts *o)
{
    struct blob *all[] = { &o->psk, &o->ni, &o->nr, &o->gxi, &o->gxr, &o->gxy, &o->cky_i,
                           &o->cky_r, &o->sai, &o->idii, &o->idir, &o->msgid, &o->last_block,
                           &o->spi, &o->qm_ni, &o->qm_nr, &o->gqm, &o->hash_r, &o->qm1_rest,
                           &o->qm2_rest, &o->info_payloads, &o->ngm_sa };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        isakmp_free_secret(all[i]->p, all[i]->len);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    const struct { const char *name; size_t hex_off; const char **text; } table[] = {
#define HEXOPT(n, f) { n, offsetof(struct opts, f), NULL }
#define TXTOPT(n, f) { n, 0, &o->f }
        TXTOPT("--auth", auth), TXTOPT("--hash", hash), TXTOPT("--prf", hash),
        TXTOPT("--cipher", cipher), TXTOPT("--key-length", key_length),
        TXTOPT("--psk-text", psk_text), TXTOPT("--protocol", protocol),
        TXTOPT("--keymat-len", keymat_len), TXTOPT("--crack-psk", crack),
        HEXOPT("--psk", psk), HEXOPT("--ni", ni), HEXOPT("--nr", nr), HEXOPT("--gxi", gxi),
        HEXOPT("--gxr", gxr), HEXOPT("--gxy", gxy), HEXOPT("--cky-i", cky_i),
        HEXOPT("--cky-r", cky_r), HEXOPT("--sai", sai), HEXOPT("--idii", idii),
        HEXOPT("--idir", idir), HEXOPT("--msgid", msgid), HEXOPT("--last-block", last_block),
        HEXOPT("--spi", spi), HEXOPT("--qm-ni", qm_ni), HEXOPT("--qm-nr", qm_nr),
        HEXOPT("--gqm", gqm), HEXOPT("--hash-r", hash_r), HEXOPT("--qm1-rest", qm1_rest),
        HEXOPT("--qm2-rest", qm2_rest), HEXOPT("--info-payloads", info_payloads),
        HEXOPT("--ngm-sa", ngm_sa),
#undef HEXOPT
#undef TXTOPT
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--wireshark") == 0) {
            o->wireshark = true;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        size_t t;
        for (t = 0; t < sizeof table / sizeof table[0]; t++)
            if (strlen(table[t].name) == name_len && strncmp(arg, table[t].name, name_len) == 0)
                break;
        if (t == sizeof table / sizeof table[0])
            return cli_usage_error(SUB, "unknown option '%.*s'", (int)name_len, arg);
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (i + 1 >= argc) return cli_usage_error(SUB, "%s needs a value", table[t].name);
            value = argv[++i];
        }
        if (table[t].text) {
            if (*table[t].text) return cli_usage_error(SUB, "%s given twice", table[t].name);
            *table[t].text = value;
        } else {
            int st = parse_hex(table[t].name, value, (struct blob *)((char *)o + table[t].hex_off));
            if (st) return st;
        }
    }
    return CLI_OK;
}

static void print_hex(const char *name, const uint8_t *p, size_t n)
{
    printf("%s = ", name);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    putchar('\n');
}

static int require(const struct blob *b, const char *opt, const char *why)
{
    if (b->set) return CLI_OK;
    return cli_usage_error(SUB, "missing %s (%s)", opt, why);
}

static int parse_number(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!s[0] || !isdigit((unsigned char)s[0])) return cli_usage_error(SUB, "%s: '%s' is not a number", opt, s);
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > max) return cli_usage_error(SUB, "%s: '%s' is not a number up to %lu", opt, s, max);
    *out = v;
    return CLI_OK;
}

static int parse_protocol(const char *s, uint8_t *out)
{
    if (!strcasecmp(s, "esp")) *out = ISAKMP_PROTO_ESP;
    else if (!strcasecmp(s, "ah")) *out = ISAKMP_PROTO_AH;
    else if (!strcasecmp(s, "ipcomp")) *out = ISAKMP_PROTO_IPCOMP;
    else {
        unsigned long v;
        int st = parse_number("--protocol", s, 255, &v);
        if (st) return st;
        *out = (uint8_t)v;
    }
    return CLI_OK;
}

static int failed(const char *what, int st)
{
    fprintf(stderr, "isakmp keys: %s: %s\n", what, isakmp_ks_strerror(st));
    return CLI_FAILED;
}

/* --crack-psk: the dictionary attack (keys_crack.c) on the given values. */
static int crack(struct opts *o)
{
    if (o->auth && strcasecmp(o->auth, "psk"))
        return cli_usage_error(SUB, "--crack-psk: only --auth psk has a key to guess");
    const struct { bool given; const char *name; } unused[] = {
        { o->psk.set || o->psk_text, "--psk/--psk-text (the key is what is searched)" },
        { o->gxy.set, "--gxy" }, { o->idii.set, "--idii" }, { o->msgid.set, "--msgid" },
        { o->last_block.set, "--last-block" }, { o->protocol || o->spi.set, "--protocol/--spi" },
        { o->qm_ni.set || o->qm_nr.set || o->gqm.set || o->keymat_len, "Quick Mode options" },
        { o->wireshark, "--wireshark" }, { o->cipher || o->key_length, "--cipher/--key-length" },
    };
    for (size_t i = 0; i < sizeof unused / sizeof unused[0]; i++)
        if (unused[i].given)
            return cli_usage_error(SUB, "--crack-psk does not use %s", unused[i].name);
    if (!o->hash) return cli_usage_error(SUB, "missing --hash (md5, sha1, sha256, sha384, sha512)");
    const struct isakmp_hash_desc *h = isakmp_hash_by_name(o->hash);
    if (!h) return cli_usage_error(SUB, "--hash: unknown hash '%s'", o->hash);
    int st;
    if ((st = require(&o->ni, "--ni", "Ni_b of message 1"))) return st;
    if ((st = require(&o->nr, "--nr", "Nr_b of message 2"))) return st;
    if ((st = require(&o->gxi, "--gxi", "g^xi of message 1"))) return st;
    if ((st = require(&o->gxr, "--gxr", "g^xr of message 2"))) return st;
    if ((st = require(&o->cky_i, "--cky-i", "the initiator cookie"))) return st;
    if ((st = require(&o->cky_r, "--cky-r", "the responder cookie"))) return st;
    if ((st = require(&o->sai, "--sai", "SAi_b, the SA payload body of message 1"))) return st;
    if ((st = require(&o->idir, "--idir", "IDir_b, the ID payload body of message 2"))) return st;
    if ((st = require(&o->hash_r, "--hash-r", "HASH_R of message 2"))) return st;
    if (o->cky_i.len != 8)
        return cli_usage_error(SUB, "--cky-i: a cookie is 8 bytes (16 hex digits), got %zu", o->cky_i.len);
    if (o->cky_r.len != 8)
        return cli_usage_error(SUB, "--cky-r: a cookie is 8 bytes (16 hex digits), got %zu", o->cky_r.len);
    struct keys_crack_input in = {
        .hash = h->id,
        .ni_b = ISAKMP_BYTES(o->ni.p, o->ni.len), .nr_b = ISAKMP_BYTES(o->nr.p, o->nr.len),
        .gxi = ISAKMP_BYTES(o->gxi.p, o->gxi.len), .gxr = ISAKMP_BYTES(o->gxr.p, o->gxr.len),
        .sai_b = ISAKMP_BYTES(o->sai.p, o->sai.len), .idir_b = ISAKMP_BYTES(o->idir.p, o->idir.len),
        .hash_r = ISAKMP_BYTES(o->hash_r.p, o->hash_r.len),
    };
    memcpy(in.cky_i, o->cky_i.p, 8);
    memcpy(in.cky_r, o->cky_r.p, 8);
    return keys_crack_psk(o->crack, &in);
}

/* Everything after option parsing; o is valid. */
/* The hashes of the exchange with message ID --msgid (RFC 2409 §5.5-5.7). */
static int message_hashes(const struct opts *o, const struct isakmp_hash_desc *h,
                          const struct isakmp_ks_phase1 *ks, uint8_t *out)
{
    struct isakmp_bytes ni = ISAKMP_BYTES(o->qm_ni.p, o->qm_ni.len);
    struct isakmp_bytes nr = ISAKMP_BYTES(o->qm_nr.p, o->qm_nr.len);
    int st;
    if (o->qm1_rest.set) {
        struct isakmp_bytes rest = ISAKMP_BYTES(o->qm1_rest.p, o->qm1_rest.len);
        if ((st = isakmp_ks_qm_hash1(h->id, ks->skeyid_a, o->msgid.p, &rest, 1, out)))
            return failed("QM HASH(1)", st);
        print_hex("QM_HASH1", out, h->digest_size);
    }
    if (o->qm2_rest.set) {
        struct isakmp_bytes rest = ISAKMP_BYTES(o->qm2_rest.p, o->qm2_rest.len);
        if ((st = isakmp_ks_qm_hash2(h->id, ks->skeyid_a, o->msgid.p, ni, &rest, 1, out)))
            return failed("QM HASH(2)", st);
        print_hex("QM_HASH2", out, h->digest_size);
    }
    if (o->qm_ni.set && o->qm_nr.set) {
        if ((st = isakmp_ks_qm_hash3(h->id, ks->skeyid_a, o->msgid.p, ni, nr, out)))
            return failed("QM HASH(3)", st);
        print_hex("QM_HASH3", out, h->digest_size);
    }
    if (o->info_payloads.set) {
        struct isakmp_bytes pl = ISAKMP_BYTES(o->info_payloads.p, o->info_payloads.len);
        if ((st = isakmp_ks_info_hash(h->id, ks->skeyid_a, o->msgid.p, &pl, 1, out)))
            return failed("Informational HASH(1)", st);
        print_hex("INFO_HASH1", out, h->digest_size);
    }
    if (o->ngm_sa.set) {
        if ((st = isakmp_ks_ngm_hash(h->id, ks->skeyid_a, o->msgid.p,
                                     ISAKMP_BYTES(o->ngm_sa.p, o->ngm_sa.len), out)))
            return failed("New Group Mode HASH", st);
        print_hex("NGM_HASH", out, h->digest_size);
    }
    return 0;
}

/* Compute and print the schedule; secrets stay in *ks and out (and in
 * locals wiped here) for the caller to wipe on every path. */
static int print_schedule(const struct opts *o, const struct isakmp_ks_phase1_input *in,
                          const struct isakmp_hash_desc *h, const struct isakmp_cipher_desc *c,
                          uint16_t key_bits, bool keymat, uint8_t protocol,
                          unsigned long keymat_len, struct isakmp_ks_phase1 *ks, uint8_t *out)
{
    uint16_t auth = in->auth;
    int st;
    if (auth == ISAKMP_AUTH_PSK)
        st = isakmp_ks_skeyid_psk(h->id, in->psk, in->ni_b, in->nr_b, ks->skeyid);
    else if (auth == ISAKMP_AUTH_RSA_SIG)
        st = isakmp_ks_skeyid_sig(h->id, in->ni_b, in->nr_b, in->gxy, ks->skeyid);
    else
        st = isakmp_ks_skeyid_pke(h->id, in->ni_b, in->nr_b, in->cky_i, in->cky_r, ks->skeyid);
    if (st) return failed("SKEYID", st);
    st = isakmp_ks_skeyid_dae(h->id, ks->skeyid, in->gxy, in->cky_i, in->cky_r, ks->skeyid_d,
                              ks->skeyid_a, ks->skeyid_e);
    if (st) return failed("SKEYID_d/a/e", st);
    st = isakmp_ks_cipher_key(h->id, c->id, key_bits, ks->skeyid_e, ks->key, &ks->key_len);
    if (st) return failed("cipher key", st);

    int rc = CLI_OK;
    if (o->wireshark) {
        for (int i = 0; i < 8; i++) printf("%02x", in->cky_i[i]);
        putchar(',');
        for (size_t i = 0; i < ks->key_len; i++) printf("%02x", ks->key[i]);
        putchar('\n');
        return CLI_OK;
    }
    print_hex("SKEYID", ks->skeyid, ks->prf_len);
    print_hex("SKEYID_d", ks->skeyid_d, ks->prf_len);
    print_hex("SKEYID_a", ks->skeyid_a, ks->prf_len);
    print_hex("SKEYID_e", ks->skeyid_e, ks->prf_len);
    print_hex("CIPHER_KEY", ks->key, ks->key_len);

    if (auth == ISAKMP_AUTH_RSA_REV_ENC) {
        uint8_t ne[ISAKMP_CIPHER_KEY_MAX];
        size_t ne_len;
        st = isakmp_ks_rpke_key(h->id, c->id, key_bits, in->ni_b, in->cky_i, ne, &ne_len);
        if (!st) {
            print_hex("NE_I_KEY", ne, ne_len);
            st = isakmp_ks_rpke_key(h->id, c->id, key_bits, in->nr_b, in->cky_r, ne, &ne_len);
        }
        if (!st)
            print_hex("NE_R_KEY", ne, ne_len);
        isakmp_wipe(ne, sizeof ne);
        if (st)
            return failed("Ne_i/Ne_r", st);
    }
    if (o->gxi.set) {
        if ((st = isakmp_ks_phase1_iv(h->id, in->gxi, in->gxr, c->block_size, ks->iv)))
            return failed("phase-1 IV", st);
        print_hex("IV_PHASE1", ks->iv, c->block_size);
    }
    struct isakmp_bytes sai = ISAKMP_BYTES(o->sai.p, o->sai.len);
    if (o->idii.set) {
        if ((st = isakmp_ks_hash_i(h->id, ks->skeyid, in->gxi, in->gxr, in->cky_i, in->cky_r, sai,
                                   ISAKMP_BYTES(o->idii.p, o->idii.len), out)))
            return failed("HASH_I", st);
        print_hex("HASH_I", out, h->digest_size);
    }
    if (o->idir.set) {
        if ((st = isakmp_ks_hash_r(h->id, ks->skeyid, in->gxi, in->gxr, in->cky_i, in->cky_r, sai,
                                   ISAKMP_BYTES(o->idir.p, o->idir.len), out)))
            return failed("HASH_R", st);
        print_hex("HASH_R", out, h->digest_size);
    }
    if (o->msgid.set && (o->last_block.set || o->gxi.set)) {
        const uint8_t *last = o->last_block.set ? o->last_block.p : ks->iv;
        if ((st = isakmp_ks_phase2_iv(h->id, last, c->block_size, o->msgid.p, out)))
            return failed("IV for the message ID", st);
        print_hex("IV_MSGID", out, c->block_size);
    }
    if (o->msgid.set && (st = message_hashes(o, h, ks, out)))
        return st;
    if (keymat) {
        uint8_t km[ISAKMP_KS_EXPAND_MAX];
        st = isakmp_ks_keymat(h->id, ks->skeyid_d, ISAKMP_BYTES(o->gqm.p, o->gqm.len), protocol,
                              ISAKMP_BYTES(o->spi.p, o->spi.len),
                              ISAKMP_BYTES(o->qm_ni.p, o->qm_ni.len),
                              ISAKMP_BYTES(o->qm_nr.p, o->qm_nr.len), km, keymat_len);
        if (st) rc = failed("KEYMAT", st);
        else print_hex("KEYMAT", km, keymat_len);
        isakmp_wipe(km, sizeof km);
    }
    return rc;
}

static int run(struct opts *o)
{
    if (o->crack) return crack(o);
    if (o->hash_r.set) return cli_usage_error(SUB, "--hash-r is for --crack-psk");
    if (!o->auth) return cli_usage_error(SUB, "missing --auth (psk, sig, pke or rpke)");
    if (!o->hash) return cli_usage_error(SUB, "missing --hash (md5, sha1, sha256, sha384, sha512)");
    if (!o->cipher) return cli_usage_error(SUB, "missing --cipher (e.g. aes128, 3des)");
    uint16_t auth;
    if (!strcasecmp(o->auth, "psk")) auth = ISAKMP_AUTH_PSK;
    else if (!strcasecmp(o->auth, "sig")) auth = ISAKMP_AUTH_RSA_SIG;
    else if (!strcasecmp(o->auth, "pke")) auth = ISAKMP_AUTH_RSA_ENC;
    else if (!strcasecmp(o->auth, "rpke")) auth = ISAKMP_AUTH_RSA_REV_ENC;
    else return cli_usage_error(SUB, "--auth: '%s' is not psk, sig, pke or rpke", o->auth);
    const struct isakmp_hash_desc *h = isakmp_hash_by_name(o->hash);
    if (!h) return cli_usage_error(SUB, "--hash: unknown hash '%s'", o->hash);
    uint16_t key_bits = 0;
    const struct isakmp_cipher_desc *c = isakmp_cipher_by_name(o->cipher, &key_bits);
    if (!c) return cli_usage_error(SUB, "--cipher: unknown cipher '%s'", o->cipher);
    if (o->key_length) {
        unsigned long v;
        int st = parse_number("--key-length", o->key_length, 65535, &v);
        if (st) return st;
        key_bits = (uint16_t)v;
    }
    size_t key_len;
    if (isakmp_cipher_key_len(c->id, key_bits, &key_len) != ISAKMP_CIPHER_OK) {
        if (!c->variable_key)
            return cli_usage_error(SUB, "--key-length: %s has a fixed key length; no Key-Length "
                                   "attribute is allowed", c->name);
        if (key_bits == 0)
            return cli_usage_error(SUB, "--cipher: %s needs a key length (aes128, aes192, aes256 "
                                   "or --key-length)", c->name);
        return cli_usage_error(SUB, "--cipher/--key-length: %s does not take %u-bit keys "
                               "(%u..%u%s)", c->name, key_bits, c->key_bits_min, c->key_bits_max,
                               c->key_attr_required ? ", attribute required" : "");
    }

    int st;
    if ((st = require(&o->ni, "--ni", "Ni_b, the initiator's nonce"))) return st;
    if ((st = require(&o->nr, "--nr", "Nr_b, the responder's nonce"))) return st;
    if ((st = require(&o->gxy, "--gxy", "the shared secret g^xy"))) return st;
    if ((st = require(&o->cky_i, "--cky-i", "the initiator cookie"))) return st;
    if ((st = require(&o->cky_r, "--cky-r", "the responder cookie"))) return st;
    if (o->cky_i.len != 8)
        return cli_usage_error(SUB, "--cky-i: a cookie is 8 bytes (16 hex digits), got %zu", o->cky_i.len);
    if (o->cky_r.len != 8)
        return cli_usage_error(SUB, "--cky-r: a cookie is 8 bytes (16 hex digits), got %zu", o->cky_r.len);
    if (o->psk.set && o->psk_text) return cli_usage_error(SUB, "give --psk or --psk-text, not both");
    if (auth == ISAKMP_AUTH_PSK && !o->psk.set && !o->psk_text)
        return cli_usage_error(SUB, "missing --psk or --psk-text (--auth psk)");
    if (auth != ISAKMP_AUTH_PSK && (o->psk.set || o->psk_text))
        return cli_usage_error(SUB, "--psk/--psk-text only apply to --auth psk");
    if (o->gxi.set != o->gxr.set)
        return cli_usage_error(SUB, "%s without %s", o->gxi.set ? "--gxi" : "--gxr",
                               o->gxi.set ? "--gxr" : "--gxi");
    if ((o->idii.set || o->idir.set) && (!o->sai.set || !o->gxi.set))
        return cli_usage_error(SUB, "--%s needs --sai, --gxi and --gxr", o->idii.set ? "idii" : "idir");
    if (o->msgid.set && o->msgid.len != 4)
        return cli_usage_error(SUB, "--msgid: a message ID is 4 bytes (8 hex digits), got %zu", o->msgid.len);
    if (o->last_block.set && !o->msgid.set)
        return cli_usage_error(SUB, "--last-block needs --msgid");
    bool msg_hashes = o->qm1_rest.set || o->qm2_rest.set || o->info_payloads.set || o->ngm_sa.set;
    if (msg_hashes && !o->msgid.set)
        return cli_usage_error(SUB, "--%s needs --msgid (the hash covers the message ID)",
                               o->qm1_rest.set ? "qm1-rest" : o->qm2_rest.set ? "qm2-rest"
                               : o->info_payloads.set ? "info-payloads" : "ngm-sa");
    if (o->qm2_rest.set && !o->qm_ni.set)
        return cli_usage_error(SUB, "--qm2-rest needs --qm-ni (HASH(2) covers Ni_b)");
    bool qm_hash3 = o->msgid.set && o->qm_ni.set && o->qm_nr.set;
    if (o->msgid.set && !o->last_block.set && !o->gxi.set && !msg_hashes && !qm_hash3)
        return cli_usage_error(SUB, "--msgid needs --last-block, or --gxi and --gxr for the phase-1 "
                               "IV, or a message's inputs for its hash (--qm1-rest, --qm2-rest, "
                               "--qm-ni with --qm-nr, --info-payloads, --ngm-sa)");
    if (o->last_block.set && o->last_block.len != c->block_size)
        return cli_usage_error(SUB, "--last-block: %s blocks are %zu bytes, got %zu", c->name,
                               c->block_size, o->last_block.len);
    bool keymat = o->protocol || o->spi.set || o->gqm.set || o->keymat_len ||
                  ((o->qm_ni.set || o->qm_nr.set) && !o->msgid.set);
    uint8_t protocol = 0;
    unsigned long keymat_len = 2 * h->digest_size;
    if (keymat) {
        if (!o->protocol) return cli_usage_error(SUB, "missing --protocol (KEYMAT)");
        if ((st = parse_protocol(o->protocol, &protocol))) return st;
        if ((st = require(&o->spi, "--spi", "KEYMAT"))) return st;
        if ((st = require(&o->qm_ni, "--qm-ni", "KEYMAT: the Quick Mode Ni_b"))) return st;
        if ((st = require(&o->qm_nr, "--qm-nr", "KEYMAT: the Quick Mode Nr_b"))) return st;
        if (o->keymat_len &&
            (st = parse_number("--keymat-len", o->keymat_len, ISAKMP_KS_EXPAND_MAX, &keymat_len)))
            return st;
        if (keymat_len == 0) return cli_usage_error(SUB, "--keymat-len: must be at least 1");
    }

    struct isakmp_ks_phase1_input in = {
        .auth = auth, .hash = h->id, .cipher = c->id, .key_attr_bits = key_bits,
        .psk = o->psk_text ? ISAKMP_BYTES(o->psk_text, strlen(o->psk_text))
                           : ISAKMP_BYTES(o->psk.p, o->psk.len),
        .ni_b = ISAKMP_BYTES(o->ni.p, o->ni.len), .nr_b = ISAKMP_BYTES(o->nr.p, o->nr.len),
        .gxi = ISAKMP_BYTES(o->gxi.p, o->gxi.len), .gxr = ISAKMP_BYTES(o->gxr.p, o->gxr.len),
        .gxy = ISAKMP_BYTES(o->gxy.p, o->gxy.len),
    };
    memcpy(in.cky_i, o->cky_i.p, 8);
    memcpy(in.cky_r, o->cky_r.p, 8);

    /* Step by step (not isakmp_ks_phase1_compute) so the IV is optional. */
    struct isakmp_ks_phase1 ks = { .prf_len = h->digest_size, .block_size = c->block_size };
    uint8_t out[ISAKMP_HASH_MAX];
    int rc = print_schedule(o, &in, h, c, key_bits, keymat, protocol, keymat_len, &ks, out);
    /* every secret the schedule left, on success and on each error path */
    isakmp_wipe(&ks, sizeof ks);
    isakmp_wipe(out, sizeof out);
    isakmp_wipe(&in, sizeof in);
    return rc;
}

static int keys_main(int argc, char **argv)
{
    struct opts o = { 0 };
    int rc = parse_args(argc, argv, &o);
    if (rc == CLI_OK) rc = run(&o);
    free_blobs(&o);
    return rc;
}

const struct cli_command cli_cmd_keys = {
    .name = "keys",
    .summary = "compute the IKEv1 key schedule from hex inputs",
    .main = keys_main,
    .usage = usage,
};
