#!/usr/bin/env bash
# sluice sniff: its four forms, the round trip of --format job through
# sluice run against a load with the dialect given by hand, load --sniff and
# --create-table, and the files it must refuse (binary, undecidable).
# Dialect accuracy on corpora is unit.sniff_own and unit.sniff_w3c.
source "$(dirname "$0")/lib.sh"
setup sniff

# a messy drop: a preamble, ';' between fields, CRLF, cp1252 text, dates as
# d/m/Y, N/A for no value
python3 - "$WORK/messy.csv" <<'EOF'
import sys
rows = ["Export of members", "generated 03/12/2026", "id;name;born;score;active"]
for i in range(1, 401):
    rows.append("%d;Jos\xe9 %d;%02d/%02d/19%02d;%s;%s" % (
        i, i, 1 + i % 28, 1 + i % 12, 40 + i % 60, "N/A" if i % 7 == 0 else str(i % 90), "yes" if i % 2 else "no"))
open(sys.argv[1], "wb").write(("\r\n".join(rows) + "\r\n").encode("cp1252"))
EOF

run_sluice sniff "$WORK/messy.csv"
check_rc 0 "sniff text"
check_contains "$WORK/out" "401 of 401 sampled records have 5 fields" "sniff counts the records"
check_matches "$WORK/out" "delimiter +;$" "sniff finds ';'"
check_matches "$WORK/out" "encoding +latin1$" "sniff finds cp1252"
check_matches "$WORK/out" "line terminator +CRLF$" "sniff finds CRLF"
check_matches "$WORK/out" "preamble lines +2$" "sniff finds the preamble"
check_matches "$WORK/out" "header +yes, 1 line$" "sniff finds the header"
check_matches "$WORK/out" "3 +born +DATE +high +0 +format %d/%m/%Y$" "born is a d/m/Y date"
check_matches "$WORK/out" "4 +score +SMALLINT UNSIGNED +high +57 +NULL written as N/A$" "score is a number with N/A (room for ten times 89)"
check_matches "$WORK/out" "5 +active +BOOLEAN" "active is a boolean"

run_sluice sniff "$WORK/messy.csv" --format json
check_rc 0 "sniff json"
check_eq "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["dialect"]["delimiter"], d["dialect"]["preamble_lines"], d["columns"][3]["null_tokens"], d["columns"][2]["format"])' "$WORK/out")" \
  "; 2 ['N/A'] %d/%m/%Y" "sniff json holds the dialect and the columns"

