/* isakmp calibrate: measure what each cryptographic operation costs on
 * this machine, and write it as a cost table (isakmp/cost.h) that a
 * scenario can name, into a results database, and as a readable table.
 *
 * Method.  Every item (one operation of one group / key size / algorithm)
 * is timed with the calling thread's CPU clock (isakmp_cpu_thread_ns), so
 * other processes on a shared machine do not inflate the figures.  Cheap
 * operations are timed in batches long enough (>= 20 us) for the clock
 * read to vanish in the noise; each sample is one batch divided by its
 * size.  Sampling stops when the item has used its CPU-time budget (and
 * has at least MIN_SAMPLES samples); the figure kept is the median.
 *
 * All randomness (DH exponents, RSA keys, message bytes) comes from a
 * fixed-seed DRBG: the work measured is the same on every run; only the
 * machine differs. */
#include "calibrate_measure.h"
#include "cli.h"
#include "recorder.h"

#include "isakmp/cipher.h"
#include "isakmp/cost.h"
#include "isakmp/dh.h"
#include "isakmp/drbg.h"
#include "isakmp/prf.h"
#include "isakmp/secmem.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <nettle/hmac.h>
#include <nettle/rsa.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SUB "calibrate"
#define MAX_RSA_SIZES 8

static const char *const hash_alg_default = CALIB_HASH_DEFAULT;
static const char *const cipher_alg_default = CALIB_CIPHER_DEFAULT;

/* ---- options -------------------------------------------------------- */

struct options {
    double budget_s;
    bool quick;
    uint16_t groups[64];
    size_t n_groups;
    unsigned rsa_bits[MAX_RSA_SIZES];
    size_t n_rsa;
    const char *output;
    const char *db;
    const char *check;
};

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp calibrate [--budget SECONDS] [--groups LIST] [--rsa LIST]\n"
        "                        [--quick] [--output FILE] [--db FILE]\n"
        "       isakmp calibrate --check FILE\n"
        "\n"
        "Measure this machine's real cost of every cryptographic operation the\n"
        "simulator charges, and write it as a cost table (the format of\n"
        "isakmp/cost.h) that a scenario can name as its cost table.\n"
        "\n"
        "Measured, each with the calling thread's CPU clock, repeated until the\n"
        "item's budget is used (at least %d samples), median per operation:\n"
        "  dh-generate, dh-compute  every DH group, with the full exponent and\n"
        "                           (MODP safe-prime groups) the recommended short\n"
        "                           exponent; entry bits = exponent bits\n"
        "  rsa-sign/verify/encrypt/decrypt  PKCS#1 v1.5, e = 65537, keys generated\n"
        "                           in-process from a fixed seed; bits = modulus\n"
        "  prf      one phase-1 key schedule (SKEYID, SKEYID_d/a/e, cipher key,\n"
        "           IV) over a 2048-bit g^xy, HMAC-%s\n"
        "  cipher   CBC encryption of one 256-byte message, %s\n"
        "  cookie   one responder cookie (HMAC-SHA256 over 54 bytes)\n"
        "The other hashes and ciphers are measured too and shown (and stored\n"
        "with --db) for information; the table has one prf and one cipher entry.\n"
        "\n"
        "options:\n"
        "  --budget SECONDS  CPU time per item (default 0.2; --quick: 0.01)\n"
        "  --groups LIST     DH groups, comma-separated (default: all supported)\n"
        "  --rsa LIST        RSA modulus sizes (default 1024,2048,3072,4096;\n"
        "                    --quick: 1024,2048); 'none' skips RSA\n"
        "  --quick           small budget and sizes, for tests (figures are rough)\n"
        "  --output FILE     write the cost table to FILE (atomically: a temporary\n"
        "                    file renamed over FILE; nothing is left on error)\n"
        "  --db FILE         add the measurements to the SQLite results database\n"
        "                    FILE (created with the results schema when new, as\n"
        "                    'isakmp run' does): one calibrations row and its\n"
        "                    calibration_costs; the view cost_check then sets\n"
        "                    them beside what runs in FILE were charged\n"
        "  --check FILE      load a cost table with the cost.h loader, print it\n"
        "                    and exit (1 when it does not load)\n"
        "  -h, --help        this text\n"
        "\n"
        "The readable table goes to stdout with the machine (CPU model, cores)\n"
        "and, per item, the default model's figure for comparison.\n"
        "Exit status: 0 done, 1 a measurement or a write failed, 2 bad usage.\n",
        MIN_SAMPLES, hash_alg_default, cipher_alg_default);
}

