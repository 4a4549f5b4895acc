#!/usr/bin/env bash
# --dry-run writes nothing and says what a real run would do. Runs on a
# server of its own, because the proof is the server's global counters:
# every dry run below, in every write mode, with hooks, rejects and a job
# file, must leave Com_insert, Com_update, Com_delete, Com_truncate,
# Com_create_table, Com_rename_table, Handler_write/update/delete (rows
# written to any table; MariaDB 10.6+ has no Innodb_rows_*) and the rest
# exactly as they were, and the tables' contents unchanged. The dry runs must still
# read every row to the end and list the rows that would be rejected (the
# first 100), with their file, line, column and reason.
source "$(dirname "$0")/lib.sh"
setup dry_run
own_server # from here on every helper talks to it
sql "CREATE TABLE \`$DB\`.items (id INT PRIMARY KEY, name VARCHAR(8) NOT NULL, price DECIMAL(6,2),
       made DATETIME, note VARCHAR(20))"
sql "INSERT INTO \`$DB\`.items VALUES (1,'old',9.99,NULL,NULL), (2,'old2',1.00,NULL,'keep')"

# 2,000 good rows and three bad ones at known lines
python3 - "$WORK/items.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,name,price,made,note\n")
    for i in range(1, 2004):
        if i == 500:
            f.write(f"{i},this-name-is-long,$1.00,01/02/2026 10:00,\n")  # line 501: name
        elif i == 1000:
            f.write(f"{i},n{i},$abc,01/02/2026 10:00,\n")  # line 1001: price
        elif i == 1500:
            f.write(f"{i},n{i},$2.50,31/02/2026 10:00,\n")  # line 1501: made
        else:
            f.write(f"{i},n{i},${i % 1000}.25,0{i % 9 + 1}/03/2026 12:30, x \n")
PY
head -1 "$WORK/items.csv" >"$WORK/clean.csv"
grep -v -e '^500,' -e '^1000,' -e '^1500,' "$WORK/items.csv" | tail -n +2 >>"$WORK/clean.csv"
zstd -q "$WORK/clean.csv" -o "$WORK/clean.csv.zst"
TF="price: strip '\$' | decimal ; made: date '%d/%m/%Y %H:%M' ; note: trim | null-if ''"

COUNTERS="'Com_insert','Com_insert_select','Com_replace','Com_replace_select','Com_update',
  'Com_update_multi','Com_delete','Com_delete_multi','Com_truncate','Com_create_table',
  'Com_drop_table','Com_rename_table','Com_alter_table','Com_load','Com_commit',
  'Handler_write','Handler_update','Handler_delete'"
counters() {
  sql "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
       WHERE VARIABLE_NAME IN (${COUNTERS^^}) ORDER BY VARIABLE_NAME"
}
contents() {
  sql "SELECT table_name FROM information_schema.TABLES WHERE table_schema = '$DB' ORDER BY 1"
  sql "CHECKSUM TABLE \`$DB\`.items"
}
sql "CREATE USER 'ins_only'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, INSERT ON \`$DB\`.* TO 'ins_only'@'%'"
# persistent statistics of the new table are settled now, so that no
# background recalculation writes while the counters are compared
sql "ANALYZE TABLE \`$DB\`.items" >/dev/null
BEFORE=$(counters)
TABLES_BEFORE=$(contents)
check_eq "$(echo "$BEFORE" | wc -l)" 18 "every counter is known to the server"

dry() { load "$@" --into "$URL/items" --dry-run; }

