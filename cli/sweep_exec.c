/* isakmp sweep: the local worker pool (see sweep_exec.h). */
#include "sweep_exec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct slot {
    pid_t pid;                   /* 0 = free */
    struct sweep_job *job;
    double start;
    char tmp[PATH_MAX];
};

void sweep_exec_clean(const char *runs_dir)
{
    DIR *d = opendir(runs_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp.")) {
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", runs_dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

static void remove_db(const char *path)
{
    char p[PATH_MAX + 8];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

/* fsync a file or a folder; durability of the rename after a power loss. */
static void sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static pid_t launch(struct sweep_exec *x, struct slot *s, const sigset_t *old_mask)
{
    struct sweep_job *j = s->job;
    char log[PATH_MAX], out[PATH_MAX];
    snprintf(s->tmp, sizeof s->tmp, "%s/runs/.%s.tmp.%ld.db", x->dir, j->name, (long)getpid());
    snprintf(log, sizeof log, "%s/logs/%s.log", x->dir, j->name);
    snprintf(out, sizeof out, "%s/out/%s", x->dir, j->name);
    remove_db(s->tmp);
    char **argv = sweep_job_argv(x->plan, j, x->bin, s->tmp, out, x->pass_ids);
    if (!argv)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* die with the sweep: a killed sweep leaves nobody writing files */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        /* its own process group: a stop reaches whatever the run started */
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        sigprocmask(SIG_SETMASK, old_mask, NULL);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_RDONLY);
        if (fd < 0 || nul < 0)
            _exit(126);
        dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], argv);
        dprintf(2, "isakmp sweep: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (pid > 0)
        setpgid(pid, pid);   /* also here: no window before the child's own call */
    sweep_argv_free(argv);
    return pid;
}

static void stop_worker(pid_t pid)
{
    if (kill(-pid, SIGTERM) != 0)
        kill(pid, SIGTERM);
}

/* A worker ended: keep its database if the run finished (renamed into
 * place; merged later, by merge_pending, so that the next worker starts
 * first).  *keep tells the file is to be merged. */
static bool finish(struct sweep_exec *x, struct slot *s, int status, bool interrupted, bool *keep,
                   char *err, size_t errlen)
{
    struct sweep_job *j = s->job;
    double secs = sweep_now() - s->start;
    bool exited0 = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    bool killed = WIFSIGNALED(status);
    bool have = !killed && sweep_file_finished(s->tmp);
    bool ok = exited0 && have;
    *keep = false;
    s->pid = 0;
    s->job = NULL;
    if (have) {
        /* a failed run (non-zero exit, status 'failed' in its file) is
         * a result too: kept and merged, counted as a failure */
        char final[PATH_MAX], stem[80], runs_dir[PATH_MAX];
        snprintf(stem, sizeof stem, "%s.db", j->name);
        if (!sweep_path(runs_dir, sizeof runs_dir, x->dir, "runs") ||
            !sweep_path(final, sizeof final, runs_dir, stem)) {
            snprintf(err, errlen, "%s: path too long", x->dir);
            return false;
        }
        sync_path(s->tmp);
        if (rename(s->tmp, final) != 0) {
            snprintf(err, errlen, "%s: cannot rename: %s", final, strerror(errno));
            return false;
        }
        sync_path(runs_dir);
        *keep = true;
    }
    remove_db(s->tmp);   /* the file if not kept; -wal / -shm leftovers */
    if (interrupted && !have) {
        /* stopped by us, not a failure: it runs again next time */
        j->state = JOB_TODO;
    } else {
        j->state = ok ? JOB_DONE : JOB_FAILED;
        sweep_progress_run(x->progress, j->name, ok, secs);
    }
    return true;
}

static bool merge_job(struct sweep_exec *x, const struct sweep_job *j, char *err, size_t errlen)
{
    char final[PATH_MAX], stem[80], runs_dir[PATH_MAX];
    snprintf(stem, sizeof stem, "%s.db", j->name);
    sweep_path(runs_dir, sizeof runs_dir, x->dir, "runs");
    sweep_path(final, sizeof final, runs_dir, stem);
    return sweep_merge_file(x->db, final, (long long)j->point, (long long)j->rep, &x->merge, err,
                            errlen);
}

int sweep_exec_run(struct sweep_exec *x, bool *interrupted, char *err, size_t errlen)
{
    *interrupted = false;
    int n = x->workers < 1 ? 1 : x->workers;
    struct slot *slots = calloc((size_t)n, sizeof *slots);
    /* finished runs waiting to be merged */
    struct sweep_job **pending = calloc(x->plan->n_jobs ? x->plan->n_jobs : 1, sizeof *pending);
    size_t n_pending = 0;
    if (!slots || !pending) {
        free(slots);
        free(pending);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Signals are taken synchronously (sigtimedwait): no handler races. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &old);

    size_t next = 0, running = 0, failed = 0;
    bool stop = false, error = false;
    struct sweep_plan *p = x->plan;
    for (;;) {
        while (!stop && running < (size_t)n) {
            while (next < p->n_jobs && p->jobs[next].state != JOB_TODO)
                next++;
            if (next == p->n_jobs)
                break;
            struct slot *s = NULL;
            for (int i = 0; i < n && !s; i++)
                if (!slots[i].pid)
                    s = &slots[i];
            s->job = &p->jobs[next++];
            s->start = sweep_now();
            s->pid = launch(x, s, &old);
            if (s->pid < 0) {
                snprintf(err, errlen, "cannot start a worker: %s", strerror(errno));
                s->pid = 0;
                stop = error = true;
                break;
            }
            s->job->state = JOB_RUNNING;
            running++;
        }
        /* merge while the workers run (the parent is the only writer) */
        for (size_t i = 0; i < n_pending && !error; i++)
            if (!merge_job(x, pending[i], err, errlen))
                stop = error = true;
        n_pending = 0;
        if (running == 0)
            break;
        struct timespec tick = { 1, 0 };
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
            if (!stop)
                for (int i = 0; i < n; i++)
                    if (slots[i].pid)
                        stop_worker(slots[i].pid);
            stop = *interrupted = true;
        }
        if (sig < 0)
            sweep_progress_tick(x->progress);
        /* reap whatever ended (SIGCHLD may coalesce) */
        for (int i = 0; i < n; i++) {
            int st;
            if (!slots[i].pid || waitpid(slots[i].pid, &st, WNOHANG) != slots[i].pid)
                continue;
            running--;
            struct sweep_job *j = slots[i].job;
            bool keep = false;
            if (!finish(x, &slots[i], st, *interrupted, &keep, err, errlen))
                stop = error = true;
            if (keep)
                pending[n_pending++] = j;
            if (j->state == JOB_FAILED)
                failed++;
        }
        if (error)
            for (int i = 0; i < n; i++)
                if (slots[i].pid)
                    stop_worker(slots[i].pid);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(slots);
    free(pending);
    return error ? -1 : (int)failed;
}