/* Parse "a,b,c" of unsigned numbers in [lo, hi]; false on any junk. */
static bool parse_uint_list(const char *s, unsigned long lo, unsigned long hi,
                            unsigned long *out, size_t cap, size_t *n)
{
    *n = 0;
    if (!*s) return false;
    while (*s) {
        char *end;
        errno = 0;
        if (*s < '0' || *s > '9') return false;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || end == s || v < lo || v > hi || *n == cap) return false;
        out[(*n)++] = v;
        if (*end == ',') {
            s = end + 1;
            if (!*s) return false;
        } else if (*end) {
            return false;
        } else {
            s = end;
        }
    }
    return true;
}

/* The value of an option given as "--opt VALUE" or "--opt=VALUE". */
static bool opt_value(const char *name, int argc, char **argv, int *i, const char **val,
                      int *rc)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return false;
    if (a[n] == '=') {
        *val = a + n + 1;
        return true;
    }
    if (a[n] != '\0') return false;
    if (*i + 1 >= argc) {
        *rc = cli_usage_error(SUB, "option %s needs a value", name);
        *val = NULL;
        return true;
    }
    *val = argv[++*i];
    return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    bool budget_set = false, rsa_set = false;
    memset(o, 0, sizeof *o);
    o->budget_s = 0.2;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc = 0;
        if (strcmp(argv[i], "--quick") == 0) {
            o->quick = true;
        } else if (opt_value("--budget", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            char *end;
            errno = 0;
            double b = strtod(v, &end);
            if (errno || end == v || *end || !(b > 0.0) || b > 3600.0)
                return cli_usage_error(SUB, "--budget: '%s' is not a number of seconds in (0, 3600]", v);
            o->budget_s = b;
            budget_set = true;
        } else if (opt_value("--groups", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            unsigned long g[64];
            size_t n;
            if (!parse_uint_list(v, 1, 65535, g, 64, &n))
                return cli_usage_error(SUB, "--groups: '%s' is not a comma-separated list of group numbers", v);
            for (size_t k = 0; k < n; k++) {
                if (!isakmp_dh_group((uint16_t)g[k]))
                    return cli_usage_error(SUB, "--groups: group %lu is not supported", g[k]);
                for (size_t j = 0; j < k; j++)
                    if (g[j] == g[k])
                        return cli_usage_error(SUB, "--groups: group %lu is listed twice", g[k]);
                o->groups[k] = (uint16_t)g[k];
            }
            o->n_groups = n;
        } else if (opt_value("--rsa", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            rsa_set = true;
            if (strcmp(v, "none") == 0) {
                o->n_rsa = 0;
                continue;
            }
            unsigned long b[MAX_RSA_SIZES];
            size_t n;
            if (!parse_uint_list(v, 512, 8192, b, MAX_RSA_SIZES, &n))
                return cli_usage_error(SUB, "--rsa: '%s' is not a list of modulus sizes in 512..8192 (or 'none')", v);
            for (size_t k = 0; k < n; k++) {
                for (size_t j = 0; j < k; j++)
                    if (b[j] == b[k])
                        return cli_usage_error(SUB, "--rsa: size %lu is listed twice", b[k]);
                o->rsa_bits[k] = (unsigned)b[k];
            }
            o->n_rsa = n;
        } else if (opt_value("--output", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            if (!*v) return cli_usage_error(SUB, "--output: empty file name");
            o->output = v;
        } else if (opt_value("--db", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            if (!*v) return cli_usage_error(SUB, "--db: empty file name");
            o->db = v;
        } else if (opt_value("--check", argc, argv, &i, &v, &rc)) {
            if (!v) return rc;
            o->check = v;
        } else if (argv[i][0] == '-') {
            return cli_usage_error(SUB, "unknown option '%s'", argv[i]);
        } else {
            return cli_usage_error(SUB, "unexpected argument '%s'", argv[i]);
        }
    }
    if (o->check && (o->output || o->db || budget_set || o->quick || o->n_groups || rsa_set))
        return cli_usage_error(SUB, "--check FILE takes no other option");
    if (o->quick && !budget_set) o->budget_s = 0.01;
    if (!o->n_groups) o->n_groups = isakmp_dh_groups(o->groups, 64);
    if (!rsa_set) {
        static const unsigned all[] = { 1024, 2048, 3072, 4096 };
        o->n_rsa = o->quick ? 2 : 4;
        memcpy(o->rsa_bits, all, o->n_rsa * sizeof all[0]);
    }
    return CLI_OK;
}

/* ---- machine -------------------------------------------------------- */

static void cpu_model(char *buf, size_t cap)
{
    snprintf(buf, cap, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        char *v = strchr(line, ':');
        if (!v) continue;
        v++;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\n")] = '\0';
        snprintf(buf, cap, "%s", v);
        break;
    }
    fclose(f);
}

/* ---- output: stdout table, cost file, database ---------------------- */

static void print_table(const struct calib *c, const char *cpu, long cores)
{
    printf("# isakmp calibrate: %s, %ld cores online\n", cpu, cores);
    printf("# thread CPU time, median per operation, budget %.3f s per item; "
           "model = cost.h default model; * = in the cost table\n", c->o->budget_s);
    printf("%-12s %5s %-12s %-6s %5s %7s %12s %12s %7s\n",
           "kind", "group", "algorithm", "exp", "bits", "samples", "median_us", "model_us", "ratio");
    for (size_t i = 0; i < c->n; i++) {
        const struct result *r = &c->r[i];
        uint64_t model = isakmp_cost_model(r->kind, r->group, r->bits);
        char ratio[16] = "-";
        if (model) snprintf(ratio, sizeof ratio, "%.2f", (double)r->m.median_ns / (double)model);
        printf("%-12s %5u %-12s %-6s %5u %7u %12.3f %12.3f %7s%s\n",
               isakmp_cost_kind_name(r->kind), r->group, r->algorithm, r->policy, r->bits,
               r->m.samples, r->m.median_ns / 1e3, model / 1e3, ratio, r->in_table ? " *" : "");
    }
}

static bool build_table(const struct calib *c, struct isakmp_cost_table *t)
{
    isakmp_cost_table_init(t);
    for (size_t i = 0; i < c->n; i++) {
        const struct result *r = &c->r[i];
        if (r->in_table && !isakmp_cost_set(t, r->kind, r->group, r->bits, r->m.median_ns))
            return false;
    }
    return true;
}

/* Temp file in the target's directory, then rename: readers see the old
 * file or the whole new one, never a part.  text == NULL only probes that
 * the directory takes a new file (before any measurement is made). */
static bool write_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: name too long", path);
        return false;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a file there: %s", path, strerror(errno));
        return false;
    }
    size_t off = 0;
    while (text && off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        off += (size_t)w;
    }
    bool ok = text && off == len && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        if (text) snprintf(err, errlen, "%s: %s", path, strerror(e));
    }
    return ok || !text;
}

