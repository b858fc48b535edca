#!/usr/bin/env bash
# bench/subtree.sh: what watching one small tree costs on a crowded host.
#
#     bench/subtree.sh [-n PROCS] [-t TICKS]
#
# Starts PROCS extra processes (default 10000, the tree of bench/snapshot.sh) and a 10-process
# tree to watch, then measures, side by side, in CPU time (user + sys, from wait4 through
# bench/runone.c):
#   - a full one-shot snapshot (pssnap) against the C floor (bench/cfloor.c), per process, and
#     pssnap's peak RSS;
#   - a full snapshot per tick in repeated mode (pssnap -i);
#   - watching the 10-process tree with the subtree read (pssnap -p PID, pssnap 'pid==PID..');
#   - the same watch as pssnap did it before the subtree read ('pid==PID..' read every stat):
#     PSSNAP_BEFORE=/path/to/pssnap, else built once from BENCH_BEFORE_REF (default 982e361,
#     the last commit without it) into bench/out/before.
# Prints the figures and the ratios; exits 0 whatever they are. Every process it starts is in
# a process group of its own and is killed on exit (also on Ctrl-C).
set -euo pipefail

prog=subtree.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
procs=${BENCH_PROCS:-10000}
ticks=${BENCH_TICKS:-300}
while getopts 'n:t:h' opt; do
    case $opt in
    n) procs=$OPTARG ;;
    t) ticks=$OPTARG ;;
    h) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
    esac
