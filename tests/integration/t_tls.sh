#!/usr/bin/env bash
# TLS: a second private server with certificates this test makes with
# openssl; --ssl-mode VERIFY_IDENTITY with the right CA, the wrong CA, the
# wrong host name, for load, copy and extract; client certificates for an
# account that REQUIREs one; REQUIRED against a server without TLS; TLS
# settings in a job's [connection]; and what sluice check reports.
source "$(dirname "$0")/lib.sh"
setup tls

# --- certificates: a CA, the server's (for 127.0.0.1), one for another
# host name signed by the same CA, and an unrelated CA
C="$WORK/certs"
mkdir -p "$C"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sluice test CA" \
  -keyout "$C/ca-key.pem" -out "$C/ca.pem"
q openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
  -keyout "$C/wrong-ca-key.pem" -out "$C/wrong-ca.pem"
cert() { # NAME SUBJECT-ALT-NAMES
  q openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$C/$1-key.pem" -out "$C/$1.csr"
  printf 'subjectAltName=%s\n' "$2" >"$C/$1.ext"
  q openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca-key.pem" -CAcreateserial \
    -days 2 -extfile "$C/$1.ext" -out "$C/$1.pem"
}
cert db "IP:127.0.0.1,DNS:localhost"
cert elsewhere "DNS:db.elsewhere.test"
cp "$C/db.pem" "$C/server.pem"
cp "$C/db-key.pem" "$C/server-key.pem"

export SLUICE_DB_EXTRA_CNF="ssl-ca=$C/ca.pem
ssl-cert=$C/server.pem
ssl-key=$C/server-key.pem"
second_server
unset SLUICE_DB_EXTRA_CNF
sqlb "CREATE DATABASE tls; CREATE TABLE tls.t (id INT PRIMARY KEY, v VARCHAR(20))"
printf 'id,v\n1,one\n2,two\n3,three\n' >"$WORK/t.csv"

tls_load() { # URL EXTRA-ARGS...
  local url=$1
  shift
  set +e
  "$SLUICE_BIN" load "$WORK/t.csv" --into "$url" --defaults-file "$B_CNF" --no-checkpoint \
    "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
}

# --- VERIFY_IDENTITY with the right CA
tls_load "$B_URL/tls/t" --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/ca.pem" \
  --session-sql "CREATE TABLE IF NOT EXISTS tls.seen AS SELECT VARIABLE_VALUE AS cipher FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'"
check_rc 0 "a load with VERIFY_IDENTITY and the right CA"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "3" "rows loaded over TLS"
check_eq "$(sqlb "SELECT cipher <> '' FROM tls.seen")" "1" "the server saw a TLS session"
run_sluice check "$B_URL/tls/t" --defaults-file "$B_CNF" --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/ca.pem"
check_rc 0 "check over VERIFY_IDENTITY"
cipher=$(sed -n 's/^  tls *TLSv[0-9.]*, cipher \([^ ]*\) (ssl-mode VERIFY_IDENTITY)$/\1/p' "$WORK/out")
if [ -n "$cipher" ]; then pass; else fail "check reports the cipher: $(cat "$WORK/out")"; fi

# --- the wrong CA, a missing CA, and TLS disabled
sqlb "TRUNCATE tls.t"
tls_load "$B_URL/tls/t" --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/wrong-ca.pem"
check_rc 2 "VERIFY_IDENTITY with the wrong CA"
check_contains "$WORK/err" "sluice: error: cannot connect to $B_URL/tls/t: TLS/SSL error: self-signed certificate in certificate chain (2026)" "the wrong CA's error"
tls_load "$B_URL/tls/t" --ssl-mode VERIFY_CA
check_rc 2 "VERIFY_CA without a CA"
check_contains "$WORK/err" "--ssl-mode VERIFY_CA needs --ssl-ca, the CA to check the server's certificate against" "a CA is needed"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "0" "nothing written when TLS fails"
run_sluice check "$B_URL?ssl-mode=DISABLED" --defaults-file "$B_CNF"
check_contains "$WORK/out" "tls               no: plain text (ssl-mode DISABLED)" "DISABLED in the URL wins"

