#!/usr/bin/env bash
# CSV dialect and mapping options: --no-header, --columns, --skip-lines,
# --delimiter, --quote, files whose columns come in different orders.
source "$(dirname "$0")/lib.sh"
setup options
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, name VARCHAR(20) NULL, qty INT NULL DEFAULT 7)"
expect() { printf '%s\n' "$@" >"$WORK/expected"; }

# --no-header maps fields onto the table's columns in order
printf '1,a,10\n2,b,20\n' >"$WORK/nohdr.csv"
load "$WORK/nohdr.csv" --into "$URL/t" --no-header
check_rc 0 "--no-header"
expect '["1","a","10"]' '["2","b","20"]'
check_table t "$WORK/expected" id "--no-header positional"

# --columns names (and reorders) the fields; the missing column's default applies
sql "TRUNCATE \`$DB\`.t"
printf 'a,1\nb,2\n' >"$WORK/cols.csv"
load "$WORK/cols.csv" --into "$URL/t" --no-header --columns name,id
check_rc 0 "--columns"
expect '["1","a","7"]' '["2","b","7"]'
check_table t "$WORK/expected" id "--columns reorder and default"

# --columns replaces a header
sql "TRUNCATE \`$DB\`.t"
printf 'x,y\n5,e\n' >"$WORK/rename.csv"
load "$WORK/rename.csv" --into "$URL/t" --columns id,name
check_rc 0 "--columns with a header"
expect '["5","e","7"]'
check_table t "$WORK/expected" id "--columns over a header"

# --skip-lines, tab delimiter, single-quote quoting
sql "TRUNCATE \`$DB\`.t"
printf '# export of t\n# 2026-11-20\nid\tname\tqty\n1\t'"'"'tab\there'"'"'\t3\n2\t'"'"'it'"''"'s'"'"'\t4\n' >"$WORK/tsv.txt"
load "$WORK/tsv.txt" --into "$URL/t" --skip-lines 2 --delimiter tab --quote "'"
check_rc 0 "--skip-lines --delimiter tab --quote"
expect '["1","tab\there","3"]' '["2","it'"'"'s","4"]'
check_table t "$WORK/expected" id "tab-separated with single quotes"

# several files, columns in different orders, one CRLF
sql "TRUNCATE \`$DB\`.t"
printf 'id,name,qty\n1,a,1\n' >"$WORK/m1.csv"
printf 'qty,id,name\r\n2,2,b\r\n' >"$WORK/m2.csv"
printf 'name,qty,id\n"c,c",3,3\n' >"$WORK/m3.csv"
load "$WORK/m1.csv" "$WORK/m2.csv" "$WORK/m3.csv" --into "$URL/t" --threads 2
check_rc 0 "files with columns in different orders"
expect '["1","a","1"]' '["2","b","2"]' '["3","c,c","3"]'
check_table t "$WORK/expected" id "three files, three column orders"

# files with different column sets are refused before anything is written
sql "TRUNCATE \`$DB\`.t"
printf 'id,name\n9,z\n' >"$WORK/m4.csv"
load "$WORK/m1.csv" "$WORK/m4.csv" --into "$URL/t"
check_rc 2 "files with different column sets"
check_contains "$WORK/err" "sluice: error: $WORK/m4.csv: has 2 columns but $WORK/m1.csv has 3; all files of one load must have the same columns" "column set message"
check_eq "$(count t)" 0 "nothing written"

# --resume with nothing recorded loads everything, and says so
sql "TRUNCATE \`$DB\`.t"
load "$WORK/m1.csv" --into "$URL/t" --resume
check_rc 0 "--resume with nothing to resume"
check_contains "$WORK/err" "sluice: --resume: no committed chunks are recorded for these files; loading them whole" "nothing-to-resume notice"
check_eq "$(count t)" 1 "rows of a --resume with nothing recorded"

# --session-sql runs on every connection
sql "TRUNCATE \`$DB\`.t"
load "$WORK/m1.csv" --into "$URL/t" --session-sql "SET @@session.foreign_key_checks=0"
check_rc 0 "--session-sql"
load "$WORK/m2.csv" --into "$URL/t" --session-sql "SELEC nonsense"
check_rc 2 "bad --session-sql"
check_contains "$WORK/err" "--session-sql: query failed: You have an error in your SQL syntax" "bad --session-sql message"
finish
