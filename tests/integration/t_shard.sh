#!/usr/bin/env bash
# --shard i/n: one load split across processes. Every shard works out the
# same split of the files and reads only the records that start in its
# part, so the union is exact even where a quoted value holds line breaks;
# a shard that is killed resumes exactly once from its own checkpoints; a
# different number of shards over the same checkpoints is refused.
source "$(dirname "$0")/lib.sh"
setup shard
sql "CREATE TABLE \`$DB\`.nokey (id BIGINT, body TEXT, tag VARCHAR(20));
     CREATE TABLE \`$DB\`.whole LIKE \`$DB\`.nokey"
python3 - "$WORK/q.csv" <<'PY'
import csv, random, sys
random.seed(5)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "body", "tag"])
    for i in range(60000):
        body = random.choice(["plain", "with,comma", "multi\nline\nvalue", 'quote "x" inside', "",
                              "x" * random.randint(1, 300)])
        w.writerow([i, body, "t%d" % i])
PY
exact() { # TABLE WHAT: nokey holds TABLE's rows, each once
  check_eq "$(sql "SELECT COUNT(*), COUNT(DISTINCT id) FROM \`$DB\`.nokey")" \
    "$(sql "SELECT COUNT(*), COUNT(*) FROM \`$DB\`.$1")" "$2: every row once"
  check_eq "$(checksum "$DB" nokey)" "$(checksum "$DB" "$1")" "$2: the same rows"
}
shard_load() { # I N ARGS...: shard I of N in the background; its pid in PIDS
  "$SLUICE_BIN" load --defaults-file "$SLUICE_DB_CNF" --shard "$1/$2" "${@:3}" \
    >"$WORK/out.$1" 2>"$WORK/err.$1" &
  PIDS+=($!)
}
wait_all() { # waits for PIDS; their exit codes, space-separated, go to CODES
  local codes=() p
  for p in "${PIDS[@]}"; do
    set +e
    wait "$p"
    codes+=($?)
    set -e
  done
  PIDS=()
  CODES="${codes[*]}"
}

load "$WORK/q.csv" --into "$URL/whole" --no-checkpoint
check_rc 0 "the file loaded whole"

# ---- 4 concurrent shards of one file with line breaks inside quotes
PIDS=()
for i in 0 1 2 3; do shard_load $i 4 "$WORK/q.csv" --into "$URL/nokey" --report "$WORK/r$i.json"; done
wait_all
check_eq "$CODES" "0 0 0 0" "4 shards of one file"
exact whole "4 shards"
for i in 0 1 2 3; do check_report_file "$WORK/r$i.json"; done
check_eq "$(python3 -c 'import json,sys; print(sum(json.load(open(f))["rows_written"] for f in sys.argv[1:]))' "$WORK"/r?.json)" 60000 \
  "the shards' reports add up to the file"
check_eq "$(python3 -c 'import json,sys; print(min(json.load(open(f))["rows_written"] for f in sys.argv[1:]) > 10000)' "$WORK"/r?.json)" True \
  "each shard takes a fair share"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints")" 0 "the shards leave no checkpoints"

# ---- several files, one compressed (which goes whole to one shard)
sql "TRUNCATE \`$DB\`.nokey"
python3 "$GEN" --rows 30000 --seed 1 >"$WORK/o1.csv"
python3 "$GEN" --rows 20000 --seed 2 --start-id 30001 | zstd -q -o "$WORK/o2.csv.zst"
python3 "$GEN" --rows 25000 --seed 3 --start-id 50001 >"$WORK/o3.csv"
orders_table orders_sharded
orders_table orders_whole
load "$WORK/o1.csv" "$WORK/o2.csv.zst" "$WORK/o3.csv" --into "$URL/orders_whole"
check_rc 0 "three files whole"
PIDS=()
for i in 0 1 2; do
  shard_load $i 3 "$WORK/o1.csv" "$WORK/o2.csv.zst" "$WORK/o3.csv" --into "$URL/orders_sharded" \
    --report "$WORK/f$i.json"
done
wait_all
check_eq "$CODES" "0 0 0" "3 shards of three files"
check_eq "$(checksum "$DB" orders_sharded)" "$(checksum "$DB" orders_whole)" "3 shards of three files: the same rows"
check_eq "$(python3 -c 'import json,sys; print(sorted(i["name"].rsplit("/",1)[1] for f in sys.argv[1:] for i in json.load(open(f))["items"] if i["name"].endswith(".zst")))' "$WORK"/f?.json)" \
  "['o2.csv.zst']" "the compressed file is read by one shard only"

# ---- one shard killed mid-load, then resumed; the others untouched
sql "TRUNCATE \`$DB\`.nokey"
PIDS=()
shard_load 0 2 "$WORK/q.csv" --into "$URL/nokey"
shard_load 1 2 "$WORK/q.csv" --into "$URL/nokey" --batch-rows 100 --txn-rows 500 --max-rate 3000
slow=${PIDS[1]}
for _ in $(seq 100); do
  [ "$(sql "SELECT COALESCE(SUM(row_count), 0) FROM \`$DB\`.sluice_checkpoints WHERE target LIKE '% shard 1/2'")" -ge 2000 ] && break
  sleep 0.1
done
kill -9 "$slow"
wait_all
check_eq "$CODES" "0 137" "shard 0 finished, shard 1 killed"
check_ne "$(count nokey)" 60000 "rows are missing"
check_ne "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints")" 0 "shard 1's checkpoints remain"
load "$WORK/q.csv" --into "$URL/nokey" --shard 1/2
check_rc 2 "shard 1 again without --resume"
check_contains "$WORK/err" "was interrupted after committing" "is refused"
load "$WORK/q.csv" --into "$URL/nokey" --shard 1/2 --resume
check_rc 0 "shard 1 resumed"
exact whole "a killed shard resumed"

# ---- the same checkpoints with another number of shards
sql "TRUNCATE \`$DB\`.nokey"
PIDS=()
shard_load 0 2 "$WORK/q.csv" --into "$URL/nokey" --batch-rows 100 --txn-rows 500 --max-rate 3000
for _ in $(seq 100); do
  [ "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_checkpoints")" -ge 1 ] && break
  sleep 0.1
done
kill -9 "${PIDS[0]}"
wait_all
load "$WORK/q.csv" --into "$URL/nokey" --shard 0/3 --resume
check_rc 2 "another shard count over the same checkpoints"
check_contains "$WORK/err" "an earlier load of this file into $DB.nokey, as shard 0/2, left checkpoints; this run is shard 0/3: a split load must keep its number of shards to be resumed exactly once" "says why"
load "$WORK/q.csv" --into "$URL/nokey"
check_rc 2 "an unsplit load over a split one's checkpoints"
check_contains "$WORK/err" "as shard 0/2, left checkpoints; this run is not split" "says so too"
sql "DELETE FROM \`$DB\`.sluice_checkpoints"

# ---- JOB_COMPLETION_INDEX with --shards, as a Kubernetes Indexed Job runs it
sql "TRUNCATE \`$DB\`.nokey"
for i in 0 1; do
  set +e
  JOB_COMPLETION_INDEX=$i "$SLUICE_BIN" load "$WORK/q.csv" --into "$URL/nokey" \
    --defaults-file "$SLUICE_DB_CNF" --shards 2 -q
  check_eq "$?" 0 "JOB_COMPLETION_INDEX=$i --shards 2"
  set -e
done
exact whole "--shards with JOB_COMPLETION_INDEX"

# ---- configs/slurm-array-load.sh as 4 array tasks, and the command of
# configs/k8s-indexed-load.yaml as its 4 indexed pods run it
sql "TRUNCATE \`$DB\`.nokey; DROP DATABASE IF EXISTS sluice_ops"
PIDS=()
for i in 0 1 2 3; do
  (cd "$WORK" && SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=4 SLUICE="$SLUICE_BIN" \
    SLUICE_FILES="$WORK/q.csv" SLUICE_INTO="$URL/nokey" SLUICE_CNF="$SLUICE_DB_CNF" \
    "$SLUICE_SRC/configs/slurm-array-load.sh" >"$WORK/slurm.$i" 2>&1) &
  PIDS+=($!)
done
wait_all
check_eq "$CODES" "0 0 0 0" "the Slurm array's 4 tasks"
exact whole "the Slurm array"
for i in 0 1 2 3; do check_report_file "$WORK/sluice-orders-$i.json"; done
check_eq "$(python3 -c 'import json,sys; print(sorted(json.load(open(f))["shard"] for f in sys.argv[1:]))' "$WORK"/sluice-orders-?.json)" \
  "['0/4', '1/4', '2/4', '3/4']" "each task's report names its shard"
sql "TRUNCATE \`$DB\`.nokey"
python3 - "$SLUICE_SRC/configs/k8s-indexed-load.yaml" "$SLUICE_BIN" "$WORK/q.csv" "$URL/nokey" "$SLUICE_DB_CNF" >"$WORK/k8s.cmd" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
cmd = json.loads(re.search(r"^\s*command: (\[.*\])$", text, re.M).group(1))
assert re.search(r"^\s*completionMode: Indexed$", text, re.M) and re.search(r"^\s*completions: 4$", text, re.M)
cmd[0] = sys.argv[2]
cmd[2] = sys.argv[3]
cmd[cmd.index("--into") + 1] = sys.argv[4]
cmd[cmd.index("--defaults-file") + 1] = sys.argv[5]
print("\0".join(cmd), end="")
PY
mapfile -d '' K8S <"$WORK/k8s.cmd"
PIDS=()
for i in 0 1 2 3; do
  JOB_COMPLETION_INDEX=$i "${K8S[@]}" >"$WORK/k8s.$i" 2>&1 &
  PIDS+=($!)
done
wait_all
check_eq "$CODES" "0 0 0 0" "the Indexed Job's 4 pods"
exact whole "the Indexed Job"
check_eq "$(grep -h '"final":true' "$WORK"/k8s.? | wc -l)" 4 "each pod's last JSON progress line"
check_eq "$(sql "SELECT COUNT(*) FROM sluice_ops.sluice_checkpoints")" 0 "no checkpoints left in sluice_ops"
sql "DROP DATABASE sluice_ops"

# ---- extract: 4 shards of a table by key, a file each, the same rows
PIDS=()
for i in 0 1 2 3; do
  "$SLUICE_BIN" extract --from "$URL/orders_whole" --to "$WORK/ex-{shard}.csv" --defaults-file "$SLUICE_DB_CNF" \
    --shard $i/4 --threads 2 --report "$WORK/ex$i.json" >"$WORK/out.$i" 2>"$WORK/err.$i" &
  PIDS+=($!)
done
wait_all
check_eq "$CODES" "0 0 0 0" "4 extract shards"
for i in 0 1 2 3; do check_report_file "$WORK/ex$i.json"; done
orders_table orders_back
load "$WORK/ex-0.csv" "$WORK/ex-1.csv" "$WORK/ex-2.csv" "$WORK/ex-3.csv" --into "$URL/orders_back"
check_rc 0 "the 4 files load back"
check_eq "$(checksum "$DB" orders_back)" "$(checksum "$DB" orders_whole)" "extract shards: the same rows"
check_eq "$(python3 -c 'import json,sys; print(min(json.load(open(f))["rows_written"] for f in sys.argv[1:]) > 10000)' "$WORK"/ex?.json)" True \
  "extract shards: each a fair share"
run_sluice extract --from "$URL/orders_whole" --to "$WORK/same.csv" --defaults-file "$SLUICE_DB_CNF" --shard 1/4
check_rc 2 "extract --shard without {shard}"
check_contains "$WORK/err" "with --shard, --to must hold {shard}" "says what the name needs"
run_sluice extract --from "$URL/nokey" --to "$WORK/nk-{shard}.csv" --defaults-file "$SLUICE_DB_CNF" --shard 1/4
check_rc 2 "extract --shard of a table without a key"
check_contains "$WORK/err" "--shard splits a table by its integer primary key, and $DB.nokey has none" "says why"

# ---- bench: 2 shards at once, each a client with a table of its own
PIDS=()
for i in 0 1; do
  "$SLUICE_BIN" bench --into "$URL" --defaults-file "$SLUICE_DB_CNF" --shard $i/2 --rows 3000 \
    --threads 2 --batch-rows 100 --txn-rows 1000 --warmup 0 --keep -q --report "$WORK/b$i.json" \
    >"$WORK/out.$i" 2>"$WORK/err.$i" &
  PIDS+=($!)
done
wait_all
check_eq "$CODES" "0 0" "2 bench shards at once"
check_eq "$(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_bench_shard0"), $(sql "SELECT COUNT(*) FROM \`$DB\`.sluice_bench_shard1")" \
  "3000, 3000" "each shard's rows in its own table"
check_eq "$(python3 -c 'import json,sys; print([json.load(open(f))["shard"] for f in sys.argv[1:]])' "$WORK"/b?.json)" "['0/2', '1/2']" \
  "each report names its shard"
sql "DROP TABLE \`$DB\`.sluice_bench_shard0, \`$DB\`.sluice_bench_shard1"

# ---- copy: 4 shards at once into a database none of them has made yet;
# a keyed table is split by key, a keyless one goes whole to one shard
C="${DB}_c"
sql "DROP DATABASE IF EXISTS \`$C\`"
PIDS=()
for i in 0 1 2 3; do
  "$SLUICE_BIN" copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole,nokey \
    --shard $i/4 --report "$WORK/c$i.json" >"$WORK/out.$i" 2>"$WORK/err.$i" &
  PIDS+=($!)
done
wait_all
check_eq "$CODES" "0 0 0 0" "4 copy shards"
check_eq "$(checksum "$C" orders_whole)" "$(checksum "$DB" orders_whole)" "copy shards: the keyed table"
check_eq "$(checksum "$C" nokey)" "$(checksum "$DB" nokey)" "copy shards: the keyless table, by one shard"
for i in 0 1 2 3; do check_report_file "$WORK/c$i.json"; done
check_eq "$(python3 -c 'import json,sys; it=[i for f in sys.argv[1:] for i in json.load(open(f))["items"]]; print(sorted((i["name"].split(".")[1], i["status"], i.get("verification")) for i in it))' "$WORK"/c?.json)" \
  "[('nokey', 'ok', 'pass'), ('nokey', 'skipped', None), ('nokey', 'skipped', None), ('nokey', 'skipped', None), ('orders_whole', 'ok', 'pass'), ('orders_whole', 'ok', 'pass'), ('orders_whole', 'ok', 'pass'), ('orders_whole', 'ok', 'pass')]" \
  "each shard verifies its part; the keyless table is one shard's"
run_sluice copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole,nokey --verify-only
check_rc 0 "the finishing step: one unsplit --verify-only of the whole tables"
check_contains "$WORK/err" "PASS $C.orders_whole: " "the whole table compares equal"

# ---- copy into a keyless target: a shard killed and resumed, no row twice
# (--no-verify: the comparison would FAIL the missing primary key itself)
sql "DROP DATABASE \`$C\`; CREATE DATABASE \`$C\`; CREATE TABLE \`$C\`.orders_whole LIKE \`$DB\`.orders_whole;
     ALTER TABLE \`$C\`.orders_whole DROP PRIMARY KEY"
PIDS=()
for i in 0 1 2 3; do
  slow=()
  [ "$i" = 2 ] && slow=(--max-rate 4000 --batch-rows 100 --txn-rows 500)
  "$SLUICE_BIN" copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole \
    --shard $i/4 --no-verify "${slow[@]}" >"$WORK/out.$i" 2>"$WORK/err.$i" &
  PIDS+=($!)
done
for _ in $(seq 100); do
  [ "$(sql "SELECT COALESCE(SUM(row_count), 0) FROM \`$C\`.sluice_checkpoints WHERE target LIKE '% shard 2/4'" 2>/dev/null || echo 0)" -ge 2000 ] && break
  sleep 0.1
done
kill -9 "${PIDS[2]}"
wait_all
check_eq "$CODES" "0 0 137 0" "three copy shards finish, one is killed"
run_sluice copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole --shard 2/4 --resume --no-verify
check_rc 0 "the killed copy shard resumed"
check_matches "$WORK/err" "resuming $C.orders_whole shard 2/4: [0-9,]+ rows were committed before" "from its own checkpoints"
run_sluice copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole --shard 2/4 --resume --no-verify
check_rc 2 "a second resume of a finished shard (its checkpoints are gone) is refused, as unsplit"
check_eq "$(sql "SELECT COUNT(*), COUNT(DISTINCT id) FROM \`$C\`.orders_whole")" "75000	75000" "every row once in the keyless target"
check_eq "$(checksum "$C" orders_whole)" "$(checksum "$DB" orders_whole)" "the same rows"
run_sluice copy --from "$URL" --to "${URL}_c" --defaults-file "$SLUICE_DB_CNF" --tables orders_whole --shard 0/4 --mode truncate
check_rc 2 "copy --shard --mode truncate"
check_contains "$WORK/err" "sluice copy: --shard cannot be used with --mode truncate: the other shards write the same tables" "refused"
sql "DROP DATABASE \`$C\`"

# ---- bad input
for bad in 0/0 5/4 -1/3 4/4 1 a/b; do
  load "$WORK/q.csv" --into "$URL/nokey" --shard "$bad"
  check_rc 2 "--shard $bad"
done
load "$WORK/q.csv" --into "$URL/nokey" --shard 0/0
check_contains "$WORK/err" "sluice load: --shard '0/0': the number of shards must be from 1 to 10000" "0/0"
load "$WORK/q.csv" --into "$URL/nokey" --shard 5/4
check_contains "$WORK/err" "sluice load: --shard '5/4': the shard number must be below the number of shards (shards count from 0)" "5/4"
load "$WORK/q.csv" --into "$URL/nokey" --shard -1/3
check_contains "$WORK/err" "sluice load: --shard '-1/3': must be i/n: this shard's number, from 0, and the number of shards" "-1/3"
(unset JOB_COMPLETION_INDEX; load "$WORK/q.csv" --into "$URL/nokey" --shards 4; echo "$RC" >"$WORK/rc")
check_eq "$(cat "$WORK/rc")" 2 "--shards without JOB_COMPLETION_INDEX"
check_contains "$WORK/err" "sluice load: --shards 4 needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it), or give --shard I/4" "says what it needs"
JOB_COMPLETION_INDEX=7 load "$WORK/q.csv" --into "$URL/nokey" --shards 4
check_rc 2 "JOB_COMPLETION_INDEX out of range"
check_contains "$WORK/err" "sluice load: --shards 4: JOB_COMPLETION_INDEX must be a shard number below --shards, not '7'" "names it"
load "$WORK/q.csv" --into "$URL/nokey" --shard 1/2 --shards 3
check_rc 2 "--shard and --shards that disagree"
check_contains "$WORK/err" "sluice load: --shard 1/2 and --shards 3 disagree" "says so"
set +e
"$SLUICE_BIN" load - --into "$URL/nokey" --defaults-file "$SLUICE_DB_CNF" --shard 0/2 <"$WORK/q.csv" >"$WORK/out" 2>"$WORK/err"
RC=$?
set -e
check_rc 2 "--shard of stdin"
check_contains "$WORK/err" "--shard splits files by their size; stdin has none" "stdin cannot be split"

# what one shard would do to the others' rows
load "$WORK/q.csv" --into "$URL/nokey" --shard 0/2 --mode truncate
check_rc 2 "--shard with --mode truncate"
check_contains "$WORK/err" "sluice load: --shard cannot be used with --mode truncate, which empties the table: the other shards write the same table" "refused"
load "$WORK/q.csv" --into "$URL/nokey" --shard 0/2 --defer-indexes
check_rc 2 "--shard with --defer-indexes"

# each shard's rejects go to files of its own
sql "TRUNCATE \`$DB\`.nokey"
{ head -1 "$WORK/q.csv"; seq 1 2000 | sed 's/.*/&,x,y/'; echo 'notanumber,x,y'; } >"$WORK/bad.csv"
for i in 0 1; do
  load "$WORK/bad.csv" --into "$URL/nokey" --shard $i/2 --on-error skip --rejects "$WORK/rj"
  echo "$RC" >"$WORK/rc.$i"
done
check_eq "$(cat "$WORK/rc.0") $(cat "$WORK/rc.1")" "0 3" "the bad row is the last shard's"
check_eq "$(tail -n +2 "$WORK/rj.shard-1-of-2.csv")" "notanumber,x,y" "in that shard's rejects file"
check_eq "$(ls "$WORK" | grep -c '^rj\.shard-0-of-2' || true)" 0 "and none for the other"
check_eq "$(count nokey)" 2000 "every good row"

finish
