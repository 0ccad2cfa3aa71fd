#!/usr/bin/env bash
# The spacing-fold measurement of docs/matching.md ("Spacing variants"): over the 1,000 most popular prefixes of the
# Best Buy log and of a simulated log, the share of top-10 lists (through a real server) that show two forms of one
# query differing only by a space, hyphen, dot or underscore; the pairs the build folded, with a seeded sample of 200
# to label by hand; and Best Buy MRR@10 (evaluate, in process). tools/eval/neardup.py is the judge.
# Usage: tests/eval/neardup.sh [OUT_DIR]
# Environment: QUERYREC_DATA (default ../shared/data), EVENTS (simulated events, default 1000000), SKIP_BUILD=1 (use
# the binaries as built), BASELINE=1 (a tree without spacing folds: no OFF build, no pairs).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/neardup}
port=${PORT:-5096}
mkdir -p "$out"

[[ "${SKIP_BUILD:-}" == 1 ]] || dotnet build QueryRec.sln -c Release -v quiet -nologo
tool=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

source tests/eval/serve.sh

measure() { # measure NAME EVENTS
  local name=$1 events=$2
  "${tool[@]}" build --input "$events" --output "$out/$name.qrx" >"$out/$name-build.txt"
  "${tool[@]}" eval-matching vocabulary --index "$out/$name.qrx" --out "$out/$name.tsv" --counts >/dev/null
  python3 tools/eval/misspellings.py prefixes "$out/$name.tsv" 1000 >"$out/$name-prefixes.txt"
  serve "$out/$name.qrx"
  "${tool[@]}" eval-matching lists --server "http://127.0.0.1:$port" --prefixes "$out/$name-prefixes.txt" --out "$out/$name-lists.tsv" >/dev/null
  kill "$server"; wait "$server" 2>/dev/null || true
  echo "==> $name: lists with two spacing variants"
  python3 tools/eval/neardup.py shown "$out/$name-lists.tsv" >"$out/$name-shown.txt"
  head -20 "$out/$name-shown.txt"
  [[ "${BASELINE:-}" == 1 ]] && return 0
  "${tool[@]}" build --input "$events" --output "$out/$name-off.qrx" --spacing-fold-agreement 2 >/dev/null
  "${tool[@]}" eval-matching vocabulary --index "$out/$name-off.qrx" --out "$out/$name-off-keys.tsv" --counts --keys >/dev/null
  "${tool[@]}" eval-matching vocabulary --index "$out/$name.qrx" --out "$out/$name-keys.tsv" --counts --keys >/dev/null
  python3 tools/eval/neardup.py pairs "$out/$name-off-keys.tsv" "$out/$name-keys.tsv" >"$out/$name-pairs.tsv"
  python3 tools/eval/neardup.py sample "$out/$name-pairs.tsv" 200 42 >"$out/$name-sample.tsv"
  echo "==> $name: folded pairs $(wc -l <"$out/$name-pairs.tsv") ($(grep -c $'\tspacing$' "$out/$name-pairs.tsv" || true) spacing by the judge's rule)"
  grep "spacing folds" "$out/$name-build.txt" || true
}

"${tool[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl" >/dev/null
measure bestbuy "$out/bestbuy.jsonl"

"${tool[@]}" simulate --output "$out/sim.jsonl" --seed 42 --events "${EVENTS:-1000000}" >/dev/null
measure sim "$out/sim.jsonl"

echo "==> Best Buy MRR@10 (evaluate, heuristic in process)"
"${tool[@]}" evaluate --input "$out/bestbuy.jsonl" --split 2011-10-01T00:00:00Z --warmup 7d \
  --settings tests/eval/bestbuy.settings.json --json "$out/bestbuy-evaluate.json" | tee "$out/bestbuy-evaluate.txt"
