#!/usr/bin/env bash
# Fault test (a): 1,000,000 rows, every 200th bad in one of six kinds (a field
# missing, one too many, a non-integer in an INT column, 300 characters in a
# VARCHAR(255), an impossible DATETIME, invalid UTF-8). The target has no
# primary key, so a duplicate would show. Under --on-error skip every good
# row is present exactly once, every bad record is in PATH.csv byte for
# byte, each with its reason in PATH.log, and the exit code is 3.
# Then: rejects the server names no row for (duplicate keys: bisection) and
# values the server would change (a warning: the chunk is replayed).
source "$(dirname "$0")/lib.sh"
setup rejects
python3 "$TOOLS/gen_faulty.py" --schema | sed "s/CREATE TABLE t /CREATE TABLE \`$DB\`.t /" >"$WORK/schema.sql"
sql "$(cat "$WORK/schema.sql")"
rows=${SLUICE_FAULT_ROWS:-1000000}
python3 "$TOOLS/gen_faulty.py" --rows "$rows" --every 200 "$WORK/f"
nbad=$(wc -l <"$WORK/f.bad.kinds")

load "$WORK/f.csv" --into "$URL/t" --on-error skip --rejects "$WORK/rej" --threads 2
check_rc 3 "load with rejects"
check_table t "$WORK/f.good.jsonl" "" "every good row exactly once"
check_contains "$WORK/err" "rows rejected $(fmt "$nbad")" "summary counts the rejects"
check_contains "$WORK/err" "rows read     $(fmt "$rows")" "every record counts as read"
check_contains "$WORK/err" "sluice: $(fmt "$nbad") rows rejected; see $WORK/rej.csv and $WORK/rej.log" "rejects notice"
check_eq "$(head -1 "$WORK/rej.csv")" "id,qty,name,created,note" "rejects file starts with the header"
if cmp -s <(tail -n +2 "$WORK/rej.csv" | sort) <(sort "$WORK/f.bad.csv"); then pass; else fail "rejects file differs from the bad records"; fi
check_eq "$(wc -l <"$WORK/rej.log")" "$nbad" "one log line per reject"
# each kind's count of log lines, found by two fixed strings per kind
count_log() { grep -F -- "$1" "$WORK/rej.log" | grep -cF -- "$2" || true; }
check_kind() { # KIND TEXT1 TEXT2
  check_eq "$(count_log "$2" "$3")" "$(grep -cx "$1" "$WORK/f.bad.kinds")" "log lines for '$1'"
}
check_kind "missing field" ": expected 5 fields, found 4" "line "
check_kind "extra field" ": expected 5 fields, found 6" "line "
check_kind "non-integer" "column 'qty'" "Incorrect integer value: 'twelve' (the column is int(11))"
check_kind "too long" "column 'name'" "value of 300 characters is too long for varchar(255)"
check_kind "bad datetime" "column 'created'" "Incorrect datetime value: '2026-02-30 25:61:00'"
check_kind "invalid utf-8" "column 'note'" "invalid UTF-8 at byte 4 of the value"
# one log line in full: row 200 (line 201) lacks a field
offset=$(python3 -c "
import sys
data = open(sys.argv[1], 'rb').read()
pos = 0
for _ in range(200):
    pos = data.index(b'\n', pos) + 1
print(pos)" "$WORK/f.csv")
check_contains "$WORK/rej.log" "$WORK/f.csv: line 201, byte $offset: expected 5 fields, found 4" "a full log line"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints")" 0 "a finished load leaves no checkpoints"

# --max-rejects stops the load as --on-error stop would
sql "TRUNCATE \`$DB\`.t"
load "$WORK/f.csv" --into "$URL/t" --on-error skip --rejects "$WORK/rej2" --max-rejects 10 --no-checkpoint
check_rc 1 "--max-rejects exceeded"
check_contains "$WORK/err" "sluice: error: more than 10 rows rejected (--max-rejects)" "--max-rejects message"

# duplicate keys (no row named: bisection) and a rounded DECIMAL (a warning:
# the row is rejected and its chunk written again)
sql "CREATE TABLE \`$DB\`.k (id INT PRIMARY KEY, price DECIMAL(10,2) NOT NULL)"
python3 - "$WORK/k.csv" "$WORK/k.expected" <<'PY'
import json, sys
out, exp = open(sys.argv[1], "w"), open(sys.argv[2], "w")
out.write("id,price\n")
for i in range(1, 1001):
    if i in (250, 700):
        out.write("%d,9.99\n" % (i - 200))   # a duplicate of an earlier id
        continue
    if i == 500:
        out.write("500,1.239\n")             # the server would round it to 1.24
        continue
    out.write("%d,%d.50\n" % (i, i))
    exp.write(json.dumps([str(i), "%d.50" % i]) + "\n")
PY
load "$WORK/k.csv" --into "$URL/k" --on-error skip --rejects "$WORK/rejk" --batch-rows 100 --threads 1
check_rc 3 "duplicates and a rounded value"
check_table k "$WORK/k.expected" id "good rows around the duplicates and the rounded value"
check_eq "$(grep -c "Duplicate entry" "$WORK/rejk.log")" 2 "duplicates rejected"
check_contains "$WORK/rejk.log" "$WORK/k.csv: line 251, byte " "duplicate's line"
check_contains "$WORK/rejk.log" "column 'price': value changed by the server: Note Data truncated for column 'price' at row " "rounded value rejected with the server's note"
check_eq "$(tail -n +2 "$WORK/rejk.csv" | sort | tr '\n' ' ')" "50,9.99 500,1.239 500,9.99 " "the rejected records"
# nothing rejected: no rejects files are left
sql "TRUNCATE \`$DB\`.k"
printf 'id,price\n1,1.50\n2,2.50\n' >"$WORK/clean.csv"
load "$WORK/clean.csv" --into "$URL/k" --on-error skip --rejects "$WORK/none"
check_rc 0 "a clean file with --rejects"
check_eq "$(ls "$WORK" | grep -c '^none\.')" 0 "no empty rejects files"
finish
