#!/usr/bin/env bash
# Copy rides out transient faults on the target, as load does: a writer's
# connection killed mid-copy, lock waits against a session that holds the
# (pre-created) target, a reader's source connection killed, and the target
# server killed and restarted (every
# target connection is lost: the writers', the verifier's, the index
# builder's). Each case ends with exit 0, the target's row
# count and CHECKSUM TABLE equal to the source's, and the retries counted.
# A keyless table is copied too, so a chunk written twice would show.
source "$(dirname "$0")/lib.sh"
setup copy_faults
DST="${DB}_dst"
ROWS="${SLUICE_FAULT_ROWS:-300000}"
sql "USE \`$DB\`;
CREATE TABLE keyed (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), KEY ka (a));
INSERT INTO keyed SELECT seq, seq % 977, CONCAT('row ', seq) FROM seq_1_to_$ROWS;
CREATE TABLE keyless (a INT NOT NULL, b VARCHAR(40));
INSERT INTO keyless SELECT seq % 977, CONCAT('row ', seq) FROM seq_1_to_$ROWS"
DST_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DST"
slow=(--threads 2 --batch-rows 20 --txn-rows 1000)

same_as_source() { # TABLE WHAT
  check_eq "$(dst_rows "$1")" "$ROWS" "$2: $1 row count"
  check_eq "$(checksum "$DST" "$1")" "$(checksum "$DB" "$1")" "$2: $1 checksum"
}
retried() { # WHAT
  check_eq "$([ "$(summary_value retries)" -ge 1 ] && echo yes)" yes "$1: retries in the summary"
}

# 1. a writer's connection is killed while it inserts, once per table
sql "DROP DATABASE IF EXISTS \`$DST\`"
start_copy "${slow[@]}"
for t in keyed keyless; do
  wait_dst_rows "$t" 20000
  victim=""
  for _ in $(seq 1 200); do
    victim=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='sluice'
      AND (INFO LIKE 'INSERT INTO \`$DST\`.\`$t\`%' OR INFO LIKE 'LOAD DATA LOCAL INFILE %\`$DST\`.\`$t\`%')
      ORDER BY ID LIMIT 1")
    [ -n "$victim" ] && break
    kill -0 "$LOAD_PID" 2>/dev/null || break
    sleep 0.02
  done
  check_ne "$victim" "" "a writer of $t was found inserting"
  [ -n "$victim" ] && sql "KILL CONNECTION $victim" || true
done
wait_load
check_rc 0 "copy with killed writer connections"
check_contains "$WORK/err" "retry 1 of 10 in" "the retry is logged"
retried "killed connections"
check_not_contains "$WORK/err" "FAILED" "no table failed"
same_as_source keyed "killed connections"
same_as_source keyless "killed connections"

# 1b. a reader's connection to the source is killed while it reads: the
# spare connection, in the same snapshot, reads the range again past the
# rows already passed on (a range is read in key order). The SLEEP() every
# 1000 rows (which passes every row) keeps the SELECTs running.
sql "DROP DATABASE IF EXISTS \`$DST\`"
start_copy "${slow[@]}" --tables keyed --where 'id % 1000 <> 0 OR SLEEP(0.02) = 0'
wait_dst_rows keyed 20000
victim=""
for _ in $(seq 1 200); do
  victim=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='sluice'
    AND INFO LIKE 'SELECT /* sluice copy */%\`keyed\`%' ORDER BY ID LIMIT 1")
  [ -n "$victim" ] && break
  sleep 0.02
done
check_ne "$victim" "" "a reader of keyed was found reading"
[ -n "$victim" ] && sql "KILL CONNECTION $victim" || true
wait_load
check_rc 0 "copy with a killed reader connection"
check_contains "$WORK/err" "sluice: lost the connection reading keyed (reading rows failed: Lost connection to server during query (2013))" "the take-over is told"
check_contains "$WORK/err" "reading the range again on a spare connection in the same snapshot, from row " "the spare reads on"
same_as_source keyed "a killed reader"

