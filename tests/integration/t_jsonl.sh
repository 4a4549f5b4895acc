#!/usr/bin/env bash
# load --format jsonl: MongoDB Extended JSON v2 into typed columns (--map),
# whole documents into a JSON column, bad lines as rejects with their line
# and byte, zstd input; and JSONTestSuite, each of its files one line of a
# JSON Lines file: every y_ document a row, every n_ one a reject, no i_ one
# a crash.
source "$(dirname "$0")/lib.sh"
setup jsonl
sql "CREATE TABLE \`$DB\`.ev (id CHAR(24) PRIMARY KEY, ts DATETIME(6), n BIGINT,
  price DECIMAL(30,10), flag TINYINT, bin VARBINARY(16), tags JSON, note VARCHAR(50))"
sql "CREATE TABLE \`$DB\`.docs (k INT AUTO_INCREMENT PRIMARY KEY, doc JSON)"

cat >"$WORK/ev.jsonl" <<'EOF'
{"_id":{"$oid":"5f1d7a2b9c8e4a0012345678"},"ts":{"$date":"2026-12-06T10:00:00.123+01:00"},"n":{"$numberLong":"9223372036854775807"},"price":{"$numberDecimal":"12345678901234567890.0123456789"},"flag":true,"bin":{"$binary":{"base64":"AAEC/w==","subType":"00"}},"tags":["a",{"b":1}],"note":"caf\u00e9 \ud83d\ude00"}
{"_id":{"$oid":"5f1d7a2b9c8e4a0012345679"},"ts":{"$date":{"$numberLong":"-1000"}},"n":9007199254740993,"price":1.5,"flag":false,"note":null,"extra":1}

