#define _GNU_SOURCE /* pipe2 */
#include "sl_job_run.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sl_exit.h"
#include "sl_job_report.h"
#include "sl_progress.h"
#include "sl_report.h"
#include "sl_signals.h"
#include "sl_url.h"

enum step_state { PENDING, RUNNING, DONE };

/* One step while the job runs. */
struct step {
    struct runner *r;
    size_t index;
    const char *name;
    char **argv;
    int argc;
    char **env; /* the step's secrets, "NAME=value", added to the environment */
    char report_path[512];
    enum step_state state;
    pid_t pid;
    int out_fd, err_fd; /* read ends of the child's stdout and stderr */
    pthread_t fwd;
    int fwd_started;
    char last_err[1024]; /* the child's last line on stderr that starts "sluice" */
    double started, seconds;
};

struct runner {
    const struct sl_job *job;
    const struct sl_job_run_opts *o;
    FILE *out, *err;
    struct step *steps;
    struct sl_job_step_result *results;
    pthread_mutex_t mu; /* serialises output lines and the fields below */
    int stopping;       /* a signal came: start nothing more, stop the running */
    char tmpdir[64];
};

/* Writes the prefixed complete lines of buf[0..*len) to f, keeping a
 * partial last line in buf. */
/* Writes arg as a shell word: as it is when it needs no quoting, else in
 * single quotes (each ' inside as '\''), so that the line can be pasted
 * into a shell and runs the same step. */
static void put_quoted(FILE *out, const char *arg)
{
    int plain = *arg != '\0';
    for (const char *p = arg; *p && plain; p++)
        plain = isalnum((unsigned char)*p) || strchr("-_./:=,@%+*", *p);
    if (plain) {
        fputs(arg, out);
        return;
    }
    fputc('\'', out);
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", out);
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

static void flush_lines(struct step *s, FILE *f, char *buf, size_t *len, int all, int is_err)
{
    struct runner *r = s->r;
    size_t start = 0;
    for (size_t i = 0; i < *len; i++) {
        if (buf[i] != '\n' && !(all && i + 1 == *len))
            continue;
        size_t end = buf[i] == '\n' ? i : i + 1;
        pthread_mutex_lock(&r->mu);
        fprintf(f, "[%s] %.*s\n", s->name, (int)(end - start), buf + start);
        fflush(f);
        pthread_mutex_unlock(&r->mu);
        if (is_err && end - start > 7 && strncmp(buf + start, "sluice", 6) == 0)
            snprintf(s->last_err, sizeof s->last_err, "%.*s", (int)(end - start), buf + start);
        start = i + 1;
    }
    memmove(buf, buf + start, *len - start);
    *len -= start;
}

/* Passes a child's output on, line by line, until both pipes close. */
static void *forward_main(void *arg)
{
    struct step *s = arg;
    char obuf[4096], ebuf[4096];
    size_t olen = 0, elen = 0;
    struct pollfd p[2] = {{s->out_fd, POLLIN, 0}, {s->err_fd, POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; k++) {
            if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char *buf = k ? ebuf : obuf;
            size_t *len = k ? &elen : &olen;
            ssize_t n = read(p[k].fd, buf + *len, sizeof obuf - *len);
            if (n <= 0) {
                flush_lines(s, k ? s->r->err : s->r->out, buf, len, 1, k);
                close(p[k].fd);
                p[k].fd = -1;
                open_fds--;
                continue;
            }
            *len += (size_t)n;
            flush_lines(s, k ? s->r->err : s->r->out, buf, len, *len == sizeof obuf, k);
        }
    }
    return NULL;
}

extern char **environ;

/* The environment of a step: this process's, with the step's secrets added
 * (replacing any inherited entry of the same name). The strings are
 * borrowed; free the array only. */
static char **step_environ(const struct step *s)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    while (s->env[k])
        k++;
    char **v = malloc((n + k + 1) * sizeof *v);
    if (!v)
        return NULL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int replaced = 0;
        for (size_t j = 0; j < k && !replaced; j++) {
            size_t len = strcspn(s->env[j], "=") + 1;
            replaced = strncmp(environ[i], s->env[j], len) == 0;
        }
        if (!replaced)
            v[m++] = environ[i];
    }
    for (size_t j = 0; j < k; j++)
        v[m++] = s->env[j];
    v[m] = NULL;
    return v;
}

