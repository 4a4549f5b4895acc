#!/usr/bin/env bash
# Loads generated orders (BIGINT, INT, VARCHAR, DECIMAL, DATETIME, text with
# quotes, commas and non-ASCII) from several files, plain and .zst, with
# several writer threads and small chunks; then from stdin. The table must
# equal the generator's rows: count and checksum over every column.
source "$(dirname "$0")/lib.sh"
setup load_orders
orders_table orders

python3 "$GEN" --rows 12000 --start-id 1 --seed 1 --expect "$WORK/e1" >"$WORK/part1.csv"
python3 "$GEN" --rows 12000 --start-id 12001 --seed 2 --expect "$WORK/e2" | zstd -q -3 >"$WORK/part2.csv.zst"
python3 "$GEN" --rows 6000 --start-id 24001 --seed 3 --expect "$WORK/e3" >"$WORK/part3.csv"
cat "$WORK/e1" "$WORK/e2" "$WORK/e3" >"$WORK/expected"

# a quoted glob: sluice expands it
load "$WORK/part*" --into "$URL/orders" --threads 3 --batch-rows 100 --txn-rows 1000
check_rc 0 "load of three files"
check_eq "$(count orders)" 30000 "row count"
check_table orders "$WORK/expected" id "orders from three files"
check_contains "$WORK/err" "rows read     30,000" "summary rows read"
check_contains "$WORK/err" "rows written  30,000" "summary rows written"
check_contains "$WORK/err" "sluice: loaded into mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB/orders" "summary target"

# stdin, zstd-compressed, one thread, one statement per batch of 1000
orders_table orders_stdin
set +e
"$SLUICE_BIN" load - --into "$URL/orders_stdin" --defaults-file "$SLUICE_DB_CNF" --threads 1 -q \
  <"$WORK/part2.csv.zst" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "load from stdin"
check_eq "$(wc -c <"$WORK/err")" 0 "--quiet prints nothing on success"
check_table orders_stdin "$WORK/e2" id "orders from stdin"

# the same file twice into one table is a duplicate-key failure, and the
# table keeps exactly the committed rows
load "$WORK/part3.csv" --into "$URL/orders" --threads 2
check_rc 1 "loading rows that are already there"
check_contains "$WORK/err" "Duplicate entry" "duplicate key message"
check_eq "$(count orders)" 30000 "nothing added by the failed load"
finish
