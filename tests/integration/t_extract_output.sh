#!/usr/bin/env bash
# sluice extract's outputs: one file, stdout, numbered parts by rows and by
# size, --order-by-pk, --query, --no-header, compression; every form holds
# exactly the table's rows, and loads back to an equal table.
source "$(dirname "$0")/lib.sh"
setup extract_output
orders_table orders
python3 "$GEN" --rows 50000 --expect "$WORK/orders.jsonl" >"$WORK/orders.csv"
load "$WORK/orders.csv" --into "$URL/orders"
check_rc 0 "loading the fixture"
SUM=$(sql "CHECKSUM TABLE \`$DB\`.orders" | cut -f2)

extract() { run_sluice extract --defaults-file "$SLUICE_DB_CNF" "$@"; }
# the data rows of CSV files (or .zst), sorted: an order-free fingerprint
rows_md5() { for f in "$@"; do case "$f" in *.zst) zstd -dcq "$f" ;; *) cat "$f" ;; esac | tail -n +2; done | sort | md5sum; }

extract --from "$URL/orders" --to "$WORK/one.csv" --threads 1 --order-by-pk
check_rc 0 "one file, one thread"
WANT=$(rows_md5 "$WORK/one.csv")
check_eq "$(head -1 "$WORK/one.csv")" "$(head -1 "$WORK/orders.csv")" "the header names the columns"
check_eq "$(summary_value "rows written")" 50000 "rows in the summary"
check_contains "$WORK/err" "readers       1 over 1 key range" "one reader"

# --order-by-pk with 4 threads gives the very same bytes as one thread
extract --from "$URL/orders" --to "$WORK/ordered.csv" --threads 4 --chunk-rows 3000 --order-by-pk
check_rc 0 "--order-by-pk, 4 threads"
check_eq "$(md5sum <"$WORK/ordered.csv")" "$(md5sum <"$WORK/one.csv")" "--order-by-pk output equals one thread's"
check_contains "$WORK/err" "readers       4 over " "4 readers over the ranges"

# stdout
"$SLUICE_BIN" extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/orders" --to - --threads 3 -q >"$WORK/stdout.csv"
check_eq "$(rows_md5 "$WORK/stdout.csv")" "$WANT" "stdout holds the rows"

