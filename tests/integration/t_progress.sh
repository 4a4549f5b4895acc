#!/usr/bin/env bash
# The progress display: on a terminal of 40, 60, 80 and 200 columns (a
# pseudo-terminal) every redraw fits on one line and is drawn in place,
# dropping fields in a fixed order; a resize shows at the next redraw;
# --progress log lines carry an ISO timestamp; --progress json writes one
# object per interval and a last one; bench shows its cell and the grid's
# ETA; -q silences advice but not the warnings that guard data. --max-rate
# paces the rows (a 2 s load here), which is also what makes the runs long
# enough to redraw.
source "$(dirname "$0")/lib.sh"
setup progress
orders_table orders
python3 "$GEN" --rows 20000 --seed 11 >"$WORK/o.csv"
PTY="$TOOLS/pty_run.py"
fresh() { sql "TRUNCATE \`$DB\`.orders"; }

# python3 over the pty's output: prints what EXPR says of r (the JSON of
# pty_run.py) and of segs (the progress redraws: [cols, text]).
judge() { # FILE EXPR
  python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
segs = [s for s in r["segments"] if s[1].startswith(("load:", "bench "))]
print(eval(sys.argv[2]))' "$1" "$2"
}

for cols in 40 60 80 200; do
  fresh
  python3 "$PTY" "$cols" -- "$SLUICE_BIN" load "$WORK/o.csv" --into "$URL/orders" \
    --defaults-file "$SLUICE_DB_CNF" --max-rate 10000 --threads 1 --batch-rows 500 --txn-rows 1000 >"$WORK/pty$cols.json"
  check_eq "$(judge "$WORK/pty$cols.json" 'r["rc"], len(segs) >= 2')" "(0, True)" "$cols columns: the load ran, with redraws"
  check_eq "$(judge "$WORK/pty$cols.json" '[s[1] for s in segs if len(s[1]) >= s[0]]')" "[]" "$cols columns: every redraw fits"
  check_eq "$(judge "$WORK/pty$cols.json" 'r["out"].split("sluice: loaded into")[0].count("\n")')" "0" "$cols columns: redrawn in place, no line added"
  check_eq "$(judge "$WORK/pty$cols.json" 'all(re.match(r"load: .*\d+% [\d,]+ rows", s[1]) for s in segs)')" "True" "$cols columns: the percentage and rows always stay"
