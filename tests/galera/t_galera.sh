#!/usr/bin/env bash
# Loads into a 3-node MariaDB Galera cluster on loopback (scripts/galera.sh:
# Debian's galera-4, mariadb-server and rsync, the nodes running as the
# mysql user) through a URL of all three hosts, and kills a node with
# SIGKILL halfway:
#   - --hosts-policy spread: the lost node's writer moves to another node;
#   - --hosts-policy first: every writer is on node 1, which is killed.
# Each load must finish (exit 0), and every node, the killed one once it has
# rejoined, must hold exactly the file's rows (COUNT and CHECKSUM TABLE).
# Run by scripts/test.sh (the galera variant); about 2 minutes.
#
#   tests/galera/t_galera.sh [SLUICE_BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
SLUICE_BIN=${1:-${SLUICE_BIN:-build/sluice}}
SLUICE_BIN=$(cd "$(dirname "$SLUICE_BIN")" && pwd)/$(basename "$SLUICE_BIN")
ROWS=${SLUICE_GALERA_ROWS:-1000000}
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*" >&2; [ -f "$WORK/err" ] && sed 's/^/  stderr: /' "$WORK/err" | tail -20 >&2; return 0; }
check_eq() { if [ "$1" == "$2" ]; then pass; else fail "$3: got '$1', want '$2'"; fi; }

# the nodes run as mysql, which must be able to enter every folder above theirs
WORK=$(mktemp -d /tmp/sluice-galera.XXXXXX)
chmod 755 "$WORK"
CLUSTER="$WORK/cluster"
trap 'scripts/galera.sh stop "$CLUSTER" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
scripts/galera.sh start "$CLUSTER"
# shellcheck disable=SC1091
source "$CLUSTER/env.sh"
node() { # N SQL
  mariadb --no-defaults -S "$CLUSTER/n$1/mysql.sock" -uroot -N --batch -e "$2"
}
URL="mysql://sluice@$GALERA_HOSTS/gdb/orders"
node 1 "CREATE DATABASE gdb"
python3 bench/gen_orders.py --schema | mariadb --no-defaults -S "$CLUSTER/n1/mysql.sock" -uroot gdb
python3 bench/gen_orders.py --rows "$ROWS" >"$WORK/orders.csv"
WANT_COUNT="$ROWS	$ROWS"

# every live node (and, after it rejoined, the killed one) holds the rows
same_everywhere() { # KILLED WHAT
  local n sum0=""
  scripts/galera.sh restart "$CLUSTER" "$1" >/dev/null
  for n in 1 2 3; do
    check_eq "$(node "$n" "SELECT COUNT(*), COUNT(DISTINCT id) FROM gdb.orders")" "$WANT_COUNT" "$2: node $n has every row once"
    local sum
    sum=$(node "$n" "CHECKSUM TABLE gdb.orders" | cut -f2)
    [ -z "$sum0" ] && sum0=$sum
    check_eq "$sum" "$sum0" "$2: node $n's checksum"
  done
  check_eq "$(node 1 "SELECT COUNT(*) FROM gdb.sluice_checkpoints")" 0 "$2: no checkpoint left"
}

run_killing() { # POLICY THREADS NODE: the load, and node NODE killed once rows flow
  set +e
  "$SLUICE_BIN" load "$WORK/orders.csv" --into "$URL" --defaults-file "$GALERA_CNF" \
    --hosts-policy "$1" --threads "$2" --batch-rows 500 --txn-rows 5000 --report "$WORK/$1.json" \
    >"$WORK/out" 2>"$WORK/err" &
  local pid=$!
  set -e
  local i
  for i in $(seq 1 600); do
    [ "$(node 3 "SELECT COUNT(*) FROM gdb.orders" 2>/dev/null || echo 0)" -ge $((ROWS / 5)) ] && break
    sleep 0.1
  done
  scripts/galera.sh kill "$CLUSTER" "$3"
  set +e
  wait "$pid"
  RC=$?
  set -e
}

# ---- spread: writers on all three nodes, node 2 killed
run_killing spread 3 2
check_eq "$RC" 0 "spread: the load finished after node 2 was killed"
grep -q "is on a Galera cluster: its indexes stay in place" "$WORK/err" && pass ||
  fail "spread: the indexes are not taken off on Galera"
grep -q "retry" "$WORK/err" && pass || fail "spread: a writer retried on another node"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); n=[i for i in r["items"] if i["kind"]=="node"]; print(len(n), sum(i["rows_written"] for i in n) == r["rows_written"], r["rows_written"])' "$WORK/spread.json")" \
  "3 True $ROWS" "spread: the report counts the rows of each node"
same_everywhere 2 "spread"

# ---- first: every writer on node 1, which is killed
node 1 "TRUNCATE gdb.orders"
run_killing first 2 1
check_eq "$RC" 0 "first: the load finished after node 1 was killed"
check_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); n={i["name"]: i["rows_written"] for i in r["items"] if i["kind"]=="node"}; print(sorted(v > 0 for v in n.values()))' "$WORK/first.json")" \
  "[False, True, True]" "first: rows went to node 1, then to the next live node"
same_everywhere 1 "first"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