/* Starts step s as a child process. Returns 0 or -1 (with a message). */
static int start_step(struct runner *r, struct step *s, const sigset_t *child_mask)
{
    int po[2], pe[2];
    char **argv = malloc((size_t)(s->argc + 2) * sizeof *argv);
    char **envp = step_environ(s);
    if (!argv || !envp) {
        free(argv);
        free(envp);
        return -1;
    }
    argv[0] = "sluice";
    memcpy(argv + 1, s->argv, (size_t)(s->argc + 1) * sizeof *argv);
    if (pipe2(po, O_CLOEXEC) != 0) {
        free(argv);
        free(envp);
        return -1;
    }
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        free(argv);
        free(envp);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        free(argv);
        free(envp);
        return -1;
    }
    if (pid == 0) {
        /* the child: its own process group, so a terminal's Ctrl-C reaches
         * only the job, which passes one SIGTERM on */
        setpgid(0, 0);
        dup2(po[1], STDOUT_FILENO);
        dup2(pe[1], STDERR_FILENO);
        sigprocmask(SIG_SETMASK, child_mask, NULL);
        execve(r->o->self, argv, envp); /* passwords in envp, never in argv */
        dprintf(STDERR_FILENO, "sluice run: cannot run %s: %s\n", r->o->self, strerror(errno));
        _exit(SL_EXIT_FAILED);
    }
    free(argv);
    free(envp);
    setpgid(pid, pid);
    close(po[1]);
    close(pe[1]);
    pthread_mutex_lock(&r->mu);
    s->pid = pid;
    s->state = RUNNING;
    pthread_mutex_unlock(&r->mu);
    s->out_fd = po[0];
    s->err_fd = pe[0];
    s->started = sl_now();
    s->fwd_started = pthread_create(&s->fwd, NULL, forward_main, s) == 0;
    if (!s->fwd_started) {
        close(s->out_fd);
        close(s->err_fd);
    }
    return 0;
}

static void on_signal(void *ctx, int sig)
{
    (void)sig;
    struct runner *r = ctx;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    fprintf(r->err, "sluice run: interrupted; stopping the running steps\n");
    for (size_t i = 0; i < r->job->nsteps; i++)
        if (r->steps[i].state == RUNNING)
            kill(-r->steps[i].pid, SIGTERM);
    pthread_mutex_unlock(&r->mu);
}

static int finished_ok(int code)
{
    return code == SL_EXIT_OK || code == SL_EXIT_REJECTS;
}

/* Records the end of a step: its exit code and its report. */
static void finish_step(struct runner *r, struct step *s, int status)
{
    if (s->fwd_started)
        pthread_join(s->fwd, NULL);
    struct sl_job_step_result *res = &r->results[s->index];
    int code = WIFEXITED(status) ? WEXITSTATUS(status)
               : WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGINT)
                   ? SL_EXIT_INTERRUPTED
                   : SL_EXIT_FAILED;
    struct sl_err e;
    if (sl_report_read(s->report_path, &res->report, &e) != 0)
        memset(&res->report, 0, sizeof res->report);
    res->report.exit_code = code;
    if (code != SL_EXIT_OK && !res->report.error[0])
        sl_report_error(&res->report, s->last_err);
    res->exit_code = code;
    res->seconds = sl_now() - s->started;
    pthread_mutex_lock(&r->mu);
    s->state = DONE;
    fprintf(r->err, "sluice run: step %s: %s (exit %d, %.1f s)\n", s->name, sl_report_status(code),
            code, res->seconds);
    pthread_mutex_unlock(&r->mu);
    unlink(s->report_path);
}

/* Starts what can start and skips what never will. Returns how many steps
 * are running. */
