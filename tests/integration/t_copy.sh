#!/usr/bin/env bash
# sluice copy between two private servers: the shared test server (A) and one
# this test starts (B). A schema with every type, a composite key, no key, an
# empty table, names that need quoting and 300,000 rows goes A -> B and back
# B -> A; CHECKSUM TABLE, COUNT(*) and SHOW CREATE TABLE agree on both sides;
# --verify-only passes, and after a target row is changed it fails and names
# the key range holding that row. Tables whose two sides define the same
# columns are compared whole (COUNT(*) and CHECKSUM TABLE); a --where copy, or
# a target with other column definitions, range by range; and a whole-table
# difference that the ranges do not confirm passes, saying so.
source "$(dirname "$0")/lib.sh"
setup copy
second_server
DBB="t_copy_b"   # the copy on B
BACK="t_copy_back" # the copy of the copy, on A
sql "DROP DATABASE IF EXISTS $BACK"

# copy ARGS...: A -> B with each side's option file
copy() { run_sluice copy --from-defaults-file "$A_CNF" --to-defaults-file "$B_CNF" "$@"; }
copy_back() { run_sluice copy --from-defaults-file "$B_CNF" --to-defaults-file "$A_CNF" "$@"; }
checksum() { # SIDE DB TABLE
  local q="CHECKSUM TABLE \`$2\`.\`${3//\`/\`\`}\`"
  if [ "$1" = a ]; then sql "$q"; else sqlb "$q"; fi | cut -f2
}
show_create() { # SIDE DB TABLE
  local q="SHOW CREATE TABLE \`$2\`.\`${3//\`/\`\`}\`"
  if [ "$1" = a ]; then sql "$q"; else sqlb "$q"; fi | cut -f2-
}

# ---- the source schema ----
mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot --default-character-set=utf8mb4 "$DB" \
  <"$SLUICE_SRC/tests/integration/data/types.sql"
sql "USE $DB;
CREATE TABLE comp (region INT, code VARCHAR(12), qty INT, note TEXT,
  PRIMARY KEY (region, code), KEY qty (qty)) DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
INSERT INTO comp SELECT seq % 50, CONCAT('c', seq), seq * 3, IF(seq % 7 = 0, NULL, REPEAT('n', seq % 9))
  FROM seq_1_to_4000;
CREATE TABLE nokey (x INT, y VARCHAR(20));
INSERT INTO nokey VALUES (1, 'same'), (1, 'same'), (2, NULL), (3, '');
CREATE TABLE empty_t (id BIGINT UNSIGNED PRIMARY KEY, v VARCHAR(5));
CREATE TABLE \`odd\`\`name t\` (\`key\`\`col\` INT PRIMARY KEY, \`sel ect\` VARCHAR(10)) ;
INSERT INTO \`odd\`\`name t\` VALUES (1, 'a'), (2, 'b\`c');
CREATE TABLE big (id INT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL, pad CHAR(40), amount DECIMAL(12,2),
  created DATETIME, KEY k (k)) AUTO_INCREMENT=300123;
INSERT INTO big SELECT seq, seq % 1000, MD5(seq), seq / 100, '2026-01-01' + INTERVAL seq MINUTE
  FROM seq_1_to_300000;
ANALYZE TABLE big;
CREATE VIEW big_view AS SELECT id FROM big;
CREATE TRIGGER big_trg BEFORE INSERT ON nokey FOR EACH ROW SET NEW.y = NEW.y;" >/dev/null

# ---- A -> B, the whole schema ----
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --threads 2 --chunk-rows 20000
check_rc 0 "schema copy A -> B"
check_contains "$WORK/err" "views, triggers, routines and events are not copied; in $DB: big_view (view), 1 trigger. Copying the tables." "out-of-scope objects named"
check_contains "$WORK/err" "created database $DBB" "target database created"
for t in big comp empty_t nokey types; do
  check_contains "$WORK/err" "PASS $DBB.$t: " "PASS line for $t"
done
check_contains "$WORK/err" "PASS $DBB.odd\`name t: 2 rows match (COUNT(*) and CHECKSUM TABLE)" "PASS line for the quoted table"
check_contains "$WORK/err" "PASS $DBB.big: 300,000 rows match (COUNT(*) and CHECKSUM TABLE)" "big table compared whole"
check_eq "$(grep -c '  yes$' "$WORK/err")" 6 "six tables verified in the summary"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '$DBB'")" 0 "view not copied"
for t in big comp empty_t nokey 'odd`name t' types; do
  check_eq "$(checksum b "$DBB" "$t")" "$(checksum a "$DB" "$t")" "CHECKSUM TABLE of $t on B"
  check_eq "$(show_create b "$DBB" "$t")" "$(show_create a "$DB" "$t")" "SHOW CREATE TABLE of $t on B"
