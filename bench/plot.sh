#!/usr/bin/env bash
# bench/plot.sh: psplot against Procpath's `plot` and pscsv, side by side, on the same records.
#
#   bench/plot.sh [PROCESSES] [SNAPSHOTS]        (default 1000 1000: 1 000 000 records)
#
# Makes the input from one real pssnap snapshot of this machine (bench/gen_plot_records.py:
# its records cycled to PROCESSES processes, each its own series, over SNAPSHOTS snapshots one
# second apart, rss moving), writes the same records as a Procpath database
# (bench/plot_procpath_db.py: Procpath's own schema, table `record` with ts, stat_pid,
# stat_rss in pages..., table `meta` with page_size; not timed, as `procpath record` would
# have written it while recording), then times:
#   - psplot -y rss FILE > svg                  (best of BENCH_RUNS, default 3)
#   - procpath plot -q rss -d DB -f svg         (once: it is slow; BENCH_PROCPATH_SNAPSHOTS=N
#                                                runs it on the first N snapshots only, and says so)
#   - pscsv FILE > /dev/null                    (best of BENCH_RUNS: the cost of reading the stream)
#   - pscsv -f ts FILE > /dev/null              (best of BENCH_RUNS: parsing alone, the floor)
#   - psplot -y rss on 10 snapshots of the same processes (10 000 records), for peak RSS
# CPU is user+sys (the machine is shared; wall time is printed too). Never fails on speed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
processes=${1:-1000}
snapshots=${2:-1000}
runs=${BENCH_RUNS:-3}
out=$here/out
bin=${PSTOOLS_BIN:-$root/.build/release}
mkdir -p "$out"
for t in psplot pscsv pssnap; do
    if [[ ! -x $bin/$t ]]; then
        echo "plot.sh: building the release tools..." >&2
        (cd "$root" && swift build -c release --product psplot && swift build -c release --product pscsv && swift build -c release --product pssnap) >&2
        break
    fi
done
for t in procpath python3 /usr/bin/time; do
    command -v "$t" >/dev/null || { echo "plot.sh: $t is required" >&2; exit 1; }
done

records=$((processes * snapshots))
big=$out/plot-$processes-$snapshots.ndjson
small=$out/plot-$processes-10.ndjson
if [[ ! -s $big ]]; then
    "$bin/pssnap" >"$out/plot-snapshot.ndjson"
    echo "plot.sh: generating $records records from a real snapshot of $(wc -l <"$out/plot-snapshot.ndjson") processes..." >&2
    python3 "$here/gen_plot_records.py" "$out/plot-snapshot.ndjson" "$processes" "$snapshots" "$big"
fi
[[ -s $small ]] || python3 "$here/gen_plot_records.py" "$out/plot-snapshot.ndjson" "$processes" 10 "$small"

pp_snapshots=${BENCH_PROCPATH_SNAPSHOTS:-$snapshots}
pp_records=$((processes * pp_snapshots))
pp_input=$big
if ((pp_snapshots < snapshots)); then
    pp_input=$out/plot-$processes-$pp_snapshots.ndjson
    head -n "$pp_records" "$big" >"$pp_input"
fi
db=$out/plot-$processes-$pp_snapshots.sqlite
if [[ ! -s $db ]]; then
    echo "plot.sh: writing $pp_records records as a Procpath database..." >&2
    python3 "$here/plot_procpath_db.py" "$pp_input" "$db"
fi
echo "input: $records records ($processes processes x $snapshots snapshots), $(( $(wc -c <"$big") / 1048576 )) MiB"

# measure NAME RUNS COMMAND...: best user+sys of RUNS runs; sets cpu, wall, rss (KiB).
measure() {
    local name=$1 n=$2 i u s w m c
    shift 2
    cpu="" wall="" rss=""
    for ((i = 0; i < n; i++)); do
        /usr/bin/time -f '%U %S %e %M' -o "$out/time.txt" "$@" >"$out/$name.out" 2>"$out/$name.err" || { echo "plot.sh: $name failed:" >&2; cat "$out/$name.err" >&2; exit 1; }
        read -r u s w m <"$out/time.txt"
        c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
        if [[ -z $cpu ]] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; wall=$w; fi
        if [[ -z $rss ]] || ((m > rss)); then rss=$m; fi
    done
    printf '%-34s cpu %8.2f s  wall %8.2f s  peak RSS %7.1f MiB\n' "$name" "$cpu" "$wall" "$(awk -v m="$rss" 'BEGIN { print m / 1024 }')"
}

cat "$big" >/dev/null
measure "psplot -y rss" "$runs" "$bin/psplot" -y rss "$big"
ps_cpu=$cpu ps_rss=$rss ps_wall=$wall
svg_size=$(wc -c <"$out/psplot -y rss.out")
measure "pscsv" "$runs" "$bin/pscsv" "$big"
csv_cpu=$cpu
measure "pscsv -f ts (the parse floor)" "$runs" "$bin/pscsv" -f ts "$big"
floor_cpu=$cpu
measure "psplot -y rss (10 000 records)" "$runs" "$bin/psplot" -y rss "$small"
small_rss=$rss
measure "procpath plot -q rss ($pp_records rec)" 1 procpath plot -q rss -d "$db" -f "$out/procpath.svg"
pp_cpu=$cpu pp_rss=$rss pp_wall=$wall
pp_svg=$(wc -c <"$out/procpath.svg")
[[ -s $out/procpath.svg ]] || { echo "plot.sh: procpath wrote no SVG" >&2; exit 1; }
if ((pp_snapshots < snapshots)); then
    echo "note: Procpath ran on the first $pp_snapshots of $snapshots snapshots; its time is scaled by $snapshots/$pp_snapshots for the ratio"
fi

echo
awk -v ps="$ps_cpu" -v pp="$pp_cpu" -v psw="$ps_wall" -v ppw="$pp_wall" -v floor="$floor_cpu" -v k="$snapshots" -v kp="$pp_snapshots" -v csv="$csv_cpu" -v r1="$ps_rss" -v r0="$small_rss" \
    -v svg="$svg_size" -v ppsvg="$pp_svg" -v ppr="$pp_rss" 'BEGIN {
    ppf = pp * k / kp
    printf "Procpath plot / psplot (cpu):   %7.1fx   (target >= 20x)  %s\n", ppf / ps, (ppf / ps >= 20 ? "OK" : "MISS")
    printf "Procpath plot / psplot (wall):  %7.1fx\n", ppw * k / kp / psw
    printf "Procpath plot / parse floor:    %7.1fx   (pscsv -f ts: the record parser psplot shares; no reader of this stream can beat it)\n", ppf / floor
    printf "psplot / pscsv (cpu):           %7.2fx   (target <= 3x)   %s\n", ps / csv, (ps / csv <= 3 ? "OK" : "MISS")
    printf "psplot peak RSS, 1M / 10k:      %7.2fx   (target <= 1.5x) %s   (%.1f / %.1f MiB; Procpath %.0f MiB)\n", r1 / r0, (r1 / r0 <= 1.5 ? "OK" : "MISS"), r1 / 1024, r0 / 1024, ppr / 1024
    printf "psplot SVG:                     %7.0f KiB (target < 1 MiB) %s   (Procpath: %.0f KiB)\n", svg / 1024, (svg < 1048576 ? "OK" : "MISS"), ppsvg / 1024
}'
