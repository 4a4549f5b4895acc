#!/usr/bin/env bash
# Files that hold users' data or secrets: rejects files are 0600 whatever the
# umask; an option file or a job file that holds a password and can be read
# by other users gets a warning, as the mysql client gives; extract output
# follows the umask. A rejected value holding a NUL byte is shown escaped.
source "$(dirname "$0")/lib.sh"
setup file_modes
PW=$(sed -n 's/^password=//p' "$SLUICE_DB_CNF")
sql "CREATE TABLE \`$DB\`.t (id INT PRIMARY KEY, n INT)"
printf 'id,n\n1,5\n2,1\0002\n3,7\n' >"$WORK/nul.csv"

# 1. rejects files: 0600 under umask 000 and 022; the NUL shown escaped
for mask in 000 022; do
  rm -f "$WORK/rej.csv" "$WORK/rej.log"
  sql "TRUNCATE \`$DB\`.t"
  (umask "$mask" && load "$WORK/nul.csv" --into "$URL/t" --on-error skip --rejects "$WORK/rej" &&
    echo "$RC" >"$WORK/rc")
  RC=$(cat "$WORK/rc")
  check_rc 3 "umask $mask: a load with a reject"
  check_eq "$(stat -c %a "$WORK/rej.csv") $(stat -c %a "$WORK/rej.log")" "600 600" "umask $mask: rejects files are 0600"
done
check_eq "$(cat "$WORK/rej.log")" "$WORK/nul.csv: line 3, byte 9, column 'n': Incorrect integer value: '1\\x002' (the column is int(11))" "the NUL byte is shown escaped"
check_eq "$(count t)" 2 "the other rows are in"
check_eq "$(od -An -c "$WORK/rej.csv" | tr -s ' ')" " i d , n \\n 2 , 1 \\0 2 \\n" "the header and the rejected record, byte for byte"

# 2. an option file with a password, readable by others: a warning, then it works
cp "$SLUICE_DB_CNF" "$WORK/open.cnf"
chmod 644 "$WORK/open.cnf"
sql "TRUNCATE \`$DB\`.t"
printf 'id,n\n1,5\n' >"$WORK/ok.csv"
run_sluice load "$WORK/ok.csv" --into "$URL/t" --defaults-file "$WORK/open.cnf"
check_rc 0 "a load with an open option file"
check_contains "$WORK/err" "sluice load: warning: $WORK/open.cnf holds a password and can be read by other users (mode 0644); chmod 600 $WORK/open.cnf" "the warning"
run_sluice copy --from "$URL/t" --to "$URL/t_copy" --from-defaults-file "$WORK/open.cnf" --to-defaults-file "$SLUICE_DB_CNF"
check_contains "$WORK/err" "sluice copy: warning: $WORK/open.cnf holds a password and can be read by other users (mode 0644)" "copy's --from-defaults-file too"
chmod 600 "$WORK/open.cnf"
sql "TRUNCATE \`$DB\`.t"
run_sluice load "$WORK/ok.csv" --into "$URL/t" --defaults-file "$WORK/open.cnf"
check_rc 0 "a load with a private option file"
check_not_contains "$WORK/err" "warning" "no warning for mode 0600"
grep -v '^password' "$SLUICE_DB_CNF" >"$WORK/nopw.cnf"
chmod 644 "$WORK/nopw.cnf"
SLUICE_INTO_PASSWORD="$PW" run_sluice load "$WORK/ok.csv" --into "$URL/t" --defaults-file "$WORK/nopw.cnf" --mode upsert
check_rc 0 "an open option file without a password"
check_not_contains "$WORK/err" "warning" "no warning without a password"

# 3. a job file with a password in a URL
cat >"$WORK/job.ini" <<INI
[connection db]
url = mysql://sluice:$PW@127.0.0.1:$SLUICE_DB_PORT/$DB

[step one]
action = load
source = $WORK/ok.csv
into = db/t
mode = upsert
INI
chmod 644 "$WORK/job.ini"
run_sluice run "$WORK/job.ini" --lock-dir "$WORK"
check_rc 0 "a job with an open file"
check_contains "$WORK/err" "sluice run: warning: $WORK/job.ini holds a password and can be read by other users (mode 0644); chmod 600 $WORK/job.ini, or keep the password in a defaults-file" "the job file warning"
check_not_contains "$WORK/err" "$PW" "the password is not shown"
chmod 600 "$WORK/job.ini"
run_sluice run "$WORK/job.ini" --lock-dir "$WORK"
check_not_contains "$WORK/err" "warning" "no warning for a private job file"

# 4. extract output follows the umask, as mysqldump's does
(umask 027 && run_sluice extract --from "$URL/t" --defaults-file "$SLUICE_DB_CNF" --to "$WORK/x.csv" && echo "$RC" >"$WORK/rc")
check_eq "$(cat "$WORK/rc")" 0 "extract"
check_eq "$(stat -c %a "$WORK/x.csv")" 640 "extract output under umask 027"
finish
