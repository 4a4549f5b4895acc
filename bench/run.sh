#!/usr/bin/env bash
# The load benchmark of issue #2. On one private MariaDB server, in one run,
# it loads the same deterministic orders CSV (1,000,000 rows, 8 columns, one
# secondary index, about 85 MB) three ways:
#   sluice   sluice load --threads 2
#   ld1      LOAD DATA LOCAL INFILE on one connection
#   ld2      LOAD DATA LOCAL INFILE on two connections, half the file each
# and, to price the checkpoints of issue #5 and compare the write methods,
#   nocp     sluice load --threads 2 --no-checkpoint
#   sl_ld    sluice load --threads 2 --method load-data
#   sl_bk    sluice load --threads 2 --method bulk
#   sl_in    sluice load --threads 2 --method insert
# Each method runs REPEAT times, interleaved, into an emptied table on a
# settled server (no dirty pages left from the run before); the medians of
# wall time and client CPU (user+sys) and the largest client peak RSS are
# reported, with the ratios against the targets. The three tables must end
# up equal (row count and CHECKSUM TABLE).
# Last, sluice loads a file ten times larger, to show that peak RSS does not
# grow with the input.
#
#   bench/run.sh [ROWS]            default 1000000
#   SLUICE_BENCH_REPEAT=5          repetitions per method (default 3)
#   SLUICE_BENCH_SKIP_10X=1        skip the ten-times-larger load
#   SLUICE_BENCH_ARGS="..."        extra sluice options (e.g. --batch-rows 500)
#   SLUICE_BENCH_OLD=REV           also time the sluice of commit REV (old),
#                                  interleaved with the others, to compare a change
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeat=${SLUICE_BENCH_REPEAT:-3}
extra=${SLUICE_BENCH_ARGS:-}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
csv=$(bench_orders_csv "$rows")
methods=(sluice ld1 ld2 nocp sl_ld sl_bk sl_in)
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  old_bin=$(bench_old_build "$SLUICE_BENCH_OLD")
  methods+=(old)
fi
bench_server
admin -e "CREATE DATABASE bench"
for t in t_sluice t_ld1 t_ld2 t_nocp t_sl_ld t_sl_bk t_sl_in t_old t_big; do
  python3 bench/gen_orders.py --schema | sed "s/CREATE TABLE orders/CREATE TABLE $t/" | admin bench
done
half=$(((rows + 1) / 2))
sed -n "2,$((half + 1))p" "$csv" >"$tmp/half1.csv"
sed -n "$((half + 2)),\$p" "$csv" >"$tmp/half2.csv"
url="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/bench"

# Waits until InnoDB has written out every dirty page, so that one run's
# background flushing does not slow the next.
settle() {
  admin -e "SET GLOBAL innodb_max_dirty_pages_pct=0"
  for _ in $(seq 1 300); do
    [ "$(admin -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)" -lt 50 ] && break
    sleep 0.2
  done
  admin -e "SET GLOBAL innodb_max_dirty_pages_pct=90"
}

loaddata() { # TABLE FILE IGNORE_LINES
  mariadb --defaults-file="$SLUICE_DB_CNF" --local-infile=1 bench -e \
    "LOAD DATA LOCAL INFILE '$2' INTO TABLE $1 CHARACTER SET utf8mb4
     FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\n'
     IGNORE $3 LINES"
}

