#!/usr/bin/env bash
# sluice copy's options and failures, between the shared server (A) and one
# this test starts (B): --defer-indexes gives back the same SHOW CREATE TABLE,
# and by default only tables of 100,000 rows or more are created without their
# indexes (when the target account holds ALTER); an index the target refuses
# stops a deferred copy before any row moves, and a deferred ALTER TABLE that
# fails after the rows fails its table;
# each --if-exists mode; one table renamed with --where; set-up errors stop
# before any row moves (exit 2); a value the target refuses, a killed read
# and SIGTERM fail mid-table (exit 1, and 4 for the signal).
source "$(dirname "$0")/lib.sh"
setup copy_modes
second_server
DBB="m_b"
copy() { run_sluice copy --from-defaults-file "$A_CNF" --to-defaults-file "$B_CNF" "$@"; }
same_on_both() { # TABLE WHAT: CHECKSUM TABLE of A's and B's copy agree
  check_eq "$(sqlb "CHECKSUM TABLE $DBB.$1" | cut -f2)" "$(sql "CHECKSUM TABLE $DB.$1" | cut -f2)" "$2"
}
count_b() { sqlb "SELECT COUNT(*) FROM $DBB.$1"; }

sql "USE $DB;
CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20));
INSERT INTO parent SELECT seq, CONCAT('p', seq) FROM seq_1_to_50;
CREATE TABLE child (
  id INT NOT NULL AUTO_INCREMENT, parent_id INT NOT NULL, sku VARCHAR(20), body TEXT, at POINT NOT NULL,
  PRIMARY KEY (id), UNIQUE KEY sku (sku), KEY by_parent (parent_id, sku), FULLTEXT KEY body (body),
  SPATIAL KEY at (at), CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id),
  CONSTRAINT positive CHECK (parent_id > 0)
) ENGINE=InnoDB AUTO_INCREMENT=5000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO child (parent_id, sku, body, at)
  SELECT 1 + seq % 50, CONCAT('s', seq), CONCAT('text ', seq), POINT(seq, -seq) FROM seq_1_to_3000;
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(30), qty INT NOT NULL);
INSERT INTO items SELECT seq, CONCAT('item ', seq), seq * 2 FROM seq_1_to_500;
CREATE TABLE narrowed (id INT PRIMARY KEY, name VARCHAR(30));
INSERT INTO narrowed VALUES (1, 'ok'), (2, 'far too long for the target'), (3, 'ok');
CREATE TABLE slow (id INT PRIMARY KEY, v INT);
INSERT INTO slow VALUES (1, 1), (2, 2), (3, 3);
CREATE TABLE large (id INT PRIMARY KEY, grp INT NOT NULL, tag VARCHAR(12), KEY by_grp (grp, tag));
INSERT INTO large SELECT seq, seq % 97, CONCAT('t', seq % 13) FROM seq_1_to_150000;
ANALYZE TABLE large;" >/dev/null

# ---- --defer-indexes ----
alters() { sqlb "SHOW GLOBAL STATUS LIKE 'Com_alter_table'" | cut -f2; }
a0=$(alters)
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables 'parent,chi*' --defer-indexes
check_rc 0 "--defer-indexes copy"
check_eq "$(($(alters) - a0))" 3 "--defer-indexes: child is made whole, its foreign key and indexes are taken off, then put back (3 ALTER TABLE)"
check_contains "$WORK/err" "PASS $DBB.child: 3,000 rows match" "child verified"
check_eq "$(sqlb "SHOW CREATE TABLE $DBB.child" | cut -f2-)" "$(sql "SHOW CREATE TABLE $DB.child" | cut -f2-)" \
  "--defer-indexes: SHOW CREATE TABLE equals the source's"
check_eq "$(sqlb "SELECT COUNT(*) FROM $DBB.child WHERE MATCH(body) AGAINST ('text')")" 3000 "the deferred FULLTEXT index works"
same_on_both child "--defer-indexes: CHECKSUM TABLE"

