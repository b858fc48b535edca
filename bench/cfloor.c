/*
 * cfloor: the "naive floor" for the pssnap benchmark.
 *
 * For every numeric directory in PROC (default /proc; the first argument
 * overrides it) read stat, status, io and cmdline (open, read, close) and
 * count the entries of fd/, then print one JSON line per process:
 *
 *   {"pid":1,"comm":"init","rss":123,"utime":12,"fds":5,"cmdline_len":42}
 *
 * rss is in pages and utime in clock ticks, as in stat; status and io are
 * read but not parsed (the cost of reading them is the point). fds is -1 and
 * cmdline_len 0 when those cannot be read; a process whose stat cannot be
 * read (gone, hidden) is skipped.
 *
 * It is deliberately simple: no caching between processes, no openat()
 * tricks, one read() per file (looping only when the file is bigger than the
 * buffer). Any tool that reads the same files should cost about this much.
 *
 * With -i SECONDS -n COUNT it is the floor of a repeated snapshot instead:
 * each process's four files and fd/ stay open and are re-read with pread
 * from offset 0 (the kernel regenerates them on every such read), fd/ is
 * counted by fstat's st_size (procfs gives the number of open fds), new
 * pids come from readdir, and a file that fails is closed. Same output.
 *
 * Build: cc -O2 -o cfloor cfloor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <errno.h>

static char *buf;
static size_t bufcap = 1 << 16;

/* Read a whole file into buf (NUL-terminated). Returns its length or -1. */
static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        if (len + 1 >= bufcap) {
            bufcap *= 2;
            char *nb = realloc(buf, bufcap);
            if (!nb) {
                close(fd);
                return -1;
            }
            buf = nb;
        }
        ssize_t n = read(fd, buf + len, bufcap - 1 - len);
        if (n < 0) {
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len + 1 < bufcap)   /* short read: procfs gave us everything */
            break;
    }
    close(fd);
    buf[len] = '\0';
    return (long)len;
}

/* From the stat line in buf: comm (first '(' to last ')', made JSON-safe), utime (field 14,
 * ticks) and rss (field 24, pages). -1 if the line has no comm. */
