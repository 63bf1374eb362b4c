#!/usr/bin/env python3
"""What the shared table cannot show of skillgraph's figures: the first use, the per-query time
with it left in, and every figure the harness refused to print, with why.

Usage: skillgraph_notes.py RESULTS_DIR     (reads RESULTS_DIR/skillgraph.jsonl)

../shared/bench/table.py prints a refused figure (mean_ms null) as "-"; these lines go under it.
"""
import json
import os
import sys

QUERIES = ("hops", "dijkstra", "required", "gap")


def main():
    path = os.path.join(sys.argv[1], "skillgraph.jsonl")
    if not os.path.exists(path):
        return
    recs = {}
    with open(path) as f:
        for line in f:
            if line.startswith("{"):
                r = json.loads(line)
                recs[r["metric"]] = r
    parts, refused = [], []
    for q in QUERIES:
        r = recs.get(q)
        if r is None:
            continue
        if r.get("mean_ms") is None:
            refused.append(f"- skillgraph ({q}): not measurable: {r.get('not_measurable')}")
            continue
        fu = (f"{r['first_use_ms']} ms" if r.get("first_use_ms") is not None
              else r.get("first_use_note") or "-")
        parts.append(f"{q} {fu} / {r['with_first_use_ms']} ms (R = {r.get('repeat')}, "
                     f"noise {r.get('noise_ms')} ms)")
    if parts:
        print("skillgraph's first use (one-time, per process) / per query with it left in: "
              + " · ".join(parts) + ".")
    if refused:
        print()
        print("Figures the harness would not print (shown as \"-\" above):")
        print("\n".join(refused))


if __name__ == "__main__":
    main()
