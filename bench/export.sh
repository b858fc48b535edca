#!/usr/bin/env bash
# bench/export.sh: psexport (OpenMetrics, the default) against bench/export_peer.py (the same
# expositions written with prometheus_client), side by side on the same stream of records made
# from real pssnap snapshots (bench/gen_records.py). Prints psexport's records/s (target >= 500k)
# and the peer/psexport CPU ratio (target >= 10x). Exits 0 whatever the figures.
#
#   bench/export.sh                 100 000 records (the Python peer needs minutes for 1M)
#   BENCH_RECORDS=1000000 bench/export.sh
set -euo pipefail
prog=export.sh
export BENCH_RECORDS=${BENCH_RECORDS:-100000}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v python3 >/dev/null || die "python3 is required"
python3 -c 'import prometheus_client' 2>/dev/null || die "the peer needs prometheus_client (pip install prometheus_client)"
need_tools pssnap psexport
make_input

# The same samples: both outputs parsed back with prometheus_client's OpenMetrics parser, on a
# sample of the stream (every exposition by itself).
head -n 3000 "$input" > "$out/export-sample.ndjson"
"$bin/psexport" "$out/export-sample.ndjson" > "$out/export-sample.psexport"
python3 "$here/export_peer.py" < "$out/export-sample.ndjson" > "$out/export-sample.python"
python3 - "$out/export-sample.psexport" "$out/export-sample.python" <<'PY' || say "WARNING: psexport and the Python peer differ"
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
def samples(path):
    out = set()
    for exposition in open(path).read().split("# EOF\n"):
        if not exposition.strip():
            continue
        for fam in text_string_to_metric_families(exposition + "# EOF\n"):
            for s in fam.samples:
                out.add((s.name, tuple(sorted(s.labels.items())), round(s.value, 9), float(s.timestamp)))
    return out
a, b = samples(sys.argv[1]), samples(sys.argv[2])
print("check: %d samples from psexport, %d from the peer, %s" % (len(a), len(b), "the same" if a == b else "DIFFERENT"), file=sys.stderr)
sys.exit(0 if a == b else 1)
PY

best psexport "$bin/psexport"
saved_runs=$runs; runs=1
best python python3 "$here/export_peer.py"
runs=$saved_runs

echo "export: $records records, best of $runs (python: 1 run), CPU seconds (user+sys)"
header "tool vs peer"
row "psexport vs prometheus_client" psexport python
awk -v n="$records" -v c="${best_cpu[psexport]}" -v w="${best_wall[psexport]}" 'BEGIN {
    printf "psexport: %.0f records/s (CPU), %.0f records/s (wall)  target >= 500000: %s\n", n / c, n / w, (n / c >= 500000 ? "OK" : "MISS") }'
rss=$( { /usr/bin/time -f '%M' "$bin/psexport" < "$input" > /dev/null; } 2>&1 | tail -n 1 )
echo "psexport peak RSS: $((rss / 1024)) MiB (one snapshot's samples)"
