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
  `skills of A`, `gap A -> B`) run by ONE `skillgraph run` process. Four scripts are run,
  interleaved, BENCH_SG_REPEATS times: 1 statement, the N statements once, R times and 2R times.
  The per-query time is
      (wall(N*2R statements) - wall(N statements)) / (N*(2R - 1))     (medians of the runs)
  so that process start, opening the store and the one-time work of first use (the lookup
  tables a graph builds when it is first asked; the peers build theirs while loading) cancel
  out. It is printed only if it can be measured: both differences, wall(N*R) - wall(N) and
  wall(N*2R) - wall(N*R), must be at least BENCH_SG_SNR (10) times the noise of one process wall
  (a robust spread of the repeated runs), and the two slopes they give must agree within 25%.
  If not, R is doubled (R >= BENCH_SG_MIN_R, 10; at most BENCH_SG_MAX_R, and the longest
  script at most BENCH_SG_MAX_SCRIPT_S seconds); if it still fails, mean_ms is null and
  not_measurable says why (the table prints "-"; skillgraph_notes.py prints the reason).
  The one-time work is reported beside it as first_use_ms:
      wall(the N statements once) - wall(1 statement) - (N - 1) * per-query
  only when it is at least 3 times the noise (else first_use_note says it is below the noise),
  and so is the figure that leaves it in, spread over the N*2R statements:
      (wall(N*2R statements) - wall(1 statement)) / (N*2R - 1)   (with_first_use_ms)
  R starts where the 2R script runs for about BENCH_SG_TARGET_S seconds. These runs write the
  answers as JSON, as a user's script would; p50/p95/max come from a separate `--timing` run
  (parse + run + print of each statement, measured inside the process) of a script of the N
  statements 200 times, and so does the peak RSS.
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
# At xl, R = 3 once made the difference of two walls a difference of noise (issue 17: `skills of`
# -0.189 ms); no R below this is used, whatever the rough first estimate says.
MIN_R = int(os.environ.get("BENCH_SG_MIN_R", "10"))
MAX_R = int(os.environ.get("BENCH_SG_MAX_R", "1600"))
RSS_R = 200  # peak RSS and --timing: a script of the N statements 200 times (20,000 statements)
MAX_SCRIPT_S = float(os.environ.get("BENCH_SG_MAX_SCRIPT_S", "8"))  # longest script R may grow to
SIGNAL_TO_NOISE = float(os.environ.get("BENCH_SG_SNR", "10"))
AGREE = 0.25  # the two slopes (N -> N*R, N*R -> N*2R) must agree within this fraction
FIRST_USE_SIGMAS = 3.0
NOISE_FLOOR_S = 0.0002
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


def spread_s(*groups):
    """The noise of one whole-process wall: 1.4826 x the median absolute deviation of every run
    from its own group's median (a robust standard deviation), pooled over the groups, and never
    below NOISE_FLOOR_S (the clock and the process start are not finer than that)."""
    deviations = []
    for g in groups:
        m = statistics.median(g)
        deviations += [abs(x - m) for x in g]
    return max(1.4826 * statistics.median(deviations), NOISE_FLOOR_S)


