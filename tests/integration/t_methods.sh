#!/usr/bin/env bash
# Write methods of sluice load (--method insert|load-data|bulk|auto): the
# same file, good rows and bad, ends in the same table (CHECKSUM TABLE) and
# the same reject file whichever method wrote it; auto falls back to bulk
# where the server refuses LOAD DATA LOCAL, and says so; a server's request
# for a file sluice did not offer is refused.
source "$(dirname "$0")/lib.sh"
setup methods
own_server # it turns local_infile off for a while: no other test may see that

make_table() { # NAME
  sql "DROP TABLE IF EXISTS \`$DB\`.\`$1\`; CREATE TABLE \`$DB\`.\`$1\` (
    id INT PRIMARY KEY, code VARCHAR(8) NOT NULL UNIQUE, qty INT NOT NULL,
    price DECIMAL(8,2), note TEXT, bytes VARBINARY(16), at DATETIME(3))"
}

# values that a stream could misread: tabs, newlines, CR, backslashes, \N as
# text, NUL-free binary with 0x09 0x0A 0x5C bytes, empty strings and NULLs
python3 - "$WORK/good.csv" <<'PY'
import sys, random
random.seed(7)
notes = ['plain', 'tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', '', 'a,"quoted"', 'ünïcödé ✓', 'end\\']
with open(sys.argv[1], 'w', newline='') as f:
    f.write('id,code,qty,price,note,bytes,at\n')
    for i in range(1, 3001):
        note = notes[i % len(notes)]
        q = '"' + note.replace('"', '""') + '"'
        price = '\\N' if i % 13 == 0 else f'{i * 1.25:.2f}'
        b = bytes([9, 10, 92, i % 256, 0x41]).hex()
        at = f'2026-01-{1 + i % 28:02d} 12:{i % 60:02d}:00.{i % 1000:03d}'
        f.write(f'{i},c{i},{i % 97},{price},{q},{b},{at}\n')
PY

for m in insert load-data bulk; do
  t="good_${m/-/_}"
  make_table "$t"
  load "$WORK/good.csv" --into "$URL/$t" --method "$m" --threads 2 --batch-rows 100 --txn-rows 500
  check_rc 0 "--method $m: a clean file"
  check_eq "$(summary_value 'rows written')" 3000 "--method $m: rows written"
  check_eq "$(summary_value method)" "$m" "--method $m: the summary names the method"
done
check_eq "$(checksum "$DB" good_load_data)" "$(checksum "$DB" good_insert)" "load-data and insert end with the same table"
check_eq "$(checksum "$DB" good_bulk)" "$(checksum "$DB" good_insert)" "bulk and insert end with the same table"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.good_load_data WHERE note = 'tab\there' AND bytes = UNHEX('090A5C0341')")" 2 "a tab and escaped bytes arrive as they were (rows 771 and 2051)"

# bad rows of every kind a server finds: a value that is not an integer, one
# out of range, a string too long, a NULL for a NOT NULL column, a key taken
# by an earlier row of the file, and a bad date
cat >"$WORK/bad.csv" <<'CSV'
id,code,qty,price,note,bytes,at
1,a,1,1.00,ok,41,2026-01-01 00:00:00
2,b,twelve,2.00,not an int,42,2026-01-01 00:00:00
3,c,3,99999999.99,out of range,43,2026-01-01 00:00:00
4,dddddddddd,4,4.00,code too long,44,2026-01-01 00:00:00
5,e,\N,5.00,null qty,45,2026-01-01 00:00:00
6,a,6,6.00,code taken,46,2026-01-01 00:00:00
7,g,7,7.00,bad date,47,2026-02-30 00:00:00
8,h,8,8.00,ok,48,2026-01-01 00:00:00
1,i,9,9.00,id taken,49,2026-01-01 00:00:00
10,j,10,10.00,ok,4A,2026-01-01 00:00:00
CSV
for m in insert load-data bulk; do
  t="bad_${m/-/_}"
  make_table "$t"
  load "$WORK/bad.csv" --into "$URL/$t" --method "$m" --on-error skip --rejects "$WORK/rej_$t"
  check_rc 3 "--method $m: bad rows rejected"
  check_eq "$(summary_value 'rows written')" 3 "--method $m: the good rows written"
  check_eq "$(summary_value 'rows rejected')" 7 "--method $m: every bad row rejected"
  check_eq "$(sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM \`$DB\`.\`$t\`")" "1,8,10" "--method $m: the rows in the table"