static bool write_cost_file(const struct calib *c, const char *path, const char *cpu, long cores,
                            char *err, size_t errlen)
{
    static struct isakmp_cost_table t;
    if (!build_table(c, &t)) {
        snprintf(err, errlen, "cost table full");
        return false;
    }
    char head[768];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int hl = snprintf(head, sizeof head,
                      "# isakmp cost table written by 'isakmp calibrate' %s\n"
                      "# machine: %s, %ld cores; budget %.3f s per item%s\n"
                      "# KIND GROUP BITS NS: median thread CPU time per operation.\n"
                      "# prf = one phase-1 key schedule (HMAC-%s); cipher = one 256-byte\n"
                      "# message (%s CBC); cookie = one HMAC-SHA256 cookie.\n",
                      when, cpu, cores, c->o->budget_s, c->o->quick ? " (--quick: rough)" : "",
                      hash_alg_default, cipher_alg_default);
    char probe[1];
    size_t need = isakmp_cost_table_format(&t, probe, sizeof probe);
    char *buf = malloc((size_t)hl + need + 1);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(buf, head, (size_t)hl);
    isakmp_cost_table_format(&t, buf + hl, need + 1);
    bool ok = write_atomic(path, buf, (size_t)hl + need, err, errlen);
    free(buf);
    return ok;
}

/* Into a results database (sim/results_schema.sql: calibrations and
 * calibration_costs), opened as the recorder opens it, so a new file gets
 * the whole schema and runs can be added to it later; one transaction. */
