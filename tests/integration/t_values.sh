#!/usr/bin/env bash
# Edge values: NULL versus empty string versus the text \N, quotes, delimiters
# and newlines inside fields, CRLF, a BOM, no final newline, 4-byte UTF-8,
# DECIMAL and DATETIME(6), and a table column the file lacks (its default).
source "$(dirname "$0")/lib.sh"
setup values
sql "CREATE TABLE \`$DB\`.vals (
  id INT PRIMARY KEY, s VARCHAR(100) NULL, t TEXT NULL, d DECIMAL(12,4) NULL,
  dt DATETIME(6) NULL, e VARCHAR(20) NOT NULL DEFAULT 'dflt'
) DEFAULT CHARSET=utf8mb4"

printf '\xef\xbb\xbfid,s,t,d,dt\n' >"$WORK/vals.csv"
cat >>"$WORK/vals.csv" <<'CSV'
1,plain,"comma, inside",12.5,2026-11-20 23:59:59.123456
2,,"",\N,\N
3,"\N",\N,-0.0001,2000-01-01 00:00:00
4,"say ""hi""","line1
line2",99999999.9999,1970-01-01 00:00:01.5
5,😀🚀 four-byte,"naïve 東京 Ω",0,2026-02-28 12:00:00
CSV
# a CRLF record, with a CR LF inside quotes, and no final newline
printf '6,"crlf\r\ninside",  spaced  ,1.25,2026-01-01 00:00:00\r\n7,last,no newline,2,2026-01-02 00:00:00' >>"$WORK/vals.csv"

cat >"$WORK/expected" <<'JSON'
["1", "plain", "comma, inside", "12.5000", "2026-11-20 23:59:59.123456", "dflt"]
["2", "", "", null, null, "dflt"]
["3", "\\N", null, "-0.0001", "2000-01-01 00:00:00.000000", "dflt"]
["4", "say \"hi\"", "line1\nline2", "99999999.9999", "1970-01-01 00:00:01.500000", "dflt"]
["5", "😀🚀 four-byte", "naïve 東京 Ω", "0.0000", "2026-02-28 12:00:00.000000", "dflt"]
["6", "crlf\r\ninside", "  spaced  ", "1.2500", "2026-01-01 00:00:00.000000", "dflt"]
["7", "last", "no newline", "2.0000", "2026-01-02 00:00:00.000000", "dflt"]
JSON
load "$WORK/vals.csv" --into "$URL/vals" --threads 2 --batch-rows 2 --txn-rows 3
check_rc 0 "load of edge values"
check_table vals "$WORK/expected" id "edge values"

# with --null '' an empty unquoted field is NULL, while "" stays empty
sql "TRUNCATE \`$DB\`.vals"
printf 'id,s,t\n1,,""\n2,"",\n3,\\N,x\n' >"$WORK/nullempty.csv"
cat >"$WORK/expected2" <<'JSON'
["1", null, "", null, null, "dflt"]
["2", "", null, null, null, "dflt"]
["3", "\\N", "x", null, null, "dflt"]
JSON
load "$WORK/nullempty.csv" --into "$URL/vals" --null ''
check_rc 0 "load with --null ''"
check_table vals "$WORK/expected2" id "--null '' semantics"
finish
