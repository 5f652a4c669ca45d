/* The scenario reader's plumbing: FILE:LINE errors, typed getters that
 * refuse wrong types and units, and "PATH=VALUE" overrides applied to the
 * libconfig tree before it is interpreted. */
#include "scenario_parse.h"
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------- */

bool scn_fail(struct scn_ctx *c, const config_setting_t *at, const char *fmt, ...)
{
    if (c->failed)
        return false;
    c->failed = true;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A value set by an override names the override (it has no line);
     * a group an override created names its nearest ancestor with one. */
    const config_setting_t *s = at;
    const char *override = NULL;
    int line = 0;
    for (; s; s = config_setting_parent(s)) {
        override = config_setting_get_hook(s);
        if (override)
            break;
        line = (int)config_setting_source_line(s);
        if (line > 0)
            break;
    }
    const char *file = c->file;
    if (s && !override && config_setting_source_file(s))
        file = config_setting_source_file(s);
    if (override)
        snprintf(c->err, c->errlen, "%s: --set %s: %s", c->file, override, msg);
    else if (line > 0)
        snprintf(c->err, c->errlen, "%s:%d: %s", file, line, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->file, msg);
    return false;
}

void scn_join(const char *const *names, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

char *scn_strdup(struct scn_ctx *c, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        scn_fail(c, NULL, "out of memory");
    return d;
}

void *scn_calloc(struct scn_ctx *c, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        scn_fail(c, NULL, "out of memory");
    return p;
}

bool scn_check_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *const *allowed)
{
    int n = config_setting_length(g);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        bool ok = false;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = name && strcmp(name, allowed[k]) == 0;
        if (!ok) {
            char list[512];
            scn_join(allowed, list, sizeof list);
            return scn_fail(c, m, "%s: unknown setting '%s' (known: %s)", what,
                            name ? name : "?", list);
        }
    }
    return true;
}

bool scn_expect_group(struct scn_ctx *c, const config_setting_t *g, const char *what)
{
    if (!config_setting_is_group(g))
        return scn_fail(c, g, "%s must be a group { ... }", what);
    return true;
}

/* Member `key` of g; NULL when absent (an error if required). */
static config_setting_t *member(struct scn_ctx *c, const config_setting_t *g, const char *what,
                                const char *key, bool required, bool *ok)
{
    config_setting_t *m = config_setting_get_member(g, key);
    *ok = m != NULL || !required;
    if (!m && required)
        scn_fail(c, g, "%s: missing '%s'", what, key);
    return m;
}

bool scn_get_string(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *key, bool required, const char **out)
{
    bool ok;
    config_setting_t *m = member(c, g, what, key, required, &ok);
    if (!m)
        return ok;
    if (config_setting_type(m) != CONFIG_TYPE_STRING)
        return scn_fail(c, m, "%s: '%s' must be a string in double quotes", what, key);
    *out = config_setting_get_string(m);
    return true;
}

bool scn_get_bool(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, bool *out)
{
    bool ok;
    config_setting_t *m = member(c, g, what, key, required, &ok);
    if (!m)
        return ok;
    if (config_setting_type(m) != CONFIG_TYPE_BOOL)
        return scn_fail(c, m, "%s: '%s' must be true or false", what, key);
    *out = config_setting_get_bool(m) != 0;
    return true;
}

bool scn_get_int(struct scn_ctx *c, const config_setting_t *g, const char *what,
                 const char *key, bool required, long long min, long long max, long long *out)
{
    bool ok;
    config_setting_t *m = member(c, g, what, key, required, &ok);
    if (!m)
        return ok;
    int t = config_setting_type(m);
    if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
        return scn_fail(c, m, "%s: '%s' must be an integer", what, key);
    long long v = config_setting_get_int64(m);
    if (v < min || v > max)
        return scn_fail(c, m, "%s: '%s' must be between %lld and %lld (not %lld)", what, key,
                        min, max, v);
    *out = v;
    return true;
}

