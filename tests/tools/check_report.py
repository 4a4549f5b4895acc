#!/usr/bin/env python3
"""Checks sluice reports against docs/report.schema.json.

Usage: check_report.py SCHEMA REPORT.json...
Prints each violation with its place in the report and exits 1 when there
is one; also checks what a schema cannot say: that times are in order and
seconds have at most three decimals.
"""
import json
import re
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft7Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        text = open(path).read()
        try:
            report = json.loads(text)
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            bad += 1
            continue
        for err in sorted(validator.iter_errors(report), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in err.path) or "(top)"
            print(f"{path}: {where}: {err.message}")
            bad += 1
        for m in re.finditer(r'"(seconds|rows_per_second)":\s*(-?[0-9.eE+-]+)', text):
            if re.search(r"\.\d{4,}|[eE]", m.group(2)):
                print(f"{path}: {m.group(1)} {m.group(2)} has more than three decimals")
                bad += 1
        if isinstance(report, dict) and report.get("started_at", "") > report.get("finished_at", "~"):
            print(f"{path}: started_at is after finished_at")
            bad += 1
    sys.exit(1 if bad else 0)


main()
