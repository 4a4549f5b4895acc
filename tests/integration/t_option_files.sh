#!/usr/bin/env bash
# Credentials as every MySQL client finds them, against the shared server's
# `sluice` account (its password set): the URL's password, then MYSQL_PWD,
# then the option files' [client] and [sluice] groups, from the standard
# files (~/.my.cnf of a temporary HOME here), or only --defaults-file, or
# none with --no-defaults. Each step of that order is tried with a wrong
# password in the step after it. An access denied without a password says
# where sluice looked.
source "$(dirname "$0")/lib.sh"
setup option_files
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, v VARCHAR(10))"
printf 'id,v\n1,a\n2,b\n' >"$WORK/t.csv"
PW=$(sed -n 's/^password=//p' "$SLUICE_DB_CNF")
export HOME="$WORK/home"
mkdir -p "$HOME"
unset MYSQL_PWD MYSQL_HOME
T="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB/t"

# try WHAT ARGS...: a load with no option given but ARGS; the table emptied first
try() {
  local what=$1
  shift
  (unset MYSQL_PWD && sql "TRUNCATE \`$DB\`.t")
  set +e
  "$SLUICE_BIN" load "$WORK/t.csv" --no-checkpoint "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  [ "$RC" != 0 ] || check_eq "$(unset MYSQL_PWD && count t)" 2 "$what: the rows"
  check_not_contains "$WORK/err" "$PW" "$what: the password is not printed"
}
mycnf() { printf '%s\n' "$@" >"$HOME/.my.cnf"; chmod 600 "$HOME/.my.cnf"; }

# no password anywhere: the message says where sluice looked
try "no password" --into "$T"
check_rc 2 "no password"
check_contains "$WORK/err" "(using password: NO) (1045); no password given (looked in: the URL, SLUICE_*_PASSWORD, MYSQL_PWD, the [client] and [sluice] groups of /etc/my.cnf, /etc/mysql/my.cnf and ~/.my.cnf)" "where it looked"

# ~/.my.cnf's [client] group, as the mariadb client reads it
mycnf "[client]" "password=$PW"
try "~/.my.cnf [client]" --into "$T"
check_rc 0 "~/.my.cnf [client]"
set +e
mariadb -h127.0.0.1 -P"$SLUICE_DB_PORT" -usluice -e "SELECT 1" >/dev/null 2>&1
check_eq "$?" 0 "the mariadb client reads the same file"
set -e

# the [sluice] group, and host, port and user from the file when the URL leaves them out
mycnf "[client]" "password=wrong" "[sluice]" "user=sluice" "password=$PW" "host=127.0.0.1" "port=$SLUICE_DB_PORT"
try "~/.my.cnf [sluice]" --into "mysql:///$DB/t"
check_rc 0 "the [sluice] group after [client], and what the URL leaves out"

# --no-defaults reads none
try "--no-defaults" --into "$T" --no-defaults
check_rc 2 "--no-defaults"
check_contains "$WORK/err" "looked in: the URL, SLUICE_*_PASSWORD, MYSQL_PWD, no option file (--no-defaults))" "says no file was read"
try "both" --into "$T" --no-defaults --defaults-file "$SLUICE_DB_CNF"
check_rc 2 "--no-defaults with --defaults-file"
check_contains "$WORK/err" "give --defaults-file or --no-defaults, not both" "refused"

# --defaults-file: that file only, not ~/.my.cnf
mycnf "[client]" "password=wrong"
try "--defaults-file" --into "$T" --defaults-file "$SLUICE_DB_CNF"
check_rc 0 "--defaults-file wins over ~/.my.cnf (which is not read)"
printf '[client]\nuser=nobody\n' >"$WORK/empty.cnf"
mycnf "[client]" "password=$PW"
try "--defaults-file only" --into "$T" --defaults-file "$WORK/empty.cnf"
check_rc 2 "~/.my.cnf is not read beside --defaults-file"
check_contains "$WORK/err" "the [client] and [sluice] groups of $WORK/empty.cnf" "names the one file"

# the order: the URL, then MYSQL_PWD, then the option files
mycnf "[client]" "password=wrong-in-file"
MYSQL_PWD="$PW" try "MYSQL_PWD before ~/.my.cnf" --into "$T"
check_rc 0 "MYSQL_PWD before the option files"
MYSQL_PWD="wrong-in-env" try "MYSQL_PWD's wrong password" --into "$T" --defaults-file "$SLUICE_DB_CNF"
check_rc 2 "MYSQL_PWD is used before --defaults-file too"
check_contains "$WORK/err" "Access denied for user 'sluice'@'127.0.0.1' (using password: YES)" "a wrong password tried"
MYSQL_PWD="wrong-in-env" SLUICE_INTO_PASSWORD="$PW" try "SLUICE_INTO_PASSWORD before MYSQL_PWD" --into "$T"
check_rc 0 "SLUICE_INTO_PASSWORD (the URL's own) before MYSQL_PWD"
MYSQL_PWD="wrong-in-env" try "the URL's password first" --into "mysql://sluice:$PW@127.0.0.1:$SLUICE_DB_PORT/$DB/t"
check_rc 0 "the URL's password before MYSQL_PWD"
finish
