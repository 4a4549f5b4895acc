#!/usr/bin/env bash
# ${NAME} in a job's SQL-valued keys (before-sql, after-sql, session-sql,
# where, query): a plain reference is refused, since the variable's text
# would become SQL; ${NAME:literal} passes it as one quoted string literal.
# The variable below tries to end the statement and insert a row.
source "$(dirname "$0")/lib.sh"
setup job_sql_env
sql "CREATE TABLE \`$DB\`.victim (n INT)"
sql "CREATE TABLE \`$DB\`.log (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(200))"
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, note VARCHAR(200))"
printf 'id,note\n1,plain\n' >"$WORK/t.csv"
# shellcheck disable=SC2016
export SLUICE_TEST_EVIL='x"; INSERT INTO victim VALUES (7); COMMIT; SET @y="'"'"'\ -- ;'
WANT_EVIL=$SLUICE_TEST_EVIL
SHOWN_EVIL=${WANT_EVIL//\\/\\\\} # as `mariadb --batch` prints it: \ doubled
sql "INSERT INTO \`$DB\`.t VALUES (2, '$(printf '%s' "$WANT_EVIL" | sed "s/\\\\/\\\\\\\\/g; s/'/''/g")')"
check_eq "$(sql "SELECT note FROM \`$DB\`.t WHERE id = 2")" "$SHOWN_EVIL" "the tricky row is stored as the variable holds it"

job() { # KEY VALUE: a load step with one SQL key, then run it
  cat >"$WORK/job.ini" <<INI
[connection db]
url = $URL
defaults-file = $SLUICE_DB_CNF

[step one]
action = load
source = $WORK/t.csv
into = db/t
mode = upsert
$1 = $2
INI
  run_sluice run "$WORK/job.ini" --lock-dir "$WORK"
}

# 1. plain ${NAME} in each SQL key is refused, and nothing runs
for key in session-sql before-sql after-sql; do
  job "$key" "SET @x = \"\${SLUICE_TEST_EVIL}\""
  check_rc 2 "$key: plain \${NAME} refused"
  check_contains "$WORK/err" "sluice run: $WORK/job.ini:10: key '$key' is SQL: \${SLUICE_TEST_EVIL} would put the variable's text into it as SQL; write \${SLUICE_TEST_EVIL:literal} to pass it as a quoted string literal" "$key: the message names the literal form"
done
check_eq "$(count victim)" 0 "no injected row"
check_eq "$(count log)" 0 "no step ran"

# 2. ${NAME:literal} arrives as the exact value, and injects nothing
job before-sql "INSERT INTO log (v) VALUES (\${SLUICE_TEST_EVIL:literal})"
check_rc 0 "before-sql with a literal"
check_eq "$(sql "SELECT v FROM \`$DB\`.log")" "$SHOWN_EVIL" "the literal holds the variable's bytes"
job session-sql "SET @tag = \${SLUICE_TEST_EVIL:literal}"
check_rc 0 "session-sql with a literal"
check_eq "$(count victim)" 0 "no injected row"

# 3. where: the literal selects exactly the row holding that text
cat >"$WORK/x.ini" <<INI
[step x]
action = extract
from = $URL/t
defaults-file = $SLUICE_DB_CNF
where = note = \${SLUICE_TEST_EVIL:literal}
to = $WORK/x.csv
INI
run_sluice run "$WORK/x.ini" --lock-dir "$WORK"
check_rc 0 "extract with a literal in where"
check_eq "$(tail -n +2 "$WORK/x.csv" | cut -d, -f1)" "2" "where matched the one row"

# 4. other keys keep plain expansion; :literal there is refused
export SLUICE_TEST_DIR="$WORK"
cat >"$WORK/p.ini" <<INI
[step p]
action = load
source = \${SLUICE_TEST_DIR}/t.csv
into = $URL/t
defaults-file = $SLUICE_DB_CNF
mode = upsert
INI
run_sluice run "$WORK/p.ini" --lock-dir "$WORK"
check_rc 0 "plain \${NAME} in source"
cat >"$WORK/q.ini" <<INI
[step q]
action = load
source = \${SLUICE_TEST_DIR:literal}/t.csv
into = $URL/t
INI
run_sluice run "$WORK/q.ini" --lock-dir "$WORK"
check_rc 2 ":literal outside SQL"
check_contains "$WORK/err" "sluice run: $WORK/q.ini:3: key 'source': \${SLUICE_TEST_DIR:literal} quotes a value for SQL, and 'source' is not SQL; write \${SLUICE_TEST_DIR}" "the message"
check_eq "$(count victim)" 0 "still no injected row"
finish
