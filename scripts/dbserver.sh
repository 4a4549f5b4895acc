#!/usr/bin/env bash
# Starts and stops a private MariaDB server for tests, the demo and bench/.
#
#   scripts/dbserver.sh start [DIR]   start a server in DIR (default: a new
#                                     temporary directory); prints how to
#                                     connect and writes DIR/env.sh
#   scripts/dbserver.sh stop DIR      stop it and remove DIR entirely
#   scripts/dbserver.sh kill DIR      SIGKILL the server, as a crash would
#   scripts/dbserver.sh restart DIR   start it again on the same data and port
#
# The server listens on a unix socket inside DIR (or in a short /tmp
# directory when DIR's path is too long for a socket) and on a free port of
# 127.0.0.1 only, has local_infile on, and knows two accounts:
#   root@localhost  no password, socket only (for test set-up)
#   sluice@%        password in DIR/client.cnf (what sluice connects as)
# SLUICE_DB_EXTRA_CNF, if set, is appended to the server's configuration
# (e.g. "max-allowed-packet=1M"), one option per line.
# Nothing outside DIR is touched.
set -euo pipefail

die() { echo "dbserver: $*" >&2; exit 1; }

# shellcheck source=scripts/server_common.sh
source "$(dirname "$0")/server_common.sh"

# Starts mariadbd on DIR's configuration and waits until it answers.
run_server() {
  local dir=$1 sock=$2 mariadbd admin i
  mariadbd=$(find_bin mariadbd mysqld)
  admin=$(find_bin mariadb-admin mysqladmin)
  "$mariadbd" --defaults-file="$dir/my.cnf" >/dev/null 2>&1 &
  for i in $(seq 1 240); do
    "$admin" --no-defaults --socket="$sock" -uroot ping >/dev/null 2>&1 && return 0
    if ! kill -0 $! 2>/dev/null; then cat "$dir/error.log" >&2; die "server exited"; fi
    sleep 0.25
  done
  cat "$dir/error.log" >&2
  die "server did not come up"
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-db.XXXXXX")
  else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  fi
  dir=$(cd "$dir" && pwd)
  local install_db client port user
  install_db=$(find_bin mariadb-install-db mysql_install_db)
  client=$(find_bin mariadb mysql)
  port=$(free_port)
  user=$(id -un)
  mkdir -p "$dir/data" "$dir/tmp"
  # a unix socket path must stay under ~107 bytes: use a short directory
  # (removed by stop) when DIR's own path is long
  local sock="$dir/mysql.sock"
  if [ ${#sock} -gt 90 ]; then
    sock="$(mktemp -d /tmp/sluice-sock.XXXXXX)/mysql.sock"
  fi
  echo "$sock" >"$dir/socket-path"

  # its own tmpdir: bootstraps run side by side by parallel tests must not
  # share /tmp's temporary tables. The server is loopback-only and its
  # accounts name no host it would look up, so it must not depend on DNS or
  # /etc/hosts: --skip-name-resolve for the grant tables, and --force past
  # install-db's own check that the machine's host name resolves.
  "$install_db" --no-defaults --datadir="$dir/data" --user="$user" \
    --auth-root-authentication-method=normal --skip-test-db --tmpdir="$dir/tmp" \
    --skip-name-resolve --force \
    >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; die "install-db failed"; }

  cat >"$dir/my.cnf" <<CNF
[mariadbd]
datadir=$dir/data
socket=$sock
pid-file=$dir/mariadbd.pid
log-error=$dir/error.log
tmpdir=$dir/tmp
port=$port
bind-address=127.0.0.1
user=$user
skip-name-resolve
local-infile=1
character-set-server=utf8mb4
innodb-buffer-pool-size=512M
innodb-log-file-size=512M
innodb-flush-log-at-trx-commit=2
max-connections=300
max-allowed-packet=64M
${SLUICE_DB_EXTRA_CNF:-}
CNF
  run_server "$dir" "$sock"

  local pw
  pw="pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  "$client" --no-defaults --socket="$sock" -uroot <<SQL
CREATE USER 'sluice'@'%' IDENTIFIED BY '$pw';
CREATE USER 'sluice'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'%';
GRANT ALL PRIVILEGES ON *.* TO 'sluice'@'localhost';
SQL
  cat >"$dir/client.cnf" <<CNF
[client]
user=sluice
password=$pw
host=127.0.0.1
port=$port
CNF
  chmod 600 "$dir/client.cnf"
  cat >"$dir/env.sh" <<ENV
export SLUICE_DB_DIR='$dir'
export SLUICE_DB_SOCKET='$sock'
export SLUICE_DB_PORT='$port'
export SLUICE_DB_CNF='$dir/client.cnf'
export SLUICE_DB_URL='mysql://sluice@127.0.0.1:$port'
ENV
  cat <<MSG
private MariaDB running in $dir
  tcp:     127.0.0.1:$port  user sluice, password in $dir/client.cnf
  socket:  $sock  (root, no password, for admin)
  sluice:  sluice load FILE --into 'mysql://sluice@127.0.0.1:$port/DB/TABLE' --defaults-file $dir/client.cnf
  client:  mariadb --defaults-file=$dir/client.cnf
  env:     source $dir/env.sh
  stop:    scripts/dbserver.sh stop $dir
MSG
}

stop() {
  local dir=${1:-}
  [ -n "$dir" ] || die "usage: dbserver.sh stop DIR"
  [ -d "$dir" ] || return 0
  [ -f "$dir/my.cnf" ] || die "$dir does not look like a dbserver directory"
  local admin pid="" sock="$dir/mysql.sock"
  admin=$(find_bin mariadb-admin mysqladmin)
  [ -f "$dir/mariadbd.pid" ] && pid=$(cat "$dir/mariadbd.pid")
  [ -f "$dir/socket-path" ] && sock=$(cat "$dir/socket-path")
  "$admin" --no-defaults --socket="$sock" -uroot shutdown >/dev/null 2>&1 || true
  if [ -n "$pid" ]; then
    local i
    for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  case "$sock" in /tmp/sluice-sock.*) rm -rf "$(dirname "$sock")" ;; esac
  rm -rf "$dir"
}

crash() {
  local dir=${1:-}
  [ -f "$dir/mariadbd.pid" ] || die "no server running in $dir"
  local pid
  pid=$(cat "$dir/mariadbd.pid")
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

restart() {
  local dir=${1:-}
  [ -f "$dir/my.cnf" ] || die "$dir does not look like a dbserver directory"
  run_server "$dir" "$(cat "$dir/socket-path")"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  kill) shift; crash "$@" ;;
  restart) shift; restart "$@" ;;
  *) echo "usage: $0 start [DIR] | stop DIR | kill DIR | restart DIR" >&2; exit 2 ;;
esac
