#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int case_failed;
static int n_passed, n_failed;

void check_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "#   %s:%d: ", file, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    case_failed = 1;
}

void check_mem(const char *file, int line, const char *what,
               const void *a, size_t alen, const void *b, size_t blen)
{
    if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
        return;
    check_fail(file, line, "%s differs (%zu vs %zu bytes)", what, alen, blen);
    const unsigned char *pa = a, *pb = b;
    fputs("#     got:      ", stdout);
    for (size_t i = 0; i < alen && i < 64; i++) printf("%02x", pa[i]);
    fputs(alen > 64 ? "...\n#     expected: " : "\n#     expected: ", stdout);
    for (size_t i = 0; i < blen && i < 64; i++) printf("%02x", pb[i]);
    fputs(blen > 64 ? "...\n" : "\n", stdout);
}

void check_run(const char *name, void (*fn)(void))
{
    case_failed = 0;
    fn();
    if (case_failed) {
        n_failed++;
        printf("not ok - %s\n", name);
    } else {
        n_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

int check_summary(void)
{
    printf("# %d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
