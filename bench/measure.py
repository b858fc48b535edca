#!/usr/bin/env python3
"""Measuring helper for bench/snapshot.sh (python3 standard library only).

Two subcommands:

  measure.py run --kind KIND --out FILE --runner RUNONE [-r REPEAT]
                 [--warmup N] [--snapshots S] [--duration SECS]
                 -- LABEL CMD [ARGS...] [::: LABEL CMD [ARGS...]]...

      Runs every command REPEAT times, interleaved (round 1 of each command,
      then round 2 of each...), each through RUNONE (bench/runone.c,
      compiled), which gives the command's stdout to /dev/null, passes its
      stderr through and reports its wall time (fork to reap), its own CPU
      time (user + sys, from wait4's rusage) and its ru_maxrss. Also records
      the number of processes in /proc just before the run. A command that
      exits non-zero or is killed aborts the measurement (exit 1). Appends
      one JSON line per command to FILE.

  measure.py report FILE [--procs N]

      Reads the JSON lines and prints the table and the TARGETS section.
      N is only shown (the number of processes the benchmark started).
"""

import argparse
import fcntl
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import time

PROC = "/proc"

# Targets for pssnap; checked by `report`, never enforced (exit 0 regardless).
TARGET_REPEAT_VS_FLOOR = 0.6   # repeated-mode CPU per snapshot <= 0.6x floor
TARGET_I1_CPU_PCT = 3.0        # pssnap -i1 below 3 % of one core
TARGET_STARTUP_MS = 5.0        # pssnap --version median wall <= 5 ms
TARGET_RSS_MIB = 16.0          # one-shot peak RSS <= 16 MiB

_current_child = None


def count_procs():
    """Number of processes right now (numeric entries of /proc)."""
    return sum(1 for name in os.listdir(PROC) if name.isdigit())


def _on_signal(signum, _frame):
    """Stop the child we are measuring, then leave with 128+signum."""
    global _current_child
    pid = _current_child
    _current_child = None
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    os._exit(128 + signum)


def resolve(cmd0):
    if "/" in cmd0:
        return cmd0
    path = shutil.which(cmd0)
    if path is None:
        sys.exit(f"measure.py: {cmd0}: command not found")
    return path


