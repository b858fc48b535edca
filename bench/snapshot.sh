#!/usr/bin/env bash
# bench/snapshot.sh: benchmark pssnap against ps and a naive C reader of /proc.
#
# Starts a tree of extra processes, then measures one-shot snapshots (pssnap,
# ps, the C floor), pssnap's repeated mode, its start-up time and its peak
# RSS, and prints a table and a TARGETS section. It never fails on speed:
# exit 0 unless something broke. See bench/README.md.

set -euo pipefail

prog=snapshot.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

# ------------------------------------------------------------- process tree
# Internal mode: `snapshot.sh --tree N PIDFILE`, run under setsid, so this
# bash is the leader of a new session and process group that holds every
# process it starts. It starts N `sleep 600` in branches of up to 50; branch
# k hangs (k mod 5) subshells deep, so the tree has chains
# bash -> bash -> ... -> sleep, not only one flat fan.

tree_branch() { # DEPTH COUNT
    local depth=$1 count=$2 i
    if ((depth > 0)); then
        tree_branch $((depth - 1)) "$count" &
    else
        for ((i = 0; i < count; i++)); do
            sleep 600 &
        done
    fi
    wait
}

tree_main() { # N PIDFILE
    local left=$1 per=50 k=0 c
    echo "$$" >"$2"
    while ((left > 0)); do
        c=$((left < per ? left : per))
        tree_branch $((k % 5)) "$c" &
        left=$((left - c))
        k=$((k + 1))
    done
    wait
}

if [[ ${1-} == --tree ]]; then
    tree_main "$2" "$3"
    exit 0
fi

# ------------------------------------------------------------------ options

