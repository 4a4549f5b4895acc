#!/usr/bin/env bash
# Passwords: from the URL, MYSQL_PWD or an option file; never printed.
source "$(dirname "$0")/lib.sh"
setup credentials
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, v VARCHAR(10))"
printf 'id,v\n1,a\n2,b\n' >"$WORK/t.csv"
PW=$(sed -n 's/^password=//p' "$SLUICE_DB_CNF")

# MYSQL_PWD, no option file
set +e
MYSQL_PWD="$PW" "$SLUICE_BIN" load "$WORK/t.csv" --into "$URL/t" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "password from MYSQL_PWD"
check_not_contains "$WORK/err" "$PW" "MYSQL_PWD password not printed"

# MYSQL_PWD comes before the option file's password (t_option_files has
# the whole order)
sql "TRUNCATE \`$DB\`.t"
set +e
MYSQL_PWD=not-the-password "$SLUICE_BIN" load "$WORK/t.csv" --into "$URL/t" \
  --defaults-file "$SLUICE_DB_CNF" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "MYSQL_PWD before the option file"
check_not_contains "$WORK/err" "not-the-password" "MYSQL_PWD's password not printed"

# the password in the URL is masked in the summary
sql "TRUNCATE \`$DB\`.t"
run_sluice load "$WORK/t.csv" --into "mysql://sluice:$PW@127.0.0.1:$SLUICE_DB_PORT/$DB/t"
check_rc 0 "password from the URL"
check_contains "$WORK/err" "sluice: loaded into mysql://sluice:***@127.0.0.1:$SLUICE_DB_PORT/$DB/t" "masked URL in the summary"
check_not_contains "$WORK/err" "$PW" "URL password not printed"

# a wrong password is refused without being printed
run_sluice load "$WORK/t.csv" --into "mysql://sluice:WrongSecret99@127.0.0.1:$SLUICE_DB_PORT/$DB/t"
check_rc 2 "wrong password"
check_contains "$WORK/err" "sluice: error: cannot connect to mysql://sluice:***@127.0.0.1:$SLUICE_DB_PORT/$DB/t: Access denied for user 'sluice'@'127.0.0.1'" "access denied message"
check_not_contains "$WORK/err" "WrongSecret99" "wrong password not printed"

# no password at all
run_sluice load "$WORK/t.csv" --into "$URL/t"
check_rc 2 "no password"
check_contains "$WORK/err" "Access denied" "no password message"

# a unix socket, with the password from the option file
sql "TRUNCATE \`$DB\`.t"
load "$WORK/t.csv" --into "mysql://sluice@localhost/$DB/t?socket=$SLUICE_DB_SOCKET"
check_rc 0 "load over the unix socket"
check_eq "$(count t)" 2 "rows over the socket"
finish
