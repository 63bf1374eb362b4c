#!/usr/bin/env python3
"""Merge repeated peer runs into one set of results, figure by figure the median.

Usage: merge_runs.py OUT RUNS

Reads OUT/peers-{1..RUNS}/SIZE/ (as written by ../shared/bench/run_peers.sh) and writes into
OUT one `PEER.jsonl` per peer whose numbers are the medians over the runs, the answers of the
first run (`PEER.answers.json`), and the median wall time per peer in `harness.tsv`, so that
../shared/bench/compare.py and table.py read them like a single run.
"""
import glob
import json
import os
import statistics
import sys

MEDIAN_FIELDS = ("seconds", "mean_ms", "p50_ms", "p95_ms", "max_ms", "total_s", "mb")


def main():
    out, runs = sys.argv[1], int(sys.argv[2])
    size = os.path.basename(os.path.normpath(out))
    dirs = [os.path.join(out, f"peers-{i}", size) for i in range(1, runs + 1)]
    records = {}  # (peer, metric) -> [record per run]
    order = []
    walls = {}
    for d in dirs:
        for fn in sorted(glob.glob(os.path.join(d, "*.jsonl"))):
            with open(fn) as f:
                for line in f:
                    line = line.strip()
                    if not line.startswith("{"):
                        continue
                    r = json.loads(line)
                    key = (os.path.basename(fn)[:-len(".jsonl")], r["peer"], r["metric"])
                    if key not in records:
                        order.append(key)
                    records.setdefault(key, []).append(r)
        harness = os.path.join(d, "harness.tsv")
        if os.path.exists(harness):
            with open(harness) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 3 and parts[0] != "gen":
                        walls.setdefault(parts[0], []).append((float(parts[1]), parts[2]))
    by_file = {}
    for key in order:
        runs_of = records[key]
        merged = dict(runs_of[0])
        for field in MEDIAN_FIELDS:
            values = [r[field] for r in runs_of if isinstance(r.get(field), (int, float))]
            if values:
                merged[field] = round(statistics.median(values), 4)
        if len(runs_of) > 1:
            merged["runs"] = len(runs_of)
        by_file.setdefault(key[0], []).append(merged)
    for name, recs in by_file.items():
        with open(os.path.join(out, f"{name}.jsonl"), "w") as f:
            for r in recs:
                f.write(json.dumps(r) + "\n")
        first = os.path.join(dirs[0], f"{name}.answers.json")
        if os.path.exists(first):
            with open(first) as src, open(os.path.join(out, f"{name}.answers.json"), "w") as dst:
                dst.write(src.read())
    with open(os.path.join(out, "harness.tsv"), "a") as f:
        for peer, values in walls.items():
            rc = "0" if all(v[1] == "0" for v in values) else values[-1][1]
            f.write(f"{peer}\t{statistics.median(v[0] for v in values):.2f}\t{rc}\n")


if __name__ == "__main__":
    main()
