#!/usr/bin/env bash
# sluice copy from a private PostgreSQL 15 server into the shared MariaDB one.
# A table of every type in docs/type-mapping.md, with edge values (NULL
# against empty, the largest numerics, 4-byte UTF-8, bytea with 0x00,
# timestamptz on both sides of a DST change, arrays, a composite, jsonb),
# is copied and verified; the values MySQL cannot keep (NaN, ±Infinity, BC
# and infinite dates, too many digits) are rejects naming their row and
# reason; what MySQL holds is extracted back and compared with PostgreSQL's
# own COPY output under the mapping's rules. Also: the DDL made from the
# catalog, --type-map, a schema copy with --tables, --where into a named
# table, --verify-only passing and then failing on a changed row, and the
# errors that must come before any row moves.
source "$(dirname "$0")/lib.sh"
setup pg_copy
pg_server
pgsql "ALTER DATABASE sluice SET timezone = 'UTC'"

copy() { run_sluice copy --to-defaults-file "$SLUICE_DB_CNF" "$@"; }
TO="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"

pgsql "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE pair AS (a int, b text);
CREATE TABLE every (
  id bigserial PRIMARY KEY,
  i2 smallint, i4 integer, i8 bigint,
  n numeric(65,30), n2 numeric(12,2) DEFAULT 0, nu numeric,
  r real, d double precision,
  t text, vc varchar(20), ch char(5),
  b bytea, bo boolean DEFAULT true,
  dt date, ts timestamp, tstz timestamptz, tm time,
  iv interval, u uuid, j json, jb jsonb,
  arr int[], tarr text[], comp pair, m mood, p posint, mo money);
CREATE INDEX every_vc ON every (vc);
CREATE UNIQUE INDEX every_u ON every (u);
CREATE INDEX every_partial ON every (i4) WHERE i4 > 0;
CREATE INDEX every_expr ON every (lower(t));
INSERT INTO every (id) VALUES (1);
INSERT INTO every (id, t, vc, ch, b, j) VALUES (2, '', '', '', '', '\"\"');
INSERT INTO every (id, i2, i4, i8, n, nu, r, d, mo) VALUES
  (3, -32768, -2147483648, 9223372036854775807,
   99999999999999999999999999999999999.999999999999999999999999999999,
   12345678901234567890.123456789, 3.4028235e38, 1.7976931348623157e308,
   92233720368547758.07);
INSERT INTO every (id, t, vc, ch, b) VALUES
  (4, E'\U0001F600 \U0001D11E \u00fc', E'\U0001D11Ex', 'ab', '\\x00ff0001');
INSERT INTO every (id, tstz, ts) VALUES
  (5, '2024-03-10 01:59:59.999999-05', '2024-11-03 01:30:00'),
  (6, '2024-03-10 03:00:00-04', '2024-11-03 01:30:00.5');
INSERT INTO every (id, arr, tarr, comp, jb, j, m, p, u, iv, tm, dt, bo, n2, r, d) VALUES
  (7, '{1,NULL,3}', '{\"a b\",\"c\\\"d\"}', ROW(1, 'x'), '{\"k\": [1, 2.5, \"\u00e9\"], \"n\": null}',
   '{\"a\":1}', 'it''s fine', 5, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 day 02:03:04',
   '23:59:59.999999', '2024-02-29', false, -0.5, 0.1, 1e-300);
INSERT INTO every (id, nu) VALUES (10, 'NaN');
INSERT INTO every (id, d) VALUES (11, 'Infinity');
INSERT INTO every (id, r) VALUES (12, '-Infinity');
INSERT INTO every (id, dt) VALUES (13, '0044-03-15 BC');
INSERT INTO every (id, ts) VALUES (14, 'infinity');
INSERT INTO every (id, nu) VALUES (15, 1234567890123456789012345678901234567890);
INSERT INTO every (id, nu) VALUES (16, 0.1234567890123456789012345678901);
INSERT INTO every (id, vc) SELECT g, 'row ' || g FROM generate_series(100, 5099) g;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO sluice;"

