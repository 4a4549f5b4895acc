#!/usr/bin/env bash
# Fault tests (c), (d) and (e) on the shared server. The target has no
# primary key, so a row written twice would show; each test ends with the
# exact contents (row count and checksum against the source).
#   (c) KILL CONNECTION of one writer mid-load: the load rides it out, exit 0
#   (d) SIGTERM mid-load: exit 4; --resume completes the job; a second signal
#       exits at once and --resume still completes it
#   (e) a concurrent session holds locks on the target: lock wait timeouts
#       are retried, exit 0, retries in the summary
source "$(dirname "$0")/lib.sh"
setup faults
python3 "$TOOLS/gen_faulty.py" --rows "${SLUICE_FAULT_ROWS:-400000}" --every 0 "$WORK/f"
schema() { python3 "$TOOLS/gen_faulty.py" --schema | sed "s/CREATE TABLE t /CREATE TABLE \`$DB\`.\`$1\` /"; }
slow=(--threads 2 --batch-rows 20 --txn-rows 1000)

# (c) a writer's connection is killed
sql "$(schema tc)"
start_load "$WORK/f.csv" --into "$URL/tc" "${slow[@]}"
wait_rows tc 20000
victim=$(sql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='sluice' AND DB='$DB' ORDER BY ID LIMIT 1")
sql "KILL CONNECTION $victim"
wait_load
check_rc 0 "load with a killed connection"
check_table tc "$WORK/f.good.jsonl" "" "contents after a killed connection"
check_eq "$([ "$(summary_value retries)" -ge 1 ] && echo yes)" yes "the retry is counted"
check_contains "$WORK/err" "retry 1 of 10 in" "the retry is logged"

# (d) SIGTERM, then --resume
sql "$(schema td)"
start_load "$WORK/f.csv" --into "$URL/td" "${slow[@]}"
wait_rows td 20000
kill -TERM "$LOAD_PID"
wait_load
check_rc 4 "SIGTERM"
check_contains "$WORK/err" "sluice: terminated: finishing the rows already read, then stopping" "SIGTERM notice"
check_contains "$WORK/err" "sluice: interrupted; " "interrupted line"
check_eq "$(count td)" "$(summary_value "rows written")" "committed rows match the summary"
check_eq "$([ "$(count td)" -lt "$(wc -l <"$WORK/f.good.jsonl")" ] && echo partial)" partial "the load was cut short"
load "$WORK/f.csv" --into "$URL/td" "${slow[@]}"
check_rc 2 "a rerun without --resume is refused"
load "$WORK/f.csv" --into "$URL/td" "${slow[@]}" --resume
check_rc 0 "--resume"
check_contains "$WORK/err" "resuming; " "resume notice"
check_table td "$WORK/f.good.jsonl" "" "contents after SIGTERM and --resume"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints WHERE target='$DB.td'")" 0 "checkpoints cleared"

# (d') two signals: the second exits at once
sql "$(schema td2)"
start_load "$WORK/f.csv" --into "$URL/td2" "${slow[@]}"
wait_rows td2 20000
kill -INT "$LOAD_PID"
sleep 0.05
kill -INT "$LOAD_PID" 2>/dev/null || true
wait_load
check_rc 4 "two signals"
load "$WORK/f.csv" --into "$URL/td2" "${slow[@]}" --resume
check_rc 0 "--resume after an immediate exit"
check_table td2 "$WORK/f.good.jsonl" "" "contents after two signals and --resume"

# --resume refuses a source that changed
sql "$(schema td3)"
start_load "$WORK/f.csv" --into "$URL/td3" "${slow[@]}"
wait_rows td3 20000
kill -TERM "$LOAD_PID"
wait_load
touch -d '2020-01-01' "$WORK/f.csv"
load "$WORK/f.csv" --into "$URL/td3" --resume
check_rc 2 "resume of a changed file"
check_contains "$WORK/err" "the file changed since the interrupted load" "changed file message"

# (e) lock waits: another session locks the (empty) table's end for 3 s
sql "$(schema te)"
mariadb --no-defaults -S "$SLUICE_DB_SOCKET" -uroot "$DB" \
  -e "START TRANSACTION; SELECT COUNT(*) FROM te FOR UPDATE; SELECT SLEEP(3); COMMIT;" >/dev/null &
locker=$!
sleep 0.5
load "$WORK/f.csv" --into "$URL/te" --session-sql "SET SESSION innodb_lock_wait_timeout=1"
wait "$locker"
check_rc 0 "load against a locking session"
check_contains "$WORK/err" "Lock wait timeout exceeded; try restarting transaction (1205); retry 1 of 10" "lock wait retried"
check_eq "$([ "$(summary_value retries)" -ge 1 ] && echo yes)" yes "retries in the summary"
check_table te "$WORK/f.good.jsonl" "" "contents after lock waits"
finish
