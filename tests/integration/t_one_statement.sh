#!/usr/bin/env bash
# Multi-statements are off on data connections (issue 25): a --query or
# --where that carries a second statement is refused before anything runs,
# and the server would refuse it too. The user's own hooks and session SQL
# may still hold several statements.
source "$(dirname "$0")/lib.sh"
setup one_statement
sql "CREATE TABLE \`$DB\`.src (id INT PRIMARY KEY, v INT);
     INSERT INTO \`$DB\`.src VALUES (1, 10), (2, 20), (3, 30);
     CREATE TABLE \`$DB\`.victim (n INT);
     CREATE TABLE \`$DB\`.dst LIKE \`$DB\`.src;
     CREATE TABLE \`$DB\`.hook_log (what VARCHAR(20))"
victims() { sql "SELECT COUNT(*) FROM \`$DB\`.victim"; }

run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL" --to "$WORK/q.csv" \
  --query "SELECT 1; INSERT INTO victim VALUES (55); COMMIT"
check_rc 2 "extract --query with a second statement"
check_eq "$(cat "$WORK/err")" "sluice: error: --query must be one statement, but a second one follows the ';' at byte 9; sluice runs only one statement there" "--query message"
check_eq "$(victims)" 0 "--query's INSERT never ran"
check_eq "$(ls "$WORK"/q.csv* 2>/dev/null | wc -l)" 0 "no extract file"

run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/src" --to "$WORK/w.csv" \
  --where "1) ; INSERT INTO victim VALUES (55); SELECT (1"
check_rc 2 "extract --where with a second statement"
check_contains "$WORK/err" "--where must be one statement, but a second one follows the ';' at byte 4" "--where message"
check_eq "$(victims)" 0 "--where's INSERT never ran"

run_sluice copy --from-defaults-file "$SLUICE_DB_CNF" --to-defaults-file "$SLUICE_DB_CNF" \
  --from "$URL/src" --to "$URL/dst" --where "1) ; INSERT INTO victim VALUES (55); SELECT (1"
check_rc 2 "copy --where with a second statement"
check_contains "$WORK/err" "--where must be one statement" "copy --where message"
check_eq "$(victims)" 0 "copy's --where INSERT never ran"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.dst")" 0 "copy wrote nothing"

# a ';' inside a quoted string or a comment is no second statement
run_sluice extract --defaults-file "$SLUICE_DB_CNF" --from "$URL/src" --to "$WORK/ok.csv" \
  --where "v > 10 AND 'a;b' <> '' /* ; */"
check_rc 0 "extract --where with a quoted ';'"
check_eq "$(tail -n +2 "$WORK/ok.csv" | wc -l)" 2 "rows under the quoted-';' condition"

# the hooks and --session-sql may be several statements, on purpose
printf 'id,v\n7,70\n' >"$WORK/l.csv"
load "$WORK/l.csv" --into "$URL/dst" \
  --session-sql "SET @a = 1; SET @b = 2" \
  --before-sql "INSERT INTO hook_log VALUES ('before1'); INSERT INTO hook_log VALUES ('before2')" \
  --after-sql "INSERT INTO hook_log VALUES ('after1'); INSERT INTO hook_log VALUES ('after2')"
check_rc 0 "load with multi-statement hooks"
check_eq "$(sql "SELECT GROUP_CONCAT(what ORDER BY what) FROM \`$DB\`.hook_log")" \
  "after1,after2,before1,before2" "both statements of each hook ran"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.dst")" 1 "the load's row"
finish
