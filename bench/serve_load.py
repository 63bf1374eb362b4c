#!/usr/bin/env python3
"""Load test of `skillgraph serve` on loopback (BENCHMARKS.md, "serve").

    python3 bench/serve_load.py BINARY DB [--clients 64] [--seconds 30] [--writer]

Starts `BINARY --db DB serve --addr 127.0.0.1:0`, then CLIENTS threads, each on one keep-alive
connection, POST /query one statement at a time for SECONDS: a mix of `skills of R`,
`gap A -> B`, `learn A -> B` and `path A -> B by effort` over random pairs of the database's
roles. With --writer another process meanwhile changes the graph (`set SKILL effort_hours = N`,
one `skillgraph query` process per change, one after another). Prints requests/s, p50/p99
latency, answers by status, transport errors, writes made and the server's peak RSS (VmHWM).
Standard library only.
"""
import argparse
import http.client
import json
import random
import subprocess
import sys
import threading
import time


def roles_and_skills(binary, db):
    def ids(statement):
        out = subprocess.run([binary, "--db", db, "query", "--format", "json", statement],
                             check=True, capture_output=True, text=True).stdout
        return [row["id"] for row in json.loads(out)]
    return ids("roles limit 400"), ids("skills limit 100")


def quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def statement(rng, roles):
    a, b = rng.sample(roles, 2)
    a, b = quoted(a), quoted(b)
    return rng.choice([
        f"skills of {a}",
        f"gap {a} -> {b}",
        f"learn {a} -> {b}",
        f"path {a} -> {b} by effort",
    ])


def client(host, port, roles, deadline, seed, out):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=60)
    while time.monotonic() < deadline:
        body = statement(rng, roles).encode()
        start = time.monotonic()
        try:
            conn.request("POST", "/query", body=body, headers={"Content-Type": "text/plain"})
            response = conn.getresponse()
            response.read()
            out.append((time.monotonic() - start, response.status))
        except Exception as e:  # a transport error: count it and reconnect
            out.append((time.monotonic() - start, f"error: {type(e).__name__}"))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.close()


def writer(binary, db, skills, stop, counts):
    rng = random.Random(7)
    while not stop.is_set():
        skill = rng.choice(skills)
        done = subprocess.run([binary, "--db", db, "query",
                               f"set {quoted(skill)} effort_hours = {rng.randint(5, 200)}"],
                              capture_output=True, text=True)
        counts["ok" if done.returncode == 0 else "failed"] += 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("db")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--writer", action="store_true")
    args = parser.parse_args()

    roles, skills = roles_and_skills(args.binary, args.db)
    server = subprocess.Popen([args.binary, "--db", args.db, "serve", "--addr", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = next(w for w in server.stdout.readline().split() if w.startswith("http://"))
    host, port = url[len("http://"):].rstrip("/").split(":")
    try:
        stop = threading.Event()
        writes = {"ok": 0, "failed": 0}
        if args.writer:
            w = threading.Thread(target=writer, args=(args.binary, args.db, skills, stop, writes))
            w.start()
        deadline = time.monotonic() + args.seconds
        results = [[] for _ in range(args.clients)]
        threads = [threading.Thread(target=client,
                                    args=(host, int(port), roles, deadline, i, results[i]))
                   for i in range(args.clients)]
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        stop.set()
        if args.writer:
            w.join()
        with open(f"/proc/{server.pid}/status") as f:
            hwm = next(l for l in f if l.startswith("VmHWM")).split()[1]
    finally:
        server.terminate()
        server.wait()

    answers = [r for rs in results for r in rs]
    latencies = sorted(t for t, _ in answers)
    by_status = {}
    for _, s in answers:
        by_status[str(s)] = by_status.get(str(s), 0) + 1
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(json.dumps({
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(answers),
        "requests_per_s": round(len(answers) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1),
        "by_status": by_status,
        "errors": sum(n for s, n in by_status.items() if not s.startswith(("2", "4"))),
        "writes": writes if args.writer else None,
        "server_peak_rss_mb": round(int(hwm) / 1024, 1),
    }, indent=1))


if __name__ == "__main__":
    sys.exit(main())
