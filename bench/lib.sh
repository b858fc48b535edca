# bench/lib.sh: what bench/format.sh, bench/delta.sh and bench/pipeline.sh share. Sourced.
# Builds the release tools if missing, makes the 1M-record input from real pssnap snapshots,
# times commands (best of RUNS, user+sys CPU and wall), prints ratios.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out
bin=${PSTOOLS_BIN:-$root/.build/release}
records=${BENCH_RECORDS:-1000000}
runs=${BENCH_RUNS:-3}
mkdir -p "$out"

say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "$*"; exit 1; }

need_tools() {
    for t in "$@"; do
        [[ -x $bin/$t ]] && continue
        say "no $bin/$t: building the release tools (swift build -c release)"
        (cd "$root" && swift build -c release) >&2 || die "swift build failed"
        break
    done
}

# The input: one real snapshot (pssnap, default groups) replayed as snapshots one second apart,
# with ts, age and counters advancing, to $records records. Kept in bench/out/ between runs.
input=$out/records-$records.ndjson
make_input() {
    need_tools pssnap
    if [[ ! -s $input ]]; then
        say "generating $records records from a real pssnap snapshot into $input..."
        "$bin/pssnap" > "$out/snapshot.ndjson"
        python3 "$here/gen_records.py" "$out/snapshot.ndjson" "$records" "$input"
    fi
    say "input: $(wc -l < "$input") records, $(( $(wc -c < "$input") / 1048576 )) MiB, $(wc -l < "$out/snapshot.ndjson") processes per snapshot"
}

# best NAME COMMAND...: runs COMMAND (stdin from $input, stdout to /dev/null) $runs times; sets
# $cpu and $wall to the best run's user+sys and wall seconds, and records them under NAME.
declare -A best_cpu best_wall
best() {
    local name=$1; shift
    local i t c w
    cpu="" wall=""
    for ((i = 0; i < runs; i++)); do
        t=$( { /usr/bin/time -f '%U %S %e' "$@" < "$input" > /dev/null; } 2>&1 | tail -n 1 )
        read -r u s w <<< "$t"
        c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        if [[ -z $cpu ]] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; wall=$w; fi
    done
    best_cpu[$name]=$cpu
    best_wall[$name]=$wall
    say "$name: cpu ${cpu}s wall ${wall}s"
}

# row LABEL OURS PEER: one line of the table, the ratio being peer CPU / our CPU.
row() {
    local ours=$2 peer=$3
    awk -v l="$1" -v oc="${best_cpu[$ours]}" -v ow="${best_wall[$ours]}" -v pc="${best_cpu[$peer]}" -v pw="${best_wall[$peer]}" -v n="$records" '
        BEGIN {
            ratio = oc > 0 ? pc / oc : 0
            printf "%-34s %8.2f s %8.2f s %10.0f rec/s %8.1fx %s\n", l, oc, pc, (oc > 0 ? n / oc : 0), ratio, (ratio >= 10 ? "OK" : "MISS")
        }'
}

header() {
    printf '%-34s %10s %10s %16s %9s\n' "$1" "ours cpu" "peer cpu" "ours" "peer/ours"
}
