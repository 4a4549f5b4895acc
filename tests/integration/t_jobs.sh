#!/usr/bin/env bash
# sluice run and sluice check with job files: steps in order and side by
# side, connections, ${ENV}, hooks, the report, the metrics, the overlap
# lock, and errors in job files that name the file, line and key.
source "$(dirname "$0")/lib.sh"
setup jobs

N=20000
python3 "$GEN" --rows $N --seed 7 --expect "$WORK/expect" >"$WORK/orders.csv"
orders_table orders
orders_table orders_back
orders_table orders_side
sql "CREATE TABLE \`$DB\`.hook_log (id INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40), n BIGINT)"

run_job() { # ARGS...
  set +e
  "$SLUICE_BIN" run "$@" >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
  check_reports "$@"
}

# --- a job: load, then extract and a side load side by side, then a reload
export JOB_DATA="$WORK"
cat >"$WORK/nightly.ini" <<EOF
; the job's defaults apply to every step whose command knows them
[job]
name = nightly test
threads = 2
batch-rows = 100

[connection db]
url = mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB
defaults-file = $SLUICE_DB_CNF   ; credentials live here

[step load]
action = load
source = \${JOB_DATA}/orders.csv
into = db/orders
before-sql = INSERT INTO hook_log (what, n) SELECT 'before', COUNT(*) FROM orders
after-sql = INSERT INTO hook_log (what, n) SELECT 'after', COUNT(*) FROM orders ;
  INSERT INTO hook_log (what, n) VALUES ('second statement', 0)

[step extract]
action = extract
from = db/orders
to = \${JOB_DATA}/back.csv

[step side]
action = load
after = load
source = \${JOB_DATA}/orders.csv
into = db/orders_side
no-checkpoint = yes

[step reload]
action = load
after = extract, side
source = \${JOB_DATA}/back.csv
into = db/orders_back
EOF
run_job "$WORK/nightly.ini" --report "$WORK/report.json" --metrics "$WORK/metrics.prom" \
  --lock-dir "$WORK"