# ---- the default: indexes after the rows for large tables only ----
a0=$(alters)
copy --from "$A_URL/$DB" --to "$B_URL/m_auto" --tables 'large,parent'
check_rc 0 "default copy of a large and a small table"
check_contains "$WORK/err" "PASS m_auto.large: 150,000 rows match" "large table verified"
check_eq "$(($(alters) - a0))" 2 "default: two ALTER TABLE (its index off, then back on), for the large table only"
check_eq "$(sqlb "SHOW CREATE TABLE m_auto.large" | cut -f2-)" "$(sql "SHOW CREATE TABLE $DB.large" | cut -f2-)" \
  "default: the large table's SHOW CREATE TABLE equals the source's"
check_eq "$(sqlb "SHOW CREATE TABLE m_auto.parent" | cut -f2-)" "$(sql "SHOW CREATE TABLE $DB.parent" | cut -f2-)" \
  "default: the small table's SHOW CREATE TABLE equals the source's"
check_eq "$(sqlb "CHECKSUM TABLE m_auto.large" | cut -f2)" "$(sql "CHECKSUM TABLE $DB.large" | cut -f2)" "default: CHECKSUM TABLE of the large table"
a0=$(alters)
copy --from "$A_URL/$DB" --to "$B_URL/m_auto" --tables large --if-exists drop --no-defer-indexes
check_rc 0 "--no-defer-indexes"
check_eq "$(($(alters) - a0))" 0 "--no-defer-indexes: no ALTER TABLE"
check_eq "$(sqlb "SHOW CREATE TABLE m_auto.large" | cut -f2-)" "$(sql "SHOW CREATE TABLE $DB.large" | cut -f2-)" \
  "--no-defer-indexes: SHOW CREATE TABLE equals the source's"
# an account without ALTER: the large table keeps its indexes, the copy works
sqlb "CREATE USER 'no_alter'@'%' IDENTIFIED BY 'pw';
GRANT SELECT, INSERT, CREATE, DROP ON m_auto.* TO 'no_alter'@'%'"
printf '[client]\npassword=pw\n' >"$WORK/no_alter.cnf"
a0=$(alters)
run_sluice copy --from-defaults-file "$A_CNF" --to-defaults-file "$WORK/no_alter.cnf" \
  --from "$A_URL/$DB" --to "mysql://no_alter@127.0.0.1:$B_PORT/m_auto" --tables large --if-exists drop
check_rc 0 "default copy by an account without ALTER"
check_contains "$WORK/err" "PASS m_auto.large: 150,000 rows match" "without ALTER: verified"
check_eq "$(($(alters) - a0))" 0 "without ALTER: the indexes are made with the table"
copy --from "$A_URL/$DB" --to "$B_URL/m_auto" --defer-indexes --no-defer-indexes
check_rc 2 "--defer-indexes with --no-defer-indexes"
check_contains "$WORK/err" "sluice copy: give --defer-indexes or --no-defer-indexes, not both" "says which options disagree"

# an index the target refuses stops the copy before any row moves, though
# the index itself would only be added after the rows
sql "USE $DB; CREATE TABLE $DB.longkey (id INT PRIMARY KEY, v VARCHAR(255), KEY by_v (v)) DEFAULT CHARSET=utf8mb4;
INSERT INTO $DB.longkey SELECT seq, CONCAT('v', seq) FROM seq_1_to_100"
sqlb "SET GLOBAL innodb_default_row_format = 'compact'"
copy --from "$A_URL/$DB" --to "$B_URL/m_refused" --tables longkey --defer-indexes
check_rc 2 "--defer-indexes: an index the target refuses"
check_contains "$WORK/err" "sluice: error: preparing target table m_refused.longkey: query failed: Index column size too large. The maximum column size is 767 bytes (1709)" \
  "the refusal is named before any row moves"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'm_refused'")" 0 "no table is left behind"
sqlb "SET GLOBAL innodb_default_row_format = 'dynamic'"

