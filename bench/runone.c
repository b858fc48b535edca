/*
 * runone: run a command once with stdout on /dev/null and report its cost.
 *
 *   runone CMD [ARGS...]   (file descriptor 3 must be open for writing)
 *
 * Writes one line to fd 3:  WALL_NS USER_US SYS_US MAXRSS_KIB WAIT_STATUS
 *
 * Why a C launcher rather than spawning from Python: Linux charges the
 * memory of the process image replaced by execve() to the child's
 * ru_maxrss, and a child spawned from a Python process starts as a copy of
 * (or, with vfork, shares) Python's ~15 MiB. A small C parent keeps that
 * floor at about 1 MiB, so ru_maxrss measures the tool, and the wall time
 * is fork+exec+run+reap as seen by a lean parent.
 *
 * SIGINT and SIGTERM are passed on to the command; runone then reports and
 * exits as usual.
 *
 * Build: cc -O2 -o runone runone.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = -1;

static void forward(int sig)
{
    if (child > 0)
        kill(child, sig);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: runone CMD [ARGS...]  (report on fd 3)\n");
        return 127;
    }
    if (fcntl(3, F_SETFD, FD_CLOEXEC) < 0) {
        perror("runone: fd 3");
        return 127;
    }
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0) {
        perror("runone: /dev/null");
        return 127;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("runone: fork");
        return 127;
    }
    if (pid == 0) {
        dup2(devnull, 1);
        execvp(argv[1], argv + 1);
        fprintf(stderr, "runone: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    child = pid;

    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (w < 0) {
        perror("runone: wait4");
        return 127;
    }

    long long wall_ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL
                        + (t1.tv_nsec - t0.tv_nsec);
    long long user_us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    long long sys_us = (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    if (dprintf(3, "%lld %lld %lld %ld %d\n", wall_ns, user_us, sys_us,
                ru.ru_maxrss, status) < 0) {
        perror("runone: fd 3");
        return 127;
    }
    return 0;
}
