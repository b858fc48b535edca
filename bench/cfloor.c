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
 * Build: cc -O2 -o cfloor cfloor.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int isnumeric(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *proc = argc > 1 ? argv[1] : "/proc";
    static char outbuf[1 << 20];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    buf = malloc(bufcap);
    if (!buf)
        return 1;

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
        char *open_paren = strchr(buf, '(');
        char *close_paren = strrchr(buf, ')');
        if (!open_paren || !close_paren || close_paren < open_paren)
            continue;
        long pid = strtol(buf, NULL, 10);
        size_t clen = (size_t)(close_paren - open_paren - 1);
        if (clen >= sizeof comm)
            clen = sizeof comm - 1;
        memcpy(comm, open_paren + 1, clen);
        comm[clen] = '\0';
        for (char *c = comm; *c; c++)
            if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        /* after ") " comes field 3 (state); utime is field 14, rss field 24 */
        unsigned long long utime = 0;
        long long rss = 0;
        char *p = close_paren + 1;
        for (int field = 3; field <= 24 && *p; field++) {
            while (*p == ' ')
                p++;
            if (field == 14)
                utime = strtoull(p, NULL, 10);
            else if (field == 24)
                rss = strtoll(p, NULL, 10);
            while (*p && *p != ' ')
                p++;
        }

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
