/* isakmp decode: print the ISAKMP messages of a pcap file, or of raw
 * message files, as a tree (default), one line each (--brief) or flat
 * tshark-named fields (--fields).  Decryption plugs in through the hook of
 * cmd_decode.h; this file never decrypts. */
#include "cli.h"
#include "cmd_decode.h"
#include "pcap_udp.h"

/* Why the decryptor's last decrypt failed (cli/decode_keys.c); weak like
 * cli_decode_decryptor, so this file links without it. */
extern const char *cli_decode_decrypt_why(void *state) __attribute__((weak));

#include "isakmp/dissect.h"
#include "isakmp/wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum out_mode { OUT_TREE, OUT_BRIEF, OUT_FIELDS };

/* Exchanges remembered for the decryption hook, bounded and evicted
 * oldest first. */
#define HISTORY_EXCHANGES 64

struct exchange_log {
    bool used;
    uint8_t cky_i[8];
    unsigned long last_use;
    size_t n;
    struct decode_record rec[DECODE_HISTORY_MAX];
};

struct decode_ctx {
    enum out_mode mode;
    unsigned flags;              /* ISAKMP_DECODE_* */
    size_t max_hex;
    unsigned only_frame;         /* 0 = all */
    unsigned extra_port;         /* --port */
    bool verbose_skips;
    FILE *out;
    unsigned messages, failed, encrypted, decrypted;
    unsigned frag_dropped;       /* UDP 500/4500 (or unknown port) datagrams not reassembled */
    const struct decode_decryptor *dec;
    void *dec_state;
    struct exchange_log *log;    /* HISTORY_EXCHANGES entries, only with a decryptor */
    unsigned long clock;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: isakmp decode [options] FILE.pcap ...\n"
            "       isakmp decode --raw [options] FILE ...\n"
            "\n"
            "Print every ISAKMP (IKEv1) message of a capture as a tree of named fields,\n"
            "in the spirit of `tshark -V`: numbers with their RFC names, byte strings in\n"
            "plain hex. Decoding applies the checks of RFC 2408 section 5; a message that\n"
            "fails is printed as far as it decoded, followed by the error and the Notify\n"
            "message type the RFC says to answer with, and decoding goes on.\n"
            "\n"
            "Input (pcap or pcapng, read with libpcap): link types Ethernet (VLAN tags),\n"
            "Linux cooked (SLL, SLL2), raw IP, PPP, null/loopback; IPv4 and IPv6; UDP\n"
            "port 500, and UDP 4500 behind the 4-byte non-ESP marker (NAT-keepalives and\n"
            "ESP on 4500 are skipped).\n"
            "IPv4 and IPv6 fragments are reassembled and the message is shown at the frame\n"
            "of its last fragment, with the frames it came from (\"reassembled from frames\n"
            "3, 4, 5\"; --fields: ip.fragment / ipv6.fragment lines, like tshark). Bounds: 64\n"
            "datagrams at once, 128 fragments and 65535 bytes each; a datagram still\n"
            "incomplete after 5000 frames or 30 s of capture time is dropped. An exact\n"
            "duplicate fragment is ignored; any other overlap, a fragment cut by the snap\n"
            "length, or fragments that disagree on the length drop the whole datagram\n"
            "(RFC 8200 section 4.5, applied to IPv4 too). Dropped datagrams are counted in\n"
            "the summary on stderr and explained with -v; they do not change the exit\n"
            "status.\n"
            "Messages with the E flag: the header is decoded, the body shown as ciphertext.\n"
            "\n"
            "options:\n"
            "  --raw            each FILE holds one ISAKMP message as raw bytes (a UDP\n"
            "                   payload); a leading non-ESP marker is detected and skipped\n"
            "  -b, --brief      one line per message: frame, addresses, exchange, cookies,\n"
            "                   message ID, payload chain\n"
            "  --fields         flat name=value lines named after Wireshark's isakmp.*\n"
            "                   fields (one \"frame=N\" line, the ip.fragment lines of a\n"
            "                   reassembled message, the fields, then a blank line)\n"
            "  --frame N        only frame N (pcap; a reassembled message is at the frame\n"
            "                   of its last fragment) / the N-th file (--raw)\n"
            "  --port N         also treat UDP port N as ISAKMP (no non-ESP marker)\n"
            "  --max-hex N      cut byte strings after N bytes in the tree (default: all)\n"
            "  --allow-unknown  accept unknown payload types (shown as raw data) instead of\n"
            "                   refusing the message with INVALID-PAYLOAD-TYPE\n"
            "  --allow-trailing ignore bytes after the length the header gives\n"
            "  --lax-reserved   accept non-zero RESERVED fields (RFC 2408 section 5 says\n"
            "                   PAYLOAD-MALFORMED) to look inside probes that set them;\n"
            "                   without it the tree still shows such a message whole,\n"
            "                   then its refusal, and it counts as refused\n"
            "  -v, --verbose    also report skipped datagrams (keepalives, ESP, IP fragments\n"
            "                   that could not be reassembled, and why)\n"
            "  -h, --help       this text\n");
    if (&cli_decode_decryptor && cli_decode_decryptor.help)
        fputs(cli_decode_decryptor.help, out);
    fprintf(out,
            "\n"
            "exit status: 0 every ISAKMP message decoded; 1 at least one message was\n"
            "refused, or a file could not be read; 2 usage error.\n"
            "\n"
            "examples:\n"
            "  isakmp decode capture.pcap\n"
            "  isakmp decode --brief capture.pcap\n"
            "  isakmp decode --raw message.bin\n");
}