# parts by rows: 50000 rows in parts of 15000
extract --from "$URL/orders" --to "$WORK/parts/o.csv.zst" --threads 2 --file-rows 15000
check_rc 2 "parts into a missing directory"
mkdir "$WORK/parts"
extract --from "$URL/orders" --to "$WORK/parts/o.csv.zst" --threads 2 --file-rows 15000
check_rc 0 "--file-rows"
check_eq "$(cd "$WORK/parts" && ls -A | tr '\n' ' ')" "o.00001.csv.zst o.00002.csv.zst o.00003.csv.zst o.00004.csv.zst " "four numbered parts"
check_eq "$(for f in "$WORK"/parts/*; do zstd -dcq "$f" | wc -l; done | tr '\n' ' ')" "15001 15001 15001 5001 " "rows per part, each with its header"
check_eq "$(rows_md5 "$WORK"/parts/*)" "$WANT" "the parts hold the rows"
check_contains "$WORK/err" "(4 parts)" "the summary counts the parts"
sql "CREATE TABLE \`$DB\`.fromparts LIKE \`$DB\`.orders"
load "$WORK"/parts/o.*.csv.zst --into "$URL/fromparts"
check_rc 0 "loading the parts"
check_eq "$(sql "CHECKSUM TABLE \`$DB\`.fromparts" | cut -f2)" "$SUM" "the parts load back to an equal table"

# parts by size: no part passes the size, unless one record is larger
mkdir "$WORK/sized"
extract --from "$URL/orders" --to "$WORK/sized/o.csv" --threads 2 --file-size 1M
check_rc 0 "--file-size"
big=0
for f in "$WORK"/sized/*; do [ "$(stat -c %s "$f")" -gt 1048576 ] && big=$((big + 1)); done
check_eq "$big" 0 "no part passes 1M"
check_eq "$(rows_md5 "$WORK"/sized/*)" "$WANT" "the sized parts hold the rows"
if [ "$(ls "$WORK/sized" | wc -l)" -ge 3 ]; then pass; else fail "--file-size 1M made fewer than 3 parts"; fi

# a query, and --no-header
extract --from "$URL" --query 'SELECT id, qty FROM orders WHERE id <= 10 ORDER BY id' --to "$WORK/q.csv" --no-header
check_rc 0 "--query --no-header"
check_eq "$(wc -l <"$WORK/q.csv")" 10 "ten records and no header"
check_eq "$(sql "SELECT CONCAT(id, ',', qty) FROM \`$DB\`.orders WHERE id <= 10 ORDER BY id" | md5sum)" "$(md5sum <"$WORK/q.csv")" "the query's rows"

# --where with ranges
extract --from "$URL/orders" --where 'id % 3 = 0' --to "$WORK/w.csv" --threads 2
check_rc 0 "--where"
check_eq "$(($(wc -l <"$WORK/w.csv") - 1))" "$(sql "SELECT COUNT(*) FROM \`$DB\`.orders WHERE id % 3 = 0")" "--where rows"

# zstd levels: both decompress to the same rows, the higher one is smaller
extract --from "$URL/orders" --to "$WORK/l1.csv.zst" --zstd-level 1
extract --from "$URL/orders" --to "$WORK/l19.csv.zst" --zstd-level 19 --zstd-workers 2
check_eq "$(rows_md5 "$WORK/l19.csv.zst")" "$(rows_md5 "$WORK/l1.csv.zst")" "zstd levels hold the same rows"
if [ "$(stat -c %s "$WORK/l19.csv.zst")" -lt "$(stat -c %s "$WORK/l1.csv.zst")" ]; then pass; else fail "level 19 is not smaller than level 1"; fi
check_eq "$(rows_md5 "$WORK/l1.csv.zst")" "$WANT" ".zst holds the rows"

# a table without an integer key is read by one stream, and says so
sql "CREATE TABLE \`$DB\`.bykey (k VARCHAR(10) PRIMARY KEY, v INT); INSERT INTO \`$DB\`.bykey VALUES ('a', 1), ('b', NULL)"
extract --from "$URL/bykey" --to "$WORK/k.csv" --threads 4
check_rc 0 "a string key"
check_contains "$WORK/err" "sluice: $DB.bykey has no single-column integer primary key; reading it with one stream" "one-stream notice"
check_eq "$(cat "$WORK/k.csv" | tr '\n' ' ')" 'k,v a,1 b,\N ' "the string-keyed rows"

# an empty table: a header and no rows
sql "CREATE TABLE \`$DB\`.empty LIKE \`$DB\`.orders"
extract --from "$URL/empty" --to "$WORK/empty.csv" --threads 4
check_rc 0 "an empty table"
check_eq "$(wc -l <"$WORK/empty.csv")" 1 "just the header"

# an existing file is kept unless --overwrite
extract --from "$URL/empty" --to "$WORK/one.csv" --threads 1
check_rc 2 "an existing file"
check_contains "$WORK/err" "$WORK/one.csv exists; give --overwrite to replace it" "says so"
check_eq "$(rows_md5 "$WORK/one.csv")" "$WANT" "the existing file is untouched"
extract --from "$URL/empty" --to "$WORK/parts/o.csv.zst" --file-rows 15000
check_rc 2 "existing parts"
check_contains "$WORK/err" "$WORK/parts/o.00001.csv.zst exists" "the first part named"
extract --from "$URL/empty" --to "$WORK/one.csv" --threads 1 --overwrite
check_rc 0 "--overwrite"
check_eq "$(wc -l <"$WORK/one.csv")" 1 "replaced"
extract --from "$URL/orders" --to "$WORK/one.csv" --dry-run
check_rc 0 "a dry run writes no file, so an existing one is no obstacle"
extract --from "$URL/orders" --to /dev/null
check_rc 0 "a device is written to as it is"

# stdout into a reader that stops early: the reader's choice, exit 0
set +e
"$SLUICE_BIN" extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/orders" --to - --threads 2 \
  2>"$WORK/pipe.err" | head -2 >"$WORK/head.csv"
rc=${PIPESTATUS[0]}
set -e
check_eq "$rc" 0 "extract --to - | head -2"
check_eq "$(wc -l <"$WORK/head.csv")" 2 "head had its lines"
check_not_contains "$WORK/pipe.err" "error" "no error for a closed pipe"
check_not_contains "$WORK/pipe.err" "no output was kept" "nor a failure"

finish
