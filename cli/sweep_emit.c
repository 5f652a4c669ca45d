/* isakmp sweep --emit (see sweep_emit.h). */
#include "sweep_emit.h"

#include <limits.h>
#include <string.h>

/* Write s as one shell word: in single quotes, ' as '\''. */
static void sh_word(FILE *out, const char *s)
{
    bool plain = *s != '\0';
    for (const char *c = s; *c && plain; c++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *c);
    if (plain) {
        fputs(s, out);
        return;
    }
    fputc('\'', out);
    for (const char *c = s; *c; c++) {
        if (*c == '\'')
            fputs("'\\''", out);
        else
            fputc(*c, out);
    }
    fputc('\'', out);
}

static bool one_line(FILE *out, const struct sweep_plan *p, const struct sweep_job *j,
                     const char *bin, const char *dir, bool pass_ids)
{
    char final[PATH_MAX], tmp[PATH_MAX], log[PATH_MAX], o[PATH_MAX];
    snprintf(final, sizeof final, "%s/runs/%s.db", dir, j->name);
    snprintf(tmp, sizeof tmp, "%s/runs/.%s.tmp.", dir, j->name);
    snprintf(log, sizeof log, "%s/logs/%s.log", dir, j->name);
    snprintf(o, sizeof o, "%s/out/%s", dir, j->name);
    /* the database argument is the shell variable $db (unique per job: $$) */
    char **argv = sweep_job_argv(p, j, bin, "\x01", o, pass_ids);
    if (!argv)
        return false;
    for (size_t i = 0; argv[i]; i++)
        if (strchr(argv[i], '\n')) {
            sweep_argv_free(argv);
            return false;
        }
    fputs("mkdir -p ", out);
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s/runs", dir);
    sh_word(out, d);
    fputc(' ', out);
    snprintf(d, sizeof d, "%s/logs", dir);
    sh_word(out, d);
    fputs(" && db=", out);
    sh_word(out, tmp);
    fputs("$$.db && ", out);
    for (size_t i = 0; argv[i]; i++) {
        if (i)
            fputc(' ', out);
        if (strcmp(argv[i], "\x01") == 0)
            fputs("\"$db\"", out);
        else
            sh_word(out, argv[i]);
    }
    fputs(" >", out);
    sh_word(out, log);
    fputs(" 2>&1 && mv -f \"$db\" ", out);
    sh_word(out, final);
    fputs(" || { rm -f \"$db\"; exit 1; }\n", out);
    sweep_argv_free(argv);
    return !ferror(out);
}

bool sweep_emit_parallel(FILE *out, const struct sweep_plan *p, const char *bin, const char *dir,
                         bool pass_ids)
{
    for (size_t i = 0; i < p->n_jobs; i++)
        if (p->jobs[i].state == JOB_TODO && !one_line(out, p, &p->jobs[i], bin, dir, pass_ids))
            return false;
    return fflush(out) == 0 && !ferror(out);
}

bool sweep_emit_slurm(FILE *out, const struct sweep_plan *p, const char *bin, const char *dir,
                      bool pass_ids, int max_parallel)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_jobs; i++)
        n += p->jobs[i].state == JOB_TODO;
    fprintf(out, "#!/bin/bash\n"
                 "# Slurm job array for the sweep of %s (scenario '%s'): %zu runs.\n"
                 "# Written by `isakmp sweep --emit slurm`.  Submit: sbatch THIS_FILE\n"
                 "# Then, when the array is done: isakmp sweep --merge %s\n",
            p->scenario_file, p->scenario_name, n, dir);
    fprintf(out, "#SBATCH --job-name=sweep-%.40s\n", p->scenario_name);
    if (n > 0) {
        fprintf(out, "#SBATCH --array=0-%zu", n - 1);
        if (max_parallel > 0)
            fprintf(out, "%%%d", max_parallel);
        fputc('\n', out);
    }
    fprintf(out, "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    fputs("#SBATCH --output=", out);
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s/logs/slurm-%%A_%%a.out", dir);
    sh_word(out, d);
    fputs("\nset -u\n", out);
    fputs("if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n"
          "    echo \"submit with sbatch: SLURM_ARRAY_TASK_ID is not set\" >&2; exit 2\n"
          "fi\n"
          "mapfile -t jobs <<'ISAKMP_SWEEP_JOBS'\n", out);
    for (size_t i = 0; i < p->n_jobs; i++)
        if (p->jobs[i].state == JOB_TODO && !one_line(out, p, &p->jobs[i], bin, dir, pass_ids))
            return false;
    fputs("ISAKMP_SWEEP_JOBS\n"
          "job=${jobs[$SLURM_ARRAY_TASK_ID]:-}\n"
          "[ -n \"$job\" ] || { echo \"no job $SLURM_ARRAY_TASK_ID\" >&2; exit 2; }\n"
          "exec bash -c \"$job\"\n", out);
    return fflush(out) == 0 && !ferror(out);
}
