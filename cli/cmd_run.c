/* isakmp run: run one scenario in the simulator (sim/world.h) and write
 * its results: rows in an SQLite database, pcaps, and the Wireshark
 * decryption table of the IKE SAs it made. */
#include "cli.h"

#include "recorder.h"
#include "scenario.h"
#include "world.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out,
        "usage: isakmp run SCENARIO [--set PATH=VALUE ...] [--out DIR] [--db FILE]\n"
        "                  [--seed N] [--run N] [--quiet]\n"
        "\n"
        "Run the scenario (a libconfig file, see scenarios/FORMAT.md) in the ns-3\n"
        "testbed for its duration and write:\n"
        "  DB        one run (a `runs` row and its exchanges, crypto_ops, samples,\n"
        "            attack_traffic and, with output.trace, messages rows) written in\n"
        "            one transaction at the end (schema: sim/results_schema.sql);\n"
        "  pcaps     DIR/NAME-NODEID-DEVICE.pcap for nodes traced (output.pcap, or a\n"
        "            node's pcap = true), DIR/NAME-LINK-NODE.pcap for traced links;\n"
        "  keys      DIR/NAME.ikev1_decryption_table: one \"CKY-I\",\"KEY\" line per\n"
        "            ISAKMP SA, Wireshark's IKEv1 decryption table (copy it into your\n"
        "            profile, or pass each line to tshark with\n"
        "            -o 'uat:ikev1_decryption_table:\"CKYI\",\"KEY\"').\n"
        "NAME is the scenario's name.  pcaps and keys are written under temporary\n"
        "names and renamed at the end: a failed run leaves none of them.\n"
        "\n"
        "options:\n"
        "  --set PATH=VALUE  override a setting before the scenario is checked, e.g.\n"
        "                    --set attack.flood.rate=500 --set nodes.gw.defence.cookies=true\n"
        "                    (repeatable; recorded as the run's parameters)\n"
        "  --out DIR         folder for pcaps and keys (default: results; created)\n"
        "  --db FILE         results database (default: DIR/NAME.db; created, or the run\n"
        "                    is added to it)\n"
        "  --seed N          ns-3 seed (N > 0; default: the scenario's `seed`)\n"
        "  --run N           ns-3 run number (default: the scenario's `run`); varies every\n"
        "                    random stream: nonces, cookies, arrivals, losses\n"
        "  --quiet           no progress line and no summary\n"
        "  -h, --help        this text\n"
        "\n"
        "The engine version recorded is $ISAKMP_ENGINE_VERSION, else the output of\n"
        "`git describe --always --dirty` in the current folder, else \"unknown\".\n"
        "A progress line (virtual time done / total, wall time) appears on stderr\n"
        "when a run takes more than two seconds.\n"
        "\n"
        "exit status: 0 the run completed; 1 it failed (the run row says why);\n"
        "2 usage or scenario error (file:line: message), nothing written.\n");
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

static void engine_version(char *buf, size_t n)
{
    const char *env = getenv("ISAKMP_ENGINE_VERSION");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    snprintf(buf, n, "unknown");
    FILE *p = popen("git describe --always --dirty 2>/dev/null", "r");
    if (!p)
        return;
    char line[128];
    if (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\r\n")] = 0;
        if (*line)
            snprintf(buf, n, "%s", line);
    }
    pclose(p);
}

/* Move every file of tmp into dir (or delete them when !keep), then rmdir. */
static bool finish_tmp(const char *tmp, const char *dir, bool keep)
{
    DIR *d = opendir(tmp);
    bool ok = true;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char from[4096], to[4096];
            snprintf(from, sizeof from, "%s/%s", tmp, e->d_name);
            snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
            if (keep ? rename(from, to) != 0 : unlink(from) != 0) {
                fprintf(stderr, "isakmp run: %s: %s\n", from, strerror(errno));
                ok = false;
            }
        }
        closedir(d);
    }
    rmdir(tmp);
    return ok;
}

