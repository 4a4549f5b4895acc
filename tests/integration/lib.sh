# Shared helpers for the integration tests. Each test script sources this,
# then calls `setup NAME`, which gives it a database of its own on the private
# server that ctest's db fixture started, and a scratch directory.
#
# Environment from ctest: SLUICE_BIN (the binary), SLUICE_SRC (the source
# tree), SLUICE_TESTDB (the server directory made by scripts/dbserver.sh).
set -euo pipefail
export LC_ALL=C

# shellcheck disable=SC1091
source "$SLUICE_TESTDB/env.sh"
PASSED=0
FAILED=0
TOOLS="$SLUICE_SRC/tests/tools"
GEN="$SLUICE_SRC/bench/gen_orders.py"

setup() {
  DB="t_$1"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-it-$1.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  sql "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`"
  URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
}

# Runs SQL as root over the socket; prints rows tab-separated.
sql() {
  mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot --batch --skip-column-names \
    --default-character-set=utf8mb4 -e "$1"
}

# Runs `sluice load ARGS... --defaults-file CNF`, keeping stdout, stderr and
# the exit code in $WORK/out, $WORK/err and $RC.
load() {
  set +e
  "$SLUICE_BIN" load "$@" --defaults-file "$SLUICE_DB_CNF" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  check_reports "$@"
}

# Runs sluice with exactly the given arguments (no defaults file).
run_sluice() {
  set +e
  "$SLUICE_BIN" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  check_reports "$@"
}

# Checks the report that ARGS... asked for with --report FILE (if it was
# written, and is a file) against docs/report.schema.json, so that every
# report a test makes is validated.
check_reports() {
  local prev="" a f
  for a in "$@"; do
    f=""
    if [ "$prev" = "--report" ]; then f="$a"; fi
    case "$a" in --report=*) f="${a#--report=}" ;; esac
    prev="$a"
    [ -n "$f" ] && [ -f "$f" ] || continue
    check_report_file "$f"
  done
}

check_report_file() { # FILE
  local why
  if why=$(python3 "$TOOLS/check_report.py" "$SLUICE_SRC/docs/report.schema.json" "$1" 2>&1); then
    pass
  else
    fail "report $1 does not follow docs/report.schema.json: $why"
  fi
}

pass() { PASSED=$((PASSED + 1)); }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $*" >&2
  if [ -f "$WORK/err" ]; then sed 's/^/  stderr: /' "$WORK/err" | head -20 >&2; fi
}

check_eq() { # GOT WANT WHAT
  if [ "$1" == "$2" ]; then pass; else fail "$3: got '$1', want '$2'"; fi
}

check_ne() { # GOT UNWANTED WHAT
  if [ "$1" != "$2" ]; then pass; else fail "$3: got '$1' on both"; fi
}

check_rc() { # WANT WHAT
  check_eq "$RC" "$1" "exit code of $2"
}

check_contains() { # FILE TEXT WHAT
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $(basename "$1")"; fi
}

check_matches() { # FILE EXTENDED-REGEX WHAT
  if grep -qE -- "$2" "$1"; then pass; else fail "$3: /$2/ not in $(basename "$1")"; fi
}

check_not_contains() { # FILE TEXT WHAT
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' found in $(basename "$1")"; else pass; fi
}

check_table() { # TABLE EXPECTED.jsonl [ORDER_COL] WHAT
  local order=()
  [ -n "${3:-}" ] && order=(--order-by "$3")
  if python3 "$TOOLS/dbcheck.py" compare "$DB.$1" "$2" "${order[@]}" >"$WORK/dbcheck" 2>&1; then
    pass
  else
    fail "${4:-table $1}: contents differ"
    cat "$WORK/dbcheck" >&2
  fi
}

# 1234567 -> 1,234,567, as sluice prints counts
fmt() { python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }

count() { sql "SELECT COUNT(*) FROM \`$DB\`.\`$1\`"; }

# Empties a table and forgets the checkpoints of earlier loads into it.
reset_table() {
  sql "TRUNCATE \`$DB\`.\`$1\`; DELETE FROM \`$DB\`.sluice_checkpoints WHERE target = '$DB.$1'" 2>/dev/null ||
    sql "TRUNCATE \`$DB\`.\`$1\`"
}

orders_table() { # NAME
  python3 "$GEN" --schema | sed "s/CREATE TABLE orders/CREATE TABLE \`$1\`/" |
    mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB"
}

# Prints the closing line ctest-readers understand and exits accordingly.
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
}

