#!/usr/bin/env bash
# Starts and stops a private 3-node MariaDB Galera cluster on 127.0.0.1, for
# tests and bench/ (Debian's galera-4, mariadb-server and rsync).
#
#   scripts/galera.sh start DIR     bootstrap node 1, join nodes 2 and 3 by
#                                   rsync state transfer; writes DIR/env.sh
#   scripts/galera.sh stop DIR      stop every node and remove DIR
#   scripts/galera.sh kill DIR N    SIGKILL node N, as a crash would
#   scripts/galera.sh restart DIR N start node N again; it rejoins (IST or SST)
#   scripts/galera.sh status DIR    each node's wsrep state and cluster size
#
# DIR must be somewhere the mysql user can enter (not under /root), since
# the nodes run as mysql: Galera's rsync state transfer drops its privileges
# and fails when mariadbd runs as root. Each node has its own data
# directory, socket, SQL port and wsrep, IST and SST ports, all on loopback.
# The accounts are those of scripts/dbserver.sh: root on the sockets, and
# sluice@% with the password in DIR/client.cnf. GALERA_PROVIDER_OPTIONS, if
# set, is added to wsrep_provider_options (e.g. a shorter
# evs.suspect_timeout, after which a lost node is evicted).
set -euo pipefail

die() { echo "galera: $*" >&2; exit 1; }
# shellcheck source=scripts/server_common.sh
source "$(dirname "$0")/server_common.sh"
provider() {
  for p in /usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so /usr/lib64/galera-4/libgalera_smm.so; do
    [ -f "$p" ] && { echo "$p"; return; }
  done
  die "libgalera_smm.so not found; run scripts/install-deps.sh (galera-4)"
}

# as the mysql user when we are root, else as ourselves
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi
}
owner() { if [ "$(id -u)" = 0 ]; then echo mysql; else id -un; fi; }

admin_sock() { # DIR N ARGS...
  local dir=$1 n=$2
  shift 2
  "$(find_bin mariadb mysql)" --no-defaults --socket="$dir/n$n/mysql.sock" -uroot "$@"
}

wait_synced() { # DIR N
  local i state
  for i in $(seq 1 480); do
    state=$(admin_sock "$1" "$2" -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2 || true)
    [ "$state" = Synced ] && return 0
    if [ -f "$1/n$2/mariadbd.pid" ] && ! kill -0 "$(cat "$1/n$2/mariadbd.pid")" 2>/dev/null; then
      tail -30 "$1/n$2/error.log" >&2
      die "node $2 exited"
    fi
    sleep 0.25
  done
  tail -30 "$1/n$2/error.log" >&2
  die "node $2 did not reach Synced"
}

start_node() { # DIR N [--wsrep-new-cluster]
  local dir=$1 n=$2
  shift 2
  as_owner "$(find_bin mariadbd mysqld)" --defaults-file="$dir/n$n/my.cnf" "$@" >/dev/null 2>&1 &
  echo $! >"$dir/n$n/launcher.pid"
}

start() {
  local dir=${1:?usage: galera.sh start DIR}
  mkdir -p "$dir"
  [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  dir=$(cd "$dir" && pwd)
  local user prov n gport=() port=() ist=() sst=()
  user=$(owner)
  prov=$(provider)
  for n in 1 2 3; do
    port[n]=$(free_port)
    gport[n]=$(free_port)
    ist[n]=$(free_port)
    sst[n]=$(free_port)
  done
  local address="gcomm://127.0.0.1:${gport[1]},127.0.0.1:${gport[2]},127.0.0.1:${gport[3]}"
  for n in 1 2 3; do
    mkdir -p "$dir/n$n/data" "$dir/n$n/tmp"
    cat >"$dir/n$n/my.cnf" <<CNF
[mariadbd]
datadir=$dir/n$n/data
socket=$dir/n$n/mysql.sock
pid-file=$dir/n$n/mariadbd.pid
log-error=$dir/n$n/error.log
tmpdir=$dir/n$n/tmp
port=${port[n]}
bind-address=127.0.0.1
user=$user
skip-name-resolve
local-infile=1
character-set-server=utf8mb4
innodb-buffer-pool-size=128M
innodb-log-file-size=128M
innodb-flush-log-at-trx-commit=2
innodb-autoinc-lock-mode=2
binlog-format=ROW
max-connections=200
max-allowed-packet=64M
wsrep-on=ON
wsrep-provider=$prov
wsrep-cluster-name=sluice-test
wsrep-cluster-address=$address
wsrep-node-name=n$n
wsrep-node-address=127.0.0.1:${gport[n]}
wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${gport[n]};ist.recv_addr=127.0.0.1:${ist[n]};gcache.size=64M${GALERA_PROVIDER_OPTIONS:+;$GALERA_PROVIDER_OPTIONS}"
wsrep-sst-method=rsync
wsrep-sst-receive-address=127.0.0.1:${sst[n]}
wsrep-slave-threads=2
CNF
  done
  [ "$(id -u)" = 0 ] && chown -R mysql: "$dir"
  # node 1's data, made with the accounts; 2 and 3 get theirs by SST
  as_owner "$(find_bin mariadb-install-db mysql_install_db)" --no-defaults --datadir="$dir/n1/data" \
    --user="$user" --auth-root-authentication-method=normal --skip-test-db --tmpdir="$dir/n1/tmp" \
    --skip-name-resolve --force >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; die "install-db failed"; }
  start_node "$dir" 1 --wsrep-new-cluster
  wait_synced "$dir" 1
  local pw
  pw="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  admin_sock "$dir" 1 <<SQL
CREATE USER 'sluice'@'%' IDENTIFIED BY '$pw';
CREATE USER 'sluice'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'%';
GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'localhost';
SQL
  for n in 2 3; do
    start_node "$dir" "$n"
    wait_synced "$dir" "$n"
  done
  cat >"$dir/client.cnf" <<CNF
[client]
user=sluice
password=$pw
CNF
  chmod 600 "$dir/client.cnf"
  cat >"$dir/env.sh" <<ENV
export GALERA_DIR='$dir'
export GALERA_PORTS='${port[1]} ${port[2]} ${port[3]}'
export GALERA_CNF='$dir/client.cnf'
export GALERA_HOSTS='127.0.0.1:${port[1]},127.0.0.1:${port[2]},127.0.0.1:${port[3]}'
ENV
  echo "galera: 3 nodes Synced in $dir (SQL ports ${port[1]} ${port[2]} ${port[3]}); source $dir/env.sh"
}

node_pid() { cat "$1/n$2/mariadbd.pid" 2>/dev/null || true; }

stop() {
  local dir=${1:?usage: galera.sh stop DIR} n pid
  [ -d "$dir" ] || return 0
  for n in 3 2 1; do
    pid=$(node_pid "$dir" "$n")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for n in 3 2 1; do
    pid=$(node_pid "$dir" "$n")
    for _ in $(seq 1 120); do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
kill) kill -9 "$(node_pid "${2:?}" "${3:?}")" ;;
restart)
  rm -f "${2:?}/n${3:?}/mariadbd.pid"
  start_node "$2" "$3"
  wait_synced "$2" "$3"
  ;;
status)
  for n in 1 2 3; do
    printf 'n%s ' "$n"
    admin_sock "${2:?}" "$n" -N -e "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment','wsrep_cluster_size')" 2>/dev/null | tr '\n' ' ' || printf 'down'
    echo
  done
  ;;
*) die "usage: galera.sh start|stop|kill|status DIR [N]" ;;
esac
