#!/usr/bin/env bash
# TLS to PostgreSQL, as libpq's sslmode has it. The private server gets a
# certificate for 127.0.0.1 signed by a test CA and refuses connections
# without TLS over TCP. sslmode=verify-full with that CA copies and
# verifies; with another CA, or with a host name the certificate does not
# name, the copy stops before any row with libpq's reason; sslmode=disable
# is refused by the server. PGSSLMODE and PGSSLROOTCERT work as libpq's.
source "$(dirname "$0")/lib.sh"
setup pg_tls
pg_server

C="$WORK/certs"
mkdir -p "$C"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sluice test CA" \
  -keyout "$C/ca-key.pem" -out "$C/ca.pem"
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
  -keyout "$C/wrong-ca-key.pem" -out "$C/wrong-ca.pem"
q openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$C/server-key.pem" \
  -out "$C/server.csr"
printf 'subjectAltName=IP:127.0.0.1\n' >"$C/server.ext"
q openssl x509 -req -in "$C/server.csr" -CA "$C/ca.pem" -CAkey "$C/ca-key.pem" -CAcreateserial \
  -days 2 -extfile "$C/server.ext" -out "$C/server.pem"
chmod 644 "$C"/*.pem
# the server reads its key only when its owner alone may
cp "$C/server.pem" "$C/server-key.pem" "$PG_DIR/data/"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR/data/server.pem" "$PG_DIR/data/server-key.pem"; fi
chmod 600 "$PG_DIR/data/server-key.pem"
# TCP only with TLS; the superuser's unix socket stays as it was
{ echo "hostnossl all all 127.0.0.1/32 reject"; cat "$PG_DIR/data/pg_hba.conf"; } >"$WORK/hba"
cat "$WORK/hba" >"$PG_DIR/data/pg_hba.conf"
pgsql "ALTER SYSTEM SET ssl = on" >/dev/null
pgsql "ALTER SYSTEM SET ssl_cert_file = 'server.pem'" >/dev/null
pgsql "ALTER SYSTEM SET ssl_key_file = 'server-key.pem'" >/dev/null
pgsql "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
pgsql "CREATE TABLE t (id int PRIMARY KEY, v text);
INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g; GRANT SELECT ON t TO sluice;"

TO="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB"
copy() { run_sluice copy --to-defaults-file "$SLUICE_DB_CNF" --if-exists drop "$@"; }

copy --from "$PG_URL/t?sslmode=verify-full&sslrootcert=$C/ca.pem" --to "$TO"
check_rc 0 "verify-full with the right CA"
check_contains "$WORK/err" "PASS $DB.t: 1000 rows match public.t" "copied over TLS"

copy --from "$PG_URL/t?sslmode=verify-full&sslrootcert=$C/wrong-ca.pem" --to "$TO"
check_rc 2 "verify-full with another CA"
check_matches "$WORK/err" "cannot connect to postgresql://sluice@127.0.0.1:[0-9]+/sluice/t: .*certificate verify failed" "libpq's reason"

url_localhost="postgresql://sluice@localhost:$SLUICE_PG_PORT/sluice/t?sslmode=verify-full&sslrootcert=$C/ca.pem"
printf 'localhost:%s:*:sluice:%s\n' "$SLUICE_PG_PORT" "$(cut -d: -f5 "$PGPASSFILE")" >>"$PGPASSFILE"
copy --from "$url_localhost" --to "$TO"
check_rc 2 "verify-full with a host name the certificate does not name"
check_contains "$WORK/err" 'does not match host name "localhost"' "the name mismatch"

copy --from "$PG_URL/t?sslmode=disable" --to "$TO"
check_rc 2 "no TLS where the server demands it"
check_contains "$WORK/err" "no encryption" "the server's refusal"

PGSSLMODE=verify-full PGSSLROOTCERT="$C/ca.pem" copy --from "$PG_URL/t" --to "$TO"
check_rc 0 "PGSSLMODE and PGSSLROOTCERT"
PGSSLMODE=verify-full PGSSLROOTCERT="$C/wrong-ca.pem" copy --from "$PG_URL/t" --to "$TO"
check_rc 2 "PGSSLROOTCERT with another CA"
finish
