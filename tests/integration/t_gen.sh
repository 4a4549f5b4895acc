#!/usr/bin/env bash
# sluice gen: deterministic by seed, the same rows plain or zstd-compressed,
# and its output loads back with sluice load exactly: for each schema the
# table equals the rows Python's csv module reads from gen's own output.
source "$(dirname "$0")/lib.sh"
setup gen

run_sluice gen --schema orders --rows 5000 --seed 7 --out "$WORK/a.csv"
check_rc 0 "gen"
run_sluice gen --schema orders --rows 5000 --seed 7 --out "$WORK/b.csv"
check_eq "$(md5sum <"$WORK/a.csv")" "$(md5sum <"$WORK/b.csv")" "the same seed gives the same bytes"
run_sluice gen --schema orders --rows 5000 --seed 8 --out "$WORK/c.csv"
check_eq "$(cmp -s "$WORK/a.csv" "$WORK/c.csv" && echo same || echo differ)" differ "another seed gives other rows"
check_eq "$(wc -l <"$WORK/a.csv")" 5001 "header and 5000 rows"
run_sluice gen --schema orders --rows 5000 --seed 7 --out "$WORK/a.csv.zst"
check_eq "$(zstd -dc "$WORK/a.csv.zst" | md5sum)" "$(md5sum <"$WORK/a.csv")" ".zst holds the same rows"
"$SLUICE_BIN" gen --schema orders --rows 5000 --seed 7 >"$WORK/stdout.csv"
check_eq "$(md5sum <"$WORK/stdout.csv")" "$(md5sum <"$WORK/a.csv")" "stdout holds the same rows"
# rows are generated in blocks by two threads and written in order
"$SLUICE_BIN" gen --schema narrow --rows 25001 --seed 3 --no-header >"$WORK/order.csv"
check_eq "$(cut -d, -f1 <"$WORK/order.csv" | md5sum)" "$(seq 1 25001 | md5sum)" "rows in order across blocks"
run_sluice gen --schema narrow --rows 0 --out "$WORK/none.csv"
check_rc 0 "gen --rows 0"
check_eq "$(cat "$WORK/none.csv")" "id,k" "--rows 0 writes the header alone"

for schema in narrow orders wide; do
  for order in sequential random; do
    t="${schema}_${order}"
    sql "USE \`$DB\`; $("$SLUICE_BIN" gen --schema "$schema" --print-create "$t")"
    "$SLUICE_BIN" gen --schema "$schema" --key-order "$order" --rows 3000 --seed 11 --out "$WORK/$t.csv"
    "$SLUICE_BIN" gen --schema "$schema" --key-order "$order" --rows 3000 --seed 11 --out "$WORK/$t.csv.zst"
    python3 - "$WORK/$t.csv" "$WORK/$t.expected" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w") as out:
    rows = csv.reader(f)
    next(rows)
    for r in rows:
        out.write(json.dumps([None if v == "\\N" else v for v in r], ensure_ascii=False) + "\n")
PY
    load "$WORK/$t.csv.zst" --into "$URL/$t"
    check_rc 0 "load of gen --schema $schema --key-order $order"
    check_table "$t" "$WORK/$t.expected" "" "$schema rows, $order keys"
  done
done
check_eq "$(sql "SELECT COUNT(DISTINCT id) FROM \`$DB\`.narrow_random")" 3000 "random keys are unique"
check_eq "$(sql "SELECT SUM(id <> seq) > 0 FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) seq FROM \`$DB\`.narrow_random) x")" 1 "random keys are not sequential"

run_sluice gen --rows 100000 --out /dev/full
check_rc 1 "a full disk"
check_contains "$WORK/err" "sluice gen: /dev/full: write failed: No space left on device" "full disk message"
run_sluice gen --schema nope
check_rc 2 "unknown schema"
check_contains "$WORK/err" "sluice gen: unknown schema 'nope'; the schemas are narrow, orders and wide" "unknown schema message"
run_sluice gen --rows -5
check_rc 2 "negative rows"
finish
