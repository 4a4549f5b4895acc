#!/usr/bin/env bash
# scripts/demo.sh as a fresh machine runs it (issue 18): no locale in the
# environment and, where a private mount namespace can be had, no
# /etc/hosts, so neither the server's bootstrap nor the closing table may
# depend on them. The demo starts and removes a server of its own.
source "$(dirname "$0")/lib.sh"
setup demo

demo_env=(env -i "PATH=$PATH" "SLUICE_BIN=$SLUICE_BIN" "TMPDIR=$WORK")
hidden=no
if unshare -m true 2>/dev/null; then
  hidden=yes
  set +e
  "${demo_env[@]}" unshare -m bash -c \
    'mount --bind /dev/null /etc/hosts && ! getent hosts localhost >/dev/null && exec "$0" 2000' \
    "$SLUICE_SRC/scripts/demo.sh" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
else
  echo "no private mount namespace here: the demo runs with /etc/hosts in place"
  set +e
  "${demo_env[@]}" "$SLUICE_SRC/scripts/demo.sh" 2000 >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
fi
check_rc 0 "demo (/etc/hosts hidden: $hidden)"
check_contains "$WORK/err" "rows written  2,000" "demo's load summary"
check_contains "$WORK/out" "|   2000 |" "demo's row count on the server"
# row 4 of the generated orders holds non-ASCII text; it must arrive as UTF-8
check_contains "$WORK/out" "Köln red, blue naïve café 東京" "demo's closing table in UTF-8"
check_not_contains "$WORK/out" "K?ln" "no replaced characters"
check_eq "$(find "$WORK" -maxdepth 1 -name 'sluice-demo.*' | wc -l)" 0 "demo removed its files"
finish
