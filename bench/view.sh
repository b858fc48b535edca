#!/usr/bin/env bash
# bench/view.sh: what psview costs, side by side with its peers, in one run.
#
#   bench/view.sh [SECONDS]      (default 20)
#
# 1. Layout: SNAPSHOTS (default 100) synthesized snapshots of 1000 processes each (a random tree,
#    every field pssnap and psdelta write, long command lines), read by
#      psview                       the whole table of every snapshot, piped (all 1000 rows)
#      psview --sum --sort cpu      subtree totals and sorted siblings
#      pscsv                        the same records to CSV (the cheapest stream formatter)
#    and `ps auxf` on this machine (about 1000 processes during the run), one table.
#    Prints the CPU per snapshot of each (target: psview <= 20 ms per 1000-process snapshot).
# 2. Live: `pssnap -i1 | psdelta | psview` over about 1000 processes for SECONDS, psview's stdout
#    a file; each stage's CPU read from /proc/PID/stat at the end (start-up included), with pscsv
#    fed the same stream (tee) as the peer. Target: psview < 1 % of one core.
# Never fails on speed.
set -euo pipefail
prog=view.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-20}
snapshots=${BENCH_SNAPSHOTS:-100}
procs=${BENCH_PROCS:-1000}
need_tools pssnap psdelta psview pscsv
for tool in python3 /usr/bin/time ps; do command -v "$tool" >/dev/null || die "$tool is required"; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pstools-view.XXXXXX")
tree=""
stages=()
cleanup() {
    for p in "${stages[@]}"; do kill "$p" 2>/dev/null || true; done
    [[ -n $tree ]] && kill -- "-$tree" 2>/dev/null || true
    rm -rf -- "$tmp"
}
trap cleanup EXIT

# --- 1. layout -------------------------------------------------------------------------------
python3 - "$snapshots" "$procs" > "$tmp/view.ndjson" <<'PY'
import json, random, sys
snapshots, procs = int(sys.argv[1]), int(sys.argv[2])
random.seed(7)
parents = [0] + [random.randrange(1, i + 1) if random.random() > 0.05 else 0 for i in range(1, procs)]
users = ["root", "www-data", "postgres", "ann", "bob"]
out = sys.stdout
for s in range(snapshots):
    ts = 1800000000 + s
    for i in range(procs):
        pid = i + 1
        comm = random.choice(["nginx", "postgres", "bash", "python3", "java", "sleep", "kworker/0:1"])
        r = {"ts": ts, "pid": pid, "ppid": parents[i], "pgid": pid, "sid": pid, "depth": 0, "comm": comm,
             "state": random.choice("SSSSRDZ"), "tty": None, "uid": 0, "user": random.choice(users),
             "start": 1799990000.5, "age": 10000.0 + s, "nice": 0, "prio": 20, "threads": random.randint(1, 40),
             "processor": random.randint(0, 7), "utime": round(random.random() * 100, 2), "stime": 1.5,
             "cutime": 0, "cstime": 0, "iowait": 0, "minflt": random.randint(0, 10**6), "majflt": 3,
             "vsize": random.randint(10**6, 10**10), "rss": random.randint(0, 10**9), "swap": 0,
             "vctx": 100, "nvctx": 5, "rchar": 10**6, "wchar": 10**5, "syscr": 1000, "syscw": 500,
             "read_bytes": 4096, "write_bytes": 8192, "cancelled_write_bytes": 0,
             "fds": random.randint(3, 500) if random.random() > 0.1 else None,
             "cmdline": "/usr/bin/" + comm + " --config /etc/" + comm + "/main.conf" + " --flag" * random.randint(0, 30),
             "dt": 1.0, "cpu": round(random.random() * 150, 2), "cpu_user": 1.0, "cpu_sys": 0.5}
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
input=$tmp/view.ndjson
say "layout input: $snapshots snapshots of $procs processes, $(( $(wc -c < "$input") / 1048576 )) MiB"

# Extra processes for ps and the live pipeline, in their own process group.
have=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
want=$((procs - have))
if ((want > 0)); then
    setsid bash -c "for ((i = 0; i < $want; i++)); do sleep 600 & done; wait" </dev/null >/dev/null 2>&1 &
    tree=$!
    for ((i = 0; i < 100; i++)); do
        (( $(ls -d /proc/[0-9]* 2>/dev/null | wc -l) >= procs )) && break
        sleep 0.1
    done
fi
live=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)

best psview "$bin/psview"
best psview-sum "$bin/psview" --sum --sort cpu
best pscsv "$bin/pscsv"
# ps auxf: one table of the live machine, repeated $snapshots times (its CPU per table).
best ps-auxf bash -c "for ((i = 0; i < $snapshots; i++)); do ps auxf; done"

printf '\n%-28s %12s %14s\n' "layout of one snapshot" "CPU/snapshot" "vs psview"
per() { awk -v c="${best_cpu[$1]}" -v n="$snapshots" 'BEGIN { printf "%.2f", c / n * 1000 }'; }
ref=$(per psview)
for name in psview psview-sum pscsv ps-auxf; do
    ms=$(per "$name")
    what=$name
    [[ $name == ps-auxf ]] && what="ps auxf ($live processes)"
    printf '%-28s %9s ms %13s\n' "$what" "$ms" "$(awk -v a="$ms" -v b="$ref" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')"
done
awk -v ms="$ref" 'BEGIN { printf "psview, 1000 processes: %.2f ms of CPU per snapshot (target <= 20 ms): %s\n", ms, (ms <= 20 ? "OK" : "MISS") }'

# --- 2. live ---------------------------------------------------------------------------------
mkfifo "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/d"
"$bin/pssnap" -i1 > "$tmp/a" & stages+=($!)
"$bin/psdelta" < "$tmp/a" > "$tmp/b" & stages+=($!)
tee "$tmp/c" < "$tmp/b" > "$tmp/d" & stages+=($!)
"$bin/psview" < "$tmp/c" > "$tmp/view.out" & stages+=($!)
"$bin/pscsv" < "$tmp/d" > "$tmp/out.csv" & stages+=($!)
names=(pssnap psdelta tee psview pscsv)
started=$(date +%s.%N)
sleep "$seconds"
ticks=$(getconf CLK_TCK)
declare -A used
for i in "${!stages[@]}"; do
    read -r -a f < <(sed 's/.*) //' "/proc/${stages[$i]}/stat")
    used[${names[$i]}]=$(( f[11] + f[12] ))
done
ended=$(date +%s.%N)
blocks=$(grep -c ' processes$' "$tmp/view.out" || true)
printf '\nlive: pssnap -i1 | psdelta | psview over %d processes for %.0f s (%d tables written)\n' \
    "$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)" "$(awk -v a="$started" -v b="$ended" 'BEGIN { print b - a }')" "$blocks"
printf '%-10s %12s %14s\n' stage "CPU s" "% of a core"
for n in pssnap psdelta psview pscsv; do
    awk -v n="$n" -v t="${used[$n]}" -v hz="$ticks" -v a="$started" -v b="$ended" \
        'BEGIN { printf "%-10s %12.2f %13.2f%%\n", n, t / hz, t / hz / (b - a) * 100 }'
done
awk -v v="${used[psview]}" -v c="${used[pscsv]}" -v hz="$ticks" -v a="$started" -v b="$ended" 'BEGIN {
    p = v / hz / (b - a) * 100
    printf "psview / pscsv (CPU): %.2fx; psview %.2f%% of a core (target < 1%%): %s\n", (c > 0 ? v / c : 0), p, (p < 1 ? "OK" : "MISS") }'
