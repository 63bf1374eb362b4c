#!/usr/bin/env python3
"""Writes that cost the change, and readers beside a writer (issue: many readers, one writer).

Usage: bench/store_concurrency.py BINARY DATA_DIR [WORK_DIR]

DATA_DIR holds nodes.csv and edges.csv (the shared benchmark's `large`: 1M edges). Prints, as
one JSON object:
- write_process_ms: one `add`/`link`/`set` as a whole `skillgraph query` process (median of 15
  each), and its peak RSS against a read-only statement's (`extra_rss_mb`);
- write_in_process_ms: one write inside a running process (200 writes in one `query`, per write),
  as the shell does them (each durable and published before the next);
- read_fsyncs: fsync/fdatasync calls of a read-only statement (strace -f -c);
- readers: 4 reader processes each running a query script, alone and while a writer applies
  1,000 changes: per-query time of each, the ratio, and reader errors.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BIN, DATA = sys.argv[1], sys.argv[2]
WORK = sys.argv[3] if len(sys.argv) > 3 else tempfile.mkdtemp(prefix="sg-store-bench-")
DB = os.path.join(WORK, "db")


def run(args, stdin=None):
    start = time.perf_counter()
    proc = subprocess.run([BIN, "--db", DB, *args], input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {args}: {proc.stderr}")
    return wall, proc


def peak_rss_mb(args):
    """Max RSS of one process, from wait4."""
    proc = subprocess.Popen([BIN, "--db", DB, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        sys.exit(f"failed: {args}")
    return usage.ru_maxrss / 1024.0


shutil.rmtree(DB, ignore_errors=True)
run(["import", "--replace", DATA])
first_role = None
with open(os.path.join(DATA, "nodes.csv")) as f:
    next(f)
    for line in f:
        nid, kind = line.split(",")[:2]
        if kind == "role":
            first_role = nid
            break

result = {"data": DATA}
writes = {
    "add": lambda i: f'add skill "Bench skill {i}"',
    "link": lambda i: f'link {first_role} requires bench-skill-{i} {{ importance: 3 }}',
    "set": lambda i: f'set {first_role} category = "bench {i}"',
}
times = {}
for kind, statement in writes.items():
    laps = [run(["query", statement(i)])[0] for i in range(15)]
    times[kind] = round(statistics.median(laps) * 1000, 1)
result["write_process_ms"] = times
read_rss = peak_rss_mb(["query", f"skills of {first_role}"])
write_rss = peak_rss_mb(["query", 'add skill "Bench rss"'])
result["read_rss_mb"] = round(read_rss, 1)
result["write_rss_mb"] = round(write_rss, 1)
result["extra_rss_mb"] = round(write_rss - read_rss, 1)

# In one running process, as the shell does (EachWrite: durable and published per statement).
batch = [f'add skill "Shell skill {i}"' for i in range(200)]
wall, _ = run(["query", *batch])
alone, _ = run(["query", "show " + first_role])
result["write_in_process_ms"] = round((wall - alone) / len(batch) * 1000, 2)

if shutil.which("strace"):
    proc = subprocess.run(["strace", "-f", "-c", "-e", "trace=fsync,fdatasync,sync_file_range",
                           BIN, "--db", DB, "query", f"skills of {first_role}"],
                          capture_output=True, text=True)
    calls = 0
    for line in proc.stderr.splitlines():
        parts = line.split()
        if parts and parts[-1] in ("fsync", "fdatasync", "sync_file_range"):
            calls += int(parts[3]) if len(parts) >= 6 else int(parts[2])
    result["read_fsyncs"] = calls

# Readers alone, then beside a writer of 1,000 changes.
script = "".join(f"skills of {first_role}\nshow {first_role}\n" for _ in range(100))
QUERIES = 200


def readers(n):
    procs = [subprocess.Popen([BIN, "--db", DB, "--format", "json"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    start = time.perf_counter()
    for p in procs:
        p.stdin.write(script)
        p.stdin.close()
    out = []
    for p in procs:
        err = p.stderr.read()
        p.wait()
        out.append((time.perf_counter() - start, p.returncode, err))
    return out


alone = readers(4)
writer_script = "".join(f'add skill "Concurrent {i}"\n' for i in range(1000))
writer = subprocess.Popen([BIN, "--db", DB, "query", *writer_script.splitlines()],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
time.sleep(0.2)
beside = readers(4)
writer_err = writer.stderr.read()
writer.wait()
errors = sum(1 for _, code, err in beside if code != 0 or "error" in err)
per_query_alone = statistics.median(t for t, _, _ in alone) / QUERIES * 1000
per_query_beside = statistics.median(t for t, _, _ in beside) / QUERIES * 1000
result["readers"] = {
    "per_query_ms_alone": round(per_query_alone, 3),
    "per_query_ms_beside_writer": round(per_query_beside, 3),
    "ratio": round(per_query_beside / per_query_alone, 2),
    "reader_errors": errors,
    "writer_ok": writer.returncode == 0,
    "writer_error": writer_err.strip()[:200],
}
print(json.dumps(result, indent=2))
