#!/usr/bin/env bash
# A copy from PostgreSQL reads one state of the database, however many
# readers it has: while a writer moves money between accounts in
# transaction after transaction (the total never changes in a committed
# state), 4 readers copy the accounts in 40 key ranges, each on its own
# connection in the snapshot the leader exported. The total on MySQL must
# be the constant, and the writer must have committed during the copy.
source "$(dirname "$0")/lib.sh"
setup pg_snapshot
pg_server

pgsql "CREATE TABLE acct (id int PRIMARY KEY, bal bigint NOT NULL);
INSERT INTO acct SELECT g, 100 FROM generate_series(1, 20000) g;
CREATE TABLE moves (n bigint NOT NULL); INSERT INTO moves VALUES (0);
GRANT SELECT ON acct TO sluice;"
total=$((20000 * 100))

# the writer: one transfer per transaction, until killed
"$SLUICE_SRC/scripts/pgserver.sh" psql "$PG_DIR" -c "DO \$\$
DECLARE a int; b int; amt int;
BEGIN
  LOOP
    a := 1 + floor(random() * 20000); b := 1 + floor(random() * 20000); amt := floor(random() * 50);
    UPDATE acct SET bal = bal - amt WHERE id = a;
    UPDATE acct SET bal = bal + amt WHERE id = b;
    UPDATE moves SET n = n + 1;
    COMMIT;
  END LOOP;
END \$\$" >/dev/null 2>&1 &
WRITER=$!
trap 'kill $WRITER 2>/dev/null || true; "$SLUICE_SRC/scripts/pgserver.sh" stop "$PG_DIR" >/dev/null 2>&1 || true; rm -rf "$PG_DIR" "$WORK"' EXIT
for _ in $(seq 1 100); do
  [ "$(pgsql "SELECT n FROM moves")" -gt 200 ] && break
  sleep 0.1
done
before=$(pgsql "SELECT n FROM moves")
run_sluice copy --from "$PG_URL/acct" --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB" \
  --to-defaults-file "$SLUICE_DB_CNF" --readers 4 --threads 2 --chunk-rows 500 --txn-rows 1000
check_rc 0 "the copy"
after=$(pgsql "SELECT n FROM moves")
kill $WRITER 2>/dev/null || true
wait $WRITER 2>/dev/null || true
check_eq "$(pgsql "SELECT sum(bal) FROM acct")" "$total" "the writer keeps the total"
if [ "$after" -gt "$before" ]; then pass; else fail "the writer made no transfer during the copy ($before, $after)"; fi
check_eq "$(sql "SELECT COUNT(*), SUM(bal) FROM $DB.acct")" "20000	$total" "one state on MySQL"
check_ne "$(sql "SELECT COUNT(*) FROM $DB.acct WHERE bal <> 100")" 0 "the copy saw transfers"
check_contains "$WORK/err" "PASS $DB.acct: 20000 rows match public.acct" "verified in the same snapshot"
finish
