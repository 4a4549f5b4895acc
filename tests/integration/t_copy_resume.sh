#!/usr/bin/env bash
# An interrupted copy is finished by --resume, exactly: after SIGTERM, and
# after kill -9. The target ends with the source's row count and CHECKSUM
# TABLE, its deferred indexes back, the tables verified, and no checkpoints
# left. A keyless table (no order to skip by) is emptied and copied again.
# A rerun without --resume over an interrupted append is refused, and so is
# a --resume whose target holds rows that are not this copy's.
source "$(dirname "$0")/lib.sh"
setup copy_resume
DST="${DB}_dst"
ROWS="${SLUICE_RESUME_ROWS:-200000}"
sql "USE \`$DB\`;
CREATE TABLE keyed (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(40), KEY ka (a));
INSERT INTO keyed SELECT seq * 3, seq % 977, CONCAT('row ', seq) FROM seq_1_to_$ROWS;
CREATE TABLE comp (g INT, h VARCHAR(10), v INT, PRIMARY KEY (h, g));
INSERT INTO comp SELECT seq % 100, CONCAT('h', seq DIV 100), seq FROM seq_1_to_$ROWS;
CREATE TABLE keyless (a INT NOT NULL, b VARCHAR(40));
INSERT INTO keyless SELECT seq % 977, CONCAT('row ', seq) FROM seq_1_to_$ROWS"
DST_URL="mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DST"
slow=(--threads 2 --batch-rows 20 --txn-rows 1000 --chunk-rows 20000 --defer-indexes)

copy() { # ARGS...: copies $DB into $DST; the exit code goes to $RC
  set +e
  "$SLUICE_BIN" copy --from "$URL" --to "$DST_URL" --defaults-file "$SLUICE_DB_CNF" "$@" \
    >"$WORK/out" 2>"$WORK/err"
  RC=$?
  set -e
}
keys() { sql "SHOW CREATE TABLE \`$1\`.\`$2\`" | cut -f2- | sed 's/\\n/\n/g' | grep -E '^  (PRIMARY|KEY|UNIQUE)'; }
ckpt_rows() { sql "SELECT COUNT(*) FROM \`$DST\`.sluice_checkpoints"; }
exact() { # WHAT: every table as the source holds it, verified, nothing left behind
  for t in keyed comp keyless; do
    check_eq "$(dst_rows "$t")" "$ROWS" "$1: $t row count"
    check_eq "$(checksum "$DST" "$t")" "$(checksum "$DB" "$t")" "$1: $t checksum"
    check_contains "$WORK/err" "PASS $DST.$t: " "$1: $t verified"
  done
  check_eq "$(keys "$DST" keyed)" "$(keys "$DB" keyed)" "$1: keyed has its keys"
  check_eq "$(ckpt_rows)" 0 "$1: the checkpoints are deleted"
}
interrupt() { # SIGNAL: starts a fresh copy and stops it with SIGNAL partway
  sql "DROP DATABASE IF EXISTS \`$DST\`"
  start_copy "${slow[@]}"
  wait_dst_rows keyed 30000
  kill "-$1" "$LOAD_PID"
  set +e; wait "$LOAD_PID"; RC=$?; set -e
}

# 1. SIGTERM, a refused rerun, then --resume
interrupt TERM
check_rc 4 "SIGTERM"
check_eq "$([ "$(dst_rows keyed)" -lt "$ROWS" ] && echo partial)" partial "the copy was cut short"
check_ne "$(ckpt_rows)" 0 "checkpoints were recorded"
copy --if-exists append
check_rc 2 "a rerun without --resume"
check_matches "$WORK/err" "^sluice: error: an earlier copy into $DST\.[a-z]+ was interrupted after committing [0-9]+ batch\(es\); run again with --resume to finish it" \
  "the rerun is refused"
copy --resume --if-exists drop
check_rc 2 "--resume with --if-exists drop"
check_contains "$WORK/err" "sluice copy: --resume cannot be used with --if-exists or --mode truncate" \
  "--resume --if-exists refused"
copy --resume "${slow[@]}"
check_rc 0 "--resume after SIGTERM"
check_matches "$WORK/err" "^sluice: resuming $DST.keyed: [0-9,]+ rows were committed before; [0-9]+ of [0-9]+ key ranges are complete$" \
  "the resume notice"
exact "SIGTERM and --resume"

# 2. kill -9 (nothing is rolled back by sluice; the server does it)
interrupt KILL
check_rc 137 "kill -9"
copy --resume "${slow[@]}"
check_rc 0 "--resume after kill -9"
exact "kill -9 and --resume"

# 3. one table failed (a CHECK on the target refuses a row) while the others
# finished: --resume copies only what that table lacks, and reads nothing of
# the finished ones
sql "DROP DATABASE IF EXISTS \`$DST\`; CREATE DATABASE \`$DST\`;
CREATE TABLE \`$DST\`.comp LIKE \`$DB\`.comp;
ALTER TABLE \`$DST\`.comp ADD CONSTRAINT no_150000 CHECK (v <> 150000)"
copy --if-exists append "${slow[@]}"
check_rc 1 "a table that fails"
check_contains "$WORK/err" "CONSTRAINT \`no_150000\` failed" "the failure is named"
check_matches "$WORK/err" "^  $DST.comp +[0-9,]+ .* FAILED$" "comp FAILED"
sql "ALTER TABLE \`$DST\`.comp DROP CONSTRAINT no_150000"
copy --resume "${slow[@]}"
check_rc 0 "--resume after a failed table"
check_matches "$WORK/err" "^sluice: resuming $DST.keyed: $(fmt "$ROWS") rows were committed before; ([0-9]+) of \1 key ranges are complete$" \
  "a finished table's ranges are all complete"
check_matches "$WORK/err" "^  $DST.keyed +0 " "nothing of keyed is copied again"
check_matches "$WORK/err" "^  $DST.keyless +0 " "nothing of keyless is copied again"
exact "a resume after a failed table"

# 4. a --resume whose target holds rows of another copy is refused
sql "DROP DATABASE IF EXISTS \`$DST\`; CREATE DATABASE \`$DST\`;
CREATE TABLE \`$DST\`.keyed LIKE \`$DB\`.keyed; INSERT INTO \`$DST\`.keyed VALUES (1, 1, 'x')"
copy --resume --tables keyed
check_rc 2 "--resume over rows of another copy"
check_contains "$WORK/err" "sluice: error: --resume: $DST.keyed holds rows but no checkpoints of a copy of $DB.keyed with these columns and --where" \
  "the message"

sql "DROP DATABASE IF EXISTS \`$DST\`"
finish
