#!/usr/bin/env bash
# Builds sluice and runs the whole test suite: unit tests, the csv-spectrum
# corpus, and integration tests against a private MariaDB server that the
# suite starts and removes itself.
#
# The suite runs three times: a normal build, AddressSanitizer with
# UndefinedBehaviorSanitizer (leaks included), and ThreadSanitizer.
#
#   scripts/test.sh            all three
#   scripts/test.sh plain      one of: plain, asan, tsan
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

# A sanitizer finding must never look like one of sluice's own exit codes.
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"
export TSAN_OPTIONS="halt_on_error=1:exitcode=86:second_deadlock_stack=1"

jobs=$(nproc 2>/dev/null || echo 2)
variants=("${@:-plain asan tsan}")
# shellcheck disable=SC2206
variants=(${variants[*]})

for v in "${variants[@]}"; do
  case "$v" in
    plain) dir=build san="" ;;
    asan) dir=build-asan san=address ;;
    tsan) dir=build-tsan san=thread ;;
    *) echo "test.sh: unknown variant '$v' (plain, asan, tsan)" >&2; exit 2 ;;
  esac
  echo "== $v: building in $dir"
  cmake -S . -B "$dir" -DSLUICE_SANITIZE="$san" -DBUILD_TESTING=ON >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  echo "== $v: testing"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
done
echo "== all test runs passed: ${variants[*]}"
