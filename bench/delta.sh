#!/usr/bin/env bash
# bench/delta.sh: psdelta against bench/delta_peer.py (the same pairing with Python's json
# module), side by side, on 1M records. Target: >= 10x. Exits 0 whatever the figures.
set -euo pipefail
prog=delta.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v python3 >/dev/null || die "python3 is required"
need_tools pssnap psdelta
make_input

best psdelta "$bin/psdelta"
best python "python3" "$here/delta_peer.py"

# Equivalent output: the same fields with the same values (jq-free check in Python, on a sample).
head -n 20000 "$input" > "$out/sample.ndjson"
"$bin/psdelta" "$out/sample.ndjson" > "$out/sample.psdelta"
python3 "$here/delta_peer.py" < "$out/sample.ndjson" > "$out/sample.python"
python3 - "$out/sample.psdelta" "$out/sample.python" <<'PY' || say "WARNING: psdelta and the Python peer differ"
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
bad = sum(1 for x, y in zip(a, b) if x != y)
sys.exit(1 if bad or len(a) != len(b) else 0)
PY

echo "delta: $records records, best of $runs, CPU seconds (user+sys)"
header "tool vs peer"
row "psdelta vs python json" psdelta python
rss=$( { /usr/bin/time -f '%M' "$bin/psdelta" < "$input" > /dev/null; } 2>&1 | tail -n 1 )
echo "psdelta peak RSS: $((rss / 1024)) MiB"
