#!/usr/bin/env bash
# --profile vitess|planetscale|tidb: the sizes and the method a load or
# copy uses stay inside the engine's published limits (here against
# MariaDB, which takes them all: what is checked is what sluice sends).
source "$(dirname "$0")/lib.sh"
setup profile
orders_table orders
python3 "$GEN" --rows 30000 --seed 9 >"$WORK/o.csv"

load "$WORK/o.csv" --into "$URL/orders" --profile vitess --txn-rows 100000 --report "$WORK/v.json"
check_rc 0 "load --profile vitess"
check_contains "$WORK/err" "sluice: --profile vitess: 200 rows a statement, at most 10000 rows and 8.4 MB of values a transaction, method insert" "the limits it applies"
check_eq "$(summary_value method)" "insert" "no LOAD DATA through vtgate"
check_eq "$(count orders)" 30000 "every row"
check_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["method"])' "$WORK/v.json")" insert "the report's method"

load "$WORK/o.csv" --into "$URL/orders" --profile vitess --method load-data
check_rc 2 "--profile vitess --method load-data"
check_contains "$WORK/err" "sluice load: --profile vitess: vtgate takes neither LOAD DATA nor bulk binding; use --method insert (the profile's default)" "refused with why"

sql "TRUNCATE \`$DB\`.orders"
load "$WORK/o.csv" --into "$URL/orders" --profile tidb --batch-rows 2 --txn-rows 100000
check_rc 0 "load --profile tidb"
check_contains "$WORK/err" "sluice: --profile tidb: 2 rows a statement, at most 10000 rows and 67.1 MB of values a transaction, method auto" "5,000 statements and 64 MiB a transaction"
check_eq "$(count orders)" 30000 "every row"

load "$WORK/o.csv" --into "$URL/orders" --profile mysql8
check_rc 2 "an unknown --profile"
check_contains "$WORK/err" "sluice load: --profile must be none, vitess, planetscale or tidb, not 'mysql8'" "the choices"

sql "DROP DATABASE IF EXISTS \`${DB}_dst\`"
run_sluice copy --from "$URL" --to "${URL}_dst" --defaults-file "$SLUICE_DB_CNF" --tables orders --profile planetscale
check_rc 0 "copy --profile planetscale"
check_contains "$WORK/err" "sluice: --profile planetscale: 200 rows a statement, at most 10000 rows and 8.4 MB of values a transaction, method insert" "copy applies it too"
check_eq "$(checksum "${DB}_dst" orders)" "$(checksum "$DB" orders)" "copy: the same rows"
sql "DROP DATABASE \`${DB}_dst\`"
finish
