#!/usr/bin/env bash
# sluice bench: a tiny grid (2 thread counts x 2 batch sizes x 1 transaction
# size, about 2 seconds) writes results.csv, results.json and a chart; the
# JSON's row counts agree with the server's own counter and, for a --keep
# run, with COUNT(*); the SVG parses, has one line per thread count, and
# renders to PNG; the bench table holds exactly the rows `sluice gen` writes
# for the same seed. Runs on a server of its own, since the server's counters
# are global and other tests would add to them.
source "$(dirname "$0")/lib.sh"
setup bench
own_server # from here on every helper talks to it
bench() { run_sluice bench --defaults-file "$SLUICE_DB_CNF" "$@"; }

bench --into "$URL" --threads 1,2 --batch-rows 10,100 --txn-rows 500 --duration 0.5 --warmup 0 \
  --out "$WORK/res" --keep
check_rc 0 "a 2x2x1 grid"
for f in results.csv results.json throughput.svg; do
  check_eq "$([ -s "$WORK/res/$f" ] && echo yes)" yes "$f written"
done
check_eq "$(grep -c '^\*' "$WORK/out")" 1 "one best cell marked in the terminal table"
python3 - "$WORK/res/results.json" "$WORK/res/results.csv" >"$WORK/json" <<'PY'
import csv, json, sys
cells = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
print("cells", len(cells), len(rows))
print("params", sorted((c["threads"], c["batch_rows"], c["txn_rows"]) for c in cells))
print("ok", all(c["status"] == "ok" for c in cells))
print("fields", all(all(k in c for k in ("rows_per_sec", "mb_per_sec", "p50_ms", "p95_ms", "p99_ms")) for c in cells))
print("positive", all(c["rows_per_sec"] > 0 and c["rows"] > 0 and c["p99_ms"] >= c["p50_ms"] for c in cells))
print("counter", all(c["server_rows_inserted"] == c["rows"] for c in cells))
# every thread commits each 500 rows, and once more for its last rows
print("commits", all(c["rows"] // 500 <= c["com_commit"] <= c["rows"] // 500 + c["threads"] for c in cells))
print("csv", all(int(r["rows"]) == c["rows"] for r, c in zip(rows, cells)))
print("best", sum(c["best"] for c in cells))
print("last", cells[-1]["rows"])
PY
check_contains "$WORK/json" "cells 4 4" "four cells in JSON and CSV"
check_contains "$WORK/json" "params [(1, 10, 500), (1, 100, 500), (2, 10, 500), (2, 100, 500)]" "the grid's parameters"
check_contains "$WORK/json" "ok True" "every cell ran"
check_contains "$WORK/json" "fields True" "rows_per_sec, mb_per_sec and latency percentiles"
check_contains "$WORK/json" "positive True" "measured figures"
check_contains "$WORK/json" "counter True" "rows agree with the server's own counter"
check_contains "$WORK/json" "commits True" "commits agree with Com_commit"
check_contains "$WORK/json" "csv True" "CSV and JSON agree"
check_contains "$WORK/json" "best 1" "one best cell"
last=$(sed -n 's/^last //p' "$WORK/json")
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_bench")" "$last" "COUNT(*) after --keep equals the last cell's rows"
# a duration run stops each thread part-way through its last block of keys,
# so the keys have gaps at the end, but never more than a block per thread
check_eq "$(sql "SELECT MIN(id) = 1 AND MAX(id) < $last + 2 * 500 FROM \`$DB\`.sluice_bench")" 1 "the kept keys start at 1, with at most a block per thread missing"

# the chart
python3 - "$WORK/res/throughput.svg" >"$WORK/svg" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
panels = [g for g in root.iter(ns + "g") if g.get("class") == "panel"]
print("panels", len(panels))
for p in panels:
    lines = [l for l in p.iter(ns + "polyline") if l.get("class") == "series"]
    print("lines", sorted(l.get("data-threads") for l in lines), [len(l.get("points").split()) for l in lines])
print("best", sum(1 for c in root.iter(ns + "circle") if c.get("class") == "best"))
PY
check_contains "$WORK/svg" "panels 1" "one panel per transaction size"
check_contains "$WORK/svg" "lines ['1', '2'] [2, 2]" "one line per thread count, a point per batch size"
check_contains "$WORK/svg" "best 1" "the best cell is ringed"
rsvg-convert "$WORK/res/throughput.svg" -o "$WORK/chart.png"
check_eq "$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(d[:8]==b"\x89PNG\r\n\x1a\n", struct.unpack(">II", d[16:24]))' "$WORK/chart.png")" "True (680, 374)" "the SVG renders to a PNG of its size"

# the same rows as sluice gen: a --rows run with 2 threads, then gen + load
sql "DROP TABLE \`$DB\`.sluice_bench"
bench --into "$URL" --schema orders --threads 2 --batch-rows 50 --txn-rows 1000 --rows 5000 \
  --seed 7 --keep --warmup 0
check_rc 0 "bench --rows --keep"
run_sluice gen --schema orders --print-create fromgen
sql "USE \`$DB\`; $(cat "$WORK/out")"
"$SLUICE_BIN" gen --schema orders --rows 5000 --seed 7 --out "$WORK/gen.csv"
load "$WORK/gen.csv" --into "$URL/fromgen"
check_rc 0 "load of sluice gen output"
check_eq "$(count sluice_bench)" 5000 "bench rows"
check_eq "$(sql "CHECKSUM TABLE \`$DB\`.sluice_bench" | cut -f2)" "$(sql "CHECKSUM TABLE \`$DB\`.fromgen" | cut -f2)" "the bench table equals gen's rows for the seed"

# the write method is a dimension of the grid: the load-data cell (the last,
# kept) writes the same rows
sql "DROP TABLE \`$DB\`.sluice_bench"
bench --into "$URL" --schema orders --threads 2 --batch-rows 50 --txn-rows 1000 --rows 5000 \
  --seed 7 --keep --warmup 0 --method insert,bulk,load-data --out "$WORK/res2"
check_rc 0 "a grid of three methods"
check_eq "$(python3 -c 'import json,sys; print(" ".join(c["method"] + ":" + c["status"] + ":" + str(c["rows"]) for c in json.load(open(sys.argv[1]))))' "$WORK/res2/results.json")" \
  "insert:ok:5000 bulk:ok:5000 load-data:ok:5000" "a cell per method, each complete"
check_eq "$(sql "CHECKSUM TABLE \`$DB\`.sluice_bench" | cut -f2)" "$(sql "CHECKSUM TABLE \`$DB\`.fromgen" | cut -f2)" "the load-data cell writes gen's rows"
check_matches "$WORK/out" "^  \* best: 2 threads, 50 rows per statement, 1000 rows per COMMIT, (insert|bulk|load-data)$" "the best cell names its method"
check_eq "$(python3 -c 'import sys, xml.etree.ElementTree as ET; r=ET.parse(sys.argv[1]).getroot(); print(sorted(l.get("data-method") for l in r.iter("{http://www.w3.org/2000/svg}polyline")))' "$WORK/res2/throughput.svg")" \
  "['bulk', 'insert', 'load-data']" "a line per method in the chart"
bench --into "$URL" --method insert,fast
check_rc 2 "a bad method"
check_contains "$WORK/err" "sluice bench: --method must be insert, load-data, bulk or auto, not 'fast'" "bad method message"

# --schema sysbench: a table per thread (TABLE1, TABLE2), a COMMIT per
# statement; together they hold the cell's rows, every key once
bench --into "$URL" --schema sysbench --table sbt --threads 2 --batch-rows 100 --rows 4000 \
  --warmup 0 --keep --out "$WORK/res3"
check_rc 0 "--schema sysbench"
check_eq "$(sql "SELECT (SELECT COUNT(*) FROM \`$DB\`.sbt1) + (SELECT COUNT(*) FROM \`$DB\`.sbt2)")" 4000 "the two tables hold the cell's rows"
check_eq "$(sql "SELECT COUNT(DISTINCT id), MIN(id), MAX(id) FROM (SELECT id FROM \`$DB\`.sbt1 UNION ALL SELECT id FROM \`$DB\`.sbt2) u")" "4000	1	4000" "every key once"
check_eq "$(sql "SELECT (SELECT COUNT(*) FROM \`$DB\`.sbt1) > 0 AND (SELECT COUNT(*) FROM \`$DB\`.sbt2) > 0")" 1 "each thread wrote its own table"
check_eq "$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))[0]; print(c["txn_rows"], c["com_commit"] >= 40)' "$WORK/res3/results.json")" "100 True" "a COMMIT per statement"
sql "DROP TABLE \`$DB\`.sbt1, \`$DB\`.sbt2"

# a table of the user's own (values from the column types), dropped at the end
cat >"$WORK/mine.sql" <<'SQL'
CREATE TABLE mine (
  id BIGINT UNSIGNED PRIMARY KEY, d DECIMAL(8,3) NOT NULL, t VARCHAR(20), e ENUM('x','y''z'),
  s SET('a','b'), dt DATETIME, dd DATE, tm TIME, y YEAR, f DOUBLE, b VARBINARY(8), bits BIT(5),
  j JSON, tx TEXT, ti TINYINT NOT NULL
);
SQL
bench --into "$URL" --schema "$WORK/mine.sql" --threads 2 --batch-rows 100 --txn-rows 1000 --rows 3000 --warmup 0
check_rc 0 "bench with a user's CREATE TABLE"
check_contains "$WORK/out" "schema $WORK/mine.sql" "the schema is named"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'mine'")" 0 "the table is dropped without --keep"

# bad input
bench --into "$URL" --threads 1,x
check_rc 2 "a bad grid value"
check_contains "$WORK/err" "sluice bench: --threads must be a whole number from 1 to 256, not 'x'" "bad grid message"
bench --into "$URL" --batch-rows 10,10
check_rc 2 "a repeated grid value"
check_contains "$WORK/err" "sluice bench: --batch-rows lists 10 twice" "repeated grid value message"
bench --into "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/no_such_db" --duration 0.2 --warmup 0
check_rc 2 "a missing database"
check_contains "$WORK/err" "sluice: error: database 'no_such_db' does not exist" "missing database message"
run_sluice bench --into "mysql://sluice@127.0.0.1:1/$DB" --duration 0.2
check_rc 2 "an unreachable server"
check_contains "$WORK/err" "sluice: error: cannot connect to mysql://sluice@127.0.0.1:1/$DB" "unreachable message"
sql "CREATE USER IF NOT EXISTS 'reader'@'%' IDENTIFIED BY 'pw'; GRANT SELECT ON \`$DB\`.* TO 'reader'@'%'"
MYSQL_PWD=pw run_sluice bench --into "mysql://reader@127.0.0.1:$SLUICE_DB_PORT/$DB" --duration 0.2 --warmup 0
check_rc 2 "missing privileges"
check_contains "$WORK/err" "CREATE command denied to user 'reader'" "missing privilege message"
# a failing cell is reported and the grid goes on: this user may hold two
# connections, so the cell with 2 threads (plus the control connection)
# cannot connect, while the 1-thread cell runs
sql "DROP TABLE IF EXISTS \`$DB\`.sluice_bench"
sql "CREATE USER IF NOT EXISTS 'limited'@'%' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS 2; GRANT ALL ON \`$DB\`.* TO 'limited'@'%'; GRANT PROCESS ON *.* TO 'limited'@'%'"
MYSQL_PWD=pw run_sluice bench --into "mysql://limited@127.0.0.1:$SLUICE_DB_PORT/$DB" --threads 1,2 \
  --batch-rows 100 --txn-rows 1000 --duration 0.3 --warmup 0
check_rc 1 "a grid with a failing cell"
check_contains "$WORK/err" "sluice: cell threads=2 batch=100 txn=1000 method=insert: FAILED: cannot connect to mysql://limited@127.0.0.1:$SLUICE_DB_PORT/$DB: User 'limited' has exceeded the 'max_user_connections' resource" "the failed cell's reason"
check_contains "$WORK/out" "FAILED: cannot connect" "the failed cell in the table"
check_eq "$(grep -c '^\*' "$WORK/out")" 1 "the other cell still ran and is best"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'sluice_bench'")" 0 "the table is dropped after a failed cell"

# SIGINT in the middle of a grid: the cell it cuts short is failed, the
# grid stops there (exit 4), the reports of the cells that ran are written,
# and the table is dropped
"$SLUICE_BIN" bench --defaults-file "$SLUICE_DB_CNF" --into "$URL" --threads 1,2 --batch-rows 100 \
  --txn-rows 1000 --duration 30 --warmup 0 --out "$WORK/int" >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 100); do
  [ "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '$DB' AND INFO LIKE 'INSERT INTO%sluice_bench%'")" -gt 0 ] && break
  sleep 0.1
done
sleep 0.5
kill -INT "$PID"
set +e; wait "$PID"; RC=$?; set -e
check_rc 4 "SIGINT during a grid"
check_contains "$WORK/err" "sluice: interrupted; the grid stopped after 1 cell" "the grid says where it stopped"
check_contains "$WORK/err" "sluice: cell threads=1 batch=100 txn=1000 method=insert: FAILED: interrupted" "the cut cell is failed"
check_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/int/results.json")" 1 "the report holds the one cell that ran"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DB' AND TABLE_NAME = 'sluice_bench'")" 0 "the table is dropped after an interruption"

finish
