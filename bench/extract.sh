#!/usr/bin/env bash
# The extract benchmark of issue #3. On one private MariaDB server, in one
# run, the 1,000,000-row orders table of the load benchmark is extracted to
# zstd-compressed text three ways:
#   peer   mariadb --batch --quick -e 'SELECT * ...' | zstd -1
#   sl1    sluice extract --threads 1 --zstd-level 1
#   sl2    sluice extract --threads 2 --zstd-level 1
# interleaved, REPEAT times each, after one untimed read that brings the
# table into the buffer pool. It reports the medians of wall time and client
# CPU, the largest peak RSS, and the targets: sl1 at least as fast as the
# peer, and the gain of two threads. sluice's file is loaded back into an
# empty copy, which must equal the table (CHECKSUM TABLE).
# Last, a table ten times larger is extracted, to show that peak RSS does not
# grow with the table.
#
#   bench/extract.sh [ROWS]          default 1000000
#   SLUICE_BENCH_REPEAT=5            repetitions per method (default 5)
#   SLUICE_BENCH_SKIP_10X=1          skip the ten-times-larger table
#   SLUICE_BENCH_OLD=REV             also time the sluice of commit REV (old1, old2),
#                                    interleaved with the others, to compare a change
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeat=${SLUICE_BENCH_REPEAT:-5}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
csv=$(bench_orders_csv "$rows")
methods=(peer sl1 sl2)
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  old_bin=$(bench_old_build "$SLUICE_BENCH_OLD")
  methods+=(old1 old2)
fi
bench_server
admin -e "CREATE DATABASE bench"
for t in orders copy; do
  python3 bench/gen_orders.py --schema | sed "s/CREATE TABLE orders/CREATE TABLE $t/" | admin bench
done
url="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/bench"
./build/sluice load "$csv" --into "$url/orders" --defaults-file "$SLUICE_DB_CNF" -q --no-checkpoint
admin bench -e "ANALYZE TABLE orders" >/dev/null

# run METHOD: one timed extract; appends "wall cpu rss_kb bytes" to $tmp/METHOD.runs
run() {
  local m=$1 t0 t1 out
  t0=$(date +%s.%N)
  case $m in
    peer)
      out="$tmp/peer.tsv.zst"
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" bash -c "mariadb --defaults-file='$SLUICE_DB_CNF' \
        --batch --quick -e 'SELECT * FROM bench.orders' | zstd -1 -q >'$out'" ;;
    sl1 | sl2)
      out="$tmp/$m.csv.zst"
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice extract --from "$url/orders" \
        --to "$out" --defaults-file "$SLUICE_DB_CNF" --threads "${m#sl}" --zstd-level 1 -q ;;
    old1 | old2)
      out="$tmp/$m.csv.zst"
      /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$old_bin" extract --from "$url/orders" \
        --to "$out" --defaults-file "$SLUICE_DB_CNF" --threads "${m#old}" --zstd-level 1 -q ;;
  esac
  t1=$(date +%s.%N)
  read -r u s rss <"$tmp/time"
  echo "$(echo "$t1 - $t0" | bc) $(echo "$u + $s" | bc) $rss $(stat -c %s "$out")" >>"$tmp/$m.runs"
}

col() { cut -d' ' -f"$2" "$tmp/$1.runs"; }

echo "extracting $rows rows three ways, $repeat times each, on one server"
run sl1 && rm "$tmp/sl1.runs" # untimed: warms the buffer pool
for i in $(seq 1 "$repeat"); do
  for m in "${methods[@]}"; do
    run "$m"
    printf '  run %d %-5s wall %6.2f s  client CPU %5.2f s  peak RSS %4d MB\n' "$i" "$m" \
      "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f1)" "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f2)" \
      $(($(tail -1 "$tmp/$m.runs" | cut -d' ' -f3) / 1024))
  done
done

declare -A wall cpu rss size
for m in "${methods[@]}"; do
  wall[$m]=$(col "$m" 1 | median)
  cpu[$m]=$(col "$m" 2 | median)
  rss[$m]=$(($(col "$m" 3 | sort -n | tail -1) / 1024))
  size[$m]=$(($(col "$m" 4 | tail -1) / 1000000))
