#!/usr/bin/env bash
# Secrets never leak and values never become options (issue 25): a
# password in a URL that does not parse is never printed, by load, run or
# check; a job's `source` cannot smuggle in an option.
source "$(dirname "$0")/lib.sh"
setup secrets
printf 'a\n1\n' >"$WORK/a.csv"

# No output of the command may hold the password's bytes.
no_secret() { # WHAT
  check_not_contains "$WORK/err" "$SECRET" "$1: password on stderr"
  check_not_contains "$WORK/out" "$SECRET" "$1: password on stdout"
}

for bad in "mysql:/sec:SECRET_PW@127.0.0.1:$SLUICE_DB_PORT/$DB/t" \
  "mysql://sec:12?SECRET_PW@127.0.0.1:$SLUICE_DB_PORT/$DB/t" \
  "mysql://sec:SECRET_PW@127.0.0.1:x$SLUICE_DB_PORT/$DB/t" \
  "mysql://sec:12?ssl-mode=SECRET_PW@127.0.0.1/$DB/t" \
  "mysql://sec:SECRET_PW/w:rd#1@127.0.0.1:$SLUICE_DB_PORT/$DB/t" \
  "mysql://sec:p@SECRET_PW/w:rd#1@127.0.0.1:$SLUICE_DB_PORT/$DB/t"; do
  SECRET=SECRET_PW
  run_sluice load "$WORK/a.csv" --into "$bad"
  check_rc 2 "load into an unparsable URL"
  check_contains "$WORK/err" "invalid URL 'mysql:" "load names the problem"
  check_not_contains "$WORK/err" "sec:" "no part of the user-info, not even the user name"
  no_secret "load --into '$bad'"
  run_sluice check "$bad"
  check_rc 2 "check of an unparsable URL"
  no_secret "check '$bad'"
  cat >"$WORK/job.ini" <<INI
[connection w]
url = $bad

[step s]
action = load
source = $WORK/a.csv
into = w/t
INI
  run_sluice run "$WORK/job.ini"
  check_rc 2 "run of a job with an unparsable URL"
  no_secret "run with url = '$bad'"
  cat >"$WORK/job2.ini" <<INI
[step s]
action = load
source = $WORK/a.csv
into = $bad
INI
  run_sluice run "$WORK/job2.ini"
  check_rc 2 "run of a step with an unparsable URL"
  no_secret "run with into = '$bad'"
  run_sluice check "$WORK/job2.ini"
  check_rc 2 "check of a step with an unparsable URL"
  no_secret "check of a job with into = '$bad'"
  run_sluice copy --from "$bad" --to "$URL/t"
  check_rc 2 "copy from an unparsable URL"
  no_secret "copy --from '$bad'"
done

# a password with '@', '/', ':' and '#' not percent-encoded: refused whole,
# with how to write it; the same password encoded connects
SECRET='p@SECRET/w:rd#1'
run_sluice load "$WORK/a.csv" --into "mysql://sec:$SECRET@127.0.0.1:$SLUICE_DB_PORT/$DB/t"
check_rc 2 "an unencoded password"
check_contains "$WORK/err" "sluice: error: invalid URL 'mysql://...': a '@' after the host: in a user name or password, '@', '/', ':', '?' and '#' must be percent-encoded (p@ss/w:rd#1 is p%40ss%2Fw%3Ard%231), as must a '@' in a database or table name" "the percent-encoding message"
check_not_contains "$WORK/err" "SECRET" "no piece of it printed"
sql "CREATE USER IF NOT EXISTS 'odd_$$'@'%' IDENTIFIED BY '$SECRET'; GRANT ALL ON \`$DB\`.* TO 'odd_$$'@'%';
     CREATE TABLE \`$DB\`.odd (a INT)"
ENC=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$SECRET")
run_sluice load "$WORK/a.csv" --into "mysql://odd_$$:$ENC@127.0.0.1:$SLUICE_DB_PORT/$DB/odd"
check_rc 0 "the same password, percent-encoded"
check_not_contains "$WORK/err" "SECRET" "and not printed"
sql "DROP USER 'odd_$$'@'%'"

# option injection through a job's source: the value is files only
sql "CREATE TABLE \`$DB\`.t (a INT); CREATE TABLE \`$DB\`.victim (n INT)"
cat >"$WORK/inj.ini" <<INI
[step s]
action = load
source = \${SRC_FILES}
into = $URL/t
defaults-file = $SLUICE_DB_CNF
INI
SRC_FILES="$WORK/a.csv,--after-sql=INSERT INTO $DB.victim VALUES (55)" run_sluice run "$WORK/inj.ini"
check_rc 1 "a job whose source holds an option"
check_contains "$WORK/err" "--after-sql=INSERT INTO $DB.victim VALUES (55)" "the smuggled value is taken for a file"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.victim")" 0 "the smuggled --after-sql never ran"
finish
