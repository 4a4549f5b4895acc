#!/usr/bin/env bash
# Loads every file of the csv-spectrum corpus (../shared/testdata) into a
# table of TEXT columns named by its header (names with spaces included) and
# compares the table with the corpus's expected parse.
source "$(dirname "$0")/lib.sh"
setup csv_spectrum
CORPUS="$SLUICE_SRC/../shared/testdata/csv-spectrum"
# without ../shared beside the checkout the test is skipped (ctest's
# SKIP_RETURN_CODE 77), not failed
[ -d "$CORPUS/csvs" ] || {
  echo "csv-spectrum corpus not found at $CORPUS (expected in ../shared/testdata beside the checkout); skipped"
  exit 77
}

for csv in "$CORPUS"/csvs/*.csv; do
  name=$(basename "$csv" .csv)
  # the expected rows come from the corpus's JSON (see csv_spectrum.py)
  python3 "$SLUICE_SRC/tests/csv_spectrum.py" expect "$CORPUS" "$name" "$WORK/$name.all"
  tail -n +2 "$WORK/$name.all" >"$WORK/$name.expected"
  cols=$(head -1 "$WORK/$name.all" | python3 -c '
import json, sys
q = lambda s: "`" + s.replace("`", "``") + "`"
print(", ".join(q(h) + " TEXT" for h in json.load(sys.stdin)))')
  sql "CREATE TABLE \`$DB\`.\`$name\` ($cols) DEFAULT CHARSET=utf8mb4"
  load "$csv" --into "$URL/$name"
  check_rc 0 "load of csv-spectrum $name"
  check_table "$name" "$WORK/$name.expected" "" "csv-spectrum $name"
done
finish
