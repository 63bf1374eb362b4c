#!/usr/bin/env python3
"""Does `closest ROLE` find O*NET's Related Occupations? Measures the similarity skillgraph ships.

    cargo build --release
    python3 bench/closest_recall.py ../shared/data/onet-29.3 [target/release/skillgraph]

Imports the full O*NET into a temporary database, runs `closest onet:CODE limit 10` for every
occupation with Skills/Knowledge ratings in one skillgraph process (`run FILE --format json`),
and compares each top 10 with `Related Occupations.txt`, which the similarity never reads
(the file is imported as `transition` edges; `closest ROLE` ranks by skills, titles, tools and
Job Zone only):

- recall@10: the share of an occupation's Primary-Short related occupations in its top 10,
  averaged over the occupations that have any (related occupations without ratings count as
  missed: `closest` cannot list them);
- related@10: the share of the top 10 that O*NET relates in any tier.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict


def rows(data, name):
    with open(os.path.join(data, name), encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        for row in reader:
            yield dict(zip(header, row))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/onet-29.3"
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/skillgraph"
    code_of = {}
    for r in rows(data, "Occupation Data.txt"):
        if r["Title"] in code_of:
            sys.exit(f"two occupations are titled {r['Title']!r}: answers name roles by title")
        code_of[r["Title"]] = r["O*NET-SOC Code"]
    rated = sorted({r["O*NET-SOC Code"] for name in ("Skills.txt", "Knowledge.txt")
                    for r in rows(data, name)})
    related = defaultdict(dict)
    for r in rows(data, "Related Occupations.txt"):
        related[r["O*NET-SOC Code"]][r["Related O*NET-SOC Code"]] = r["Relatedness Tier"]

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "db")
        subprocess.run([binary, "--db", db, "import", "--replace", "--onet", data],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        script = os.path.join(tmp, "closest.sgq")
        with open(script, "w", encoding="utf-8") as f:
            for code in rated:
                f.write(f"closest onet:{code} limit 10\n")
        started = time.monotonic()
        out = subprocess.run([binary, "--db", db, "--format", "json", "run", script],
                             check=True, capture_output=True, text=True).stdout
        seconds = time.monotonic() - started

    answers = [json.loads(line)["rows"] for line in out.splitlines() if line.strip()]
    if len(answers) != len(rated):
        sys.exit(f"expected {len(rated)} answers, got {len(answers)}")
    recalls, related_shares = [], []
    for code, answer in zip(rated, answers):
        top = {code_of[row["role"]] for row in answer}
        truth = related.get(code, {})
        primary = [c for c, tier in truth.items() if tier == "Primary-Short"]
        if primary:
            recalls.append(sum(c in top for c in primary) / len(primary))
        related_shares.append(sum(c in truth for c in top) / 10)
    print(f"occupations: {len(rated)} ({len(recalls)} with Primary-Short related occupations)")
    print(f"recall@10 (Primary-Short): {sum(recalls) / len(recalls):.3f}")
    print(f"related@10 (any tier):     {sum(related_shares) / len(related_shares):.3f}")
    print(f"{len(rated)} closest statements in {seconds:.1f} s")


if __name__ == "__main__":
    main()
