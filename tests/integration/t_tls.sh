#!/usr/bin/env bash
# TLS: a second private server with certificates this test makes with
# openssl; --ssl-mode VERIFY_IDENTITY with the right CA, the wrong CA, the
# wrong host name; REQUIRED against a server without TLS; TLS settings in a
# job's [connection]; and what sluice check reports.
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
check_contains "$WORK/err" "--into $B_URL/tls/t?ssl-mode=VERIFY_CA&ssl-ca=" "the connection's TLS settings travel in the URL"
run_sluice check "$WORK/tls.ini"
check_rc 0 "check of the TLS job"
check_contains "$WORK/out" "connection secure: $B_URL/tls/t" "check names the connection"
if grep -q "^  tls *TLSv[0-9.]*, cipher [A-Z0-9_-]* (ssl-mode VERIFY_CA)$" "$WORK/out"; then pass; else
  fail "check of the job reports TLS: $(cat "$WORK/out")"
fi

finish
