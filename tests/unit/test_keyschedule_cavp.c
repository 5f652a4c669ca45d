/* SKEYID, SKEYID_d, SKEYID_a, SKEYID_e against the NIST CAVP SP 800-135
 * IKEv1 KDF response files (../shared/vectors, pre-shared-key and
 * signature subsets, every SHA variant).  The response-file format:
 * "[SHA-256]" section lines set the hash, "NAME = hex" lines give one
 * case, which ends with its SKEYID_e line. */
#include "lib/check.h"
#include "lib/testutil.h"

#include "isakmp/keyschedule.h"
#include "isakmp/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields of one case, hex strings as read. */
struct cavp_case {
    uint16_t hash;
    char *cky_i, *cky_r, *ni, *nr, *gxy, *psk, *skeyid, *d, *a, *e;
};

static int cases_run, cases_failed;

static void clear_case(struct cavp_case *c)
{
    char **f[] = { &c->cky_i, &c->cky_r, &c->ni, &c->nr, &c->gxy, &c->psk,
                   &c->skeyid, &c->d, &c->a, &c->e };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
}

static uint8_t *must_hex(const char *h, size_t *n)
{
    uint8_t *b = h ? hex_decode(h, n) : NULL;
    if (!b) check_fail(__FILE__, __LINE__, "bad or missing hex field");
    return b;
}

/* Compute one case and compare every intermediate. */
static void run_case(const struct cavp_case *c, bool psk_auth, const char *where)
{
    size_t ni_n, nr_n, gxy_n, ci_n, cr_n, psk_n = 0, s_n, d_n, a_n, e_n;
    uint8_t *ni = must_hex(c->ni, &ni_n), *nr = must_hex(c->nr, &nr_n);
    uint8_t *gxy = must_hex(c->gxy, &gxy_n);
    uint8_t *ci = must_hex(c->cky_i, &ci_n), *cr = must_hex(c->cky_r, &cr_n);
    uint8_t *psk = psk_auth ? must_hex(c->psk, &psk_n) : NULL;
    uint8_t *xs = must_hex(c->skeyid, &s_n), *xd = must_hex(c->d, &d_n);
    uint8_t *xa = must_hex(c->a, &a_n), *xe = must_hex(c->e, &e_n);
    uint8_t skeyid[ISAKMP_HASH_MAX], d[ISAKMP_HASH_MAX], a[ISAKMP_HASH_MAX], e[ISAKMP_HASH_MAX];
    size_t hl = isakmp_hash_len(c->hash);
    cases_run++;
    if (!ni || !nr || !gxy || !ci || !cr || (psk_auth && !psk) || !xs || !xd || !xa || !xe ||
        ci_n != 8 || cr_n != 8) {
        check_fail(__FILE__, __LINE__, "%s: unreadable case", where);
        cases_failed++;
    } else {
        int st = psk_auth
            ? isakmp_ks_skeyid_psk(c->hash, ISAKMP_BYTES(psk, psk_n), ISAKMP_BYTES(ni, ni_n),
                                   ISAKMP_BYTES(nr, nr_n), skeyid)
            : isakmp_ks_skeyid_sig(c->hash, ISAKMP_BYTES(ni, ni_n), ISAKMP_BYTES(nr, nr_n),
                                   ISAKMP_BYTES(gxy, gxy_n), skeyid);
        CHECK_MSG(st == ISAKMP_KS_OK, "%s: SKEYID status %d", where, st);
        st = isakmp_ks_skeyid_dae(c->hash, skeyid, ISAKMP_BYTES(gxy, gxy_n), ci, cr, d, a, e);
        CHECK_MSG(st == ISAKMP_KS_OK, "%s: SKEYID_dae status %d", where, st);
        bool ok = hl == s_n && hl == d_n && hl == a_n && hl == e_n &&
                  memcmp(skeyid, xs, hl) == 0 && memcmp(d, xd, hl) == 0 &&
                  memcmp(a, xa, hl) == 0 && memcmp(e, xe, hl) == 0;
        if (!ok) {
            cases_failed++;
            check_fail(__FILE__, __LINE__, "%s: mismatch", where);
            CHECK_MEM(skeyid, hl, xs, s_n);
            CHECK_MEM(d, hl, xd, d_n);
            CHECK_MEM(a, hl, xa, a_n);
            CHECK_MEM(e, hl, xe, e_n);
        }
    }
    free(ni); free(nr); free(gxy); free(ci); free(cr); free(psk);
    free(xs); free(xd); free(xa); free(xe);
}

