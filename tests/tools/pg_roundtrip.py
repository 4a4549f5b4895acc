#!/usr/bin/env python3
"""Compares what PostgreSQL's own COPY wrote with what `sluice extract` read
back from MySQL after a copy, column by column, by the rules of the
documented type mapping (docs/type-mapping.md).

usage: pg_roundtrip.py PG_COPY.txt MYSQL.csv RULES
  PG_COPY.txt  COPY ... TO STDOUT text format, in the session time zone UTC
  MYSQL.csv    sluice extract output (header, \\N for NULL, binary as hex)
  RULES        one rule per column, comma-separated: int dec float real text
               char bytea bool ts tstz json money
Prints each difference; exits 1 if there is one.
"""
import csv
import decimal
import json
import re
import struct
import sys


def unescape(field):
    if field == "\\N":
        return None
    out, i = [], 0
    simple = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
    while i < len(field):
        c = field[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = field[i + 1]
        out.append(simple.get(n, n))
        i += 2
    return "".join(out)


def frac(ts):
    if "." in ts:
        ts = ts.rstrip("0").rstrip(".")
    return ts


def norm(rule, v, side):
    if v is None:
        return None
    if rule == "int" or rule == "text":
        return v
    if rule == "char":  # CHAR(n): PostgreSQL pads, MySQL drops trailing spaces
        return v.rstrip(" ")
    if rule == "dec":
        return decimal.Decimal(v)
    if rule == "money":
        return decimal.Decimal(v.replace("$", "").replace(",", "")) if side == "pg" else decimal.Decimal(v)
    if rule == "float":
        return float(v)
    if rule == "real":
        return struct.pack("f", float(v))
    if rule == "bytea":
        return (v[2:] if side == "pg" else v).lower()
    if rule == "bool":
        return {"t": "1", "f": "0"}[v] if side == "pg" else v
    if rule == "ts":
        return frac(v)
    if rule == "tstz":
        return frac(re.sub(r"\+00$", "", v)) if side == "pg" else frac(v)
    if rule == "json":
        return json.loads(v)
    raise SystemExit("unknown rule " + rule)


def main():
    pg_path, my_path, rules = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    with open(pg_path, encoding="utf-8") as f:
        pg = [[unescape(x) for x in line.rstrip("\n").split("\t")] for line in f if line != "\n"]
    with open(my_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    my = [[None if x == "\\N" else x for x in r] for r in rows[1:]]
    bad = 0
    if len(pg) != len(my):
        print(f"row counts differ: PostgreSQL {len(pg)}, MySQL {len(my)}")
        return 1
    for a, b in zip(sorted(pg, key=lambda r: int(r[0])), sorted(my, key=lambda r: int(r[0]))):
        for i, rule in enumerate(rules):
            x, y = norm(rule, a[i], "pg"), norm(rule, b[i], "my")
            if x != y:
                bad += 1
                print(f"id {a[0]}, column {i + 1} ({rule}): PostgreSQL {a[i]!r}, MySQL {b[i]!r}")
    print(f"{len(pg)} rows compared, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
