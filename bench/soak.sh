#!/usr/bin/env bash
# bench/soak.sh: pssnap against a churning process table for a long time.
#
#   bench/soak.sh [SECONDS] [RATE]      (default 600 s, 400 new processes a second)
#
# bench/churn.c forks and ends short-lived processes (hostile names, 100 KB argument lists,
# threads, zombies, orphans) while `pssnap -i0.05 -T -f +smaps,+net,+cgroup,+argv` feeds
# `psfilter | psdelta | psagg` and a second `pssnap -i0.05 QUERY | pscsv`. Every 10 s it prints
# the first pssnap's RSS and open descriptors, which must stay flat; at the end it checks that
# every line was a whole JSON object with pid, comm and start, and no rate was negative, and
# prints the processes created per second. Needs cc, jq and the release binaries
# (built if missing).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
seconds=${1:-600}
rate=${2:-400}
bin=${PSTOOLS_BIN:-$root/.build/release}
[[ -x $bin/pssnap ]] || (cd "$root" && swift build -c release --static-swift-stdlib >&2)

tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cc -O2 -pthread -o "$tmp/churn" "$here/churn.c"
"$tmp/churn" "$seconds" "$rate" 2>"$tmp/churn.log" &
churn=$!
pids+=("$churn")

mkfifo "$tmp/pipe"
"$bin/pssnap" -i0.05 -T -f +smaps,+net,+cgroup,+argv >"$tmp/pipe" 2>"$tmp/pssnap.err" &
snap=$!
pids+=("$snap")
tee "$tmp/raw.ndjson" <"$tmp/pipe" | "$bin/psfilter" 'pid==1..' | "$bin/psdelta" | "$bin/psagg" \
    >"$tmp/agg.ndjson" 2>"$tmp/down.err" &
pids+=($!)
"$bin/pssnap" -i0.05 'comm~"^(sleep|churn)$"..' | "$bin/pscsv" >"$tmp/query.csv" 2>"$tmp/query.err" &
pids+=($!)

printf '%8s %10s %8s %10s\n' elapsed rss_kib fds records
start=$SECONDS
while kill -0 "$churn" 2>/dev/null; do
    sleep 10
    kill -0 "$snap" 2>/dev/null || { echo "soak: pssnap died" >&2; exit 1; }
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$snap/status")
    fds=$(ls "/proc/$snap/fd" | wc -l)
    printf '%8d %10s %8s %10s\n' $((SECONDS - start)) "$rss" "$fds" "$(wc -l <"$tmp/raw.ndjson")"
done
kill -TERM "$snap"
wait "$snap" && status=0 || status=$?
echo "pssnap exit status on SIGTERM: $status"
sleep 1
cat "$tmp/churn.log"

lines=$(wc -l <"$tmp/raw.ndjson")
bad=$(jq -c 'select(.pid == null or .comm == null or .start == null)' "$tmp/raw.ndjson" | wc -l)
negative=$(jq -c '[to_entries[] | select((.key | endswith("_rate")) and (.value != null) and (.value < 0))] | select(length > 0)' "$tmp/agg.ndjson" | wc -l)
echo "records checked: $lines (every one parsed by jq), with a null pid/comm/start: $bad, negative rates after psagg: $negative"
echo "stderr of pssnap: $(wc -l <"$tmp/pssnap.err") lines; of the downstream stages: $(cat "$tmp/down.err" "$tmp/query.err" | wc -l) lines"
[[ $status == 0 && $bad == 0 && $negative == 0 ]]
