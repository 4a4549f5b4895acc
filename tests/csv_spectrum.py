#!/usr/bin/env python3
"""The csv-spectrum corpus (../shared/testdata/csv-spectrum) as test cases.

    csv_spectrum.py check CSVDUMP CORPUS_DIR
        For every csvs/NAME.csv, turns csvdump's records (the first is the
        header) into objects and compares them with json/NAME.json. Prints a
        line per file and "N passed, N failed".

    csv_spectrum.py expect CORPUS_DIR NAME OUT
        Writes NAME's header (one line, JSON) and expected rows (JSON arrays
        in header order) to OUT, for the load test.

Known defects of our copy of the corpus are corrected here, visibly, and
nowhere else: KNOWN_DEFECTS names the file and field, and the expected value
of that field is then taken from Python's csv module (a parser independent
of ours) reading the same CSV. Every other field is still checked against
the corpus's JSON.
"""
import csv
import json
import os
import subprocess
import sys

KNOWN_DEFECTS = {
    # Our copy's CSV has 2095257564, its JSON 1234567890 (upstream has
    # 02095257564 in both); the JSON is also a bare object, not an array.
    "location_coordinates": ["Contact Phone Number"],
}


def expected(corpus, name):
    """Returns (header, list of row dicts, note)."""
    csv_path = os.path.join(corpus, "csvs", name + ".csv")
    with open(os.path.join(corpus, "json", name + ".json"), encoding="utf-8") as f:
        want = json.load(f)
    if isinstance(want, dict):
        want = [want]
    with open(csv_path, encoding="utf-8", newline="") as f:
        independent = list(csv.reader(f))
    header = independent[0]
    note = ""
    for field in KNOWN_DEFECTS.get(name, []):
        col = header.index(field)
        for row, ind in zip(want, independent[1:]):
            if row[field] != ind[col]:
                note += " (corpus defect: %s %r corrected to %r)" % (field, row[field], ind[col])
                row[field] = ind[col]
    return header, want, note


def check(dump, corpus):
    names = sorted(n[:-4] for n in os.listdir(os.path.join(corpus, "csvs")) if n.endswith(".csv"))
    passed = failed = 0
    for name in names:
        out = subprocess.run([dump, os.path.join(corpus, "csvs", name + ".csv")],
                             capture_output=True, check=False)
        if out.returncode != 0:
            print("FAIL %s: %s" % (name, out.stderr.decode().strip()))
            failed += 1
            continue
        records = [json.loads(l) for l in out.stdout.decode("utf-8").splitlines()]
        header, rows = records[0], records[1:]
        got = [dict(zip(header, r)) for r in rows]
        want_header, want, note = expected(corpus, name)
        if header == want_header and got == want and all(len(r) == len(header) for r in rows):
            print("ok   %s (%d rows)%s" % (name, len(rows), note))
            passed += 1
        else:
            print("FAIL %s\n  got:      %s\n  expected: %s" % (name, got, want))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def expect(corpus, name, out_path):
    header, want, note = expected(corpus, name)
    if note:
        print(name + note, file=sys.stderr)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(header, ensure_ascii=False) + "\n")
        for row in want:
            f.write(json.dumps([row[h] for h in header], ensure_ascii=False) + "\n")
    return 0


# ctest's SKIP_RETURN_CODE for these tests: the corpus lives outside the
# repository, and a clone without ../shared beside it skips, not fails.
SKIP = 77


def corpus_missing(corpus):
    if os.path.isdir(os.path.join(corpus, "csvs")):
        return False
    print("csv-spectrum corpus not found at %s (it is expected in ../shared/testdata/csv-spectrum "
          "beside the checkout); skipped" % os.path.abspath(corpus))
    return True


if __name__ == "__main__":
    if len(sys.argv) >= 4 and corpus_missing(sys.argv[-1] if sys.argv[1] == "check" else sys.argv[2]):
        sys.exit(SKIP)
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 5 and sys.argv[1] == "expect":
        sys.exit(expect(sys.argv[2], sys.argv[3], sys.argv[4]))
    sys.exit(__doc__)