# 1. bad rows under --on-error stop: every one is listed, none stops the read
dry "$WORK/items.csv" --transform "$TF"
check_rc 3 "a dry run with rows that would be rejected"
F="$WORK/items.csv"
check_contains "$WORK/err" "sluice: dry run: would reject $F: line 501, byte " "the long name is listed"
check_contains "$WORK/err" "column 'name': value of 17 characters is too long for varchar(8)" "its reason"
check_contains "$WORK/err" "line 1001, byte " "the bad price is listed"
check_contains "$WORK/err" "column 'price': decimal: 'abc' is not a decimal number" "its reason names the step"
check_contains "$WORK/err" "line 1501, byte " "the impossible date is listed"
check_eq "$(grep -c 'would reject' "$WORK/err")" 3 "exactly the three bad rows are listed"
check_contains "$WORK/err" "sluice: dry run: 3 rows would be rejected; with --on-error stop a real load would stop at the first of them" "the stop-mode finding"
check_contains "$WORK/err" "sluice: dry run of a load into $URL/items; nothing was written" "the summary's heading"
check_contains "$WORK/err" "  rows read     2,003" "every row was read"
check_contains "$WORK/err" "  rows to write 2,000" "rows that would be written"
check_contains "$WORK/err" "  rows rejected 3" "rows that would be rejected"
line501=$(sed -n 501p "$F")
offset=$(head -500 "$F" | wc -c)
check_contains "$WORK/err" "line 501, byte $offset, column 'name'" "the byte offset is the record's"
[ -n "$line501" ]

# a file whose every row is bad: the first 100 are listed, the count has all
python3 -c 'print("id,name"); [print(f"{i},name-far-too-long-{i}") for i in range(1, 251)]' >"$WORK/allbad.csv"
dry "$WORK/allbad.csv" --columns id,name
check_rc 3 "a dry run of a file of bad rows"
check_eq "$(grep -c 'would reject' "$WORK/err")" 100 "only the first 100 bad rows are listed"
check_contains "$WORK/err" "would reject $WORK/allbad.csv: line 101, byte " "the 100th is the last listed"
check_not_contains "$WORK/err" "would reject $WORK/allbad.csv: line 102, byte " "the 101st is not listed"
check_contains "$WORK/err" "sluice: dry run: more rows would be rejected; only the first 100 are listed, the count below has them all" \
  "one line says more follow"
check_contains "$WORK/err" "  rows rejected 250" "the count has every bad row"

# 2. skip mode with rejects files and truncate: no files, no TRUNCATE
mkdir "$WORK/rj"
dry "$WORK/items.csv" --transform "$TF" --mode truncate --on-error skip --rejects "$WORK/rj/items" \
  --max-rejects 1
check_rc 3 "a truncate dry run in skip mode"
check_contains "$WORK/err" "sluice: dry run: 3 rows would be rejected; a real load would stop after 1 (--max-rejects)" "the --max-rejects finding"
check_eq "$(ls "$WORK/rj" | wc -l)" 0 "no rejects files were written"
dry "$WORK/items.csv" --transform "$TF" --on-error skip --rejects "$WORK/rj/items"
check_rc 3 "a dry run in skip mode"
check_contains "$WORK/err" "sluice: dry run: 3 rows would be rejected, to $WORK/rj/items.csv and $WORK/rj/items.log" "the skip-mode finding"

# 3. a clean, compressed drop in each mode that changes tables, with hooks
for mode in insert ignore replace upsert truncate swap; do
  dry "$WORK/clean.csv.zst" --transform "$TF" --mode "$mode" --threads 3 \
    --before-sql "DELETE FROM items" --after-sql "DROP TABLE items" --report "$WORK/r-$mode.json"
  check_rc 0 "a clean dry run, --mode $mode"
  check_contains "$WORK/err" "  rows to write 2,000" "--mode $mode: every row would be written"
  check_contains "$WORK/err" "sluice: dry run: --before-sql and --after-sql are not run" "--mode $mode: hooks are skipped"
done
check_contains "$WORK/err" "sluice: dry run: --mode swap would load $DB.items__sluice_new and then swap it in with one RENAME TABLE" "swap says what it would do"
python3 - "$WORK/r-upsert.json" >"$WORK/json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["status"], r["dry_run"], r["rows_read"], r["rows_written"], r["rows_to_write"], r["rows_rejected"])
PY
check_eq "$(cat "$WORK/json")" "ok True 2000 0 2000 0" "the dry run's report"

