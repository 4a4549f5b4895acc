#!/usr/bin/env bash
# The --shard benchmark of issue #23: one 1M-row orders CSV (bench/work)
# loaded into an empty table on a private MariaDB server
#   1. by one process with --threads 4 (which takes the secondary indexes
#      off and builds them after the rows: an input of 32 MB or more);
#   1b. by one process with --threads 4 --no-defer-indexes, like for like:
#      shards cannot defer indexes, since none knows when the others are done;
#   2. by 4 processes at once, --shard 0/4 .. 3/4, each with --threads 1;
# REPEAT times each, interleaved, the table emptied between runs. Reports
# the medians and the ratio against the target (the 4 shards no slower than
# the one process, within 10%: ratio <= 1.10), and checks that the shards'
# rows are the file's, each once.
#
#   bench/shard.sh [ROWS]           rows in the file (default 1000000)
#   SLUICE_BENCH_REPEAT=3           runs of each
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeat=${SLUICE_BENCH_REPEAT:-3}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
bench_server
csv=$(bench_orders_csv "$rows")
admin -e "CREATE DATABASE bench"
python3 bench/gen_orders.py --schema | admin bench
url="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/bench/orders"

echo "$rows rows ($(du -h "$csv" | cut -f1)): one load --threads 4 vs 4 loads --shard i/4 at once, $repeat times"
for i in $(seq 1 "$repeat"); do
  admin -e "TRUNCATE bench.orders"
  t0=$(date +%s.%N)
  ./build/sluice load "$csv" --into "$url" --defaults-file "$SLUICE_DB_CNF" --threads 4 -q
  one=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "$one" >>"$tmp/one"
  admin -e "TRUNCATE bench.orders"
  t0=$(date +%s.%N)
  ./build/sluice load "$csv" --into "$url" --defaults-file "$SLUICE_DB_CNF" --threads 4 -q \
    --no-defer-indexes
  kept=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "$kept" >>"$tmp/kept"
  admin -e "TRUNCATE bench.orders"
  t0=$(date +%s.%N)
  pids=()
  for k in 0 1 2 3; do
    ./build/sluice load "$csv" --into "$url" --defaults-file "$SLUICE_DB_CNF" --threads 1 \
      --shard "$k/4" -q &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  four=$(echo "$(date +%s.%N) - $t0" | bc)
  echo "$four" >>"$tmp/four"
  got=$(admin -e "SELECT COUNT(*), COUNT(DISTINCT id) FROM bench.orders")
  printf '  run %d  one process %6.2f s (%6.2f s without deferring indexes)   4 shards %6.2f s   rows %s\n' \
    "$i" "$one" "$kept" "$four" "$got"
  [ "$got" = "$rows	$rows" ] || { echo "the shards' rows are wrong: $got" >&2; exit 1; }
done
one=$(median <"$tmp/one")
kept=$(median <"$tmp/kept")
four=$(median <"$tmp/four")
ratio=$(echo "scale=3; $four / $one" | bc)
like=$(echo "scale=3; $four / $kept" | bc)
echo "median: one process --threads 4 $one s ($kept s without deferring indexes), 4 shards $four s"
echo "4 shards / one process = $ratio (target <= 1.10: $(verdict "$ratio <= 1.10"))"
echo "4 shards / one process without deferred indexes = $like"
