#!/usr/bin/env bash
# A load's checkpoints know a file by what it is, not by how it was named:
# an interrupted load of /abs/bad.csv is resumed as ./bad.csv or after a
# move, without doubling a row into a table that has no key; a changed file,
# a copy with another modification time, stdin and a file named twice are
# refused; a finished load leaves no checkpoint of its file behind.
source "$(dirname "$0")/lib.sh"
setup resume_identity
orders_table orders
sql "ALTER TABLE \`$DB\`.orders DROP PRIMARY KEY" # nothing stops a doubled row
python3 "$GEN" --rows 5000 --expect "$WORK/expected" >"$WORK/orders.csv"
# line 3502 (data row 3501) is refused by the server: chunks 1-3 commit
awk -F, 'BEGIN{OFS=","} NR==3502{$7="2026-02-30 10:00:00"} {print}' "$WORK/orders.csv" >"$WORK/bad.csv"
sed '3501d' "$WORK/expected" >"$WORK/expected-but-3501"
OPTS=(--threads 1 --batch-rows 100 --txn-rows 1000)
load_in_work() { # ARGS...: `sluice load ARGS` run from $WORK, so ./names work
  set +e
  (cd "$WORK" && "$SLUICE_BIN" load "$@" --defaults-file "$SLUICE_DB_CNF" >"$WORK/out" 2>"$WORK/err")
  RC=$?
  set -e
}
checkpoints() { sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints"; }
interrupt() { # FILE: a load of FILE that stops after 3,000 rows
  reset_table orders
  sql "DELETE FROM \`$DB\`.sluice_checkpoints" 2>/dev/null || true
  load "$1" --into "$URL/orders" "${OPTS[@]}"
  check_rc 1 "interrupted load of $1"
  check_eq "$(count orders)" 3000 "3,000 rows committed before the stop ($1)"
}

# 1. the issue's case: absolute path first, ./name on --resume
interrupt "$WORK/bad.csv"
load_in_work ./bad.csv --into "$URL/orders" "${OPTS[@]}" --resume --on-error skip --rejects "$WORK/rej1"
check_rc 3 "resume under another spelling (one row rejected)"
check_contains "$WORK/err" "sluice: ./bad.csv: resuming; 3 committed chunk(s) are skipped" "the other spelling finds the checkpoints"
check_not_contains "$WORK/err" "loading them whole" "nothing is loaded whole"
check_eq "$(count orders)" 4999 "every row once, none doubled"
check_table orders "$WORK/expected-but-3501" id "the rows are the file's"
check_eq "$(checkpoints)" 0 "the finished load removed its checkpoints"

# 2. a fresh run under another spelling is refused like the same spelling
interrupt "$WORK/bad.csv"
load_in_work ./bad.csv --into "$URL/orders" "${OPTS[@]}"
check_rc 2 "rerun under another spelling"
check_contains "$WORK/err" "sluice: error: ./bad.csv: an earlier load of this file into $DB.orders was interrupted after committing 3 chunk(s); run again with --resume to finish it" "rerun refused"
check_eq "$(count orders)" 3000 "nothing written by the refused run"

# 3. a moved file is the same file
mv "$WORK/bad.csv" "$WORK/moved.csv"
load "$WORK/moved.csv" --into "$URL/orders" "${OPTS[@]}" --resume --on-error skip --rejects "$WORK/rej3"
check_rc 3 "resume after a move"
check_contains "$WORK/err" "sluice: $WORK/moved.csv: this is the file the interrupted load read as $WORK/bad.csv" "the move is noticed"
check_table orders "$WORK/expected-but-3501" id "moved: every row once"
check_eq "$(checkpoints)" 0 "moved: checkpoints removed"
mv "$WORK/moved.csv" "$WORK/bad.csv"

# 4. a file changed in place is refused, with or without --resume
interrupt "$WORK/bad.csv"
cp -p "$WORK/bad.csv" "$WORK/bad.orig"
echo "9999999,1,SKU,1,1.00,new,2026-01-01 00:00:00," >>"$WORK/bad.csv"
load "$WORK/bad.csv" --into "$URL/orders" "${OPTS[@]}" --resume
check_rc 2 "resume of a changed file"
check_contains "$WORK/err" "sluice: error: $WORK/bad.csv: an earlier load of this file into $DB.orders was interrupted after committing 3 chunk(s), and the file has changed since" "changed file refused"
load "$WORK/bad.csv" --into "$URL/orders" "${OPTS[@]}"
check_rc 2 "fresh run over a changed file"
check_contains "$WORK/err" "and the file has changed since" "changed file refused without --resume"
check_eq "$(count orders)" 3000 "nothing written over the changed file"
mv "$WORK/bad.orig" "$WORK/bad.csv"

# 5. a copy with another modification time is refused; with the recorded time it resumes
cp "$WORK/bad.csv" "$WORK/copy.csv"
touch -d '2001-01-01 00:00:00' "$WORK/copy.csv"
load "$WORK/copy.csv" --into "$URL/orders" "${OPTS[@]}" --resume
check_rc 2 "resume of a copy with another mtime"
check_contains "$WORK/err" "sluice: error: $WORK/copy.csv: it has the size and first and last blocks of $WORK/bad.csv, which the interrupted load read, but another modification time" "copy refused"
touch -r "$WORK/bad.csv" "$WORK/copy.csv"
load "$WORK/copy.csv" --into "$URL/orders" "${OPTS[@]}" --resume --on-error skip --rejects "$WORK/rej5"
check_rc 3 "resume of a copy with the recorded mtime"
check_table orders "$WORK/expected-but-3501" id "copy: every row once"

# 6. stdin has no identity: --resume of - is refused
interrupt "$WORK/bad.csv"
set +e
"$SLUICE_BIN" load - --into "$URL/orders" "${OPTS[@]}" --resume --defaults-file "$SLUICE_DB_CNF" \
  <"$WORK/bad.csv" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "--resume of stdin"
check_contains "$WORK/err" "sluice: error: stdin cannot be resumed: it is not a regular file, so what it holds cannot be checked; load from a file to use --resume" "stdin refused"

# 7. the same file named twice in one load is refused
load_in_work ./orders.csv "$WORK/orders.csv" --into "$URL/orders" --mode truncate
check_rc 2 "one file named twice"
check_contains "$WORK/err" "sluice: error: ./orders.csv and $WORK/orders.csv are the same file ($WORK/orders.csv); it would be loaded twice" "named twice refused"
check_eq "$(count orders)" 3000 "named twice: refused before the table was emptied"
# two copies with the same contents are two sources, loaded and checkpointed apart
cp "$WORK/orders.csv" "$WORK/twin.csv"
load "$WORK/orders.csv" "$WORK/twin.csv" --into "$URL/orders" --mode truncate "${OPTS[@]}"
check_rc 0 "two identical copies"
check_eq "$(count orders)" 10000 "both copies loaded"

# 8. a truncating load over a changed file's checkpoints removes them
interrupt "$WORK/bad.csv"
echo "9999999,1,SKU,1,1.00,new,2026-01-01 00:00:00," >>"$WORK/bad.csv"
load "$WORK/bad.csv" --into "$URL/orders" "${OPTS[@]}" --mode truncate --on-error skip --rejects "$WORK/rej8"
check_rc 3 "truncate over stale checkpoints"
check_eq "$(count orders)" 5000 "truncate: the changed file whole, minus its bad row"
check_eq "$(checkpoints)" 0 "truncate: no stale checkpoint left"
finish
