#!/usr/bin/env bash
# --transform on load: every step on good values into a real table, bad
# values rejected with the step's reason (file, line, column), renamed and
# added columns, decoded binary, and transforms in a job file.
source "$(dirname "$0")/lib.sh"
setup transforms
expect() { printf '%s\n' "$@" >"$WORK/expected"; }
sql "CREATE TABLE \`$DB\`.t (
  id INT PRIMARY KEY, price DECIMAL(8,2) NOT NULL, created_at DATETIME NOT NULL, day DATE NULL,
  note VARCHAR(20) NULL, code VARCHAR(10) NULL, active TINYINT NOT NULL, blob_hex VARBINARY(8) NULL,
  blob_b64 VARBINARY(8) NULL, source VARCHAR(10) NOT NULL, country CHAR(2) NOT NULL DEFAULT 'xx')"
TF="price: strip '\$,' | decimal ; created_at: date '%d/%m/%Y %H:%M' ; day: date '%Y%m%d' ;
note: trim | null-if '' ; code: trim | upper ; active: bool ; blob_hex: hex ; blob_b64: base64 ;
source: const 'nightly' ; cntry: rename country | default 'zz' | lower"
cat >"$WORK/good.csv" <<'EOF'
id,price,created_at,day,note,code,active,blob_hex,blob_b64,cntry
1,"$1,234.50",07/03/2026 14:05,20260307,  hello  ,  ab-é ,yes,00ff41,aGk=,DE
2,0.5,31/12/2025 23:59,\N,   ,x,No,,,
3,-12,01/01/2026 00:00,20240229,\N,\N,TRUE,\N,\N,Fr
EOF
load "$WORK/good.csv" --into "$URL/t" --transform "$TF"
check_rc 0 "load with transforms"
expect '["1","1234.50","2026-03-07 14:05:00","2026-03-07","hello","AB-É","1","00ff41","6869","nightly","de"]' \
  '["2","0.50","2025-12-31 23:59:00",null,null,"X","0","","","nightly","zz"]' \
  '["3","-12.00","2026-01-01 00:00:00","2024-02-29",null,null,"1",null,null,"nightly","fr"]'
