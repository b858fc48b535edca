#!/usr/bin/env bash
# bench/sql.sh: pssql | sqlite3 against pscsv | sqlite3 .import, side by side, on the same 1M records.
#
# Targets: the pssql pipeline within 1.5x of the pscsv + .import one (which stores every value
# as untyped text, nulls as '', in one transaction), and pssql alone >= 500k records per CPU
# second. pssql commits each snapshot (the database syncs its file each time: on a slow disk that
# is the whole cost), so the bulk-load form --commit-every 1000 is measured too. Each pipeline loads a fresh
# database file under bench/out/; times are best of BENCH_RUNS, CPU seconds (user+sys, both
# processes of the pipeline) and wall seconds. Prints a table; exits 0 whatever the figures.
set -euo pipefail
prog=sql.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v sqlite3 >/dev/null || die "sqlite3 is required"
need_tools pssnap pssql pscsv
make_input
db=$out/sql-bench.db
snapshots=$(awk -F'"ts":' '{ split($2, a, ","); if (a[1] != last) { n++; last = a[1] } } END { print n }' "$input")

best pssql "$bin/pssql"
best pssql-sqlite3 bash -c "rm -f '$db'*; '$bin/pssql' | sqlite3 '$db'"
rows_ours=$(sqlite3 "$db" 'SELECT count(*) FROM record')
best pscsv-import bash -c "rm -f '$db'*; '$bin/pscsv' | sqlite3 '$db' '.import --csv /dev/stdin record'"
rows_peer=$(sqlite3 "$db" 'SELECT count(*) FROM record')
best pssql-sqlite3-bulk bash -c "rm -f '$db'*; '$bin/pssql' --commit-every 1000 | sqlite3 '$db'"
rm -f "$db"*

echo "sql: $records records in $snapshots snapshots (one transaction each for pssql, one for .import), best of $runs"
echo "rows loaded: pssql $rows_ours, pscsv .import $rows_peer"
awk -v n="$records" -v snaps="$snapshots" \
    -v a="${best_cpu[pssql]}" -v aw="${best_wall[pssql]}" \
    -v b="${best_cpu[pssql-sqlite3]}" -v bw="${best_wall[pssql-sqlite3]}" \
    -v c="${best_cpu[pscsv-import]}" -v cw="${best_wall[pscsv-import]}" \
    -v d="${best_cpu[pssql-sqlite3-bulk]}" -v dw="${best_wall[pssql-sqlite3-bulk]}" '
    BEGIN {
        printf "%-50s %9s %9s %16s\n", "pipeline", "cpu s", "wall s", "records/cpu s"
        printf "%-50s %9.2f %9.2f %16.0f\n", "pssql > /dev/null", a, aw, n / a
        printf "%-50s %9.2f %9.2f %16.0f\n", "pssql | sqlite3 DB (" snaps " commits)", b, bw, n / b
        printf "%-50s %9.2f %9.2f %16.0f\n", "pssql --commit-every 1000 | sqlite3 DB", d, dw, n / d
        printf "%-50s %9.2f %9.2f %16.0f\n", "pscsv | sqlite3 DB .import --csv (1 commit)", c, cw, n / c
        printf "\n"
        printf "pssql | sqlite3 / pscsv .import:                  wall %5.2fx  cpu %5.2fx  (target <= 1.5x) %s\n", bw / cw, b / c, (bw / cw <= 1.5 ? "OK" : "MISS")
        printf "pssql --commit-every 1000 | sqlite3 / .import:    wall %5.2fx  cpu %5.2fx  (target <= 1.5x) %s\n", dw / cw, d / c, (dw / cw <= 1.5 ? "OK" : "MISS")
        printf "pssql alone: %.0f records per CPU second  (target >= 500000) %s\n", n / a, (n / a >= 500000 ? "OK" : "MISS")
    }'
