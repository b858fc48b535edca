#!/usr/bin/env python3
"""Writes the fixture /proc trees under Tests/Fixtures/proc/. Run it again after changing it;
the trees are committed, so tests never depend on this script or on the machine.

Each process is described once here; what a tree cannot hold (EACCES when tests run as root,
a process that ends between two reads) is listed in the scenario's `faults` file, which the
golden tests turn into the reader's fault hook.
"""
import os, shutil, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def stat_line(pid, comm, state, ppid, pgid=None, sid=None, tty=0, utime=0, stime=0, cutime=0, cstime=0,
              prio=20, nice=0, threads=1, start=0, vsize=0, rss=0, processor=0, minflt=0, majflt=0, iowait=0):
    pgid = pid if pgid is None else pgid
    sid = pid if sid is None else sid
    fields = [str(pid), b"(" + comm + b")", state, ppid, pgid, sid, tty, -1, 4194304, minflt, 0, majflt, 0,
              utime, stime, cutime, cstime, prio, nice, threads, 0, start, vsize, rss, 18446744073709551615,
              1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, processor, 0, 0, iowait, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    out = b" ".join(f if isinstance(f, bytes) else str(f).encode() for f in fields)
    return out + b"\n"


def status_text(name, uid, swap_kb=0, vctx=1, nvctx=0, kernel=False, zombie=False):
    lines = [f"Name:\t{name}", "Umask:\t0022", "State:\tS (sleeping)", f"Uid:\t{uid}\t{uid}\t{uid}\t{uid}",
             f"Gid:\t{uid}\t{uid}\t{uid}\t{uid}"]
    if not kernel and not zombie:
        lines += ["VmPeak:\t   10000 kB", "VmRSS:\t    2000 kB", f"VmSwap:\t{swap_kb:8d} kB"]
    lines += ["Threads:\t1", f"voluntary_ctxt_switches:\t{vctx}", f"nonvoluntary_ctxt_switches:\t{nvctx}"]
    return ("\n".join(lines) + "\n").encode()


def io_text(r=0, w=0):
    return (f"rchar: {r}\nwchar: {w}\nsyscr: {r // 100}\nsyscw: {w // 100}\nread_bytes: {r // 2}\n"
            f"write_bytes: {w // 2}\ncancelled_write_bytes: 0\n").encode()


SMAPS = (b"55d0c0000000-7ffc00000000 ---p 00000000 00:00 0                          [rollup]\n"
         b"Rss:                3000 kB\nPss:                1500 kB\nPss_Anon:            800 kB\n"
         b"Pss_File:            600 kB\nPss_Shmem:           100 kB\nShared_Clean:       1200 kB\n"
         b"Private_Clean:        300 kB\nPrivate_Dirty:        700 kB\nSwap:                  0 kB\n"
         b"Private_Hugetlb:        0 kB\n")

TCP = (b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
       b"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0 100 0 0 10 0\n"
       b"   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 5002 1 0 20 4 30 10 -1\n")
TCP6 = (b"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        b"   0: 00000000000000000000000001000000:0016 00000000000000000000000001000000:D431 01 00000000:00000000 00:00000000 00000000     0        0 5003 1 0 20 4 30 10 -1\n")
UDP = (b"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
       b"  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 5004 2 0 0\n")
UNIX = (b"Num       RefCount Protocol Flags    Type St Inode Path\n"
        b"0000000000000000: 00000002 00000000 00010000 0001 01 5005 /run/systemd/notify\n"
        b"0000000000000000: 00000003 00000000 00000000 0001 03 5006\n")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def process(root, pid, comm, state=b"S", ppid=1, uid=0, cmdline=b"", kernel=False, zombie=False, fds=(),
            smaps=True, io=True, threads=None, net=False, cgroup=b"0::/system.slice/demo.service\n", children=None, **stat):
    d = os.path.join(root, str(pid))
    nthreads = len(threads) if threads else 1

    def task_files(td, tid, tcomm, tstat):
        ids = dict(pgid=stat.get("pgid", pid), sid=stat.get("sid", pid))  # threads share their process's
        ids.update(tstat)
        write(os.path.join(td, "stat"), stat_line(tid, tcomm, state, ppid, threads=nthreads, **ids))
        write(os.path.join(td, "status"), status_text(tcomm.decode("latin-1"), uid, kernel=kernel, zombie=zombie))
        if io:
            write(os.path.join(td, "io"), io_text(tstat.get("utime", 0) * 1000, tstat.get("stime", 0) * 500))
        write(os.path.join(td, "cmdline"), cmdline)
        write(os.path.join(td, "smaps_rollup"), b"" if kernel or zombie else SMAPS) if smaps else None
        write(os.path.join(td, "cgroup"), cgroup)
        fd_dir = os.path.join(td, "fd")
        os.makedirs(fd_dir, exist_ok=True)
        write(os.path.join(fd_dir, ".keep"), b"")  # git keeps no empty directory; pssnap skips dot names
        for n, target in enumerate(fds):
            os.symlink(target, os.path.join(fd_dir, str(n)))
        if net:
            os.makedirs(os.path.join(td, "ns"), exist_ok=True)
            os.symlink("net:[4026531840]", os.path.join(td, "ns", "net"))
            for name, data in (("tcp", TCP), ("tcp6", TCP6), ("udp", UDP), ("udp6", UDP[:UDP.index(b"\n") + 1]), ("unix", UNIX)):
                write(os.path.join(td, "net", name), data)

    task_files(d, pid, comm, stat)
    for tid, tcomm, tstat in (threads or [(pid, comm, stat)]):
        task_files(os.path.join(d, "task", str(tid)), tid, tcomm, tstat)
        # task/TID/children (CONFIG_PROC_CHILDREN): the children each thread forked, "pid pid ".
        if children is not None:
            write(os.path.join(d, "task", str(tid), "children"), b"".join(b"%d " % c for c in children.get(tid, [])))


def tree_hostile(root):
    """Hostile names, a kernel thread, a zombie, unreadable io, a vanishing process, depth >= 3,
    an orphan whose parent is absent, a threaded process, an empty pid directory, an old kernel."""
    write(os.path.join(root, "stat"), b"cpu  1 2 3 4 5 6 7 0 0 0\nbtime 1700000000\nprocesses 1000\n")
    os.makedirs(root, exist_ok=True)
    os.symlink("42", os.path.join(root, "self"))
    sock = ["socket:[5001]", "socket:[5002]", "socket:[5003]", "socket:[5004]", "socket:[5005]", "socket:[5006]",
            "/dev/null", "pipe:[77]", "/etc/shadow"]
    process(root, 1, b"systemd", ppid=0, cmdline=b"/sbin/init\0splash\0", fds=sock, net=True, start=5,
            utime=150, stime=320, cutime=4000, cstime=1200, vsize=170000000, rss=3000, minflt=9000, majflt=80,
            processor=1, iowait=12)
    process(root, 2, b"kthreadd", ppid=0, kernel=True, start=5, pgid=0, sid=0)
    process(root, 10, b"kworker/0:1-events", state=b"I", ppid=2, kernel=True, start=6, pgid=0, sid=0)
    process(root, 100, b"a) (b", ppid=1, uid=1000, cmdline=b"./a) (b\0--name\0line1\nline2\0\x1b[31mred\0", start=300,
            fds=["/dev/null", "/dev/pts/0"], tty=(136 << 8) | 3, utime=10, stime=5, rss=500, vsize=9000000)
    process(root, 101, b":-) 1 2 3 4 5 6", ppid=100, uid=1000, cmdline=b"smiley\0\xff\xfe bytes \xc3\x28\0", start=400,
            nice=-5, prio=15, tty=(4 << 8) | 1)
    process(root, 102, b"evil\nname\xff", ppid=101, uid=54321, cmdline=b"quote\"back\\slash\0tab\there\0\xc2\x9b\0",
            start=500, tty=(4 << 8) | 65)
    process(root, 103, b"depth3", ppid=102, uid=1000, cmdline=b"depth3", start=510)
    process(root, 200, b"defunct", state=b"Z", ppid=1, zombie=True, start=600, utime=42, stime=7)
    process(root, 300, b"noio", ppid=1, cmdline=b"/usr/bin/noio\0", start=700)
    process(root, 400, b"vanishing", ppid=1, cmdline=b"/usr/bin/vanishing\0", start=800)
    process(root, 500, b"orphan", ppid=9999, cmdline=b"/usr/bin/orphan\0-d\0", start=900, pgid=9999, sid=9999)
    process(root, 600, b"threaded", ppid=1, cmdline=b"/usr/bin/threaded\0", start=1000, cgroup=b"4:memory:/docker/abc\n1:cpu:/docker/abc\n0::/\n",
            threads=[(600, b"threaded", dict(start=1000, utime=100)), (601, b"worker-1", dict(start=1001, utime=250, processor=1)),
                     (602, b"worker-2", dict(start=1002, utime=50, processor=0))])
    process(root, 700, b"oldkernel", ppid=1, cmdline=b"/old\0", start=1100, smaps=False, cgroup=b"")
    write(os.path.join(root, "800", ".keep"), b"")  # a pid directory with no files
    write(os.path.join(root, "not-a-pid", "stat"), b"ignored")
    write(os.path.join(root, "faults"), b"# task file errno (read by the golden tests, never by pssnap)\n"
          b"300 io EACCES\n300 smapsRollup EACCES\n400 * vanish-after-stat\n")


def tree_children(root):
    """A tree with children files, for the subtree read (pssnap -p, pid==N.., -- COMMAND):
    a child forked by a non-leader thread (30, under thread 11 of 10), a pid listed in a children
    file but reused by another parent's child (40: listed by 10, its stat says 20), a zombie, a
    second root (kthreadd), depth 3."""
    write(os.path.join(root, "stat"), b"cpu  1 2 3 4 5 6 7 0 0 0\nbtime 1700000000\nprocesses 1000\n")
    os.makedirs(root, exist_ok=True)
    process(root, 1, b"init", ppid=0, cmdline=b"/sbin/init\0", start=5, children={1: [10, 20, 50]})
    process(root, 2, b"kthreadd", ppid=0, kernel=True, start=5, pgid=0, sid=0, children={2: [3]})
    process(root, 3, b"kworker/0:0", state=b"I", ppid=2, kernel=True, start=6, pgid=0, sid=0, children={})
    process(root, 10, b"svc", ppid=1, cmdline=b"/usr/bin/svc\0--serve\0", start=100, children={10: [15, 40], 11: [30]},
            threads=[(10, b"svc", dict(start=100, utime=20)), (11, b"svc-worker", dict(start=101, utime=30, processor=1))])
    process(root, 15, b"worker", ppid=10, cmdline=b"worker\0a\0b\0\0", start=200, children={15: [16]})
    process(root, 16, b"leaf", ppid=15, cmdline=b"leaf\0", start=210, children={})
    process(root, 30, b"helper", ppid=10, cmdline=b"helper\0", start=300, children={})
    process(root, 20, b"other", ppid=1, cmdline=b"other\0", start=400, children={20: [25, 40]})
    process(root, 25, b"other-child", ppid=20, cmdline=b"other-child\0", start=410, children={})
    process(root, 40, b"reused", ppid=20, cmdline=b"reused\0", start=900, children={})
    process(root, 50, b"defunct", state=b"Z", ppid=1, zombie=True, start=500, children={})


def main():
    out = os.path.join(HERE, "proc")
    if os.path.exists(out):
        shutil.rmtree(out)
    tree_hostile(os.path.join(out, "hostile"))
    tree_children(os.path.join(out, "children"))
    print("wrote", out)


if __name__ == "__main__":
    sys.exit(main())
