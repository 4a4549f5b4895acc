#!/usr/bin/env bash
# CSV dialects end to end: multi-byte delimiters, MySQL's TSV escapes, CR
# record ends and terminators of one's own, --header position and
# --header-lines, comments, --ragged pad and --ignore-extra, encodings, a
# second table stacked in one file, and the same dialect from a job file.
# The reader's own corpus is tests/data/dialects (unit.csv_dialects).
source "$(dirname "$0")/lib.sh"
setup dialects
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, name VARCHAR(40) NULL, qty INT NULL DEFAULT 7)"
expect() { printf '%s\n' "$@" >"$WORK/expected"; }
fresh() { sql "TRUNCATE \`$DB\`.t"; }

# a two-byte delimiter, with a quoted field that holds it
printf 'id, name, qty\n1, "Smith, J", 3\n2, O'"'"'Brien, 4\n' >"$WORK/cs.csv"
load "$WORK/cs.csv" --into "$URL/t" --delimiter ', '
check_rc 0 "--delimiter ', '"
expect '["1","Smith, J","3"]' '["2","O'"'"'Brien","4"]'
check_table t "$WORK/expected" id "comma-space delimiter"

# MySQL's TSV: no quotes, backslash escapes, \N for NULL, an escaped newline
fresh
printf 'id\tname\tqty\n1\ttab\\there\t1\n2\t\\N\t\\N\n3\tline\\\nbreak\t3\n4\t"as is"\t4\n' >"$WORK/my.tsv"
load "$WORK/my.tsv" --into "$URL/t" --delimiter tab --quote none --escape '\'
check_rc 0 "MySQL TSV"
expect '["1","tab\there","1"]' '["2",null,null]' '["3","line\nbreak","3"]' '["4","\"as is\"","4"]'
check_table t "$WORK/expected" id "TSV with escapes"

# old Mac line ends (CR only), found by auto and named by CR
fresh
printf 'id;name\r1;"two\rlines"\r2;b\r' >"$WORK/mac.csv"
load "$WORK/mac.csv" --into "$URL/t" --delimiter ';'
check_rc 0 "CR-only records, auto"
expect '["1","two\rlines","7"]' '["2","b","7"]'
check_table t "$WORK/expected" id "CR-only records"
fresh
load "$WORK/mac.csv" --into "$URL/t" --delimiter ';' --line-terminator CR
check_rc 0 "--line-terminator CR"
check_table t "$WORK/expected" id "--line-terminator CR"

# a terminator of one's own; a bare LF inside a record is then data
fresh
printf 'id|name~1|a\nb~2|c~' >"$WORK/tilde.txt"
load "$WORK/tilde.txt" --into "$URL/t" --delimiter '|' --line-terminator '~'
check_rc 0 "--line-terminator '~'"
expect '["1","a\nb","7"]' '["2","c","7"]'
check_table t "$WORK/expected" id "custom terminator"

# a damaged header with --header position: skipped, fields map by position
fresh
printf 'id,"name,qty\n1,a,10\n2,b,20\n' >"$WORK/damaged.csv"
load "$WORK/damaged.csv" --into "$URL/t"
check_rc 2 "a damaged header maps nothing by name"
load "$WORK/damaged.csv" --into "$URL/t" --header position
check_rc 0 "--header position"
expect '["1","a","10"]' '["2","b","20"]'
check_table t "$WORK/expected" id "--header position, table order"
fresh
printf 'junk;header\nx,5\ny,6\n' >"$WORK/pos2.csv"
load "$WORK/pos2.csv" --into "$URL/t" --header position --columns name,id
check_rc 0 "--header position --columns"
expect '["5","x","7"]' '["6","y","7"]'
check_table t "$WORK/expected" id "--header position with --columns"

# a header over two lines: each column's parts joined by a space
sql "CREATE TABLE \`$DB\`.h2 (id INT PRIMARY KEY, \`first name\` VARCHAR(20), \`last name\` VARCHAR(20))"
printf 'id,first,last\n,name,name\n1,Ada,Lovelace\n' >"$WORK/h2.csv"
load "$WORK/h2.csv" --into "$URL/h2" --header-lines 2
check_rc 0 "--header-lines 2"
expect '["1","Ada","Lovelace"]'
check_table h2 "$WORK/expected" id "two-line header"

# comment lines and a preamble
fresh
printf 'Export of t\n\nid,name\n# generated\n1,a\n#2,skipped\n3,#kept\n' >"$WORK/cm.csv"
load "$WORK/cm.csv" --into "$URL/t" --skip-lines 2 --comment '#'
check_rc 0 "--comment with a preamble"
expect '["1","a","7"]' '["3","#kept","7"]'
check_table t "$WORK/expected" id "comments skipped"

