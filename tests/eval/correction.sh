#!/usr/bin/env bash
# The correction measurement of issue 24 (docs/correction.md, "Measured"), from a fresh build: the simulator's
# corrected typos (simulate --truth, seed 42, split after day 5 of 7) and Best Buy's pairs held out by time (split
# 2011-10-01), each scored by evaluate --correction in process; with LIVE=1 the same cases again against the real API
# started from its build on the index built before the split (evaluate --write-index, then --server).
# Usage: tests/eval/correction.sh [OUT_DIR]. Environment: QUERYREC_DATA (default ../shared/data), EVENTS (simulated
# events, default 1000000), LIVE, PORT (default 5292).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/correction}
mkdir -p "$out"

dotnet build QueryRec.sln -c Release -v quiet -nologo
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)
"${indexer[@]}" simulate --output "$out/sim.jsonl" --truth "$out/sim-truth.tsv" --seed 42 --events "${EVENTS:-1000000}" >/dev/null
[[ -s "$out/bestbuy.jsonl" ]] || "${indexer[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl" >/dev/null
sim=(--input "$out/sim.jsonl" --split 2026-11-06T00:00:00Z --correction --truth "$out/sim-truth.tsv")
bb=(--input "$out/bestbuy.jsonl" --split 2011-10-01T00:00:00Z --correction)
"${indexer[@]}" evaluate "${sim[@]}" --write-index "$out/sim-pre-split.qrx" --json "$out/sim.json" | tee "$out/sim.txt"
"${indexer[@]}" evaluate "${bb[@]}" --write-index "$out/bb-pre-split.qrx" --json "$out/bb.json" | tee "$out/bb.txt"
echo "written: $out/sim.txt, $out/bb.txt (corrections of Best Buy's test queries: $out/bb.json.corrections.tsv)"
[[ "${LIVE:-0}" == 1 ]] || exit 0

port=${PORT:-5292}
source tests/eval/serve.sh
live() { # live NAME INDEX [evaluate args]: a fresh server on INDEX, evaluate --server, the server stopped
  local name=$1 index=$2; shift 2
  serve "$index"
  "${indexer[@]}" evaluate "$@" --server "http://127.0.0.1:$port" --json "$out/live-$name.json" | tee "$out/live-$name.txt"
  kill "$server"; wait "$server" 2>/dev/null || true
  mv "$out/server.log" "$out/server-$name.log"
}
live sim "$out/sim-pre-split.qrx" "${sim[@]}"
live bb "$out/bb-pre-split.qrx" "${bb[@]}"
echo "written: $out/live-*.txt, $out/live-*.json"