# Starts `sluice load ARGS... --defaults-file CNF` in the background; its
# output goes to $WORK/out and $WORK/err, its pid to $LOAD_PID.
start_load() {
  "$SLUICE_BIN" load "$@" --defaults-file "$SLUICE_DB_CNF" >"$WORK/out" 2>"$WORK/err" &
  LOAD_PID=$!
  LOAD_ARGS=("$@")
}

# Waits for the background load; its exit code goes to $RC.
wait_load() {
  set +e
  wait "$LOAD_PID"
  RC=$?
  set -e
  check_reports "${LOAD_ARGS[@]}"
}

# Waits until TABLE holds at least N committed rows (or the load ended).
wait_rows() { # TABLE N
  local i
  for i in $(seq 1 600); do
    [ "$(count "$1")" -ge "$2" ] && return 0
    kill -0 "$LOAD_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  return 0
}

# The number after "NAME" in the summary, e.g. summary_value "rows written".
summary_value() { sed -n "s/^  $1 *//p" "$WORK/err" | tr -d , | head -1; }

# Starts a private server in $WORK/srv for this test alone; it is stopped
# and removed on exit.
start_private_server() {
  "$SLUICE_SRC/scripts/dbserver.sh" start "$WORK/srv" >/dev/null
  trap '"$SLUICE_SRC/scripts/dbserver.sh" stop "$WORK/srv" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
}

# Moves the test from the shared server to a private one of its own (for
# tests that watch global counters or stop the server): every helper talks
# to it from here on, URL points at $DB there, and $DB is created.
own_server() {
  start_private_server
  # shellcheck source=/dev/null
  source "$WORK/srv/env.sh"
  URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
  sql "CREATE DATABASE \`$DB\`"
}

# Starts a second private server for this test (stopped and removed on exit)
# and sets A_URL, A_CNF (the shared server), B_URL, B_CNF, B_SOCK and sqlb,
# which runs SQL as root on the second server.
second_server() {
  local srv="$WORK/srv"
  start_private_server
  A_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT"
  A_CNF="$SLUICE_DB_CNF"
  B_PORT=$(sed -n "s/^export SLUICE_DB_PORT='\(.*\)'/\1/p" "$srv/env.sh")
  B_SOCK=$(sed -n "s/^export SLUICE_DB_SOCKET='\(.*\)'/\1/p" "$srv/env.sh")
  B_URL="mysql://sluice@127.0.0.1:$B_PORT"
  B_CNF="$srv/client.cnf"
}

# Starts a private PostgreSQL 15 server for this test (scripts/pgserver.sh),
# stopped on exit. Its directory is under /tmp, since the postgres account
# it runs as cannot enter /root. Sets PG_DIR and PG_URL (no password in it:
# PGPASSFILE holds the sluice role's); pgsql runs SQL as the superuser.
pg_server() {
  PG_DIR=$(mktemp -d /tmp/sluice-pg.XXXXXX)
  trap '"$SLUICE_SRC/scripts/pgserver.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; rm -rf "$PG_DIR" "$WORK"' EXIT
  "$SLUICE_SRC/scripts/pgserver.sh" start "$PG_DIR" >/dev/null
  # shellcheck source=/dev/null
  source "$PG_DIR/env.sh"
  PG_URL="$SLUICE_PG_URL"
}
pgsql() { "$SLUICE_SRC/scripts/pgserver.sh" psql "$PG_DIR" -At -c "$1"; }

sqlb() {
  mariadb --no-defaults -S "$B_SOCK" -uroot --batch --skip-column-names \
    --default-character-set=utf8mb4 -e "$1"
}

# For copy tests from $DB into the database $DST, whose URL is $DST_URL, on
# the shared server.
start_copy() { # ARGS...: the copy in the background; its pid goes to $LOAD_PID
  "$SLUICE_BIN" copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" \
    "$@" >"$WORK/out" 2>"$WORK/err" &
  LOAD_PID=$!
}
dst_rows() { sql "SELECT COUNT(*) FROM \`$DST\`.\`$1\`" 2>/dev/null || echo 0; }
wait_dst_rows() { # TABLE N: until $DST.TABLE holds N rows (or the copy ended)
  for _ in $(seq 1 600); do
    [ "$(dst_rows "$1")" -ge "$2" ] && return 0
    kill -0 "$LOAD_PID" 2>/dev/null || return 0
    sleep 0.05
  done
}
checksum() { sql "CHECKSUM TABLE \`$1\`.\`$2\`" | cut -f2; } # DB TABLE