/* ---- history for the decryption hook ----------------------------------- */

static struct exchange_log *history_for(struct decode_ctx *c, const uint8_t *cky_i, bool create)
{
    struct exchange_log *victim = &c->log[0];
    for (size_t i = 0; i < HISTORY_EXCHANGES; i++) {
        struct exchange_log *e = &c->log[i];
        if (e->used && memcmp(e->cky_i, cky_i, 8) == 0) {
            e->last_use = ++c->clock;
            return e;
        }
        if (!e->used || (victim->used && e->last_use < victim->last_use))
            victim = e;
    }
    if (!create)
        return NULL;
    for (size_t k = 0; k < victim->n; k++)
        free((void *)victim->rec[k].bytes);
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    memcpy(victim->cky_i, cky_i, 8);
    victim->last_use = ++c->clock;
    return victim;
}

static void history_add(struct decode_ctx *c, unsigned frame, const uint8_t *b, size_t len)
{
    struct exchange_log *e = history_for(c, b, true);
    if (e->n == DECODE_HISTORY_MAX) {
        free((void *)e->rec[0].bytes);
        memmove(&e->rec[0], &e->rec[1], sizeof e->rec[0] * (DECODE_HISTORY_MAX - 1));
        e->n--;
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, b, len);
    e->rec[e->n++] = (struct decode_record){ frame, copy, len };
}

static void history_free(struct decode_ctx *c)
{
    if (!c->log)
        return;
    for (size_t i = 0; i < HISTORY_EXCHANGES; i++)
        for (size_t k = 0; k < c->log[i].n; k++)
            free((void *)c->log[i].rec[k].bytes);
    free(c->log);
}

/* "3, 4, 5" (sep ", ") or "3,4,5": the frames of d's fragments; a list
 * too long for `cap` ends with "...". */
static void frame_list(const struct pcap_udp *d, const char *sep, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < d->frag_count; i++) {
        int w = snprintf(out + k, cap - k, "%s%u", i ? sep : "", d->frag_frames[i]);
        if (w < 0 || (size_t)w >= cap - k || cap - k - (size_t)w < 8) {
            snprintf(out + k, cap - k, "%s...", i ? sep : "");
            return;
        }
        k += (size_t)w;
    }
}

