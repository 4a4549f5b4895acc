#!/usr/bin/env bash
# sluice copy from SQLite files into the shared MariaDB server. SQLite keeps
# a type per value, so a column can hold integers, text and blobs at once:
# every value that fits its target column arrives exactly (verified against
# the file range by range), and every one that does not is a reject naming
# its rowid, column and reason, never a silent change. Also: WITHOUT ROWID
# tables, an empty table, the DDL made from declared types, ranges of an
# INTEGER PRIMARY KEY, --verify-only, immutable=1, and the errors before
# any row: a missing file, a file that is not a database, a missing table.
source "$(dirname "$0")/lib.sh"
setup sqlite_copy
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: run scripts/install-deps.sh" >&2; exit 1; }

F="$WORK/app.db"
TO="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
copy() { run_sluice copy --to-defaults-file "$SLUICE_DB_CNF" "$@"; }

sqlite3 "$F" <<'EOF'
CREATE TABLE items (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, price DECIMAL(10,2) DEFAULT 0,
  qty INT, ratio REAL, data BLOB, created DATETIME DEFAULT CURRENT_TIMESTAMP,
  anything, flag BOOLEAN DEFAULT TRUE, code VARCHAR(8), label VARCHAR(20) DEFAULT 'it''s');
CREATE INDEX items_name ON items (name);
CREATE UNIQUE INDEX items_code ON items (code);
CREATE INDEX items_part ON items (qty) WHERE qty > 0;
INSERT INTO items (id, name, price, qty, ratio, data, created, anything, flag, code) VALUES
  (1, 'plain', 1.5, 1, 0.1, x'00ff00', '2024-01-01 10:00:00', 42, 1, 'a'),
  (2, 'text price', '2.25', 2, 0.5, NULL, '2024-01-02', 'text', 0, 'b'),
  (3, 'emoji 😀 𝄞', 3, 3, 1e300, x'', '2024-01-03 00:00:00.123456', 3.25, NULL, 'c'),
  (4, 'nulls', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (5, '', 0, 0, -0.0, x'01', '2024-02-29', '', 1, '');
INSERT INTO items (id, name, qty) VALUES (10, 'bad int', 'seven');
INSERT INTO items (id, name, qty) VALUES (11, 'real in int', 2.5);
INSERT INTO items (id, name, created) VALUES (12, 'int date', 1700000000);
INSERT INTO items (id, name, price) VALUES (13, 'rounding', 0.125);
INSERT INTO items (id, name, anything) VALUES (14, 'blob in text', x'01ff');
INSERT INTO items (id, name, ratio) VALUES (15, 'text in real', 'abc');
INSERT INTO items (id, name) VALUES (16, CAST(x'ff' AS TEXT));
WITH RECURSIVE g(n) AS (SELECT 100 UNION ALL SELECT n + 1 FROM g WHERE n < 3099)
  INSERT INTO items (id, name, price, qty, ratio, code) SELECT n, 'row ' || n, n * 0.5, n, n / 7.0, 'c' || n FROM g;
CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;
INSERT INTO kv VALUES (1, 'one'), (2, 'two'), (3, NULL);
CREATE TABLE tags (t TEXT PRIMARY KEY, n INT) WITHOUT ROWID;
INSERT INTO tags VALUES ('x', 1), ('y', 2);
CREATE TABLE empty_t (a INTEGER, b TEXT);
CREATE TABLE loose (a, b);
INSERT INTO loose VALUES (1, 'x'), (2.5, NULL), ('three', x'');
EOF
rows_in() { sqlite3 "$F" "SELECT COUNT(*) FROM $1"; }

copy --from "sqlite://$F" --to "$TO" --on-error skip --rejects "$WORK/rej" --chunk-rows 500
check_rc 3 "a copy with rejects"
check_eq "$(wc -l <"$WORK/rej.log")" 8 "one reject line each"
check_contains "$WORK/rej.log" "column 'qty': row rowid 10: a text ('seven') cannot go into an integer column" "text in an integer column"
check_contains "$WORK/rej.log" "column 'qty': row rowid 11: a real with a fraction ('2.5') cannot go into an integer column" "real in an integer column"
check_contains "$WORK/rej.log" "column 'created': row rowid 12: an integer ('1700000000') cannot go into a date or time column" "number in a date column"
check_contains "$WORK/rej.log" "column 'price': row rowid 13: 3 digits after the point would be rounded off by DECIMAL(10,2)" "rounding"
check_contains "$WORK/rej.log" "column 'anything': row rowid 14: a blob cannot go into a text column" "blob in a text column"
check_contains "$WORK/rej.log" "column 'ratio': row rowid 15: a text ('abc') cannot go into a DOUBLE column" "text in a real column"
check_contains "$WORK/rej.log" "column 'name': row rowid 16: text that is not valid UTF-8 cannot go into a text column" "bad UTF-8"
check_contains "$WORK/rej.log" "loose: line 3, byte 0, column 'b': row rowid 3: a blob cannot go into a text column" "a table without a declared type"
check_contains "$WORK/rej.csv" "10,bad int,0,seven," "the rejected row as a CSV record"
for t in items kv tags empty_t loose; do
  check_contains "$WORK/err" "PASS $DB.$t:" "$t verified"
done
check_eq "$(sql "SELECT COUNT(*) FROM $DB.items")" "$(($(rows_in items) - 7))" "items on MySQL"
check_eq "$(sql "SELECT COUNT(*) FROM $DB.kv; SELECT COUNT(*) FROM $DB.tags; SELECT COUNT(*) FROM $DB.empty_t; SELECT COUNT(*) FROM $DB.loose" | tr '\n' ' ')" "3 2 0 2 " "the other tables"

v() { sql "SELECT $1 FROM $DB.items WHERE id = $2"; }
check_eq "$(v "name, price, qty, ratio, HEX(data), created, anything, flag, code" 1)" \
  "plain	1.50	1	0.1	00FF00	2024-01-01 10:00:00.000000	42	1	a" "integers, a real, a blob"
check_eq "$(v "price, created, anything, flag" 2)" "2.25	2024-01-02 00:00:00.000000	text	0" "a text price, a date as text"
check_eq "$(v "HEX(name), ratio, HEX(data), created, anything" 3)" \
  "$(sql "SELECT HEX(_utf8mb4 'emoji '), HEX(_utf8mb4 0xF09F988020F09D849E)" | tr -d '\t' | tr -d '\n')	1e300		2024-01-03 00:00:00.123456	3.25" \
  "4-byte UTF-8, a large real, an empty blob, a real in an untyped column"
check_eq "$(v "CONCAT_WS(',', price, qty, ratio, data, created, anything, flag, code)" 4)" "" "NULL stays NULL"
check_eq "$(v "name = '', price, ratio, HEX(data), anything = '', code = ''" 5)" "1	0.00	0	01	1	1" "empty stays empty"
check_eq "$(sql "SELECT COUNT(*), SUM(qty), SUM(price) FROM $DB.items WHERE id >= 100")" \
  "$(sqlite3 -separator $'\t' "$F" "SELECT COUNT(*), SUM(qty), printf('%.2f', SUM(price)) FROM items WHERE id >= 100")" \
  "the generated rows"

sql "SHOW CREATE TABLE $DB.items" | cut -f2- | tr -d '\n' >"$WORK/ddl"
for want in '`id` bigint(20) NOT NULL AUTO_INCREMENT' '`name` varchar(768) NOT NULL' \
  '`price` decimal(10,2) DEFAULT 0.00' '`qty` bigint(20)' '`ratio` double' '`data` longblob' \
  '`created` datetime(6)' '`anything` longtext' '`flag` tinyint(1) DEFAULT 1' \
  '`code` varchar(8)' "\`label\` varchar(20) DEFAULT 'it''s'" 'PRIMARY KEY (`id`)' 'UNIQUE KEY `items_code` (`code`)' \
  'KEY `items_name` (`name`)'; do
  check_contains "$WORK/ddl" "$want" "DDL has $want"
done
check_contains "$WORK/err" "a partial index (WHERE ...) items_part is left out" "partial index named"
check_contains "$WORK/err" "column created: its default CURRENT_TIMESTAMP is an expression and is left out" "function default named"
check_eq "$(sql "SELECT COLUMN_KEY FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'tags' AND COLUMN_NAME = 't'")" "PRI" "a WITHOUT ROWID table's text key"

# ---- --verify-only, a changed row, immutable=1, --where into a named table ----
copy --from "sqlite://$F?table=kv&immutable=1" --to "$TO" --verify-only
check_rc 0 "verify-only of a WITHOUT ROWID table, immutable"
check_contains "$WORK/err" "PASS $DB.kv: 3 rows match kv" "passes"
sql "UPDATE $DB.kv SET v = 'TWO' WHERE k = 2"
copy --from "sqlite://$F?table=kv" --to "$TO" --verify-only
check_rc 1 "verify-only after a change"
check_contains "$WORK/err" "FAIL $DB.kv differs in range the whole table: the source has 3 rows, the target 3, with other values" "names the difference"
copy --from "sqlite://$F?table=items" --to "$TO/some_items" --where "id BETWEEN 100 AND 199" --chunk-rows 20
check_rc 0 "--where into a named table"
check_eq "$(sql "SELECT COUNT(*), MIN(id), MAX(id) FROM $DB.some_items")" "100	100	199" "rows under --where"

# ---- errors before any row moves ----
copy --from "sqlite://$WORK/nope.db" --to "${TO}_err"
check_rc 2 "a missing file"
check_contains "$WORK/err" "cannot read $WORK/nope.db: unable to open database file" "missing file named"
echo "this is not a database, just text that is long enough to fill a header page...." >"$WORK/text.db"
copy --from "sqlite://$WORK/text.db" --to "${TO}_err"
check_rc 2 "a file that is not a database"
check_contains "$WORK/err" "cannot read $WORK/text.db: file is not a database" "not a database"
copy --from "sqlite://$F?table=nosuch" --to "${TO}_err"
check_rc 2 "a missing table"
check_contains "$WORK/err" "table nosuch does not exist in $F" "missing table named"
copy --from "sqlite://$F?tabel=items" --to "${TO}_err"
check_rc 2 "an unknown parameter"
check_contains "$WORK/err" "unknown or empty parameter 'tabel'" "parameter named"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DB}_err'")" 0 "nothing created"
finish