# ---- the copy: rejects named, the rest verified ----
copy --from "$PG_URL/every" --to "$TO" --on-error skip --rejects "$WORK/rej" --chunk-rows 1000
check_rc 3 "a copy with rejects"
check_contains "$WORK/err" "PASS $DB.every: 5007 rows match public.every" "the kept rows are verified"
check_eq "$(sql "SELECT COUNT(*) FROM $DB.every")" 5007 "rows on MySQL"
check_eq "$(wc -l <"$WORK/rej.log")" 7 "one reject line each"
check_contains "$WORK/rej.log" "column 'nu': row id = 10: NaN cannot be stored in MySQL's DECIMAL(65,30)" "NaN"
check_contains "$WORK/rej.log" "column 'd': row id = 11: Infinity cannot be stored in MySQL's DOUBLE" "Infinity"
check_contains "$WORK/rej.log" "column 'r': row id = 12: -Infinity cannot be stored in MySQL's FLOAT" "-Infinity"
check_contains "$WORK/rej.log" "column 'dt': row id = 13: a date before the Common Era (0044-03-15 BC)" "BC"
check_contains "$WORK/rej.log" "column 'ts': row id = 14: infinity cannot be stored in MySQL's DATETIME(6)" "infinity"
check_contains "$WORK/rej.log" "column 'nu': row id = 15: 40 digits before the point do not fit DECIMAL(65,30)" "too many digits"
check_contains "$WORK/rej.log" "column 'nu': row id = 16: 31 digits after the point would be rounded off" "rounding"
check_contains "$WORK/rej.csv" "10	" "the rejected row as COPY printed it"
check_contains "$WORK/err" "rows rejected" "the summary counts rejects"

# ---- the values, one by one ----
v() { sql "SELECT $1 FROM $DB.every WHERE id = $2"; }
check_eq "$(v "CONCAT_WS(',', i2, t, b, tstz, arr, jb, mo), bo, n2" 1)" "	1	0.00" "NULL stays NULL; PostgreSQL's defaults came with the row"
check_eq "$(v "t = '' AND vc = '' AND ch = '' AND b = '' AND j = '\"\"'" 2)" 1 "empty stays empty"
check_eq "$(v "i2, i4, i8, n, nu, mo" 3)" \
  "-32768	-2147483648	9223372036854775807	99999999999999999999999999999999999.999999999999999999999999999999	12345678901234567890.123456789000000000000000000000	92233720368547758.07" \
  "the largest integers and numerics"
check_eq "$(v "CAST(r AS DOUBLE) = CAST(3.4028235e38 AS FLOAT), d" 3)" "1	1.7976931348623157e308" "the largest floats"
check_eq "$(v "HEX(t), HEX(vc), ch, HEX(b)" 4)" \
  "$(sql "SELECT HEX(_utf8mb4 0xF09F988020F09D849E20C3BC), HEX(_utf8mb4 0xF09D849E78), 'ab', '00FF0001'")" \
  "4-byte UTF-8 and bytea with 0x00"
check_eq "$(v "tstz, ts" 5)" "2024-03-10 06:59:59.999999	2024-11-03 01:30:00.000000" "timestamptz before the DST change, in UTC"
check_eq "$(v "tstz, ts" 6)" "2024-03-10 07:00:00.000000	2024-11-03 01:30:00.500000" "timestamptz after the DST change, in UTC"
check_eq "$(v "arr, tarr, comp, jb, m, p, u, iv, tm, dt, bo, n2" 7)" \
  '[1,null,3]	["a b","c\\"d"]	{"a":1,"b":"x"}	{"k": [1, 2.5, "é"], "n": null}	it'"'"'s fine	5	a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11	1 day 02:03:04	23:59:59.999999	2024-02-29	0	-0.50' \
  "arrays, composites, jsonb, enums, domains, uuid, interval, time, bool"

# ---- the table made from the catalog ----
sql "SHOW CREATE TABLE $DB.every" | cut -f2- | tr -d '\n' >"$WORK/ddl"
for want in '`id` bigint(20) NOT NULL AUTO_INCREMENT' '`n` decimal(65,30)' '`n2` decimal(12,2) DEFAULT 0.00' \
  '`r` float' '`d` double' '`t` longtext' '`vc` varchar(20)' '`ch` char(5)' '`b` longblob' \
  '`bo` tinyint(1) DEFAULT 1' '`ts` datetime(6)' '`tstz` datetime(6)' '`tm` time(6)' '`iv` varchar(64)' \
  '`u` uuid' '`jb` longtext' 'json_valid(`jb`)' "\`m\` enum('sad','ok','it''s fine')" '`p` int(11)' \
  '`mo` decimal(19,2)' 'PRIMARY KEY (`id`)' 'UNIQUE KEY `every_u` (`u`)' 'KEY `every_vc` (`vc`)' \
  'CHARSET=utf8mb4 COLLATE=utf8mb4_bin'; do
  check_contains "$WORK/ddl" "$want" "DDL has $want"
