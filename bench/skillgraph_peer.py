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
      (wall(the N statements repeated R times) - wall(the N statements once)) / (N*(R - 1))
  so that process start, opening the store and the one-time work of first use (the lookup
  tables a graph builds when it is first asked; the peers build theirs while loading) cancel
  out. That one-time work is reported beside it as first_use_ms:
      wall(the N statements once) - wall(1 statement) - (N - 1) * per-query
  and so is the figure that leaves it in, spread over the N*R statements:
      (wall(N*R statements) - wall(1 statement)) / (N*R - 1)   (with_first_use_ms)
  R is chosen so that the long script runs for about BENCH_SG_TARGET_S seconds; each set of
  runs is repeated BENCH_SG_REPEATS times and the medians are reported. These runs write the
  answers as JSON, as a user's script would; p50/p95/max come from a separate `--timing` run
  (parse + run + print of each statement, measured inside the process).
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

sys.dont_write_bytecode = True  # ../shared is read-only input: no __pycache__ there from us
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


def run(args, keep_output=True):
    """Runs the binary; returns (wall seconds, stdout text, stderr text). Raises on failure.

    Output goes to temp files (as a user's redirect would), and is read back only when asked."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.run([BIN] + args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        err.seek(0)
        errors = err.read().decode()
        text = ""
        if keep_output:
            out.seek(0)
            text = out.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"skillgraph {' '.join(args[:4])} … failed ({proc.returncode}):\n{errors[-2000:]}")
    return wall, text, errors


def peak_rss_kb(args, kind):
    """The peak RSS of one run, from /usr/bin/time (a fork of this Python process would count
    the interpreter's own pages in the child's ru_maxrss)."""
    with tempfile.NamedTemporaryFile("r") as report:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, BIN] + args,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise SystemExit(f"skillgraph {' '.join(args[:4])} … failed under /usr/bin/time")
        kb = int(report.read().strip().splitlines()[-1])
    peak_kb[kind] = max(peak_kb[kind], kb)
    return kb


def version():
    _, text, _ = run(["--version"])
    return text.strip().split()[-1]


bench.version = version()
db = os.path.join(bench.tmpdir(), "graph.sgdb")


# ---- load -------------------------------------------------------------------------------------
def import_once(path):
    wall, _, _ = run(["--db", path, "import", "--replace", bench.data_dir], keep_output=False)
    return wall


load_times = []
for i in range(LOAD_RUNS):
    path = db if i == LOAD_RUNS - 1 else os.path.join(bench.tmpdir(), f"load-{i}.sgdb")
    load_times.append(import_once(path))
    if path != db:
        subprocess.run(["rm", "-rf", path], check=True)
rss_db = os.path.join(bench.tmpdir(), "rss.sgdb")
peak_rss_kb(["--db", rss_db, "import", "--replace", bench.data_dir], "import")
subprocess.run(["rm", "-rf", rss_db], check=True)
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

# skillgraph's `gap A -> B` is what B requires minus what A *holds*: A's required skills and,
# transitively, their prerequisites (whoever holds a skill learnt its prerequisites first). The
# peers compute B's required skills minus A's. The answers differ by design, so they are not
# filed under "gap" (compare.py would flag every pair), but under "gap_held", and checked here
# against that definition computed from the CSVs.
ANSWER_KEY = {"gap": "gap_held"}


def expected_gaps():
    required, prerequisites = {}, {}
    for a, b, kind, _ in common.read_csv(bench.edges_csv):
        if kind == "requires":
            required.setdefault(a, set()).add(b)
        elif kind == "prerequisite":
            prerequisites.setdefault(b, set()).add(a)
    own, peers = [], []
    for a, b in bench.pairs:
        held, stack = set(required.get(a, ())), list(required.get(a, ()))
        while stack:
            for p in prerequisites.get(stack.pop(), ()):
                if p not in held:
                    held.add(p)
                    stack.append(p)
        own.append(common.set_digest(required.get(b, set()) - held))
        peers.append(common.set_digest(required.get(b, set()) - required.get(a, set())))
    return own, peers


def script(statements, tmp):
    with open(tmp, "w") as f:
        f.write("\n".join(statements) + "\n")
    return tmp


def run_script(path, keep_output=False, timing=False):
    args = ["--db", db, "--format", "json"] + (["--timing"] if timing else []) + ["run", path]
    wall, out, err = run(args, keep_output)
    times = [float(m.group(1)) + float(m.group(2)) for m in map(TIMING.match, err.splitlines()) if m]
    return wall, out, times


def query_set(name):
    template, answer = QUERY_SETS[name]
    statements = [template.format(a=a, b=b) for a, b in bench.pairs]
    n = len(statements)
    tmp = bench.tmpdir()
    one = script(statements[:1], os.path.join(tmp, f"{name}-1.sgq"))
    once = script(statements, os.path.join(tmp, f"{name}-n.sgq"))
    twice = script(statements * 2, os.path.join(tmp, f"{name}-2n.sgq"))

    # First pass: the answers, and a rough per-query time to choose R.
    wall_n, out, _ = run_script(once, keep_output=True)
    lines = out.splitlines()
    if len(lines) != n:
        raise SystemExit(f"{name}: expected {n} JSON lines, got {len(lines)}")
    answers = [answer(json.loads(line)) for line in lines]
    wall_2n, _, _ = run_script(twice)
    rough = max((wall_2n - wall_n) / n, 1e-6)
    repeat = max(2, min(MAX_R, int(TARGET_S / (rough * n))))
    many = script(statements * repeat, os.path.join(tmp, f"{name}-r.sgq"))

    estimates, first_use, with_first_use, walls_1, walls_r = [], [], [], [], []
    for _ in range(REPEATS):
        w1, _, _ = run_script(one)
        wn, _, _ = run_script(once)
        wr, _, _ = run_script(many)
        per_query = (wr - wn) / (n * (repeat - 1))
        estimates.append(per_query)
        first_use.append(wn - w1 - (n - 1) * per_query)
        with_first_use.append((wr - w1) / (n * repeat - 1))
        walls_1.append(w1)
        walls_r.append(wr)
    per_query_ms = statistics.median(estimates) * 1000
    _, _, in_process = run_script(many, timing=True)
    peak_rss_kb(["--db", db, "--format", "json", "run", many], "query")
    bench.answers["results"].setdefault("skillgraph", {})[ANSWER_KEY.get(name, name)] = answers
    if name == "gap":
        own, peers = expected_gaps()
        bench.emit("gap_check", definition="required(B) - (required(A) + their prerequisites)",
                   agree=sum(x == y for x, y in zip(answers, own)), of=len(own),
                   pairs_where_peer_definition_differs=sum(x != y for x, y in zip(own, peers)))
    ms = sorted(in_process)
    bench.emit(name, n=n, mean_ms=round(per_query_ms, 4),
               p50_ms=round(ms[len(ms) // 2], 4) if ms else None,
               p95_ms=round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 4) if ms else None,
               max_ms=round(ms[-1], 4) if ms else None,
               in_process_mean_ms=round(statistics.fmean(ms), 4) if ms else None,
               total_s=round(sum(walls_r), 3), timeouts=0, truncated=False,
               statements_per_run=n * repeat, runs=REPEATS,
               estimates_ms=[round(e * 1000, 4) for e in estimates],
               first_use_ms=round(statistics.median(first_use) * 1000, 2),
               with_first_use_ms=round(statistics.median(with_first_use) * 1000, 4),
               first_process_ms=round(statistics.median(walls_1) * 1000, 2),
               how="(wall(N*R statements) - wall(N statements)) / (N*(R-1)), median of runs; "
                   "first_use_ms = wall(N) - wall(1) - (N-1)*per-query; "
                   "with_first_use_ms = (wall(N*R) - wall(1)) / (N*R - 1); "
                   "p50/p95/max from a --timing run")


for name in common.QUERY_SETS:
    query_set(name)
bench.emit("peak_rss", mb=round(max(peak_kb.values()) / 1024.0, 1),
           import_mb=round(peak_kb["import"] / 1024.0, 1), query_mb=round(peak_kb["query"] / 1024.0, 1))
bench.disk(db)


# ---- reopen -----------------------------------------------------------------------------------
first_role = bench.pairs[0][0]
walls, answer = [], None
for _ in range(REOPEN_RUNS):
    wall, out, _ = run(["--db", db, "--format", "json", "query", f"skills of {first_role}"])
    walls.append(wall)
    answer = skills_answer(json.loads(out))
ok = answer == bench.answers["results"]["skillgraph"]["required"][0]
peak_rss_kb(["--db", db, "--format", "json", "query", f"skills of {first_role}"], "query")
bench.emit("reopen", seconds=round(statistics.median(walls), 4),
           how="whole `skillgraph query 'skills of A'` process, median", answer_ok=ok,
           runs_ms=[round(w * 1000, 1) for w in walls])
bench.emit("peak_rss_all", mb=round(max(peak_kb.values()) / 1024.0, 1),
           import_mb=round(peak_kb["import"] / 1024.0, 1), query_mb=round(peak_kb["query"] / 1024.0, 1))
bench.finish()