# run METHOD: one timed load; appends "wall cpu rss_kb" to $tmp/METHOD.runs
run() {
  local m=$1 t0 t1
  admin bench -e "TRUNCATE t_$m"
  settle
  t0=$(date +%s.%N)
  case $m in
    sluice)
      # shellcheck disable=SC2086
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice load "$csv" --into "$url/t_sluice" \
        --defaults-file "$SLUICE_DB_CNF" --threads 2 -q $extra ;;
    nocp)
      # shellcheck disable=SC2086
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice load "$csv" --into "$url/t_nocp" \
        --defaults-file "$SLUICE_DB_CNF" --threads 2 -q --no-checkpoint $extra ;;
    sl_ld | sl_bk | sl_in)
      local meth
      meth=$(case $m in sl_ld) echo load-data ;; sl_bk) echo bulk ;; *) echo insert ;; esac)
      # shellcheck disable=SC2086
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice load "$csv" --into "$url/t_$m" \
        --defaults-file "$SLUICE_DB_CNF" --threads 2 -q --method "$meth" $extra ;;
    old)
      # shellcheck disable=SC2086
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$old_bin" load "$csv" --into "$url/t_old" \
        --defaults-file "$SLUICE_DB_CNF" --threads 2 -q $extra ;;
    ld1) /usr/bin/time -f "%U %S %M" -o "$tmp/time" bash -c "$(declare -f loaddata); loaddata t_ld1 '$PWD/$csv' 1" ;;
    ld2)
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" bash -c "$(declare -f loaddata)
        loaddata t_ld2 '$tmp/half1.csv' 0 & p=\$!; loaddata t_ld2 '$tmp/half2.csv' 0; wait \$p" ;;
  esac
  t1=$(date +%s.%N)
  read -r u s rss <"$tmp/time"
  echo "$(echo "$t1 - $t0" | bc) $(echo "$u + $s" | bc) $rss" >>"$tmp/$m.runs"
}

col() { cut -d' ' -f"$2" "$tmp/$1.runs"; }

echo "loading $rows rows ($(du -m "$csv" | cut -f1) MB) three ways, $repeat times each, on one server"
for i in $(seq 1 "$repeat"); do
  for m in "${methods[@]}"; do
    run "$m"
    printf '  run %d %-6s wall %6.2f s  client CPU %5.2f s  peak RSS %4d MB\n' "$i" "$m" \
      "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f1)" "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f2)" \
      $(($(tail -1 "$tmp/$m.runs" | cut -d' ' -f3) / 1024))
  done
done

declare -A wall cpu rss
for m in "${methods[@]}"; do
  wall[$m]=$(col "$m" 1 | median)
  cpu[$m]=$(col "$m" 2 | median)
  rss[$m]=$(($(col "$m" 3 | sort -n | tail -1) / 1024))
