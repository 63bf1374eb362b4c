#!/usr/bin/env python3
"""Every statement of the README's examples on the real O*NET + ESCO data, as whole processes.

Usage: bench/real_data.py [DATA_DIR] [--runs N] [--slow-runs N] [--bin PATH] [--out FILE]

DATA_DIR holds onet-29.3/ and esco-1.1.1/ (default ../shared/data beside the repository). The
script imports both once into a temporary database (`skillgraph import --replace --onet --esco`,
as the README does), then runs each statement as its own process, the way a user runs
`skillgraph --db career.sgdb query '…'`, with the answer written to a file: wall time from
spawn to exit, median of N runs (and min–max), and the peak RSS of the process (ru_maxrss from
wait4, the largest of the runs). `check` and `export --format cypher` (to standard output, into a
file) are timed the same way. Prints a Markdown table, with the goals of issue #17:
every statement <= 25 ms and <= 40 MB (`closest` and `unlock` <= 50 ms), `check` <= 300 ms,
`export` <= 50 MB.

The statements: every `skillgraph --db career.sgdb query '…'` line of README.md's console blocks
(the career changer on real data), read from the README so the list cannot drift; then the
statements of the README's language summary and profile section, which the README writes in the
curated graph's names (SRE, DevOps), listed below in O*NET names. The `profile maria = …` write
runs first (the others use $maria) and is timed like the rest (saving the same profile again).

Peak RSS and the harness's floor: a child spawned from Python (vfork + exec) starts with the
parent's high-water RSS in its ru_maxrss (the kernel carries it over at exec), so the figure can
never be below this Python process's own peak. The floor is measured with /bin/true; a figure at
the floor is printed as "<= floor", not as the process's own.
"""
import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# The language summary and the profile section of README.md, in O*NET names: 41-1011.00 First-Line
# Supervisors of Retail Sales Workers, 13-1151.00 Training and Development Specialists,
# 15-1252.00 Software Developers, 15-1244.00 Network and Computer Systems Administrators.
LISTED = [
    "show onet:15-1252.00",
    "roles where requires(Python) order by name limit 5",
    "skills of onet:15-1252.00",
    "tools of onet:15-1244.00",
    "compare onet:15-1252.00, onet:15-1244.00",
    "path onet:41-1011.00 -> onet:13-1151.00",
    "paths onet:41-1011.00 -> onet:13-1151.00 max 4 limit 50",
    "path onet:41-1011.00 -> onet:13-1151.00 by effort",
    "gap onet:41-1011.00 -> onet:13-1151.00",
    "learn onet:41-1011.00 -> onet:13-1151.00",
    "learn [Python, Linux, Git] -> onet:15-1252.00",
    "closest $maria limit 5",
    "why $maria -> onet:13-1151.00 min importance 5",
    "unlock $maria limit 5",
]

GOAL_MS, GOAL_MB = 25.0, 40.0
GOAL_MS_SLOW = 50.0  # closest and unlock
GOAL_CHECK_MS = 300.0
GOAL_EXPORT_MB = 50.0


def readme_statements(readme):
    """The `query '…'` statements of the README's console blocks, in order."""
    out, in_console = [], False
    with open(readme) as f:
        for line in f:
            if line.startswith("```"):
                in_console = line.strip() == "```console" and not in_console
                continue
            if in_console and line.startswith("$ skillgraph --db career.sgdb query "):
                args = shlex.split(line[2:])
                out.append(args[args.index("query") + 1])
    return out


def run(argv, stdout_path):
    """One process: (wall seconds, peak RSS KiB, exit status). Standard output goes to a file."""
    with open(stdout_path, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; keep Popen quiet
    return wall, usage.ru_maxrss, proc.returncode


def measure(argv, runs, tmp, floor_kb):
    out = os.path.join(tmp, "out")
    walls, rss = [], []
    for _ in range(runs):
        wall, kb, rc = run(argv, out)
        if rc != 0:
            raise SystemExit(f"failed ({rc}): {' '.join(argv)}")
        walls.append(wall * 1000)
        rss.append(kb)
    peak = max(rss)
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "rss_mb": peak / 1024, "at_floor": peak <= floor_kb, "floor_mb": floor_kb / 1024,
            "out_mb": os.path.getsize(out) / 1e6}


