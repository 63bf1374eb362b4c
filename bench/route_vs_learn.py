#!/usr/bin/env python3
"""`path … by effort` beside `learn` on the same pairs, on an O*NET + ESCO import.

Run: cargo build --release && python3 bench/route_vs_learn.py [../shared/data] [--pairs 50]

For the three personas of issue #23 (a registered nurse's profile, a retail supervisor, a network
administrator) and N random pairs of O*NET occupations with ratings (fixed seed), runs each
statement in its own process with `--timing` and reads the statement's run time (the time to
open the database is the same for both and left out). Each figure is the median of 3 runs.
Prints, per pair, the two times, their ratio and what the route answered; then the median, p95
and maximum ratio. The issue's goal: `path … by effort` within 2x of `learn`, p95 included.
"""
import csv
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "skillgraph"
RUNS = 3


def run(db, statements):
    """The run time (ms) of the last statement, and its output."""
    out = subprocess.run(
        [str(BIN), "--db", db, "--timing", "query", *statements],
        capture_output=True,
        text=True,
        check=True,
    )
    times = re.findall(r"run ([0-9.]+) ms", out.stderr)
    return float(times[-1]), out.stdout


def median_time(db, statements):
    runs = [run(db, statements) for _ in range(RUNS)]
    return statistics.median(t for t, _ in runs), runs[0][1]


def rated_occupations(onet):
    with open(onet / "Skills.txt", newline="") as f:
        return sorted({row["O*NET-SOC Code"] for row in csv.DictReader(f, delimiter="\t")})


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    data = Path(args[0]) if args else ROOT.parent / "shared" / "data"
    pairs_wanted = 50
    if "--pairs" in sys.argv:
        pairs_wanted = int(sys.argv[sys.argv.index("--pairs") + 1])
    onet, esco = data / "onet-29.3", data / "esco-1.1.1"
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "db")
        subprocess.run(
            [str(BIN), "--db", db, "import", "--replace", "--onet", str(onet), "--esco", str(esco)],
            check=True,
            capture_output=True,
        )
        nurse = 'profile nurse = ["Medicine and Dentistry": 5, onet:2.c.4.d: 4, "Critical Thinking": 4, "Microsoft Excel": 3]'
        cases = [
            ("nurse profile", [nurse], "$nurse", "onet:15-1211.01"),
            ("retail supervisor", [], "onet:41-1011.00", "onet:13-1081.02"),
            ("network administrator", [], "onet:15-1244.00", "onet:15-1212.00"),
        ]
        rng = random.Random(23)
        codes = rated_occupations(onet)
        for _ in range(pairs_wanted):
            a, b = rng.sample(codes, 2)
            cases.append((f"{a} -> {b}", [], f"onet:{a}", f"onet:{b}"))
        ratios = []
        print(f"{'pair':44} {'learn ms':>9} {'path ms':>9} {'ratio':>6}  answer")
        for label, setup, start, goal in cases:
            learn_ms, _ = median_time(db, setup + [f"learn {start} -> {goal}"])
            path_ms, out = median_time(db, setup + [f"path {start} -> {goal} by effort"])
            title = next((l for l in out.splitlines() if " by effort" in l), out.splitlines()[0])
            answer = "learn straight" if "learning straight for it" in title else (
                f"{title.count(' → ')} moves" if " → " in title else title[:40]
            )
            ratio = path_ms / learn_ms
            ratios.append(ratio)
            print(f"{label[:44]:44} {learn_ms:9.1f} {path_ms:9.1f} {ratio:6.2f}  {answer}")
        ratios.sort()
        p95 = ratios[min(len(ratios) - 1, int(round(0.95 * (len(ratios) - 1))))]
        print(
            f"\n{len(ratios)} pairs: path/learn median {statistics.median(ratios):.2f}, "
            f"p95 {p95:.2f}, max {ratios[-1]:.2f}"
        )


if __name__ == "__main__":
    main()
