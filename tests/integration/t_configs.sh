#!/usr/bin/env bash
# The example job files in configs/, run as they are, against the shared
# server and a second one: their tables are checked by count and checksum.
source "$(dirname "$0")/lib.sh"
setup configs
second_server

export SLUICE_STATE="$WORK/state" DROP_DIR="$WORK/drop"
mkdir -p "$SLUICE_STATE" "$DROP_DIR"

run_job() { # FILE ARGS...
  set +e
  "$SLUICE_BIN" run "$SLUICE_SRC/configs/$1" "${@:2}" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  check_reports "${@:2}"
}
sum() { sql "CHECKSUM TABLE $1" | cut -f2; }

# --- nightly-orders.ini: two good files and one with a bad row
sql "DROP DATABASE IF EXISTS shop; CREATE DATABASE shop"
python3 "$GEN" --schema | mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot shop
python3 "$GEN" --rows 15000 --start-id 1 --seed 11 --expect "$WORK/e1" |
  zstd -q >"$DROP_DIR/orders-1.csv.zst"
python3 "$GEN" --rows 15000 --start-id 15001 --seed 12 --expect "$WORK/e2" |
  zstd -q >"$DROP_DIR/orders-2.csv.zst"
{
  python3 "$GEN" --rows 2 --start-id 30001 --seed 13 --expect "$WORK/e3"
  echo '30003,17,SKU-1,not-a-number,1.00,new,2026-01-01 00:00:00,'
  echo '30004,17, sku-2 ,1,"$1,000.50",New ,2026-01-01 00:00:00,as upstream writes it'
} | zstd -q >"$DROP_DIR/orders-3.csv.zst"
echo '["30004", "17", "SKU-2", "1", "1000.50", "new", "2026-01-01 00:00:00", "as upstream writes it"]' >"$WORK/e4"
cat "$WORK/e1" "$WORK/e2" "$WORK/e3" "$WORK/e4" >"$WORK/expect"
export WAREHOUSE_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/shop" WAREHOUSE_CNF="$SLUICE_DB_CNF"

# first a dry run: it lists the bad row and leaves the table and the state
# directory (report, metrics, lock, rejects, export) as they were
run_job nightly-orders.ini --dry-run
check_rc 3 "nightly-orders.ini --dry-run (one row would be rejected)"
check_contains "$WORK/err" "[orders] sluice: dry run: would reject $DROP_DIR/orders-3.csv.zst: line 4, byte " "nightly dry run: the bad row is listed"
check_contains "$WORK/err" "column 'qty': " "nightly dry run: with its column"
check_eq "$(sql 'SELECT COUNT(*) FROM shop.orders')" "0" "nightly dry run: nothing loaded"
check_eq "$(ls -A "$SLUICE_STATE" | wc -l)" "0" "nightly dry run: nothing in the state directory"

run_job nightly-orders.ini
check_rc 3 "nightly-orders.ini (one row rejected)"
check_eq "$(grep -o -- '--report [^ ]*' "$WORK/err" | grep -c "$SLUICE_STATE" || true)" "0" \
  "the job's report key is not handed to the steps"
check_eq "$(sql 'SELECT COUNT(*) FROM shop.orders')" "30003" "nightly: rows loaded"
DB=shop check_table orders "$WORK/expect" id "nightly: the loaded rows (transformed)"
check_eq "$(wc -l <"$SLUICE_STATE/orders-rejects.csv")" "2" "nightly: the rejects file (header and the bad row)"
check_contains "$SLUICE_STATE/orders-rejects.log" "orders-3.csv.zst" "nightly: the reject names its file"
check_not_contains "$WORK/err" "warning" "nightly: no step warns"
check_not_contains "$WORK/err" "does not apply" "nightly: no option given where it does not apply"
# the starting: line quotes each argument as a shell would need it
# (the --transform value spans lines, as the job file's continuation lines do)
awk '/step orders: starting:/ {on = 1; sub(/^.*starting: /, "")} on && /^\[orders\]/ {on = 0} on' \
  "$WORK/err" >"$WORK/start.sh"
check_contains "$WORK/start.sh" " --transform 'price: strip '\''\$,'\'' | decimal" "a quoted --transform"
python3 - "$WORK/start.sh" >"$WORK/start.argv" <<'PY'
import shlex, sys
print("\n---\n".join(shlex.split(open(sys.argv[1]).read())))
PY
check_contains "$WORK/start.argv" "price: strip '\$,' | decimal" "a shell reads the argument back whole"
zstd -dcq "$SLUICE_STATE/daily-totals.csv.zst" | tail -n +2 | sort >"$WORK/totals.csv"
sql "SELECT DATE(created_at), COUNT(*), SUM(qty * price) FROM shop.orders GROUP BY DATE(created_at)" |
  tr '\t' ',' | sort >"$WORK/totals.want"
