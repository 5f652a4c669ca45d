/* isakmp keys --crack-psk: every candidate PSK of a word list against the
 * HASH_R of one Aggressive Mode exchange, in one process (see
 * keys_crack.h).  The word list is hostile input like any other: lines
 * are read into a fixed buffer, never allocated by length. */
#include "keys_crack.h"

#include "cli.h"

#include "isakmp/keyschedule.h"
#include "isakmp/secmem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SKIP_REPORTS 5           /* skipped lines named on stderr, then only counted */

struct crack {
    const struct keys_crack_input *in;
    const char *name;
    unsigned long long line, tried, skipped, empty;
    bool found;
    uint8_t word[KEYS_CRACK_WORD_MAX + 1];
    size_t word_len;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void skip(struct crack *c, const char *why)
{
    if (c->skipped++ < SKIP_REPORTS)
        fprintf(stderr, "isakmp keys: %s:%llu: skipped: %s\n", c->name, c->line, why);
}

/* One complete candidate: true when it is the key.  -1 on a key-schedule
 * error (reported), which stops the search. */
static int try_word(struct crack *c, const uint8_t *w, size_t n)
{
    const struct keys_crack_input *in = c->in;
    uint8_t skeyid[ISAKMP_HASH_MAX], hash_r[ISAKMP_HASH_MAX];
    c->tried++;
    int st = isakmp_ks_skeyid_psk(in->hash, ISAKMP_BYTES(w, n), in->ni_b, in->nr_b, skeyid);
    if (st == ISAKMP_KS_OK)
        st = isakmp_ks_hash_r(in->hash, skeyid, in->gxi, in->gxr, in->cky_i, in->cky_r,
                              in->sai_b, in->idir_b, hash_r);
    int r = st != ISAKMP_KS_OK ? -1 : isakmp_memeq_ct(hash_r, in->hash_r.p, in->hash_r.len);
    if (r < 0)
        fprintf(stderr, "isakmp keys: %s:%llu: %s\n", c->name, c->line, isakmp_ks_strerror(st));
    isakmp_wipe(skeyid, sizeof skeyid);
    isakmp_wipe(hash_r, sizeof hash_r);
    return r;
}

/* The end of a line: decide what it is and try it.  -1 error, 1 found
 * (then c->word, c->word_len hold the key). */
static int end_line(struct crack *c, bool overlong, bool nul)
{
    c->line++;
    size_t n = c->word_len;
    c->word_len = 0;
    if (!overlong && n > 0 && c->word[n - 1] == '\r')
        n--;                                     /* a DOS line end */
    if (overlong || n > KEYS_CRACK_WORD_MAX) {
        char why[64];
        snprintf(why, sizeof why, "longer than %d bytes", KEYS_CRACK_WORD_MAX);
        skip(c, why);
        return 0;
    }
    if (nul) {
        skip(c, "holds a NUL byte");
        return 0;
    }
    if (n == 0) {
        c->empty++;
        return 0;
    }
    int r = try_word(c, c->word, n);
    if (r > 0)
        c->word_len = n;
    return r;
}

static int scan(struct crack *c, FILE *f)
{
    static uint8_t buf[1 << 16];
    bool overlong = false, nul = false;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < got; i++) {
            uint8_t b = buf[i];
            if (b == '\n') {
                int r = end_line(c, overlong, nul);
                overlong = nul = false;
                if (r != 0)
                    return r;
                continue;
            }
            if (b == 0)
                nul = true;
            /* one byte more than the maximum: room for a trailing '\r' */
            if (c->word_len > KEYS_CRACK_WORD_MAX)
                overlong = true;
            else
                c->word[c->word_len++] = b;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "isakmp keys: %s: read error: %s\n", c->name, strerror(errno));
        return -1;
    }
    if (c->word_len > 0 || overlong || nul)      /* the last line had no '\n' */
        return end_line(c, overlong, nul);
    return 0;
}

int keys_crack_psk(const char *wordlist, const struct keys_crack_input *in)
{
    size_t digest = isakmp_hash_len(in->hash);
    if (!digest)
        return cli_usage_error("keys", "--crack-psk: unknown hash");
    if (in->hash_r.len != digest)
        return cli_usage_error("keys", "--hash-r: HASH_R is %zu bytes for this hash, got %zu",
                               digest, in->hash_r.len);
    bool std_in = strcmp(wordlist, "-") == 0;
    FILE *f = std_in ? stdin : fopen(wordlist, "rb");
    if (!f)
        return cli_usage_error("keys", "--crack-psk: cannot read %s: %s", wordlist, strerror(errno));
    static struct crack c;            /* the word buffer is wiped below */
    memset(&c, 0, sizeof c);
    c.in = in;
    c.name = std_in ? "(stdin)" : wordlist;
    double t0 = now_s();
    int r = scan(&c, f);
    double secs = now_s() - t0;
    if (!std_in)
        fclose(f);
    if (r < 0) {
        isakmp_wipe(&c, sizeof c);
        return CLI_USAGE;
    }
    if (r > 0)
        printf("FOUND %.*s\n", (int)c.word_len, (const char *)c.word);
    else
        printf("NOT FOUND\n");
    printf("tried %llu words (%s line %llu of %s), skipped %llu lines, %llu empty\n", c.tried,
           r > 0 ? "found at" : "all, to", c.line, c.name, c.skipped, c.empty);
    fprintf(stderr, "isakmp keys: %llu words in %.3f s (%.0f words/s)\n", c.tried, secs,
            secs > 0 ? c.tried / secs : 0.0);
    isakmp_wipe(&c, sizeof c);
    return r > 0 ? CLI_OK : CLI_FAILED;
}
