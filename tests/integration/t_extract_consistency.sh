#!/usr/bin/env bash
# A parallel extract reads one consistent snapshot: while it runs, a writer
# keeps moving money between accounts in different key ranges, each move in
# one transaction, so the total never changes. The extracted total must be
# that total, with every row present once, and the writer must really have
# committed moves while the extract ran.
source "$(dirname "$0")/lib.sh"
setup extract_consistency

ROWS=200000
sql "USE \`$DB\`;
CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL);
INSERT INTO accounts SELECT seq, 1000 FROM seq_1_to_$ROWS;
CREATE TABLE moves (n BIGINT NOT NULL);
INSERT INTO moves VALUES (0);"
TOTAL=$((ROWS * 1000))

# The writer: moves between a low and a high key (different key ranges),
# one transaction each, until the stop table has a row.
sql "USE \`$DB\`; CREATE TABLE stop (x INT)"
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
    UPDATE moves SET n = n + 1;
    COMMIT;
  END WHILE;
END //
SQL

moves() { sql "SELECT n FROM \`$DB\`.moves"; }

for consistency in lock snapshot; do
  threads=4
  [ "$consistency" = snapshot ] && threads=1 # one reader: exact without a lock
  sql "DELETE FROM \`$DB\`.stop"
  mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB" -e "CALL churn()" &
  writer=$!
  # wait until the writer is committing
  for _ in $(seq 1 100); do [ "$(moves)" -gt 0 ] && break; sleep 0.05; done
  before=$(moves)
  # SLEEP() in the condition slows the read, so that the writer commits many
  # moves while the ranges are being read
  run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/accounts" \
    --where 'id % 50 <> 0 OR SLEEP(0.001) = 0' --to "$WORK/accounts-$consistency.csv" \
    --threads "$threads" --chunk-rows 5000 --consistency "$consistency"
  rc=$RC
  after=$(moves)
  sql "INSERT INTO \`$DB\`.stop VALUES (1)"
  wait "$writer"
  RC=$rc
  check_rc 0 "extract --consistency $consistency --threads $threads"
  if [ "$after" -gt "$before" ]; then pass; else fail "the writer committed no moves during the extract ($before, $after)"; fi
  read -r n sum distinct < <(python3 - "$WORK/accounts-$consistency.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f))[1:]
print(len(rows), sum(int(r[1]) for r in rows), len({r[0] for r in rows}))
PY
)
  check_eq "$n" "$ROWS" "rows extracted ($consistency)"
  check_eq "$distinct" "$ROWS" "every key once ($consistency)"
  check_eq "$sum" "$TOTAL" "the total of one snapshot ($consistency, $((after - before)) moves during the extract)"
done
check_eq "$(sql "SELECT SUM(balance) FROM \`$DB\`.accounts")" "$TOTAL" "the writer kept the total"

finish
