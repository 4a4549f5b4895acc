#!/usr/bin/env bash
# The copy benchmark of issue #4. Two private MariaDB servers on this
# machine, A and B; A holds the 1,000,000-row orders table of the load
# benchmark. In one run, interleaved, REPEAT times each, the table goes from
# A to B three ways:
#   sluice    sluice copy --threads 2 (the default: verified afterwards)
#   mydumper  mydumper -t 2 -r 100000 into a directory, then myloader -t 2
#   dump      mariadb-dump --single-transaction | mariadb
# Every client connects over the servers' unix sockets. The target table is
# dropped (untimed) before each run, and after each run its CHECKSUM TABLE
# must equal the source's. sluice is also timed with --no-verify, to show
# what the comparison costs. It reports the medians and the targets: sluice
# at most 0.55x the time of mydumper + myloader, and 0.35x that of
# mariadb-dump | mariadb.
#
#   bench/copy.sh [ROWS]        default 1000000
#   SLUICE_BENCH_REPEAT=3       runs per method (default 3)
#   SLUICE_BENCH_OLD=REV        also time the sluice of commit REV, interleaved
#                               with the others (sluice_old), to compare a change
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
repeat=${SLUICE_BENCH_REPEAT:-3}

# shellcheck source=bench/bench_lib.sh
source bench/bench_lib.sh
bench_build
if ! command -v mydumper >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y -qq --no-install-recommends mydumper >/dev/null
fi
csv=$(bench_orders_csv "$rows")
methods=(sluice sluice_nv mydumper dump)
if [ -n "${SLUICE_BENCH_OLD:-}" ]; then
  old_bin=$(bench_old_build "$SLUICE_BENCH_OLD")
  methods=(sluice sluice_old sluice_nv mydumper dump)
fi
bench_server # A, in $tmp/srv
a_sock=$SLUICE_DB_SOCKET
a_cnf=$SLUICE_DB_CNF
scripts/dbserver.sh start "$tmp/srv_b" >/dev/null
trap 'scripts/dbserver.sh stop "$tmp/srv_b" >/dev/null 2>&1 || true; scripts/dbserver.sh stop "$tmp/srv" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
b_sock=$(sed -n "s/^export SLUICE_DB_SOCKET='\(.*\)'/\1/p" "$tmp/srv_b/env.sh")
b_cnf="$tmp/srv_b/client.cnf"
on_a() { mariadb --no-defaults -S "$a_sock" -uroot -N "$@"; }
on_b() { mariadb --no-defaults -S "$b_sock" -uroot -N "$@"; }

on_a -e "CREATE DATABASE bench"
on_b -e "CREATE DATABASE bench"
python3 bench/gen_orders.py --schema | on_a bench
./build/sluice load "$csv" --into "mysql://sluice@localhost/bench/orders?socket=$a_sock" \
  --defaults-file "$a_cnf" -q --no-checkpoint
on_a bench -e "ANALYZE TABLE orders" >/dev/null
want=$(on_a bench -e "CHECKSUM TABLE orders" | cut -f2)
from="mysql://sluice@localhost/bench/orders?socket=$a_sock"
to="mysql://sluice@localhost/bench/orders?socket=$b_sock"

# run METHOD: one timed copy; appends "wall rss_kb" to $tmp/METHOD.runs
run() {
  local m=$1 t0 t1 rss=0
  on_b bench -e "DROP TABLE IF EXISTS orders"
  rm -rf "$tmp/dump"
  t0=$(date +%s.%N)
  case $m in
    sluice | sluice_nv | sluice_old)
      local nv=() bin=./build/sluice
      [ "$m" = sluice_nv ] && nv=(--no-verify)
      [ "$m" = sluice_old ] && bin=$old_bin
      /usr/bin/time -f "%M" -o "$tmp/time" "$bin" copy --from "$url_from" --to "$url_to" \
        --from-defaults-file "$a_cnf" --to-defaults-file "$b_cnf" --threads 2 -q "${nv[@]}"
      rss=$(cat "$tmp/time") ;;
    mydumper)
      mydumper -S "$a_sock" -u root -B bench -T orders -t 2 -r 100000 -o "$tmp/dump"
      myloader -S "$b_sock" -u root -B bench -t 2 -d "$tmp/dump" ;;
    dump)
      mariadb-dump --no-defaults -S "$a_sock" -uroot --single-transaction bench orders |
        mariadb --no-defaults -S "$b_sock" -uroot bench ;;
  esac
  t1=$(date +%s.%N)
  local got
  got=$(on_b bench -e "CHECKSUM TABLE orders" | cut -f2)
  [ "$got" = "$want" ] || { echo "$m: CHECKSUM TABLE $got, want $want" >&2; exit 1; }
  echo "$(echo "$t1 - $t0" | bc) $rss" >>"$tmp/$m.runs"
}
url_from=$from
url_to=$to

echo "copying $rows rows from server A to server B ${#methods[@]} ways, $repeat times each"
for i in $(seq 1 "$repeat"); do
  for m in "${methods[@]}"; do
    run "$m"
    printf '  run %d %-10s %7.2f s\n' "$i" "$m" "$(tail -1 "$tmp/$m.runs" | cut -d' ' -f1)"
  done
done

declare -A wall
for m in "${methods[@]}"; do
  wall[$m]=$(cut -d' ' -f1 "$tmp/$m.runs" | median)
done
rss=$(($(cut -d' ' -f2 "$tmp/sluice.runs" | sort -n | tail -1) / 1024))
printf '\n%-52s %8s\n' "method (median of $repeat)" "wall s"
printf '%-52s %8.2f\n' "sluice copy --threads 2 (verified)" "${wall[sluice]}"
[ -n "${SLUICE_BENCH_OLD:-}" ] &&
  printf '%-52s %8.2f\n' "sluice of $SLUICE_BENCH_OLD, copy --threads 2 (verified)" "${wall[sluice_old]}"
printf '%-52s %8.2f\n' "sluice copy --threads 2 --no-verify" "${wall[sluice_nv]}"
printf '%-52s %8.2f\n' "mydumper -t 2 -r 100000 + myloader -t 2" "${wall[mydumper]}"
printf '%-52s %8.2f\n' "mariadb-dump --single-transaction | mariadb" "${wall[dump]}"
r1=$(echo "scale=3; ${wall[sluice]} / ${wall[mydumper]}" | bc)
r2=$(echo "scale=3; ${wall[sluice]} / ${wall[dump]}" | bc)
printf '\ntargets (sluice verified; every copy checked by CHECKSUM TABLE)\n'
printf '  vs mydumper + myloader:   %.2fx the time (target <= 0.55)  %s\n' "$r1" "$(verdict "$r1 <= 0.55")"
printf '  vs mariadb-dump | mariadb: %.2fx the time (target <= 0.35)  %s\n' "$r2" "$(verdict "$r2 <= 0.35")"
printf '  sluice peak RSS %d MB\n' "$rss"