done
printf '\n%-44s %8s %13s %9s %8s\n' "method (median of $repeat)" "wall s" "client CPU s" "peak RSS" "output"
printf '%-44s %8.2f %13.2f %6d MB %5d MB\n' "mariadb --batch --quick | zstd -1" "${wall[peer]}" "${cpu[peer]}" "${rss[peer]}" "${size[peer]}"
printf '%-44s %8.2f %13.2f %6d MB %5d MB\n' "sluice extract --threads 1 --zstd-level 1" "${wall[sl1]}" "${cpu[sl1]}" "${rss[sl1]}" "${size[sl1]}"
printf '%-44s %8.2f %13.2f %6d MB %5d MB\n' "sluice extract --threads 2 --zstd-level 1" "${wall[sl2]}" "${cpu[sl2]}" "${rss[sl2]}" "${size[sl2]}"
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  for m in old1 old2; do
    printf '%-44s %8.2f %13.2f %6d MB %5d MB\n' "sluice of $SLUICE_BENCH_OLD --threads ${m#old}" "${wall[$m]}" "${cpu[$m]}" "${rss[$m]}" "${size[$m]}"
  done
  printf 'change: this sluice / sluice of %s = %.3f (1 thread), %.3f (2 threads) wall; outputs equal: %s\n' \
    "$SLUICE_BENCH_OLD" "$(echo "scale=4; ${wall[sl1]} / ${wall[old1]}" | bc)" \
    "$(echo "scale=4; ${wall[sl2]} / ${wall[old2]}" | bc)" \
    "$(cmp -s <(zstd -dc "$tmp/sl1.csv.zst") <(zstd -dc "$tmp/old1.csv.zst") && echo yes || echo NO)"
fi

./build/sluice load "$tmp/sl2.csv.zst" --into "$url/copy" --defaults-file "$SLUICE_DB_CNF" -q --no-checkpoint
sum() { admin bench -e "CHECKSUM TABLE $1" | cut -f2; }
equal=no
[ "$(admin bench -e "SELECT COUNT(*) FROM copy")" = "$rows" ] && [ "$(sum copy)" = "$(sum orders)" ] && equal=yes
printf '\nround trip (extract --threads 2, then load): rows %s, CHECKSUM TABLE %s / %s: %s\n' \
  "$(admin bench -e "SELECT COUNT(*) FROM copy")" "$(sum orders)" "$(sum copy)" "$equal"

speed=$(echo "scale=3; ${wall[peer]} / ${wall[sl1]}" | bc)
gain=$(echo "scale=3; ${wall[sl1]} / ${wall[sl2]}" | bc)
maxrss=${rss[sl1]}
[ "${rss[sl2]}" -gt "$maxrss" ] && maxrss=${rss[sl2]}
printf '\ntargets\n'
printf '  1 thread:  %.2fx the speed of mariadb | zstd -1   (target >= 1.0)  %s\n' "$speed" "$(verdict "$speed >= 1.0")"
printf '  2 threads: %.2fx the speed of 1 thread\n' "$gain"
printf '  memory:    peak RSS %d MB                         (target < 64)    %s\n' "$maxrss" "$(verdict "$maxrss < 64")"

if [ -z "${SLUICE_BENCH_SKIP_10X:-}" ]; then
  admin bench -e "CREATE TABLE big LIKE orders"
  for k in $(seq 0 9); do
    admin bench -e "INSERT INTO big SELECT id + $((k * rows)), customer_id, sku, qty, price, status, created_at, note FROM orders"
  done
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$tmp/time" ./build/sluice extract --from "$url/big" \
    --to "$tmp/big.csv.zst" --defaults-file "$SLUICE_DB_CNF" --threads 2 --zstd-level 1 -q
  t1=$(date +%s.%N)
  read -r _ _ big_rss <"$tmp/time"
  printf '  memory, 10x table (%s rows): peak RSS %d MB (1x: %d MB); %.1f s\n' $((rows * 10)) \
    $((big_rss / 1024)) "$maxrss" "$(echo "$t1 - $t0" | bc)"
fi
[ "$equal" = yes ]