static uint16_t section_hash(const char *line)
{
    if (strncmp(line, "[SHA-1]", 7) == 0) return ISAKMP_HASH_SHA1;
    if (strncmp(line, "[SHA-256]", 9) == 0) return ISAKMP_HASH_SHA2_256;
    if (strncmp(line, "[SHA-384]", 9) == 0) return ISAKMP_HASH_SHA2_384;
    if (strncmp(line, "[SHA-512]", 9) == 0) return ISAKMP_HASH_SHA2_512;
    return 0;
}

/* Runs every case of a file; returns how many it ran, per hash. */
static void run_file(const char *rel, bool psk_auth, int per_hash[7])
{
    FILE *f = fopen(shared_path(rel), "r");
    if (!f) {
        check_fail(__FILE__, __LINE__, "cannot open %s", shared_path(rel));
        return;
    }
    char line[8192];
    struct cavp_case c = { 0 };
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '[') {
            uint16_t h = section_hash(line);
            if (h) c.hash = h;
            continue;
        }
        char *eq = strstr(line, " = ");
        if (!eq) continue;
        *eq = '\0';
        const char *name = line, *val = eq + 3;
        char **slot = NULL;
        if (!strcmp(name, "CKY_I")) slot = &c.cky_i;
        else if (!strcmp(name, "CKY_R")) slot = &c.cky_r;
        else if (!strcmp(name, "Ni")) slot = &c.ni;
        else if (!strcmp(name, "Nr")) slot = &c.nr;
        else if (!strcmp(name, "g^xy")) slot = &c.gxy;
        else if (!strcmp(name, "pre-shared-key")) slot = &c.psk;
        else if (!strcmp(name, "SKEYID")) slot = &c.skeyid;
        else if (!strcmp(name, "SKEYID_d")) slot = &c.d;
        else if (!strcmp(name, "SKEYID_a")) slot = &c.a;
        else if (!strcmp(name, "SKEYID_e")) slot = &c.e;
        if (!slot) continue;
        free(*slot);
        *slot = strdup(val);
        if (slot == &c.e) {
            char where[128];
            snprintf(where, sizeof where, "%s:%d", rel, lineno);
            if (!c.hash) check_fail(__FILE__, __LINE__, "%s: no [SHA-x] section", where);
            else {
                run_case(&c, psk_auth, where);
                per_hash[c.hash]++;
            }
            uint16_t h = c.hash;
            clear_case(&c);
            c.hash = h;
        }
    }
    clear_case(&c);
    fclose(f);
}

static void check_counts(const int per_hash[7], const char *what)
{
    /* Every SHA variant must be exercised (the subset has 3 cases per section). */
    const uint16_t want[] = { ISAKMP_HASH_SHA1, ISAKMP_HASH_SHA2_256, ISAKMP_HASH_SHA2_384,
                              ISAKMP_HASH_SHA2_512 };
    for (size_t i = 0; i < 4; i++)
        CHECK_MSG(per_hash[want[i]] >= 3, "%s: only %d cases for hash %u", what,
                  per_hash[want[i]], want[i]);
}

static void cavp_psk(void)
{
    int per_hash[7] = { 0 };
    cases_run = cases_failed = 0;
    run_file("vectors/cavp_ikev1_psk_subset.txt", true, per_hash);
    check_counts(per_hash, "psk");
    CHECK_INT(cases_failed, 0);
    printf("# cavp psk: %d cases\n", cases_run);
}

static void cavp_sig(void)
{
    int per_hash[7] = { 0 };
    cases_run = cases_failed = 0;
    run_file("vectors/cavp_ikev1_sig_subset.txt", false, per_hash);
    check_counts(per_hash, "sig");
    CHECK_INT(cases_failed, 0);
    printf("# cavp sig: %d cases\n", cases_run);
}

int main(void)
{
    RUN(cavp_psk);
    RUN(cavp_sig);
    return check_summary();
}