static int parse_stat(char *comm, size_t size, unsigned long long *utime, long long *rss)
{
    char *open_paren = strchr(buf, '(');
    char *close_paren = strrchr(buf, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return -1;
    size_t clen = (size_t)(close_paren - open_paren - 1);
    if (clen >= size)
        clen = size - 1;
    memcpy(comm, open_paren + 1, clen);
    comm[clen] = '\0';
    for (char *c = comm; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    *utime = 0;
    *rss = 0;
    char *p = close_paren + 1;
    for (int field = 3; field <= 24 && *p; field++) {
        while (*p == ' ')
            p++;
        if (field == 14)
            *utime = strtoull(p, NULL, 10);
        else if (field == 24)
            *rss = strtoll(p, NULL, 10);
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

static int isnumeric(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* ---- repeated mode: files kept open, pread each tick ---- */

struct kept {
    int stat, status, io, cmdline, fd;
    unsigned long long seen;
};

#define PID_LIMIT (1 << 22)
static struct kept **table;

static long pread_whole(int fd)
{
    size_t len = 0;
    for (;;) {
        if (len + 1 >= bufcap) {
            bufcap *= 2;
            char *nb = realloc(buf, bufcap);
            if (!nb)
                return -1;
            buf = nb;
        }
        ssize_t n = pread(fd, buf + len, bufcap - 1 - len, (off_t)len);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        len += (size_t)n;
        if (len + 1 < bufcap)
            break;
    }
    buf[len] = '\0';
    return (long)len;
}

static void drop(long pid)
{
    struct kept *k = table[pid];
    if (!k)
        return;
    int fds[] = {k->stat, k->status, k->io, k->cmdline, k->fd};
    for (int i = 0; i < 5; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(k);
    table[pid] = NULL;
}

static void one_tick(int procfd, DIR *d, unsigned long long tick)
{
    rewinddir(d);
    struct dirent *de;
    char comm[256];
    while ((de = readdir(d)) != NULL) {
        if (!isnumeric(de->d_name))
            continue;
        long pid = strtol(de->d_name, NULL, 10);
        if (pid <= 0 || pid >= PID_LIMIT)
            continue;
        struct kept *k = table[pid];
        if (!k) {
            int dir = openat(procfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dir < 0)
                continue;
            k = malloc(sizeof *k);
            k->stat = openat(dir, "stat", O_RDONLY | O_CLOEXEC);
            k->status = openat(dir, "status", O_RDONLY | O_CLOEXEC);
            k->io = openat(dir, "io", O_RDONLY | O_CLOEXEC);
            k->cmdline = openat(dir, "cmdline", O_RDONLY | O_CLOEXEC);
            k->fd = openat(dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            close(dir);
            table[pid] = k;
        }
        k->seen = tick;
        long n = k->stat >= 0 ? pread_whole(k->stat) : -1;
        if (n <= 0) {
            drop(pid);
            continue;
        }
        unsigned long long utime;
        long long rss;
        if (parse_stat(comm, sizeof comm, &utime, &rss) < 0)
            continue;
        if (k->status >= 0)
            (void)pread_whole(k->status);
        if (k->io >= 0)
            (void)pread_whole(k->io);
        long cmdline_len = k->cmdline >= 0 ? pread_whole(k->cmdline) : 0;
        if (cmdline_len < 0)
            cmdline_len = 0;
        long fds = -1;
        struct stat st;
        if (k->fd >= 0 && fstat(k->fd, &st) == 0)
            fds = (long)st.st_size;
        printf("{\"pid\":%ld,\"comm\":\"%s\",\"rss\":%lld,\"utime\":%llu,"
               "\"fds\":%ld,\"cmdline_len\":%ld}\n",
               pid, comm, rss, utime, fds, cmdline_len);
    }
    /* pids not listed this tick have ended */
    for (long pid = 1; pid < PID_LIMIT; pid++)
        if (table[pid] && table[pid]->seen != tick)
            drop(pid);
}

static int repeated(const char *proc, double interval, long count)
{
    table = calloc(PID_LIMIT, sizeof *table);
    int procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = procfd >= 0 ? fdopendir(dup(procfd)) : NULL;
    if (!table || !d) {
        perror(proc);
        return 1;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long t = 0; t < count; t++) {
        if (t > 0) {
            double at = interval * (double)t;
            struct timespec due = start;
            due.tv_sec += (time_t)at;
            due.tv_nsec += (long)((at - (double)(time_t)at) * 1e9);
            if (due.tv_nsec >= 1000000000L) {
                due.tv_sec++;
                due.tv_nsec -= 1000000000L;
            }
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
                ;
        }
        one_tick(procfd, d, (unsigned long long)t + 1);
        if (fflush(stdout) != 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    double interval = 0;
    long count = 0;
    int opt;
    while ((opt = getopt(argc, argv, "i:n:")) != -1) {
        if (opt == 'i')
            interval = strtod(optarg, NULL);
        else if (opt == 'n')
            count = strtol(optarg, NULL, 10);
        else
            return 2;
    }
    const char *proc = optind < argc ? argv[optind] : "/proc";
    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    buf = malloc(bufcap);
    if (!buf)
        return 1;
    if (count > 0)
        return repeated(proc, interval > 0 ? interval : 1, count);

    DIR *d = opendir(proc);
    if (!d) {
        perror(proc);
        return 1;
    }

    char path[4096];
    char comm[256];
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!isnumeric(de->d_name))
            continue;

        /* stat: pid, comm, utime (field 14), rss (field 24) */
        snprintf(path, sizeof path, "%s/%s/stat", proc, de->d_name);
        long n = slurp(path);
        if (n <= 0)
            continue;
        long pid = strtol(buf, NULL, 10);
        unsigned long long utime;
        long long rss;
        if (parse_stat(comm, sizeof comm, &utime, &rss) < 0)
            continue;

        /* status and io: read, not parsed */
        snprintf(path, sizeof path, "%s/%s/status", proc, de->d_name);
        (void)slurp(path);
        snprintf(path, sizeof path, "%s/%s/io", proc, de->d_name);
        (void)slurp(path);

        /* cmdline: only its length */
        snprintf(path, sizeof path, "%s/%s/cmdline", proc, de->d_name);
        long cmdline_len = slurp(path);
        if (cmdline_len < 0)
            cmdline_len = 0;

        /* fd/: count entries other than . and .. */
        long fds = -1;
        snprintf(path, sizeof path, "%s/%s/fd", proc, de->d_name);
        DIR *fdd = opendir(path);
        if (fdd) {
            struct dirent *fe;
            fds = 0;
            while ((fe = readdir(fdd)) != NULL)
                if (fe->d_name[0] != '.')
                    fds++;
            closedir(fdd);
        }

        printf("{\"pid\":%ld,\"comm\":\"%s\",\"rss\":%lld,\"utime\":%llu,"
               "\"fds\":%ld,\"cmdline_len\":%ld}\n",
               pid, comm, rss, utime, fds, cmdline_len);
    }
    closedir(d);
    if (fflush(stdout) != 0)
        return 1;
    return 0;
}
