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
check_contains "$WORK/err" "(using password: NO) (1045); no password given (looked in: the URL, SLUICE_*_PASSWORD, -p, MYSQL_PWD, the [client] and [sluice] groups of /etc/my.cnf, /etc/mysql/my.cnf and ~/.my.cnf)" "where it looked"

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
check_contains "$WORK/err" "looked in: the URL, SLUICE_*_PASSWORD, -p, MYSQL_PWD, no option file (--no-defaults))" "says no file was read"
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
# the mysql client's flags fill in what the URL leaves out, after the URL
try "-u -h -P -p" --into "mysql:///$DB/t" --no-defaults -u sluice -h 127.0.0.1 -P "$SLUICE_DB_PORT" -p"$PW"
check_rc 0 "-u -h -P -pPW"
check_contains "$WORK/err" "sluice load: warning: a password on the command line is insecure" "warned"
try "the URL before the flags" --into "$T" --no-defaults -h no-such-host.invalid -P 1 -u nobody --password="$PW"
check_rc 0 "the URL's user, host and port before -u -h -P"
MYSQL_PWD="$PW" try "-p before MYSQL_PWD" --into "$T" --no-defaults -pwrong-on-cmdline
check_rc 2 "-p before MYSQL_PWD"
check_contains "$WORK/err" "(using password: YES)" "the flag's password tried"
(unset MYSQL_PWD && sql "TRUNCATE \`$DB\`.t")
try "-S" --into "mysql:///$DB/t" --no-defaults -u sluice -S "$SLUICE_DB_SOCKET" -p"$PW"
check_rc 0 "-S with no host in the URL"

# -pSECRET is starred out of /proc/PID/cmdline while the load runs
(unset MYSQL_PWD && sql "TRUNCATE \`$DB\`.t")
(sleep 2; cat "$WORK/t.csv") | "$SLUICE_BIN" load - --into "$T" --no-defaults -p"$PW" --no-checkpoint \
  >"$WORK/out" 2>"$WORK/err" &
LOAD_PID=$!
sleep 1
tr '\0' ' ' <"/proc/$LOAD_PID/cmdline" >"$WORK/cmdline"
wait $LOAD_PID || true
check_not_contains "$WORK/cmdline" "$PW" "the password is not in /proc/PID/cmdline"
check_contains "$WORK/cmdline" "-p*" "it is starred out"
check_eq "$(unset MYSQL_PWD && count t)" 2 "that load ran"

# -p alone asks on the terminal; without one it is refused
set +e
setsid "$SLUICE_BIN" load "$WORK/t.csv" --into "$T" --no-defaults -p </dev/null >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "-p without a terminal"
check_contains "$WORK/err" "sluice load: -p asks for the password on a terminal, and there is none" "says why"
(unset MYSQL_PWD && sql "TRUNCATE \`$DB\`.t")
python3 - "$SLUICE_BIN" "$WORK/t.csv" "$T" "$PW" >"$WORK/pty.out" <<'PY'
import os, pty, sys
sluice, csv, url, pw = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sluice, [sluice, "load", csv, "--into", url, "--no-defaults", "-p", "--no-checkpoint"])
seen = b""
while b"Enter password: " not in seen:
    seen += os.read(fd, 1024)
os.write(fd, pw.encode() + b"\n")
rest = b""
try:
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        rest += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(status))
print("echoed" if pw.encode() in rest else "not echoed")
PY
check_contains "$WORK/pty.out" "exit 0" "-p asks on the terminal, and the load runs"
check_contains "$WORK/pty.out" "not echoed" "the password is not echoed"
check_eq "$(unset MYSQL_PWD && count t)" 2 "the rows, with the password typed"

# a job step may not carry a password
printf '[step x]\naction = load\nsource = a.csv\ninto = %s\npassword = x\n' "$T" >"$WORK/pw.ini"
run_sluice run "$WORK/pw.ini"
check_rc 2 "a password key in a job step"
check_contains "$WORK/err" "a password does not go in a job file's step" "refused"
# --defaults-extra-file: read after the global files (or --defaults-file),
# before ~/.my.cnf, whose values therefore win, as with the mysql client
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"
printf '[client]\npassword=%s\n' "$PW" >"$WORK/extra.cnf"
chmod 600 "$WORK/extra.cnf"
mycnf "[client]" "user=sluice"
try "--defaults-extra-file" --into "$T" --defaults-extra-file "$WORK/extra.cnf"
check_rc 0 "the password from --defaults-extra-file, the rest of ~/.my.cnf"
mycnf "[client]" "password=wrong"
try "~/.my.cnf after the extra file" --into "$T" --defaults-extra-file "$WORK/extra.cnf"
check_rc 2 "~/.my.cnf is read after the extra file, and its password wins"
check_contains "$WORK/err" "Access denied" "the wrong password of ~/.my.cnf was used"
printf '[client]\nuser=sluice\n' >"$WORK/nopw.cnf"
try "--defaults-file with --defaults-extra-file" --into "$T" --defaults-file "$WORK/nopw.cnf" \
  --defaults-extra-file "$WORK/extra.cnf"
check_rc 0 "--defaults-file, then the extra file (not ~/.my.cnf)"
check_eq "$(ls "$TMPDIR" | wc -l)" 0 "the file of !include lines is removed"
try "a missing extra file" --into "$T" --defaults-extra-file "$WORK/none.cnf"
check_rc 2 "a missing --defaults-extra-file"
check_contains "$WORK/err" "sluice load: --defaults-extra-file $WORK/none.cnf: cannot read it: No such file or directory" "says which"
try "extra with --no-defaults" --into "$T" --defaults-extra-file "$WORK/extra.cnf" --no-defaults
check_rc 2 "--defaults-extra-file with --no-defaults"
check_contains "$WORK/err" "--defaults-extra-file and --no-defaults disagree; give one" "refused"
unset TMPDIR

finish
