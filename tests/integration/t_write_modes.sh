#!/usr/bin/env bash
# Write modes of sluice load: upsert (every non-key column, or
# --update-columns), ignore (skipped rows counted), replace, truncate, and
# swap, whose readers see the whole old table or the whole new one at every
# moment.
source "$(dirname "$0")/lib.sh"
setup write_modes
expect() { printf '%s\n' "$@" >"$WORK/expected"; }
T="\`$DB\`.t"
seed() {
  sql "DROP TABLE IF EXISTS $T; CREATE TABLE $T (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE,
       name VARCHAR(20) NULL, qty INT NOT NULL DEFAULT 0);
       INSERT INTO $T VALUES (1,'a','one',10),(2,'b','two',20),(3,'c','three',30)"
}

# ---- upsert: changed rows are updated, new ones inserted, others untouched
seed
printf 'id,code,name,qty\n2,b,TWO,21\n3,c,three,30\n4,d,four,40\n5,e,five,50\n' >"$WORK/up.csv"
load "$WORK/up.csv" --into "$URL/t" --mode upsert
check_rc 0 "upsert"
check_eq "$(summary_value 'rows written')" 4 "upsert: rows written"
check_eq "$(summary_value 'rows updated')" 1 "upsert: one row updated (row 3 was already equal, 4 and 5 new)"
expect '["1","a","one","10"]' '["2","b","TWO","21"]' '["3","c","three","30"]' \
  '["4","d","four","40"]' '["5","e","five","50"]'
check_table t "$WORK/expected" id "upsert updates and inserts"

# --update-columns: only qty changes on a duplicate key
printf 'id,code,name,qty\n1,a,ONE,11\n6,f,six,60\n' >"$WORK/up2.csv"
load "$WORK/up2.csv" --into "$URL/t" --mode upsert --update-columns ' qty '
check_rc 0 "upsert --update-columns"
expect '["1","a","one","11"]' '["2","b","TWO","21"]' '["3","c","three","30"]' \
  '["4","d","four","40"]' '["5","e","five","50"]' '["6","f","six","60"]'
check_table t "$WORK/expected" id "upsert --update-columns qty"

# a unique key other than the primary key also finds the row to update
printf 'id,code,name,qty\n6,f,SIX,61\n' >"$WORK/up3.csv"
load "$WORK/up3.csv" --into "$URL/t" --mode upsert --columns id,code,name,qty
check_rc 0 "upsert on the same keys"
check_eq "$(sql "SELECT name, qty FROM $T WHERE id = 6")" "$(printf 'SIX\t61')" "upsert of row 6"

load "$WORK/up2.csv" --into "$URL/t" --mode upsert --update-columns qty,price
check_rc 2 "--update-columns with an unknown column"
check_contains "$WORK/err" "--update-columns: 'price' is not a column loaded into t_write_modes.t" \
  "unknown update column named"
load "$WORK/up2.csv" --into "$URL/t" --update-columns qty
check_rc 2 "--update-columns without upsert"
check_contains "$WORK/err" "--update-columns goes with --mode upsert" "--update-columns needs upsert"
load "$WORK/up2.csv" --into "$URL/t" --keep-old
check_rc 2 "--keep-old without swap"
check_contains "$WORK/err" "--keep-old goes with --mode swap" "--keep-old needs swap"
load "$WORK/up2.csv" --into "$URL/t" --mode merge
check_rc 2 "unknown --mode"
check_contains "$WORK/err" "merge" "the unknown mode is named"

# ---- ignore: rows whose primary or unique key is taken are skipped and counted
seed
{
  echo 'id,code,name,qty'
  echo '1,z,dup-id,1'    # id 1 exists
  echo '7,a,dup-code,1'  # code a exists
  echo '8,h,eight,80'
  echo '8,i,dup-in-file,1'
  echo '9,j,nine,90'
  echo '3,c,three,30'    # the same row again
} >"$WORK/ign.csv"
load "$WORK/ign.csv" --into "$URL/t" --mode ignore --report "$WORK/ign.json"
check_rc 0 "ignore"
check_eq "$(summary_value 'rows read')" 6 "ignore: rows read"
check_eq "$(summary_value 'rows written')" 2 "ignore: rows written"
check_eq "$(summary_value 'rows ignored')" 4 "ignore: rows ignored"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["rows_ignored"], r["rows_written"])' "$WORK/ign.json")" \
  "4 2" "ignore: the report's counts"
