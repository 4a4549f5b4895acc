#!/usr/bin/env bash
# sluice extract round-trips every MySQL type byte-exact: a table of edge
# values (data/types.sql) is extracted with 1 and with 4 threads, plain and
# zstd-compressed, loaded with sluice load into an empty copy, and compared by
# CHECKSUM TABLE and row count. The CSV itself is checked for the documented
# encodings: \N for NULL, "" for empty, hex for binary and BIT.
source "$(dirname "$0")/lib.sh"
setup extract_types

mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot --default-character-set=utf8mb4 "$DB" \
  <"$(dirname "$0")/data/types.sql"
checksum() { sql "CHECKSUM TABLE \`$DB\`.\`$1\`" | cut -f2; }
want_sum=$(checksum types)
want_rows=$(count types)
check_eq "$want_rows" 3004 "the fixture's rows"

extract() { run_sluice extract --defaults-file "$SLUICE_DB_CNF" "$@"; }

n=0
for threads in 1 4; do
  for name in types.csv types.csv.zst; do
    n=$((n + 1))
    out="$WORK/$threads-$name"
    extract --from "$URL/types" --to "$out" --threads "$threads" --chunk-rows 500
    check_rc 0 "extract --threads $threads to $name"
    check_eq "$(summary_value "rows written")" "$want_rows" "rows in the summary ($threads threads, $name)"
    if [ "$threads" = 4 ]; then
      check_contains "$WORK/err" "reading $DB.types with 4 threads over" "a parallel read by key ranges"
      check_contains "$WORK/err" "global read lock held" "the lock for one snapshot"
    fi
    sql "CREATE TABLE \`$DB\`.copy$n LIKE \`$DB\`.types"
    load "$out" --into "$URL/copy$n"
    check_rc 0 "load of the extract ($threads threads, $name)"
    check_eq "$(count "copy$n")" "$want_rows" "row count after the round trip ($threads threads, $name)"
    check_eq "$(checksum "copy$n")" "$want_sum" "CHECKSUM TABLE after the round trip ($threads threads, $name)"
  done
done

# the documented encodings, in the 1-thread file (rows in key order)
python3 - "$WORK/1-types.csv" >"$WORK/fields" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = {r[0]: r for r in csv.reader(f)}
h = rows["id"]
for rid in ("1", "2", "3", "4"):
    for col in ("bu", "bi", "de", "tm", "vc", "bn", "vb", "bt", "js", "l1"):
        print(f"{rid}.{col}={rows[rid][h.index(col)]!r}")
PY
check_contains "$WORK/fields" "1.bu='18446744073709551615'" "unsigned BIGINT at its maximum"
check_contains "$WORK/fields" "1.bi='-9223372036854775808'" "signed BIGINT at its minimum"
check_contains "$WORK/fields" "1.de='12345678901234567890.0123456789'" "DECIMAL exact"
check_contains "$WORK/fields" "1.tm='-838:59:59.000'" "negative TIME"
check_contains "$WORK/fields" "1.bn='00010203'" "BINARY as hex"
check_contains "$WORK/fields" "1.vb='2C220A0D00'" "bytes , \" LF CR 0x00 as hex"
check_contains "$WORK/fields" "1.bt='0AAA'" "BIT as hex"
check_contains "$WORK/fields" "1.l1='café ÿ'" "latin1 text as UTF-8"
check_contains "$WORK/fields" "2.vb=''" "empty VARBINARY"
check_contains "$WORK/fields" "3.vb='\\\\N'" "NULL VARBINARY"
check_contains "$WORK/fields" "4.vc='\\\\N'" "the text \\N (quoted in the file)"
grep -a '^3,' "$WORK/1-types.csv" >"$WORK/row3"
check_eq "$(tr -cd ',' <"$WORK/row3" | wc -c)" 26 "the NULL row has all its fields"
check_eq "$(grep -c '"' "$WORK/row3" || true)" 0 "NULL is an unquoted \\N"
grep -a '^2,' "$WORK/1-types.csv" >"$WORK/row2"
check_contains "$WORK/row2" ',"","","","","",' "empty strings are quoted"

# --binary raw writes the bytes themselves; load --binary raw takes them back
extract --from "$URL/types" --to "$WORK/raw.csv" --threads 1 --binary raw
check_rc 0 "extract --binary raw"
sql "CREATE TABLE \`$DB\`.rawcopy LIKE \`$DB\`.types"
load "$WORK/raw.csv" --into "$URL/rawcopy" --binary raw
check_rc 0 "load --binary raw"
check_eq "$(checksum rawcopy)" "$want_sum" "CHECKSUM TABLE after a raw round trip"

# hex in a binary column that is not hex is a bad row naming the column
printf 'id,vb\n1,ZZ\n' >"$WORK/badhex.csv"
sql "CREATE TABLE \`$DB\`.hexcopy LIKE \`$DB\`.types"
load "$WORK/badhex.csv" --into "$URL/hexcopy"
check_rc 1 "load of bad hex"
check_contains "$WORK/err" "badhex.csv: line 2, column 'vb' (field 2): not hex digits at character 1 (varbinary(64) takes hex; see --binary)" "bad hex message"

finish
