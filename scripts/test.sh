#!/usr/bin/env bash
# Builds sluice and runs the whole test suite: unit tests, the csv-spectrum
# corpus, and integration tests against a private MariaDB server that the
# suite starts and removes itself.
#
# The suite runs four times: a normal build against the installed client
# library, the same build against Debian 12's other Connector/C release
# (cc18, see below), AddressSanitizer with UndefinedBehaviorSanitizer (leaks
# included), and ThreadSanitizer. The galera pass loads into a 3-node Galera
# cluster it starts on loopback, killing a node halfway
# (tests/galera/t_galera.sh, about 2 minutes, with a 15-minute limit). Then
# each libFuzzer harness of tests/fuzz runs for 60 s (scripts/fuzz.sh); a
# finding fails the suite.
#
#   scripts/test.sh            all six
#   scripts/test.sh plain      one of: plain, cc18, asan, tsan, galera, fuzz
#
# cc18: Debian 12 ships libmariadb3 1:10.11.18 in its main repository and
# 1:10.11.19 in its security updates, and a machine may have either. The
# plain build is run again with the main repository's library unpacked into
# build-cc18/ (never installed) and put first on LD_LIBRARY_PATH. When that
# is the installed version already, the plain run has covered it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

CC18_VERSION=1:10.11.18-0+deb12u1

# Unpacks libmariadb3 $CC18_VERSION into build-cc18/ and prints its library
# folder; prints nothing when that version is the installed one.
fetch_cc18() {
  local installed root=build-cc18 lib
  installed=$(dpkg-query -W -f='${Version}' libmariadb3 2>/dev/null || true)
  [ "$installed" != "$CC18_VERSION" ] || return 0
  lib=$(find "$root" -name libmariadb.so.3 2>/dev/null | head -1)
  if [ -z "$lib" ]; then
    rm -rf "$root" && mkdir -p "$root/deb"
    # apt-get download writes into the current folder; an old package list
    # may not know the version yet, so refresh it once and try again
    (cd "$root/deb" && { apt-get download -qq "libmariadb3=$CC18_VERSION" 2>/dev/null ||
      { apt-get update -qq && apt-get download -qq "libmariadb3=$CC18_VERSION"; }; }) >&2 ||
      { echo "test.sh: cannot download libmariadb3=$CC18_VERSION" >&2; return 1; }
    dpkg -x "$root"/deb/libmariadb3_*.deb "$root"
    lib=$(find "$root" -name libmariadb.so.3 | head -1)
  fi
  dirname "$lib"
}

# A sanitizer finding must never look like one of sluice's own exit codes.
export ASAN_OPTIONS="detect_leaks=1:exitcode=86:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86"
export TSAN_OPTIONS="halt_on_error=1:exitcode=86:second_deadlock_stack=1"

jobs=$(nproc 2>/dev/null || echo 2)
variants=("${@:-plain cc18 galera asan tsan fuzz}")
# shellcheck disable=SC2206
variants=(${variants[*]})

for v in "${variants[@]}"; do
  case "$v" in
    plain | cc18) dir=build san="" ;;
    asan) dir=build-asan san=address ;;
    tsan) dir=build-tsan san=thread ;;
    fuzz)
      echo "== fuzz: each harness for 60 s"
      scripts/fuzz.sh 60
      continue
      ;;
    galera)
      echo "== galera: a 3-node cluster, a node killed during a load"
      cmake -S . -B build -DSLUICE_WERROR=ON -DBUILD_TESTING=ON >/dev/null
      cmake --build build -j "$jobs" --target sluice >/dev/null
      timeout 900 tests/galera/t_galera.sh build/sluice
      continue
      ;;
    *) echo "test.sh: unknown variant '$v' (plain, cc18, asan, tsan, galera, fuzz)" >&2; exit 2 ;;
  esac
  echo "== $v: building in $dir"
  cmake -S . -B "$dir" -DSLUICE_SANITIZE="$san" -DSLUICE_WERROR=ON -DBUILD_TESTING=ON >/dev/null
  cmake --build "$dir" -j "$jobs" >/dev/null
  if [ "$v" = cc18 ]; then
    libdir=$(fetch_cc18)
    if [ -z "$libdir" ]; then
      echo "== cc18: libmariadb3 $CC18_VERSION is the installed one; the plain run covered it"
      continue
    fi
    libdir=$(cd "$libdir" && pwd)
    echo "== cc18: testing with libmariadb3 $CC18_VERSION from $libdir"
    # t_cli checks that sluice --version names this library, so the pass
    # cannot quietly run on the installed one
    LD_LIBRARY_PATH="$libdir" MARIADB_PLUGIN_DIR="$libdir/libmariadb3/plugin" \
      SLUICE_EXPECT_CLIENT=3.3.19 ctest --test-dir "$dir" --output-on-failure -j "$jobs"
    continue
  fi
  echo "== $v: testing"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
done
echo "== all test runs passed: ${variants[*]}"
