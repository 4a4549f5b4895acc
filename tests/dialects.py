#!/usr/bin/env python3
"""The CSV dialect corpus of tests/data/dialects: for every NAME.csv, csvdump
run with the options in NAME.args must print exactly NAME.json (one JSON
array per record, or an {"error", "raw"} object per malformed one).

    dialects.py CSVDUMP DIR
"""
import os
import shlex
import subprocess
import sys


def main():
    csvdump, folder = sys.argv[1], sys.argv[2]
    names = sorted(f[:-4] for f in os.listdir(folder) if f.endswith(".csv"))
    failed = 0
    for name in names:
        base = os.path.join(folder, name)
        with open(base + ".args") as f:
            args = shlex.split(f.read())
        with open(base + ".json", "rb") as f:
            want = f.read()
        got = subprocess.run([csvdump] + args + [base + ".csv"], capture_output=True)
        if got.returncode != 0 or got.stdout != want:
            failed += 1
            print("FAIL %s (csvdump %s): exit %d\n  want: %r\n  got:  %r\n  err:  %s"
                  % (name, " ".join(args), got.returncode, want, got.stdout,
                     got.stderr.decode().strip()))
    print("%d dialect cases, %d failed" % (len(names), failed))
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