done
check_contains "$WORK/err" "a partial index (WHERE ...) every_partial is left out" "partial index named"
check_contains "$WORK/err" "an index on expressions every_expr is left out" "expression index named"

# ---- round trip: extract from MySQL, compare with PostgreSQL's own COPY ----
cols="id, i2, i4, i8, n, n2, nu, r, d, t, vc, ch, b, bo, dt, ts, tstz, tm, iv, u, j, jb, m, p, mo"
pgsql "COPY (SELECT $cols, to_json(arr), to_json(tarr), to_json(comp) FROM every WHERE id < 10 OR id >= 100) TO STDOUT" >"$WORK/pg.txt"
run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$TO" \
  --query "SELECT ${cols/ r,/ CAST(r AS DOUBLE),}, arr, tarr, comp FROM every" --to "$WORK/my.csv"
check_rc 0 "extract back"
rules="int,int,int,int,dec,dec,dec,real,float,text,text,char,bytea,bool,text,ts,tstz,ts,text,text,json,json,text,int,money,json,json,json"
if python3 "$TOOLS/pg_roundtrip.py" "$WORK/pg.txt" "$WORK/my.csv" "$rules" >"$WORK/rt" 2>&1; then
  pass
else
  fail "round trip: $(head -5 "$WORK/rt")"
fi

# ---- --verify-only across engines, then a changed row ----
copy --from "$PG_URL/every" --to "$TO" --verify-only --where "id < 10 OR id >= 100" --chunk-rows 1000
check_rc 0 "verify-only on the copy"
check_contains "$WORK/err" "PASS $DB.every" "verify-only passes"
sql "UPDATE $DB.every SET vc = 'changed' WHERE id = 3000"
copy --from "$PG_URL/every" --to "$TO" --verify-only --where "id < 10 OR id >= 100" --chunk-rows 1000
check_rc 1 "verify-only after a change"
check_matches "$WORK/err" "FAIL $DB.every differs in range id [0-9]+\.\.[0-9]+: the source has [0-9]+ rows, the target [0-9]+, with other values" "the range of the changed row"
lo=$(grep -oE "range id [0-9]+" "$WORK/err" | grep -oE "[0-9]+$")
hi=$(grep -oE "range id [0-9]+\.\.[0-9]+" "$WORK/err" | grep -oE "[0-9]+$")
if [ -n "$lo" ] && [ "$lo" -le 3000 ] && [ "$hi" -ge 3000 ]; then pass; else fail "range $lo..$hi does not hold id 3000"; fi

# ---- a schema with --tables, a type map, a --where into a named table ----
pgsql "CREATE SCHEMA shop;
CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric(10,2) NOT NULL, note text DEFAULT 'n/a', meta jsonb);
CREATE TABLE shop.lines (order_id int, sku varchar(12), qty smallint);
CREATE TABLE shop.empty_t (k bigint PRIMARY KEY);
CREATE TABLE shop.skipme (x int);
INSERT INTO shop.orders SELECT g, g * 1.5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END, '{\"g\": 1}' FROM generate_series(1, 3000) g;
INSERT INTO shop.lines SELECT g % 100, 'sku' || g, g % 7 FROM generate_series(1, 2000) g;
GRANT USAGE ON SCHEMA shop TO sluice; GRANT SELECT ON ALL TABLES IN SCHEMA shop TO sluice;"
copy --from "$PG_URL?schema=shop" --to "${TO}_shop" --tables 'orders,lines,empty_*' \
  --type-map 'jsonb=LONGTEXT,numeric(10,2)=DECIMAL(12,3)' --threads 3