# --format create makes a table the server takes
run_sluice sniff "$WORK/messy.csv" --format create --table hand
check_rc 0 "sniff create"
sql "USE \`$DB\`; $(cat "$WORK/out")"
check_eq "$(sql "SELECT GROUP_CONCAT(COLUMN_TYPE ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='hand'")" \
  "smallint(5) unsigned,varchar(16),date,smallint(5) unsigned,tinyint(1)" "created column types"

# by hand: the dialect and the transforms given as options
load "$WORK/messy.csv" --into "$URL/hand" --delimiter ';' --skip-lines 2 --encoding latin1 \
  --transform "born: date '%d/%m/%Y' ; score: null-if 'N/A' ; active: bool"
check_rc 0 "load by hand"
check_eq "$(count hand)" 400 "rows loaded by hand"

# the round trip: sniff --format job, then run it; the same table comes out
run_sluice sniff "$WORK/messy.csv" --format job --table sniffed
check_rc 0 "sniff job"
{
  printf '[connection db]\nurl = %s\ndefaults-file = %s\n\n' "$URL" "$SLUICE_DB_CNF"
  cat "$WORK/out"
} >"$WORK/job.ini"
run_sluice run "$WORK/job.ini"
check_rc 0 "run of the sniffed job"
check_contains "$WORK/err" "creating $DB.sniffed from the sniffed columns" "the job created its table"
check_eq "$(count sniffed)" 400 "rows loaded by the sniffed job"
check_eq "$(checksum "$DB" sniffed)" "$(checksum "$DB" hand)" "sniffed job and hand load give the same table"

# load --sniff: the dialect of a file whose options are not given
printf 'Report\r\n\r\nid;name;born;score;active\r\n1;Ann;1990-01-02;5;1\r\n2;Bob;1991-02-03;6;0\r\n' >"$WORK/plain.csv"
sql "CREATE TABLE \`$DB\`.s LIKE \`$DB\`.hand"
load "$WORK/plain.csv" --into "$URL/s" --sniff
check_rc 0 "load --sniff"
check_contains "$WORK/err" "sluice: sniffed $WORK/plain.csv: delimiter ';', quote '\"', escape none, encoding utf8, 2 preamble lines, a header" "load --sniff says what it chose"
printf '%s\n' '["1","Ann","1990-01-02","5","1"]' '["2","Bob","1991-02-03","6","0"]' >"$WORK/expected"
check_table s "$WORK/expected" id "load --sniff rows"
# an option given wins over the sniffed one
load "$WORK/plain.csv" --into "$URL/s" --sniff --delimiter , --mode replace
check_rc 2 "an explicit --delimiter is kept"

# load --create-table: a missing table is made from the sniffed types
load "$WORK/plain.csv" --into "$URL/made" --sniff --create-table
check_rc 0 "load --create-table"
check_eq "$(count made)" 2 "rows in the created table"
check_eq "$(sql "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$DB' AND TABLE_NAME='made' AND COLUMN_NAME='born'")" "date" "created born column"
# an existing table is left as it is
load "$WORK/plain.csv" --into "$URL/made" --sniff --create-table --mode replace
check_rc 0 "load --create-table over an existing table"
check_not_contains "$WORK/err" "creating" "no second CREATE"

# files sniff must refuse, with exit 2
head -c 4000 "$SLUICE_BIN" >"$WORK/binary.csv"
run_sluice sniff "$WORK/binary.csv"
check_rc 2 "binary file"
check_contains "$WORK/err" "sluice sniff: $WORK/binary.csv: not text" "binary file message"
printf 'a;b,c\nd;e,f\n' >"$WORK/undecided.csv"
run_sluice sniff "$WORK/undecided.csv"
check_rc 2 "undecidable dialect"
check_contains "$WORK/err" "cannot decide the dialect: delimiter ',', quote \" and delimiter ';', quote \" both give 2 of 2 records with 2 fields" "undecidable message"
run_sluice sniff "$WORK/nope.csv"
check_rc 2 "missing file"
: >"$WORK/empty.csv"
run_sluice sniff "$WORK/empty.csv"
check_rc 2 "empty file"
check_contains "$WORK/err" "the file is empty" "empty file message"

# zstd input and a UTF-16 file with a BOM
zstd -q "$WORK/messy.csv" -o "$WORK/messy.csv.zst"
run_sluice sniff "$WORK/messy.csv.zst"
check_rc 0 "sniff of zstd"
check_matches "$WORK/out" "delimiter +;$" "zstd: delimiter"
python3 -c "import sys; open(sys.argv[1],'wb').write('id,name\n1,été\n2,x\n'.encode('utf-16'))" "$WORK/u16.csv"
run_sluice sniff "$WORK/u16.csv"
check_rc 0 "sniff of UTF-16"
check_matches "$WORK/out" "encoding +utf16 \(byte order mark\)$" "UTF-16 by its BOM"

# sluice's own output (RFC 4180, \N for NULL) is not taken for an escaping
# dialect: a backslash in its values must stay a backslash
"$SLUICE_BIN" gen --schema orders --rows 3000 --out "$WORK/gen.csv"
run_sluice sniff "$WORK/gen.csv"
check_rc 0 "sniff of gen output"
check_matches "$WORK/out" "escape +none$" "gen output: no escape"
check_matches "$WORK/out" "delimiter +,$" "gen output: comma"

# a large plain file is sampled at its start, middle and end: the end's
# wider values widen the type, and memory stays bounded
python3 - "$WORK/big.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("id,v\n")
    for i in range(1, 400001):
        f.write("%d,%d\n" % (i, 5 if i < 390000 else 5000000))
EOF
run_sluice sniff "$WORK/big.csv"
check_rc 0 "sniff of a large file"
check_contains "$WORK/out" "sampled" "large file is sampled"
check_matches "$WORK/out" "2 +v +INT UNSIGNED" "the end sample widens the type"

finish
