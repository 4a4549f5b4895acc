#!/usr/bin/env bash
# The PostgreSQL copy benchmark of issue #22. A private PostgreSQL 15 server
# holds the 1,000,000-row orders table of the load benchmark; a private
# MariaDB server A holds the same rows, and the copies go into MariaDB
# server B. In one run, interleaved, REPEAT times each:
#   sluice     sluice copy --from postgresql://... --threads 2 (verified)
#   sluice_nv  the same with --no-verify
#   manual     what a DBA would do by hand: psql "\copy orders TO STDOUT
#              (FORMAT csv)" > f.csv, split it in two, and LOAD DATA LOCAL
#              of each half on two connections at once
#   mysql      sluice's own MariaDB -> MariaDB copy of the same table (A to B)
#   ld_only    the manual path's LOAD DATA LOCAL x2 alone, of halves exported
#              before (untimed): what the target takes to store the rows,
#              the floor under any copy into it
# Every client uses unix sockets. The target table is dropped (untimed)
# before each run; the manual path's table is created (untimed) by the
# same DDL sluice makes. After each run the target's row count and a
# checksum of its values (CRC32 over the columns, dates as text) must equal
# the source's. Reports the medians, sluice's peak RSS, and the targets:
# sluice at most 0.7x the manual path and 1.15x the MariaDB copy, and peak
# RSS under 64 MB.
#
#   bench/pg_copy.sh [ROWS]     default 1000000
#   SLUICE_BENCH_REPEAT=3       runs per method (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeat=${SLUICE_BENCH_REPEAT:-3}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
csv=$(bench_orders_csv "$rows")
methods=(sluice sluice_nv manual mysql ld_only)

bench_server # A, in $tmp/srv
a_sock=$SLUICE_DB_SOCKET
a_cnf=$SLUICE_DB_CNF
pg=$(mktemp -d /tmp/sluice-bench-pg.XXXXXX)
scripts/dbserver.sh start "$tmp/srv_b" >/dev/null
scripts/pgserver.sh start "$pg" >/dev/null
trap 'scripts/pgserver.sh stop "$pg" >/dev/null 2>&1 || true; rm -rf "$pg";
  scripts/dbserver.sh stop "$tmp/srv_b" >/dev/null 2>&1 || true;
  scripts/dbserver.sh stop "$tmp/srv" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
# shellcheck disable=SC1091
source "$pg/env.sh"
b_sock=$(sed -n "s/^export SLUICE_DB_SOCKET='\(.*\)'/\1/p" "$tmp/srv_b/env.sh")
b_cnf="$tmp/srv_b/client.cnf"
on_a() { mariadb --no-defaults -S "$a_sock" -uroot -N "$@"; }
on_b() { mariadb --no-defaults -S "$b_sock" -uroot -N "$@"; }
on_pg() { scripts/pgserver.sh psql "$pg" -At "$@"; }
# the PostgreSQL side as the sluice role over the socket directory
pg_url="postgresql://sluice@localhost:$SLUICE_PG_PORT/sluice/public.orders?host=$pg"

echo "loading $rows rows into PostgreSQL and MariaDB A (untimed)"
on_pg -c "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL,
  sku varchar(32) NOT NULL, qty int NOT NULL, price numeric(10,2) NOT NULL,
  status varchar(16) NOT NULL, created_at timestamp NOT NULL, note varchar(255));
  CREATE INDEX idx_customer ON orders (customer_id);
  GRANT SELECT ON orders TO sluice;"
chmod o+r "$csv"
on_pg -c "\\copy orders FROM '$PWD/$csv' (FORMAT csv, HEADER, NULL '\\N')"
on_pg -c "ANALYZE orders"
on_a -e "CREATE DATABASE bench"
on_b -e "CREATE DATABASE bench"
python3 bench/gen_orders.py --schema | on_a bench
./build/sluice load "$csv" --into "mysql://sluice@localhost/bench/orders?socket=$a_sock" \
  --defaults-file "$a_cnf" -q --no-checkpoint
on_a bench -e "ANALYZE TABLE orders" >/dev/null

# the target's rows, as one line: count and a checksum of the values
sums() {
  on_b bench -e "SELECT COUNT(*), SUM(CRC32(CONCAT_WS('#', id, customer_id, sku, qty, price,
    status, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), IFNULL(note, '-')))) FROM orders"
}
want=""
to="mysql://sluice@localhost/bench/orders?socket=$b_sock"