# the deferred ALTER TABLE fails after the rows (another session holds the
# table longer than lock_wait_timeout): the table FAILED, its rows stay.
# Unverified, so that only the ALTER TABLE waits for the table
sql "CREATE TABLE $DB.lockedkey (id INT PRIMARY KEY, v INT, KEY by_v (v));
INSERT INTO $DB.lockedkey VALUES (1, 10), (2, 20), (3, 30)"
"$SLUICE_BIN" copy --from-defaults-file "$A_CNF" --to-defaults-file "$B_CNF" --from "$A_URL/$DB" \
  --to "$B_URL/m_locked" --tables lockedkey --defer-indexes --where 'SLEEP(1) = 0' --no-verify \
  --session-sql 'SET SESSION lock_wait_timeout = 1' >"$WORK/out" 2>"$WORK/err" &
COPY_PID=$!
# once by_v is off the new table, the rows are on their way (a second each):
# hold the table until the ALTER TABLE that adds by_v back has given up
has_by_v() {
  sqlb "SELECT COUNT(*) FROM information_schema.STATISTICS
    WHERE TABLE_SCHEMA = 'm_locked' AND TABLE_NAME = 'lockedkey' AND INDEX_NAME = 'by_v'"
}
for _ in $(seq 500); do
  [ "$(sqlb "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'm_locked' AND TABLE_NAME = 'lockedkey'")" = 1 ] &&
    [ "$(has_by_v)" = 0 ] && break
  sleep 0.02
done
sqlb "BEGIN; SELECT COUNT(*) INTO @n FROM m_locked.lockedkey; DO SLEEP(6); COMMIT" &
HOLD_PID=$!
set +e; wait "$COPY_PID"; RC=$?; set -e
wait "$HOLD_PID"
check_rc 1 "a deferred ALTER TABLE that fails"
check_contains "$WORK/err" "sluice: m_locked.lockedkey: adding the deferred indexes of m_locked.lockedkey: query failed: Lock wait timeout exceeded; try restarting transaction (1205)" \
  "the failed ALTER TABLE is named"
check_eq "$(awk '$1 == "m_locked.lockedkey" { print $2, $NF }' "$WORK/err")" "3 FAILED" \
  "the summary: its 3 committed rows, FAILED"
check_eq "$(sqlb "SELECT COUNT(*) FROM m_locked.lockedkey")" 3 "the committed rows stay"
check_eq "$(has_by_v)" 0 "and the index is not there"

# ---- --if-exists ----
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items
check_rc 0 "first copy of items"
sqlb "INSERT INTO $DBB.items VALUES (9999, 'only on B', 0)"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items
check_rc 2 "--if-exists fail (the default)"
check_contains "$WORK/err" "sluice: error: target table $DBB.items already exists (see --if-exists: skip, truncate, drop or append)" "fail names the table"
check_eq "$(count_b items)" 501 "fail: the target is untouched"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items --if-exists skip
check_rc 0 "--if-exists skip"
check_contains "$WORK/err" "skipped" "skip shows in the summary"
check_eq "$(count_b items)" 501 "skip: the target is untouched"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items --if-exists truncate
check_rc 0 "--if-exists truncate"
check_contains "$WORK/err" "PASS $DBB.items: 500 rows match" "truncate: verified"
same_on_both items "truncate: CHECKSUM TABLE"
sqlb "DELETE FROM $DBB.items WHERE id > 100"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items --if-exists append --where 'id > 100'
check_rc 0 "--if-exists append"
check_contains "$WORK/err" "COPIED $DBB.items: 400 rows; not verified: the target table had rows before (--if-exists append)" "append into rows: not verified, and says why"
same_on_both items "append: the rows before plus the rows copied"
sqlb "ALTER TABLE $DBB.items ADD COLUMN extra INT"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables items --if-exists drop
check_rc 0 "--if-exists drop"
check_eq "$(sqlb "SHOW CREATE TABLE $DBB.items" | cut -f2-)" "$(sql "SHOW CREATE TABLE $DB.items" | cut -f2-)" \
  "drop: the table is made again from the source's definition"

# ---- one table, renamed, with --where ----
copy --from "$A_URL/$DB/items" --to "$B_URL/m_archive/items_part" --where 'id <= 50'
check_rc 0 "one table renamed with --where"
check_contains "$WORK/err" "created database m_archive" "new database"
check_contains "$WORK/err" "PASS m_archive.items_part: 50 rows match" "renamed table verified"
check_eq "$(sqlb "SELECT COUNT(*), SUM(qty) FROM m_archive.items_part")" "$(sql "SELECT COUNT(*), SUM(qty) FROM $DB.items WHERE id <= 50")" "renamed table: count and sum"

