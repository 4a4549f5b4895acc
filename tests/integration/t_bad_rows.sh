#!/usr/bin/env bash
# A bad row in the middle of a file stops the load with a message naming the
# file, line, column and reason; the chunk it was in is rolled back, and the
# summary counts exactly the rows that were committed.
source "$(dirname "$0")/lib.sh"
setup bad_rows
orders_table orders
python3 "$GEN" --rows 5000 --expect "$WORK/expected" >"$WORK/orders.csv"

# line 3502 holds data row 3501; with 100-row statements and 1000-row chunks,
# chunks 1-3 commit and chunk 4 (rows 3001-4000) is rolled back. The date
# passes the client's checks, so it is the server that refuses it.
awk -F, 'BEGIN{OFS=","} NR==3502{$7="2026-02-30 10:00:00"} {print}' "$WORK/orders.csv" >"$WORK/bad.csv"
load "$WORK/bad.csv" --into "$URL/orders" --threads 1 --batch-rows 100 --txn-rows 1000
check_rc 1 "bad value"
check_contains "$WORK/err" "sluice: error: $WORK/bad.csv: line 3502, column 'created_at': Incorrect datetime value: '2026-02-30 10:00:00' for column \`$DB\`.\`orders\`.\`created_at\` at row 1 (1292)" "bad value message"
check_contains "$WORK/err" "sluice: load failed; 3,000 rows were committed, the open chunk was rolled back" "failure line"
check_contains "$WORK/err" "rows written  3,000" "summary counts committed rows only"
read_rows=$(sed -n 's/^  rows read     //p' "$WORK/err" | tr -d ,)
check_eq "$([ "$read_rows" -ge 3501 ] && [ "$read_rows" -le 5000 ] && echo in-range)" in-range "rows read covers the bad row ($read_rows)"
check_eq "$(count orders)" 3000 "rows in the table"
head -3000 "$WORK/expected" >"$WORK/expected3000"
check_table orders "$WORK/expected3000" id "the committed chunks are intact"

# a rerun over the interrupted load is refused until --resume (or a reset)
load "$WORK/bad.csv" --into "$URL/orders" --threads 1
check_rc 2 "rerun over an unfinished load"
check_contains "$WORK/err" "an earlier load of this file into $DB.orders was interrupted after committing 3 chunk(s); run again with --resume to finish it" "rerun refused"

# the documented way out: resume, sending the bad row to the rejects
load "$WORK/bad.csv" --into "$URL/orders" --threads 1 --batch-rows 100 --txn-rows 1000 \
  --resume --on-error skip --rejects "$WORK/rej"
check_rc 3 "resume with --on-error skip after a stop"
check_contains "$WORK/err" "resuming; 3 committed chunk(s) are skipped" "resume skips the committed chunks"
sed '3501d' "$WORK/expected" >"$WORK/expected-but-3501"
check_table orders "$WORK/expected-but-3501" id "every row but the bad one, once"
check_eq "$(tail -n +2 "$WORK/rej.csv" | cut -d, -f1)" 3501 "the bad row is the one rejected"

# with four writers the summary still matches the table exactly
reset_table orders
load "$WORK/bad.csv" --into "$URL/orders" --threads 4 --batch-rows 100 --txn-rows 500
check_rc 1 "bad value, four writers"
written=$(sed -n 's/^  rows written  //p' "$WORK/err" | tr -d ,)
check_eq "$(count orders)" "$written" "table count equals the summary's rows written"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.orders WHERE id BETWEEN 3501 AND 3600")" 0 "the bad statement's rows are absent"

# a non-integer is caught on the client, before the server sees it
reset_table orders
awk -F, 'BEGIN{OFS=","} NR==3502{$4="twelve"} {print}' "$WORK/orders.csv" >"$WORK/twelve.csv"
load "$WORK/twelve.csv" --into "$URL/orders" --threads 1 --batch-rows 100 --txn-rows 1000
check_rc 1 "non-integer"
check_contains "$WORK/err" "sluice: error: $WORK/twelve.csv: line 3502, column 'qty' (field 4): Incorrect integer value: 'twelve' (the column is int(11))" "non-integer message"
written=$(sed -n 's/^  rows written  //p' "$WORK/err" | tr -d ,)
check_eq "$(count orders)" "$written" "table count equals rows written after a client-side reject"

# wrong field count; the reader stops, and whatever the writers committed
# before the stop is exactly what the summary reports
reset_table orders
awk -F, 'BEGIN{OFS=","} NR==10{NF=7} {print}' "$WORK/orders.csv" >"$WORK/short.csv"
load "$WORK/short.csv" --into "$URL/orders" --threads 1 --batch-rows 2 --txn-rows 4
check_rc 1 "short row"
check_contains "$WORK/err" "sluice: error: $WORK/short.csv: line 10: expected 8 fields, found 7" "short row message"
written=$(sed -n 's/^  rows written  //p' "$WORK/err" | tr -d ,)
check_eq "$(count orders)" "$written" "table count equals rows written after a short row"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.orders WHERE id >= 9")" 0 "no row from line 10 on"

# invalid UTF-8 (a Latin-1 byte)
reset_table orders
{ head -4 "$WORK/orders.csv"; printf '4000001,1,SKU-1,1,1.00,new,2026-01-01 00:00:00,caf\xe9\n'; } >"$WORK/latin1.csv"
load "$WORK/latin1.csv" --into "$URL/orders"
check_rc 1 "invalid UTF-8"
check_contains "$WORK/err" "sluice: error: $WORK/latin1.csv: line 5, column 'note' (field 8): invalid UTF-8 at byte 4 of the value" "invalid UTF-8 message"
check_eq "$(count orders)" 0 "nothing committed before the bad byte"

# NULL into a NOT NULL column: the server names no row, sluice finds it
printf 'id,customer_id,sku,qty,price,status,created_at\n1,1,a,1,1,new,2026-01-01\n2,1,b,\\N,1,new,2026-01-01\n' >"$WORK/null.csv"
load "$WORK/null.csv" --into "$URL/orders"
check_rc 1 "NULL in NOT NULL"
check_contains "$WORK/err" "sluice: error: $WORK/null.csv: line 3, column 'qty': Column 'qty' cannot be null (1048)" "NOT NULL message"

# a value too long for its column
printf 'id,customer_id,sku,qty,price,status,created_at\n1,1,a,1,1,%s,2026-01-01\n' "$(printf 'x%.0s' {1..17})" >"$WORK/long.csv"
load "$WORK/long.csv" --into "$URL/orders"
check_rc 1 "value too long"
check_contains "$WORK/err" "sluice: error: $WORK/long.csv: line 2, column 'status' (field 6): value of 17 characters is too long for varchar(16)" "too long message"

# a quote left open at the end of the file
printf 'id,customer_id,sku,qty,price,status,created_at\n1,1,"a,1,1,new,2026-01-01\n2,1,b,1,1,new,2026-01-01\n' >"$WORK/quote.csv"
load "$WORK/quote.csv" --into "$URL/orders"
check_rc 1 "unclosed quote"
check_contains "$WORK/err" "sluice: error: $WORK/quote.csv: line 2, field 3: quoted field not closed before the end of the input" "unclosed quote message"
check_eq "$(count orders)" 0 "no rows from the failed loads"
finish
