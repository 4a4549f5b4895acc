#!/usr/bin/env bash
# Problems found before any row is written: each gets a clear message and
# exit code 2, and the target is left untouched.
source "$(dirname "$0")/lib.sh"
setup setup_errors
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT NULL);
     CREATE TABLE \`$DB\`.victim (id INT PRIMARY KEY); INSERT INTO \`$DB\`.victim VALUES (1),(2)"
printf 'id,name,qty\n1,a,1\n' >"$WORK/good.csv"

# missing table, missing database
load "$WORK/good.csv" --into "$URL/nosuch"
check_rc 2 "missing table"
check_eq "$(cat "$WORK/err")" "sluice: error: table '$DB.nosuch' does not exist (or this user may not see it)" "missing table message"
load "$WORK/good.csv" --into "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/nosuchdb/t"
check_rc 2 "missing database"
check_eq "$(cat "$WORK/err")" "sluice: error: database 'nosuchdb' does not exist" "missing database message"

# a column the table does not have
printf 'id,name,colour\n1,a,red\n' >"$WORK/unknown.csv"
load "$WORK/unknown.csv" --into "$URL/t"
check_rc 2 "unknown column"
check_eq "$(cat "$WORK/err")" "sluice: error: $WORK/unknown.csv: column 'colour' (field 3) does not exist in table $DB.t; its columns are: id, name, qty" "unknown column message"
check_eq "$(count t)" 0 "no rows after an unknown column"

# the second of two files has an unknown column: still nothing is written
load "$WORK/good.csv" "$WORK/unknown.csv" --into "$URL/t"
check_rc 2 "unknown column in the second file"
check_eq "$(count t)" 0 "no rows written from the first file either"

# a header built to inject SQL is just an unknown column name
before=$(sql "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB'")
printf 'id,name`; DROP TABLE victim; --,qty\n1,a,1\n' >"$WORK/inject.csv"
load "$WORK/inject.csv" --into "$URL/t"
check_rc 2 "injection header"
check_eq "$(cat "$WORK/err")" "sluice: error: $WORK/inject.csv: column 'name\`; DROP TABLE victim; --' (field 2) does not exist in table $DB.t; its columns are: id, name, qty" "injection header message"
printf 'id,name,qty\n1,a,1\n' >"$WORK/inject2.csv"
load "$WORK/inject2.csv" --into "$URL/t\`; DROP TABLE victim; --"
check_rc 2 "injection in the table name"
check_eq "$(sql "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA='$DB'")" "$before" "tables untouched"
check_eq "$(sql "SELECT GROUP_CONCAT(id) FROM \`$DB\`.victim")" "1,2" "victim rows untouched"
check_eq "$(count t)" 0 "no rows after injection attempts"

# the same file twice would load its rows twice
load "$WORK/good.csv" "$WORK/good.csv" --into "$URL/t"
check_rc 2 "a file given twice"
check_eq "$(cat "$WORK/err")" "sluice: error: $WORK/good.csv is given twice; its rows would be loaded twice" "file given twice message"

# a NOT NULL column without a default that the file lacks
printf 'id,qty\n1,1\n' >"$WORK/noname.csv"
load "$WORK/noname.csv" --into "$URL/t"
check_rc 2 "missing NOT NULL column"
check_eq "$(cat "$WORK/err")" "sluice: error: column 'name' of $DB.t is NOT NULL without a default, and the input does not supply it" "missing NOT NULL column message"

# duplicate column in the header
printf 'id,name,ID\n1,a,2\n' >"$WORK/dup.csv"
load "$WORK/dup.csv" --into "$URL/t"
check_rc 2 "duplicate column"
check_contains "$WORK/err" "column 'ID' appears twice (fields 1 and 3)" "duplicate column message"

# files: missing, no glob match, empty file with a header expected
load "$WORK/nope.csv" --into "$URL/t"
check_rc 2 "missing file"
check_eq "$(cat "$WORK/err")" "sluice: error: $WORK/nope.csv: cannot open: No such file or directory" "missing file message"
load "$WORK/nomatch-*.csv" --into "$URL/t"
check_rc 2 "glob without a match"
check_eq "$(cat "$WORK/err")" "sluice: error: no file matches '$WORK/nomatch-*.csv'" "glob message"
: >"$WORK/empty.csv"
load "$WORK/empty.csv" --into "$URL/t"
check_rc 2 "empty file"
check_eq "$(cat "$WORK/err")" "sluice: error: $WORK/empty.csv: the file is empty; a header line was expected" "empty file message"

# a header-only file loads nothing and succeeds
printf 'id,name,qty\n' >"$WORK/header-only.csv"
load "$WORK/header-only.csv" --into "$URL/t"
check_rc 0 "header-only file"
check_contains "$WORK/err" "rows written  0" "header-only summary"

# an unreachable server (nothing listens on port 1)
load "$WORK/good.csv" --into "mysql://sluice@127.0.0.1:1/$DB/t"
check_rc 2 "unreachable server"
check_contains "$WORK/err" "sluice: error: cannot connect to mysql://sluice@127.0.0.1:1/$DB/t: " "unreachable server message"

# a server that accepts the connection and never answers: --connect-timeout
# bounds the wait (the default is 10 s), and the message says it ran out
python3 - "$WORK/silent.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
s.settimeout(30)
try:
    while True:
        c, _ = s.accept()
        held.append(c)  # accepted, never spoken to
except Exception:
    pass
PY
SILENT=$!
for _ in $(seq 1 50); do [ -s "$WORK/silent.port" ] && break; sleep 0.1; done
port=$(cat "$WORK/silent.port")
t0=$(date +%s)
load "$WORK/good.csv" --into "mysql://sluice@127.0.0.1:$port/$DB/t" --connect-timeout 1
t1=$(date +%s)
kill $SILENT 2>/dev/null || true
check_rc 2 "a server that never answers"
check_contains "$WORK/err" "cannot connect to mysql://sluice@127.0.0.1:$port/$DB/t: " "names the server"
check_contains "$WORK/err" "no answer within 1 s (--connect-timeout)" "says the wait ran out"
if [ $((t1 - t0)) -lt 8 ]; then pass; else fail "--connect-timeout 1 waited $((t1 - t0)) s"; fi
run_sluice load "$WORK/good.csv" --into "$URL/t" --connect-timeout 0
check_rc 2 "--connect-timeout 0"
check_contains "$WORK/err" "--connect-timeout must be a whole number from 1 to 3600" "its range"

# URL problems
run_sluice load "$WORK/good.csv" --into "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
check_rc 2 "URL without a table"
check_contains "$WORK/err" "must name a database and a table" "URL without a table message"
run_sluice load "$WORK/good.csv" --into "http://x/y/z"
check_rc 2 "URL with the wrong scheme"
check_eq "$(cat "$WORK/err")" "sluice: error: invalid URL 'http://...': it must start with mysql://" "wrong scheme message"
check_eq "$(count t)" 0 "still no rows"
finish
