# Helpers shared by scripts/dbserver.sh and scripts/galera.sh, which source
# this file and define die() first.

# Prints the path of the first of the named programs found, in PATH or
# /usr/sbin.
find_bin() {
  for b in "$@"; do
    command -v "$b" >/dev/null 2>&1 && { command -v "$b"; return; }
    [ -x "/usr/sbin/$b" ] && { echo "/usr/sbin/$b"; return; }
  done
  die "none of $* found; run scripts/install-deps.sh"
}

# Prints a TCP port of 127.0.0.1 that is free now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
