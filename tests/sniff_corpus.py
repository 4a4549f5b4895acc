#!/usr/bin/env python3
"""How many dialects `sluice sniff` gets right on a corpus with known ones.

    sniff_corpus.py SLUICE w3c DIR MIN_RIGHT
        DIR is ../shared/testdata/w3c-csvw: dialects.txt gives each file's
        encoding, delimiter, quote, escape and record delimiter (annotated by
        the CSVsniffer project). A file is right when the delimiter, the
        quote (where the file has quoted fields at all), the record
        delimiter and the encoding family agree. Where the file's own bytes
        contradict its annotation (CRLF annotated, no CRLF in the file;
        utf8 annotated, bytes that are not UTF-8), the bytes are the truth:
        each such case is printed, and both counts are given.
    sniff_corpus.py SLUICE own DIR
        DIR is tests/data/sniff: every NAME.csv has NAME.expect, lines of
        `key = value` that sniff's JSON must hold (dialect keys, or
        column.N.type / column.N.name / column.N.format); every one must.

Every miss is printed with what sniff said and the annotation, so that a
rule is never tuned to one file blind. Exit 0 when at least MIN_RIGHT files
(w3c) or all of them (own) are right; exit 77 when DIR is missing.
"""
import json
import os
import subprocess
import sys

DELIMS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|",
          "colon": ":"}
QUOTES = {"doublequote": '"', "singlequote": "'", "": None}
RECORDS = {"lf": "LF", "crlf": "CRLF", "cr": "CR"}


def sniff(sluice, path):
    out = subprocess.run([sluice, "sniff", "--format", "json", path], capture_output=True)
    if out.returncode != 0:
        return None, out.stderr.decode(errors="replace").strip()
    return json.loads(out.stdout), ""


def w3c(sluice, folder, min_right):
    right, right_as_given, total = 0, 0, 0
    as_given = []  # misses that only the annotation, not the bytes, calls so
    with open(os.path.join(folder, "dialects.txt"), encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for line in lines[1:]:
        name, enc, delim, quote, _escape, rec = line.split("|")
        path = os.path.join(folder, "files", name)
        if not os.path.exists(path):
            continue
        total += 1
        got, why = sniff(sluice, path)
        if got is None:
            print("MISS %s: sniff failed: %s" % (name, why))
            continue
        d = got["dialect"]
        with open(path, "rb") as f:
            has_quotes = (QUOTES[quote] or '"').encode() in f.read()
        wrong = []
        if d["delimiter"].rstrip(" ") != DELIMS[delim] and d["delimiter"] != DELIMS[delim]:
            wrong.append("delimiter %r, annotated %r" % (d["delimiter"], DELIMS[delim]))
        if has_quotes and QUOTES[quote] and d["quote"] != QUOTES[quote]:
            wrong.append("quote %r, annotated %r" % (d["quote"], QUOTES[quote]))
        with open(path, "rb") as f:
            data = f.read()
        want_rec = RECORDS[rec]
        contradicted = []
        if want_rec == "CRLF" and b"\r\n" not in data:
            want_rec = "CR" if b"\r" in data and b"\n" not in data else "LF"
            contradicted.append("annotated crlf, the file has no CRLF")
        if d["line_terminator"] != RECORDS[rec]:
            (wrong if d["line_terminator"] != want_rec else as_given).append(
                "line terminator %s, annotated %s" % (d["line_terminator"], RECORDS[rec]))
        family = "utf" if enc.startswith("utf") else "single-byte"
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            if family == "utf":
                family = "single-byte"
                contradicted.append("annotated %s, the bytes are not UTF-8" % enc)
        got_family = "utf" if d["encoding"].startswith("utf") else "single-byte"
        if got_family != ("utf" if enc.startswith("utf") else "single-byte"):
            (wrong if got_family != family else as_given).append(
                "encoding %s, annotated %s" % (d["encoding"], enc))
        if wrong:
            print("MISS %s: %s" % (name, "; ".join(wrong)))
        else:
            right += 1
            if not as_given:
                right_as_given += 1
        if contradicted:
            print("NOTE %s: %s: judged by the bytes" % (name, "; ".join(contradicted)))
        del as_given[:]
    print("w3c-csvw: %d of %d dialects right (%d against the annotations as given; floor %d)"
          % (right, total, right_as_given, min_right))
    return 0 if right >= min_right and total > 0 else 1


def lookup(doc, key):
    parts = key.split(".")
    if parts[0] == "column":
        col = doc["columns"][int(parts[1]) - 1]
        return col.get(parts[2])
    return doc["dialect"].get(key, doc.get(key))


def own(sluice, folder):
    failed, total = 0, 0
    for name in sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".csv")):
        total += 1
        path = os.path.join(folder, name + ".csv")
        with open(os.path.join(folder, name + ".expect"), encoding="utf-8") as f:
            want = [l.rstrip("\n").split(" = ", 1) for l in f if " = " in l]
        got, why = sniff(sluice, path)
        if got is None:
            failed += 1
            print("FAIL %s: sniff failed: %s" % (name, why))
            continue
        bad = []
        for key, value in want:
            v = lookup(got, key)
            shown = json.dumps(v) if not isinstance(v, str) else v
            if shown != value:
                bad.append("%s is %s, expected %s" % (key, shown, value))
        if bad:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(bad)))
    print("own sniff corpus: %d of %d files right" % (total - failed, total))
    return 1 if failed or total == 0 else 0


def main():
    sluice, which, folder = sys.argv[1], sys.argv[2], sys.argv[3]
    if not os.path.isdir(folder):
        print("no corpus at %s" % folder)
        return 77
    if which == "w3c":
        return w3c(sluice, folder, int(sys.argv[4]))
    return own(sluice, folder)


if __name__ == "__main__":
    sys.exit(main())