# ---- integers and dates travel in binary; dates off the calendar as text ----
sql "SET SESSION sql_mode = 'ALLOW_INVALID_DATES';
CREATE TABLE $DB.odd_dates (id INT PRIMARY KEY, d DATE, dt DATETIME(3), ts TIMESTAMP NULL,
  z INT(6) ZEROFILL, u BIGINT UNSIGNED, n BIGINT);
INSERT INTO $DB.odd_dates VALUES
  (1, '0000-00-00', '0000-00-00 00:00:00.000', '0000-00-00 00:00:00', 42, 18446744073709551615, -9223372036854775808),
  (2, '2024-02-30', '2024-00-10 10:00:00.5', NULL, 0, 0, 9223372036854775807),
  (3, '2024-02-29', '2024-02-29 23:59:59.999', '2038-01-19 03:14:07', 7, 1, 0)"
copy --from "$A_URL/$DB" --to "$B_URL/m_dates" --tables odd_dates --session-sql "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'"
check_rc 0 "dates off the calendar, under a sql_mode that holds them"
check_contains "$WORK/err" "PASS m_dates.odd_dates: 3 rows match" "odd dates verified"
check_eq "$(sqlb "SELECT * FROM m_dates.odd_dates ORDER BY id")" "$(sql "SELECT * FROM $DB.odd_dates ORDER BY id")" \
  "every value arrives as it was"
check_eq "$(sqlb "CHECKSUM TABLE m_dates.odd_dates" | cut -f2)" "$(sql "CHECKSUM TABLE $DB.odd_dates" | cut -f2)" \
  "odd dates: CHECKSUM TABLE"
copy --from "$A_URL/$DB" --to "$B_URL/m_dates" --tables odd_dates --if-exists truncate --where 'id = 2'
check_rc 1 "the target's own sql_mode refuses an impossible date"
check_contains "$WORK/err" "the row with \`id\` = 2: Incorrect date value: '2024-02-30' for column \`m_dates\`.\`odd_dates\`.\`d\`" \
  "the refusal names the row's key and the date, as text"

# ---- set-up errors: exit 2, nothing moves ----
copy --from "$A_URL/$DB" --to "mysql://sluice@127.0.0.1:1/x"
check_rc 2 "unreachable target"
check_contains "$WORK/err" "sluice: error: cannot connect to mysql://sluice@127.0.0.1:1" "unreachable: named"
copy --from "$A_URL/$DB/nope" --to "$B_URL/$DBB"
check_rc 2 "missing source table"
check_contains "$WORK/err" "sluice: error: table '$DB.nope' does not exist" "missing table: named"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables 'zz*'
check_rc 2 "a glob that matches nothing"
check_contains "$WORK/err" "sluice: error: --tables: nothing matches 'zz*' in database '$DB'" "glob: named"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB/one"
check_rc 2 "--to names a table for a schema copy"
check_contains "$WORK/err" "--to names a table, so --from must name exactly one table too" "table for schema: said"
run_sluice copy --defaults-file "$A_CNF" --from "$A_URL/$DB/items" --to "$A_URL/$DB/items"
check_rc 2 "a table onto itself"
check_contains "$WORK/err" "--from and --to name the same table on the same server" "same table: said"
sqlb "CREATE TABLE $DBB.narrow_cols (id INT PRIMARY KEY, name VARCHAR(30))"
sql "CREATE TABLE $DB.narrow_cols (id INT PRIMARY KEY, name VARCHAR(30), qty INT)"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables narrow_cols --if-exists append
check_rc 2 "target lacks a column"
check_contains "$WORK/err" "sluice: error: target table $DBB.narrow_cols has no column \`qty\`" "missing column: named"
sql "DROP TABLE $DB.narrow_cols"
sqlb "CREATE USER 'reader'@'%' IDENTIFIED BY 'pw'; GRANT SELECT, CREATE ON *.* TO 'reader'@'%'"
printf '[client]\npassword=pw\n' >"$WORK/reader.cnf"
run_sluice copy --from-defaults-file "$A_CNF" --to-defaults-file "$WORK/reader.cnf" \
  --from "$A_URL/$DB" --to "mysql://reader@127.0.0.1:$B_PORT/$DBB" --tables items --if-exists append