static size_t schedule(struct runner *r, const sigset_t *child_mask)
{
    size_t running = 0;
    for (size_t i = 0; i < r->job->nsteps; i++) {
        struct step *s = &r->steps[i];
        if (s->state == RUNNING)
            running++;
        if (s->state != PENDING)
            continue;
        const struct sl_job_step *js = &r->job->steps[i];
        pthread_mutex_lock(&r->mu);
        int ready = 1, doomed = r->stopping;
        pthread_mutex_unlock(&r->mu);
        for (size_t k = 0; k < js->nafter; k++) {
            const struct step *d = &r->steps[js->after[k]];
            if (d->state != DONE)
                ready = 0;
            else if (!finished_ok(r->results[js->after[k]].exit_code))
                doomed = 1;
        }
        if (doomed) {
            pthread_mutex_lock(&r->mu);
            s->state = DONE;
            r->results[i].exit_code = -1;
            fprintf(r->err, "sluice run: step %s: skipped (%s)\n", s->name,
                    r->stopping ? "the job was interrupted" : "a step it waits for did not finish");
            pthread_mutex_unlock(&r->mu);
            continue;
        }
        if (!ready)
            continue;
        pthread_mutex_lock(&r->mu);
        fprintf(r->err, "sluice run: step %s: starting: sluice", s->name);
        for (int a = 0; a < s->argc; a++) {
            char masked[2048];
            fputc(' ', r->err);
            put_quoted(r->err, sl_url_mask(s->argv[a], masked, sizeof masked));
        }
        fputc('\n', r->err);
        pthread_mutex_unlock(&r->mu);
        if (start_step(r, s, child_mask) != 0) {
            s->state = DONE;
            r->results[i].exit_code = SL_EXIT_FAILED;
            snprintf(r->results[i].report.error, sizeof r->results[i].report.error,
                     "cannot start the step: %s", strerror(errno));
            continue;
        }
        running++;
    }
    return running;
}

/* Takes the job's lock. Returns 0 (fd set), SL_EXIT_LOCKED, or
 * SL_EXIT_USAGE for a lock file that cannot be opened. */
