#!/usr/bin/env bash
# Runs the QueryRec demo on a fresh machine with only the .NET SDK: builds, generates seeded demo logs
# with the project's own simulator, trains the learned ranker on them, builds the index carrying the model, and serves it on 127.0.0.1 from the embedded store
# (no Redis needed). With QUERYREC_REDIS=host:port it publishes to that Redis and serves from it instead.
#   gRPC (h2c):          http://127.0.0.1:5080
#   gRPC-Web and HTTP:   http://127.0.0.1:5081   (storefront page: /, health: /healthz/ready)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
demo=.demo
mkdir -p "$demo"

echo "==> building"
dotnet build QueryRec.sln -c Release -v quiet -nologo
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

echo "==> generating demo logs (seeded simulator)"
"${indexer[@]}" simulate --output "$demo/events.jsonl" --seed 42

echo "==> training the learned ranker (replays 4 simulated days through the service, LambdaRank, ONNX; the last fifth held out for the guard)"
# The simulator's default log covers 2026-11-01 .. 2026-11-08. The guard replays the model and the heuristic on the
# held-out tail, cold and streaming; build --model refuses a model that loses to the heuristic there.
"${indexer[@]}" train --events "$demo/events.jsonl" --until 2026-11-08T00:00:00Z --window 4d --output "$demo/model.onnx"

echo "==> building the index (the model travels with it and serves by default)"
"${indexer[@]}" build --input "$demo/events.jsonl" --model "$demo/model.onnx" --output "$demo/index.qrx"

store_args=(--QueryRec:Store:IndexPath="$PWD/$demo/index.qrx")
if [[ -n "${QUERYREC_REDIS:-}" ]]; then
  echo "==> publishing to Redis at $QUERYREC_REDIS"
  "${indexer[@]}" publish --index "$demo/index.qrx" --redis "$QUERYREC_REDIS"
  store_args=(--QueryRec:Store:Redis="$QUERYREC_REDIS")
fi

echo "==> serving on http://127.0.0.1:5080 (gRPC h2c) and http://127.0.0.1:5081 (gRPC-Web); Ctrl+C stops"
echo "    storefront page: open http://127.0.0.1:5081/ in a browser"
echo "    try: dotnet $PWD/src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll suggest --server http://127.0.0.1:5080 --prefix 手"
exec dotnet src/QueryRec.Api/bin/Release/net10.0/QueryRec.Api.dll --contentRoot "$PWD/src/QueryRec.Api" "${store_args[@]}"
