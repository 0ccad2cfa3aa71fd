#!/usr/bin/env bash
# The Discover ranking measurement of issue 29 (docs/evaluation.md, "Discover"; docs/ranking.md, "Discover ranker"),
# from a fresh build: on the Best Buy log (split 2011-10-01) and a simulated one (3,000 users, 21 days from
# 2026-11-01, split 2026-11-15), the Discover ranker is trained with train --discovery on the next-query cases of the
# window before the split (index built from the events before that window, so it never holds the cases it learns),
# then evaluate --discovery runs the heuristic and the learned ranker in process, and, with LIVE=1, against the real
# API started from its build on the pre-split index (evaluate --server; a fresh server per ranker).
# Usage: tests/eval/discovery.sh [OUT_DIR]. Environment: QUERYREC_DATA (default ../shared/data), LIVE, PORT (default 5294).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/discovery}
mkdir -p "$out"

dotnet build QueryRec.sln -c Release -v quiet -nologo
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)
[[ -s "$out/bestbuy.jsonl" ]] || "${indexer[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl"
[[ -s "$out/sim.jsonl" ]] || "${indexer[@]}" simulate --output "$out/sim.jsonl" --users 3000 --days 21 --start 2026-11-01 >/dev/null

# name log split train-from
logs=("bestbuy $out/bestbuy.jsonl 2011-10-01T00:00:00Z 2011-09-10T00:00:00Z" "sim $out/sim.jsonl 2026-11-15T00:00:00Z 2026-11-08T00:00:00Z")
for entry in "${logs[@]}"; do
  read -r name log split from <<<"$entry"
  "${indexer[@]}" train --discovery --events "$log" --from "$from" --until "$split" --output "$out/$name-model/discovery.onnx" | tee "$out/$name-train.txt"
  "${indexer[@]}" evaluate --discovery --input "$log" --split "$split" --write-index "$out/$name-pre-split.qrx" \
    --json "$out/$name-heuristic.json" | tee "$out/$name-heuristic.txt"
  "${indexer[@]}" evaluate --discovery --input "$log" --split "$split" \
    --set QueryRec:Ranking:Discovery:ModelPath="$(realpath "$out/$name-model/discovery.onnx")" \
    --json "$out/$name-learned.json" | tee "$out/$name-learned.txt"
done
echo "written: $out/*-heuristic.txt, $out/*-learned.txt and their JSON"
[[ "${LIVE:-0}" == 1 ]] || exit 0

port=${PORT:-5294}
source tests/eval/serve.sh
for entry in "${logs[@]}"; do
  read -r name log split from <<<"$entry"
  for ranker in heuristic learned; do
    args=()
    [[ $ranker == learned ]] && args=(--QueryRec:Ranking:Discovery:ModelPath="$(realpath "$out/$name-model/discovery.onnx")")
    serve "$out/$name-pre-split.qrx" "${args[@]}"
    "${indexer[@]}" evaluate --discovery --input "$log" --split "$split" --server "http://127.0.0.1:$port" \
      --json "$out/live-$name-$ranker.json" | tee "$out/live-$name-$ranker.txt"
    kill "$server"; wait "$server" 2>/dev/null || true
    mv "$out/server.log" "$out/server-$name-$ranker.log"
  done
done
echo "written: $out/live-*.txt, $out/live-*.json"
