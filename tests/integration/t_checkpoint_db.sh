#!/usr/bin/env bash
# --checkpoint-db NAME keeps sluice_checkpoints out of the user's database:
# a load or copy needs no CREATE there, an interrupted load resumes exactly
# from the checkpoints kept in NAME, and a finished run leaves no rows of
# its own behind.
source "$(dirname "$0")/lib.sh"
setup checkpoint_db
OPS="${DB}_ops"
sql "DROP DATABASE IF EXISTS \`$OPS\`; DROP DATABASE IF EXISTS \`${DB}_dst\`"
orders_table orders
python3 "$GEN" --rows 100000 --seed 21 >"$WORK/o.csv"
has_ckpt_table() { sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$1' AND TABLE_NAME = 'sluice_checkpoints'"; }

# a plain load: the checkpoint database is made, the user's is left alone
load "$WORK/o.csv" --into "$URL/orders" --checkpoint-db "$OPS"
check_rc 0 "load --checkpoint-db"
check_eq "$(count orders)" 100000 "every row"
check_eq "$(has_ckpt_table "$DB")" 0 "no sluice_checkpoints in the user's database"
check_eq "$(has_ckpt_table "$OPS")" 1 "sluice_checkpoints in the checkpoint database"
check_eq "$(sql "SELECT COUNT(*) FROM \`$OPS\`.sluice_checkpoints")" 0 "a finished load removes its rows"

# interrupted, then resumed from the checkpoints kept there
sql "TRUNCATE \`$DB\`.orders"
start_load "$WORK/o.csv" --into "$URL/orders" --checkpoint-db "$OPS" --threads 2 --batch-rows 500 \
  --txn-rows 1000 --max-rate 40000
wait_rows orders 20000
kill -INT "$LOAD_PID"
wait_load
check_rc 4 "the interrupted load"
committed=$(count orders)
check_eq "$(sql "SELECT SUM(row_count) FROM \`$OPS\`.sluice_checkpoints")" "$committed" "the checkpoints count the committed rows"
load "$WORK/o.csv" --into "$URL/orders" --mode insert
check_rc 1 "a rerun that does not look in the checkpoint database"
check_contains "$WORK/err" "Duplicate entry" "meets the rows already committed"
load "$WORK/o.csv" --into "$URL/orders" --checkpoint-db "$OPS" --resume
check_rc 0 "--resume --checkpoint-db"
check_eq "$(sql "SELECT COUNT(*), COUNT(DISTINCT id) FROM \`$DB\`.orders")" "100000	100000" "exactly once"
check_eq "$(sql "SELECT COUNT(*) FROM \`$OPS\`.sluice_checkpoints")" 0 "the resumed load removes its rows"

# an account with no CREATE on its own database
PW=ckpw-$$
sql "DROP USER IF EXISTS 'ck_$$'@'%'; CREATE USER 'ck_$$'@'%' IDENTIFIED BY '$PW';
     GRANT SELECT, INSERT ON \`$DB\`.* TO 'ck_$$'@'%';
     GRANT ALL ON \`$OPS\`.* TO 'ck_$$'@'%'; TRUNCATE \`$DB\`.orders"
CKURL="mysql://ck_$$:$PW@127.0.0.1:$SLUICE_DB_PORT/$DB"
run_sluice load "$WORK/o.csv" --into "$CKURL/orders"
check_rc 2 "without --checkpoint-db the account needs CREATE"
check_contains "$WORK/err" "cannot create $DB.sluice_checkpoints" "the reason"
run_sluice load "$WORK/o.csv" --into "$CKURL/orders" --checkpoint-db "$OPS"
check_rc 0 "with --checkpoint-db it does not"
check_eq "$(count orders)" 100000 "its rows"
sql "DROP USER 'ck_$$'@'%'"

# copy: the same, on the target server
run_sluice copy --from "$URL" --to "${URL}_dst" --defaults-file "$SLUICE_DB_CNF" --tables orders \
  --checkpoint-db "$OPS"
check_rc 0 "copy --checkpoint-db"
check_eq "$(has_ckpt_table "${DB}_dst")" 0 "copy: no sluice_checkpoints in the target database"
check_eq "$(sql "SELECT COUNT(*) FROM \`$OPS\`.sluice_checkpoints")" 0 "copy: its rows are gone"
check_eq "$(checksum "${DB}_dst" orders)" "$(checksum "$DB" orders)" "copy: the same rows"

# contradictions
load "$WORK/o.csv" --into "$URL/orders" --checkpoint-db "$OPS" --no-checkpoint
check_rc 2 "--checkpoint-db with --no-checkpoint"
check_contains "$WORK/err" "sluice load: --checkpoint-db and --no-checkpoint disagree; give one" "load says so"
run_sluice copy --from "$URL" --to "${URL}_dst" --checkpoint-db "" --tables orders
check_rc 2 "copy --checkpoint-db ''"
check_contains "$WORK/err" "sluice copy: --checkpoint-db needs a database name" "copy says so"

sql "DROP DATABASE \`$OPS\`; DROP DATABASE \`${DB}_dst\`"
finish