done
check_eq "$(sqlb "SELECT COUNT(*), SUM(amount) FROM $DBB.big")" "$(sql "SELECT COUNT(*), SUM(amount) FROM $DB.big")" "big: count and sum"
check_eq "$(sqlb "SELECT HEX(bl), HEX(vb), HEX(bt), fl FROM $DBB.types WHERE id = 1")" \
  "$(sql "SELECT HEX(bl), HEX(vb), HEX(bt), fl FROM $DB.types WHERE id = 1")" "binary and FLOAT values byte-exact"

# ---- --verify-only on the copy ----
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --verify-only --chunk-rows 20000
check_rc 0 "--verify-only of an exact copy"
check_eq "$(grep -c '^PASS ' "$WORK/err")" 6 "six PASS lines"
check_not_contains "$WORK/err" "created database" "--verify-only creates nothing"

# ---- B -> A, the other direction ----
copy_back --from "$B_URL/$DBB" --to "$A_URL/$BACK" --threads 3 --readers 2
check_rc 0 "schema copy B -> A"
for t in big comp empty_t nokey 'odd`name t' types; do
  check_eq "$(checksum a "$BACK" "$t")" "$(checksum a "$DB" "$t")" "CHECKSUM TABLE of $t after the round trip"
done

# ---- a changed target row: FAIL names its range ----
sqlb "UPDATE $DBB.big SET pad = 'x' WHERE id = 123456"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --verify-only --chunk-rows 20000 --tables big,types
check_rc 1 "--verify-only after a target row changed"
check_contains "$WORK/err" "PASS $DBB.types" "the other table passes"
line=$(grep "^FAIL $DBB.big: " "$WORK/err" || true)
check_eq "$(python3 - "$line" <<'PY'
import re, sys
m = re.search(r"range (\d+) of 15 \(`id` (\d+)\.\.(\d+)\) differs: source (\d+) rows, checksum \d+; target (\d+) rows", sys.argv[1])
print("ok" if m and int(m[2]) <= 123456 <= int(m[3]) and m[4] == m[5] else "bad: " + sys.argv[1])
PY
)" ok "FAIL names the range holding id 123456"
check_contains "$WORK/err" "  FAIL" "summary marks the table FAIL"
sqlb "DELETE FROM $DBB.comp WHERE region = 49 LIMIT 1"
copy --from "$A_URL/$DB" --to "$B_URL/$DBB" --verify-only --tables comp
check_rc 1 "--verify-only after a target row was deleted"
check_contains "$WORK/err" "FAIL $DBB.comp: range 2 of 2 (\`region\` >= " "a deleted row: range on the key's first column"
check_contains "$WORK/err" "differs: source 2000 rows" "source rows of the range"
check_contains "$WORK/err" "target 1999 rows" "target rows of the range"

# ---- range by range: under --where, and for other column definitions ----
com_checksum() { sqlb "SHOW GLOBAL STATUS LIKE 'Com_checksum'" | cut -f2; }
n0=$(com_checksum)
copy --from "$A_URL/$DB/big" --to "$B_URL/$DBB/big_half" --where 'id <= 150000' --chunk-rows 20000
check_rc 0 "a --where copy"
check_contains "$WORK/err" "PASS $DBB.big_half: 150,000 rows match in 15 key ranges" "--where: compared range by range"
check_eq "$(com_checksum)" "$n0" "--where: no CHECKSUM TABLE on the target"
check_eq "$(sqlb "SELECT COUNT(*), MAX(id) FROM $DBB.big_half")" "150000	150000" "--where: the rows copied"

GEN=t_copy_gen
sql "DROP DATABASE IF EXISTS $GEN; CREATE DATABASE $GEN; USE $GEN;
CREATE TABLE txt (id INT PRIMARY KEY, x INT, t TEXT);
INSERT INTO txt SELECT seq, IF(seq % 4 = 0, NULL, seq * 2), IF(seq % 3 = 0, NULL, REPEAT('t', seq % 20))
  FROM seq_1_to_5000;