check_rc 0 "schema copy"
check_eq "$(sql "SELECT COUNT(*) FROM ${DB}_shop.orders; SELECT COUNT(*) FROM ${DB}_shop.lines; SELECT COUNT(*) FROM ${DB}_shop.empty_t" | tr '\n' ' ')" "3000 2000 0 " "rows per table"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${DB}_shop'")" 3 "--tables leaves skipme out"
check_eq "$(sql "SELECT DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${DB}_shop' AND TABLE_NAME = 'orders' AND COLUMN_NAME IN ('meta', 'total') ORDER BY COLUMN_NAME" | tr '\n\t' '  ')" "longtext longtext decimal decimal(12,3) " "--type-map by short name and by full type"
check_eq "$(sql "SELECT total, note, meta FROM ${DB}_shop.orders WHERE id = 3")" "4.500	NULL	{\"g\": 1}" "values under the type map"
check_eq "$(sql "SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '${DB}_shop' AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'note'")" "'n/a'" "a constant default"
check_eq "$(grep -c '^sluice: PASS' "$WORK/err")" 3 "every table verified"

copy --from "$PG_URL/shop.orders" --to "${TO}_shop/big_orders" --where 'id > 1000 AND total < 3000'
check_rc 0 "--where into a named table"
check_eq "$(sql "SELECT COUNT(*), MIN(id), MAX(id) FROM ${DB}_shop.big_orders")" "999	1001	1999" "rows under --where"
copy --from "$PG_URL/shop.orders" --to "${TO}_shop/big_orders"
check_rc 2 "an existing target under --if-exists fail"
check_contains "$WORK/err" "target table ${DB}_shop.big_orders exists; choose --if-exists" "says why"
copy --from "$PG_URL/shop.orders" --to "${TO}_shop/big_orders" --if-exists truncate
check_rc 0 "--if-exists truncate"
check_eq "$(sql "SELECT COUNT(*) FROM ${DB}_shop.big_orders")" 3000 "truncated, then every row"

# ---- extract from PostgreSQL, load the file, and get what the copy got ----
run_sluice extract --from "$PG_URL/shop.orders" --to "$WORK/orders.csv.zst" --threads 3 --chunk-rows 500
check_rc 0 "extract from PostgreSQL"
check_contains "$WORK/err" "readers       3 over 6 key ranges" "read in key ranges"
sql "CREATE TABLE ${DB}_shop.orders_csv LIKE ${DB}_shop.big_orders"
load "$WORK/orders.csv.zst" --into "${TO}_shop/orders_csv"
check_rc 0 "load the extract"
check_eq "$(sql "CHECKSUM TABLE ${DB}_shop.orders_csv" | cut -f2)" "$(sql "CHECKSUM TABLE ${DB}_shop.big_orders" | cut -f2)" "the extract loads into what the copy wrote"
run_sluice extract --from "$PG_URL/every" --to "$WORK/every.csv" --where "id < 10" --order-by-pk --threads 1
check_rc 0 "extract of every type"
check_eq "$(sed -n 2p "$WORK/every.csv" | cut -c1-11)" '1,\N,\N,\N,' "NULL as \\N"
check_contains "$WORK/every.csv" ",😀 𝄞 ü,𝄞x,ab   ,00FF0001," "UTF-8 and bytea as hex"
run_sluice extract --from "$PG_URL/every" --to "$WORK/bad.csv"
check_rc 1 "an extract meets a value MySQL cannot take"
check_contains "$WORK/err" "column 'nu': row id = 10: NaN cannot be stored" "names the row"
run_sluice extract --from "$PG_URL" --to "$WORK/x.csv"
check_rc 2 "an extract needs a table"
check_contains "$WORK/err" "--from must name a table" "says so"

# ---- a job step copies from PostgreSQL; the URL's password never reaches argv ----
pw=$(cut -d: -f5 "$PGPASSFILE")
cat >"$WORK/job.ini" <<EOF
[job]
name = from-pg

[step orders]
action = copy
from = ${PG_URL/sluice@/sluice:$pw@}/shop.orders
to = ${TO}_shop/job_orders
to-defaults-file = $SLUICE_DB_CNF
EOF
PGPASSFILE=/dev/null run_sluice run "$WORK/job.ini"
check_rc 0 "a job with a copy from PostgreSQL"
check_eq "$(sql "SELECT COUNT(*) FROM ${DB}_shop.job_orders")" 3000 "the job's copy"
check_not_contains "$WORK/err" "$pw" "the password is not printed"
check_not_contains "$WORK/out" "$pw" "nor on stdout"
printf '[step x]\naction = load\nsource = a.csv\ninto = %s/t\n' "$PG_URL" >"$WORK/bad.ini"
run_sluice run "$WORK/bad.ini"
check_rc 2 "a PostgreSQL URL as a load's target"
check_contains "$WORK/err" "key 'into': only a copy's or extract's 'from' may be a postgresql:// URL" "refused"

