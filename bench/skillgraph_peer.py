#!/usr/bin/env python3
"""skillgraph as a peer of the shared benchmark (../shared/bench).

Usage: skillgraph_peer.py DATA_DIR [--answers FILE]

Drives the real `skillgraph` binary ($SKILLGRAPH_BIN) as a user would and prints the same JSON
lines as the peers in ../shared/bench/peers, whose plumbing (query pairs, answer digests, JSON
lines) it reuses from peers/common.py by path.

What is measured, and how (see BENCHMARKS.md):
- load: wall time of `skillgraph --db DIR import --replace DATA_DIR` into a fresh directory:
  CSV -> validated graph -> durable sled store. Median of BENCH_LOAD_RUNS processes.
- (a)-(d): each query set is a script of real statements (`path A -> B`, `path A -> B by effort`,
  `skills of A`, `gap A -> B`) run by ONE `skillgraph run` process. The per-query time is
      (wall(script of the N statements repeated R times) - wall(script of 1 statement)) / (N*R - 1)
  so that process start, opening the store and the first query's one-time work cancel out.
  R is chosen so that the long script runs for about BENCH_SG_TARGET_S seconds; each pair of
  runs is repeated BENCH_SG_REPEATS times and the median estimate is reported. p50/p95/max come
  from `--timing` (parse + run + print of each statement, measured inside the process).
- (e) reopen: wall time of a whole `skillgraph query 'skills of A' --format json` process
  (start, open, first answer, exit). Median of BENCH_REOPEN_RUNS.
- peak RSS: the largest max-RSS of any skillgraph process (import or query), from wait4.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench", "peers"))
sys.path.insert(0, os.environ.get("BENCH_PEERS_DIR", PEERS))
import common  # noqa: E402  (../shared/bench/peers/common.py)

BIN = os.environ.get("SKILLGRAPH_BIN", os.path.join(HERE, "..", "target", "release", "skillgraph"))
LOAD_RUNS = int(os.environ.get("BENCH_LOAD_RUNS", "3"))
REOPEN_RUNS = int(os.environ.get("BENCH_REOPEN_RUNS", "10"))
REPEATS = int(os.environ.get("BENCH_SG_REPEATS", "5"))
TARGET_S = float(os.environ.get("BENCH_SG_TARGET_S", "1.0"))
MAX_R = int(os.environ.get("BENCH_SG_MAX_R", "200"))
TIMING = re.compile(r"^time: parse ([0-9.]+) ms, run ([0-9.]+) ms$")

bench = common.Bench("skillgraph")
peak_kb = {"import": 0, "query": 0}


def run(args, kind, stdout=None):
    """Runs the binary; returns (wall seconds, stdout text, stderr text). Raises on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([BIN] + args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb[kind] = max(peak_kb[kind], usage.ru_maxrss)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"skillgraph {' '.join(args[:4])} … failed ({proc.returncode}):\n{errors[-2000:]}")
    return wall, text, errors


def version():
    _, text, _ = run(["--version"], "query")
    return text.strip().split()[-1]


bench.version = version()
db = os.path.join(bench.tmpdir(), "graph.sgdb")


# ---- load -------------------------------------------------------------------------------------
def import_once(path):
    wall, _, _ = run(["--db", path, "import", "--replace", bench.data_dir], "import")
    return wall


load_times = []
for i in range(LOAD_RUNS):
    path = db if i == LOAD_RUNS - 1 else os.path.join(bench.tmpdir(), f"load-{i}.sgdb")
    load_times.append(import_once(path))
    if path != db:
        subprocess.run(["rm", "-rf", path], check=True)
bench.emit("load", seconds=round(statistics.median(load_times), 4), version=bench.version,
           runs=[round(t, 4) for t in load_times], how="`skillgraph import --replace` process, median")


# ---- queries ----------------------------------------------------------------------------------
names_to_ids = {}
for nid, kind, name in common.read_csv(bench.nodes_csv):
    if name in names_to_ids:
        raise SystemExit(f"names are not unique ({name!r}): cannot map skill names back to ids")
    names_to_ids[name] = nid


def hops_answer(rows):
    if not rows or "move" not in rows[0]:
        return None  # the "unreachable" table lists suggestions, not moves
    return len(rows) if len(rows) <= common.MAX_HOPS else None


