#!/usr/bin/env bash
# A parallel extract outlives a reader whose connection is killed: another
# reader finishes the lost range in the same snapshot, skipping the rows
# already written. A writer keeps moving money between key ranges while the
# extract runs, so a range read again outside the snapshot would show in the
# total. Every row is written once. Where no other reader shares the
# snapshot (one reader, or --order-by-pk), the lost reader fails the run.
source "$(dirname "$0")/lib.sh"
setup extract_faults

ROWS=200000
sql "USE \`$DB\`;
CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL);
INSERT INTO accounts SELECT seq, 1000 FROM seq_1_to_$ROWS;
CREATE TABLE stop (x INT)"
TOTAL=$((ROWS * 1000))
mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB" <<SQL
DELIMITER //
CREATE PROCEDURE churn()
BEGIN
  DECLARE a, b INT;
  WHILE (SELECT COUNT(*) FROM stop) = 0 DO
    SET a = 1 + FLOOR(RAND() * $ROWS / 2), b = $ROWS / 2 + 1 + FLOOR(RAND() * $ROWS / 2);
    START TRANSACTION;
    UPDATE accounts SET balance = balance - 7 WHERE id = a;
    UPDATE accounts SET balance = balance + 7 WHERE id = b;
    COMMIT;
  END WHILE;
END //
SQL

# extract ARGS...: a slow extract of accounts in the background, while the
# writer churns; once it reads, one reader's connection is killed. Waits
# for it; its exit code goes to $RC.
extract_killing_one() {
  rm -f "$WORK/out.csv"
  sql "DELETE FROM \`$DB\`.stop"
  mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB" -e "CALL churn()" &
  local writer=$! victim=""
  "$SLUICE_BIN" extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/accounts" \
    --where 'id % 20 <> 0 OR SLEEP(0.001) = 0' --chunk-rows 50000 --to "$WORK/out.csv" "$@" \
    >"$WORK/out" 2>"$WORK/err" &
  local pid=$!
  for _ in $(seq 1 300); do
    victim=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'sluice'
      AND INFO LIKE 'SELECT%accounts%' ORDER BY ID LIMIT 1")
    [ -n "$victim" ] && break
    sleep 0.02
  done
  sleep 1 # some chunks of its range are written
  [ -n "$victim" ] && sql "KILL CONNECTION $victim"
  set +e; wait "$pid"; RC=$?; set -e
  sql "INSERT INTO \`$DB\`.stop VALUES (1)"
  wait "$writer"
  check_ne "$victim" "" "a reader was found reading ($*)"
}

extract_killing_one --threads 3
check_rc 0 "extract --threads 3 with a killed reader"
check_matches "$WORK/err" "^sluice: reader [0-9]: .*; another reader finishes its range in the same snapshot, from row [0-9]+,[0-9]{3}$" \
  "the hand-over is said, past the rows already written"
read -r n sum distinct < <(python3 - "$WORK/out.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))[1:]
print(len(rows), sum(int(r[1]) for r in rows), len({r[0] for r in rows}))
PY
)
check_eq "$n" "$ROWS" "rows extracted"
check_eq "$distinct" "$ROWS" "every key once"
check_eq "$sum" "$TOTAL" "the total of one snapshot"
check_eq "$(summary_value rows)" "$(fmt "$ROWS" | tr -d ,)" "the summary counts every row once"

cat "$WORK/err" >&2
extract_killing_one --threads 1
check_rc 1 "one reader, killed"
check_contains "$WORK/err" "Lost connection to server during query (2013)" "the lost reader is named"
check_eq "$([ -e "$WORK/out.csv" ] && echo kept || echo none)" none "no output is kept"

extract_killing_one --threads 3 --order-by-pk
check_rc 1 "--order-by-pk, killed"
check_contains "$WORK/err" "Lost connection to server during query (2013)" "the lost reader is named (--order-by-pk)"
cat "$WORK/err"; finish