static int take_lock(const struct sl_job *job, const char *dir, int *fd, FILE *err)
{
    char path[1024];
    size_t n = (size_t)snprintf(path, sizeof path, "%s/sluice-", dir);
    for (const char *c = job->name; *c && n + 8 < sizeof path; c++)
        path[n++] = (strchr("/\\ \t\n", *c) || (unsigned char)*c < 32) ? '_' : *c;
    snprintf(path + n, sizeof path - n, ".lock");
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (*fd < 0) {
        fprintf(err, "sluice run: cannot open the lock file %s: %s\n", path, strerror(errno));
        return SL_EXIT_USAGE;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t k = pread(*fd, pid, sizeof pid - 1, 0);
        pid[k > 0 ? k : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        fprintf(err,
                "sluice run: job '%s' is already running (process %s holds %s); this run did "
                "nothing\n",
                job->name, pid[0] ? pid : "?", path);
        close(*fd);
        *fd = -1;
        return SL_EXIT_LOCKED;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(*fd, 0) != 0 || pwrite(*fd, pid, (size_t)len, 0) != len) {
        /* the lock holds without the pid; the pid is only for messages */
    }
    return 0;
}

/* Builds every step's command line before anything runs. */
static int build_steps(struct runner *r, struct sl_err *e)
{
    const struct sl_job *job = r->job;
    for (size_t i = 0; i < job->nsteps; i++) {
        struct step *s = &r->steps[i];
        s->r = r;
        s->index = i;
        s->name = job->steps[i].sec->name;
        snprintf(s->report_path, sizeof s->report_path, "%s/step-%zu.json", r->tmpdir, i);
        /* every step action (load, extract, copy, bench) has --dry-run */
        char *extra[3] = {"--report", s->report_path, "--dry-run"};
        if (sl_job_step_argv(job, i, extra, r->o->dry_run ? 3 : 2, &s->argv, &s->argc, &s->env,
                             e) != 0)
            return -1;
    }
    return 0;
}

int sl_job_run(const struct sl_job *job, const struct sl_job_run_opts *o, FILE *out, FILE *err)
{
    struct runner r = {.job = job, .o = o, .out = out, .err = err};
    pthread_mutex_init(&r.mu, NULL);
    int code = SL_EXIT_USAGE, lock_fd = -1;
    struct sl_err e;
    r.steps = calloc(job->nsteps, sizeof *r.steps);
    r.results = calloc(job->nsteps, sizeof *r.results);
    snprintf(r.tmpdir, sizeof r.tmpdir, "/tmp/sluice-run.XXXXXX");
    if (!r.steps || !r.results || !mkdtemp(r.tmpdir)) {
        fprintf(err, "sluice run: cannot set up: %s\n", strerror(errno));
        r.tmpdir[0] = '\0';
        goto out;
    }
    if (build_steps(&r, &e) != 0) {
        fprintf(err, "sluice run: %s\n", e.msg);
        goto out;
    }
    if (!o->dry_run && (code = take_lock(job, o->lock_dir, &lock_fd, err)) != 0)
        goto out;

    struct sl_progress quiet;
    sl_progress_init(&quiet, err, 0, 0);
    struct sl_signals sig;
    int have_signals =
        sl_signals_start(&sig, on_signal, &r, &quiet, "sluice run: second signal; exiting now\n",
                         SL_EXIT_INTERRUPTED) == 0;
    sigset_t child_mask;
    if (have_signals)
        child_mask = sig.old;
    else
        pthread_sigmask(SIG_SETMASK, NULL, &child_mask);
    double t0 = sl_now();
    double started = sl_wall_now();
    fprintf(err, "sluice run: job %s%s: %zu step(s) from %s\n", job->name,
            o->dry_run ? " (dry run)" : "", job->nsteps, job->path);
    for (;;) {
        if (schedule(&r, &child_mask) == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < job->nsteps; i++)
            if (r.steps[i].state == RUNNING && r.steps[i].pid == pid)
                finish_step(&r, &r.steps[i], status);
    }
    pthread_mutex_lock(&r.mu);
    int interrupted = r.stopping;
    pthread_mutex_unlock(&r.mu);
    if (have_signals)
        sl_signals_stop(&sig);
    sl_progress_release(&quiet);

    code = SL_EXIT_OK;
    for (size_t i = 0; i < job->nsteps; i++) {
        int c = r.results[i].exit_code;
        if (c == SL_EXIT_REJECTS && code == SL_EXIT_OK)
            code = SL_EXIT_REJECTS;
        else if (c != SL_EXIT_OK && c != SL_EXIT_REJECTS && c != -1 && code != SL_EXIT_FAILED)
            code = c == SL_EXIT_INTERRUPTED ? SL_EXIT_INTERRUPTED : SL_EXIT_FAILED;
    }
    if (interrupted && code != SL_EXIT_FAILED)
        code = SL_EXIT_INTERRUPTED;
    struct sl_job_summary sum = {
        .job = job,
        .results = r.results,
        .started = started,
        .seconds = sl_now() - t0,
        .exit_code = code,
        .dry_run = o->dry_run,
    };
    for (size_t i = 0; i < job->nsteps; i++) {
        r.results[i].name = r.steps[i].name;
        r.results[i].action = job->steps[i].action;
        r.results[i].argv = r.steps[i].argv;
    }
    sl_job_print_summary(err, &sum);
    if (o->report && sl_job_write_report(o->report, &sum, &e) != 0) {
        fprintf(err, "sluice run: error: --report: %s\n", e.msg);
        code = code == SL_EXIT_OK ? SL_EXIT_FAILED : code;
    }
    if (o->metrics && sl_job_write_metrics(o->metrics, &sum, &e) != 0) {
        fprintf(err, "sluice run: error: --metrics: %s\n", e.msg);
        code = code == SL_EXIT_OK ? SL_EXIT_FAILED : code;
    }

out:
    for (size_t i = 0; r.steps && i < job->nsteps; i++) {
        sl_job_argv_free(r.steps[i].argv);
        sl_job_argv_free(r.steps[i].env);
    }
    for (size_t i = 0; r.results && i < job->nsteps; i++)
        sl_report_release(&r.results[i].report);
    if (r.tmpdir[0])
        rmdir(r.tmpdir);
    if (lock_fd >= 0)
        close(lock_fd); /* the lock file stays; only the flock matters */
    free(r.steps);
    free(r.results);
    pthread_mutex_destroy(&r.mu);
    return code;
}
