/* status: complete
 *
 * Internal to the scenario reader (sim/scenario*.c): the parse context and
 * typed getters that check a libconfig setting and report FILE:LINE errors.
 * Not part of the testbed's API; nothing outside sim/scenario*.c includes it.
 *
 * Every getter returns false after recording an error in the context (only
 * the first error is kept); an absent optional setting leaves *out as it
 * was (the caller puts the default there first) and returns true.
 */
#ifndef ISAKMP_SIM_SCENARIO_PARSE_H
#define ISAKMP_SIM_SCENARIO_PARSE_H

#include <libconfig.h>
#include <stdarg.h>

#include "scenario.h"

struct scn_ctx {
    const char *file;           /* name used in messages */
    const char *dir;            /* folder relative file names are resolved against */
    char *err;
    size_t errlen;
    bool failed;
    struct isakmp_scenario *s;
};

/* Record an error about setting `at` (may be NULL: then the file alone is
 * named).  Format: FILE:LINE: MESSAGE, or FILE: --set OVERRIDE: MESSAGE for
 * values that came from an override.  Always returns false. */
bool scn_fail(struct scn_ctx *c, const config_setting_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Refuse any member of group `g` whose name is not in `allowed`
 * (NULL-terminated); `what` names the group in the message ("link 'l1'"). */
bool scn_check_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *const *allowed);

/* `g` must be a group (e.g. "nodes = { ... }"). */
bool scn_expect_group(struct scn_ctx *c, const config_setting_t *g, const char *what);

/* Typed members of group g.  `required`: absent is an error. */
bool scn_get_string(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *key, bool required, const char **out);
bool scn_get_bool(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, bool *out);
/* Integer in [min, max]. */
bool scn_get_int(struct scn_ctx *c, const config_setting_t *g, const char *what,
                 const char *key, bool required, long long min, long long max,
                 long long *out);
bool scn_get_u32(struct scn_ctx *c, const config_setting_t *g, const char *what,
                 const char *key, bool required, uint32_t min, uint32_t max, uint32_t *out);
/* Number (integer or float) in [min, max]. */
bool scn_get_double(struct scn_ctx *c, const config_setting_t *g, const char *what,
                    const char *key, bool required, double min, double max, double *out);
/* Quantities with units (sim/units.h): a string with a unit or a number
 * in the base unit. */
bool scn_get_duration(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      const char *key, bool required, uint64_t *out_ns);
bool scn_get_rate(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, uint64_t *out_bps);
bool scn_get_size(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, uint64_t *out_bytes);
/* A string that must be one of `names` (NULL-terminated); *out = index. */
bool scn_get_enum(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, const char *const *names, int *out);
/* A node name that must exist; *out = node index. */
bool scn_get_node_ref(struct scn_ctx *c, const config_setting_t *g, const char *what,
                      const char *key, bool required, int *out);
/* A file name, resolved against the scenario's folder; *out is malloc'd. */
bool scn_get_path(struct scn_ctx *c, const config_setting_t *g, const char *what,
                  const char *key, bool required, char **out);

/* "a, b, c" list of the names, for messages. */
void scn_join(const char *const *names, char *buf, size_t len);
char *scn_strdup(struct scn_ctx *c, const char *s);
void *scn_calloc(struct scn_ctx *c, size_t n, size_t size);

/* Parts in their own files. */
bool scn_parse_policies(struct scn_ctx *c, const config_setting_t *root);
bool scn_parse_proposals(struct scn_ctx *c, const config_setting_t *list, const char *what,
                         uint16_t auth, struct isakmp_p1_transform *out, size_t *n);
bool scn_parse_group_name(struct scn_ctx *c, const config_setting_t *s, const char *what,
                          const char *key, uint16_t *group);
/* The group number of a group name of scenarios/FORMAT.md ("modp1024"):
 * false when unknown (the attack reader's arrays of groups). */
bool scn_group_by_name(const char *name, uint16_t *group);
bool scn_parse_attacks(struct scn_ctx *c, const config_setting_t *root);
/* A node's rsa_key / peer_keys (scenario_ike.c), and the check, once all
 * nodes are read, that an RSA node has a private key. */
bool scn_parse_node_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         struct isakmp_scn_node *n);
bool scn_check_node_keys(struct scn_ctx *c, const config_setting_t *g, const char *what,
                         const struct isakmp_scn_node *n);
bool scn_parse_sweep(struct scn_ctx *c, const config_setting_t *root);
/* Text form of a scalar setting's value, as an override would write it;
 * malloc'd, NULL when s is not a scalar. */
char *scn_value_text(const config_setting_t *s);
/* Refuse integer literals beyond 32 bits without the L suffix (libconfig
 * 1.5 wraps them around silently).  `text` is the whole file. */
bool scn_check_big_ints(struct scn_ctx *c, const char *text);
/* Apply one "PATH=VALUE" override to the configuration. */
bool scn_apply_override(struct scn_ctx *c, config_t *cfg, const char *text);

#endif