# --- a certificate for another host name: VERIFY_CA passes, VERIFY_IDENTITY not
cp "$C/elsewhere.pem" "$C/server.pem"
cp "$C/elsewhere-key.pem" "$C/server-key.pem"
sqlb "FLUSH SSL"
tls_load "$B_URL/tls/t" --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/ca.pem"
check_rc 2 "VERIFY_IDENTITY against a certificate for another host"
check_contains "$WORK/err" "TLS/SSL error: Validation of SSL server certificate failed (2026)" "the wrong host's error"
tls_load "$B_URL/tls/t" --ssl-mode VERIFY_CA --ssl-ca "$C/ca.pem"
check_rc 0 "VERIFY_CA does not check the host name"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "3" "rows loaded over VERIFY_CA"

# --- copy and extract over VERIFY_IDENTITY: refused while the server's
# certificate names another host, then done with the right one
sql "DROP DATABASE IF EXISTS tls_copy"
sqlb "USE tls; INSERT INTO tls.t SELECT seq + 10, CONCAT('v', seq) FROM seq_1_to_500"
SECURE="ssl-mode=VERIFY_IDENTITY&ssl-ca=$C/ca.pem"
tls_copy() {
  run_sluice copy --from "$B_URL/tls/t?$SECURE" --to "$A_URL/tls_copy?ssl-mode=DISABLED" \
    --from-defaults-file "$B_CNF" --to-defaults-file "$A_CNF"
}
tls_extract() {
  run_sluice extract --from "$B_URL/tls/t" --defaults-file "$B_CNF" --to "$WORK/tls.csv" \
    --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/ca.pem"
}
tls_copy
check_rc 2 "copy from a server whose certificate names another host"
check_contains "$WORK/err" "TLS/SSL error: Validation of SSL server certificate failed (2026)" "copy: the wrong host's error"
tls_extract
check_rc 2 "extract from a server whose certificate names another host"
check_contains "$WORK/err" "TLS/SSL error: Validation of SSL server certificate failed (2026)" "extract: the wrong host's error"
check_eq "$(ls "$WORK"/tls.csv* 2>/dev/null | wc -l)" 0 "extract leaves no output behind"
cp "$C/db.pem" "$C/server.pem"
cp "$C/db-key.pem" "$C/server-key.pem"
sqlb "FLUSH SSL"
accepts() { sqlb "SHOW GLOBAL STATUS LIKE 'Ssl_accepts'" | cut -f2; }
before=$(accepts)
tls_copy
check_rc 0 "copy over VERIFY_IDENTITY"
check_contains "$WORK/err" "PASS tls_copy.t: 503 rows match" "the copy is verified"
check_eq "$(sql "CHECKSUM TABLE tls_copy.t" | cut -f2)" "$(sqlb "CHECKSUM TABLE tls.t" | cut -f2)" "copy: the same rows"
if [ "$(accepts)" -ge $((before + 2)) ]; then pass; else fail "copy's source connections used TLS: Ssl_accepts $before -> $(accepts)"; fi
before=$(accepts)
tls_extract
check_rc 0 "extract over VERIFY_IDENTITY"
check_eq "$(tail -n +2 "$WORK/tls.csv" | wc -l)" 503 "extract: every row"
check_eq "$(tail -n +2 "$WORK/tls.csv" | sort -t, -k1,1n | md5sum | cut -d' ' -f1)" \
  "$(sqlb "SELECT CONCAT(id, ',', v) FROM tls.t ORDER BY id" | md5sum | cut -d' ' -f1)" "extract: the same rows"
if [ "$(accepts)" -gt "$before" ]; then pass; else fail "extract used TLS: Ssl_accepts $before -> $(accepts)"; fi
sql "DROP DATABASE tls_copy"

# --- client certificates: an account that REQUIREs one
q openssl req -newkey rsa:2048 -nodes -subj "/CN=sluice client" -keyout "$C/client-key.pem" -out "$C/client.csr"
q openssl x509 -req -in "$C/client.csr" -CA "$C/ca.pem" -CAkey "$C/ca-key.pem" -CAcreateserial \
  -days 2 -out "$C/client.pem"
