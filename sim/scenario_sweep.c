/* The scenario reader, sweeps: the `sweep` group (parameters as lists or
 * ranges, replications) and its expansion into runs, each a set of
 * "PATH=VALUE" overrides for isakmp_scenario_load. */
#include "scenario_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 10000
#define MAX_RUNS 1000000

static char *format_double(double d)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {   /* shortest that reads back */
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (!strpbrk(buf, ".eEni"))
        strcat(buf, ".0");
    return strdup(buf);
}

static bool is_number(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static double number(const config_setting_t *s)
{
    return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                       : (double)config_setting_get_int64(s);
}

static bool add_value(struct scn_ctx *c, struct isakmp_scn_sweep_param *p, char *v)
{
    if (!v)
        return scn_fail(c, NULL, "out of memory");
    p->values[p->n_values++] = v;
    return true;
}

static bool parse_range(struct scn_ctx *c, const config_setting_t *g, const char *w,
                        struct isakmp_scn_sweep_param *p)
{
    const config_setting_t *a = config_setting_get_member(g, "start");
    const config_setting_t *b = config_setting_get_member(g, "stop");
    const config_setting_t *st = config_setting_get_member(g, "step");
    if (!a || !b || !st)
        return scn_fail(c, g, "%s: a range needs 'start', 'stop' and 'step'", w);
    if (!is_number(a) || !is_number(b) || !is_number(st))
        return scn_fail(c, g, "%s: 'start', 'stop' and 'step' must be numbers", w);
    bool ints = config_setting_type(a) != CONFIG_TYPE_FLOAT &&
                config_setting_type(b) != CONFIG_TYPE_FLOAT &&
                config_setting_type(st) != CONFIG_TYPE_FLOAT;
    double x0 = number(a), x1 = number(b), dx = number(st);
    if (dx == 0 || (x1 - x0) / dx < 0)
        return scn_fail(c, st, "%s: 'step' must be non-zero and lead from 'start' to 'stop'", w);
    double span = (x1 - x0) / dx;
    if (span >= MAX_VALUES)
        return scn_fail(c, g, "%s: more than %d values", w, MAX_VALUES);
    size_t n = (size_t)floor(span + 1e-9) + 1;   /* stop included when reached */
    if (!(p->values = scn_calloc(c, n, sizeof *p->values)))
        return false;
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        if (ints) {
            snprintf(buf, sizeof buf, "%lld",
                     config_setting_get_int64(a) + (long long)i * config_setting_get_int64(st));
            if (!add_value(c, p, strdup(buf)))
                return false;
        } else if (!add_value(c, p, format_double(x0 + (double)i * dx))) {
            return false;
        }
    }
    return true;
}

static bool parse_param(struct scn_ctx *c, const config_setting_t *g, size_t index,
                        struct isakmp_scn_sweep_param *p)
{
    static const char *const keys[] = { "path", "values", "start", "stop", "step", NULL };
    char w[64];
    snprintf(w, sizeof w, "sweep parameter %zu", index + 1);
    const char *path = NULL;
    if (!scn_expect_group(c, g, w) || !scn_check_keys(c, g, w, keys) ||
        !scn_get_string(c, g, w, "path", true, &path))
        return false;
    if (!*path || strchr(path, '=') || strncmp(path, "sweep.", 6) == 0 || strcmp(path, "sweep") == 0)
        return scn_fail(c, config_setting_get_member(g, "path"),
                        "%s: 'path' must name a setting outside 'sweep', like \"attack.flood.rate\"", w);
    if (!(p->path = scn_strdup(c, path)))
        return false;
    const config_setting_t *values = config_setting_get_member(g, "values");
    bool range = config_setting_get_member(g, "start") || config_setting_get_member(g, "stop") ||
                 config_setting_get_member(g, "step");
    if (values && range)
        return scn_fail(c, values, "%s: give 'values' or a range (start, stop, step), not both", w);
    if (!values)
        return range ? parse_range(c, g, w, p)
                     : scn_fail(c, g, "%s: give 'values' = [...] or start, stop and step", w);
    size_t n = (size_t)config_setting_length(values);
    if (!(config_setting_is_array(values) || config_setting_is_list(values)) || n == 0 ||
        n > MAX_VALUES)
        return scn_fail(c, values, "%s: 'values' must be a non-empty array [1, 2] or list (\"a\", 2)", w);
    if (!(p->values = scn_calloc(c, n, sizeof *p->values)))
        return false;
    for (size_t i = 0; i < n; i++) {
        const config_setting_t *v = config_setting_get_elem(values, (unsigned)i);
        if (!config_setting_is_scalar(v))
            return scn_fail(c, values, "%s: 'values' holds single values only", w);
        char *text = config_setting_type(v) == CONFIG_TYPE_FLOAT
                         ? format_double(config_setting_get_float(v))
                         : scn_value_text(v);
        /* a string that would read as a number or a bool keeps its quotes */
        if (text && config_setting_type(v) == CONFIG_TYPE_STRING) {
            char *end;
            bool looks = !strcmp(text, "true") || !strcmp(text, "false") ||
                         (*text && (strtod(text, &end), *end == '\0'));
            if (looks) {
                size_t len = strlen(text) + 3;
                char *q = malloc(len);
                if (q)
                    snprintf(q, len, "\"%s\"", text);
                free(text);
                text = q;
            }
        }
        if (!add_value(c, p, text))
            return false;
    }
    return true;
}

