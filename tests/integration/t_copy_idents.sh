#!/usr/bin/env bash
# Copy keeps identifiers that hold a newline, a comma or a backtick, with
# and without deferred indexes: the target's SHOW CREATE TABLE equals the
# source's. A definition the target refuses leaves no table behind.
source "$(dirname "$0")/lib.sh"
setup copy_idents
DST="${DB}_dst"
sql "DROP DATABASE IF EXISTS \`$DST\`"
NL=$'\n'
# a column whose name looks like a definition line, an index with a newline
# in its name, a comment and a default that hold a newline, a quote and a
# comma, and a CHECK constraint with parentheses and a string
sql "CREATE TABLE \`$DB\`.\`t${NL}x\` (
  id INT PRIMARY KEY,
  \`nl${NL}  KEY x\` INT,
  \`a,b\`\`c\` VARCHAR(20) DEFAULT 'x,${NL}  KEY y (id)' COMMENT 'one${NL}two, ''three''',
  note VARCHAR(20),
  KEY \`i${NL}x\` (\`nl${NL}  KEY x\`),
  UNIQUE KEY \`u,\`\`v\` (\`a,b\`\`c\`, note),
  CONSTRAINT \`c${NL}k\` CHECK (note <> ')' OR note IS NULL)
)"
sql "USE \`$DB\`; INSERT INTO \`$DB\`.\`t${NL}x\` SELECT seq, seq % 7, CONCAT('v', seq), IF(seq % 3, NULL, 'n') FROM seq_1_to_2000"
show_create() { # DB: the table's definition, with the table's name
  sql "SHOW CREATE TABLE \`$1\`.\`t${NL}x\`" | cut -f2-
}
for defer in --defer-indexes --no-defer-indexes; do
  sql "DROP DATABASE IF EXISTS \`$DST\`"
  run_sluice copy --from "$URL" --to "mysql://sluice@127.0.0.1:$SLUICE_DB_PORT/$DST" \
    --defaults-file "$SLUICE_DB_CNF" $defer
  check_rc 0 "copy $defer"
  check_eq "$(show_create "$DST")" "$(show_create "$DB")" "$defer: the same definition"
  check_eq "$(sql "CHECKSUM TABLE \`$DST\`.\`t${NL}x\`" | cut -f2)" \
    "$(sql "CHECKSUM TABLE \`$DB\`.\`t${NL}x\`" | cut -f2)" "$defer: the same rows"
done

# a table the target creates but then cannot use leaves no table behind: an
# account that may create tables but not insert into them
sql "DROP DATABASE IF EXISTS \`$DST\`; CREATE DATABASE \`$DST\`"
sql "DROP USER IF EXISTS 'idents_noins'@'%';
CREATE USER 'idents_noins'@'%' IDENTIFIED BY 'Noins-pw1';
GRANT SELECT, CREATE, DROP, ALTER, INDEX ON \`$DST\`.* TO 'idents_noins'@'%'"
SLUICE_TO_PASSWORD=Noins-pw1 run_sluice copy --from "$URL/t${NL}x" \
  --from-defaults-file "$SLUICE_DB_CNF" --to "mysql://idents_noins@127.0.0.1:$SLUICE_DB_PORT/$DST"
check_rc 2 "a target account without INSERT"
check_contains "$WORK/err" "INSERT" "the missing privilege is named"
check_eq "$(sql "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$DST'")" 0 \
  "no table left behind"
sql "DROP USER 'idents_noins'@'%'"
finish