sql "SELECT id, price, created_at, day, note, code, active, HEX(blob_hex), HEX(blob_b64), source, country
     FROM \`$DB\`.t ORDER BY id" >"$WORK/got.tsv"
python3 - "$WORK/got.tsv" "$WORK/expected" <<'PY' && pass || fail "transformed rows differ"
import json, sys
got = [[None if v == "NULL" else v for v in line.rstrip("\n").split("\t")] for line in open(sys.argv[1])]
want = [json.loads(l) for l in open(sys.argv[2])]
for row in want:  # HEX() prints upper case
    row[7] = row[7].upper() if row[7] is not None else None
    row[8] = row[8].upper() if row[8] is not None else None
if got != want:
    print("got ", got, "\nwant", want, file=sys.stderr)
    sys.exit(1)
PY

# bad values: each rejected with its step's reason, the good row loaded
sql "TRUNCATE \`$DB\`.t"
cat >"$WORK/bad.csv" <<'EOF'
id,price,created_at,day,note,code,active,blob_hex,blob_b64,cntry
10,"$1,234,567.00",07/03/2026 14:05,20260307,a,b,yes,00,aGk=,de
11,1.005,07/03/2026 14:05,20260307,a,b,yes,00,aGk=,de
12,abc,07/03/2026 14:05,20260307,a,b,yes,00,aGk=,de
13,1,2026-03-07,20260307,a,b,yes,00,aGk=,de
14,1,07/03/2026 14:05,20260230,a,b,yes,00,aGk=,de
15,1,07/03/2026 14:05,20260307,a,b,maybe,00,aGk=,de
16,1,07/03/2026 14:05,20260307,a,b,yes,0g,aGk=,de
17,1,07/03/2026 14:05,20260307,a,b,yes,00,a*k=,de
18,1,07/03/2026 14:05,20260307,a,b,yes,00,aGk=,de
19,1,07/03/2026 14:05,20260307,a,b,yes,00112233445566778899,aGk=,de
EOF
load "$WORK/bad.csv" --into "$URL/t" --transform "$TF" --on-error skip --rejects "$WORK/rej"
check_rc 3 "load with bad values for the transforms"
check_eq "$(summary_value 'rows written')" 1 "one good row"
check_eq "$(summary_value 'rows rejected')" 9 "nine rejected"
check_eq "$(sql "SELECT id FROM \`$DB\`.t")" 18 "the good row is loaded"
check_contains "$WORK/rej.log" "bad.csv: line 2, byte 65, column 'price': decimal: '1234567.00' has 7 digits before the point; price is decimal(8,2), which takes 6" "decimal precision"
check_contains "$WORK/rej.log" "decimal: '1.005' has 3 digits after the point; price is decimal(8,2), which would round it" "decimal scale"
check_contains "$WORK/rej.log" "decimal: 'abc' is not a decimal number" "decimal form"
check_contains "$WORK/rej.log" "column 'created_at': date: '2026-03-07' does not match the format '%d/%m/%Y %H:%M'" "date format"
check_contains "$WORK/rej.log" "date: '20260230' is not a real date" "date validity"
check_contains "$WORK/rej.log" "column 'active': bool: 'maybe' is not yes/no" "bool"
check_contains "$WORK/rej.log" "hex: 'g' at character 2 is not a hex digit" "hex"
check_contains "$WORK/rej.log" "base64: '*' at character 2 is not base64" "base64"
check_contains "$WORK/rej.log" "column 'blob_hex': Data too long for column 'blob_hex'" "decoded bytes checked against the column (by the server)"
check_eq "$(wc -l <"$WORK/rej.csv")" 10 "the rejects file holds the header and the nine records"

# without --on-error skip the first bad value stops the load, naming it
sql "TRUNCATE \`$DB\`.t"
load "$WORK/bad.csv" --into "$URL/t" --transform "$TF"
check_rc 1 "a bad value stops the load"
check_contains "$WORK/err" "bad.csv: line 2, column 'price' (field 2): decimal: '1234567.00' has 7 digits" "the error names file, line, column and step"

# set-up errors: nothing is written (exit 2)
load "$WORK/good.csv" --into "$URL/t" --transform "note: squash"
check_rc 2 "unknown step"
check_contains "$WORK/err" "--transform: column note: unknown step 'squash'" "unknown step named"
printf 'id,note\n1,a\n' >"$WORK/small.csv"
load "$WORK/small.csv" --into "$URL/t" --transform "note: decimal"
check_rc 2 "decimal on a text column"
check_contains "$WORK/err" "decimal needs a numeric column, and note is varchar(20)" "decimal's target checked"
load "$WORK/good.csv" --into "$URL/t" --transform "$TF" --transform "nosuch: const 'x'"
check_rc 2 "a transform on an unknown column"
check_contains "$WORK/err" "--transform: column 'nosuch' is neither a field of the input nor a column of t_transforms.t" "unknown column named"
check_eq "$(count t)" 0 "set-up errors write nothing"

# the same transforms from a job file, on continuation lines
cat >"$WORK/job.ini" <<EOF
[job]
name = tf-job

[step load]
action = load
source = $WORK/good.csv
into = $URL/t
defaults-file = $SLUICE_DB_CNF
transform = price: strip '\$,' | decimal ; created_at: date '%d/%m/%Y %H:%M'
  day: date '%Y%m%d' ; note: trim | null-if '' ; code: trim | upper ; active: bool
  blob_hex: hex ; blob_b64: base64 ; source: const 'nightly'
  cntry: rename country | default 'zz' | lower
EOF
run_sluice run "$WORK/job.ini" --lock-dir "$WORK"
check_rc 0 "a job with transforms"
sql "SELECT id, price, created_at, day, note, code, active, HEX(blob_hex), HEX(blob_b64), source, country
     FROM \`$DB\`.t ORDER BY id" >"$WORK/got2.tsv"
check_eq "$(cat "$WORK/got2.tsv")" "$(cat "$WORK/got.tsv")" "the job's rows equal the CLI's"
finish