def measure(name, statements, repeat, tmp):
    """Runs the four scripts (1 statement, the N once, the N repeated R and 2R times) REPEATS times,
    interleaved, and checks that the per-statement figure can be told from the noise.

    Returns a dict of the figures and `problem`: None when the figure is measurable, else why not."""
    n = len(statements)
    scripts = {
        "one": script(statements[:1], os.path.join(tmp, f"{name}-1.sgq")),
        "once": script(statements, os.path.join(tmp, f"{name}-n.sgq")),
        "r": script(statements * repeat, os.path.join(tmp, f"{name}-r.sgq")),
        "2r": script(statements * (2 * repeat), os.path.join(tmp, f"{name}-2r.sgq")),
    }
    walls = {k: [] for k in scripts}
    for _ in range(REPEATS):
        for k, path in scripts.items():
            walls[k].append(run_script(path)[0])
    w = {k: statistics.median(v) for k, v in walls.items()}
    noise = spread_s(*walls.values())
    # Two independent slopes: N(R-1) statements more (once -> R) and N*R more (R -> 2R). Process
    # start, opening and first use are in every script, so they cancel in both; what is left is
    # the statements' own time, which must be well above the noise and the same in both slopes.
    d_a, d_b = w["r"] - w["once"], w["2r"] - w["r"]
    p_a, p_b = d_a / (n * (repeat - 1)), d_b / (n * repeat)
    problem = None
    if min(d_a, d_b) < SIGNAL_TO_NOISE * noise:
        problem = (f"the extra statements' wall ({d_a * 1000:.1f} / {d_b * 1000:.1f} ms for R={repeat} "
                   f"/ 2R) is not {SIGNAL_TO_NOISE:g}x the noise of a process wall "
                   f"({noise * 1000:.1f} ms)")
    elif abs(p_a - p_b) > AGREE * max(p_a, p_b):
        problem = (f"the two slopes disagree by more than {AGREE:.0%} ({p_a * 1000:.4f} ms from N to "
                   f"N*R, {p_b * 1000:.4f} ms from N*R to N*2R)")
    per_query = (w["2r"] - w["once"]) / (n * (2 * repeat - 1))
    first_use = w["once"] - w["one"] - (n - 1) * per_query
    return {"repeat": repeat, "problem": problem, "noise_ms": noise * 1000,
            "per_query_ms": per_query * 1000, "slopes_ms": (p_a * 1000, p_b * 1000),
            "first_use_ms": first_use * 1000,
            "with_first_use_ms": (w["2r"] - w["one"]) / (2 * n * repeat - 1) * 1000,
            "first_process_ms": w["one"] * 1000, "long_wall_s": w["2r"],
            "total_s": sum(sum(v) for v in walls.values())}


