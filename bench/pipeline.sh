#!/usr/bin/env bash
# bench/pipeline.sh: what the downstream stages of a live pipeline cost on top of pssnap.
#
#   pssnap -i1 | psfilter 'pid==1..' | psdelta | pscsv > /dev/null
#
# over about 1000 processes (extra `sleep`s started for the run), for SECONDS (default 20).
# Each stage's CPU is read from /proc/PID/stat (utime + stime) at the end, so start-up counts.
# Target: the downstream stages together < 1% of one core. While psfilter is still the
# placeholder ("not built yet"), it is left out and the script says so. Exits 0 whatever the figures.
set -euo pipefail
prog=pipeline.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds=${1:-20}
procs=${BENCH_PROCS:-1000}
need_tools pssnap psfilter psdelta pscsv

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pstools-pipeline.XXXXXX")
tree=""
stages=()
cleanup() {
    for p in "${stages[@]}"; do kill "$p" 2>/dev/null || true; done
    [[ -n $tree ]] && kill -- "-$tree" 2>/dev/null || true
    rm -rf -- "$tmp"
}
trap cleanup EXIT

# Extra processes, in their own process group so that they all go at the end.
have=$(ls -d /proc/[0-9]* | wc -l)
want=$((procs - have))
if ((want > 0)); then
    setsid bash -c "for ((i = 0; i < $want; i++)); do sleep 600 & done; wait" </dev/null >/dev/null 2>&1 &
    tree=$!
    for ((i = 0; i < 100; i++)); do
        (( $(ls -d /proc/[0-9]* | wc -l) >= procs )) && break
        sleep 0.1
    done
fi
say "$(ls -d /proc/[0-9]* | wc -l) processes"

filter=("$bin/psfilter" 'pid==1..')
if "$bin/psfilter" --version 2>&1 | grep -q 'not built yet'; then
    say "psfilter is still the placeholder: measuring pssnap -i1 | psdelta | pscsv"
    filter=()
fi

mkfifo "$tmp/a" "$tmp/b" "$tmp/c"
"$bin/pssnap" -i1 > "$tmp/a" & stages+=($!)
names=(pssnap)
if ((${#filter[@]})); then
    "${filter[@]}" < "$tmp/a" > "$tmp/b" & stages+=($!)
    names+=(psfilter)
    "$bin/psdelta" < "$tmp/b" > "$tmp/c" & stages+=($!)
else
    "$bin/psdelta" < "$tmp/a" > "$tmp/c" & stages+=($!)
fi
names+=(psdelta)
"$bin/pscsv" < "$tmp/c" > "$tmp/out.csv" & stages+=($!)
names+=(pscsv)

started=$(date +%s.%N)
sleep "$seconds"
tick=$(getconf CLK_TCK)
declare -a cpu
for i in "${!stages[@]}"; do
    cpu[i]=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/${stages[i]}/stat")
done
ended=$(date +%s.%N)
rows=$(wc -l < "$tmp/out.csv")

echo "pipeline: $(IFS='|'; echo "${names[*]}" | sed 's/|/ | /g'), $(ls -d /proc/[0-9]* | wc -l) processes, ${seconds} s, $rows CSV rows"
awk -v t0="$started" -v t1="$ended" -v tick="$tick" -v names="${names[*]}" -v cpu="${cpu[*]}" 'BEGIN {
    n = split(names, name, " "); split(cpu, c, " ")
    wall = t1 - t0
    for (i = 1; i <= n; i++) {
        pct = c[i] / tick / wall * 100
        printf "  %-9s %6.2f s CPU  %6.3f %% of one core\n", name[i], c[i] / tick, pct
        if (i > 1) down += pct
    }
    printf "  downstream stages together: %.3f %% of one core (target < 1 %%): %s\n", down, (down < 1 ? "OK" : "MISS")
}'