/* ---- one message ------------------------------------------------------- */

static void print_plaintext(struct decode_ctx *c, struct isakmp_message *m, const uint8_t *plain,
                            size_t plen)
{
    /* Decode into a copy, so the ciphertext view in m stays printable. */
    struct isakmp_message *pm = malloc(sizeof *pm);
    if (!pm)
        return;
    *pm = *m;
    int rc = isakmp_decode_payloads(m->hdr.next_payload, plain, plen, c->flags, pm);
    if (rc)
        c->failed++;
    c->decrypted++;
    if (c->mode == OUT_TREE) {
        fprintf(c->out, "  Decrypted payloads (%zu bytes):\n", plen);
        struct isakmp_dissect_opts o = { 2, c->max_hex };
        pm->encrypted = false;
        isakmp_dissect(pm, rc, &o, isakmp_write_file, c->out);
    } else if (c->mode == OUT_BRIEF) {
        fprintf(c->out, "    decrypted:");
        pm->encrypted = false;
        isakmp_dissect_brief(pm, rc, isakmp_write_file, c->out);
        fputc('\n', c->out);
    } else {
        pm->encrypted = false;
        isakmp_dissect_fields(pm, rc, isakmp_write_file, c->out);
    }
    free(pm);
}

/* The tree of a decoded message.  A message refused only for a non-zero
 * RESERVED field (probes such as ike-scan's set them) is still shown
 * whole: decoded again as with --lax-reserved, followed by the refusal a
 * receiver must give (the exit status still counts it as refused). */
static void tree_or_lax_tree(struct decode_ctx *c, const struct isakmp_message *m, int rc,
                             const struct isakmp_dissect_opts *o, const uint8_t *b, size_t len)
{
    struct isakmp_message *lax = NULL;
    if (rc == ISAKMP_WIRE_BAD_RESERVED && !(c->flags & ISAKMP_DECODE_LAX_RESERVED) &&
        (lax = malloc(sizeof *lax)) != NULL &&
        isakmp_decode(b, len, c->flags | ISAKMP_DECODE_LAX_RESERVED, lax) == 0) {
        isakmp_dissect(lax, 0, o, isakmp_write_file, c->out);
        fprintf(c->out, "  (decoded above ignoring RESERVED fields; a receiver refuses it:)\n");
        isakmp_dissect_error(m, rc, o, isakmp_write_file, c->out);
    } else {
        isakmp_dissect(m, rc, o, isakmp_write_file, c->out);
    }
    free(lax);
}

/* Decode and print one ISAKMP message; `where` describes its origin,
 * `frags` (or NULL) the IP fragments it was reassembled from. */
