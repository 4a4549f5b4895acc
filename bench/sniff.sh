#!/usr/bin/env bash
# The sniff target of issue #21: `sluice sniff` of a 1 GB file in under 1 s,
# with bounded memory. Generates a 1 GB orders CSV (cached in bench/work),
# sniffs it REPEAT times, and reports the median wall time and the largest
# peak RSS, plain and zstd-compressed.
#
#   bench/sniff.sh            SLUICE_BENCH_REPEAT=5 for more runs (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${SLUICE_BENCH_REPEAT:-3}
# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p bench/work
big=bench/work/sniff-1g.csv
if [ ! -s "$big" ]; then
  echo "generating $big" >&2
  ./build/sluice gen --schema orders --rows 12600000 --out "$big.tmp" && mv "$big.tmp" "$big"
fi
[ -s "$big.zst" ] || zstd -q -T2 -3 "$big" -o "$big.zst"
for f in "$big" "$big.zst"; do
  walls=() rss=0
  for _ in $(seq 1 "$repeat"); do
    /usr/bin/time -f '%e %M' -o "$tmp/time" ./build/sluice sniff "$f" >"$tmp/out"
    read -r wall kb <"$tmp/time"
    walls+=("$wall")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  med=$(printf '%s\n' "${walls[@]}" | median)
  size=$(stat -c %s "$f")
  printf '%-36s %8.1f MB  wall %5.2f s  peak RSS %4d MB  %s\n' "$(basename "$f")" \
    "$(echo "$size / 1000000" | bc -l)" "$med" $((rss / 1024)) "$(verdict "$med < 1")"
done
head -20 "$tmp/out"