def fmt_ms(x):
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=os.path.join(REPO, "..", "shared", "data"))
    ap.add_argument("--runs", type=int, default=10, help="runs per statement (default 10)")
    ap.add_argument("--slow-runs", type=int, default=5, help="runs of check and export (default 5)")
    ap.add_argument("--bin", default=os.environ.get("SKILLGRAPH_BIN",
                                                    os.path.join(REPO, "target", "release", "skillgraph")))
    ap.add_argument("--out", help="also write the table to this file")
    args = ap.parse_args()
    onet, esco = os.path.join(args.data, "onet-29.3"), os.path.join(args.data, "esco-1.1.1")
    for d in (onet, esco):
        if not os.path.isdir(d):
            raise SystemExit(f"{d} not found")

    tmp = tempfile.mkdtemp(prefix="skillgraph-real-")
    try:
        floor_kb = max(run(["/bin/true"], os.path.join(tmp, "out"))[1] for _ in range(3))
        db = os.path.join(tmp, "career.sgdb")
        imp = measure([args.bin, "--db", db, "import", "--replace", "--onet", onet, "--esco", esco],
                      1, tmp, floor_kb)
        readme = readme_statements(os.path.join(REPO, "README.md"))
        if not readme:
            raise SystemExit("no `skillgraph --db career.sgdb query '…'` lines found in README.md")
        rows = []
        for source, statements in (("README", readme), ("listed", LISTED)):
            for stmt in statements:
                m = measure([args.bin, "--db", db, "query", stmt], args.runs, tmp, floor_kb)
                slow = re.match(r"(closest|unlock)\b", stmt) is not None
                shown = stmt if len(stmt) <= 70 else stmt[:60] + " …"
                rows.append((f"`{shown}`", source, m, GOAL_MS_SLOW if slow else GOAL_MS, GOAL_MB))
        chk = measure([args.bin, "--db", db, "check"], args.slow_runs, tmp, floor_kb)
        rows.append(("`check`", "command", chk, GOAL_CHECK_MS, None))
        exp = measure([args.bin, "--db", db, "export", "--format", "cypher"], args.slow_runs, tmp, floor_kb)
        rows.append((f"`export --format cypher` ({exp['out_mb']:.0f} MB out)", "command", exp, None,
                     GOAL_EXPORT_MB))
        version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
        stats = subprocess.run([args.bin, "--db", db, "--format", "csv", "stats"], capture_output=True,
                               text=True).stdout.strip().replace("\n", "; ")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = [f"{version}; O*NET 29.3 + ESCO 1.1.1 imported once ({fmt_ms(imp['median'] / 1000)} s, "
             f"peak {imp['rss_mb']:.0f} MB; `stats`: {stats}); each statement a whole `skillgraph --db DB query '…'` "
             f"process, output to a file: median of {args.runs} runs (check and export: "
             f"{args.slow_runs}), min–max, peak RSS = largest ru_maxrss of the runs (wait4; "
             f"harness floor {floor_kb / 1024:.0f} MB).", "",
             "| statement | from | median ms | min–max ms | peak RSS MB | goal | met |",
             "|---|---|---:|---:|---:|---|---|"]
    met_count = total = 0
    for name, source, m, goal_ms, goal_mb in rows:
        rss = f"≤ {m['floor_mb']:.0f} (floor)" if m["at_floor"] else f"{m['rss_mb']:.0f}"
        goals, ok = [], True
        if goal_ms is not None:
            goals.append(f"≤ {goal_ms:.0f} ms")
            ok &= m["median"] <= goal_ms
        if goal_mb is not None:
            goals.append(f"≤ {goal_mb:.0f} MB")
            ok &= m["rss_mb"] <= goal_mb
        why = []
        if goal_ms is not None and m["median"] > goal_ms:
            why.append(f"{m['median'] / goal_ms:.1f}× time")
        if goal_mb is not None and m["rss_mb"] > goal_mb:
            why.append(f"{m['rss_mb'] / goal_mb:.1f}× memory")
        met_count += ok
        total += 1
        lines.append(f"| {name} | {source} | {fmt_ms(m['median'])} | {fmt_ms(m['min'])}–{fmt_ms(m['max'])} "
                     f"| {rss} | {', '.join(goals)} | {'yes' if ok else 'no (' + ', '.join(why) + ')'} |")
    lines += ["", f"Goals met: {met_count} of {total}."]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