{"_id":{"$oid":"5f1d7a2b9c8e4a001234567a"},"n":"x"}
{"_id": broken
[1,2]
{"_id":{"$oid":"5f1d7a2b9c8e4a001234567b"},"ts":{"$date":"yesterday"}}
EOF
load "$WORK/ev.jsonl" --format jsonl --into "$URL/ev" --map '_id=id,ts,n,price,flag,bin,tags,note' \
  --on-error skip --rejects "$WORK/rej"
check_rc 3 "jsonl with bad lines"
check_eq "$(sql "SELECT HEX(bin) FROM \`$DB\`.ev WHERE n = 9223372036854775807")" "000102FF" "\$binary as bytes"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.ev")" 2 "the two good documents"
check_eq "$(sql "SELECT CONCAT_WS('|', id, ts, n, price, flag, tags, note) FROM \`$DB\`.ev ORDER BY id LIMIT 1")" \
  "5f1d7a2b9c8e4a0012345678|2026-12-06 09:00:00.123000|9223372036854775807|12345678901234567890.0123456789|1|[\"a\",{\"b\":1}]|café 😀" \
  "Extended JSON values, exactly"
check_eq "$(sql "SELECT CONCAT_WS('|', ts, n, price, flag, ISNULL(note)) FROM \`$DB\`.ev ORDER BY id LIMIT 1,1")" \
  "1969-12-31 23:59:59.000000|9007199254740993|1.5000000000|0|1" "a negative \$date, 2^53+1 kept, null"
check_contains "$WORK/rej.log" "$WORK/ev.jsonl: line 4, byte " "a value the column refuses"
check_contains "$WORK/rej.log" "line 5, byte " "a broken line"
check_contains "$WORK/rej.log" "not JSON, at byte 8 of the line: a number without digits" "why the line is broken"
check_contains "$WORK/rej.log" "line 6, byte " "an array where an object is needed"
check_contains "$WORK/rej.log" "the line holds a JSON array, not the object whose fields --map names" "why the array is refused"
check_contains "$WORK/rej.log" "at byte 48 of the line: a \$date that is not an ISO 8601 time" "a broken \$date"
check_eq "$(wc -l <"$WORK/rej.csv")" 4 "the rejected lines, as they were"

# a $numberLong past a 64-bit integer is a reject, not an overflow (a fuzz
# finding: the milliseconds were multiplied past LLONG_MIN)
printf '%s\n' '{"_id":{"$oid":"5f1d7a2b9c8e4a001234567c"},"ts":{"$date":{"$numberLong":"-99999999999999999999"}}}' >"$WORK/far.jsonl"
load "$WORK/far.jsonl" --format jsonl --into "$URL/ev" --map '_id=id,ts' --on-error skip --rejects "$WORK/rejfar"
check_rc 3 "a \$date out of range"
check_contains "$WORK/rejfar.log" "a \$date whose \$numberLong is out of range" "says why"

# the whole document into the table's one JSON column; .zst input
zstd -q "$WORK/ev.jsonl" -o "$WORK/ev.jsonl.zst"
load "$WORK/ev.jsonl.zst" --format jsonl --into "$URL/docs" --on-error skip --rejects "$WORK/rej2"
check_rc 3 "jsonl documents into a JSON column"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.docs")" 5 "every JSON line is a row"
check_eq "$(sql "SELECT doc FROM \`$DB\`.docs WHERE k = 4")" "[1,2]" "a line kept byte for byte"
check_eq "$(wc -l <"$WORK/rej2.log")" 1 "only the broken line is refused"

# mapping errors before any row
load "$WORK/ev.jsonl" --format jsonl --into "$URL/ev" --map 'a=id,a=n'
check_rc 2 "a field mapped twice"
check_contains "$WORK/err" "--map: field 'a' is named twice" "field twice message"
sql "CREATE TABLE \`$DB\`.plain (id INT PRIMARY KEY)"
load "$WORK/ev.jsonl" --format jsonl --into "$URL/plain"
check_rc 2 "no JSON column and no --map"
check_contains "$WORK/err" "--format jsonl: name the fields that go to columns with --columns or --map" "no mapping message"
load "$WORK/ev.jsonl" --into "$URL/ev" --map 'a=id'
check_rc 2 "--map without --format jsonl"

# JSONTestSuite: one file per line (the few whose document spans lines are
# not JSON Lines, and are left out)
suite="$SLUICE_SRC/../shared/testdata/JSONTestSuite/test_parsing"
if [ -d "$suite" ]; then
  python3 - "$suite" "$WORK/suite.jsonl" "$WORK/suite.names" <<'EOF'
import os, sys
names = []
with open(sys.argv[2], "wb") as out:
    for name in sorted(os.listdir(sys.argv[1])):
        data = open(os.path.join(sys.argv[1], name), "rb").read()
        if data.endswith(b"\n"):
            data = data[:-1]
        if b"\n" in data or b"\r" in data or data.startswith(b"\xef\xbb\xbf") or not data.strip(b" \t"):
            continue  # spans lines, or a BOM or blank: not a line of its own
        out.write(data + b"\n")
        names.append(name)
open(sys.argv[3], "w").write("\n".join(names) + "\n")
EOF
  sql "TRUNCATE \`$DB\`.docs"
  load "$WORK/suite.jsonl" --format jsonl --into "$URL/docs" --on-error skip --rejects "$WORK/srej"
  check_contains "$WORK/err" "rows rejected" "the suite load finished"
  python3 - "$WORK/suite.names" "$WORK/srej.log" "$WORK/suite.jsonl" >"$WORK/suite.verdict" <<'EOF'
import re, sys
names = open(sys.argv[1]).read().split()
rejected = set()
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    m = re.search(r": line (\d+), byte", line)
    if m:
        rejected.add(int(m.group(1)))
bad = [n for i, n in enumerate(names, 1) if (n[0] == "y" and i in rejected) or (n[0] == "n" and i not in rejected)]
y = sum(1 for n in names if n[0] == "y")
n = sum(1 for n in names if n[0] == "n")
print("y %d n %d i %d wrong %s" % (y, n, len(names) - y - n, ",".join(bad) or "none"))
EOF
  check_matches "$WORK/suite.verdict" "wrong none$" "every y_ document a row, every n_ one a reject"
  cat "$WORK/suite.verdict" >&2
  rows=$(sql "SELECT COUNT(*) FROM \`$DB\`.docs")
  check_eq "$((rows + $(wc -l <"$WORK/srej.log")))" "$(wc -l <"$WORK/suite.names")" "one row or one reject per document"
fi

finish