# 4. what a real run would refuse, a dry run refuses the same way
dry "$WORK/clean.csv" --columns id,name,price,made,nope --no-header
check_rc 2 "a column the table lacks"
check_contains "$WORK/err" "sluice: error: " "an error is printed"
check_contains "$WORK/err" "nope" "the missing column is named"
check_contains "$WORK/err" "sluice: dry run: a real load would not start; nothing was written" "the dry run says so"
dry "$WORK/clean.csv" --transform "$TF" --on-error skip --rejects "$WORK/no/such/dir/items"
check_rc 2 "a rejects directory that cannot be written"
check_contains "$WORK/err" "sluice: error: --rejects: cannot write in $WORK/no/such/dir: No such file or directory" "the rejects directory is named"
set +e
MYSQL_PWD=pw "$SLUICE_BIN" load "$WORK/clean.csv" --transform "$TF" --mode upsert --no-checkpoint \
  --into "mysql://ins_only@127.0.0.1:$SLUICE_DB_PORT/$DB/items" --dry-run >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "a dry run for an account without UPDATE"
check_contains "$WORK/err" "sluice: error: the account lacks UPDATE on $DB.items, which this load needs (--mode upsert; privileges held through a role are not seen)" "the missing privilege is named"
set +e
MYSQL_PWD=pw "$SLUICE_BIN" load "$WORK/clean.csv" --transform "$TF" --no-checkpoint \
  --into "mysql://ins_only@127.0.0.1:$SLUICE_DB_PORT/$DB/items" --dry-run -q >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "the same account may insert"
check_eq "$(cat "$WORK/err")" "" "a quiet, clean dry run prints nothing"

# 5. copy, extract and bench dry runs
copy_dry() { run_sluice copy --defaults-file "$SLUICE_DB_CNF" --from "$URL" "$@" --dry-run; }
copy_dry --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/${DB}_copy"
check_rc 0 "a copy dry run into a new database"
check_contains "$WORK/err" "sluice: dry run of a copy of $URL" "the copy plan's heading"
check_eq "$(grep -cE "^  ${DB}_copy.items +create +2$" "$WORK/err")" 1 "the plan: create, two source rows"
copy_dry --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/${DB}_copy" --where "id > 1" --mode swap
check_rc 0 "a swap copy dry run with --where"
check_eq "$(grep -cE "^  ${DB}_copy.items +swap +1$" "$WORK/err")" 1 "the plan: swap, one row under --where"
copy_dry --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/${DB}_copy" --where "no_such_col > 1"
check_rc 2 "a copy dry run with a --where the source refuses"
check_contains "$WORK/err" "sluice: error: counting the rows of $DB.items: " "the failing table is named"
check_contains "$WORK/err" "Unknown column 'no_such_col'" "the server's reason"
run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/items" --to "$WORK/x/items.csv.zst" --dry-run
check_rc 2 "an extract dry run into a missing directory"
check_contains "$WORK/err" "sluice: error: $WORK/x/items.csv.zst: cannot create: No such file or directory" "the path is named"
mkdir "$WORK/x"
run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/items" --to "$WORK/x/items.csv.zst" \
  --file-rows 1 --dry-run
check_rc 0 "an extract dry run"
check_contains "$WORK/err" "  to            $WORK/x/items.csv.zst (2 parts)" "the parts it would write"
check_contains "$WORK/err" "  rows read     2" "every row was read"
check_contains "$WORK/err" "  rows to write 2" "every row would be written"
check_eq "$(ls -A "$WORK/x" | wc -l)" 0 "no file, not even a temporary one, was created"
run_sluice bench --defaults-file "$SLUICE_DB_CNF" --into "$URL" --threads 1,3 --duration 2 --warmup 1 --dry-run
check_rc 0 "a bench dry run"
check_contains "$WORK/err" "sluice: dry run: bench would create $DB.sluice_bench, run 2 cells x 1 run (about 6 s), and drop the table; nothing was created" "what the grid would do"
set +e
MYSQL_PWD=pw "$SLUICE_BIN" bench --into "mysql://ins_only@127.0.0.1:$SLUICE_DB_PORT/$DB" --dry-run >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "a bench dry run without CREATE"
check_contains "$WORK/err" "sluice: error: the account lacks CREATE, DROP on $DB, which bench needs" "the missing privileges"
touch "$WORK/afile"
run_sluice bench --defaults-file "$SLUICE_DB_CNF" --into "$URL" --out "$WORK/afile/res" --dry-run
check_rc 2 "a bench dry run whose --out cannot be made"
check_contains "$WORK/err" "sluice: error: --out $WORK/afile/res: $WORK/afile is not a directory" "the --out problem"

