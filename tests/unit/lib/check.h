/* A small test harness: each test program registers cases with RUN(),
 * each CHECK reports file:line on failure and the case goes on, and the
 * program prints one "ok - NAME" or "not ok - NAME" line per case.
 * tests/run adds the lines of every program into "N passed, N failed". */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void check_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_run(const char *name, void (*fn)(void));
int check_summary(void); /* exit status for main() */

/* Run one test function; its name is printed in the result line. */
#define RUN(fn) check_run(#fn, fn)
/* Same, for one case of a table-driven test: the name is given. */
#define RUN_NAMED(name, fn) check_run((name), (fn))

#define CHECK(cond) \
    do { if (!(cond)) check_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)
#define CHECK_MSG(cond, ...) \
    do { if (!(cond)) check_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)
#define CHECK_INT(a, b) \
    do { long long a_ = (long long)(a), b_ = (long long)(b); \
         if (a_ != b_) check_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, a_, #b, b_); } while (0)
#define CHECK_STR(a, b) \
    do { const char *a_ = (a), *b_ = (b); \
         if (!a_ || !b_ || strcmp(a_, b_) != 0) check_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)
/* Compare two byte strings; on failure print both in hex. */
#define CHECK_MEM(a, alen, b, blen) check_mem(__FILE__, __LINE__, #a, (a), (alen), (b), (blen))
void check_mem(const char *file, int line, const char *what,
               const void *a, size_t alen, const void *b, size_t blen);

/* Fail the current case and return from it. */
#define REQUIRE(cond) \
    do { if (!(cond)) { check_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond); return; } } while (0)

#endif