static bool write_db(const struct calib *c, const char *path, const char *cpu, long cores,
                     char *err, size_t errlen)
{
    char oerr[512];
    struct isakmp_recorder *rec = isakmp_rec_open(path, oerr, sizeof oerr);
    if (!rec) {
        snprintf(err, errlen, "%s", oerr);
        return false;
    }
    sqlite3 *db = isakmp_rec_db(rec);
    sqlite3_stmt *st = NULL;
    bool ok = false;
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (sqlite3_prepare_v2(db, "INSERT INTO calibrations(wall_created,wall_host,cpu_model,cores,"
                               "budget_s,quick,cost_file) VALUES(?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT);
    if (host[0]) sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, cpu, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, cores);
    sqlite3_bind_double(st, 5, c->o->budget_s);
    sqlite3_bind_int(st, 6, c->o->quick);
    if (c->o->output) sqlite3_bind_text(st, 7, c->o->output, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 7);
    if (sqlite3_step(st) != SQLITE_DONE) goto out;
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_int64 id = sqlite3_last_insert_rowid(db);
    if (sqlite3_prepare_v2(db, "INSERT INTO calibration_costs(calibration_id,kind,dh_group,bits,"
                               "exp_policy,algorithm,samples,batch,median_ns,min_ns,max_ns,model_ns,"
                               "in_cost_table) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        goto out;
    for (size_t i = 0; i < c->n; i++) {
        const struct result *r = &c->r[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, isakmp_cost_kind_name(r->kind), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->group);
        sqlite3_bind_int64(st, 4, r->bits);
        sqlite3_bind_text(st, 5, r->policy, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->algorithm, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 7, (int)r->m.samples);
        sqlite3_bind_int(st, 8, (int)r->m.batch);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)r->m.median_ns);
        sqlite3_bind_int64(st, 10, (sqlite3_int64)r->m.min_ns);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)r->m.max_ns);
        sqlite3_bind_int64(st, 12, (sqlite3_int64)isakmp_cost_model(r->kind, r->group, r->bits));
        sqlite3_bind_int(st, 13, r->in_table);
        if (sqlite3_step(st) != SQLITE_DONE) goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    ok = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
out:
    if (!ok) snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
    if (st) sqlite3_finalize(st);
    if (!ok) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    isakmp_rec_close(rec);
    return ok;
}

/* ---- --check -------------------------------------------------------- */

static int check_file(const char *path)
{
    static struct isakmp_cost_table t;
    char err[512];
    isakmp_cost_table_init(&t);
    if (!isakmp_cost_table_load(&t, path, err, sizeof err)) {
        fprintf(stderr, "isakmp calibrate: %s\n", err);
        return CLI_FAILED;
    }
    printf("# %s: %zu entries, model %s\n", path, t.n, t.model_fallback ? "on" : "off");
    for (size_t i = 0; i < t.n; i++)
        printf("%s %u %u %llu\n", isakmp_cost_kind_name(t.e[i].kind), t.e[i].group,
               t.e[i].bits, (unsigned long long)t.e[i].ns);
    return CLI_OK;
}

/* ---- main ----------------------------------------------------------- */

static int calibrate_main(int argc, char **argv)
{
    static struct calib c;
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != CLI_OK) return rc;
    if (o.check) return check_file(o.check);

    char err[PATH_MAX + 256];
    if (o.output && !write_atomic(o.output, NULL, 0, err, sizeof err)) {
        fprintf(stderr, "isakmp calibrate: %s\n", err);
        return CLI_FAILED;
    }
    if (isakmp_cpu_thread_ns() == 0) {
        fprintf(stderr, "isakmp calibrate: the thread CPU clock is not available\n");
        return CLI_FAILED;
    }
    static const uint8_t seed[] = "isakmp calibrate";
    memset(&c, 0, sizeof c);
    c.o = &o;
    c.budget_s = o.budget_s;
    c.rng = isakmp_drbg_new(seed, sizeof seed - 1, 0, 0);
    if (!c.rng) {
        fprintf(stderr, "isakmp calibrate: out of memory\n");
        return CLI_FAILED;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < o.n_groups; i++) ok = calibrate_dh(&c, o.groups[i]);
    for (size_t i = 0; ok && i < o.n_rsa; i++) ok = calibrate_rsa(&c, o.rsa_bits[i]);
    ok = ok && calibrate_symmetric(&c);
    isakmp_drbg_free(c.rng);
    if (!ok) return CLI_FAILED;

    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    print_table(&c, cpu, cores);
    if (fflush(stdout) != 0) return CLI_FAILED;
    if (o.output && !write_cost_file(&c, o.output, cpu, cores, err, sizeof err)) {
        fprintf(stderr, "isakmp calibrate: %s\n", err);
        return CLI_FAILED;
    }
    if (o.db && !write_db(&c, o.db, cpu, cores, err, sizeof err)) {
        fprintf(stderr, "isakmp calibrate: %s\n", err);
        return CLI_FAILED;
    }
    return CLI_OK;
}

const struct cli_command cli_cmd_calibrate = {
    .name = "calibrate",
    .summary = "measure this machine's cryptographic costs into a cost table",
    .usage = usage,
    .main = calibrate_main,
};
