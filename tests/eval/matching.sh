#!/usr/bin/env bash
# The matching measurements of issue 5 (docs/matching.md), from a fresh build:
#   1. pinyin recall: the 100k Taobao queries indexed with Zipf popularity; for sampled queries, a full-pinyin
#      prefix (2-4 syllables), an initials prefix (3-5 letters), a mixed prefix (hanzi + next syllable) and, for
#      queries with punctuation after their leading hanzi, the full pinyin typed through it ("chongdianqi2.4"),
#      and, for queries with ASCII letters or digits after their leading hanzi, the first hanzi then the rest of the
#      query in pinyin and as it is ("佳nengr5"),
#      the expected pinyin computed independently with npm pinyin-pro; only forms unambiguous among the
#      candidates count (the query is in the top 10 of the vocabulary for that form);
#   2. typo recovery: the Best Buy log; 1-edit typos (substitution, insertion, deletion, transposition) of
#      prefixes of >= 4 characters; a case counts when the query is in the top 10 for the exact prefix.
# Each runs against a real server (embedded store) through gRPC. Usage: tests/eval/matching.sh [OUT_DIR]
# Environment: QUERYREC_DATA (default ../shared/data), SAMPLE (default 2000), SEED (default 7).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data=${QUERYREC_DATA:-$PWD/../shared/data}
out=${1:-.eval/matching}
sample=${SAMPLE:-2000}
seed=${SEED:-7}
port=${PORT:-5090}
mkdir -p "$out"

dotnet build QueryRec.sln -c Release -v quiet -nologo
[[ -d tools/node_modules/pinyin-pro ]] || (cd tools && npm install --no-audit --no-fund --silent)
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

source tests/eval/serve.sh

echo "==> pinyin recall (Taobao 100k)"
"${indexer[@]}" build --queries "$data/taobao-multicpr/ecom_queries_100k.txt" --zipf 1.0 --seed 1 --output "$out/taobao.qrx" ${BUILD_ARGS:-}
"${indexer[@]}" eval-matching vocabulary --index "$out/taobao.qrx" --out "$out/taobao-vocabulary.txt"
node tools/eval/pinyin-reference.mjs <"$out/taobao-vocabulary.txt" >"$out/taobao-reference.tsv"
"${indexer[@]}" eval-matching cases pinyin --index "$out/taobao.qrx" --reference "$out/taobao-reference.tsv" \
  --sample "$sample" --seed "$seed" --out "$out/pinyin-cases.tsv"
serve "$out/taobao.qrx"
"${indexer[@]}" eval-matching run --server "http://127.0.0.1:$port" --cases "$out/pinyin-cases.tsv" --json "$out/pinyin.json" --misses "$out/pinyin-misses.tsv"
kill "$server"; wait "$server" 2>/dev/null || true

echo "==> typo recovery (Best Buy)"
"${indexer[@]}" import --format bestbuy --input "$(ls "$data"/bestbuy/*.csv | head -1)" --output "$out/bestbuy.jsonl"
"${indexer[@]}" build --input "$out/bestbuy.jsonl" --output "$out/bestbuy.qrx"
"${indexer[@]}" eval-matching cases typo --index "$out/bestbuy.qrx" --sample "$sample" --seed "$seed" --out "$out/typo-cases.tsv"
serve "$out/bestbuy.qrx"
"${indexer[@]}" eval-matching run --server "http://127.0.0.1:$port" --cases "$out/typo-cases.tsv" --json "$out/typo.json" --misses "$out/typo-misses.tsv"
kill "$server"; wait "$server" 2>/dev/null || true
echo "results: $out/pinyin.json, $out/typo.json"