def dijkstra_answer(rows):
    if not rows or "hours" not in rows[0]:
        return None
    if len(rows) > common.MAX_HOPS:
        return None
    total = 0.0
    for r in rows:  # in route order, as the engine adds them
        total += r["hours"]
    return total


def skills_answer(rows):
    return common.set_digest(names_to_ids[r["skill"]] for r in rows)


QUERY_SETS = {
    "hops": ("path {a} -> {b}", hops_answer),
    "dijkstra": ("path {a} -> {b} by effort", dijkstra_answer),
    "required": ("skills of {a}", skills_answer),
    "gap": ("gap {a} -> {b}", skills_answer),
}


def script(statements, tmp):
    with open(tmp, "w") as f:
        f.write("\n".join(statements) + "\n")
    return tmp


def run_script(path):
    wall, out, err = run(["--db", db, "--format", "json", "--timing", "run", path], "query")
    times = [float(m.group(1)) + float(m.group(2)) for m in map(TIMING.match, err.splitlines()) if m]
    return wall, out, times


def query_set(name):
    template, answer = QUERY_SETS[name]
    statements = [template.format(a=a, b=b) for a, b in bench.pairs]
    n = len(statements)
    tmp = bench.tmpdir()
    one = script(statements[:1], os.path.join(tmp, f"{name}-1.sgq"))
    once = script(statements, os.path.join(tmp, f"{name}-n.sgq"))

    # First pass: the answers, and a rough per-query time to choose R.
    wall_n, out, in_process = run_script(once)
    wall_1, _, _ = run_script(one)
    lines = out.splitlines()
    if len(lines) != n:
        raise SystemExit(f"{name}: expected {n} JSON lines, got {len(lines)}")
    answers = [answer(json.loads(line)) for line in lines]
    rough = max((wall_n - wall_1) / max(n - 1, 1), 1e-6)
    repeat = max(1, min(MAX_R, int(TARGET_S / (rough * n)) or 1))
    many = script(statements * repeat, os.path.join(tmp, f"{name}-r.sgq"))

    estimates, walls_1, walls_r = [], [], []
    for _ in range(REPEATS):
        w1, _, _ = run_script(one)
        wr, _, times = run_script(many)
        in_process.extend(times)
        walls_1.append(w1)
        walls_r.append(wr)
        estimates.append((wr - w1) / (n * repeat - 1))
    per_query_ms = statistics.median(estimates) * 1000
    bench.answers["results"].setdefault("skillgraph", {})[name] = answers
    ms = sorted(in_process)
    bench.emit(name, n=n, mean_ms=round(per_query_ms, 4),
               p50_ms=round(ms[len(ms) // 2], 4) if ms else None,
               p95_ms=round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 4) if ms else None,
               max_ms=round(ms[-1], 4) if ms else None,
               in_process_mean_ms=round(statistics.fmean(ms), 4) if ms else None,
               total_s=round(sum(walls_r), 3), timeouts=0, truncated=False,
               statements_per_run=n * repeat, runs=REPEATS,
               estimates_ms=[round(e * 1000, 4) for e in estimates],
               first_process_ms=round(statistics.median(walls_1) * 1000, 2),
               how="(wall(N*R statements) - wall(1 statement)) / (N*R - 1), median of runs; "
                   "p50/p95/max from --timing")


for name in common.QUERY_SETS:
    query_set(name)
bench.emit("peak_rss", mb=round(max(peak_kb.values()) / 1024.0, 1),
           import_mb=round(peak_kb["import"] / 1024.0, 1), query_mb=round(peak_kb["query"] / 1024.0, 1))
bench.disk(db)


# ---- reopen -----------------------------------------------------------------------------------
first_role = bench.pairs[0][0]
walls, answer = [], None
for _ in range(REOPEN_RUNS):
    wall, out, _ = run(["--db", db, "--format", "json", "query", f"skills of {first_role}"], "query")
    walls.append(wall)
    answer = skills_answer(json.loads(out))
ok = answer == bench.answers["results"]["skillgraph"]["required"][0]
bench.emit("reopen", seconds=round(statistics.median(walls), 4),
           how="whole `skillgraph query 'skills of A'` process, median", answer_ok=ok,
           runs_ms=[round(w * 1000, 1) for w in walls])
bench.emit("peak_rss_all", mb=round(max(peak_kb.values()) / 1024.0, 1),
           import_mb=round(peak_kb["import"] / 1024.0, 1), query_mb=round(peak_kb["query"] / 1024.0, 1))
bench.finish()
