/*
 * churn: make /proc as hostile as a busy build server, for pssnap's churn and soak tests.
 *
 *   churn SECONDS [RATE]
 *
 * For SECONDS (fractions allowed) it starts about RATE short-lived processes a second (default
 * 400, 0 = as fast as it can) and reaps them, so pssnap keeps meeting processes that appear,
 * change and vanish between its reads. Children take turns at being:
 *   - an exec of /bin/sleep with a hostile argv[0] (quote, backslash, newline, tab, ESC, invalid
 *     UTF-8, "a) (b" parentheses) and, every fourth one, a 100 KB argument list;
 *   - a renamed process (prctl PR_SET_NAME with the same hostile bytes) that ends at once;
 *   - a multi-threaded process (4 threads) that lives a few milliseconds;
 *   - a zombie for a moment (reaped late) and a short chain of grandchildren that orphans one.
 * Every child is in churn's own process group, so `kill -- -PGID` ends them all. On exit it
 * prints "churn: N processes in S s (R/s)" on stderr.
 *
 * Build: cc -O2 -pthread -o churn churn.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *hostile[] = {
    "ev\"il\\name",
    "new\nline\ttab",
    "esc\x1b[31mred",
    "bad\xff\xfeutf8",
    "a) (b",
    ":-) 1 2 3 4 5 6",
};
#define NHOSTILE (sizeof hostile / sizeof hostile[0])

static void *spin(void *arg)
{
    (void)arg;
    usleep(3000);
    return NULL;
}

static void child(unsigned long k)
{
    const char *name = hostile[k % NHOSTILE];
    switch (k % 5) {
    case 0: { /* exec with a hostile argv[0], sometimes a 100 KB argument list */
        static char big[100 * 1024];
        memset(big, 'x', sizeof big - 1);
        char *argv[] = {(char *)name, "0.02", (k % 4 == 0) ? big : NULL, NULL};
        if (k % 4 != 0)
            argv[2] = NULL;
        else {
            /* sleep takes several durations and adds them: "0.02 0" */
            big[0] = '0';
            big[1] = '\0';
        }
        execv("/bin/sleep", argv);
        _exit(127);
    }
    case 1: /* a hostile comm, gone at once */
        prctl(PR_SET_NAME, name, 0, 0, 0);
        _exit(0);
    case 2: { /* several threads for a few milliseconds */
        pthread_t t[4];
        for (int i = 0; i < 4; i++)
            pthread_create(&t[i], NULL, spin, NULL);
        for (int i = 0; i < 4; i++)
            pthread_join(t[i], NULL);
        _exit(0);
    }
    case 3: /* a grandchild that outlives its parent: orphaned, reparented */
        if (fork() == 0) {
            prctl(PR_SET_NAME, name, 0, 0, 0);
            usleep(10000);
            _exit(0);
        }
        _exit(0);
    default: /* burn a little CPU */
        for (volatile unsigned long i = 0; i < 200000; i++)
            ;
        _exit(0);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: churn SECONDS [RATE]\n");
        return 2;
    }
    double seconds = strtod(argv[1], NULL);
    double rate = argc > 2 ? strtod(argv[2], NULL) : 400;
    signal(SIGPIPE, SIG_IGN);
    double start = now(), end = start + seconds;
    unsigned long started = 0;
    while (now() < end) {
        if (rate > 0) {
            double due = start + (double)started / rate;
            double wait = due - now();
            if (wait > 0)
                usleep((useconds_t)(wait * 1e6));
        }
        pid_t pid = fork();
        if (pid == 0)
            child(started);
        if (pid > 0)
            started++;
        /* Reap what has ended; leave the odd zombie standing for a while. */
        if (started % 7 != 0)
            while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
    }
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    double took = now() - start;
    fprintf(stderr, "churn: %lu processes in %.1f s (%.0f/s)\n", started, took, (double)started / took);
    return 0;
}