# ragged rows: rejected with a hint by default; with --ragged pad a missing
# field takes its column's DEFAULT (qty: 7), else NULL, as LOAD DATA does;
# extra fields rejected unless --ignore-extra
fresh
printf 'id,name,qty\n1,a,1\n2,b\n3\n' >"$WORK/ragged.csv"
load "$WORK/ragged.csv" --into "$URL/t"
check_rc 1 "a short row stops the load"
check_contains "$WORK/err" "$WORK/ragged.csv: line 3: expected 3 fields, found 2 (--ragged pad would fill in the missing ones)" "short row message"
fresh
load "$WORK/ragged.csv" --into "$URL/t" --ragged pad
check_rc 0 "--ragged pad"
expect '["1","a","1"]' '["2","b","7"]' '["3",null,"7"]'
check_table t "$WORK/expected" id "short rows padded with the DEFAULT, else NULL"
fresh
printf 'id,name,qty\n1,a,1,extra\n' >"$WORK/extra.csv"
load "$WORK/extra.csv" --into "$URL/t"
check_rc 1 "an extra field stops the load"
check_contains "$WORK/err" "line 2: expected 3 fields, found 4 (--ignore-extra would drop the rest)" "extra field message"
load "$WORK/extra.csv" --into "$URL/t" --ignore-extra
check_rc 0 "--ignore-extra"
expect '["1","a","1"]'
check_table t "$WORK/expected" id "extra field dropped"

# encodings: MySQL's latin1 (cp1252, its five gaps as C1 controls), UTF-16
# found by its BOM, and a byte sequence the encoding does not allow
fresh
printf 'id,name\n1,caf\xe9 \x80 \x81\n' >"$WORK/latin1.csv"
load "$WORK/latin1.csv" --into "$URL/t" --encoding latin1
check_rc 0 "--encoding latin1"
check_eq "$(sql "SELECT HEX(name) FROM \`$DB\`.t WHERE id = 1")" "636166C3A920E282AC20C281" "latin1 bytes as cp1252"
load "$WORK/latin1.csv" --into "$URL/t" --mode replace
check_rc 1 "latin1 bytes read as UTF-8 are a bad row"
check_contains "$WORK/err" "line 2" "bad UTF-8 names its line"
fresh
python3 -c "import sys; sys.stdout.buffer.write('id,name\n2,été\n'.encode('utf-16'))" >"$WORK/u16.csv"
load "$WORK/u16.csv" --into "$URL/t"
check_rc 0 "UTF-16 with a BOM"
check_eq "$(sql "SELECT HEX(name) FROM \`$DB\`.t WHERE id = 2")" "C3A974C3A9" "UTF-16 text as UTF-8"
printf '\xff\xfei\x00d\x00\n\x00\x00\xd8' >"$WORK/bad16.csv"
load "$WORK/bad16.csv" --into "$URL/t"
check_rc 1 "broken UTF-16"
check_contains "$WORK/err" "sluice: error: $WORK/bad16.csv: byte 8: the input ends inside a utf16 character" "broken UTF-16 names the file and byte"
load "$WORK/latin1.csv" --into "$URL/t" --encoding klingon
check_rc 2 "unknown encoding"
check_contains "$WORK/err" "--encoding: unknown encoding 'klingon'" "unknown encoding message"

# two tables stacked in one file: the repeated header and the rows of the
# other shape are rejects with their lines, never loaded shifted
fresh
printf 'id,name,qty\n1,a,1\n\nid,name,qty\n2,b,2\n\nsku,price\nX1,9.5\n' >"$WORK/stacked.csv"
load "$WORK/stacked.csv" --into "$URL/t" --on-error skip --rejects "$WORK/rej"
check_rc 3 "stacked tables"
check_contains "$WORK/rej.log" "line 4, byte 19: the header line again (is another table stacked in the file?)" "repeated header rejected"
check_contains "$WORK/rej.log" "line 7, byte 38: expected 3 fields, found 2" "other table's header rejected"
check_contains "$WORK/rej.log" "line 8, byte 48: expected 3 fields, found 2" "other table's row rejected"
expect '["1","a","1"]' '["2","b","2"]'
check_table t "$WORK/expected" id "stacked tables: only the rows that fit"

# option checks
load "$WORK/cs.csv" --into "$URL/t" --escape '"'
check_rc 2 "escape equal to quote"
check_contains "$WORK/err" "sluice load: --escape and --quote must differ" "escape/quote clash"
load "$WORK/cs.csv" --into "$URL/t" --header maybe
check_rc 2 "bad --header"

# the same dialect from a job file (a ';' kept, a trailing space through \x20)
fresh
cat >"$WORK/job.ini" <<EOF
[connection db]
url = mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB
defaults-file = $SLUICE_DB_CNF

[step legacy]
action = load
source = $WORK/legacy.txt
into = db/t
delimiter = ;\x20
line-terminator = CR
encoding = latin1
header = position
ragged = pad
EOF
printf 'ID; NAME; QTY\r1; caf\xe9; 2\r2; x\r' >"$WORK/legacy.txt"
run_sluice run "$WORK/job.ini"
check_rc 0 "job with a dialect"
expect '["1","café","2"]' '["2","x","7"]'
check_table t "$WORK/expected" id "job file dialect"

finish
