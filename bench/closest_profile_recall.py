#!/usr/bin/env python3
"""Does `closest PROFILE` find the role a sparse profile came from? Answer quality for a person
who names only two or three tools they use.

    cargo build --release
    python3 bench/closest_profile_recall.py ../shared/data/onet-29.3 [target/release/skillgraph]

Imports O*NET into a temporary database. For every occupation that marks at least `PICK` tools
In Demand (`POOL=in_demand`, the default), marks as hot technologies (`POOL=hot_technology`) or lists
(`POOL=any`), the profile is `PICK`
of those tools (chosen by a fixed seed, so every run and every
build asks the same questions), and `closest [tool, tool] limit 10` is run for it, all in one
skillgraph process. The truth is outside the ranking: the occupation the tools came from and
O*NET's Related Occupations of it (imported as `transition` edges, which `closest PROFILE`
never reads).

- self@10: the share of profiles whose occupation is in the top 10;
- related@10: the share of the top 10 that is the occupation or one O*NET relates to it;
- mean rank of the occupation (rank 11 when it is not in the top 10).
"""

import json
import os
import random
import subprocess
import sys
import tempfile
from collections import defaultdict

from closest_recall import rows  # O*NET's tab-separated files, one dict per row

PICK = int(os.environ.get("PICK", "2"))
# Which of the occupation's tools the profile is drawn from: `in_demand` (the tools employers
# ask for), `hot_technology` (the tools O*NET finds most in job postings), or `any` (every tool
# it lists).
POOL = os.environ.get("POOL", "in_demand")


def quoted(name):
    """`name` as a string of the query language (an id may hold characters a bare name may not)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_script(binary, db, lines, tmp, name):
    script = os.path.join(tmp, name)
    with open(script, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    done = subprocess.run([binary, "--db", db, "--format", "json", "run", "--continue-on-error",
                           script], capture_output=True, text=True)
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(answers) != len(lines):
        errors = [line for line in done.stderr.splitlines() if "\u00d7" in line]
        sys.exit(f"expected {len(lines)} answers, got {len(answers)}: {errors[:5]}")
    return answers


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/onet-29.3"
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/skillgraph"
    title_of = {r["O*NET-SOC Code"]: r["Title"] for r in rows(data, "Occupation Data.txt")}
    code_of = {t: c for c, t in title_of.items()}
    related = defaultdict(set)
    for r in rows(data, "Related Occupations.txt"):
        related[r["O*NET-SOC Code"]].add(r["Related O*NET-SOC Code"])

    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "db")
        subprocess.run([binary, "--db", db, "import", "--replace", "--onet", data],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        codes = sorted(title_of)
        tools = run_script(binary, db, [f"tools of onet:{c}" for c in codes], tmp, "tools.sgq")
        if len(tools) != len(codes):
            sys.exit(f"expected {len(codes)} answers, got {len(tools)}")
        rng = random.Random(29_3)
        asked = []
        for code, answer in zip(codes, tools):
            pool = sorted({r["id"] for r in answer["rows"]
                           if POOL == "any" or r[POOL]})
            if len(pool) >= PICK:
                asked.append((code, rng.sample(pool, PICK)))
        answers = run_script(
            binary, db,
            [f"closest [{', '.join(map(quoted, ids))}] limit 10" for _, ids in asked], tmp,
            "closest.sgq")
    if len(answers) != len(asked):
        sys.exit(f"expected {len(asked)} answers, got {len(answers)}")
    found, shares, ranks = 0, [], []
    for (code, _), answer in zip(asked, answers):
        top = [code_of.get(r["role"]) for r in answer["rows"]]
        if code in top:
            found += 1
            ranks.append(top.index(code) + 1)
        else:
            ranks.append(11)
        truth = related[code] | {code}
        shares.append(sum(c in truth for c in top) / 10)
    n = len(asked)
    print(f"profiles of {PICK} tools ({POOL}): {n} occupations")
    print(f"self@10:    {found / n:.3f}")
    print(f"related@10: {sum(shares) / n:.3f}")
    print(f"mean rank:  {sum(ranks) / n:.2f} (11 = not in the top 10)")


if __name__ == "__main__":
    main()