static int run_main(int argc, char **argv)
{
    const char *file = NULL, *out = "results", *db = NULL;
    const char **sets = calloc((size_t)argc, sizeof *sets);
    size_t n_sets = 0;
    uint64_t seed = 0, run = 0;
    bool has_seed = false, has_run = false, quiet = false;
    if (!sets)
        return CLI_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--set") == 0 && more) {
            if (!strchr(argv[i + 1], '='))
                return free(sets), cli_usage_error("run", "--set needs PATH=VALUE, not '%s'", argv[i + 1]);
            sets[n_sets++] = argv[++i];
        } else if (strcmp(a, "--out") == 0 && more) {
            out = argv[++i];
        } else if (strcmp(a, "--db") == 0 && more) {
            db = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && more) {
            if (!parse_u64(argv[++i], &seed) || seed == 0 || seed > UINT32_MAX)
                return free(sets), cli_usage_error("run", "--seed needs an integer 1..4294967295");
            has_seed = true;
        } else if (strcmp(a, "--run") == 0 && more) {
            if (!parse_u64(argv[++i], &run))
                return free(sets), cli_usage_error("run", "--run needs a non-negative integer");
            has_run = true;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return free(sets), cli_usage_error("run", "unknown option or missing value: %s", a);
        } else if (!file) {
            file = a;
        } else {
            return free(sets), cli_usage_error("run", "one scenario at a time (got '%s' and '%s')", file, a);
        }
    }
    if (!file)
        return free(sets), cli_usage_error("run", "no scenario file given");

    char err[1024];
    struct isakmp_scenario *s = isakmp_scenario_load(file, sets, n_sets, err, sizeof err);
    if (!s) {
        fprintf(stderr, "isakmp run: %s\n", err);
        free(sets);
        return CLI_USAGE;
    }
    if (has_seed)
        s->seed = (uint32_t)seed;
    if (has_run)
        s->run = run;

    int rc = CLI_FAILED;
    err[0] = 0;
    struct isakmp_recorder *rec = NULL;
    struct isakmp_world *w = NULL;
    struct isakmp_rec_param *params = calloc(n_sets ? n_sets : 1, sizeof *params);
    char **copies = calloc(n_sets ? n_sets : 1, sizeof *copies);
    char dbpath[4096], tmp[4096], prefix[4096], keys[4096], version[128];
    bool run_open = false;
    tmp[0] = 0;
    if (!params || !copies)
        goto done;
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "isakmp run: %s: %s\n", out, strerror(errno));
        goto done;
    }
    snprintf(dbpath, sizeof dbpath, "%s", db ? db : "");
    if (!db)
        snprintf(dbpath, sizeof dbpath, "%s/%s.db", out, s->name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", out, s->name, (long)getpid());
    if (mkdir(tmp, 0777) != 0) {
        fprintf(stderr, "isakmp run: %s: %s\n", tmp, strerror(errno));
        tmp[0] = 0;
        goto done;
    }
    if ((size_t)snprintf(prefix, sizeof prefix, "%s/%s", tmp, s->name) >= sizeof prefix ||
        (size_t)snprintf(keys, sizeof keys, "%s/%s.ikev1_decryption_table", tmp, s->name) >= sizeof keys) {
        fprintf(stderr, "isakmp run: %s: path too long\n", out);
        goto done;
    }

    for (size_t i = 0; i < n_sets; i++) {
        copies[i] = strdup(sets[i]);
        if (!copies[i])
            goto done;
        char *eq = strchr(copies[i], '=');
        *eq = 0;
        params[i].name = copies[i];
        params[i].value = eq + 1;
    }
    rec = isakmp_rec_open(dbpath, err, sizeof err);
    if (!rec) {
        fprintf(stderr, "isakmp run: %s\n", err);
        goto done;
    }
    engine_version(version, sizeof version);
    struct isakmp_rec_run_info info = {
        .scenario = s->name, .scenario_file = file, .params = params, .n_params = n_sets,
        .point = -1, .replication = 0, .seed = s->seed, .run_number = s->run,
        .duration_ns = s->duration_ns, .engine_version = version, .ns3_version = "3.37",
    };
    int64_t run_id = 0;
    if (!isakmp_rec_begin_run(rec, &info, &run_id)) {
        fprintf(stderr, "isakmp run: %s: %s\n", dbpath, isakmp_rec_error(rec));
        goto done;
    }
    run_open = true;
    struct isakmp_world_options opt = { prefix, keys, rec, !quiet };
    w = isakmp_world_new(s, &opt, err, sizeof err);
    if (!w) {
        fprintf(stderr, "isakmp run: %s\n", err);
        goto done;
    }
    if (!isakmp_world_run(w, err, sizeof err)) {
        fprintf(stderr, "isakmp run: %s\n", err);
        goto done;
    }
    struct isakmp_world_summary sum;
    isakmp_world_summary(w, &sum);
    isakmp_world_free(w);            /* closes the pcaps */
    w = NULL;
    run_open = false;
    if (!isakmp_rec_end_run(rec, NULL)) {
        fprintf(stderr, "isakmp run: %s: %s\n", dbpath, isakmp_rec_error(rec));
        goto done;
    }
    if (!finish_tmp(tmp, out, true))
        goto done;
    tmp[0] = 0;
    if (!quiet)
        printf("%s: run %lld: %llu exchanges, %llu completed, %llu failed, %llu unfinished; "
               "%zu SA keys; results in %s\n",
               s->name, (long long)run_id, (unsigned long long)sum.exchanges,
               (unsigned long long)sum.completed, (unsigned long long)sum.failed,
               (unsigned long long)sum.unfinished, sum.keys, dbpath);
    rc = CLI_OK;
done:
    if (w)
        isakmp_world_free(w);
    if (run_open)
        isakmp_rec_end_run(rec, err[0] ? err : "failed");
    if (tmp[0])
        finish_tmp(tmp, out, false);
    isakmp_rec_close(rec);
    for (size_t i = 0; copies && i < n_sets; i++)
        free(copies[i]);
    free(copies);
    free(params);
    free(sets);
    isakmp_scenario_free(s);
    return rc;
}

const struct cli_command cli_cmd_run = {
    .name = "run",
    .summary = "run a scenario in the ns-3 testbed (database, pcaps, decryption table)",
    .main = run_main,
    .usage = usage,
};
