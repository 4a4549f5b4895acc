#!/usr/bin/env bash
# Installs every build and test dependency of sluice from Debian packages.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
  default-libmysqlclient-dev libcsv-dev libzstd-dev libinih-dev libcjson-dev openssl
  mariadb-server mariadb-client zstd galera-4 rsync
  libpq-dev postgresql-15 libsqlite3-dev sqlite3
  python3 python3-jsonschema time bc librsvg2-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system-wide server on install; sluice never uses
# it (tests run a private one), so stop it where systemd is not in charge.
if command -v service >/dev/null 2>&1 && ! pidof systemd >/dev/null 2>&1; then
  $SUDO service mariadb stop >/dev/null 2>&1 || true
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi
echo "install-deps: done"