bool scn_get_u32(struct scn_ctx *c, const config_setting_t *g, const char *what,
                 const char *key, bool required, uint32_t min, uint32_t max, uint32_t *out)
{
    long long v = *out;
    if (!scn_get_int(c, g, what, key, required, min, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool scn_get_double(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *key, bool required, double min, double max, double *out)
{
    bool ok;
    config_setting_t *m = member(c, g, what, key, required, &ok);
    if (!m)
        return ok;
    int t = config_setting_type(m);
    double v;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
        v = (double)config_setting_get_int64(m);
    else if (t == CONFIG_TYPE_FLOAT)
        v = config_setting_get_float(m);
    else
        return scn_fail(c, m, "%s: '%s' must be a number", what, key);
    if (!(v >= min && v <= max))
        return scn_fail(c, m, "%s: '%s' must be between %g and %g (not %g)", what, key,
                        min, max, v);
    *out = v;
    return true;
}

/* A quantity: string with unit via `parse`, or a number of base units. */
static bool get_quantity(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         const char *key, bool required, bool (*parse)(const char *, uint64_t *),
                         double base_per_number, const char *expected, uint64_t *out)
{
    bool ok;
    config_setting_t *m = member(c, g, what, key, required, &ok);
    if (!m)
        return ok;
    int t = config_setting_type(m);
    uint64_t v;
    bool good = false;
    if (t == CONFIG_TYPE_STRING) {
        good = parse(config_setting_get_string(m), &v);
    } else if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT) {
        double d = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(m)
                                          : (double)config_setting_get_int64(m);
        good = d >= 0 && d * base_per_number < 1.8e19;
        if (good)
            v = (uint64_t)(d * base_per_number + 0.5);
    }
    if (!good)
        return scn_fail(c, m, "%s: '%s' must be %s", what, key, expected);
    *out = v;
    return true;
}

bool scn_get_duration(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      const char *key, bool required, uint64_t *out_ns)
{
    return get_quantity(c, g, what, key, required, isakmp_parse_duration, 1e9,
                        "a duration like \"10ms\" or a number of seconds", out_ns);
}

bool scn_get_rate(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, uint64_t *out_bps)
{
    return get_quantity(c, g, what, key, required, isakmp_parse_rate, 1,
                        "a rate like \"10Mbps\" or a number of bit/s", out_bps);
}

bool scn_get_size(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, uint64_t *out_bytes)
{
    return get_quantity(c, g, what, key, required, isakmp_parse_size, 1,
                        "a size like \"64KiB\" or a number of bytes", out_bytes);
}

bool scn_get_enum(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, const char *const *names, int *out)
{
    const char *v = NULL;
    if (!scn_get_string(c, g, what, key, required, &v))
        return false;
    if (!v)
        return true;
    for (int i = 0; names[i]; i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    char list[256];
    scn_join(names, list, sizeof list);
    return scn_fail(c, config_setting_get_member(g, key), "%s: '%s' must be one of %s (not \"%s\")",
                    what, key, list, v);
}

bool scn_get_node_ref(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      const char *key, bool required, int *out)
{
    const char *v = NULL;
    if (!scn_get_string(c, g, what, key, required, &v))
        return false;
    if (!v)
        return true;
    int i = isakmp_scenario_node(c->s, v);
    if (i < 0)
        return scn_fail(c, config_setting_get_member(g, key), "%s: '%s': unknown node '%s'",
                        what, key, v);
    *out = i;
    return true;
}

bool scn_get_path(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, char **out)
{
    const char *v = NULL;
    if (!scn_get_string(c, g, what, key, required, &v))
        return false;
    if (!v)
        return true;
    if (!*v)
        return scn_fail(c, config_setting_get_member(g, key), "%s: '%s' is an empty file name",
                        what, key);
    char *p;
    if (v[0] == '/' || !c->dir || !*c->dir) {
        p = strdup(v);
    } else {
        size_t n = strlen(c->dir) + strlen(v) + 2;
        p = malloc(n);
        if (p)
            snprintf(p, n, "%s/%s", c->dir, v);
    }
    if (!p)
        return scn_fail(c, NULL, "out of memory");
    free(*out);
    *out = p;
    return true;
}

/* ---- overrides -------------------------------------------------------------- */

char *scn_value_text(const config_setting_t *s)
{
    char buf[64];
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        snprintf(buf, sizeof buf, "%lld", config_setting_get_int64(s));
        return strdup(buf);
    case CONFIG_TYPE_FLOAT: {
        /* the shortest text that reads back as the same double */
        double d = config_setting_get_float(s);
        for (int prec = 6; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        if (!strpbrk(buf, ".eEni"))   /* keep it a float when read back */
            strcat(buf, ".0");
        return strdup(buf);
    }
    case CONFIG_TYPE_BOOL:
        return strdup(config_setting_get_bool(s) ? "true" : "false");
    case CONFIG_TYPE_STRING:
        return strdup(config_setting_get_string(s));
    default:
        return NULL;
    }
}

enum vkind { V_BOOL, V_INT, V_FLOAT, V_STRING };

static enum vkind value_kind(const char *v, bool *b, long long *i, double *d)
{
    if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
        *b = v[0] == 't';
        return V_BOOL;
    }
    char *end;
    errno = 0;
    long long ll = strtoll(v, &end, 0);
    if (*v && *end == '\0' && errno == 0 && !isspace((unsigned char)v[0])) {
        *i = ll;
        return V_INT;
    }
    double dd = strtod(v, &end);
    if (*v && *end == '\0' && !isspace((unsigned char)v[0]) &&
        !strpbrk(v, "nNiIxX")) { /* no inf/nan/hex floats */
        *d = dd;
        return V_FLOAT;
    }
    return V_STRING;
}

/* Set scalar s (an existing one, or one just added) from text v. */
static bool set_value(config_setting_t *s, const char *v, bool quoted)
{
    bool b = false;
    long long i = 0;
    double d = 0;
    enum vkind k = quoted ? V_STRING : value_kind(v, &b, &i, &d);
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_STRING:
        return config_setting_set_string(s, v) == CONFIG_TRUE;
    case CONFIG_TYPE_BOOL:
        return k == V_BOOL && config_setting_set_bool(s, b) == CONFIG_TRUE;
    case CONFIG_TYPE_INT:
        if (k == V_INT && i >= INT32_MIN && i <= INT32_MAX)
            return config_setting_set_int(s, (int)i) == CONFIG_TRUE;
        return false;
    case CONFIG_TYPE_INT64:
        return k == V_INT && config_setting_set_int64(s, i) == CONFIG_TRUE;
    case CONFIG_TYPE_FLOAT:
        if (k == V_INT)
            d = (double)i, k = V_FLOAT;
        return k == V_FLOAT && config_setting_set_float(s, d) == CONFIG_TRUE;
    default:
        return false;
    }
}

static int type_of(const char *v, bool quoted)
{
    bool b;
    long long i;
    double d;
    if (quoted)
        return CONFIG_TYPE_STRING;
    switch (value_kind(v, &b, &i, &d)) {
    case V_BOOL: return CONFIG_TYPE_BOOL;
    case V_INT: return (i >= INT32_MIN && i <= INT32_MAX) ? CONFIG_TYPE_INT : CONFIG_TYPE_INT64;
    case V_FLOAT: return CONFIG_TYPE_FLOAT;
    default: return CONFIG_TYPE_STRING;
    }
}

static bool is_index(const char *comp, unsigned *idx)
{
    const char *p = comp;
    bool br = *p == '[';
    if (br)
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    unsigned long v = strtoul(p, &end, 10);
    if (br ? (end[0] != ']' || end[1] != '\0') : *end != '\0')
        return false;
    if (v > 1000000)
        return false;
    *idx = (unsigned)v;
    return true;
}

bool scn_apply_override(struct scn_ctx *c, config_t *cfg, const char *text)
{
    const char *eq = strchr(text, '=');
    char path[512];
    char value[1024];
    if (!eq)
        return scn_fail(c, NULL, "--set %s: expected PATH=VALUE", text);
    size_t plen = (size_t)(eq - text);
    while (plen > 0 && isspace((unsigned char)text[plen - 1]))
        plen--;
    const char *v = eq + 1;
    while (isspace((unsigned char)*v))
        v++;
    size_t vlen = strlen(v);
    while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
        vlen--;
    if (plen == 0 || plen >= sizeof path || vlen >= sizeof value)
        return scn_fail(c, NULL, "--set %s: expected PATH=VALUE", text);
    memcpy(path, text, plen);
    path[plen] = '\0';
    bool quoted = vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"';
    if (quoted)
        memcpy(value, v + 1, vlen - 2), value[vlen - 2] = '\0';
    else
        memcpy(value, v, vlen), value[vlen] = '\0';

    config_setting_t *cur = config_root_setting(cfg);
    char *save = NULL;
    char *comp = strtok_r(path, ".", &save);
    if (!comp)
        return scn_fail(c, NULL, "--set %s: empty setting path", text);
    while (comp) {
        char *next = strtok_r(NULL, ".", &save);
        unsigned idx;
        bool index = is_index(comp, &idx);
        config_setting_t *child;
        if (index) {
            if (!config_setting_is_aggregate(cur))
                return scn_fail(c, NULL, "--set %s: '%s' is not a list", text, comp);
            child = config_setting_get_elem(cur, idx);
            if (!child)
                return scn_fail(c, NULL, "--set %s: there is no element %u", text, idx);
        } else {
            if (!config_setting_is_group(cur))
                return scn_fail(c, NULL, "--set %s: cannot name '%s' inside a list or value",
                                text, comp);
            child = config_setting_get_member(cur, comp);
            if (!child) {
                child = config_setting_add(cur, comp,
                                           next ? CONFIG_TYPE_GROUP : type_of(value, quoted));
                if (!child)
                    return scn_fail(c, NULL, "--set %s: '%s' is not a valid setting name",
                                    text, comp);
                if (!next && !set_value(child, value, quoted))
                    return scn_fail(c, NULL, "--set %s: bad value", text);
            } else if (!next && config_setting_is_scalar(child) &&
                       !set_value(child, value, quoted)) {
                /* The value does not fit the file's type: a group member is
                 * replaced by one of the value's own type, so the reader
                 * judges it ("must be an integer") as it would in the file;
                 * an array element cannot change type. */
                if (!config_setting_is_group(cur))
                    return scn_fail(c, NULL, "--set %s: the list holds values of another type",
                                    text);
                config_setting_remove(cur, comp);
                child = config_setting_add(cur, comp, type_of(value, quoted));
                if (!child || !set_value(child, value, quoted))
                    return scn_fail(c, NULL, "--set %s: bad value", text);
            }
        }
        if (!next) {
            if (!config_setting_is_scalar(child))
                return scn_fail(c, NULL, "--set %s: '%s' is a group or list, not a single value",
                                text, comp);
            config_setting_set_hook(child, (void *)text);
            return true;
        }
        cur = child;
        comp = next;
    }
    return true;
}

/* libconfig 1.5 reads an integer beyond 32 bits written without the L
 * suffix as a wrapped-around 32-bit value, silently; find such literals in
 * the text (outside strings and comments) and refuse them. */
bool scn_check_big_ints(struct scn_ctx *c, const char *t)
{
    int line = 1;
    for (const char *p = t; *p; p++) {
        if (*p == '\n') {
            line++;
        } else if (*p == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && p[1])
                    p++;
                else if (*p == '\n')
                    line++;
            }
            if (!*p)
                return true;          /* libconfig reports the syntax error */
        } else if (*p == '#' || (*p == '/' && p[1] == '/')) {
            while (p[1] && p[1] != '\n')
                p++;
        } else if (*p == '/' && p[1] == '*') {
            for (p += 2; *p && !(*p == '*' && p[1] == '/'); p++)
                if (*p == '\n')
                    line++;
            if (!*p)
                return true;
            p++;
        } else if (isdigit((unsigned char)*p) && (p == t || !(isalnum((unsigned char)p[-1]) ||
                                                        p[-1] == '_' || p[-1] == '.'))) {
            const char *s = p;
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                for (p += 2; isxdigit((unsigned char)*p); p++)
                    ;
            } else {
                while (isdigit((unsigned char)*p))
                    p++;
            }
            bool hex = s[1] == 'x' || s[1] == 'X';
            bool wide = *p == 'L' || *p == '.' || (!hex && (*p == 'e' || *p == 'E'));
            if (!wide && strtoull(s, NULL, 0) > 2147483648ull) {
                snprintf(c->err, c->errlen, "%s:%d: integer %.*s does not fit in 32 bits: write "
                         "%.*sL (or, for a quantity, a string with a unit)", c->file, line,
                         (int)(p - s), s, (int)(p - s), s);
                c->failed = true;
                return false;
            }
            p--;
        }
    }
    return true;
}
