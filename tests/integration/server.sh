#!/usr/bin/env bash
# ctest fixture: starts (or stops) the private MariaDB server the
# integration tests share. A server left over from an aborted run is stopped
# first, so `start` always gets a fresh one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dbserver="$here/../../scripts/dbserver.sh"
cmd=$1
dir=$2
case "$cmd" in
  start)
    "$dbserver" stop "$dir" 2>/dev/null || rm -rf "$dir"
    "$dbserver" start "$dir"
    ;;
  stop) "$dbserver" stop "$dir" ;;
  *) echo "usage: server.sh start|stop DIR" >&2; exit 2 ;;
esac
