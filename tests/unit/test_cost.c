/* The crypto cost table: lookup rules, the default model, and the text
 * format (round trip; every error names file:line). */
#include "lib/check.h"
#include "lib/testutil.h"
#include "isakmp/cost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct isakmp_cost_table t;

static void model_is_the_documented_formula(void)
{
    /* MODP: 300000 ns x (e/256) x (m/2048)^2 */
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 14, 256), 300000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_GENERATE, 14, 2047), 300000ull * 2047 / 256);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 18, 256), 300000ull * 16);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 2, 256), 300000ull / 4);
    /* ECP: cubic in field bits, generate = compute / 3 */
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 19, 256), 95000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_GENERATE, 19, 256), 95000 / 3);
    CHECK(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 21, 521) >
          isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 20, 384));
    /* RSA: private cubic, public quadratic in modulus bits */
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_RSA_SIGN, 0, 2048), 1500000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_RSA_DECRYPT, 0, 4096), 12000000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_RSA_VERIFY, 0, 4096), 180000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_PRF, 0, 0), 2000);
    CHECK_INT(isakmp_cost_model(ISAKMP_COST_DH_COMPUTE, 99, 256), 0);   /* unknown group */
}

static void lookup_rules(void)
{
    isakmp_cost_table_init(&t);
    CHECK_INT(isakmp_cost_lookup(NULL, ISAKMP_COST_DH_COMPUTE, 14, 256), 0);
    /* empty table = the model */
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 256), 300000);
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 14, 256, 1000));
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 14, 2048, 9000));
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 256), 1000);   /* exact */
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 512), 2000);   /* scaled */
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 2047), 9000ull * 2047 / 2048);
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_GENERATE, 14, 256), 300000); /* other kind */
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 14, 256, 1100));           /* replace */
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 256), 1100);
    CHECK_INT(t.n, 2);
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_RSA_SIGN, 0, 1024, 100000));
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_RSA_SIGN, 0, 2048), 800000);    /* x 2^3 */
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_CHEAP, 0, 0, 777));
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_PRF, 0, 0), 777);               /* falls to cheap */
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_PRF, 0, 0, 50));
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_PRF, 0, 0), 50);
    t.model_fallback = false;
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 19, 256), 0);
    CHECK(!isakmp_cost_set(&t, ISAKMP_COST_KIND_COUNT, 0, 0, 1));
    /* full table */
    isakmp_cost_table_init(&t);
    for (unsigned i = 0; i < ISAKMP_COST_MAX_ENTRIES; i++)
        CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 1, i + 1, i));
    CHECK(!isakmp_cost_set(&t, ISAKMP_COST_DH_COMPUTE, 1, 100000, 1));
}

static void text_round_trip(void)
{
    static const char text[] =
        "# measured by hand\n"
        "model off\n"
        "dh-generate 14 320 250000   # short exponent\n"
        "\n"
        "dh-compute\t14\t2047\t2300000\r\n"
        "rsa-sign - 2048 1400000\n"
        "cheap 0 0 1500";            /* no final newline */
    isakmp_cost_table_init(&t);
    char err[200] = "";
    CHECK_MSG(isakmp_cost_table_parse(&t, text, strlen(text), "t.cost", err, sizeof err),
              "%s", err);
    CHECK_INT(t.n, 4);
    CHECK(!t.model_fallback);
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_DH_COMPUTE, 14, 2047), 2300000);
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_RSA_SIGN, 0, 2048), 1400000);
    CHECK_INT(isakmp_cost_lookup(&t, ISAKMP_COST_COOKIE, 0, 0), 1500);
    /* format, parse again, same table */
    size_t need = isakmp_cost_table_format(&t, NULL, 0);
    char *buf = malloc(need + 1);
    REQUIRE(buf != NULL);
    CHECK_INT(isakmp_cost_table_format(&t, buf, need + 1), need);
    CHECK_INT(strlen(buf), need);
    struct isakmp_cost_table u;
    isakmp_cost_table_init(&u);
    CHECK_MSG(isakmp_cost_table_parse(&u, buf, need, "fmt", err, sizeof err), "%s", err);
    CHECK_INT(u.n, t.n);
    CHECK(!u.model_fallback);
    CHECK(memcmp(u.e, t.e, t.n * sizeof t.e[0]) == 0);
    /* truncated output is still a C string */
    char small[10];
    CHECK_INT(isakmp_cost_table_format(&t, small, sizeof small), need);
    CHECK_INT(strlen(small), 9);
    free(buf);
}