check_rc 0 "a job of four steps"
check_eq "$(count orders)" "$N" "rows loaded by the job's first step"
check_eq "$(count orders_back)" "$N" "rows after extract and reload"
check_eq "$(count orders_side)" "$N" "rows of the side step"
check_table orders "$WORK/expect" id "the job's load"
sum() { sql "CHECKSUM TABLE \`$DB\`.\`$1\`" | cut -f2; }
check_eq "$(sum orders_back)" "$(sum orders)" "checksum after extract and reload"
check_eq "$(sum orders_side)" "$(sum orders)" "checksum of the side load"
check_eq "$(sql "SELECT GROUP_CONCAT(CONCAT(what, '=', n) ORDER BY id) FROM \`$DB\`.hook_log")" \
  "before=0,after=$N,second statement=0" "before-sql and after-sql, in order"
check_contains "$WORK/err" "sluice run: step load: starting: sluice load --threads 2 --batch-rows 100 --into mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB/orders --defaults-file $SLUICE_DB_CNF" \
  "the step's command line, with the connection resolved and \${ENV} expanded"
check_contains "$WORK/err" "[load] sluice: loaded into" "step output is prefixed"
# side and extract both wait only for load: side starts before extract ends
python3 - "$WORK/err" >"$WORK/order" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
def at(text):
    return next(i for i, l in enumerate(lines) if text in l)
print(at("step side: starting") < at("step extract: ok"), at("step reload: starting") > max(at("step extract: ok"), at("step side: ok")))
PY
check_eq "$(cat "$WORK/order")" "True True" "after = lets steps run side by side, and waits for all it names"

python3 - "$WORK/report.json" "$N" >"$WORK/report.txt" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
steps = {s["name"]: s for s in r["items"]}
print(r["job"], r["status"], r["exit_code"], r["dry_run"])
print(" ".join(f'{k}:{s["status"]}:{s["rows_read"]}:{s["rows_written"]}:{s["rows_rejected"]}' for k, s in steps.items()))
print(r["rows_written"] == 4 * n, all(s["seconds"] > 0 and s["error"] is None for s in steps.values()))
print(steps["load"]["bytes"] > 0, steps["load"]["command"].startswith("sluice load "))
PY
check_eq "$(sed -n 1p "$WORK/report.txt")" "nightly test ok 0 False" "report: job, status, exit code"
check_eq "$(sed -n 2p "$WORK/report.txt")" \
  "load:ok:$N:$N:0 extract:ok:$N:$N:0 side:ok:$N:$N:0 reload:ok:$N:$N:0" "report: per-step counts"
check_eq "$(sed -n 3p "$WORK/report.txt")" "True True" "report: totals, seconds, no errors"
check_eq "$(sed -n 4p "$WORK/report.txt")" "True True" "report: bytes and the command line"
check_contains "$WORK/metrics.prom" "sluice_job_success{job=\"nightly test\"} 1" "metrics: success"
check_contains "$WORK/metrics.prom" \
  "sluice_step_rows_written{job=\"nightly test\",step=\"reload\",action=\"load\"} $N" \
  "metrics: a step's rows"
check_contains "$WORK/metrics.prom" "# TYPE sluice_step_duration_seconds gauge" "metrics: types"
# every report counter has its gauge, one line per step, and the job
# report's totals add up the steps'
for c in rows_read rows_written rows_to_write rows_rejected rows_ignored rows_updated retries bytes; do
  check_contains "$WORK/metrics.prom" "# TYPE sluice_step_$c gauge" "metrics: sluice_step_$c"
done
check_eq "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
keys = ["rows_read", "rows_written", "rows_rejected", "rows_ignored", "rows_updated", "retries", "bytes"]
print(all(r[k] == sum(s[k] for s in r["items"]) for k in keys))' "$WORK/report.json")" "True" \
  "report: each total is the sum of the steps"
check_eq "$(ls "$WORK" | grep -c '\.tmp\.' || true)" "0" "no temporary files left"

# --- --report on a single command
load "$WORK/orders.csv" --into "$URL/orders_side" --no-checkpoint --report "$WORK/one.json"
check_rc 1 "a load of duplicate keys"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["command"], r["status"], r["exit_code"], r["rows_written"], "Duplicate entry" in r["error"])' \
  "$WORK/one.json" >"$WORK/one.txt"
check_eq "$(cat "$WORK/one.txt")" "load failed 1 0 True" "load --report on a failure"

# --- the overlap lock
python3 - "$WORK/sluice-nightly_test.lock" >"$WORK/lockout" 2>&1 <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.flock(f, fcntl.LOCK_EX); f.write("4242\n"); f.flush()
print("locked", flush=True); time.sleep(30)
PY
HOLDER=$!
for _ in $(seq 1 100); do grep -q locked "$WORK/lockout" 2>/dev/null && break; sleep 0.1; done
sql "TRUNCATE \`$DB\`.hook_log"
run_job "$WORK/nightly.ini" --lock-dir "$WORK"
check_rc 5 "a second run while the job's lock is held"
check_contains "$WORK/err" "sluice run: job 'nightly test' is already running (process 4242 holds $WORK/sluice-nightly_test.lock); this run did nothing" "the lock message"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.hook_log")" "0" "the locked-out run did nothing"
kill "$HOLDER" 2>/dev/null || true
wait "$HOLDER" 2>/dev/null || true

# --- a failed before-sql fails its step; the steps after it are skipped
cat >"$WORK/hookfail.ini" <<EOF
[connection db]
url = mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB
defaults-file = $SLUICE_DB_CNF
[step first]
action = load
source = $WORK/orders.csv
into = db/orders_side
before-sql = DELETE FROM no_such_table
[step second]
action = extract
from = db/orders
to = $WORK/never.csv
EOF
sql "TRUNCATE \`$DB\`.orders_side"
run_job "$WORK/hookfail.ini" --lock-dir "$WORK" --report "$WORK/hookfail.json"
check_rc 1 "a job whose before-sql fails"
check_contains "$WORK/err" "[first] sluice: error: --before-sql: query failed: Table '$DB.no_such_table' doesn't exist (1146)" "the hook's error"
check_contains "$WORK/err" "sluice run: step second: skipped (a step it waits for did not finish)" "the next step is skipped"
check_eq "$(count orders_side)" "0" "nothing loaded after a failed before-sql"
check_eq "$([ -e "$WORK/never.csv" ] && echo yes || echo no)" "no" "the skipped step did not run"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["status"], [(s["name"], s["status"], s["exit_code"]) for s in r["items"]])' \
  "$WORK/hookfail.json" >"$WORK/hf.txt"
check_eq "$(cat "$WORK/hf.txt")" "failed [('first', 'usage', 2), ('second', 'skipped', None)]" "report of a failed job"

# --- sluice check on the job, and for a user without INSERT
run_sluice check "$WORK/nightly.ini"
check_rc 0 "check of the job"
check_contains "$WORK/out" "connection db: mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DB" "check names the connection"
check_contains "$WORK/out" "step load: load into $DB.orders: ok (INSERT,CREATE,DELETE)" "check lists a step's privileges"
check_contains "$WORK/out" "tls               no: plain text (ssl-mode PREFERRED)" "check reports plain text"
sql "DROP USER IF EXISTS 'jobs_ro'@'%'; CREATE USER 'jobs_ro'@'%' IDENTIFIED BY 'ro-pw'; GRANT SELECT ON \`$DB\`.* TO 'jobs_ro'@'%'"
set +e
MYSQL_PWD=ro-pw "$SLUICE_BIN" check "mysql://jobs_ro@127.0.0.1:$SLUICE_DB_PORT/$DB/orders" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 1 "check for a user without INSERT"
check_contains "$WORK/out" "write this table (load, copy --to): MISSING INSERT" "check names the missing privilege"
check_contains "$WORK/out" "read this table (extract, copy --from): ok (SELECT)" "check sees the privilege held"
sql "DROP USER 'jobs_ro'@'%'"

# --- errors in job files name the file, the line and the key
bad() { # WANT-MESSAGE, then the file's text on stdin
  cat >"$WORK/bad.ini"
  run_job "$WORK/bad.ini" --lock-dir "$WORK"
  check_rc 2 "bad job: $1"
  check_contains "$WORK/err" "sluice run: $WORK/bad.ini:$1" "bad job file"
}
bad "5: unknown key 'mod' for action load; did you mean 'mode'? (see sluice help load)" < <(printf '[step a]\naction = load\nsource = x.csv\ninto = mysql://h/d/t\nmod = upsert\n')
bad "4: key 'into': unknown connection 'nowhere' (define [connection nowhere], or give a mysql:// URL)" < <(printf '[step a]\naction = load\nsource = x.csv\ninto = nowhere/t\n')
bad "4: [step a] has no 'action' key (load, extract, copy or bench)" < <(printf '[job]\nthreads = 2\n\n[step a]\nsource = x.csv\n')
bad "2: key 'action' must be load, extract, copy or bench, not 'dump'" < <(printf '[step a]\naction = dump\n')
bad "1: unknown section [steps]; sections are [job], [connection NAME] and [step NAME]" < <(printf '[steps a]\naction = load\n')
bad "3: key 'source': the environment variable SLUICE_NO_SUCH_VAR is not set" < <(printf '[step a]\naction = load\nsource = ${SLUICE_NO_SUCH_VAR}\n')
bad "7: key 'after': 'c' is not a step defined above this one" < <(printf '[step a]\naction = extract\nfrom = mysql://h/d/t\nto = x.csv\n[step b]\naction = extract\nafter = c\n')
bad "3: key 'no-header' is a switch: its value must be yes or no, not 'maybe'" < <(printf '[step a]\naction = load\nno-header = maybe\n')
bad "3: not a 'key = value' line, a [section] or a comment" < <(printf '[step a]\naction = load\nthis is not a key\n')
bad "4: key 'threads' is given twice in this section (first at line 3)" < <(printf '[step a]\naction = load\nthreads = 1\nthreads = 2\n')
bad "3: unknown key 'password' in a [connection] section (known: url, host, defaults-file, ssl-mode, ssl-ca, ssl-cert, ssl-key)" < <(printf '[connection c]\nurl = mysql://h/d\npassword = x\n[step a]\naction = bench\ninto = c\n')
bad "3: line too long (at most 198 characters); continue a long value on indented lines" < <({ printf '[step a]\naction = load\nbefore-sql = '; head -c 300 /dev/zero | tr '\0' x; printf '\n'; })
run_job "$WORK/missing.ini"
check_rc 2 "a missing job file"
check_contains "$WORK/err" "sluice run: $WORK/missing.ini: cannot open the job file: No such file or directory" "missing job file"

# a connection's host = replaces the URL's host (a cluster's list of nodes)
cat >"$WORK/hosts.ini" <<EOF
[connection c]
url = mysql://sluice@127.0.0.1:1/$DB
host = 127.0.0.1:1,127.0.0.1:$SLUICE_DB_PORT
defaults-file = $SLUICE_DB_CNF

[step side]
action = load
source = \${JOB_DATA}/orders.csv
into = c/orders_side
no-checkpoint = yes
mode = ignore
EOF
run_job "$WORK/hosts.ini" --lock-dir "$WORK"
check_rc 0 "a job whose connection lists two hosts, the first dead"
check_contains "$WORK/err" "--into mysql://sluice@127.0.0.1:1,127.0.0.1:$SLUICE_DB_PORT/$DB/orders_side" "the step's URL carries the list"

finish
