#!/usr/bin/env python3
"""Writes the deterministic `orders` CSV used by the demo and the benchmark.

Eight columns: id BIGINT (primary key), customer_id INT, sku VARCHAR(32),
qty INT, price DECIMAL(10,2), status VARCHAR(16), created_at DATETIME, and
note VARCHAR(255) holding quotes, commas and non-ASCII text. About 85 bytes
a row. The same --rows and --seed always give the same bytes.

    gen_orders.py --rows 1000000 [--seed 42] [--start-id 1] > orders.csv
    gen_orders.py --rows 1000 --expect rows.jsonl > orders.csv
    gen_orders.py --schema   # prints the CREATE TABLE statement

--expect also writes each row as a JSON array of the values the server will
print (null for NULL), for the tests to compare the loaded table with.
"""
import argparse
import json
import random
import sys

SCHEMA = """CREATE TABLE orders (
  id BIGINT NOT NULL PRIMARY KEY,
  customer_id INT NOT NULL,
  sku VARCHAR(32) NOT NULL,
  qty INT NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME NOT NULL,
  note VARCHAR(255) NULL,
  KEY idx_customer (customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"""

STATUSES = ["new", "paid", "shipped", "delivered", "returned", "cancelled"]
WORDS = ["fragile", "gift", "rush", "Köln", "naïve café", "東京", "leave at door",
         "ring twice", "😀 thanks", "size \"XL\"", "red, blue", "O'Brien"]


def note(rng):
    r = rng.random()
    if r < 0.1:
        return None
    n = rng.randint(1, 4)
    return " ".join(rng.choice(WORDS) for _ in range(n))


def csv_field(s):
    if s is None:
        return "\\N"
    if any(c in s for c in ',"\r\n') or s == "\\N":
        return '"' + s.replace('"', '""') + '"'
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--start-id", type=int, default=1)
    ap.add_argument("--no-header", action="store_true")
    ap.add_argument("--schema", action="store_true")
    ap.add_argument("--expect", help="also write the rows as JSON lines here")
    a = ap.parse_args()
    if a.schema:
        print(SCHEMA + ";")
        return
    rng = random.Random(a.seed)
    out = sys.stdout
    expect = open(a.expect, "w", encoding="utf-8") if a.expect else None
    buf = []
    if not a.no_header:
        buf.append("id,customer_id,sku,qty,price,status,created_at,note\n")
    for i in range(a.start_id, a.start_id + a.rows):
        row = (str(i), str(rng.randint(1, 200000)), "SKU-%06d" % rng.randint(0, 999999),
               str(rng.randint(1, 20)),
               "%d.%02d" % (rng.randint(0, 99999), rng.randint(0, 99)), rng.choice(STATUSES),
               "2026-%02d-%02d %02d:%02d:%02d" % (
                   rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                   rng.randint(0, 59), rng.randint(0, 59)),
               note(rng))
        buf.append(",".join(csv_field(v) for v in row) + "\n")
        if expect:
            expect.write(json.dumps(row, ensure_ascii=False) + "\n")
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    if expect:
        expect.close()


if __name__ == "__main__":
    main()
