#!/usr/bin/env bash
# bench/agg.sh: psagg against jq, side by side, on records made from real pssnap snapshots.
#
#   bench/agg.sh [RECORDS]        (default 1000000)
#
# Generates RECORDS records under bench/out/ (real snapshots of this machine, their records
# repeated to about 1000 per snapshot, each snapshot with its own ts), then times:
#   - psagg            every additive field summed per snapshot (the real work)
#   - psagg -g user    the same per user
#   - jq               the rss sum per snapshot only:
#                      jq -c -n 'reduce inputs as $r ({}; .[$r.ts|tostring] += $r.rss)'
#                      (jq's cheapest per-snapshot sum: one object entry per snapshot, one
#                      addition per record; a streaming foreach that writes rows would cost more)
# and prints wall seconds, peak RSS and the ratio jq / psagg. Then psagg's peak RSS on 10 000
# records against RECORDS records: it should not grow with the stream. Never fails on speed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
records=${1:-1000000}
out=$here/out
mkdir -p "$out"
psagg=${PSAGG:-$root/.build/release/psagg}
pssnap=${PSSNAP:-$root/.build/release/pssnap}
if [[ ! -x $psagg || ! -x $pssnap ]]; then
    echo "agg.sh: building release psagg and pssnap..." >&2
    (cd "$root" && swift build -c release --product psagg && swift build -c release --product pssnap) >&2
fi
for tool in jq python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "agg.sh: $tool is required" >&2; exit 1; }
done

# Five real snapshots; each output snapshot takes one of them, its records repeated to ~1000.
"$pssnap" -i0.2 -n5 >"$out/real.ndjson"
gen() { # COUNT FILE
    python3 - "$1" "$out/real.ndjson" >"$2" <<'PY'
import sys, json
count, src = int(sys.argv[1]), sys.argv[2]
snaps = {}
for line in open(src):
    ts = json.loads(line)["ts"]
    snaps.setdefault(ts, []).append(line[line.index(",") + 1:])  # the record after its ts
snaps = list(snaps.values())
out = sys.stdout
written, k, ts = 0, 0, 1700000000000
while written < count:
    body = snaps[k % len(snaps)]
    reps = max(1, 1000 // len(body))
    prefix = '{"ts":%d.%03d,' % (ts // 1000, ts % 1000)
    chunk = [prefix + rest for _ in range(reps) for rest in body][: count - written]
    out.write("".join(chunk))
    written += len(chunk)
    k += 1
    ts += 1000
PY
}
gen "$records" "$out/agg-big.ndjson"
gen 10000 "$out/agg-small.ndjson"
size=$(du -m "$out/agg-big.ndjson" | cut -f1)
snapshots=$(( (records + 999) / 1000 ))
echo "input: $records records (~$snapshots snapshots), ${size} MB; real snapshots of $(wc -l <"$out/real.ndjson") records"

measure() { # NAME COMMAND... ; prints "NAME wall_s rss_kb"
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/$name.out" 2>/dev/null
    echo "$name $(cat "$out/time.txt")"
}
cat "$out/agg-big.ndjson" >/dev/null # warm the page cache
r1=$(measure psagg "$psagg" "$out/agg-big.ndjson")
r2=$(measure psagg-g-user "$psagg" -g user "$out/agg-big.ndjson")
r3=$(measure jq jq -c -n 'reduce inputs as $r ({}; .[$r.ts|tostring] += $r.rss)' "$out/agg-big.ndjson")
r4=$(measure psagg-10k "$psagg" "$out/agg-small.ndjson")

# The two agree: jq's rss sums are psagg's.
python3 - "$out/psagg.out" "$out/jq.out" <<'PY'
import sys, json
rows = [json.loads(l) for l in open(sys.argv[1])]
jq = json.load(open(sys.argv[2]))
ok = len(rows) == len(jq) and all(jq[str(r["ts"]) if str(r["ts"]) in jq else repr(r["ts"])] == r["rss"] for r in rows)
print("check: psagg's rss sums equal jq's for all %d snapshots: %s" % (len(rows), "yes" if ok else "NO"))
PY

printf '\n%-14s %10s %14s\n' tool "wall s" "peak RSS MiB"
for r in "$r1" "$r2" "$r3" "$r4"; do
    set -- $r
    printf '%-14s %10s %14.1f\n' "$1" "$2" "$(echo "$3 / 1024" | bc -l)"
done
set -- $r1; pw=$2; prss=$3
set -- $r2; gw=$2
set -- $r3; jw=$2
set -- $r4; srss=$3
echo
printf 'jq / psagg (wall):          %6.1fx  (target >= 10x)\n' "$(echo "$jw / $pw" | bc -l)"
printf 'jq / psagg -g user (wall):  %6.1fx\n' "$(echo "$jw / $gw" | bc -l)"
printf 'psagg records/s:            %6.0f k\n' "$(echo "$records / $pw / 1000" | bc -l)"
printf 'psagg peak RSS, %d / 10k records: %.2fx  (target <= 1.2x)\n' "$records" "$(echo "$prss / $srss" | bc -l)"
