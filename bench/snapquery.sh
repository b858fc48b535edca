#!/usr/bin/env bash
# pssnap QUERY against pssnap | psfilter QUERY and plain pssnap, side by side: mean wall time of
# RUNS one-shot runs each on this machine, and the ratio. Uses the release build.
#     bench/snapquery.sh [RUNS]      (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
BIN=${PSTOOLS_BIN:-.build/release}
[ -x "$BIN/pssnap" ] || swift build -c release >&2
mean() { # CMD (a shell command line): mean seconds over RUNS runs
    python3 - "$RUNS" "$1" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2]
subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL)
t = time.perf_counter()
for _ in range(runs): subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL)
print((time.perf_counter() - t) / runs)
PY
}
echo "processes: $("$BIN/pssnap" | wc -l)"
for q in 'pid==1' 'pid==1..' 'comm==sshd.. && user==root' 'user==root && rss>100M'; do
    full=$(mean "$BIN/pssnap")
    piped=$(mean "$BIN/pssnap | $BIN/psfilter '$q'")
    direct=$(mean "$BIN/pssnap '$q'")
    awk -v q="$q" -v f="$full" -v p="$piped" -v d="$direct" 'BEGIN {
        printf "%-30s pssnap %6.1f ms   pssnap | psfilter %6.1f ms   pssnap QUERY %6.1f ms   (%.2fx of the pipeline)\n", q, f*1000, p*1000, d*1000, d/p }'
done