static void one_message(struct decode_ctx *c, unsigned frame, const char *where,
                        const struct pcap_udp *frags, const uint8_t *b, size_t len)
{
    struct isakmp_message *m = malloc(sizeof *m);
    if (!m) {
        fprintf(stderr, "isakmp decode: out of memory\n");
        c->failed++;
        return;
    }
    int rc = isakmp_decode(b, len, c->flags, m);
    c->messages++;
    if (rc)
        c->failed++;
    char note[256] = "";
    if (frags)
        frame_list(frags, c->mode == OUT_BRIEF ? "," : ", ", note, sizeof note);
    if (c->mode == OUT_TREE) {
        fprintf(c->out, "Frame %u: %s, %zu bytes", frame, where, len);
        if (frags)
            fprintf(c->out, ", reassembled from frames %s", note);
        if (frags && frags->frag_duplicates)
            fprintf(c->out, " (%u duplicate fragment%s ignored)", frags->frag_duplicates,
                    frags->frag_duplicates == 1 ? "" : "s");
        fputc('\n', c->out);
        struct isakmp_dissect_opts o = { 0, c->max_hex };
        tree_or_lax_tree(c, m, rc, &o, b, len);
    } else if (c->mode == OUT_BRIEF) {
        fprintf(c->out, "%u %s ", frame, where);
        if (frags)
            fprintf(c->out, "[reassembled from frames %s] ", note);
        isakmp_dissect_brief(m, rc, isakmp_write_file, c->out);
        fputc('\n', c->out);
    } else {
        fprintf(c->out, "frame=%u\n", frame);
        /* the fragments' frames under Wireshark's field names */
        for (size_t i = 0; frags && i < frags->frag_count; i++)
            fprintf(c->out, "%s=%u\n", frags->family == 6 ? "ipv6.fragment" : "ip.fragment",
                    frags->frag_frames[i]);
        isakmp_dissect_fields(m, rc, isakmp_write_file, c->out);
    }
    if (rc == 0 && m->encrypted) {
        c->encrypted++;
        if (c->dec) {
            struct exchange_log *e = history_for(c, m->hdr.cky_i, false);
            struct decode_history h = { e ? e->rec : NULL, e ? e->n : 0 };
            uint8_t *plain = malloc(ISAKMP_WIRE_MAX_MSG);
            size_t plen = 0;
            if (plain && c->dec->decrypt(c->dec_state, &h, m, frame, plain, ISAKMP_WIRE_MAX_MSG, &plen) &&
                plen <= ISAKMP_WIRE_MAX_MSG)
                print_plaintext(c, m, plain, plen);
            else if (plain) {
                const char *r = cli_decode_decrypt_why ? cli_decode_decrypt_why(c->dec_state) : "";
                if (c->mode == OUT_FIELDS) fprintf(c->out, "isakmp.decrypt.error=%s\n", r);
                else fprintf(c->out, "%sCannot decrypt: %s\n", c->mode == OUT_TREE ? "  " : "    ", r);
            }
            free(plain);
        }
    }
    if (c->mode == OUT_TREE || c->mode == OUT_FIELDS)
        fputc('\n', c->out);
    if (c->log && len >= ISAKMP_HDR_LEN)
        history_add(c, frame, b, len);
    free(m);
}

/* ---- pcap input -------------------------------------------------------- */

/* -v: fragments that could not be reassembled, and why. */
static void report_dropped(struct decode_ctx *c, const struct pcap_udp *d, const char *where,
                           bool quiet)
{
    if (quiet)   /* another frame was asked for (--frame) */
        return;
    if (!d->frag_straggler)
        c->frag_dropped++;
    if (!c->verbose_skips)
        return;
    char frames[256];
    frame_list(d, ", ", frames, sizeof frames);
    if (d->frag_straggler)
        fprintf(c->out, "Frame %u: %s: IPv%d fragment of datagram id 0x%x, which was not "
                "reassembled: %s (skipped)\n\n", d->frame, where, d->family, (unsigned)d->ip_id,
                d->frag_dropped);
    else
        fprintf(c->out, "Frame %u: %s: IPv%d datagram id 0x%x not reassembled: %s (fragments "
                "in frames %s) (skipped)\n\n", d->frame, where, d->family, (unsigned)d->ip_id,
                d->frag_dropped, frames);
}