done
check_eq "$(checksum "$DB" bad_load_data)" "$(checksum "$DB" bad_insert)" "bad rows: the same table"
check_eq "$(checksum "$DB" bad_bulk)" "$(checksum "$DB" bad_insert)" "bad rows: the same table by bulk"
check_eq "$(sort "$WORK/rej_bad_load_data.csv" | md5sum)" "$(sort "$WORK/rej_bad_insert.csv" | md5sum)" "bad rows: the same reject file"
check_eq "$(sort "$WORK/rej_bad_bulk.csv" | md5sum)" "$(sort "$WORK/rej_bad_insert.csv" | md5sum)" "bad rows: the same reject file by bulk"
reasons() { sed 's/`bad_[a-z_]*`/`T`/' "$WORK/rej_bad_$1.log" | sort | md5sum; } # the table's name aside
check_eq "$(reasons load_data)" "$(reasons insert)" "bad rows: the same reasons by load-data"
check_eq "$(reasons bulk)" "$(reasons insert)" "bad rows: the same reasons by bulk"
check_contains "$WORK/rej_bad_load_data.log" "bad.csv: line 4, byte 119, column 'price': Out of range value for column 'price' at row 2 (1264)" "a load-data reject names its line and column"

# --on-error stop: the first row the server refuses stops the load (LOAD
# DATA LOCAL makes it a warning; the chunk goes again through INSERT, so the
# message is INSERT's), and nothing of its chunk stays
printf 'id,code,qty,price\n1,a,1,1.00\n2,b,2,99999999.99\n3,c,3,3.00\n' >"$WORK/range.csv"
for m in load-data bulk; do
  make_table stop_ld
  load "$WORK/range.csv" --into "$URL/stop_ld" --method $m
  check_rc 1 "--method $m: a bad row stops the load"
  check_contains "$WORK/err" "sluice: error: $WORK/range.csv: line 3, column 'price': Out of range value for column 'price' at row 2 (1264)" "--method $m: the stopping row is named, as INSERT names it"
  check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.stop_ld")" 0 "--method $m: nothing of the failed chunk stays"
done