def run_once(runner, argv):
    """Run argv once through the runone launcher (stdout to /dev/null).

    Returns (wall_s, user_s, sys_s, maxrss_kib) as measured by runone.
    """
    global _current_child
    r, w = os.pipe()
    # fd 3 of runone is the write end of a pipe; keep the source fd above 3
    # so that dup2 always really happens (and clears close-on-exec).
    w_hi = fcntl.fcntl(w, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(w)
    actions = [(os.POSIX_SPAWN_DUP2, w_hi, 3)]
    # Python ignores SIGPIPE and bash ignores SIGINT in background jobs:
    # give the command default dispositions so it behaves as from a shell.
    sigdef = [signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    try:
        pid = os.posix_spawn(runner, [runner] + argv, os.environ,
                             file_actions=actions, setsigdef=sigdef)
    finally:
        os.close(w_hi)
    _current_child = pid
    with os.fdopen(r, "r") as f:
        report = f.read()
    _, status = os.waitpid(pid, 0)
    _current_child = None
    if status != 0 or not report:
        sys.exit(f"measure.py: runone {' '.join(argv)} failed (status {status})")
    wall_ns, user_us, sys_us, maxrss, cstatus = (int(x) for x in report.split())
    if os.WIFSIGNALED(cstatus):
        sys.exit(f"measure.py: {' '.join(argv)}: killed by signal {os.WTERMSIG(cstatus)}")
    code = os.WEXITSTATUS(cstatus)
    if code != 0:
        sys.exit(f"measure.py: {' '.join(argv)}: exit status {code}")
    return wall_ns / 1e9, user_us / 1e6, sys_us / 1e6, maxrss


def split_commands(words):
    cmds, cur = [], []
    for w in words:
        if w == ":::":
            if cur:
                cmds.append(cur)
            cur = []
        else:
            cur.append(w)
    if cur:
        cmds.append(cur)
    for c in cmds:
        if len(c) < 2:
            sys.exit("measure.py: each command needs a LABEL and a program")
    return cmds


def cmd_run(args):
    cmds = split_commands(args.commands)
    if not cmds:
        sys.exit("measure.py run: no command given")
    resolved = [(c[0], resolve(c[1]), c[1:]) for c in cmds]
    runner = os.path.abspath(args.runner)

    for _ in range(args.warmup):
        for _, path, argv in resolved:
            run_once(runner, [path] + argv[1:])

    results = {label: {"kind": args.kind, "label": label, "cmd": argv,
                       "snapshots": args.snapshots, "duration": args.duration,
                       "wall_s": [], "user_s": [], "sys_s": [], "cpu_s": [],
                       "maxrss_kib": [], "nprocs": []}
               for label, _, argv in resolved}
    for _ in range(args.repeat):
        for label, path, argv in resolved:
            before = count_procs()
            wall, user, sys_, maxrss = run_once(runner, [path] + argv[1:])
            # A long run (repeated mode) sees the count at both ends.
            nprocs = (before + count_procs()) / 2 if wall > 0.5 else before
            r = results[label]
            r["wall_s"].append(wall)
            r["user_s"].append(user)
            r["sys_s"].append(sys_)
            r["cpu_s"].append(user + sys_)
            r["maxrss_kib"].append(maxrss)
            r["nprocs"].append(nprocs)

    with open(args.out, "a", encoding="utf-8") as f:
        for label, _, _ in resolved:
            f.write(json.dumps(results[label]) + "\n")


# ---------------------------------------------------------------- report

def median(xs):
    return statistics.median(xs) if xs else float("nan")


def per_proc_us(r, key):
    """Median over runs of (time / processes at that moment), in µs."""
    return median([t / n * 1e6 for t, n in zip(r[key], r["nprocs"])])


def fmt(x, spec):
    if x is None or x != x:  # None or NaN
        return "n/a"
    return format(x, spec)


def verdict(ok):
    if ok is None:
        return "n/a"
    return "OK" if ok else "MISS"


def cmd_report(args):
    sys.stdout.reconfigure(errors="backslashreplace")
    recs = []
    with open(args.file, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    by = {(r["kind"], r["label"]): r for r in recs}
    oneshot = [r for r in recs if r["kind"] == "oneshot"]
    floor = by.get(("oneshot", "cfloor"))
    pssnap = by.get(("oneshot", "pssnap"))

    nprocs_all = [n for r in oneshot for n in r["nprocs"]]
    uname = platform.uname()
    print(f"pssnap benchmark: {uname.node}, Linux {uname.release}, "
          f"{os.cpu_count()} CPUs, uid {os.getuid()}")
    extra = f", {args.procs} started by the benchmark" if args.procs else ""
    if nprocs_all:
        print(f"processes in /proc: {min(nprocs_all):.0f}..{max(nprocs_all):.0f}{extra}")
    print()

    floor_wall = per_proc_us(floor, "wall_s") if floor else None
    floor_cpu = per_proc_us(floor, "cpu_s") if floor else None

    def ratio(x, base):
        if x is None or not base:
            return None
        return x / base

    if oneshot:
        runs = len(oneshot[0]["wall_s"])
        print(f"ONE-SHOT (median of {runs} runs each, stdout to /dev/null)")
        hdr = (f"  {'tool':<10} {'wall µs/proc':>13} {'cpu µs/proc':>12} "
               f"{'wall ×floor':>12} {'cpu ×floor':>11} {'peak RSS MiB':>13}")
        print(hdr)
        print("  " + "-" * (len(hdr) - 2))
        for r in oneshot:
            w = per_proc_us(r, "wall_s")
            c = per_proc_us(r, "cpu_s")
            rss = max(r["maxrss_kib"]) / 1024
            print(f"  {r['label']:<10} {fmt(w, '13.2f')} {fmt(c, '12.2f')} "
                  f"{fmt(ratio(w, floor_wall), '11.2f')}× {fmt(ratio(c, floor_cpu), '10.2f')}× "
                  f"{fmt(rss, '13.1f')}")
        for r in oneshot:
            print(f"    {r['label']}: {' '.join(r['cmd'])}")
        print()

    rep = by.get(("repeated", "pssnap-i0.1"))
    rep1 = by.get(("repeated", "pssnap-i1"))
    floor1 = by.get(("repeated", "cfloor-i1"))
    rep_cpu = None
    i1_pct = None
    floor1_pct = None
    if rep or rep1:
        print("REPEATED (pssnap, one run each, stdout to /dev/null)")
        hdr = (f"  {'options':<16} {'snapshots':>9} {'wall s':>7} "
               f"{'cpu µs/proc/snapshot':>21} {'cpu ×floor':>11} {'% of one core':>14}")
        print(hdr)
        print("  " + "-" * (len(hdr) - 2))
        oneshot_cpu_s = median(pssnap["cpu_s"]) if pssnap else None
        notes = []
        for r in (rep, rep1, floor1):
            if not r:
                continue
            snaps = r["snapshots"]
            opts = ("cfloor " if r is floor1 else "") + " ".join(r["cmd"][1:])
            wall, cpu, n = r["wall_s"][0], r["cpu_s"][0], r["nprocs"][0]
            per_snap = cpu / snaps / n * 1e6
            pct = cpu / wall * 100 if wall > 0 else None
            print(f"  {opts:<16} {snaps:>9} {wall:7.2f} {per_snap:21.2f} "
                  f"{fmt(ratio(per_snap, floor_cpu), '10.2f')}× {fmt(pct, '14.2f')}")
            if oneshot_cpu_s is not None and snaps > 1 and r is not floor1:
                # total = start-up + S snapshots; one-shot = start-up + 1
                marginal = max(cpu - oneshot_cpu_s, 0) / (snaps - 1) / n * 1e6
                print(f"  {'  excl. start-up':<16} {'':>9} {'':>7} {marginal:21.2f} "
                      f"{fmt(ratio(marginal, floor_cpu), '10.2f')}×")
            if r["duration"] and wall < 0.5 * r["duration"]:
                notes.append(f"  WARNING: {opts} took {wall:.2f} s, expected about "
                             f"{r['duration']:g} s: does the binary honour these options?")
            if r is rep:
                rep_cpu = per_snap
            elif r is rep1:
                i1_pct = pct
            else:
                floor1_pct = pct
        print("  (excl. start-up: the run's CPU minus one one-shot run's, over the other snapshots)")
        if i1_pct is not None and floor1_pct:
            print(f"  pssnap -i1 / cfloor -i1 (the kernel's own cost of these files, kept open): "
                  f"{i1_pct / floor1_pct:.2f}×")
        for note in notes:
            print(note)
        print()

    st = by.get(("startup", "pssnap"))
    st_true = by.get(("startup", "true"))
    startup_ms = None
    if st:
        startup_ms = median(st["wall_s"]) * 1e3
        base = f" (true: {median(st_true['wall_s']) * 1e3:.2f} ms)" if st_true else ""
        print(f"START-UP: {' '.join(st['cmd'])}: median {startup_ms:.2f} ms "
              f"wall over {len(st['wall_s'])} runs{base}")
        print()

    rss_mib = max(pssnap["maxrss_kib"]) / 1024 if pssnap else None

    rep_ratio = ratio(rep_cpu, floor_cpu)
    targets = [
        (f"repeated (-i0.1) CPU per snapshot ≤ {TARGET_REPEAT_VS_FLOOR}× C floor",
         fmt(rep_ratio, ".2f") + "×",
         None if rep_ratio is None else rep_ratio <= TARGET_REPEAT_VS_FLOOR),
        (f"pssnap -i1 CPU < {TARGET_I1_CPU_PCT:g} % of one core",
         fmt(i1_pct, ".2f") + " %",
         None if i1_pct is None else i1_pct < TARGET_I1_CPU_PCT),
        (f"start-up (--version) ≤ {TARGET_STARTUP_MS:g} ms",
         fmt(startup_ms, ".2f") + " ms",
         None if startup_ms is None else startup_ms <= TARGET_STARTUP_MS),
        (f"one-shot peak RSS ≤ {TARGET_RSS_MIB:g} MiB",
         fmt(rss_mib, ".1f") + " MiB",
         None if rss_mib is None else rss_mib <= TARGET_RSS_MIB),
    ]
    print("TARGETS")
    for name, value, ok in targets:
        print(f"  {name:<46} {value:>10}  {verdict(ok)}")


def main():
    p = argparse.ArgumentParser(description="measuring helper for bench/snapshot.sh")
    sub = p.add_subparsers(dest="sub", required=True)
    r = sub.add_parser("run")
    r.add_argument("--kind", required=True, choices=["oneshot", "repeated", "startup"])
    r.add_argument("--out", required=True)
    r.add_argument("--runner", required=True, help="the compiled bench/runone.c")
    r.add_argument("-r", "--repeat", type=int, default=1)
    r.add_argument("--warmup", type=int, default=0)
    r.add_argument("--snapshots", type=int, default=1)
    r.add_argument("--duration", type=float, default=0.0,
                   help="expected wall time of one run, for a sanity warning")
    r.add_argument("commands", nargs=argparse.REMAINDER)
    rp = sub.add_parser("report")
    rp.add_argument("file")
    rp.add_argument("--procs", type=int, default=0)
    args = p.parse_args()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if args.sub == "run":
        if args.commands and args.commands[0] == "--":
            args.commands = args.commands[1:]
        cmd_run(args)
    else:
        cmd_report(args)


if __name__ == "__main__":
    main()