done
printf '\n%-36s %8s %13s %9s\n' "method (median of $repeat)" "wall s" "client CPU s" "peak RSS"
printf '%-36s %8.2f %13.2f %6d MB\n' "sluice --threads 2 $extra" "${wall[sluice]}" "${cpu[sluice]}" "${rss[sluice]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "LOAD DATA LOCAL, 1 connection" "${wall[ld1]}" "${cpu[ld1]}" "${rss[ld1]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "LOAD DATA LOCAL, 2 connections" "${wall[ld2]}" "${cpu[ld2]}" "${rss[ld2]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "sluice --threads 2 --no-checkpoint" "${wall[nocp]}" "${cpu[nocp]}" "${rss[nocp]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "sluice --threads 2 --method load-data" "${wall[sl_ld]}" "${cpu[sl_ld]}" "${rss[sl_ld]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "sluice --threads 2 --method bulk" "${wall[sl_bk]}" "${cpu[sl_bk]}" "${rss[sl_bk]}"
printf '%-36s %8.2f %13.2f %6d MB\n' "sluice --threads 2 --method insert" "${wall[sl_in]}" "${cpu[sl_in]}" "${rss[sl_in]}"
[ -n "${SLUICE_BENCH_OLD:-}" ] &&
  printf '%-36s %8.2f %13.2f %6d MB\n' "sluice of $SLUICE_BENCH_OLD --threads 2" "${wall[old]}" "${cpu[old]}" "${rss[old]}"

count() { admin bench -e "SELECT COUNT(*) FROM $1"; }
sum() { admin bench -e "CHECKSUM TABLE $1" | cut -f2; }
equal=no
if [ "$(count t_sluice)" = "$rows" ] && [ "$(count t_ld1)" = "$rows" ] && [ "$(count t_ld2)" = "$rows" ] &&
  [ "$(sum t_sluice)" = "$(sum t_ld1)" ] && [ "$(sum t_sluice)" = "$(sum t_ld2)" ] &&
  [ "$(sum t_sluice)" = "$(sum t_sl_ld)" ] && [ "$(sum t_sluice)" = "$(sum t_sl_bk)" ] &&
  [ "$(sum t_sluice)" = "$(sum t_sl_in)" ]; then
  equal=yes
fi
printf '\ntables equal (rows %s, CHECKSUM TABLE %s / %s / %s / %s): %s\n' "$(count t_sluice)" \
  "$(sum t_sluice)" "$(sum t_ld1)" "$(sum t_ld2)" "$(sum t_sl_ld)" "$equal"

ratio=$(echo "scale=3; ${wall[sluice]} / ${wall[ld2]}" | bc)
printf '\ntargets\n'
printf '  time:   sluice / LOAD DATA x2 = %.2f   (target <= 0.80)  %s\n' "$ratio" "$(verdict "$ratio <= 0.80")"
printf '  CPU:    %.2f s client CPU             (target <= 0.5)   %s\n' "${cpu[sluice]}" "$(verdict "${cpu[sluice]} <= 0.5")"
printf '  memory: peak RSS %d MB               (target < 64)     %s\n' "${rss[sluice]}" "$(verdict "${rss[sluice]} < 64")"
printf '  checkpoints: %+.1f%% wall time against --no-checkpoint   (target <= 5%%)  %s\n' \
  "$(echo "scale=4; (${wall[sluice]} / ${wall[nocp]} - 1) * 100" | bc)" \
  "$(verdict "${wall[sluice]} <= ${wall[nocp]} * 1.05")"
echo "          (far below run-to-run noise here; bench/checkpoint_cost.sh measures it precisely)"
printf '  also:   sluice / LOAD DATA x1 = %.2f\n' "$(echo "scale=3; ${wall[sluice]} / ${wall[ld1]}" | bc)"
for m in sl_ld sl_bk sl_in; do
  printf '  method %-5s: / LOAD DATA x2 = %.2f, client CPU %.2f s\n' "$m" \
    "$(echo "scale=3; ${wall[$m]} / ${wall[ld2]}" | bc)" "${cpu[$m]}"
done
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  printf '  change: this sluice / sluice of %s = %.3f wall, %.3f client CPU; tables equal: %s\n' \
    "$SLUICE_BENCH_OLD" "$(echo "scale=4; ${wall[sluice]} / ${wall[old]}" | bc)" \
    "$(echo "scale=4; ${cpu[sluice]} / ${cpu[old]}" | bc)" \
    "$([ "$(count t_old)" = "$rows" ] && [ "$(sum t_old)" = "$(sum t_sluice)" ] && echo yes || echo NO)"
fi

if [ -z "${SLUICE_BENCH_SKIP_10X:-}" ]; then
  big="$tmp/big.csv"
  head -1 "$csv" >"$big"
  for k in $(seq 0 9); do # the same rows with ids shifted, so keys stay unique
    tail -n +2 "$csv" | awk -F, -v OFS=, -v off=$((k * rows)) '{ $1 = $1 + off; print }' >>"$big"
  done
  settle
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice load "$big" --into "$url/t_big" \
    --defaults-file "$SLUICE_DB_CNF" --threads 2 -q $extra
  t1=$(date +%s.%N)
  read -r _ _ big_rss <"$tmp/time"
  printf '  memory, 10x file (%s rows, %d MB): peak RSS %d MB (1x: %d MB); %s rows in %.1f s\n' \
    $((rows * 10)) "$(du -m "$big" | cut -f1)" $((big_rss / 1024)) "${rss[sluice]}" \
    "$(count t_big)" "$(echo "$t1 - $t0" | bc)"
fi
[ "$equal" = yes ]
