#!/usr/bin/env bash
# The insert benchmark of issue #6. On one private MariaDB server, in one
# run:
#   1. sysbench bulk_insert --threads=2 for DURATION seconds (its
#      "transactions per sec" are rows per second), REPEAT times;
#   2. sluice bench --schema narrow --threads 2 at sluice's default batch and
#      transaction sizes, for the same duration, REPEAT times;
#   2b. sluice bench --schema sysbench --threads 2 (sysbench's own shape: a
#      table per thread, a COMMIT per statement) with 5,000 rows per
#      statement, by each write method (insert, load-data), REPEAT times;
#   3. a grid of sluice bench (threads x batch rows x txn rows) with its
#      chart, to find the best cell and its gain over the defaults.
# It reports both rows/s figures, the ratio against the target (>= 0.9), and
# the best cell's gain; results land in bench/work/insert/.
#
#   bench/insert.sh [DURATION]      seconds per run (default 20)
#   SLUICE_BENCH_REPEAT=3           runs of sysbench and of the default cell
#   SLUICE_BENCH_GRID_SECONDS=5     seconds per grid cell
#   SLUICE_BENCH_OLD=REV            also run the default cell with the sluice of
#                                   commit REV, interleaved, to compare a change
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
repeat=${SLUICE_BENCH_REPEAT:-3}
grid_seconds=${SLUICE_BENCH_GRID_SECONDS:-5}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
[ -n "${SLUICE_BENCH_OLD:-}" ] && old_bin=$(bench_old_build "$SLUICE_BENCH_OLD")
if ! command -v sysbench >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends sysbench >/dev/null
fi
bench_server
admin -e "CREATE DATABASE sbtest; CREATE DATABASE bench"
url="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/bench"
out=bench/work/insert
mkdir -p "$out"

sb() {
  sysbench bulk_insert --db-driver=mysql --mysql-socket="$SLUICE_DB_SOCKET" --mysql-user=root \
    --mysql-db=sbtest --threads=2 --time="$duration" "$@"
}

echo "sysbench bulk_insert --threads=2 vs sluice bench --schema narrow --threads 2, ${duration} s each, $repeat times"
for i in $(seq 1 "$repeat"); do
  sb cleanup >/dev/null
  sb prepare >/dev/null
  rate=$(sb run | sed -n 's/.*transactions: .*(\([0-9.]*\) per sec.)/\1/p')
  echo "$rate" >>"$tmp/sysbench"
  printf '  run %d sysbench  %12.0f rows/s\n' "$i" "$rate"
  ./build/sluice bench --into "$url" --defaults-file "$SLUICE_DB_CNF" --schema narrow --threads 2 \
    --duration "$duration" --warmup 0 -q --out "$tmp/def$i" >/dev/null
  rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["rows_per_sec"])' "$tmp/def$i/results.json")
  echo "$rate" >>"$tmp/sluice"
  printf '  run %d sluice    %12.0f rows/s\n' "$i" "$rate"
  for m in insert load-data; do
    ./build/sluice bench --into "$url" --defaults-file "$SLUICE_DB_CNF" --schema sysbench \
      --threads 2 --batch-rows 5000 --method "$m" --duration "$duration" --warmup 0 -q \
      --out "$tmp/sb-$m$i" >/dev/null
    rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["rows_per_sec"])' "$tmp/sb-$m$i/results.json")
    echo "$rate" >>"$tmp/sb-$m"
    printf '  run %d sluice sysbench shape, %-9s %12.0f rows/s\n' "$i" "$m" "$rate"
  done
  if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
    "$old_bin" bench --into "$url" --defaults-file "$SLUICE_DB_CNF" --schema narrow --threads 2 \
      --duration "$duration" --warmup 0 -q --out "$tmp/old$i" >/dev/null
    rate=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["rows_per_sec"])' "$tmp/old$i/results.json")
    echo "$rate" >>"$tmp/old"
    printf '  run %d old       %12.0f rows/s\n' "$i" "$rate"
  fi
done
sb cleanup >/dev/null
sysbench_rate=$(median <"$tmp/sysbench")
sluice_rate=$(median <"$tmp/sluice")

echo "grid: threads 1,2,4 x batch rows 50,200,1000,5000 x txn rows 10000,100000, $grid_seconds s a cell"
./build/sluice bench --into "$url" --defaults-file "$SLUICE_DB_CNF" --schema narrow \
  --threads 1,2,4 --batch-rows 50,200,1000,5000 --txn-rows 10000,100000 \
  --duration "$grid_seconds" --warmup 1 -q --out "$out" | tee "$out/table.txt"
best=$(python3 -c 'import json,sys; print(max(c["rows_per_sec"] for c in json.load(open(sys.argv[1])) if c["status"] == "ok"))' "$out/results.json")
default_cell=$(python3 -c 'import json,sys; print([c["rows_per_sec"] for c in json.load(open(sys.argv[1])) if (c["threads"], c["batch_rows"], c["txn_rows"]) == (2, 200, 10000)][0])' "$out/results.json")

ratio=$(echo "scale=3; $sluice_rate / $sysbench_rate" | bc)
gain=$(echo "scale=3; $best / $default_cell" | bc)
printf '\n%-52s %12s\n' "method (median of $repeat, ${duration} s each)" "rows/s"
printf '%-52s %12.0f\n' "sysbench bulk_insert --threads=2" "$sysbench_rate"
printf '%-52s %12.0f\n' "sluice bench --schema narrow --threads 2 (defaults)" "$sluice_rate"
sb_insert=$(median <"$tmp/sb-insert")
sb_ld=$(median <"$tmp/sb-load-data")
printf '%-52s %12.0f\n' "sluice --schema sysbench --batch-rows 5000, insert" "$sb_insert"
printf '%-52s %12.0f\n' "sluice --schema sysbench --batch-rows 5000, load-data" "$sb_ld"
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  old_rate=$(median <"$tmp/old")
  printf '%-52s %12.0f\n' "the same with the sluice of $SLUICE_BENCH_OLD" "$old_rate"
  printf 'change: this sluice / sluice of %s = %.3f rows/s\n' "$SLUICE_BENCH_OLD" \
    "$(echo "scale=4; $sluice_rate / $old_rate" | bc)"
fi
printf '\ntargets\n'
printf '  sluice / sysbench = %.2f   (target >= 0.9)  %s\n' "$ratio" "$(verdict "$ratio >= 0.9")"
sb_best=$(printf '%s\n%s\n' "$sb_insert" "$sb_ld" | sort -g | tail -1)
sb_ratio=$(echo "scale=3; $sb_best / $sysbench_rate" | bc)
printf '  sysbench shape, best method / sysbench = %.2f   (target >= 1.0)  %s\n' "$sb_ratio" "$(verdict "$sb_ratio >= 1.0")"
printf '  best grid cell %.0f rows/s = %.2fx the default cell (%.0f rows/s in the grid)\n' "$best" "$gain" "$default_cell"
echo "  chart: $out/throughput.svg, results: $out/results.csv, $out/results.json"