static const char *bad_case[][2] = {
    { "dh-compute 14 256\n", "t.cost:1: expected 4 fields" },
    { "# ok\nfrobnicate 1 2 3\n", "t.cost:2: unknown kind 'frobnicate'" },
    { "\n\ndh-compute 65536 256 1\n", "t.cost:3: bad GROUP '65536'" },
    { "dh-compute 14 -5 1\n", "t.cost:1: bad BITS '-5'" },
    { "dh-compute 14 256 12x\n", "t.cost:1: bad NS '12x'" },
    { "dh-compute 14 256 18446744073709551616\n", "t.cost:1: bad NS" },
    { "dh-compute 14 256 1 2\n", "t.cost:1: expected 4 fields (KIND GROUP BITS NS), got more" },
    { "model maybe\n", "t.cost:1: expected \"model on\" or \"model off\"" },
    { "cheap 0 0 -\n", "t.cost:1: bad NS '-'" },
};

static void parse_errors_name_file_and_line(void)
{
    for (size_t i = 0; i < sizeof bad_case / sizeof bad_case[0]; i++) {
        isakmp_cost_table_init(&t);
        char err[200] = "";
        bool ok = isakmp_cost_table_parse(&t, bad_case[i][0], strlen(bad_case[i][0]),
                                          "t.cost", err, sizeof err);
        CHECK_MSG(!ok, "case %zu accepted", i);
        CHECK_MSG(strncmp(err, bad_case[i][1], strlen(bad_case[i][1])) == 0,
                  "case %zu: \"%s\", expected \"%s...\"", i, err, bad_case[i][1]);
    }
    /* a NUL byte and an over-long line */
    char err[200];
    CHECK(!isakmp_cost_table_parse(&t, "cheap 0\0 0 1\n", 13, "n", err, sizeof err));
    CHECK(strncmp(err, "n:1: NUL byte", 13) == 0);
    char longline[400];
    memset(longline, 'a', sizeof longline);
    CHECK(!isakmp_cost_table_parse(&t, longline, sizeof longline, "l", err, sizeof err));
    CHECK(strncmp(err, "l:1: line longer", 16) == 0);
    /* lines before the error were applied */
    isakmp_cost_table_init(&t);
    const char *two = "cheap 0 0 5\nbad\n";
    CHECK(!isakmp_cost_table_parse(&t, two, strlen(two), "x", err, sizeof err));
    CHECK_INT(t.n, 1);
    /* a tiny error buffer is still terminated */
    char tiny[4];
    CHECK(!isakmp_cost_table_parse(&t, "bad\n", 4, "x", tiny, sizeof tiny));
    CHECK_INT(strlen(tiny), 3);
}

static void file_load_save(void)
{
    char path[] = "/tmp/test_cost_XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    isakmp_cost_table_init(&t);
    CHECK(isakmp_cost_set(&t, ISAKMP_COST_DH_GENERATE, 19, 256, 31000));
    char err[300] = "";
    CHECK_MSG(isakmp_cost_table_save(&t, path, err, sizeof err), "%s", err);
    struct isakmp_cost_table u;
    isakmp_cost_table_init(&u);
    CHECK_MSG(isakmp_cost_table_load(&u, path, err, sizeof err), "%s", err);
    CHECK_INT(isakmp_cost_lookup(&u, ISAKMP_COST_DH_GENERATE, 19, 256), 31000);
    /* an error in a file names the file and line */
    FILE *f = fopen(path, "w");
    REQUIRE(f != NULL);
    fputs("# header\ncheap 0 0 1\ndh-compute x 1 1\n", f);
    fclose(f);
    CHECK(!isakmp_cost_table_load(&u, path, err, sizeof err));
    char want[200];
    snprintf(want, sizeof want, "%s:3: bad GROUP 'x'", path);
    CHECK_MSG(strncmp(err, want, strlen(want)) == 0, "got \"%s\"", err);
    unlink(path);
    CHECK(!isakmp_cost_table_load(&u, path, err, sizeof err));
    CHECK_MSG(strstr(err, path) && strstr(err, "No such file"), "got \"%s\"", err);
}

static void kind_names(void)
{
    for (int k = 0; k < ISAKMP_COST_KIND_COUNT; k++) {
        enum isakmp_cost_kind back;
        const char *n = isakmp_cost_kind_name((enum isakmp_cost_kind)k);
        REQUIRE(n != NULL);
        CHECK(isakmp_cost_kind_parse(n, &back));
        CHECK_INT(back, k);
    }
    CHECK(isakmp_cost_kind_name(ISAKMP_COST_KIND_COUNT) == NULL);
}

int main(void)
{
    RUN(model_is_the_documented_formula);
    RUN(lookup_rules);
    RUN(text_round_trip);
    RUN(parse_errors_name_file_and_line);
    RUN(file_load_save);
    RUN(kind_names);
    return check_summary();
}
