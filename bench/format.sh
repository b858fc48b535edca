#!/usr/bin/env bash
# bench/format.sh: pscsv and pstsv against jq's @csv and @tsv, side by side, on 1M records.
# Target: >= 10x jq (CPU time, best of BENCH_RUNS). Prints a table; exits 0 whatever the figures.
set -euo pipefail
prog=format.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v jq >/dev/null || die "jq is required"
need_tools pssnap pscsv pstsv
make_input

best pscsv "$bin/pscsv" -f pid,comm,rss,utime
best jq-csv jq -r '[.pid,.comm,.rss,.utime] | @csv'
best pstsv "$bin/pstsv" -f pid,comm,rss,utime
best jq-tsv jq -r '[.pid,.comm,.rss,.utime] | @tsv'

# The same rows (jq quotes every string in CSV; pscsv only those that need it).
set +o pipefail
a=$("$bin/pstsv" --no-header -f pid,comm,rss,utime < "$input" | head -n 1000 | md5sum)
b=$(jq -r '[.pid,.comm,.rss,.utime] | @tsv' < "$input" | head -n 1000 | md5sum)
set -o pipefail
[[ $a == "$b" ]] || say "WARNING: pstsv and jq @tsv differ on the first 1000 rows"

echo "format: $records records, -f pid,comm,rss,utime, best of $runs, CPU seconds (user+sys)"
header "tool vs peer"
row "pscsv vs jq -r @csv" pscsv jq-csv
row "pstsv vs jq -r @tsv" pstsv jq-tsv
