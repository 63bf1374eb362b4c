#!/usr/bin/env bash
# skillgraph against the peers of the shared benchmark, on the same data, in one run.
#
#   bench/run.sh small|medium|large|xl
#
# Steps: build the release binary; generate the data with ../shared/bench/gen_graph.py (fixed
# seed); run the peers with ../shared/bench/run_peers.sh on that data; run skillgraph
# (bench/skillgraph_peer.py); check that every answer agrees (compare.py); print the table
# (table.py) with skillgraph beside the peers. What each figure means: BENCHMARKS.md.
#
# Environment (all optional; the BENCH_* knobs of ../shared/bench work too):
#   BENCH_PYTHON     python with the peer libraries        (default /tmp/peers-venv/bin/python)
#   BENCH_DATA       where the CSVs go, SIZE appended       (default /tmp/skills-bench/data)
#   BENCH_RESULTS    where results go, SIZE appended        (default /tmp/skillgraph-bench/results)
#   BENCH_PEERS      peers to run; "none" for skillgraph only (default: all five)
#   BENCH_PEER_RUNS  how many times to run the peers; with more than one, each figure is the
#                    median over the runs; 0 keeps the peer runs already in the results
#                    directory (a peer run of an hour at xl, then skillgraph again after a
#                    change: say so beside the figures)  (default 1)
#   BENCH_LOAD_RUNS, BENCH_REOPEN_RUNS, BENCH_SG_REPEATS, BENCH_SG_TARGET_S: see skillgraph_peer.py
#   BENCH_SG_MIN_R, BENCH_SG_MAX_R, BENCH_SG_MAX_SCRIPT_S, BENCH_SG_SNR: idem
#   SKILLGRAPH_BIN   use this binary and do not build       (default: build, then target/release)
#   CARGO_TARGET_DIR is respected when building.
set -uo pipefail

SIZE=${1:-}
case "$SIZE" in
  small|medium|large|xl) ;;
  *) echo "usage: $0 small|medium|large|xl" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SHARED=$(cd "$REPO/../shared/bench" 2>/dev/null && pwd) || {
  echo "../shared/bench not found beside the repository" >&2
  exit 2
}
PY=${BENCH_PYTHON:-/tmp/peers-venv/bin/python}
DATA=${BENCH_DATA:-/tmp/skills-bench/data}/$SIZE
RESULTS=${BENCH_RESULTS:-/tmp/skillgraph-bench/results}
OUT=$RESULTS/$SIZE
PEERS=${BENCH_PEERS:-"networkx rustworkx kuzu cozo sqlite"}
PEER_RUNS=${BENCH_PEER_RUNS:-1}

if [ ! -x "$PY" ]; then
  echo "python not found at $PY; create the venv:" >&2
  echo "  python3 -m venv /tmp/peers-venv && /tmp/peers-venv/bin/pip install networkx rustworkx kuzu pycozo cozo-embedded" >&2
  exit 2
fi

if [ -n "${SKILLGRAPH_BIN:-}" ]; then
  BIN=$SKILLGRAPH_BIN
  echo "== using $BIN (not building)"
else
  echo "== building skillgraph (release)"
  (cd "$REPO" && cargo build --release --quiet) || exit 1
  BIN=${CARGO_TARGET_DIR:-$REPO/target}/release/skillgraph
  case "$BIN" in /*) ;; *) BIN=$REPO/$BIN ;; esac
fi

mkdir -p "$OUT"
if [ -s "$DATA/nodes.csv" ] && [ -s "$DATA/edges.csv" ] && [ -s "$DATA/gen.txt" ]; then
  echo "== reusing $DATA"
else
  echo "== generating $SIZE graph into $DATA"
  mkdir -p "$DATA"  # tee writes gen.txt.tmp there before the generator creates it
  "$PY" "$SHARED/gen_graph.py" "$SIZE" "$DATA" | tee "$DATA/gen.txt.tmp" && mv "$DATA/gen.txt.tmp" "$DATA/gen.txt" || exit 1
fi

# The query pairs, for the criterion benchmarks (crates/query/benches/engine.rs).
"$PY" -c "import sys; sys.path.insert(0, '$SHARED/peers'); import common
print('\n'.join(f'{a} {b}' for a, b in common.role_pairs('$DATA')))" > "$DATA/pairs.txt"

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# The peers: run_peers.sh clears its results directory first, so it runs before skillgraph.
if [ "$PEERS" != none ]; then
  for run in $(seq 1 "$PEER_RUNS"); do
    dir=$OUT/peers-$run/$SIZE
    mkdir -p "$dir"
    cp "$DATA/gen.txt" "$dir/gen.txt"
    echo "== peers ($PEERS), run $run of $PEER_RUNS"
    BENCH_REUSE_DATA=1 BENCH_DATA=$(dirname "$DATA") BENCH_RESULTS=$OUT/peers-$run BENCH_PYTHON=$PY \
      BENCH_PEERS=$PEERS bash "$SHARED/run_peers.sh" "$SIZE" >"$dir/run_peers.log" 2>&1 ||
      { echo "run_peers.sh failed; see $dir/run_peers.log" >&2; tail -5 "$dir/run_peers.log" >&2; }
  done
fi

echo "== skillgraph"
rm -f "$OUT"/*.jsonl "$OUT"/*.answers.json "$OUT"/harness.tsv
cp "$DATA/gen.txt" "$OUT/gen.txt"
t0=$EPOCHREALTIME
SKILLGRAPH_BIN=$BIN "$PY" "$HERE/skillgraph_peer.py" "$DATA" --answers "$OUT/skillgraph.answers.json" \
  2> "$OUT/skillgraph.err" | tee "$OUT/skillgraph.jsonl"
rc=${PIPESTATUS[0]}
printf 'skillgraph\t%s\t%s\n' "$(elapsed "$t0" "$EPOCHREALTIME")" "$rc" >> "$OUT/harness.tsv"
[ "$rc" = 0 ] || { echo "!!! skillgraph failed:" >&2; tail -5 "$OUT/skillgraph.err" >&2; }

if [ "$PEERS" != none ]; then
  if [ "$PEER_RUNS" = 0 ]; then
    PEER_RUNS=$(find "$OUT" -maxdepth 1 -name 'peers-*' -type d | wc -l)
    [ "$PEER_RUNS" -gt 0 ] || { echo "no peer runs kept in $OUT" >&2; exit 1; }
    echo "== keeping $PEER_RUNS earlier peer run(s) in $OUT"
  fi
  "$PY" "$HERE/merge_runs.py" "$OUT" "$PEER_RUNS" || exit 1
fi

echo "== answer check"
"$PY" "$SHARED/compare.py" "$OUT" | tee "$OUT/compare.txt"
check=${PIPESTATUS[0]}
echo
echo "== results ($SIZE; machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
{ "$PY" "$SHARED/table.py" "$OUT"; echo; "$PY" "$HERE/skillgraph_notes.py" "$OUT"; } | tee "$OUT/table.md"
echo "results in $OUT"
exit "$check"