done
check_eq "$(judge "$WORK/pty200.json" 'all(re.search(r"\[[#.]{20}\] \d+% [\d,]+ rows [\d,]+ rows/s \d+:\d\d( ETA \d+:\d\d)? [\d.]+ [kM]?B$", s[1]) for s in segs)')" "True" \
  "200 columns: bar, rows, rows/s, elapsed, ETA and bytes"
check_eq "$(judge "$WORK/pty200.json" 'any(" ETA " in s[1] for s in segs)')" "True" "200 columns: an ETA while it runs"
check_eq "$(judge "$WORK/pty40.json" 'any("[" in s[1] or "rows/s" in s[1] for s in segs)')" "False" "40 columns: the bar and rows/s are dropped"
check_eq "$(judge "$WORK/pty80.json" 'all("[" in s[1] for s in segs)')" "True" "80 columns: the bar stays"

# a resize from 200 to 50 columns shows at the next redraw
fresh
python3 "$PTY" 200 --resize-after 1 50 -- "$SLUICE_BIN" load "$WORK/o.csv" --into "$URL/orders" \
  --defaults-file "$SLUICE_DB_CNF" --max-rate 5000 --threads 1 --batch-rows 500 --txn-rows 1000 >"$WORK/resize.json"
check_eq "$(judge "$WORK/resize.json" '(any(s[0] == 200 and len(s[1]) > 60 for s in segs), any(s[0] == 50 for s in segs), [s[1] for s in segs if s[0] == 50 and len(s[1]) >= 50])')" \
  "(True, True, [])" "a narrower terminal: the lines after the resize fit it"

# --progress log: an ISO timestamp on every line, every 5 s
fresh
python3 "$GEN" --rows 70000 --seed 12 >"$WORK/long.csv"
load "$WORK/long.csv" --into "$URL/orders" --max-rate 12000 --threads 1 --batch-rows 500 --txn-rows 1000 --progress log
check_rc 0 "--progress log"
check_matches "$WORK/err" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z sluice: load: \[[#.]{20}\] [0-9]+% [0-9,]+ rows [0-9,]+ rows/s [0-9]+:[0-9]{2} ETA [0-9]+:[0-9]{2} ' "a log line with its timestamp"
check_eq "$(grep -c 'Z sluice: load: ' "$WORK/err" | awk '{print ($1 >= 1 && $1 <= 3)}')" 1 "a log line every 5 s of a 6 s load (more on a slow machine)"
check_not_contains "$WORK/err" $'\r' "no carriage return in a log"

# --progress json: an object per interval and a last one with the totals
fresh
load "$WORK/long.csv" --into "$URL/orders" --max-rate 12000 --threads 1 --batch-rows 500 --txn-rows 1000 --progress json
check_rc 0 "--progress json"
python3 - "$WORK/err" >"$WORK/json.txt" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
keys = {"time", "command", "rows", "bytes", "elapsed_seconds", "rows_per_second", "fraction", "eta_seconds", "now", "final"}
print(len(objs) >= 2, all(set(o) == keys for o in objs), [o["final"] for o in objs][-2:], sum(o["final"] for o in objs))
print(objs[0]["command"], 0 < objs[0]["rows"] < 70000, 0 < objs[0]["fraction"] < 1, objs[0]["eta_seconds"] > 0)
print(objs[-1]["rows"], objs[-1]["fraction"], objs[-1]["eta_seconds"])
PY
check_eq "$(sed -n 1p "$WORK/json.txt")" "True True [False, True] 1" "json: an object every 5 s, then the one last one"
check_eq "$(sed -n 2p "$WORK/json.txt")" "load True True True" "json: the interval's object"
check_eq "$(sed -n 3p "$WORK/json.txt")" "70000 1 None" "json: the last object has the totals"

# --progress none: no progress, the summary stays
fresh
load "$WORK/o.csv" --into "$URL/orders" --progress none --max-rate 20000
check_rc 0 "--progress none"
check_contains "$WORK/err" "sluice: loaded into" "none: the summary is still printed"
check_not_contains "$WORK/err" "load: " "none: no progress line"
load "$WORK/o.csv" --into "$URL/orders" --progress sometimes
check_rc 2 "a bad --progress"
check_contains "$WORK/err" "sluice load: --progress must be none, auto, bar, log or json, not 'sometimes'" "the bad mode named"

# bench: the cell it is in, and the ETA of the grid
python3 "$PTY" 160 -- "$SLUICE_BIN" bench --into "$URL" --defaults-file "$SLUICE_DB_CNF" \
  --threads 1,2 --batch-rows 100 --txn-rows 1000 --duration 1 --warmup 0 --table pbench >"$WORK/bench.json"
check_eq "$(judge "$WORK/bench.json" 'r["rc"], sorted({re.match(r"bench cell (\d/\d)", s[1]).group(1) for s in segs})')" "(0, ['1/2', '2/2'])" "bench: the cell it is in"
check_eq "$(judge "$WORK/bench.json" 'any(re.search(r"^bench cell 1/2: .* grid ETA \d+:\d\d now threads=1 batch=100 txn=1000 insert$", s[1]) for s in segs)')" "True" "bench: the grid's ETA and the cell's settings"
check_eq "$(judge "$WORK/bench.json" '[s[1] for s in segs if len(s[1]) >= 160]')" "[]" "bench: its line fits too"

# -q: advice goes, the warnings that guard data stay
fresh
printf 'id\n1\n' >"$WORK/ids.csv"
sql "CREATE TABLE \`$DB\`.keys_only (id INT PRIMARY KEY)"
load "$WORK/ids.csv" --into "$URL/keys_only" --mode upsert
check_contains "$WORK/err" "sluice: --mode upsert: every loaded column is a key column" "the advice without -q"
load "$WORK/ids.csv" --into "$URL/keys_only" --mode upsert -q
check_rc 0 "upsert -q"
check_eq "$(cat "$WORK/err")" "" "-q: no advice, no summary"
load "$WORK/ids.csv" --into "$URL/keys_only" --mode truncate -q
check_rc 0 "truncate -q"
check_contains "$WORK/err" "sluice: --mode truncate: TRUNCATE TABLE $DB.keys_only commits at once" "-q keeps the truncate warning"
load "$WORK/ids.csv" --into "$URL/keys_only" --mode truncate -q --progress json
check_eq "$(grep -c '^{' "$WORK/err")" 1 "-q --progress json: the progress asked for, and no summary"

# --max-rate paces the load: 20,000 rows at 10,000 rows/s take about 2 s
fresh
start=$(date +%s.%N)
load "$WORK/o.csv" --into "$URL/orders" --max-rate 10000 --threads 2
took=$(echo "$(date +%s.%N) - $start" | bc)
check_rc 0 "--max-rate 10000"
check_eq "$(echo "$took >= 1.8" | bc)" 1 "--max-rate 10000: 20,000 rows take at least 1.8 s (took $took)"
check_eq "$(count orders)" 20000 "--max-rate: every row"
load "$WORK/o.csv" --into "$URL/orders" --max-rate 10XB/s
check_rc 2 "a bad --max-rate"
check_contains "$WORK/err" "sluice load: --max-rate must be rows a second (5000 or 5000/s) or bytes a second (10MB/s, 500kB/s, 1GB/s), above 0, not '10XB/s'" "the bad rate named"

finish
