#!/usr/bin/env bash
# The report of every command (--report FILE.json) follows one schema,
# docs/report.schema.json: version, start and end times, sources and target
# with passwords hidden, the counters, and an entry per file, table, cell or
# step with its verification. Every report here is also validated by
# run_sluice (lib.sh). The closing summaries say how a run ended.
source "$(dirname "$0")/lib.sh"
setup reports
PW=$(sed -n 's/^password=//p' "$SLUICE_DB_CNF")
PWURL="mysql://sluice:$PW@127.0.0.1:$SLUICE_DB_PORT"
field() { # FILE PYTHON-EXPRESSION-OF-r
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
orders_table orders
python3 "$GEN" --rows 2000 --seed 3 >"$WORK/a.csv"
python3 "$GEN" --rows 1000 --seed 4 --start-id 2001 >"$WORK/b.csv"

# ---- load of two files, password in the URL
run_sluice load "$WORK/a.csv" "$WORK/b.csv" --into "$PWURL/$DB/orders" --report "$WORK/load.json"
check_rc 0 "load of two files"
check_eq "$(field "$WORK/load.json" 'r["report_version"], r["command"], r["status"], r["sources"] == [sys.argv[1].rsplit("/", 1)[0] + "/a.csv", sys.argv[1].rsplit("/", 1)[0] + "/b.csv"]')" \
  "(1, 'load', 'ok', True)" "load: version, command, status, sources"
check_eq "$(field "$WORK/load.json" 'r["target"]')" "mysql://sluice:***@127.0.0.1:$SLUICE_DB_PORT/$DB/orders" "load: the target, password hidden"
check_not_contains "$WORK/load.json" "$PW" "load: no password anywhere in the report"
check_eq "$(field "$WORK/load.json" '[(i["kind"], i["name"].rsplit("/", 1)[1], i["status"], i["rows_written"], i["rows_rejected"], i["bytes"] > 0) for i in r["items"]]')" \
  "[('file', 'a.csv', 'ok', 2000, 0, True), ('file', 'b.csv', 'ok', 1000, 0, True)]" "load: an entry per file with its rows"
check_eq "$(field "$WORK/load.json" 'r["rows_written"], "rows_to_write" in r, r["bytes"] == sum(i["bytes"] for i in r["items"]), r["method"] in ("insert", "load-data")')" \
  "(3000, False, True, True)" "load: counters, no rows_to_write in a real run, the method"
check_eq "$(field "$WORK/load.json" 'r["started_at"] <= r["finished_at"] and r["started_at"][:4] >= "2024"')" "True" "load: started_at and finished_at"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.orders")" 3000 "load: the rows"

# ---- a small file: bytes in the unit that suits them, not 0.0 MB
sql "TRUNCATE \`$DB\`.orders"
head -3 "$WORK/a.csv" >"$WORK/small.csv"
load "$WORK/small.csv" --into "$URL/orders"
check_rc 0 "load of a small file"
check_matches "$WORK/err" "^  bytes read +[0-9]+ B$" "a small file's bytes in B"

# ---- --mode ignore: rows/s counts the rows the target skipped too
load "$WORK/a.csv" --into "$URL/orders" --mode ignore --report "$WORK/ign.json"
check_rc 0 "load --mode ignore of rows that are all there"
check_eq "$(summary_value 'rows written')" 1998 "ignore: rows written"
check_ne "$(summary_value 'rows/s')" 0 "ignore: rows/s is not 0"
check_eq "$(field "$WORK/ign.json" 'r["rows_per_second"] > 0')" "True" "ignore: the report's rows_per_second"

# ---- a failed load: its heading says so
sql "CREATE TABLE \`$DB\`.narrow (id INT PRIMARY KEY)"
printf 'id\n1\n1\n' >"$WORK/dup.csv"
load "$WORK/dup.csv" --into "$URL/narrow" --no-checkpoint --report "$WORK/fail.json"
check_rc 1 "a load that fails"
check_contains "$WORK/err" "sluice: load into $URL/narrow failed" "the heading of a failed load"
check_eq "$(field "$WORK/fail.json" 'r["status"], r["items"][0]["status"], "Duplicate entry" in r["error"]')" "('failed', 'failed', True)" "the failed load's report"

# ---- an interrupted load: its heading says so
sql "TRUNCATE \`$DB\`.orders"
python3 "$GEN" --rows 200000 --seed 5 >"$WORK/big.csv"
start_load "$WORK/big.csv" --into "$URL/orders" --batch-rows 100 --txn-rows 1000 --threads 1 --report "$WORK/int.json"
wait_rows orders 1000
kill -INT "$LOAD_PID"
wait_load
check_rc 4 "an interrupted load"
check_contains "$WORK/err" "sluice: load into $URL/orders interrupted" "the heading of an interrupted load"
check_eq "$(field "$WORK/int.json" 'r["status"], r["items"][0]["status"], r["rows_written"] == r["items"][0]["rows_written"]')" \
  "('interrupted', 'interrupted', True)" "the interrupted load's report"
check_eq "$(field "$WORK/int.json" 'r["rows_written"]')" "$(sql "SELECT COUNT(*) FROM \`$DB\`.orders")" "the report counts the committed rows"

# ---- copy: an entry per table with PASS or FAIL
sql "DROP DATABASE IF EXISTS \`${DB}_dst\`; CREATE DATABASE \`${DB}_dst\`;
     DROP TABLE \`$DB\`.narrow; CREATE TABLE \`$DB\`.small (id INT PRIMARY KEY, v VARCHAR(5));
     INSERT INTO \`$DB\`.small VALUES (1,'a'),(2,'b'),(3,'c')"
run_sluice copy --from "$PWURL/$DB" --to "$PWURL/${DB}_dst" --tables orders,small --report "$WORK/copy.json"
check_rc 0 "copy of two tables"
check_eq "$(field "$WORK/copy.json" 'r["command"], r["status"], r["sources"], r["target"]')" \
  "('copy', 'ok', ['mysql://sluice:***@127.0.0.1:$SLUICE_DB_PORT/$DB'], 'mysql://sluice:***@127.0.0.1:$SLUICE_DB_PORT/${DB}_dst')" "copy: sources and target, hidden"
check_eq "$(field "$WORK/copy.json" 'sorted((i["name"], i["status"], i["verification"], i["rows_written"]) for i in r["items"])')" \
  "[('$DB.orders', 'ok', 'pass', $(sql "SELECT COUNT(*) FROM \`$DB\`.orders")), ('$DB.small', 'ok', 'pass', 3)]" "copy: a PASS per table"
sql "UPDATE \`${DB}_dst\`.small SET v = 'x' WHERE id = 2"
run_sluice copy --from "$PWURL/$DB" --to "$PWURL/${DB}_dst" --tables orders,small --verify-only --report "$WORK/verify.json"
check_rc 1 "--verify-only finds the changed row"
check_eq "$(field "$WORK/verify.json" 'r["status"], sorted((i["name"], i["status"], i["verification"]) for i in r["items"])')" \
  "('failed', [('$DB.orders', 'ok', 'pass'), ('$DB.small', 'failed', 'fail')])" "copy --verify-only: PASS and FAIL per table"

# ---- extract: bytes read and written
run_sluice extract --from "$PWURL/$DB/small" --to "$WORK/small-out.csv.zst" --report "$WORK/extract.json"
check_rc 0 "extract"
check_eq "$(field "$WORK/extract.json" 'r["rows_written"], r["bytes"] > 0, r["items"][0]["bytes"] == __import__("os").path.getsize(sys.argv[1].rsplit("/", 1)[0] + "/small-out.csv.zst")')" \
  "(3, True, True)" "extract: rows, bytes read, the file's bytes"

# ---- bench: an entry per cell
run_sluice bench --into "$URL" --defaults-file "$SLUICE_DB_CNF" --rows 2000 --threads 1,2 --batch-rows 100 \
  --txn-rows 1000 --warmup 0 --report "$WORK/bench.json"
check_rc 0 "bench"
check_eq "$(field "$WORK/bench.json" '[(i["kind"], i["name"], i["status"], i["rows_written"]) for i in r["items"]]')" \
  "[('cell', 'threads=1 batch=100 txn=1000 method=insert', 'ok', 2000), ('cell', 'threads=2 batch=100 txn=1000 method=insert', 'ok', 2000)]" \
  "bench: an entry per cell"

# ---- a job: an entry per step, with the step's own entries inside
cat >"$WORK/job.ini" <<EOF
[job]
name = report job
[connection db]
url = $URL
defaults-file = $SLUICE_DB_CNF
[step out]
action = extract
from = db/small
to = $WORK/job-out.csv
overwrite = yes
[step back]
action = load
after = out
into = db/small
mode = upsert
source = $WORK/job-out.csv
EOF
run_sluice run "$WORK/job.ini" --lock-dir "$WORK" --report "$WORK/job.json"
check_rc 0 "a job of two steps"
check_eq "$(field "$WORK/job.json" 'r["command"], r["job"], r["sources"] == [sys.argv[1].rsplit("/", 1)[0] + "/job.ini"], r["target"]')" \
  "('run', 'report job', True, None)" "job: command, name, the job file"
check_eq "$(field "$WORK/job.json" '[(i["kind"], i["name"], i["action"], i["status"], i["exit_code"], i["rows_written"], i["bytes"] > 0, [(j["kind"], j["rows_written"]) for j in i["items"]]) for i in r["items"]]')" \
  "[('step', 'out', 'extract', 'ok', 0, 3, True, [('table', 3)]), ('step', 'back', 'load', 'ok', 0, 3, True, [('file', 3)])]" \
  "job: each step with its counters (extract's bytes too) and its own entries"
check_matches "$WORK/err" "^  total +  +  +[0-9,]+ +6 +0 " "job summary: the totals"

# ---- every report, once more, by the schema's own validator
check_report_file "$WORK/load.json"
python3 - "$SLUICE_SRC/docs/report.schema.json" <<'PY' >"$WORK/meta" 2>&1 || true
import json, sys, jsonschema
jsonschema.Draft7Validator.check_schema(json.load(open(sys.argv[1])))
print("schema ok")
PY
check_eq "$(cat "$WORK/meta")" "schema ok" "the schema is a valid JSON Schema"
# and the validator does reject a report that breaks it
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); del r["started_at"]; r["target"]="mysql://u:secret@h/db"; json.dump(r, open(sys.argv[2], "w"))' \
  "$WORK/load.json" "$WORK/broken.json"
set +e
python3 "$TOOLS/check_report.py" "$SLUICE_SRC/docs/report.schema.json" "$WORK/broken.json" >"$WORK/why" 2>&1
RC=$?
set -e
check_rc 1 "a broken report"
check_contains "$WORK/why" "'started_at' is a required property" "the missing field named"
check_contains "$WORK/why" "target:" "a visible password refused"

finish