usage() {
    cat <<EOF
usage: bench/snapshot.sh [-n PROCS] [-r REPEAT] [-s STARTUP_RUNS] [-j FILE]

Benchmark pssnap against \`ps\` and a naive C reader of /proc (bench/cfloor.c).

  -n PROCS         extra processes to start for the run (default 1000; 0: none)
  -r REPEAT        runs of each one-shot tool; the median is reported (default 20)
  -s STARTUP_RUNS  runs of \`pssnap --version\` for the start-up time (default 50)
  -j FILE          also write the raw measurements (NDJSON) to FILE
  -h               this help

Environment: PSSNAP (binary to test; default .build/release/pssnap, built
with \`swift build -c release --static-swift-stdlib\` if missing),
BENCH_PROCS, BENCH_REPEAT, CC (default cc).
EOF
}

procs=${BENCH_PROCS:-1000}
repeat=${BENCH_REPEAT:-20}
startup_runs=50
json_out=""
while getopts 'n:r:s:j:h' opt; do
    case $opt in
    n) procs=$OPTARG ;;
    r) repeat=$OPTARG ;;
    s) startup_runs=$OPTARG ;;
    j) json_out=$OPTARG ;;
    h)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
    esac
done
shift $((OPTIND - 1))
if (($# > 0)); then
    usage >&2
    exit 2
fi
for v in "$procs" "$repeat" "$startup_runs"; do
    if ! [[ $v =~ ^[0-9]+$ ]]; then
        echo "$prog: not a number: $v" >&2
        exit 2
    fi
done
if ((repeat < 1 || startup_runs < 1)); then
    echo "$prog: -r and -s must be at least 1" >&2
    exit 2
fi

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
    say "$*"
    exit 1
}

for tool in python3 ps pgrep setsid "${CC:-cc}"; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

# ---------------------------------------------------------- cleanup, signals

tmp=""
tree_pid=""
tree_pgid=""
child=""

# Processes of group $1 that are still alive (zombies count as gone).
live_in_group() {
    ps -A -o pgid= -o stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { print n + 0 }'
}

stop_tree() {
    local pgid=$tree_pgid left i
    tree_pgid=""
    kill -TERM -- "-$pgid" 2>/dev/null || true
    left=$(live_in_group "$pgid")
    for ((i = 0; i < 100 && left > 0; i++)); do
        sleep 0.05
        left=$(live_in_group "$pgid")
    done
    if ((left > 0)); then
        kill -KILL -- "-$pgid" 2>/dev/null || true
        sleep 0.2
        left=$(live_in_group "$pgid")
    fi
    if [[ -n $tree_pid ]]; then
        wait "$tree_pid" 2>/dev/null || true
        tree_pid=""
    fi
    if ((left > 0)); then
        say "WARNING: $left processes of group $pgid are still alive"
        return 1
    fi
    say "stopped the benchmark's processes (group $pgid is gone)"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $child ]]; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
        child=""
    fi
    if [[ -n $tree_pgid ]]; then
        stop_tree || rc=1
    elif [[ -n $tree_pid ]]; then
        # The tree never wrote its pid file: it is its own group leader.
        tree_pgid=$tree_pid
        stop_tree || rc=1
    fi
    if [[ -n $tmp ]]; then
        rm -rf -- "$tmp"
    fi
    exit "$rc"
}

on_signal() {
    say "interrupted by SIG$1"
    if [[ $1 == INT ]]; then exit 130; else exit 143; fi
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# Run a command in the background and wait for it, so that a signal to this
# script is handled at once (the trap stops the command).
run() {
    local rc=0
    "$@" &
    child=$!
    wait "$child" || rc=$?
    child=""
    return "$rc"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pssnap-bench.XXXXXX")
results=$tmp/results.ndjson

# ------------------------------------------------------------------- build

floor=$tmp/cfloor
runone=$tmp/runone
"${CC:-cc}" -O2 -o "$floor" "$here/cfloor.c" || die "cannot compile bench/cfloor.c"
"${CC:-cc}" -O2 -o "$runone" "$here/runone.c" || die "cannot compile bench/runone.c"

if [[ -n ${PSSNAP-} ]]; then
    pssnap=$PSSNAP
    if [[ $pssnap != */* ]]; then
        pssnap=$(command -v "$pssnap") || die "PSSNAP=$PSSNAP: not found"
    fi
else
    pssnap=$root/.build/release/pssnap
    if [[ ! -x $pssnap ]]; then
        say "no $pssnap: building it (swift build -c release --static-swift-stdlib)"
        (cd "$root" && swift build -c release --static-swift-stdlib) >&2 ||
            die "swift build failed"
    fi
fi
[[ -x $pssnap ]] || die "$pssnap is not executable"

# A real binary, a working one: fail early rather than in the middle.
"$pssnap" --version >/dev/null || die "$pssnap --version failed"

# ----------------------------------------------------------- process tree

# RLIMIT_NPROC (not enforced for root) counts every task of the real uid:
# stay well inside it, or the tree and then this script could not fork.
nproc_limit=$(ulimit -u)
if ((procs > 0 && EUID != 0)) && [[ $nproc_limit != unlimited ]]; then
    used=$(ps -L -U "$(id -u)" -o lwp= | wc -l)
    room=$(((nproc_limit - used - 100) * 10 / 11)) # the tree adds ~6 % of bash
    if ((room < procs)); then
        ((room < 0)) && room=0
        say "WARNING: ulimit -u is $nproc_limit and uid $(id -u) runs $used tasks: starting $room extra processes, not $procs"
        procs=$room
    fi
fi

if ((procs > 0)); then
    say "starting $procs extra processes..."
    pidfile=$tmp/tree.pid
    setsid -w bash "$here/$prog" --tree "$procs" "$pidfile" \
        </dev/null >/dev/null 2>"$tmp/tree.err" &
    tree_pid=$!
    # bash's $$ under setsid is the session and process-group id.
    for ((i = 0; i < 100; i++)); do
        [[ -s $pidfile ]] && break
        sleep 0.05
    done
    [[ -s $pidfile ]] || die "the process tree did not start"
    tree_pgid=$(<"$pidfile")
    have=0
    deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
        have=$(pgrep -c -x -g "$tree_pgid" sleep || true)
        ((have >= procs)) && break
        kill -0 "$tree_pid" 2>/dev/null || die "the process tree died: $(head -c 300 "$tmp/tree.err")"
        sleep 0.1
    done
    if ((have < procs)); then
        say "WARNING: only $have of $procs processes started (ulimit -u is $(ulimit -u)):"
        head -n 3 "$tmp/tree.err" >&2 || true
    fi
    total=$(live_in_group "$tree_pgid")
    say "process group $tree_pgid: $total processes ($have sleep, $((total - have)) bash)"
fi

# ----------------------------------------------------------------- measure

measure=(python3 "$here/measure.py")
measure_run=("${measure[@]}" run --runner "$runone" --out "$results")
ps_cmd=(ps -e -o 'pid,ppid,pgid,sid,stat,nlwp,vsz,rss,cputime,comm,args')

say "one-shot: $repeat runs each of pssnap, ps, cfloor..."
run "${measure_run[@]}" --kind oneshot -r "$repeat" --warmup 1 -- \
    pssnap "$pssnap" ::: ps "${ps_cmd[@]}" ::: cfloor "$floor"

say "repeated: pssnap -i0.1 -n 51 (about 5 s)..."
run "${measure_run[@]}" --kind repeated --snapshots 51 --duration 5 -- \
    pssnap-i0.1 "$pssnap" -i0.1 -n 51

say "repeated: pssnap -i1 -d10 (about 10 s)..."
run "${measure_run[@]}" --kind repeated --snapshots 11 --duration 10 -- \
    pssnap-i1 "$pssnap" -i1 -d10

say "repeated: cfloor -i1 -n 11, the kept-open pread floor (about 10 s)..."
run "${measure_run[@]}" --kind repeated --snapshots 11 --duration 10 -- \
    cfloor-i1 "$floor" -i1 -n 11

say "start-up: $startup_runs runs of pssnap --version..."
run "${measure_run[@]}" --kind startup -r "$startup_runs" --warmup 2 -- \
    pssnap "$pssnap" --version ::: true true

if [[ -n $json_out ]]; then
    cp -- "$results" "$json_out"
fi

# Stop the tree before printing, so that the cleanup message comes first.
if [[ -n $tree_pgid ]]; then
    stop_tree || die "could not stop the benchmark's processes"
fi

echo "pssnap: $pssnap ($("$pssnap" --version 2>&1 | head -n 1))"
run "${measure[@]}" report "$results" --procs "$procs"
