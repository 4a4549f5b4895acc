#!/usr/bin/env bash
# A load's deferred secondary indexes: taken off an empty table and built
# after the rows, with the same table definition and rows as without; left
# off and recorded when the load stops early, and built by the next load
# (--resume); unique keys and tables with foreign keys, or that are not
# empty, or whose account lacks ALTER keep their indexes.
source "$(dirname "$0")/lib.sh"
setup load_indexes

make_table() { # NAME
  sql "DROP TABLE IF EXISTS \`$DB\`.\`$1\`; CREATE TABLE \`$DB\`.\`$1\` (
    id INT PRIMARY KEY, code VARCHAR(12) NOT NULL, grp INT NOT NULL, note VARCHAR(40),
    UNIQUE KEY uq_code (code), KEY k_grp (grp), KEY \`k odd\`\`name\` (note, grp), FULLTEXT KEY ft (note))"
}
show() { sql "SHOW CREATE TABLE \`$DB\`.\`$1\`" | cut -f2- | sed "s/\`$1\`/\`T\`/"; }
deferred_rows() { sql "SELECT COUNT(*) FROM \`$DB\`.sluice_deferred" 2>/dev/null || echo 0; }

python3 - "$WORK/rows.csv" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('id,code,grp,note\n')
    for i in range(1, 60001):
        f.write(f'{i},c{i},{i % 101},note {i % 977}\n')
PY

make_table plain
load "$WORK/rows.csv" --into "$URL/plain" --no-defer-indexes
check_rc 0 "a load that keeps its indexes"
check_not_contains "$WORK/err" "secondary indexes" "nothing is said of indexes"

make_table d1
load "$WORK/rows.csv" --into "$URL/d1" --defer-indexes --report "$WORK/d1.json"
check_rc 0 "--defer-indexes"
check_contains "$WORK/err" "sluice: took the secondary indexes off $DB.d1; they are built once the rows are in" "taking them off is told"
check_matches "$WORK/err" "^sluice: built the deferred indexes of $DB.d1 in [0-9.]+ s$" "building them is told"
check_eq "$(show d1)" "$(show plain)" "the same table definition afterwards"
check_eq "$(checksum "$DB" d1)" "$(checksum "$DB" plain)" "the same rows"
check_eq "$(deferred_rows)" 0 "no record is left"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("finish_sql" in r, r["method"])' "$WORK/d1.json")" "False load-data" "nothing left to finish in the report, and the method named (auto: load-data)"

# -q: the same, quietly
make_table q1
load "$WORK/rows.csv" --into "$URL/q1" --defer-indexes -q
check_rc 0 "--defer-indexes -q"
check_eq "$(wc -c <"$WORK/err")" 0 "nothing is printed with -q"
check_eq "$(show q1)" "$(show plain)" "the indexes are back (-q)"

# a unique key stays: --mode ignore skips the same rows either way
printf 'id,code,grp,note\n90001,c1,1,dup code\n90002,zz,2,new\n' >"$WORK/dup.csv"
make_table u1
load "$WORK/dup.csv" --into "$URL/u1" --defer-indexes --mode ignore
check_rc 0 "--defer-indexes --mode ignore"
make_table u2
load "$WORK/rows.csv" --into "$URL/u2" --no-defer-indexes
load "$WORK/dup.csv" --into "$URL/u2" --defer-indexes --mode ignore
check_contains "$WORK/err" "sluice: --defer-indexes: the indexes of $DB.u2 stay, since it is not empty" "a table with rows keeps its indexes"
check_eq "$(summary_value 'rows ignored')" 1 "the unique key still refuses the duplicate"

# a table with a foreign key keeps its indexes
sql "CREATE TABLE \`$DB\`.parent (id INT PRIMARY KEY);
  CREATE TABLE \`$DB\`.child (id INT PRIMARY KEY, p INT, KEY kp (p), CONSTRAINT fk FOREIGN KEY (p) REFERENCES parent (id))"
printf 'id,p\n1,\\N\n' >"$WORK/child.csv"
load "$WORK/child.csv" --into "$URL/child" --defer-indexes
check_rc 0 "--defer-indexes on a table with a foreign key"
check_contains "$WORK/err" "the indexes of $DB.child stay, since it has foreign keys" "foreign keys keep the indexes"

# an account without ALTER keeps them
sql "CREATE USER IF NOT EXISTS 'noalter'@'%' IDENTIFIED BY 'pw';
  GRANT SELECT, INSERT, CREATE, DELETE ON \`$DB\`.* TO 'noalter'@'%'"
make_table na
set +e
MYSQL_PWD=pw "$SLUICE_BIN" load "$WORK/rows.csv" --into "mysql://noalter@127.0.0.1:$SLUICE_DB_PORT/$DB/na" --defer-indexes >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "--defer-indexes without ALTER"
check_contains "$WORK/err" "the indexes of $DB.na stay, since the account lacks ALTER on it" "a missing ALTER keeps the indexes"
check_eq "$(show na)" "$(show plain)" "the indexes are all there"

# a load that stops early leaves them off, recorded and said; --resume
# builds them after its rows
make_table s1
start_load "$WORK/rows.csv" --into "$URL/s1" --defer-indexes --threads 2 --batch-rows 20 --txn-rows 200 --report "$WORK/s1.json"
wait_rows s1 2000
kill -TERM "$LOAD_PID"
wait_load
check_rc 4 "SIGTERM with the indexes off"
check_contains "$WORK/err" "sluice: $DB.s1 is left without its secondary indexes; the next load into it (--resume too) builds them after its rows, or add them with:" "the state is told"
check_contains "$WORK/err" "  ALTER TABLE \`$DB\`.\`s1\` ADD KEY \`k_grp\` (\`grp\`), ADD KEY \`k odd\`\`name\` (\`note\`,\`grp\`), ADD FULLTEXT KEY \`ft\` (\`note\`);" "the statement is printed"
check_eq "$(deferred_rows)" 1 "the record stays"
check_contains "$WORK/s1.json" "ALTER TABLE" "the report's finish_sql holds it"
load "$WORK/rows.csv" --into "$URL/s1" --defer-indexes --resume
check_rc 0 "--resume"
check_contains "$WORK/err" "sluice: $DB.s1 is without its secondary indexes since an earlier load; they are built once this load's rows are in" "the earlier state is found"
check_eq "$(show s1)" "$(show plain)" "the indexes are back after --resume"
check_eq "$(checksum "$DB" s1)" "$(checksum "$DB" plain)" "the rows after --resume"
check_eq "$(deferred_rows)" 0 "the record is gone"

# a record whose drop never happened (a crash in between): building them
# finds them there, and that counts as done
make_table r1
sql "INSERT INTO \`$DB\`.sluice_deferred (target, add_sql) VALUES ('$DB.r1', 'ALTER TABLE \`$DB\`.\`r1\` ADD KEY \`k_grp\` (\`grp\`)')"
load "$WORK/rows.csv" --into "$URL/r1"
check_rc 0 "a record without a drop"
check_eq "$(show r1)" "$(show plain)" "the indexes are as they were"
check_eq "$(deferred_rows)" 0 "the record is gone"

load "$WORK/rows.csv" --into "$URL/r1" --defer-indexes --no-defer-indexes
check_rc 2 "both options"
check_contains "$WORK/err" "sluice load: give --defer-indexes or --no-defer-indexes, not both" "both options refused"
finish