# ---- what MySQL cannot express is named before any row moves ----
pgsql "CREATE SEQUENCE shared_seq;
CREATE TABLE booking (id int PRIMARY KEY DEFAULT nextval('shared_seq'), room int NOT NULL,
  during tsrange, made timestamptz DEFAULT now(), qty int CHECK (qty > 0),
  EXCLUDE USING gist (during WITH &&));
CREATE TABLE booking_log (id int PRIMARY KEY DEFAULT nextval('shared_seq'), note text);
INSERT INTO booking (room, during, qty) VALUES (1, '[2024-01-01 10:00, 2024-01-01 11:00)', 2);
INSERT INTO booking_log (note) VALUES ('x');
GRANT SELECT ON booking, booking_log TO sluice;"
copy --from "$PG_URL" --to "${TO}_notes" --tables 'booking*'
check_rc 0 "a copy with things MySQL cannot express"
for want in "booking: an exclusion constraint booking_during_excl is left out (gist)" \
  "booking: column id: its sequence is shared by 2 columns; MySQL's AUTO_INCREMENT counts per table" \
  "booking: column made: its default now() is an expression and is left out" \
  "booking: CHECK constraint booking_qty_check is left out" \
  "booking_log: column id: its sequence is shared by 2 columns"; do
  check_contains "$WORK/err" "$want" "named: $want"
done
check_eq "$(grep -c '^sluice: warning: MySQL cannot express' "$WORK/err")" 1 "in one warning"
check_eq "$(sql "SELECT during FROM ${DB}_notes.booking")" '"[\\"2024-01-01 10:00:00\\",\\"2024-01-01 11:00:00\\")"' "a range as JSON (a string, as to_json writes it)"

# ---- errors before any row moves ----
pgsql "CREATE TABLE wide (id int PRIMARY KEY, x numeric(70,2)); GRANT SELECT ON wide TO sluice;"
copy --from "$PG_URL/wide" --to "${TO}_err"
check_rc 2 "a numeric MySQL cannot hold"
check_contains "$WORK/err" "wide, column x: numeric(70,2) has more digits than the 65 MySQL's DECIMAL holds" "names the column"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DB}_err'")" 0 "nothing created"
copy --from "$PG_URL?schema=nope" --to "${TO}_err"
check_rc 2 "a missing schema"
check_contains "$WORK/err" 'schema "nope" does not exist on the source' "missing schema named"
copy --from "$PG_URL/nosuch" --to "${TO}_err"
check_rc 2 "a missing table"
check_contains "$WORK/err" "table public.nosuch does not exist on the source" "missing table named"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
copy --from "postgresql://sluice@127.0.0.1:$port/sluice" --to "${TO}_err"
check_rc 2 "an unreachable server"
check_contains "$WORK/err" "cannot connect to postgresql://sluice@127.0.0.1:$port/sluice: connection to server at \"127.0.0.1\", port $port failed" "unreachable named"
PGPASSFILE=/dev/null PGPASSWORD=wrong copy --from "$PG_URL" --to "${TO}_err"
check_rc 2 "a wrong password"
check_contains "$WORK/err" 'password authentication failed for user "sluice"' "wrong password"
check_not_contains "$WORK/err" "wrong" "the password is not printed"
PGPASSFILE=/dev/null copy --from "${PG_URL/sluice@/sluice:s3cr%2Ft@}" --to "${TO}_err"
check_rc 2 "a wrong password in the URL"
check_contains "$WORK/err" "postgresql://sluice:***@127.0.0.1" "the URL is shown masked"
check_not_contains "$WORK/err" "s3cr" "the URL's password is not printed"
copy --from "$PG_URL/every" --to "${TO}_err" --type-map 'jsonb=JSON; DROP TABLE x'
check_rc 2 "a type map that is not a type"
check_contains "$WORK/err" "--type-map: 'JSON; DROP TABLE x' is not a plain MySQL type" "refused"
copy --from "$PG_URL/every" --to "${TO}_err" --rejects "$WORK/r2"
check_rc 2 "--rejects without --on-error skip"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '${DB}_err'")" 0 "still nothing created"

sql "DROP DATABASE IF EXISTS ${DB}_shop; DROP DATABASE IF EXISTS ${DB}_err; DROP DATABASE IF EXISTS ${DB}_notes"
finish
