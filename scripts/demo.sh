#!/usr/bin/env bash
# Builds sluice and shows its main job: a nightly-style load of a compressed
# CSV drop into a private local MariaDB server that this script starts and
# removes again.
#
#   scripts/demo.sh [ROWS]     (default 200000)
#
# SLUICE_BIN=path runs that binary instead of building one (the test suite's
# t_demo does so).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}

scripts/install-deps.sh
sluice=${SLUICE_BIN:-}
if [ -z "$sluice" ]; then
  echo "== building sluice"
  cmake -S . -B build >/dev/null
  cmake --build build --target sluice -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
  sluice=./build/sluice
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-demo.XXXXXX")
cleanup() { scripts/dbserver.sh stop "$work/db" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

echo "== starting a private MariaDB server"
scripts/dbserver.sh start "$work/db"
# shellcheck disable=SC1091
source "$work/db/env.sh"
# utf8mb4 on the client too, so the closing table shows Köln whatever the
# machine's locale
admin() { mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot --default-character-set=utf8mb4 "$@"; }
admin -e "CREATE DATABASE shop"
"$sluice" gen --schema orders --print-create orders | admin shop

echo "== sluice gen --schema orders --rows $rows --out orders-2026-11-20.csv.zst"
"$sluice" gen --schema orders --rows "$rows" --out "$work/orders-2026-11-20.csv.zst"
ls -l "$work/orders-2026-11-20.csv.zst" | awk '{print "   " $5 " bytes compressed"}'

echo "== sluice load orders-2026-11-20.csv.zst --into mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/shop/orders --threads 2"
"$sluice" load "$work/orders-2026-11-20.csv.zst" \
  --into "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/shop/orders" \
  --defaults-file "$SLUICE_DB_CNF" --threads 2

echo "== what the server now holds"
admin shop -t -e "SELECT COUNT(*) AS orders, SUM(qty) AS items, SUM(price) AS revenue,
                  SUM(note IS NULL) AS null_notes, MIN(created_at), MAX(created_at) FROM orders"
admin shop -t -e "SELECT id, sku, price, status, note FROM orders ORDER BY id LIMIT 5"
echo "== done; the server and its files are removed on exit"
