/* The cost table's text format (see isakmp/cost.h): parse and format in
 * memory, plus load/save file wrappers used by drivers only. */
#include "isakmp/cost.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 256                /* longer lines are refused */
#define FILE_MAX_LEN (1u << 20)         /* a cost table is a few KB */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Decimal digits only (no sign, no spaces), value <= max; "-" = 0 when
 * dash_ok. */
static bool parse_uint(const char *s, uint64_t max, bool dash_ok, uint64_t *out)
{
    if (dash_ok && strcmp(s, "-") == 0) {
        *out = 0;
        return true;
    }
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Split line (modified in place) into at most 5 whitespace-separated
 * fields; returns the count (5 means "too many"). */
static int split(char *line, char *f[5])
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, " \t\r", &save); tok && n < 5;
         tok = strtok_r(NULL, " \t\r", &save))
        f[n++] = tok;
    return n;
}

static bool parse_line(struct isakmp_cost_table *t, char *line,
                       char *msg, size_t msglen)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *f[5];
    int n = split(line, f);
    if (n == 0)
        return true;
    if (strcmp(f[0], "model") == 0) {
        if (n == 2 && strcmp(f[1], "on") == 0) {
            t->model_fallback = true;
            return true;
        }
        if (n == 2 && strcmp(f[1], "off") == 0) {
            t->model_fallback = false;
            return true;
        }
        snprintf(msg, msglen, "expected \"model on\" or \"model off\"");
        return false;
    }
    enum isakmp_cost_kind kind;
    if (!isakmp_cost_kind_parse(f[0], &kind)) {
        snprintf(msg, msglen, "unknown kind '%.40s'", f[0]);
        return false;
    }
    if (n != 4) {
        snprintf(msg, msglen, "expected 4 fields (KIND GROUP BITS NS), got %s",
                 n > 4 ? "more" : n == 3 ? "3" : n == 2 ? "2" : "1");
        return false;
    }
    uint64_t group, bits, ns;
    if (!parse_uint(f[1], UINT16_MAX, true, &group)) {
        snprintf(msg, msglen, "bad GROUP '%.40s' (0-65535 or -)", f[1]);
        return false;
    }
    if (!parse_uint(f[2], UINT32_MAX, true, &bits)) {
        snprintf(msg, msglen, "bad BITS '%.40s' (0-4294967295 or -)", f[2]);
        return false;
    }
    if (!parse_uint(f[3], UINT64_MAX, false, &ns)) {
        snprintf(msg, msglen, "bad NS '%.40s' (a decimal integer)", f[3]);
        return false;
    }
    if (!isakmp_cost_set(t, kind, (uint16_t)group, (uint32_t)bits, ns)) {
        snprintf(msg, msglen, "table full (%d entries)", ISAKMP_COST_MAX_ENTRIES);
        return false;
    }
    return true;
}

bool isakmp_cost_table_parse(struct isakmp_cost_table *t, const char *text,
                             size_t len, const char *name,
                             char *err, size_t errlen)
{
    if (!name)
        name = "<cost table>";
    size_t pos = 0;
    unsigned lineno = 0;
    char line[LINE_MAX_LEN + 1];
    char msg[160];
    while (pos < len) {
        lineno++;
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t n = end - pos;
        if (n > LINE_MAX_LEN) {
            set_err(err, errlen, "%s:%u: line longer than %d characters",
                    name, lineno, LINE_MAX_LEN);
            return false;
        }
        if (memchr(text + pos, '\0', n)) {
            set_err(err, errlen, "%s:%u: NUL byte in line", name, lineno);
            return false;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        if (!parse_line(t, line, msg, sizeof msg)) {
            set_err(err, errlen, "%s:%u: %s", name, lineno, msg);
            return false;
        }
        pos = end + 1;
    }
    return true;
}

size_t isakmp_cost_table_format(const struct isakmp_cost_table *t,
                                char *buf, size_t cap)
{
    size_t used = 0;
    /* Append like snprintf, counting what would be needed. */
#define APPEND(...)                                                         \
    do {                                                                    \
        int r_ = snprintf(used < cap ? buf + used : NULL,                   \
                          used < cap ? cap - used : 0, __VA_ARGS__);        \
        if (r_ > 0) used += (size_t)r_;                                     \
    } while (0)
    if (cap > 0)
        buf[0] = '\0';
    APPEND("# isakmp cost table: KIND GROUP BITS NS (virtual nanoseconds)\n");
    APPEND("model %s\n", t->model_fallback ? "on" : "off");
    for (size_t i = 0; i < t->n && i < ISAKMP_COST_MAX_ENTRIES; i++) {
        const struct isakmp_cost_entry *e = &t->e[i];
        const char *k = isakmp_cost_kind_name(e->kind);
        if (!k)
            continue;
        APPEND("%s %u %u %llu\n", k, (unsigned)e->group, (unsigned)e->bits,
               (unsigned long long)e->ns);
    }
#undef APPEND
    return used;
}

bool isakmp_cost_table_load(struct isakmp_cost_table *t, const char *path,
                            char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char *text = malloc(FILE_MAX_LEN + 1);
    if (!text) {
        fclose(f);
        set_err(err, errlen, "%s: out of memory", path);
        return false;
    }
    size_t len = fread(text, 1, FILE_MAX_LEN + 1, f);
    bool read_error = ferror(f) != 0;
    fclose(f);
    bool ok = false;
    if (read_error)
        set_err(err, errlen, "%s: read error", path);
    else if (len > FILE_MAX_LEN)
        set_err(err, errlen, "%s: larger than %u bytes", path, FILE_MAX_LEN);
    else
        ok = isakmp_cost_table_parse(t, text, len, path, err, errlen);
    free(text);
    return ok;
}

bool isakmp_cost_table_save(const struct isakmp_cost_table *t, const char *path,
                            char *err, size_t errlen)
{
    size_t need = isakmp_cost_table_format(t, NULL, 0);
    char *text = malloc(need + 1);
    if (!text) {
        set_err(err, errlen, "%s: out of memory", path);
        return false;
    }
    isakmp_cost_table_format(t, text, need + 1);
    FILE *f = fopen(path, "w");
    if (!f) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        free(text);
        return false;
    }
    bool ok = fwrite(text, 1, need, f) == need;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        set_err(err, errlen, "%s: write error", path);
    free(text);
    return ok;
}