check_rc 2 "no INSERT privilege on the target"
check_contains "$WORK/err" "the target refuses the INSERT: INSERT command denied to user 'reader'" "missing privilege: named"
sqlb "REVOKE CREATE ON *.* FROM 'reader'@'%'"
run_sluice copy --from-defaults-file "$A_CNF" --to-defaults-file "$WORK/reader.cnf" \
  --from "$A_URL/$DB" --to "mysql://reader@127.0.0.1:$B_PORT/m_new" --tables items
check_rc 2 "no privilege to create the database"
check_contains "$WORK/err" "creating the target database" "CREATE DATABASE refusal: named"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'm_new'")" 0 "nothing created"

# ---- --mode: upsert, ignore and swap ----
sql "USE $DB; CREATE TABLE wm (id INT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL);
INSERT INTO wm SELECT seq, CONCAT('a', seq), seq FROM seq_1_to_100;
CREATE TABLE big (id INT PRIMARY KEY, body LONGBLOB);
INSERT INTO big VALUES (1, REPEAT('x', 3000000))"
b_wm() { # B's wm: rows 1-50 with other values, and row 1000 that A lacks
  sqlb "CREATE DATABASE IF NOT EXISTS $DBB; USE $DBB; DROP TABLE IF EXISTS $DBB.wm;
    CREATE TABLE $DBB.wm (id INT PRIMARY KEY, name VARCHAR(20), qty INT NOT NULL);
    INSERT INTO $DBB.wm SELECT seq, CONCAT('b', seq), 0 FROM seq_1_to_50; INSERT INTO $DBB.wm VALUES (1000, 'b only', 0)"
}
b_wm
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables wm --mode upsert
check_rc 0 "copy --mode upsert"
check_eq "$(count_b wm)" 101 "upsert: 50 updated, 50 inserted, B's own row kept"
check_eq "$(summary_value "rows updated")" 50 "upsert: the updated rows are counted"
check_eq "$(sqlb "SELECT COUNT(*) FROM $DBB.wm w WHERE w.name = CONCAT('a', w.id) AND w.qty = w.id")" 100 \
  "upsert: every source row is on B as on A"
b_wm
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables wm --mode upsert --update-columns qty
check_rc 0 "copy --mode upsert --update-columns"
check_eq "$(sqlb "SELECT name, qty FROM $DBB.wm WHERE id = 7")" "$(printf 'b7\t7')" "--update-columns qty: name kept, qty updated"
b_wm
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables wm --mode ignore
check_rc 0 "copy --mode ignore"
check_eq "$(summary_value "rows ignored")" 50 "ignore: the skipped rows are counted"
check_eq "$(sqlb "SELECT COUNT(*) FROM $DBB.wm WHERE name LIKE 'b%'")" 51 "ignore: B's rows are kept"
check_eq "$(count_b wm)" 101 "ignore: the new rows are inserted"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables wm --mode swap --if-exists drop
check_rc 2 "--mode swap with --if-exists"
check_contains "$WORK/err" "--mode swap replaces existing tables; drop --if-exists" "swap refuses --if-exists"

# swap: both tables are copied and verified, then renamed into place together
b_wm
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables 'wm,items' --mode swap
check_rc 0 "copy --mode swap"
check_contains "$WORK/err" "PASS $DBB.wm: 100 rows match" "swap: the new table is verified under its own name"
check_contains "$WORK/err" "2 tables swapped into place" "swap: said"
same_on_both wm "swap: CHECKSUM TABLE of wm"
same_on_both items "swap: CHECKSUM TABLE of items"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DBB' AND TABLE_NAME LIKE '%\_\_sluice\_%'")" \
  0 "swap leaves no work tables"