done

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "$*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pssnap-subtree.XXXXXX")
crowd_pgid=""
watched_pgid=""
stop_group() {
    local g=$1 i
    [[ -n $g ]] || return 0
    kill -TERM -- "-$g" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        ps -A -o pgid= -o stat= | awk -v g="$g" '$1 == g && $2 !~ /^Z/ { n++ } END { exit n > 0 }' && return 0
        sleep 0.05
    done
    kill -KILL -- "-$g" 2>/dev/null || true
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_group "$watched_pgid"
    stop_group "$crowd_pgid"
    wait 2>/dev/null || true
    rm -rf -- "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${CC:-cc}" -O2 -o "$tmp/cfloor" "$here/cfloor.c" || die "cannot compile bench/cfloor.c"
"${CC:-cc}" -O2 -o "$tmp/runone" "$here/runone.c" || die "cannot compile bench/runone.c"

pssnap=${PSSNAP:-$root/.build/release/pssnap}
if [[ ! -x $pssnap ]]; then
    say "building the release pssnap (swift build -c release --product pssnap)"
    (cd "$root" && swift build -c release --product pssnap) >&2 || die "swift build failed"
fi
before=${PSSNAP_BEFORE:-}
if [[ -z $before ]]; then
    ref=${BENCH_BEFORE_REF:-982e361}
    before=$here/out/before/.build/release/pssnap
    if [[ ! -x $before ]]; then
        say "building pssnap as it was at $ref into bench/out/before (once)"
        mkdir -p "$here/out"
        rm -rf "$here/out/before"
        git -C "$root" archive --format=tar --prefix=before/ "$ref" | tar -x -C "$here/out"
        (cd "$here/out/before" && swift build -c release --product pssnap) >&2 || die "cannot build $ref"
    fi
fi

# cost CMD...: runs CMD once (stdout to /dev/null); sets $cpu (seconds) and $rss (KiB).
cost() {
    "$tmp/runone" "$@" 3>"$tmp/cost" || die "failed: $*"
    read -r _ u s m st <"$tmp/cost"
    [[ $st == 0 ]] || die "failed ($st): $*"
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.6f", (u + s) / 1e6 }')
    rss=$m
}
# median_cost RUNS CMD...: the median run's CPU seconds in $cpu, the largest RSS in $rss.
median_cost() {
    local n=$1 i all="" peak=0
    shift
    for ((i = 0; i < n; i++)); do
        cost "$@"
        all="$all $cpu"
        ((rss > peak)) && peak=$rss
    done
    cpu=$(tr ' ' '\n' <<<"$all" | sed '/^$/d' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    rss=$peak
}

say "starting $procs extra processes..."
setsid -w bash "$here/snapshot.sh" --tree "$procs" "$tmp/crowd.pid" </dev/null >/dev/null 2>"$tmp/crowd.err" &
for ((i = 0; i < 200; i++)); do [[ -s $tmp/crowd.pid ]] && break; sleep 0.05; done
[[ -s $tmp/crowd.pid ]] || die "the crowd did not start"
crowd_pgid=$(<"$tmp/crowd.pid")
deadline=$((SECONDS + 120))
while ((SECONDS < deadline)); do
    have=$(pgrep -c -x -g "$crowd_pgid" sleep || true)
    ((have >= procs)) && break
    sleep 0.2
done
((have >= procs)) || say "WARNING: only $have of $procs processes started"

# The watched tree: a shell and nine sleeps, 10 processes.
setsid bash -c 'echo $$ > "$1"; for i in 1 2 3 4 5 6 7 8 9; do sleep 600 & done; wait' bash "$tmp/watched.pid" </dev/null >/dev/null 2>&1 &
for ((i = 0; i < 100; i++)); do [[ -s $tmp/watched.pid ]] && break; sleep 0.05; done
watched=$(<"$tmp/watched.pid")
watched_pgid=$watched
for ((i = 0; i < 100; i++)); do (($("$pssnap" -p "$watched" -f stat | wc -l) >= 10)) && break; sleep 0.05; done
total=$(ls /proc | grep -c '^[0-9]')
members=$("$pssnap" -p "$watched" -f stat | wc -l)
say "$total processes in /proc; watching pid $watched ($members processes)"

say "full one-shot snapshots (5 runs each of pssnap and the C floor)..."
median_cost 5 "$pssnap"; full=$cpu; full_rss=$rss
median_cost 5 "$tmp/cfloor"; floor=$cpu
say "full snapshots in repeated mode (pssnap -i0.2 -n11)..."
cost "$pssnap" -i0.2 -n11; repeated=$(awk -v c="$cpu" 'BEGIN { print c / 11 }'); repeated_rss=$rss
say "watching with the subtree read ($ticks ticks each)..."
cost "$pssnap" -i0.01 -n"$ticks" -p "$watched"; watch_p=$(awk -v c="$cpu" -v n="$ticks" 'BEGIN { print c / n }')
cost "$pssnap" -i0.01 -n"$ticks" "pid==$watched.."; watch_q=$(awk -v c="$cpu" -v n="$ticks" 'BEGIN { print c / n }')
say "watching at one tick a second: pssnap -i1 -n15 -p PID (15 s)..."
cost "$pssnap" -i1 -n15 -p "$watched"; watch_i1=$(awk -v c="$cpu" 'BEGIN { print c / 15 }'); watch_rss=$rss
say "watching as before the subtree read (10 ticks)..."
cost "$before" -i0.01 -n10 "pid==$watched.."; watch_before=$(awk -v c="$cpu" 'BEGIN { print c / 10 }')

awk -v total="$total" -v members="$members" -v full="$full" -v floor="$floor" -v rss="$full_rss" \
    -v repeated="$repeated" -v rrss="$repeated_rss" -v p="$watch_p" -v q="$watch_q" -v b="$watch_before" \
    -v i1="$watch_i1" -v wrss="$watch_rss" '
function ms(s) { return sprintf("%8.3f ms", s * 1000) }
function verdict(ok) { return ok ? "OK" : "MISS" }
BEGIN {
    printf "processes in /proc: %d; watched tree: %d processes\n\n", total, members
    printf "%-52s %s  (%.1f us/process)\n", "full snapshot, one-shot (pssnap)", ms(full), full / total * 1e6
    printf "%-52s %s  (%.1f us/process)\n", "C floor, one-shot (bench/cfloor.c)", ms(floor), floor / total * 1e6
    printf "%-52s %8.2fx  target <= 1        %s\n", "  pssnap / C floor", full / floor, verdict(full <= floor)
    printf "%-52s %8.1f MiB target <= 24 MiB   %s\n", "  pssnap peak RSS, one-shot", rss / 1024, verdict(rss <= 24 * 1024)
    printf "%-52s %s  (peak RSS %.1f MiB)\n", "full snapshot per tick, repeated (pssnap -i)", ms(repeated), rrss / 1024
    printf "\n"
    printf "%-52s %s  (peak RSS %.1f MiB)\n", "watch per tick: pssnap -i1 -p PID", ms(i1), wrss / 1024
    printf "%-52s %s\n", "watch per tick: pssnap -i0.01 -p PID", ms(p)
    printf "%-52s %s\n", "watch per tick: pssnap -i0.01 pid==PID..", ms(q)
    printf "%-52s %s\n", "watch per tick: pid==PID.. before (every stat)", ms(b)
    printf "%-52s %8.2f %%  target <= 1 %%      %s\n", "  -i1 -p tick / one-shot full snapshot", i1 / full * 100, verdict(i1 <= full / 100)
    printf "%-52s %8.2f %%  target <= 1 %%      %s\n", "  -i1 -p tick / repeated full snapshot tick", i1 / repeated * 100, verdict(i1 <= repeated / 100)
    printf "%-52s %8.0fx  target >= 100x     %s\n", "  before / -i1 -p (same watch, per tick)", b / i1, verdict(b >= 100 * i1)
    printf "%-52s %8.0fx\n", "  before / -i0.01 -p (per tick)", b / p
    printf "%-52s %8.0fx\n", "  before / -i0.01 pid==PID.. (per tick)", b / q
}'
