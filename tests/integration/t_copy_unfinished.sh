#!/usr/bin/env bash
# A copy that stops after it took a new table's deferred indexes off (a
# killed read, SIGTERM) says so: the table is FAILED in the summary and the
# report, the exit code is not 0, and the exact ALTER TABLE that finishes it
# is printed and reported. Verification compares the tables' keys too: a
# target missing an index FAILs, however equal its rows, until that ALTER
# TABLE is run.
source "$(dirname "$0")/lib.sh"
setup copy_unfinished
DST="${DB}_dst"
sql "USE \`$DB\`;
CREATE TABLE parent (id INT PRIMARY KEY);
INSERT INTO parent SELECT seq FROM seq_1_to_50;
CREATE TABLE slow (id INT PRIMARY KEY, customer_id INT NOT NULL, p INT, note VARCHAR(20), pad VARCHAR(1000),
  KEY idx_customer (customer_id), UNIQUE KEY u_note (note, id),
  CONSTRAINT fk_p FOREIGN KEY (p) REFERENCES parent (id));
INSERT INTO slow SELECT seq, seq % 13, 1 + seq % 50, CONCAT('n', seq), REPEAT('x', 1000) FROM seq_1_to_300"
DST_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DST"
show_keys() { # DB: the key lines of slow's definition
  sql "SHOW CREATE TABLE \`$1\`.slow" | cut -f2- | sed 's/\\n/\n/g' | grep -E '^  (KEY|UNIQUE|CONSTRAINT)' || true
}
FINISH="ALTER TABLE \`$DST\`.\`slow\` ADD UNIQUE KEY \`u_note\` (\`note\`,\`id\`), ADD KEY \`idx_customer\` (\`customer_id\`), ADD KEY \`fk_p\` (\`p\`), ADD CONSTRAINT \`fk_p\` FOREIGN KEY (\`p\`) REFERENCES \`parent\` (\`id\`)"

# the server sends rows as its network buffer fills: 1 KB rows reach the copy
# about 16 at a time
slow_copy() { # starts a deferred copy of slow at 0.05 s a row, 10 rows a commit
  sql "DROP TABLE IF EXISTS \`$DST\`.slow"
  "$SLUICE_BIN" copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" \
    --tables slow --if-exists drop --defer-indexes --where 'SLEEP(0.05) = 0' \
    --threads 1 --readers 1 --batch-rows 10 --txn-rows 10 --report "$WORK/report.json" >"$WORK/out" 2>"$WORK/err" &
  PID=$!
  for _ in $(seq 200); do # until some rows are committed
    [ "$(sql "SELECT COUNT(*) FROM \`$DST\`.slow" 2>/dev/null || echo 0)" -gt 0 ] && break
    sleep 0.05
  done
}
unfinished() { # WHAT: the table is reported unfinished, with the statement
  check_report_file "$WORK/report.json"
  check_contains "$WORK/err" "sluice: $DST.slow is left without its deferred indexes and foreign keys; once its rows are right, add them with:" "$1: said"
  check_contains "$WORK/err" "  $FINISH;" "$1: the exact ALTER TABLE"
  check_matches "$WORK/err" "^  $DST.slow +[0-9,]+ +[0-9.]+ +[0-9.]+ +[0-9,]+ +FAILED$" "$1: FAILED in the summary"
  check_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["finish_sql"][0])' "$WORK/report.json")" \
    "$FINISH" "$1: the report holds the statement"
  check_eq "$(show_keys "$DST")" "" "$1: the target has no secondary keys"
}

# 1. SIGTERM mid-rows
sql "DROP DATABASE IF EXISTS \`$DST\`; CREATE DATABASE \`$DST\`;
CREATE TABLE \`$DST\`.parent (id INT PRIMARY KEY); INSERT INTO \`$DST\`.parent SELECT id FROM \`$DB\`.parent"
slow_copy
kill -TERM "$PID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 4 "SIGTERM"
unfinished "SIGTERM"

# 2. a killed read
slow_copy
ID=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT /* sluice copy */%slow%' LIMIT 1")
sql "KILL QUERY $ID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 1 "a killed read"
unfinished "a killed read"

# 2b. the same copy as a job's step: the job's report and summary carry the
# statement too
cat >"$WORK/job.ini" <<INI
[job]
name = unfinished

[step slowcopy]
action = copy
from = $URL
to = $DST_URL
defaults-file = $SLUICE_DB_CNF
tables = slow
if-exists = drop
defer-indexes = yes
where = SLEEP(0.05) = 0
threads = 1
readers = 1
batch-rows = 10
txn-rows = 10
INI
sql "DROP TABLE IF EXISTS \`$DST\`.slow"
"$SLUICE_BIN" run "$WORK/job.ini" --lock-dir "$WORK" --report "$WORK/job.json" >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 200); do
  [ "$(sql "SELECT COUNT(*) FROM \`$DST\`.slow" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.05
done
ID=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT /* sluice copy */%slow%' LIMIT 1")
sql "KILL QUERY $ID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 1 "a job whose copy step was left unfinished"
check_report_file "$WORK/job.json"
check_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["finish_sql"][0])' "$WORK/job.json")" \
  "$FINISH" "the job's report holds the step's statement"
check_contains "$WORK/err" "sluice run: step slowcopy left work undone; finish it with:" "the job's summary says so"
check_contains "$WORK/err" "  $FINISH;" "with the statement"

# 3. the rows put right into the keyless table: verification still FAILs
run_sluice copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" --tables slow \
  --if-exists truncate
check_rc 1 "truncate and copy into the keyless table"
check_contains "$WORK/err" "FAIL $DST.slow: the target lacks KEY \`fk_p\` (\`p\`) (4 keys differ)" "a missing index is a FAIL"
run_sluice copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" --tables slow --verify-only
check_rc 1 "--verify-only"
check_contains "$WORK/err" "FAIL $DST.slow: the target lacks KEY \`fk_p\` (\`p\`) (4 keys differ)" "--verify-only compares the keys"

# 4. the printed statement finishes it
sql "$FINISH"
check_eq "$(show_keys "$DST")" "$(show_keys "$DB")" "the keys are back"
run_sluice copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" --tables slow --verify-only
check_rc 0 "--verify-only after the ALTER TABLE"
check_contains "$WORK/err" "PASS $DST.slow: 300 rows match" "PASS"

# 5. a key defined otherwise is a difference too
sql "ALTER TABLE \`$DST\`.slow DROP KEY idx_customer, ADD KEY idx_customer (customer_id, id)"
run_sluice copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" --tables slow --verify-only
check_rc 1 "--verify-only with a changed key"
check_contains "$WORK/err" "FAIL $DST.slow: a key differs: the source has KEY \`idx_customer\` (\`customer_id\`), the target KEY \`idx_customer\` (\`customer_id\`,\`id\`)" "named"
finish
