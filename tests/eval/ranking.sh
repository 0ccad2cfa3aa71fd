#!/usr/bin/env bash
# The ranking measurement of issue 6 (docs/ranking.md, "Evaluation"), from a fresh build: the Best Buy log split at
# 2011-10-01 (the last two weeks are the test), static MPC, streaming MPC and the heuristic streamed through the
# service in process (replay clock on, the week before the split reported first), with the service settings of
# tests/eval/bestbuy.settings.json, the index rebuilt and published every REBUILD (default 1d, a nightly indexer job;
# 0: never) during the streaming columns. A learned model is added as a column when MODEL=path/to/model.onnx is set
# (train it with the same --rebuild-every, see docs/ranking.md). The upper bounds of --ceilings are printed beside
# (docs/ranking.md, "Ceilings"). MODEL=train trains one first with the recipe of docs/ranking.md ("The learned ranker
# in every state"). With LIVE=1 the same replay then runs against the real API started from its build on the
# pre-split index (evaluate --write-index), a fresh server per ranker (heuristic, then MODEL), the Best Buy settings
# as its configuration and the service defaults otherwise (evaluate --server; docs/evaluation.md).
# Usage: tests/eval/ranking.sh [OUT_DIR]. Environment: QUERYREC_DATA (default ../shared/data), MODEL, SPLIT, REBUILD,
# LIVE, PORT (default 5290).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/ranking}
split=${SPLIT:-2011-10-01T00:00:00Z}
rebuild=${REBUILD:-1d}
mkdir -p "$out"

dotnet build QueryRec.sln -c Release -v quiet -nologo
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)
[[ -s "$out/bestbuy.jsonl" ]] || "${indexer[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl"
if [[ "${MODEL:-}" == train ]]; then
  MODEL="$out/model.onnx"
  "${indexer[@]}" train --events "$out/bestbuy.jsonl" --until "$split" --window 35d \
    --settings tests/eval/bestbuy.settings.json --output "$MODEL" | tee "$out/train.txt"
fi
model=()
[[ -n "${MODEL:-}" ]] && model=(--model "$MODEL")
"${indexer[@]}" evaluate --input "$out/bestbuy.jsonl" --split "$split" --settings tests/eval/bestbuy.settings.json \
  --rebuild-every "$rebuild" "${model[@]}" --ceilings --json "$out/ranking.json" | tee "$out/ranking.txt"
echo "written: $out/ranking.txt, $out/ranking.json"
[[ "${LIVE:-0}" == 1 ]] || exit 0

port=${PORT:-5290}
"${indexer[@]}" evaluate --input "$out/bestbuy.jsonl" --split "$split" --mode static --write-index "$out/pre-split.qrx" >/dev/null
# The settings file as the server's command-line configuration, without its refresh interval (replayed minutes; a
# wall-clock server keeps its default and its early refresh).
mapfile -t settings < <(sed -e 's#//.*##' tests/eval/bestbuy.settings.json | tr -d '{}' \
  | sed -nE 's/^[[:space:]]*"([^"]+)":[[:space:]]*"?([^",]*)"?,?[[:space:]]*$/--\1=\2/p' | grep -v RefreshInterval)
source tests/eval/serve.sh
live() { # live NAME [server args]: a fresh server, evaluate --server, the server stopped
  local name=$1; shift
  serve "$out/pre-split.qrx" "${settings[@]}" "$@"
  "${indexer[@]}" evaluate --input "$out/bestbuy.jsonl" --split "$split" --server "http://127.0.0.1:$port" \
    --json "$out/live-$name.json" | tee "$out/live-$name.txt"
  kill "$server"; wait "$server" 2>/dev/null || true
  mv "$out/server.log" "$out/server-$name.log"
}
live heuristic
[[ -n "${MODEL:-}" ]] && live learned --QueryRec:Ranking:Model:Path="$(realpath "$MODEL")"
echo "written: $out/live-*.txt, $out/live-*.json"
