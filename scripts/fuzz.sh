#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz) with clang, ASan and UBSan,
# and runs each for SECONDS (default 60) from its seed corpus, two at a
# time. New inputs go to a scratch folder, so the committed seeds stay as
# they are; a crash leaves its input in build-fuzz/findings/ and fails.
#
#   scripts/fuzz.sh               every harness, 60 s each
#   scripts/fuzz.sh 600 csv url   the CSV and URL harnesses, 10 minutes each
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
names=("${@:-csv url job transform jsonl pgcopy}")
# shellcheck disable=SC2206
names=(${names[*]})

dir=build-fuzz
CC=clang cmake -S . -B "$dir" -DSLUICE_FUZZ=ON -DSLUICE_WERROR=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
mkdir -p "$dir/findings"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

run_one() { # NAME
  local name=$1 scratch seeds=(tests/fuzz/corpus/"$1")
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/sluice-fuzz-$name.XXXXXX")
  # the CSV reader also starts from the csv-spectrum corpus beside the checkout
  if [ "$name" = csv ] && [ -d ../shared/testdata/csv-spectrum/csvs ]; then
    seeds+=(../shared/testdata/csv-spectrum/csvs)
  fi
  # and the JSON Lines reader from JSONTestSuite
  if [ "$name" = jsonl ] && [ -d ../shared/testdata/JSONTestSuite/test_parsing ]; then
    seeds+=(../shared/testdata/JSONTestSuite/test_parsing)
  fi
  if "$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=8192 -timeout=10 \
    -artifact_prefix="$dir/findings/$name-" -print_final_stats=1 \
    "$scratch" "${seeds[@]}" >"$dir/fuzz_$name.log" 2>&1; then
    echo "fuzz: $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/fuzz_$name.log" | grep -o '[0-9]*$') runs in ${seconds} s, no finding"
    rm -rf "$scratch"
  else
    echo "fuzz: $name: FINDING; see $dir/fuzz_$name.log and $dir/findings/" >&2
    tail -40 "$dir/fuzz_$name.log" >&2
    rm -rf "$scratch"
    return 1
  fi
}

pids=() failed=0
for name in "${names[@]}"; do
  run_one "$name" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then
    wait "${pids[0]}" || failed=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
exit "$failed"