def query_set(name):
    template, answer = QUERY_SETS[name]
    statements = [template.format(a=a, b=b) for a, b in bench.pairs]
    n = len(statements)
    tmp = bench.tmpdir()
    once = script(statements, os.path.join(tmp, f"{name}-n.sgq"))
    # Peak RSS and the in-process --timing figures come from one fixed script of N*RSS_R
    # statements, so that they do not depend on the R the measurement ended with.
    fixed = script(statements * RSS_R, os.path.join(tmp, f"{name}-fixed.sgq"))

    # First pass: the answers, and a rough per-query time to choose R (only a starting point:
    # one difference of two process walls, which can be anything at all when first use is large).
    wall_n, out, _ = run_script(once, keep_output=True)
    lines = out.splitlines()
    if len(lines) != n:
        raise SystemExit(f"{name}: expected {n} JSON lines, got {len(lines)}")
    answers = [answer(json.loads(line)["rows"]) for line in lines]
    # A first slope, from N*MIN_R statements against N (medians of 3 each), only to choose R.
    calibrate = script(statements * MIN_R, os.path.join(tmp, f"{name}-calibrate.sgq"))
    w_n = statistics.median(run_script(once)[0] for _ in range(3))
    w_c = statistics.median(run_script(calibrate)[0] for _ in range(3))
    rough = max((w_c - w_n) / (n * (MIN_R - 1)), 1e-7)
    repeat = max(MIN_R, min(MAX_R, int(TARGET_S / (2 * rough * n))))

    # Measure; while the figure cannot be told from the noise, double R, as long as the longest
    # script stays within MAX_SCRIPT_S. A figure still not measurable is reported as such.
    tried = []
    while True:
        m = measure(name, statements, repeat, tmp)
        tried.append(m)
        if m["problem"] is None or 2 * repeat > MAX_R or 2 * m["long_wall_s"] > MAX_SCRIPT_S:
            break
        repeat *= 2
    measurable = m["problem"] is None
    fu_ok = measurable and abs(m["first_use_ms"]) >= FIRST_USE_SIGMAS * m["noise_ms"]

    _, _, in_process = run_script(fixed, timing=True)
    peak_rss_kb(["--db", db, "--format", "json", "run", fixed], "query")
    bench.answers["results"].setdefault("skillgraph", {})[ANSWER_KEY.get(name, name)] = answers
    if name == "gap":
        own, peers = expected_gaps()
        bench.emit("gap_check", definition="required(B) - (required(A) + their prerequisites)",
                   agree=sum(x == y for x, y in zip(answers, own)), of=len(own),
                   pairs_where_peer_definition_differs=sum(x != y for x, y in zip(own, peers)))
    ms = sorted(in_process)
    if not measurable:
        first_use_note = "not measured (the per-statement figure is not measurable)"
    elif fu_ok and m["first_use_ms"] < 0:
        first_use_note = (f"not measurable: negative beyond the noise ({m['first_use_ms']:.1f} ms, "
                          f"noise {m['noise_ms']:.1f} ms)")
        fu_ok = False
    elif not fu_ok:
        first_use_note = (f"below the noise of a process wall (|{m['first_use_ms']:.1f}| ms < "
                          f"{FIRST_USE_SIGMAS:g} x {m['noise_ms']:.1f} ms)")
    else:
        first_use_note = None
    bench.emit(name, n=n, mean_ms=round(m["per_query_ms"], 4) if measurable else None,
               not_measurable=None if measurable else m["problem"],
               p50_ms=round(ms[len(ms) // 2], 4) if ms else None,
               p95_ms=round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 4) if ms else None,
               max_ms=round(ms[-1], 4) if ms else None,
               in_process_mean_ms=round(statistics.fmean(ms), 4) if ms else None,
               total_s=round(sum(t["total_s"] for t in tried), 3), timeouts=0, truncated=False,
               repeat=m["repeat"], statements_per_run=2 * n * m["repeat"], runs=REPEATS,
               tried=[{"R": t["repeat"], "problem": t["problem"],
                       "slopes_ms": [round(x, 5) for x in t["slopes_ms"]],
                       "noise_ms": round(t["noise_ms"], 2)} for t in tried],
               noise_ms=round(m["noise_ms"], 2),
               first_use_ms=round(m["first_use_ms"], 2) if fu_ok else None,
               first_use_note=first_use_note,
               with_first_use_ms=round(m["with_first_use_ms"], 4) if measurable else None,
               first_process_ms=round(m["first_process_ms"], 2),
               how="(wall(N*2R statements) - wall(N statements)) / (N*(2R-1)), medians of runs; "
                   "printed only if wall(N*R)-wall(N) and wall(N*2R)-wall(N*R) are each "
                   f">= {SIGNAL_TO_NOISE:g}x the noise of a process wall and their per-statement "
                   f"slopes agree within {AGREE:.0%}; first_use_ms = wall(N) - wall(1) - "
                   f"(N-1)*per-query, printed only if >= {FIRST_USE_SIGMAS:g}x the noise; "
                   "with_first_use_ms = (wall(N*2R) - wall(1)) / (N*2R - 1); "
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
    answer = skills_answer(json.loads(out)["rows"])
ok = answer == bench.answers["results"]["skillgraph"]["required"][0]
peak_rss_kb(["--db", db, "--format", "json", "query", f"skills of {first_role}"], "query")
bench.emit("reopen", seconds=round(statistics.median(walls), 4),
           how="whole `skillgraph query 'skills of A'` process, median", answer_ok=ok,
           runs_ms=[round(w * 1000, 1) for w in walls])
bench.emit("peak_rss_all", mb=round(max(peak_kb.values()) / 1024.0, 1),
           import_mb=round(peak_kb["import"] / 1024.0, 1), query_mb=round(peak_kb["query"] / 1024.0, 1))
bench.finish()
