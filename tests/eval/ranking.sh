#!/usr/bin/env bash
# The ranking measurement of issue 6 (docs/ranking.md, "Evaluation"), from a fresh build: the Best Buy log split at
# 2011-10-01 (the last two weeks are the test), static MPC, streaming MPC and the heuristic streamed through the
# service in process (replay clock on, the week before the split reported first), with the service settings of
# tests/eval/bestbuy.settings.json, the index rebuilt and published every REBUILD (default 1d, a nightly indexer job;
# 0: never) during the streaming columns. A learned model is added as a column when MODEL=path/to/model.onnx is set
# (train it with the same --rebuild-every, see docs/ranking.md). The upper bounds of --ceilings are printed beside
# (docs/ranking.md, "Ceilings").
# Usage: tests/eval/ranking.sh [OUT_DIR]. Environment: QUERYREC_DATA (default ../shared/data), MODEL, SPLIT, REBUILD.
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
model=()
[[ -n "${MODEL:-}" ]] && model=(--model "$MODEL")
"${indexer[@]}" evaluate --input "$out/bestbuy.jsonl" --split "$split" --settings tests/eval/bestbuy.settings.json \
  --rebuild-every "$rebuild" "${model[@]}" --ceilings --json "$out/ranking.json" | tee "$out/ranking.txt"
echo "written: $out/ranking.txt, $out/ranking.json"