static int on_udp(void *ctx, const struct pcap_udp *d)
{
    struct decode_ctx *c = ctx;
    /* Frames not selected by --frame are not printed, but the decryptor
     * still needs them in its history. */
    bool quiet = c->only_frame && d->frame != c->only_frame;
    if (quiet && !c->log)
        return 0;
    bool p500 = d->sport == 500 || d->dport == 500 ||
                (c->extra_port && (d->sport == c->extra_port || d->dport == c->extra_port));
    bool p4500 = d->sport == 4500 || d->dport == 4500;
    /* fragments given up on without the first one: the ports are unknown,
     * so they may have been ISAKMP */
    bool unknown_ports = d->frag_dropped && d->sport == 0 && d->dport == 0;
    if (!p500 && !p4500 && !unknown_ports)
        return 0;
    char src[64], dst[64], where[192];
    pcap_udp_addr(d->family, d->src, src, sizeof src);
    pcap_udp_addr(d->family, d->dst, dst, sizeof dst);
    if (unknown_ports)
        snprintf(where, sizeof where, "%s -> %s", src, dst);
    else
        snprintf(where, sizeof where, d->family == 6 ? "[%s]:%u -> [%s]:%u" : "%s:%u -> %s:%u",
                 src, d->sport, dst, d->dport);
    if (d->frag_dropped) {
        report_dropped(c, d, where, quiet);
        return 0;
    }
    const uint8_t *p = d->payload;
    size_t n = d->len;
    if (p4500 && !p500) {
        if (n == 1 && p[0] == 0xff) {
            if (c->verbose_skips && !quiet)
                fprintf(c->out, "Frame %u: %s: NAT-keepalive (skipped)\n\n", d->frame, where);
            return 0;
        }
        if (n < ISAKMP_NON_ESP_MARKER_LEN || p[0] || p[1] || p[2] || p[3]) {
            if (c->verbose_skips && !quiet)
                fprintf(c->out, "Frame %u: %s: ESP in UDP (skipped)\n\n", d->frame, where);
            return 0;
        }
        p += ISAKMP_NON_ESP_MARKER_LEN;
        n -= ISAKMP_NON_ESP_MARKER_LEN;
        size_t k = strlen(where);
        snprintf(where + k, sizeof where - k, " (non-ESP marker)");
    }
    if (d->truncated) {
        size_t k = strlen(where);
        snprintf(where + k, sizeof where - k, " [truncated by capture]");
    }
    if (quiet) {
        if (n >= ISAKMP_HDR_LEN)
            history_add(c, d->frame, p, n);
        return 0;
    }
    one_message(c, d->frame, where, d->frag_count ? d : NULL, p, n);
    return 0;
}

/* ---- raw input --------------------------------------------------------- */

static bool raw_file(struct decode_ctx *c, unsigned index, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "isakmp decode: %s: %s\n", path, strerror(errno));
        return false;
    }
    /* One UDP payload: never more than 64 KiB (+ marker); anything longer
     * is read only that far and refused by the decoder's length checks. */
    size_t cap = ISAKMP_WIRE_MAX_MSG + ISAKMP_NON_ESP_MARKER_LEN + 1;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return false;
    }
    size_t n = fread(buf, 1, cap, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "isakmp decode: %s: read error\n", path);
        free(buf);
        return false;
    }
    const uint8_t *p = buf;
    char where[512];
    snprintf(where, sizeof where, "%s", path);
    /* A non-ESP marker: four zero bytes, then a header whose length
     * matches what follows (a zero-prefixed cookie would not match). */
    if (n >= ISAKMP_NON_ESP_MARKER_LEN + ISAKMP_HDR_LEN && !buf[0] && !buf[1] && !buf[2] &&
        !buf[3] && isakmp_get32(buf + 4 + 24) == n - 4) {
        p += 4;
        n -= 4;
        snprintf(where, sizeof where, "%s (non-ESP marker)", path);
    }
    one_message(c, index, where, NULL, p, n);
    free(buf);
    return true;
}