CREATE TABLE cs (id INT PRIMARY KEY, v VARCHAR(10)) DEFAULT CHARSET=utf8mb4;
INSERT INTO cs SELECT seq, CONCAT('v', seq) FROM seq_1_to_3000;"
# on B, cs exists with another charset
sqlb "DROP DATABASE IF EXISTS $GEN; CREATE DATABASE $GEN; USE $GEN;
CREATE TABLE cs (id INT PRIMARY KEY, v VARCHAR(10)) DEFAULT CHARSET=latin1;"
n0=$(com_checksum)
copy --from "$A_URL/$GEN/cs" --to "$B_URL/$GEN/cs" --if-exists truncate --chunk-rows 1000
check_rc 0 "copy into a latin1 table"
check_contains "$WORK/err" "PASS $GEN.cs: 3,000 rows match in 3 key ranges" "other definitions: compared range by range"
check_eq "$(com_checksum)" "$n0" "other definitions: no CHECKSUM TABLE on the target"
# B computes CHECKSUM TABLE the MariaDB 5.1 way, as another server version
# may: the sums of a table with NULLs differ, and the ranges decide
sqlb "SET GLOBAL old_mode = 'COMPAT_5_1_CHECKSUM'"
copy --from "$A_URL/$GEN/txt" --to "$B_URL/$GEN/txt" --chunk-rows 1000
check_rc 0 "copy to a server that checksums otherwise"
check_eq "$(com_checksum)" "$((n0 + 1))" "same definitions: one CHECKSUM TABLE on the target"
want_a=$(sql "CHECKSUM TABLE $GEN.txt" | cut -f2)
want_b=$(mariadb --no-defaults -S "$B_SOCK" -uroot -N -e "CHECKSUM TABLE $GEN.txt" | cut -f2)
check_ne "$want_a" "$want_b" "the two servers' CHECKSUM TABLE differ"
# how many ranges follows the server's row estimate (5 or 6 for 5,000 rows
# at 1,000 a chunk), so only the pattern is fixed
check_matches "$WORK/err" "^PASS $GEN\.txt: 5,000 rows match in [56] key ranges \(CHECKSUM TABLE differs: $want_a on the source, $want_b on the target" \
  "a whole-table difference the ranges do not confirm"
sqlb "UPDATE $GEN.txt SET t = 'changed' WHERE id = 4321"
copy --from "$A_URL/$GEN/txt" --to "$B_URL/$GEN/txt" --verify-only --chunk-rows 1000
check_rc 1 "--verify-only after a row changed"
# id 4321 is in the last range: 4001 and up of 5, or 4167 and up of 6
check_matches "$WORK/err" "^FAIL $GEN\.txt: range (5 of 5 \(.id. >= 4001\) differs: source 1000 rows|6 of 6 \(.id. >= 4167\) differs: source 834 rows)" "the range of the changed row"
sqlb "SET GLOBAL old_mode = DEFAULT"

sql "DROP DATABASE $BACK; DROP DATABASE $GEN"
sqlb "DROP DATABASE $GEN"

# sluice's own tables (left by a copy or load into a database) are not user
# data: a schema copy of that database leaves them out
OWN=t_copy_own
sql "DROP DATABASE IF EXISTS $OWN; CREATE DATABASE $OWN;
  CREATE TABLE $OWN.data (id INT PRIMARY KEY); INSERT INTO $OWN.data VALUES (1), (2);
  CREATE TABLE $OWN.sluice_checkpoints (x INT); CREATE TABLE $OWN.sluice_deferred (x INT)"
sqlb "DROP DATABASE IF EXISTS $OWN"
copy --from "$A_URL/$OWN" --to "$B_URL/$OWN"
check_rc 0 "a schema copy of a database with sluice's own tables"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$OWN' AND TABLE_NAME = 'sluice_deferred'")" 0 "the source's sluice_deferred is not copied"
check_eq "$(sqlb "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '$OWN' AND COLUMN_NAME = 'x'")" 0 "nor its sluice_checkpoints (the target's own is the copy's)"
check_eq "$(sqlb "SELECT COUNT(*) FROM $OWN.data")" 2 "the user's table is"
sql "DROP DATABASE $OWN"
sqlb "DROP DATABASE $OWN"
finish
