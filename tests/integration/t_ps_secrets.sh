#!/usr/bin/env bash
# No password in any process's argv: `sluice load --into mysql://u:PW@...`
# overwrites the password in its own argv, and `sluice run` passes a step's
# URL password through the step's environment (SLUICE_INTO_PASSWORD), never
# its argv. Each process is caught while it waits on a named pipe, so what
# ps would show is read at a known moment. Also: a named pipe is read once,
# header and rows alike.
source "$(dirname "$0")/lib.sh"
setup ps_secrets
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, v VARCHAR(10))"
PW=$(sed -n 's/^password=//p' "$SLUICE_DB_CNF")
PWURL="mysql://sluice:$PW@127.0.0.1:$SLUICE_DB_PORT/$DB"
mkfifo "$WORK/fifo"

# the argv of every process whose command line mentions sluice, one per line
# (a step's argv[0] is plain "sluice")
sluice_cmdlines() {
  for f in /proc/[0-9]*/cmdline; do
    tr '\0' ' ' <"$f" 2>/dev/null | grep -a sluice || true
  done
}

# 1. sluice's own argv
set +e
"$SLUICE_BIN" load "$WORK/fifo" --into "$PWURL/t" >"$WORK/out" 2>"$WORK/err" &
PID=$!
set -e
exec 3>"$WORK/fifo" # returns once sluice has opened the pipe, well after main()
tr '\0' ' ' <"/proc/$PID/cmdline" >"$WORK/cmdline"
check_not_contains "$WORK/cmdline" "$PW" "own argv: the password is overwritten"
check_contains "$WORK/cmdline" "--into mysql://sluice:$(printf '%*s' ${#PW} '' | tr ' ' '*')@127.0.0.1:$SLUICE_DB_PORT/$DB/t" "own argv: the rest of the URL is kept"
printf 'id,v\n1,a\n2,b\n3,c\n' >&3
exec 3>&-
set +e
wait "$PID"
RC=$?
set -e
check_rc 0 "load from a named pipe with a URL password"
check_eq "$(count t)" 3 "a named pipe is read once, header and rows"

# 2. a job's step: the password is in the step's environment only
sql "TRUNCATE \`$DB\`.t"
cat >"$WORK/job.ini" <<INI
[job]
name = ps-secrets

[connection db]
url = $PWURL

[step one]
action = load
source = $WORK/fifo
into = db/t
INI
chmod 600 "$WORK/job.ini"
set +e
"$SLUICE_BIN" run "$WORK/job.ini" >"$WORK/out" 2>"$WORK/err" &
PID=$!
set -e
exec 3>"$WORK/fifo" # the step has opened the pipe
sluice_cmdlines >"$WORK/cmdlines"
check_contains "$WORK/cmdlines" "$SLUICE_BIN run $WORK/job.ini" "the runner is seen"
check_contains "$WORK/cmdlines" "load --into mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB/t" "the step is seen, its URL without the password"
check_not_contains "$WORK/cmdlines" "$PW" "no argv holds the password"
STEP=$(pgrep -P "$PID" | head -1)
tr '\0' '\n' <"/proc/$STEP/environ" >"$WORK/environ"
check_contains "$WORK/environ" "SLUICE_INTO_PASSWORD=$PW" "the step's environment carries it"
check_eq "$(stat -c %U "/proc/$STEP/environ")" "$(id -un)" "the environment belongs to the job's user"
printf 'id,v\n1,a\n2,b\n' >&3
exec 3>&-
set +e
wait "$PID"
RC=$?
set -e
check_rc 0 "the job ran with the password from the environment"
check_eq "$(count t)" 2 "the step loaded its rows"
check_not_contains "$WORK/err" "$PW" "the job's output holds no password"

# 3. the variable alone gives a command its password; the URL's own wins
sql "TRUNCATE \`$DB\`.t"
printf 'id,v\n1,a\n' >"$WORK/t.csv"
set +e
SLUICE_INTO_PASSWORD="$PW" "$SLUICE_BIN" load "$WORK/t.csv" --into "$URL/t" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "SLUICE_INTO_PASSWORD"
set +e
SLUICE_INTO_PASSWORD="$PW" "$SLUICE_BIN" load "$WORK/t.csv" \
  --into "mysql://sluice:Wrong99@127.0.0.1:$SLUICE_DB_PORT/$DB/t" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "the URL's password comes first"
check_contains "$WORK/err" "Access denied for user 'sluice'" "the wrong URL password was used"
finish