# write modes: ignore and replace count as with insert; upsert has no LOAD DATA form
printf 'id,code,qty\n1,a,5\n2,b,6\n' >"$WORK/m1.csv"
printf 'id,code,qty\n2,b,7\n3,c,8\n' >"$WORK/m2.csv"
for m in load-data bulk; do
  for mode in ignore replace; do
    make_table "m_$mode"
    load "$WORK/m1.csv" --into "$URL/m_$mode" --method $m
    load "$WORK/m2.csv" --into "$URL/m_$mode" --method $m --mode "$mode"
    check_rc 0 "--method $m --mode $mode"
    check_eq "$(summary_value "rows $([ $mode = ignore ] && echo ignored || echo replaced)")" 1 "--method $m --mode $mode: counted"
  done
  check_eq "$(sql "SELECT GROUP_CONCAT(CONCAT(id,':',qty) ORDER BY id) FROM \`$DB\`.m_ignore")" "1:5,2:6,3:8" "--method $m: ignore keeps the old row"
  check_eq "$(sql "SELECT GROUP_CONCAT(CONCAT(id,':',qty) ORDER BY id) FROM \`$DB\`.m_replace")" "1:5,2:7,3:8" "--method $m: replace takes the new row"
done
make_table m_upsert
load "$WORK/m1.csv" --into "$URL/m_upsert" --method bulk
load "$WORK/m2.csv" --into "$URL/m_upsert" --method bulk --mode upsert
check_rc 0 "--method bulk --mode upsert"
check_eq "$(summary_value 'rows updated')" 1 "--method bulk --mode upsert: counted"
check_eq "$(sql "SELECT GROUP_CONCAT(CONCAT(id,':',qty) ORDER BY id) FROM \`$DB\`.m_upsert")" "1:5,2:7,3:8" "bulk upserts"
load "$WORK/m2.csv" --into "$URL/m_ignore" --method load-data --mode upsert
check_rc 2 "--method load-data --mode upsert"
check_contains "$WORK/err" "sluice: error: --method load-data: LOAD DATA cannot upsert (--mode upsert); use --method insert or auto" "upsert is refused"
load "$WORK/m2.csv" --into "$URL/m_ignore" --method auto --mode upsert
check_rc 0 "--method auto --mode upsert"
check_eq "$(summary_value method)" "bulk (auto: LOAD DATA cannot upsert (--mode upsert))" "auto says why it chose bulk"

# the server refuses LOAD DATA LOCAL: auto falls back, load-data says why
sql "SET GLOBAL local_infile = 0"
make_table off
load "$WORK/good.csv" --into "$URL/off" --method auto
check_rc 0 "--method auto with local_infile OFF"
check_eq "$(summary_value method)" "bulk (auto: the server refuses LOAD DATA LOCAL (local_infile is OFF))" "auto falls back and says so"
check_eq "$(checksum "$DB" off)" "$(checksum "$DB" good_insert)" "the fallback writes the same table"
load "$WORK/good.csv" --into "$URL/off" --method load-data
check_rc 2 "--method load-data with local_infile OFF"
check_contains "$WORK/err" "--method load-data: the server refuses LOAD DATA LOCAL (local_infile is OFF)" "load-data says why it cannot run"
sql "SET GLOBAL local_infile = 1"

# a server that asks for a file sluice did not offer is refused: here a
# --before-sql of LOAD DATA LOCAL of another file, on a connection that may
# send LOAD DATA LOCAL
make_table asked
load "$WORK/m1.csv" --into "$URL/asked" --method load-data \
  --before-sql "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE \`$DB\`.asked"
check_rc 2 "a request for another file"
check_contains "$WORK/err" "sluice: error: --before-sql: query failed: sluice refused the server's request for a local file: it sends no file (2068)" "the request is refused"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.asked")" 0 "nothing was read from the file"

# while rows are on offer, a request for another file, or for the offered
# name a second time, is refused too: the server gets no byte it did not
# ask sluice's writer for (the probe runs sluice's own handler on a real
# connection, as a hostile server's request would reach it)
"$SLUICE_INFILE_PROBE" "$SLUICE_DB_SOCKET" "$DB" $'7\tx\t3\n' \
  "LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE asked" >"$WORK/probe"
check_eq "$(cat "$WORK/probe")" "error 2068 sluice refused the server's request for the file '/etc/passwd': it sends only the rows it offers
refused /etc/passwd" "another file while rows are offered"
"$SLUICE_INFILE_PROBE" "$SLUICE_DB_SOCKET" "$DB" $'7\tx\t3\n' \
  "LOAD DATA LOCAL INFILE 'sluice-stream' INTO TABLE asked (id, code, qty)" \
  "LOAD DATA LOCAL INFILE 'sluice-stream' INTO TABLE asked (id, code, qty)" >"$WORK/probe"
check_eq "$(sed -n 1p "$WORK/probe")" "ok 1" "the offered rows, once"
check_eq "$(sed -n 2p "$WORK/probe")" "error 2068 sluice refused the server's request for the file 'sluice-stream': it sends only the rows it offers" "the offered name a second time"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.asked")" 1 "only the offered row went in"

# copy: the types table of the extract tests (every type, edge values,
# binary bytes, latin1 text) through each method ends equal to the source
mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB" <"$SLUICE_SRC/tests/integration/data/types.sql"
for m in insert load-data bulk; do
  dst="${DB}_${m/-/_}"
  sql "DROP DATABASE IF EXISTS \`$dst\`"
  run_sluice copy --defaults-file "$SLUICE_DB_CNF" --from "$URL" --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$dst" \
    --tables types --method "$m" --threads 2
  check_rc 0 "copy --method $m"
  check_contains "$WORK/err" "PASS $dst.types: " "copy --method $m: verified"
  check_eq "$(summary_value method)" "$m" "copy --method $m: the summary names the method"
  check_eq "$(checksum "$dst" types)" "$(checksum "$DB" types)" "copy --method $m: the same table"
  sql "DROP DATABASE \`$dst\`"
done

load "$WORK/m1.csv" --into "$URL/asked" --method fast
check_rc 2 "a bad --method"
check_contains "$WORK/err" "sluice load: --method must be insert, load-data, bulk or auto, not 'fast'" "bad --method"
finish