expect '["1","a","one","10"]' '["2","b","two","20"]' '["3","c","three","30"]' \
  '["8","h","eight","80"]' '["9","j","nine","90"]'
check_table t "$WORK/expected" id "ignore keeps the first row of each key"

# under ignore, a value the server would change is still a reject, not an ignore
seed
printf 'id,code,name,qty\n1,a,dup,1\n10,k,ten,10\n11,l,eleven,x11\n12,m,twelve,12\n' >"$WORK/ign2.csv"
load "$WORK/ign2.csv" --into "$URL/t" --mode ignore --on-error skip --rejects "$WORK/rej"
check_rc 3 "ignore with a bad value"
check_eq "$(summary_value 'rows written')" 2 "ignore + reject: rows written"
check_eq "$(summary_value 'rows ignored')" 1 "ignore + reject: rows ignored"
check_eq "$(summary_value 'rows rejected')" 1 "ignore + reject: rows rejected"
check_contains "$WORK/rej.log" "column 'qty'" "the reject names its column"
check_eq "$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM $T")" "1,2,3,10,12" "ignore + reject: ids"

# ---- replace: the existing row is replaced whole (an absent column takes its default)
seed
printf 'id,code,name\n2,b,TWO\n4,d,four\n' >"$WORK/rep.csv"
load "$WORK/rep.csv" --into "$URL/t" --mode replace
check_rc 0 "replace"
expect '["1","a","one","10"]' '["2","b","TWO","0"]' '["3","c","three","30"]' '["4","d","four","0"]'
check_table t "$WORK/expected" id "replace"
check_eq "$(summary_value 'rows replaced')" 1 "replace: one old row deleted to make way"
# a row whose id and code each match another row replaces both
printf 'id,code,name\n3,a,X\n' >"$WORK/rep2.csv"
load "$WORK/rep2.csv" --into "$URL/t" --mode replace --report "$WORK/rep2.json"
check_rc 0 "replace over two rows"
check_eq "$(summary_value 'rows replaced')" 2 "replace: rows 1 and 3 deleted for one new row"
check_eq "$(sql "SELECT GROUP_CONCAT(CONCAT(id, code) ORDER BY id) FROM $T")" "2b,3a,4d" "replace over two rows: the table"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["rows_written"], r["rows_updated"])' "$WORK/rep2.json")" \
  "1 2" "replace: the report's rows_written and rows_updated"

# ---- truncate: the old rows are gone, with a warning that TRUNCATE commits
seed
printf 'id,code,name,qty\n7,g,seven,70\n' >"$WORK/tr.csv"
load "$WORK/tr.csv" --into "$URL/t" --mode truncate
check_rc 0 "truncate"
check_contains "$WORK/err" "--mode truncate: TRUNCATE TABLE t_write_modes.t commits at once" \
  "truncate warns that it commits"
expect '["7","g","seven","70"]'
check_table t "$WORK/expected" id "truncate"
# a truncated table that then fails is not "nothing written" (exit 1, not 2)
printf 'id,code,name,qty\n8,h,eight,x\n' >"$WORK/trbad.csv"
load "$WORK/trbad.csv" --into "$URL/t" --mode truncate
check_rc 1 "truncate, then a bad row"
check_eq "$(count t)" 0 "truncate then failure leaves the table empty"

# ---- swap: readers see the old table or the new one, never a part
orders_table orders
python3 "$GEN" --rows 1000 --seed 1 >"$WORK/old.csv"
python3 "$GEN" --rows 150000 --seed 2 >"$WORK/new.csv"
load "$WORK/old.csv" --into "$URL/orders"
check_rc 0 "swap: the old rows"
create_before=$(sql "SHOW CREATE TABLE \`$DB\`.orders" | cut -f2)