bool scn_parse_sweep(struct scn_ctx *c, const config_setting_t *root)
{
    static const char *const keys[] = { "replications", "parameters", NULL };
    struct isakmp_scn_sweep *sw = &c->s->sweep;
    sw->replications = 1;
    const config_setting_t *g = config_setting_get_member(root, "sweep");
    if (!g)
        return true;
    if (!scn_expect_group(c, g, "'sweep'") || !scn_check_keys(c, g, "sweep", keys) ||
        !scn_get_u32(c, g, "sweep", "replications", false, 1, MAX_RUNS, &sw->replications))
        return false;
    const config_setting_t *params = config_setting_get_member(g, "parameters");
    if (!params)
        return true;
    if (!config_setting_is_list(params))
        return scn_fail(c, params, "sweep: 'parameters' must be a list ( { path = ...; values = [...]; } )");
    size_t n = (size_t)config_setting_length(params);
    if (!(sw->params = scn_calloc(c, n, sizeof *sw->params)))
        return false;
    double total = sw->replications;
    for (size_t i = 0; i < n; i++) {
        sw->n_params = i + 1;
        const config_setting_t *pg = config_setting_get_elem(params, (unsigned)i);
        if (!parse_param(c, pg, i, &sw->params[i]))
            return false;
        for (size_t k = 0; k < i; k++)
            if (strcmp(sw->params[k].path, sw->params[i].path) == 0)
                return scn_fail(c, pg, "sweep: '%s' is swept twice", sw->params[i].path);
        total *= (double)sw->params[i].n_values;
    }
    if (total > MAX_RUNS)
        return scn_fail(c, g, "sweep: %.0f runs is more than %d", total, MAX_RUNS);
    return true;
}

/* ---- expansion -------------------------------------------------------------- */

void isakmp_scn_runs_free(struct isakmp_scn_run *runs, size_t n)
{
    if (!runs)
        return;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < runs[i].n_set; k++)
            free(runs[i].set[k]);
        free(runs[i].set);
        free(runs[i].names);
        free(runs[i].values);
    }
    free(runs);
}

struct isakmp_scn_run *isakmp_scn_sweep_expand(const struct isakmp_scenario *s, size_t *n,
                                               char *err, size_t errlen)
{
    const struct isakmp_scn_sweep *sw = &s->sweep;
    size_t points = 1;
    for (size_t i = 0; i < sw->n_params; i++) {
        if (sw->params[i].n_values == 0 || points > MAX_RUNS / sw->params[i].n_values) {
            snprintf(err, errlen, "%s: sweep: too many runs", s->file);
            return NULL;
        }
        points *= sw->params[i].n_values;
    }
    uint32_t reps = sw->replications ? sw->replications : 1;
    if (points > MAX_RUNS / reps) {
        snprintf(err, errlen, "%s: sweep: too many runs", s->file);
        return NULL;
    }
    size_t total = points * reps;
    struct isakmp_scn_run *runs = calloc(total, sizeof *runs);
    if (!runs)
        goto oom;
    for (size_t idx = 0; idx < total; idx++) {
        struct isakmp_scn_run *r = &runs[idx];
        r->index = idx;
        r->replication = (uint32_t)(idx / points);
        r->point = idx % points;
        r->run = s->run + r->replication;
        r->n_set = sw->n_params;
        r->set = calloc(sw->n_params ? sw->n_params : 1, sizeof *r->set);
        r->names = calloc(sw->n_params ? sw->n_params : 1, sizeof *r->names);
        r->values = calloc(sw->n_params ? sw->n_params : 1, sizeof *r->values);
        if (!r->set || !r->names || !r->values) {
            *n = idx + 1;
            goto oom_free;
        }
        /* mixed radix, last parameter fastest */
        size_t rest = r->point;
        for (size_t k = sw->n_params; k-- > 0;) {
            const struct isakmp_scn_sweep_param *p = &sw->params[k];
            const char *v = p->values[rest % p->n_values];
            rest /= p->n_values;
            size_t len = strlen(p->path) + strlen(v) + 2;
            if (!(r->set[k] = malloc(len))) {
                *n = idx + 1;
                goto oom_free;
            }
            snprintf(r->set[k], len, "%s=%s", p->path, v);
            r->names[k] = p->path;
            r->values[k] = v;
        }
    }
    *n = total;
    return runs;
oom_free:
    isakmp_scn_runs_free(runs, *n);
oom:
    *n = 0;
    snprintf(err, errlen, "%s: out of memory", s->file);
    return NULL;
}
