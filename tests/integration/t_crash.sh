#!/usr/bin/env bash
# Fault test (b): the server is killed with SIGKILL mid-load and restarted.
# Either the load rides it out through its retries, or it exits and
# --resume completes the job; either way the contents are exact. Runs on a
# server of its own, so the other tests are not disturbed.
source "$(dirname "$0")/lib.sh"
setup crash
own_server # from here on every helper talks to it
srv="$WORK/srv"
python3 "$TOOLS/gen_faulty.py" --rows "${SLUICE_FAULT_ROWS:-400000}" --every 0 "$WORK/f"
sql "$(python3 "$TOOLS/gen_faulty.py" --schema | sed "s/CREATE TABLE t /CREATE TABLE \`$DB\`.t /")"

start_load "$WORK/f.csv" --into "$URL/t" --threads 2 --batch-rows 20 --txn-rows 1000 \
  --retries 30 --retry-max-seconds 120
wait_rows t 20000
"$SLUICE_SRC/scripts/dbserver.sh" kill "$srv"
sleep 1
"$SLUICE_SRC/scripts/dbserver.sh" restart "$srv"
wait_load
if [ "$RC" -ne 0 ]; then # it gave up: --resume must finish the job
  echo "load exited $RC after the crash; resuming" >&2
  sed 's/^/  first run: /' "$WORK/err" >&2
  load "$WORK/f.csv" --into "$URL/t" --threads 2 --resume
fi
check_rc 0 "load across a server crash"
check_contains "$WORK/err" "retry 1 of" "the crash was retried"
check_table t "$WORK/f.good.jsonl" "" "contents after a server crash"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints")" 0 "checkpoints cleared"
finish
