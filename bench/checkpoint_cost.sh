#!/usr/bin/env bash
# Prices sluice's checkpoints (issue #5) precisely, even on a noisy machine.
# On the 1,000,000-row benchmark a checkpoint is one single-row INSERT per
# 10,000-row chunk, which is far below run-to-run noise. So this script
# amplifies it: it loads ROWS rows with --txn-rows 1 (every row its own
# chunk, so ROWS checkpoints) with and without --no-checkpoint, REPEAT times
# each, interleaved, and takes the difference of the medians as the cost of
# ROWS checkpoints. It then projects that onto the benchmark: 1,000,000 rows
# in 10,000-row chunks is 100 checkpoints, against the benchmark's wall time.
#
#   bench/checkpoint_cost.sh [ROWS] [BENCH_SECONDS]   defaults 20000 and 3.5
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
bench_secs=${2:-3.5}
repeat=${SLUICE_BENCH_REPEAT:-5}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
bench_server
admin -e "CREATE DATABASE bench"
python3 bench/gen_orders.py --schema | admin bench
python3 bench/gen_orders.py --rows "$rows" >"$tmp/rows.csv"

run() {
  admin bench -e "TRUNCATE orders"
  sleep 0.5
  local t0 t1
  t0=$(date +%s.%N)
  ./build/sluice load "$tmp/rows.csv" --into "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/bench/orders" \
    --defaults-file "$SLUICE_DB_CNF" -q --txn-rows 1 --batch-rows 1 "$@"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
: >"$tmp/cp"
: >"$tmp/nocp"
for _ in $(seq 1 "$repeat"); do
  run --no-checkpoint >>"$tmp/nocp"
  run >>"$tmp/cp"
done
cp=$(median <"$tmp/cp")
nocp=$(median <"$tmp/nocp")
per=$(echo "scale=9; ($cp - $nocp) / $rows" | bc)
proj=$(echo "scale=6; $per * 100" | bc)
printf '%s chunks of one row: %.3f s with checkpoints, %.3f s without (medians of %s)\n' \
  "$rows" "$cp" "$nocp" "$repeat"
printf 'one checkpoint costs %.1f us of wall time\n' "$(echo "$per * 1000000" | bc)"
printf '1,000,000 rows in 10,000-row chunks = 100 checkpoints = %.2f ms = %.3f%% of a %s s load (target <= 5%%)\n' \
  "$(echo "$proj * 1000" | bc)" "$(echo "scale=6; $proj / $bench_secs * 100" | bc)" "$bench_secs"
