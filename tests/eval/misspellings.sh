#!/usr/bin/env bash
# The misspelling measurement of docs/matching.md ("Misspellings"): over the 1,000 most popular prefixes of the Best
# Buy log and of a simulated log, the share of top-10 lists (through a real server) that show a misspelling whose
# correct form was searched at least R times as often, and the queries the rule removed (for the simulated log, the
# simulator's own queries among them are real queries wrongly folded). tools/eval/misspellings.py is the judge.
# Usage: tests/eval/misspellings.sh [OUT_DIR]
# Environment: QUERYREC_DATA (default ../shared/data), RATIO (default: the build's default), EVAL_RATIO (the R the
# judge uses, default RATIO or 10), INDEXER (an indexer dll whose build to measure instead of this tree's, e.g. an
# older one),
# EVENTS (simulated events, default 1000000), SKIP_BUILD=1 (use the binaries as built).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/misspellings}
port=${PORT:-5094}
ratio_args=()
[[ -n "${RATIO:-}" ]] && ratio_args=(--misspelling-ratio "$RATIO")
eval_ratio=${EVAL_RATIO:-${RATIO:-5}}
mkdir -p "$out"

[[ "${SKIP_BUILD:-}" == 1 ]] || dotnet build QueryRec.sln -c Release -v quiet -nologo
tool=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)
indexer=(dotnet "${INDEXER:-${tool[1]}}") # builds the measured index

source tests/eval/serve.sh

measure() { # measure NAME EVENTS [CATALOG]
  local name=$1 events=$2 catalog=${3:-}
  "${tool[@]}" build --input "$events" --output "$out/$name-off.qrx" --misspelling-ratio 0 >/dev/null
  /usr/bin/time -f "%e s wall, %M KiB peak" -o "$out/$name-build-time.txt" \
    "${indexer[@]}" build --input "$events" --output "$out/$name.qrx" "${ratio_args[@]}" >"$out/$name-build.txt"
  "${tool[@]}" eval-matching vocabulary --index "$out/$name-off.qrx" --out "$out/$name-off.tsv" --counts >/dev/null
  "${tool[@]}" eval-matching vocabulary --index "$out/$name.qrx" --out "$out/$name.tsv" --counts >/dev/null
  python3 tools/eval/misspellings.py prefixes "$out/$name-off.tsv" 1000 >"$out/$name-prefixes.txt"
  serve "$out/$name.qrx"
  "${tool[@]}" eval-matching lists --server "http://127.0.0.1:$port" --prefixes "$out/$name-prefixes.txt" --out "$out/$name-lists.tsv" >/dev/null
  kill "$server"; wait "$server" 2>/dev/null || true
  echo "==> $name: shown (R = $eval_ratio)"
  python3 tools/eval/misspellings.py shown "$out/$name-off.tsv" "$out/$name-lists.tsv" "$eval_ratio" $catalog >"$out/$name-shown.txt"
  head -25 "$out/$name-shown.txt"
  echo "==> $name: folded"
  python3 tools/eval/misspellings.py folded "$out/$name-off.tsv" "$out/$name.tsv" $catalog >"$out/$name-folded.txt"
  head -25 "$out/$name-folded.txt"
  echo "build: $(cat "$out/$name-build-time.txt")"
}

"${tool[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl" >/dev/null
measure bestbuy "$out/bestbuy.jsonl"

"${tool[@]}" simulate --output "$out/sim.jsonl" --seed 42 --events "${EVENTS:-1000000}" >/dev/null
"${tool[@]}" simulate --vocabulary 100000 --seed 42 --output "$out/sim-vocabulary.tsv" >"$out/sim-vocabulary.txt"
catalog_size=$(grep -o 'from the catalog / synthesized[^0-9]*[0-9,]*' "$out/sim-vocabulary.txt" | grep -o '[0-9,]*$' | tr -d ,)
head -n "$catalog_size" "$out/sim-vocabulary.tsv" | cut -f1 >"$out/sim-catalog.txt"
measure sim "$out/sim.jsonl" "$out/sim-catalog.txt"
