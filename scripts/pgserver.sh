#!/usr/bin/env bash
# Starts and stops a private PostgreSQL 15 server for tests and bench/.
#
#   scripts/pgserver.sh start [DIR]   start a server in DIR (default: a new
#                                     temporary directory under /tmp); writes
#                                     DIR/env.sh
#   scripts/pgserver.sh stop DIR      stop it and remove DIR entirely
#
# PostgreSQL refuses to run as root, so when started by root the server runs
# as the `postgres` account (Debian's package creates it), and DIR must be a
# place that account can enter: never under /root. The server listens on a
# unix socket in DIR and on a free port of 127.0.0.1, and knows two roles:
#   postgres  the superuser, trusted over the socket (for test set-up)
#   sluice    password in DIR/pgpass (what sluice connects as, over TCP
#             with scram-sha-256)
# DIR/env.sh sets SLUICE_PG_SOCKDIR, SLUICE_PG_PORT, SLUICE_PG_URL (no
# password in it) and PGPASSFILE, so that libpq finds the password.
set -euo pipefail

die() { echo "pgserver: $*" >&2; exit 1; }

PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/postgres" ] || die "PostgreSQL 15 not found; run scripts/install-deps.sh"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/sluice-pg.XXXXXX)
  else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  fi
  dir=$(cd "$dir" && pwd)
  case "$dir" in /root | /root/*) die "$dir is under /root, which postgres cannot enter" ;; esac
  local port pass
  port=$(free_port)
  pass=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  mkdir -p "$dir/data"
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
  chmod 755 "$dir"
  as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 50
EOF
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; die "server did not come up"; }
  as_owner "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE sluice LOGIN PASSWORD '$pass'" -c "CREATE DATABASE sluice OWNER sluice" \
    >/dev/null
  printf '127.0.0.1:%s:*:sluice:%s\n' "$port" "$pass" >"$dir/pgpass"
  chmod 600 "$dir/pgpass"
  [ "$(id -u)" -ne 0 ] || chown "$(id -un)" "$dir/pgpass"
  cat >"$dir/env.sh" <<EOF
export SLUICE_PG_SOCKDIR='$dir'
export SLUICE_PG_PORT=$port
export SLUICE_PG_URL='postgresql://sluice@127.0.0.1:$port/sluice'
export PGPASSFILE='$dir/pgpass'
EOF
  echo "pgserver: PostgreSQL on 127.0.0.1:$port and $dir; source $dir/env.sh"
}

stop() {
  local dir=${1:?usage: pgserver.sh stop DIR}
  [ -d "$dir/data" ] || die "$dir holds no server"
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

# psql as the superuser over the socket: scripts/pgserver.sh psql DIR [args]
psql_su() {
  local dir=${1:?usage: pgserver.sh psql DIR [psql args]}
  shift
  local port
  port=$(sed -n 's/^export SLUICE_PG_PORT=//p' "$dir/env.sh")
  as_owner "$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d sluice -q -v ON_ERROR_STOP=1 "$@"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  psql) shift; psql_su "$@" ;;
  *) die "usage: pgserver.sh start [DIR] | stop DIR | psql DIR [args]" ;;
esac
