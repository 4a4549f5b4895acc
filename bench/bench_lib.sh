# Shared set-up of the bench/ scripts; each sources this from the repository
# root (after cd "$(dirname "$0")/..").
#
#   bench_build            installs what the build needs and builds sluice
#   bench_server           starts a private server in a fresh $tmp (removed,
#                          with the server, on exit) and sources its env.sh
#   bench_orders_csv ROWS  prints the path of the cached orders CSV of ROWS
#                          rows in bench/work, generating it if missing
#   admin ARGS...          the mariadb client as root on the server's socket
#   median                 the median of the numbers on stdin
#   verdict EXPR           "met" if the bc expression is true, else "MISSED"
#   bench_old_build REV    builds commit REV of this repository apart (in
#                          bench/work/old-REV) and prints its sluice binary,
#                          so that a script can time old and new interleaved
#                          (SLUICE_BENCH_OLD=REV in the scripts that offer it)

bench_build() {
  scripts/install-deps.sh >/dev/null
  cmake -S . -B build >/dev/null
  cmake --build build --target sluice -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
}

bench_server() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
  trap 'scripts/dbserver.sh stop "$tmp/srv" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  scripts/dbserver.sh start "$tmp/srv" >/dev/null
  # shellcheck disable=SC1091
  source "$tmp/srv/env.sh"
}

bench_orders_csv() {
  mkdir -p bench/work
  local csv="bench/work/orders-$1.csv"
  if [ ! -s "$csv" ]; then
    echo "generating $csv" >&2
    python3 bench/gen_orders.py --rows "$1" >"$csv.tmp" && mv "$csv.tmp" "$csv"
  fi
  echo "$csv"
}

admin() { mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot -N "$@"; }

median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

verdict() { [ "$(echo "$1" | bc)" = 1 ] && echo met || echo MISSED; }

bench_old_build() {
  local rev dir
  rev=$(git rev-parse --short "$1")
  dir="bench/work/old-$rev"
  if [ ! -x "$dir/build/sluice" ]; then
    echo "building $rev in $dir" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    git archive "$rev" | tar -x -C "$dir"
    cmake -S "$dir" -B "$dir/build" >/dev/null
    cmake --build "$dir/build" --target sluice -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
  fi
  echo "$dir/build/sluice"
}
