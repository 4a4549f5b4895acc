#!/usr/bin/env python3
"""Writes a CSV for the reliability tests, and what a correct load leaves.

    gen_faulty.py --rows N --every K OUT_PREFIX [--seed S]

Table (no primary key, so a duplicate would show):
    CREATE TABLE t (id BIGINT, qty INT, name VARCHAR(255), created DATETIME,
                    note VARCHAR(50)) DEFAULT CHARSET=utf8mb4

Every K-th row (K, 2K, ...; 0 = none) is bad, in one of six kinds taken in
turn: a field missing, one field too many, a non-integer in the INT column,
300 characters in the VARCHAR(255), an impossible DATETIME, invalid UTF-8.

Writes OUT_PREFIX.csv (with a header), OUT_PREFIX.good.jsonl (the good rows
as the server prints them), OUT_PREFIX.bad.csv (each bad record's exact
bytes) and OUT_PREFIX.bad.kinds (the kind of each bad row, in order).
"""
import argparse
import json
import random

SCHEMA = ("CREATE TABLE {name} (id BIGINT, qty INT, name VARCHAR(255), created DATETIME, "
          "note VARCHAR(50)) DEFAULT CHARSET=utf8mb4")
KINDS = ["missing field", "extra field", "non-integer", "too long", "bad datetime",
         "invalid utf-8"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--schema", action="store_true")
    ap.add_argument("prefix", nargs="?")
    a = ap.parse_args()
    if a.schema:
        print(SCHEMA.format(name="t"))
        return
    rng = random.Random(a.seed)
    with open(a.prefix + ".csv", "wb") as csv, \
            open(a.prefix + ".good.jsonl", "w", encoding="utf-8") as good, \
            open(a.prefix + ".bad.csv", "wb") as bad, \
            open(a.prefix + ".bad.kinds", "w") as kinds:
        csv.write(b"id,qty,name,created,note\n")
        nbad = 0
        for i in range(1, a.rows + 1):
            qty = str(rng.randint(-1000, 1000))
            name = "n%d %s" % (i, rng.choice(["plain", "with, comma", 'say "hi"', "Zoë", "東京"]))
            created = "2026-%02d-%02d %02d:%02d:%02d" % (
                rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                rng.randint(0, 59))
            note = rng.choice(["", "ok", "fine 😀"])
            fields = [str(i), qty, name, created, note]
            kind = None
            if a.every and i % a.every == 0:
                kind = KINDS[nbad % len(KINDS)]
                nbad += 1
                if kind == "missing field":
                    fields = fields[:4]
                elif kind == "extra field":
                    fields = fields + ["surplus"]
                elif kind == "non-integer":
                    fields[1] = "twelve"
                elif kind == "too long":
                    fields[2] = "x" * 300
                elif kind == "bad datetime":
                    fields[3] = "2026-02-30 25:61:00"
            enc = []
            for f in fields:
                b = f.encode("utf-8")
                if any(c in f for c in ',"\n'):
                    b = b'"' + f.replace('"', '""').encode("utf-8") + b'"'
                enc.append(b)
            if kind == "invalid utf-8":
                enc[4] = b"caf\xe9"
            line = b",".join(enc) + b"\n"
            csv.write(line)
            if kind:
                bad.write(line)
                kinds.write(kind + "\n")
            else:
                good.write(json.dumps(fields, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
