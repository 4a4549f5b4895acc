#!/usr/bin/env python3
"""Compares a table's contents with expected rows.

    dbcheck.py compare DB.TABLE EXPECTED.jsonl [--order-by COL]

EXPECTED.jsonl holds one JSON array per row, values in the table's column
order as the server prints them, null for NULL. Every value on both sides is
reduced to the hex of its bytes (NULL stays NULL); the row counts and an MD5
checksum over all rows and columns must match. On a mismatch the first
differing row is shown. The table is read with the mariadb client over the
private server's socket (SLUICE_DB_SOCKET).

    dbcheck.py dump DB.TABLE [--order-by COL]    # the table as JSON lines
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys


def client(sql):
    sock = os.environ["SLUICE_DB_SOCKET"]
    out = subprocess.run(
        ["mariadb", "--no-defaults", "-S", sock, "-uroot", "--batch",
         "--skip-column-names", "--default-character-set=utf8mb4", "-e", sql],
        check=True, capture_output=True)
    return out.stdout.decode("ascii")


def quote_ident(name):
    return "`" + name.replace("`", "``") + "`"


def columns(db, table):
    sql = ("SELECT HEX(COLUMN_NAME) FROM information_schema.COLUMNS "
           "WHERE TABLE_SCHEMA=UNHEX('%s') AND TABLE_NAME=UNHEX('%s') "
           "ORDER BY ORDINAL_POSITION" % (db.encode().hex(), table.encode().hex()))
    return [bytes.fromhex(h).decode() for h in client(sql).split()]


def table_rows(db, table, order_by):
    cols = columns(db, table)
    if not cols:
        sys.exit("dbcheck: table %s.%s has no columns (does it exist?)" % (db, table))
    parts = ["IFNULL(HEX(CONCAT(%s)),'NULL')" % quote_ident(c) for c in cols]
    order = quote_ident(order_by) if order_by else ",".join(quote_ident(c) for c in cols)
    sql = "SELECT CONCAT_WS('|',%s) FROM %s.%s ORDER BY %s" % (
        ",".join(parts), quote_ident(db), quote_ident(table), order)
    return [line for line in client(sql).split("\n") if line]


def encode_row(values):
    return "|".join("NULL" if v is None else str(v).encode("utf-8").hex().upper()
                    for v in values)


def decode_row(line):
    return [None if v == "NULL" else bytes.fromhex(v).decode("utf-8", "replace")
            for v in line.split("|")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["compare", "dump"])
    ap.add_argument("table")
    ap.add_argument("expected", nargs="?")
    ap.add_argument("--order-by")
    a = ap.parse_args()
    db, table = a.table.split(".", 1)
    got = table_rows(db, table, a.order_by)
    if a.cmd == "dump":
        for line in got:
            print(json.dumps(decode_row(line), ensure_ascii=False))
        return 0
    with open(a.expected, encoding="utf-8") as f:
        want = [encode_row(json.loads(line)) for line in f if line.strip()]
    if not a.order_by:
        want.sort()
        got.sort()
    md5 = lambda rows: hashlib.md5("\n".join(rows).encode()).hexdigest()
    if len(got) != len(want):
        print("dbcheck: %s: %d rows, expected %d" % (a.table, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            print("dbcheck: %s: row %d differs\n  got:      %s\n  expected: %s" % (
                a.table, i + 1, json.dumps(decode_row(g), ensure_ascii=False),
                json.dumps(decode_row(w), ensure_ascii=False)))
            break
    if len(got) != len(want) or md5(got) != md5(want):
        return 1
    print("dbcheck: %s: %d rows, checksum %s matches" % (a.table, len(got), md5(got)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