# 6. a job: every step dry, nothing written, the [job] report left alone
cat >"$WORK/job.ini" <<EOF
[job]
name = dry job
report = $WORK/job-report.json
[connection db]
url = mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB
defaults-file = $SLUICE_DB_CNF
[step items]
action = load
source = $WORK/items.csv
into = db/items
mode = swap
on-error = skip
rejects = $WORK/rj/job-items
before-sql = DELETE FROM items
transform = $TF
[step copy]
action = copy
from = db
to = mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/${DB}_copy
to-defaults-file = $SLUICE_DB_CNF
[step export]
action = extract
after = items
from = db/items
to = $WORK/x/export.csv
[step bench]
action = bench
into = db
duration = 1
EOF
run_sluice run "$WORK/job.ini" --dry-run --report "$WORK/dry-report.json" --lock-dir "$WORK"
check_rc 3 "a job's dry run with rows that would be rejected"
check_contains "$WORK/out" "connection db" "the connection is checked first"
check_contains "$WORK/out" "step items: load into $DB.items: ok (INSERT,CREATE,DROP,ALTER,DELETE)" "with the privileges the swap load needs"
check_matches "$WORK/err" "sluice run: step items: starting: sluice load --into .* -- $WORK/items.csv" "the load step runs"
check_contains "$WORK/err" "--dry-run" "with --dry-run"
check_contains "$WORK/err" "[items] sluice: dry run: would reject $WORK/items.csv: line 1001" "the step lists its rejects"
check_eq "$(grep -cE '^  items +load +rejects +2,003 +2,000 +3 ' "$WORK/err")" 1 "the summary: read, to write, rejected"
check_eq "$(grep -cE '^  copy +copy +ok +0 +2 +0 ' "$WORK/err")" 1 "the copy step's rows to write"
check_eq "$(grep -cE '^  export +extract +ok +2 +2 +0 ' "$WORK/err")" 1 "the extract step's rows"
check_eq "$([ -e "$WORK/job-report.json" ] && echo written || echo absent)" absent "the [job] report is left alone"
check_eq "$([ -e "$WORK/sluice-dry_job.lock" ] && echo taken || echo free)" free "no lock is taken"
check_eq "$(find "$WORK/x" "$WORK/rj" -type f | wc -l)" 0 "no export or rejects files"
python3 - "$WORK/dry-report.json" >"$WORK/json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in r["items"]}
print(r["dry_run"], r["status"], r["rows_written"], r["rows_to_write"], s["items"]["rows_rejected"])
PY
check_eq "$(cat "$WORK/json")" "True rejects 0 2004 3" "the dry run's job report"

# nothing above changed anything
check_eq "$(counters)" "$BEFORE" "the server's write counters are unchanged"
check_eq "$(contents)" "$TABLES_BEFORE" "the tables and their checksum are unchanged"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE table_schema = '$DB' AND table_name = 'sluice_checkpoints'")" 0 "no checkpoint table was created"

# and the counters would have seen a write: a real load of the same drop
load "$WORK/clean.csv.zst" --transform "$TF" --mode upsert --into "$URL/items" -q
check_rc 0 "the real load"
check_eq "$(count items)" 2000 "the real load wrote what the dry run said"
AFTER=$(counters)
check_eq "$([ "$AFTER" != "$BEFORE" ] && echo changed)" changed "a real load moves the counters"

finish