q openssl req -newkey rsa:2048 -nodes -subj "/CN=sluice client" -keyout "$C/rogue-key.pem" -out "$C/rogue.csr"
q openssl x509 -req -in "$C/rogue.csr" -CA "$C/wrong-ca.pem" -CAkey "$C/wrong-ca-key.pem" -CAcreateserial \
  -days 2 -out "$C/rogue.pem"
sqlb "CREATE USER 'tls_x509'@'%' IDENTIFIED BY 'X509-pw-1' REQUIRE SUBJECT '/CN=sluice client';
GRANT SELECT, INSERT, DELETE ON tls.* TO 'tls_x509'@'%'"
sqlb "TRUNCATE tls.t"
X509_URL="mysql://tls_x509@127.0.0.1:$B_PORT/tls/t"
x509_load() { # EXTRA-ARGS...
  set +e
  SLUICE_INTO_PASSWORD=X509-pw-1 "$SLUICE_BIN" load "$WORK/t.csv" --into "$X509_URL" --no-checkpoint \
    --ssl-mode VERIFY_IDENTITY --ssl-ca "$C/ca.pem" "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
}
x509_load
check_rc 2 "an account that requires a certificate, without one"
check_contains "$WORK/err" "Access denied for user 'tls_x509'" "refused without a certificate"
x509_load --ssl-cert "$C/rogue.pem" --ssl-key "$C/rogue-key.pem"
check_rc 2 "a certificate from another CA"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "0" "nothing written without a good certificate"
x509_load --ssl-cert "$C/client.pem" --ssl-key "$C/client-key.pem"
check_rc 0 "a load with the client certificate"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "3" "rows loaded with the client certificate"
x509_load --ssl-cert "$C/client.pem"
check_rc 2 "--ssl-cert without --ssl-key"
sqlb "DROP USER 'tls_x509'@'%'"

# --- REQUIRED against the shared server, which has no TLS
set +e
"$SLUICE_BIN" load "$WORK/t.csv" --into "$URL/t" --defaults-file "$SLUICE_DB_CNF" \
  --ssl-mode REQUIRED >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "REQUIRED against a server without TLS"
check_contains "$WORK/err" "--ssl-mode REQUIRED, but the connection is not encrypted (does the server have TLS set up?)" "REQUIRED refuses plain text"
run_sluice load "$WORK/t.csv" --into "$URL/t" --ssl-mode SOMETIMES
check_rc 2 "a bad --ssl-mode"
check_contains "$WORK/err" "sluice load: --ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY, not 'SOMETIMES'" "the --ssl-mode message"

# --- TLS settings in a job's [connection]
sqlb "TRUNCATE tls.t"
cat >"$WORK/tls.ini" <<EOF
[connection secure]
url = $B_URL/tls
defaults-file = $B_CNF
ssl-mode = VERIFY_CA
ssl-ca = $C/ca.pem

[step load]
action = load
source = $WORK/t.csv
into = secure/t
EOF
set +e
"$SLUICE_BIN" run "$WORK/tls.ini" --lock-dir "$WORK" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 0 "a job whose connection uses TLS"
check_eq "$(sqlb 'SELECT COUNT(*) FROM tls.t')" "3" "rows loaded by the TLS job"
check_contains "$WORK/err" "--into '$B_URL/tls/t?ssl-mode=VERIFY_CA&ssl-ca=" "the connection's TLS settings travel in the URL"
run_sluice check "$WORK/tls.ini"
check_rc 0 "check of the TLS job"
check_contains "$WORK/out" "connection secure: $B_URL/tls/t" "check names the connection"
if grep -q "^  tls *TLSv[0-9.]*, cipher [A-Z0-9_-]* (ssl-mode VERIFY_CA)$" "$WORK/out"; then pass; else
  fail "check of the job reports TLS: $(cat "$WORK/out")"
fi

finish
