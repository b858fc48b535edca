#!/usr/bin/env bash
# psfilter against jq on the same records, side by side, printed as ratios.
#
#     bench/filter.sh [RECORDS]        (default 1000000)
#
# The input is real pssnap snapshots of this machine, repeated with a new ts for each copy
# (so the stream is RECORDS records in snapshots of this machine's size), kept in bench/out/.
# Needs jq, python3 and GNU time (/usr/bin/time). Uses the release build (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BIN=${PSTOOLS_BIN:-.build/release}
[ -x "$BIN/psfilter" ] || swift build -c release >&2
mkdir -p bench/out
base=bench/out/filter-base.ndjson
"$BIN/pssnap" -i0.2 -n5 > "$base"

make_input() { # RECORDS FILE: snapshots of $base repeated, ts rising by 1 s per copy
    python3 - "$1" "$base" > "$2" <<'PY'
import sys, re
n, path = int(sys.argv[1]), sys.argv[2]
snaps, cur, last = [], [], None
for line in open(path, 'rb'):
    ts = re.match(rb'\{"ts":([0-9.]+),', line).group(1)
    if ts != last and cur: snaps.append(cur); cur = []
    last = ts; cur.append(line[len(b'{"ts":') + len(ts):])
snaps.append(cur)
out, written, k = sys.stdout.buffer, 0, 0
while written < n:
    snap = snaps[k % len(snaps)]
    prefix = b'{"ts":%d.%03d' % (1700000000 + k, k % 1000)
    for rest in snap[: n - written]:
        out.write(prefix + rest)
    written += min(len(snap), n - written)
    k += 1
PY
}
big=bench/out/filter-$N.ndjson
small=bench/out/filter-10000.ndjson
[ -s "$big" ] || make_input "$N" "$big"
[ -s "$small" ] || make_input 10000 "$small"
bytes=$(wc -c < "$big")
echo "input: $N records, $((bytes / 1000000)) MB, snapshots of $(grep -c . "$base" | awk '{print int($1/5)}') processes (from this machine)"

# run NAME CMD...: prints seconds and peak RSS (KiB) of CMD reading $big, output to /dev/null
measure() {
    local file=$1; shift
    /usr/bin/time -f "%e %M" -o bench/out/time.txt "$@" < "$file" > /dev/null
    cat bench/out/time.txt
}
row() { # LABEL SECONDS
    awk -v l="$1" -v s="$2" -v n="$N" 'BEGIN { printf "  %-44s %7.2f s %10.0f records/s\n", l, s, n / s }'
}

read jq_rss_s _ < <(measure "$big" jq -c 'select(.rss > 100000000)')
read pf_rss_s _ < <(measure "$big" "$BIN/psfilter" 'rss>100000000')
read jq_comm_s _ < <(measure "$big" jq -c 'select(.comm == "nginx")')
read pf_comm_s _ < <(measure "$big" "$BIN/psfilter" 'comm==nginx')
read pf_desc_s pf_desc_rss < <(measure "$big" "$BIN/psfilter" 'pid==1..')
read pf_anc_s _ < <(measure "$big" "$BIN/psfilter" '..pid==1')
read _ pf_small_rss < <(measure "$small" "$BIN/psfilter" 'pid==1..')
read _ pf_plain_rss < <(measure "$big" "$BIN/psfilter" 'rss>100000000')
read _ pf_plain_small_rss < <(measure "$small" "$BIN/psfilter" 'rss>100000000')

echo "throughput:"
row "jq -c 'select(.rss > 100000000)'" "$jq_rss_s"
row "psfilter 'rss>100000000'" "$pf_rss_s"
row "jq -c 'select(.comm == \"nginx\")'" "$jq_comm_s"
row "psfilter 'comm==nginx'" "$pf_comm_s"
row "psfilter 'pid==1..' (descendants, streamed)" "$pf_desc_s"
row "psfilter '..pid==1' (ancestors, per snapshot)" "$pf_anc_s"
echo "ratios:"
awk -v a="$jq_rss_s" -v b="$pf_rss_s" 'BEGIN { printf "  psfilter vs jq, rss comparison:      %6.1fx faster (goal >= 10x)\n", a / b }'
awk -v a="$jq_comm_s" -v b="$pf_comm_s" 'BEGIN { printf "  psfilter vs jq, comm comparison:     %6.1fx faster (goal >= 10x)\n", a / b }'
awk -v a="$pf_desc_s" -v b="$pf_rss_s" 'BEGIN { printf "  descendant query / plain comparison: %6.2fx the time (goal <= 1.5x)\n", a / b }'
echo "peak RSS:"
awk -v a="$pf_desc_rss" -v b="$pf_small_rss" -v n="$N" 'BEGIN { printf "  psfilter pid==1..   %s records: %d KiB, 10000 records: %d KiB, ratio %.2f (goal <= 1.2)\n", n, a, b, a / b }'
awk -v a="$pf_plain_rss" -v b="$pf_plain_small_rss" -v n="$N" 'BEGIN { printf "  psfilter rss>100M   %s records: %d KiB, 10000 records: %d KiB, ratio %.2f (goal <= 1.2)\n", n, a, b, a / b }'
