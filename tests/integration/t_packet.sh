#!/usr/bin/env bash
# The max_allowed_packet cap against a real server: on a server of its own
# with a 1 MB max_allowed_packet, rows of 60 KB in 100-row batches must be
# split into statements that fit, and the table must equal the file.
source "$(dirname "$0")/lib.sh"
setup packet
srv="$WORK/srv"
SLUICE_DB_EXTRA_CNF="max-allowed-packet=1M" "$SLUICE_SRC/scripts/dbserver.sh" start "$srv" >/dev/null
trap '"$SLUICE_SRC/scripts/dbserver.sh" stop "$srv" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
source "$srv/env.sh"
URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
sql "CREATE DATABASE \`$DB\`; CREATE TABLE \`$DB\`.big (id INT PRIMARY KEY, body MEDIUMTEXT NOT NULL)"
check_eq "$(sql "SELECT @@global.max_allowed_packet")" 1048576 "the server's packet limit"
python3 - "$WORK/big.csv" "$WORK/big.expected" <<'PY'
import json, sys
out, exp = open(sys.argv[1], "w"), open(sys.argv[2], "w")
out.write("id,body\n")
for i in range(1, 301):
    body = ("row %d " % i) * 10000
    body = body[:60000]
    out.write('%d,"%s"\n' % (i, body))
    exp.write(json.dumps([str(i), body]) + "\n")
PY
load "$WORK/big.csv" --into "$URL/big" --batch-rows 100 --threads 2
check_rc 0 "load of 60 KB rows under a 1 MB packet"
check_table big "$WORK/big.expected" id "every 60 KB row, once"
# sanity: one 100-row statement would have been about 6 MB
check_eq "$(sql "SELECT COUNT(*) * 60000 > 1048576 * 5 FROM \`$DB\`.big WHERE id <= 100")" 1 "a full batch was far over the packet"
finish