b_wm
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables wm --mode swap --keep-old
check_rc 0 "copy --mode swap --keep-old"
check_eq "$(count_b wm__sluice_old)" 51 "--keep-old keeps B's old table"
# foreign keys follow a table through RENAME TABLE: swap refuses a table with
# one (from the source's definition) or one that another refers to (on B),
# before anything is created
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables child --mode swap
check_rc 2 "swap of a table with a foreign key"
check_contains "$WORK/err" "sluice: error: --mode swap: $DB.child on the source has foreign key 'child_parent'; foreign keys follow a table through RENAME TABLE, so a swap would leave them on the wrong tables (use another --mode, such as truncate)" \
  "swap: the source's foreign key is named"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables parent --mode swap --dry-run
check_rc 2 "swap of a table another refers to (dry run)"
check_contains "$WORK/err" "sluice: error: --mode swap: foreign key 'child_parent' of $DBB.child on the target refers to $DBB.parent; foreign keys follow" \
  "swap: the target's foreign key and its table are named"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DBB' AND TABLE_NAME IN ('child__sluice_new', 'parent__sluice_new')")" \
  0 "a refused swap creates nothing"
check_eq "$(sqlb "SELECT REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '$DBB' AND CONSTRAINT_NAME = 'child_parent'")" \
  parent "B's foreign key still refers to parent"

# one table fails (its row is larger than B's max_allowed_packet): nothing is swapped
b_wm
old_packet=$(sqlb "SELECT @@global.max_allowed_packet")
sqlb "SET GLOBAL max_allowed_packet = 1048576"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables 'wm,big' --mode swap
sqlb "SET GLOBAL max_allowed_packet = $old_packet"
check_rc 1 "swap with a failing table"
check_contains "$WORK/err" "no table was swapped" "a failed swap says so"
check_eq "$(count_b wm)" 51 "a failed swap leaves every table as it was"
check_eq "$(count_b wm__sluice_new)" 100 "the copy stays in the work table"

# ---- failures mid-table: exit 1, the other tables go on ----
sqlb "CREATE TABLE $DBB.narrowed (id INT PRIMARY KEY, name VARCHAR(3))"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables 'narrowed,parent' --if-exists truncate
check_rc 1 "a value the target refuses"
check_contains "$WORK/err" "sluice: $DBB.narrowed: writing $DBB.narrowed, " "the failed table is named"
check_contains "$WORK/err" ", the row with \`id\` = 2: Data too long for column 'name'" "with the row's key and the server's reason"
check_contains "$WORK/err" "PASS $DBB.parent" "the other table is copied"
check_eq "$(grep -c 'FAILED$' "$WORK/err")" 1 "one table FAILED in the summary"
check_eq "$(count_b narrowed)" "$(awk '$1 == "m_b.narrowed" { print $2 }' "$WORK/err")" \
  "the summary counts exactly the rows committed"
check_eq "$(sqlb "SELECT COUNT(*) FROM $DBB.narrowed WHERE id = 2")" 0 "the refused row's transaction is rolled back"

slow_copy() { # starts a copy of `slow` that takes 3 s a row; ID is its reader's
  "$SLUICE_BIN" copy --from-defaults-file "$A_CNF" --to-defaults-file "$B_CNF" \
    --from "$A_URL/$DB" --to "$B_URL/$DBB" --tables slow --if-exists drop \
    --where 'SLEEP(3) = 0' --threads 1 --readers 1 >"$WORK/out" 2>"$WORK/err" &
  PID=$!
  for _ in $(seq 100); do
    ID=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '$DB' AND INFO LIKE 'SELECT /* sluice copy */%slow%'")
    [ -n "$ID" ] && break
    sleep 0.1
  done
}
slow_copy
sql "KILL QUERY $ID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 1 "a killed read"
check_contains "$WORK/err" "sluice: $DBB.slow: reading $DB.slow, the whole table (one range): reading rows failed: Query execution was interrupted" "killed read: named"
slow_copy
kill -TERM "$PID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 4 "SIGTERM"
check_contains "$WORK/err" "sluice: terminated: stopping; open transactions are rolled back" "SIGTERM: said"
finish