check_eq "$(md5sum <"$WORK/totals.csv")" "$(md5sum <"$WORK/totals.want")" "nightly: the exported totals"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], r["rows_rejected"], [s["status"] for s in r["items"]])' "$SLUICE_STATE/nightly-orders.json")" \
  "rejects 1 ['rejects', 'ok']" "nightly: the report"
check_contains "$SLUICE_STATE/nightly-orders.prom" \
  'sluice_step_rows_written{job="nightly-orders",step="orders",action="load"} 30003' "nightly: the metrics"
# the same drop again (sent twice upstream): upsert updates, nothing doubles
sql "UPDATE shop.orders SET status = 'stale' WHERE id = 30004"
run_job nightly-orders.ini
check_rc 3 "nightly-orders.ini run again over the same files"
check_eq "$(sql 'SELECT COUNT(*) FROM shop.orders')" "30003" "nightly again: no row doubled"
DB=shop check_table orders "$WORK/expect" id "nightly again: the changed row is updated back"

# --- migrate-shop.ini: shop from the shared server to the second one
sql "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, UNIQUE KEY (name));
     USE shop; INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_500"
export OLD_URL="$A_URL/shop" OLD_CNF="$A_CNF" NEW_URL="$B_URL/shop" NEW_CNF="$B_CNF"
run_job migrate-shop.ini --lock-dir "$WORK" --dry-run
check_rc 0 "migrate-shop.ini --dry-run"
check_eq "$(grep -cE '^\[schema\]   shop\.(orders +create +30,003|customers +create +500)$' "$WORK/err")" 2 \
  "migrate dry run: the plan names each table, its action and its rows"
check_eq "$(grep -cE '^\[archive\]   archive\.orders_before_2026 +create +[0-9,]+$' "$WORK/err")" 1 \
  "migrate dry run: the archive step's plan"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('shop', 'archive')")" \
  "0" "migrate dry run: nothing created on the new server"
run_job migrate-shop.ini --lock-dir "$WORK"
check_rc 0 "migrate-shop.ini"
for t in orders customers; do
  check_eq "$(sqlb "CHECKSUM TABLE shop.$t" | cut -f2)" "$(sum shop.$t)" "migrate: $t checksum"
  check_eq "$(sqlb "SELECT COUNT(*) FROM shop.$t")" "$(sql "SELECT COUNT(*) FROM shop.$t")" "migrate: $t count"
  check_eq "$(sqlb "SHOW CREATE TABLE shop.$t" | cut -f2)" "$(sql "SHOW CREATE TABLE shop.$t" | cut -f2)" \
    "migrate: $t definition (after defer-indexes)"
done
check_contains "$WORK/err" "[schema] PASS" "migrate: verified"
check_eq "$(sqlb 'SELECT COUNT(*) FROM archive.orders_before_2026')" \
  "$(sql "SELECT COUNT(*) FROM shop.orders WHERE created_at < '2026-01-01'")" "migrate: archived rows"
check_eq "$(sqlb "SELECT COUNT(*) FROM archive.orders_before_2026 WHERE created_at >= '2026-01-01'")" \
  "0" "migrate: only the archived rows"

# --- bench-insert.ini: two grids, one after the other
sql "DROP DATABASE IF EXISTS benchdb; CREATE DATABASE benchdb"
export BENCH_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/benchdb" BENCH_CNF="$SLUICE_DB_CNF"
run_job bench-insert.ini --lock-dir "$WORK" --dry-run
check_rc 0 "bench-insert.ini --dry-run"
check_contains "$WORK/err" "[narrow] sluice: dry run: bench would create benchdb.sluice_bench, run 4 cells" \
  "bench dry run: the grid it would run"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'benchdb'")" "0" \
  "bench dry run: no table created"
run_job bench-insert.ini --lock-dir "$WORK" --report "$WORK/bench.json"
check_rc 0 "bench-insert.ini"
check_eq "$(python3 -c 'import json,sys; c = json.load(open(sys.argv[1])); print(len(c), all(x["rows_per_sec"] > 0 for x in c))' "$SLUICE_STATE/bench-narrow/results.json")" \
  "4 True" "bench: the narrow grid has 2x2 measured cells"
check_eq "$(sql 'SELECT COUNT(*) FROM benchdb.bench_orders')" "20000" "bench: the kept table"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print([(s["name"], s["status"], s["rows_written"]) for s in r["items"]])' "$WORK/bench.json")" \
  "[('narrow', 'ok', 80000), ('orders', 'ok', 20000)]" "bench: the job report counts every cell's rows"
if [ -s "$SLUICE_STATE/bench-orders/throughput.svg" ]; then pass; else fail "bench: the chart"; fi

finish