# 2. lock waits: another session holds the end of each pre-created, empty
# target for 3 s; the copy appends to them
sql "DROP DATABASE IF EXISTS \`$DST\`; CREATE DATABASE \`$DST\`;
CREATE TABLE \`$DST\`.keyed LIKE \`$DB\`.keyed; CREATE TABLE \`$DST\`.keyless LIKE \`$DB\`.keyless"
mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DST" -e "START TRANSACTION;
  SELECT COUNT(*) FROM keyed FOR UPDATE; SELECT COUNT(*) FROM keyless FOR UPDATE;
  SELECT SLEEP(3); COMMIT;" >/dev/null &
locker=$!
sleep 0.5
start_copy --if-exists append --session-sql "SET SESSION innodb_lock_wait_timeout=1"
wait_load
wait "$locker"
check_rc 0 "copy against a locking session"
check_contains "$WORK/err" "Lock wait timeout exceeded; try restarting transaction (1205); retry 1 of 10" "lock wait retried"
retried "lock waits"
same_as_source keyed "lock waits"
same_as_source keyless "lock waits"

# 3. the target server is killed (kill -9) and started again mid-copy
second_server
start_b_copy() {
  "$SLUICE_BIN" copy --from "$URL" --to "$B_URL/$DST" --from-defaults-file "$SLUICE_DB_CNF" \
    --to-defaults-file "$B_CNF" "$@" >"$WORK/out" 2>"$WORK/err" &
  LOAD_PID=$!
}
b_rows() { sqlb "SELECT COUNT(*) FROM \`$DST\`.\`$1\`" 2>/dev/null || echo 0; }
start_b_copy "${slow[@]}" --defer-indexes
for _ in $(seq 1 600); do
  [ "$(b_rows keyed)" -ge 20000 ] && break
  sleep 0.05
done
"$SLUICE_SRC/scripts/dbserver.sh" kill "$WORK/srv"
"$SLUICE_SRC/scripts/dbserver.sh" restart "$WORK/srv" >/dev/null
wait_load
check_rc 0 "copy across a restart of the target"
check_matches "$WORK/err" "^sluice: writer [0-9]+: .*\((2013|2006|4031|1927|2026)\); retry 1 of 10 in" "the writers retried"
retried "a target restart"
for t in keyed keyless; do
  check_eq "$(b_rows "$t")" "$ROWS" "a target restart: $t row count"
  check_eq "$(sqlb "CHECKSUM TABLE \`$DST\`.\`$t\`" | cut -f2)" "$(checksum "$DB" "$t")" "a target restart: $t checksum"
  check_contains "$WORK/err" "PASS $DST.$t: " "a target restart: $t verified"
done
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '$DST' AND TABLE_NAME = 'keyed' AND INDEX_NAME = 'ka'")" 1 \
  "a target restart: the deferred index is there"

# 4. the target is down longer than the retries last: the copy fails; once
# the server is back, --resume finishes it exactly
sqlb "DROP DATABASE IF EXISTS \`$DST\`"
start_b_copy "${slow[@]}" --retries 1 --retry-max-seconds 1
for _ in $(seq 1 600); do
  [ "$(b_rows keyed)" -ge 20000 ] && break
  sleep 0.05
done
"$SLUICE_SRC/scripts/dbserver.sh" kill "$WORK/srv"
wait_load
check_rc 1 "copy while the target is down"
check_contains "$WORK/err" "giving up after 1 retries" "the writers gave up"
"$SLUICE_SRC/scripts/dbserver.sh" restart "$WORK/srv" >/dev/null
start_b_copy "${slow[@]}" --resume
wait_load
check_rc 0 "--resume once the target is back"
check_matches "$WORK/err" "^sluice: resuming $DST.keyed: [0-9,]+ rows were committed before" "keyed is resumed"
for t in keyed keyless; do
  check_eq "$(b_rows "$t")" "$ROWS" "--resume after a restart: $t row count"
  check_eq "$(sqlb "CHECKSUM TABLE \`$DST\`.\`$t\`" | cut -f2)" "$(checksum "$DB" "$t")" "--resume after a restart: $t checksum"
done
check_eq "$(sqlb "SELECT COUNT(*) FROM \`$DST\`.sluice_checkpoints")" 0 "--resume after a restart: no checkpoints left"

sql "DROP DATABASE IF EXISTS \`$DST\`"
finish