# run METHOD: one timed copy; appends "wall rss_kb" to $tmp/METHOD.runs
run() {
  local m=$1 t0 t1 rss=0
  on_b bench -e "DROP TABLE IF EXISTS orders"
  rm -f "$tmp"/f.csv "$tmp"/half.*
  if [ "$m" = ld_only ]; then
    on_pg -c "\\copy orders TO STDOUT (FORMAT csv)" >"$tmp/f.csv"
    split -n l/2 "$tmp/f.csv" "$tmp/half."
  fi
  if [ "$m" = manual ] || [ "$m" = ld_only ]; then
    # the table a copy makes, so that both end alike (untimed)
    on_b bench -e "CREATE TABLE orders (id bigint NOT NULL, customer_id int NOT NULL,
      sku varchar(32) NOT NULL, qty int NOT NULL, price decimal(10,2) NOT NULL,
      status varchar(16) NOT NULL, created_at datetime(6) NOT NULL, note varchar(255),
      PRIMARY KEY (id), KEY idx_customer (customer_id)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
  fi
  t0=$(date +%s.%N)
  case $m in
    sluice | sluice_nv)
      local nv=()
      [ "$m" = sluice_nv ] && nv=(--no-verify)
      /usr/bin/time -f "%M" -o "$tmp/time" ./build/sluice copy --from "$pg_url" --to "$to" \
        --to-defaults-file "$b_cnf" --threads 2 -q "${nv[@]}"
      rss=$(cat "$tmp/time") ;;
    manual | ld_only)
      if [ "$m" = manual ]; then
        on_pg -c "\\copy orders TO STDOUT (FORMAT csv)" >"$tmp/f.csv"
        split -n l/2 "$tmp/f.csv" "$tmp/half."
      fi
      for h in "$tmp"/half.*; do
        mariadb --defaults-file="$b_cnf" -S "$b_sock" --local-infile=1 bench -e \
          "LOAD DATA LOCAL INFILE '$h' INTO TABLE orders CHARACTER SET utf8mb4
           FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n'
           (id, customer_id, sku, qty, price, status, created_at, @note)
           SET note = NULLIF(@note, '')" &
      done
      wait ;;
    mysql)
      ./build/sluice copy --from "mysql://sluice@localhost/bench/orders?socket=$a_sock" --to "$to" \
        --from-defaults-file "$a_cnf" --to-defaults-file "$b_cnf" --threads 2 -q ;;
  esac
  t1=$(date +%s.%N)
  local got
  got=$(sums)
  [ -n "$want" ] || want=$got
  [ "$got" = "$want" ] || { echo "$m: the target has $got, want $want" >&2; exit 1; }
  echo "$(echo "$t1 - $t0" | bc) $rss" >>"$tmp/$m.runs"
}

echo "copying $rows rows into MariaDB B ${#methods[@]} ways, $repeat times each"
for i in $(seq 1 "$repeat"); do
  for m in "${methods[@]}"; do
    run "$m"
    printf '  run %d %-10s %7.2f s\n' "$i" "$m" "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f1)"
  done
done

declare -A wall
for m in "${methods[@]}"; do
  wall[$m]=$(cut -d' ' -f1 "$tmp/$m.runs" | median)
done
rss=$(($(cut -d' ' -f2 "$tmp/sluice.runs" | sort -n | tail -1) / 1024))
printf '\n%-58s %8s\n' "method (median of $repeat)" "wall s"
printf '%-58s %8.2f\n' "sluice copy from PostgreSQL --threads 2 (verified)" "${wall[sluice]}"
printf '%-58s %8.2f\n' "sluice copy from PostgreSQL --threads 2 --no-verify" "${wall[sluice_nv]}"
printf '%-58s %8.2f\n' "psql \\copy to CSV + split + LOAD DATA LOCAL x2" "${wall[manual]}"
printf '%-58s %8.2f\n' "sluice copy MariaDB -> MariaDB --threads 2 (verified)" "${wall[mysql]}"
printf '%-58s %8.2f\n' "floor: LOAD DATA LOCAL x2 alone, of the exported halves" "${wall[ld_only]}"
r1=$(echo "scale=3; ${wall[sluice]} / ${wall[manual]}" | bc)
r2=$(echo "scale=3; ${wall[sluice]} / ${wall[mysql]}" | bc)
printf '\ntargets (every copy checked by count and a checksum of its values)\n'
printf '  vs the manual path:        %.2fx the time (target <= 0.70)  %s\n' "$r1" "$(verdict "$r1 <= 0.70")"
printf '  vs MariaDB -> MariaDB:     %.2fx the time (target <= 1.15)  %s\n' "$r2" "$(verdict "$r2 <= 1.15")"
printf '  sluice peak RSS %d MB (target < 64)  %s\n' "$rss" "$(verdict "$rss < 64")"
printf '  the floor (LOAD DATA x2 alone) is %.2fx the manual path; sluice --no-verify %.2fx\n' \
  "$(echo "scale=3; ${wall[ld_only]} / ${wall[manual]}" | bc)" "$(echo "scale=3; ${wall[sluice_nv]} / ${wall[manual]}" | bc)"
