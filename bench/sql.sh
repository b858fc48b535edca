#!/usr/bin/env bash
# bench/sql.sh: pssql | sqlite3 against pscsv | sqlite3 .import, side by side, on the same 1M records.
#
# Targets: the pssql pipeline within 1.5x of the pscsv + .import one (which stores every value
# as untyped text, nulls as ''), and pssql alone >= 500k records/s. Each pipeline loads a fresh
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
best pssql-sqlite3-wal bash -c "rm -f '$db'*; sqlite3 '$db' 'PRAGMA journal_mode=WAL' >/dev/null; '$bin/pssql' | sqlite3 -cmd 'PRAGMA synchronous=NORMAL' '$db'"
rm -f "$db"*

echo "sql: $records records in $snapshots snapshots (one transaction each for pssql, one for .import), best of $runs"
echo "rows loaded: pssql $rows_ours, pscsv .import $rows_peer"
awk -v n="$records" \
    -v a="${best_cpu[pssql]}" -v aw="${best_wall[pssql]}" \
    -v b="${best_cpu[pssql-sqlite3]}" -v bw="${best_wall[pssql-sqlite3]}" \
    -v c="${best_cpu[pscsv-import]}" -v cw="${best_wall[pscsv-import]}" \
    -v d="${best_cpu[pssql-sqlite3-wal]}" -v dw="${best_wall[pssql-sqlite3-wal]}" '
    BEGIN {
        printf "%-44s %9s %9s %14s\n", "pipeline", "cpu s", "wall s", "records/s"
        printf "%-44s %9.2f %9.2f %14.0f\n", "pssql > /dev/null", a, aw, n / aw
        printf "%-44s %9.2f %9.2f %14.0f\n", "pssql | sqlite3 DB", b, bw, n / bw
        printf "%-44s %9.2f %9.2f %14.0f\n", "pssql | sqlite3 DB (WAL, synchronous=NORMAL)", d, dw, n / dw
        printf "%-44s %9.2f %9.2f %14.0f\n", "pscsv | sqlite3 DB .import --csv", c, cw, n / cw
        printf "\n"
        printf "pssql | sqlite3 / pscsv .import, wall:  %5.2fx  (target <= 1.5x) %s\n", bw / cw, (bw / cw <= 1.5 ? "OK" : "MISS")
        printf "pssql | sqlite3 / pscsv .import, cpu:   %5.2fx\n", b / c
        printf "pssql alone: %.0f records/s  (target >= 500000) %s\n", n / aw, (n / aw >= 500000 ? "OK" : "MISS")
    }'