# Counts the table in a loop while a load runs; the counts go to $WORK/counts.
count_during_load() { # LOAD ARGS...
  : >"$WORK/counts"
  start_load "$@"
  while kill -0 "$LOAD_PID" 2>/dev/null; do
    count orders >>"$WORK/counts" 2>/dev/null || echo missing >>"$WORK/counts"
  done
  wait_load
  count orders >>"$WORK/counts"
}
# the loop does see a half-loaded table when one is visible: a truncate load
count_during_load "$WORK/new.csv" --into "$URL/orders" --mode truncate --txn-rows 2000
check_rc 0 "truncate load under the counting loop"
partial=$(grep -cv -e '^1000$' -e '^150000$' -e '^0$' "$WORK/counts" || true)
if [ "$partial" -gt 0 ]; then pass; else fail "the counting loop saw no partial table in a truncate load"; fi

load "$WORK/old.csv" --into "$URL/orders" --mode truncate
count_during_load "$WORK/new.csv" --into "$URL/orders" --mode swap --txn-rows 2000
check_rc 0 "swap"
samples=$(wc -l <"$WORK/counts")
if [ "$samples" -ge 5 ]; then pass; else fail "swap: only $samples counts taken during the load"; fi
check_eq "$(sort -u "$WORK/counts" | tr '\n' ' ')" "1000 150000 " "swap: readers saw only whole tables"
check_eq "$(count orders)" 150000 "swap: the new rows are in place"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME LIKE 'orders\\_\\_sluice%'")" \
  0 "swap leaves no work tables behind"
check_eq "$(sql "SHOW CREATE TABLE \`$DB\`.orders" | cut -f2)" "$create_before" \
  "swap keeps the table's definition"
python3 "$GEN" --rows 150000 --seed 2 --expect "$WORK/new.jsonl" >/dev/null
check_table orders "$WORK/new.jsonl" id "swap: the new table's contents"

# --keep-old keeps the replaced table
load "$WORK/old.csv" --into "$URL/orders" --mode swap --keep-old
check_rc 0 "swap --keep-old"
check_eq "$(count orders)" 1000 "swap --keep-old: new rows"
check_eq "$(count orders__sluice_old)" 150000 "swap --keep-old: the old table is kept"
check_contains "$WORK/err" "the old ones are in" "swap --keep-old says where"

# a failed swap leaves the table as it was, and the next run starts afresh
printf 'id,customer_id,sku,qty,price,status,created_at,note\n1,1,a,x,1.00,new,2026-01-01 00:00:00,\n' >"$WORK/swbad.csv"
load "$WORK/swbad.csv" --into "$URL/orders" --mode swap
check_rc 1 "swap with a bad row"
check_eq "$(count orders)" 1000 "a failed swap leaves the table unchanged"
check_contains "$WORK/err" "--mode swap: t_write_modes.orders is unchanged" "a failed swap says so"
load "$WORK/new.csv" --into "$URL/orders" --mode swap
check_rc 0 "swap after a failed swap"
check_eq "$(count orders)" 150000 "swap after a failed swap: rows"

# a table another table's foreign key refers to is refused: the key would
# follow the old table through RENAME TABLE
sql "CREATE TABLE $DB.orders_note (id INT PRIMARY KEY, order_id BIGINT,
  CONSTRAINT note_order FOREIGN KEY (order_id) REFERENCES $DB.orders (id))"
load "$WORK/new.csv" --into "$URL/orders" --mode swap
check_rc 2 "swap of a table a foreign key refers to"
check_contains "$WORK/err" "sluice: error: --mode swap: foreign key 'note_order' of $DB.orders_note on the target refers to $DB.orders; foreign keys follow a table through RENAME TABLE, so a swap would leave them on the wrong tables (use another --mode, such as truncate)" \
  "swap: the foreign key is named"
check_eq "$(count orders)" 150000 "a refused swap leaves the table as it was"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME LIKE '%\_\_sluice\_%'")" \
  0 "a refused swap creates nothing"
sql "DROP TABLE $DB.orders_note"

# a table name too long for the work table is refused before anything changes
long=$(printf 'x%.0s' $(seq 1 60))
sql "CREATE TABLE \`$DB\`.\`$long\` (id INT PRIMARY KEY)"
printf 'id\n1\n' >"$WORK/one.csv"
load "$WORK/one.csv" --into "$URL/$long" --mode swap
check_rc 2 "swap of a long table name"
check_contains "$WORK/err" "longer than 64 characters" "the long name is explained"
finish