/* ---- options ----------------------------------------------------------- */

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static int decode_main(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return CLI_OK;
    }
    struct decode_ctx c = { .mode = OUT_TREE, .out = stdout };
    bool raw = false;
    const char *dec_arg = NULL;
    const struct decode_decryptor *dec = &cli_decode_decryptor ? &cli_decode_decryptor : NULL;
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        unsigned long v;
        if (strcmp(a, "--") == 0) {
            first_file = i + 1;
            break;
        } else if (strcmp(a, "--raw") == 0) {
            raw = true;
        } else if (strcmp(a, "-b") == 0 || strcmp(a, "--brief") == 0) {
            c.mode = OUT_BRIEF;
        } else if (strcmp(a, "--fields") == 0) {
            c.mode = OUT_FIELDS;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            c.verbose_skips = true;
        } else if (strcmp(a, "--allow-unknown") == 0) {
            c.flags |= ISAKMP_DECODE_ALLOW_UNKNOWN;
        } else if (strcmp(a, "--lax-reserved") == 0) {
            c.flags |= ISAKMP_DECODE_LAX_RESERVED;
        } else if (strcmp(a, "--allow-trailing") == 0) {
            c.flags |= ISAKMP_DECODE_ALLOW_TRAILING;
        } else if (strcmp(a, "--frame") == 0 || strcmp(a, "--port") == 0 ||
                   strcmp(a, "--max-hex") == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("decode", "%s needs a value", a);
            unsigned long max = strcmp(a, "--port") == 0 ? 65535 : 1000000000UL;
            if (!parse_uint(argv[++i], max, &v) || (v == 0 && strcmp(a, "--max-hex") != 0))
                return cli_usage_error("decode", "bad value for %s: '%s'", a, argv[i]);
            if (strcmp(a, "--frame") == 0) c.only_frame = (unsigned)v;
            else if (strcmp(a, "--port") == 0) c.extra_port = (unsigned)v;
            else c.max_hex = v;
        } else if (dec && dec->option && strcmp(a, dec->option) == 0) {
            if (i + 1 >= argc)
                return cli_usage_error("decode", "%s needs a value", a);
            dec_arg = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("decode", "unknown option '%s'", a);
        } else {
            first_file = i;
            break;
        }
    }
    if (first_file >= argc)
        return cli_usage_error("decode", "no input file");

    if (dec_arg) {
        char err[256] = "";
        c.dec_state = dec->open(dec_arg, err, sizeof err);
        if (!c.dec_state) {
            fprintf(stderr, "isakmp decode: %s %s: %s\n", dec->option, dec_arg, err);
            return CLI_USAGE;   /* a table that does not load is a usage error */
        }
        c.dec = dec;
        c.log = calloc(HISTORY_EXCHANGES, sizeof *c.log);
        if (!c.log) {
            dec->close(c.dec_state);
            return CLI_FAILED;
        }
    }

    bool file_error = false;
    for (int i = first_file; i < argc; i++) {
        if (raw) {
            unsigned index = (unsigned)(i - first_file + 1);
            if (c.only_frame && index != c.only_frame)
                continue;
            if (!raw_file(&c, index, argv[i]))
                file_error = true;
        } else {
            char err[512];
            unsigned frames = 0;
            if (argc - first_file > 1 && c.mode == OUT_TREE)
                fprintf(c.out, "== %s\n", argv[i]);
            if (pcap_udp_read(argv[i], on_udp, &c, &frames, err, sizeof err) < 0) {
                fprintf(stderr, "isakmp decode: %s: %s\n", argv[i], err);
                file_error = true;
            }
        }
    }
    if (c.dec)
        c.dec->close(c.dec_state);
    history_free(&c);
    fflush(c.out);
    if (c.mode == OUT_TREE || c.verbose_skips)
        fprintf(stderr, "isakmp decode: %u message%s, %u refused, %u encrypted", c.messages,
                c.messages == 1 ? "" : "s", c.failed, c.encrypted);
    if (c.frag_dropped)
        fprintf(stderr, "%s%u IP datagram%s on the ISAKMP ports not reassembled%s\n",
                c.mode == OUT_TREE || c.verbose_skips ? ", " : "isakmp decode: ", c.frag_dropped,
                c.frag_dropped == 1 ? "" : "s", c.verbose_skips ? "" : " (-v says why)");
    else if (c.mode == OUT_TREE || c.verbose_skips)
        fputc('\n', stderr);
    return file_error || c.failed ? CLI_FAILED : CLI_OK;
}

const struct cli_command cli_cmd_decode = {
    .name = "decode",
    .summary = "print the ISAKMP messages of a pcap (or raw message files) as a tree",
    .main = decode_main,
    .usage = usage,
};
