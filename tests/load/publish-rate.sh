#!/usr/bin/env bash
# Publish rate against the Redis write ceiling (issue #8, the "publish rate ÷ redis-benchmark pipelined SET rate"
# target), side by side on one throw-away redis-server in one run:
#   1. builds an index from the first N queries of the Taobao list in ../shared/data (cached in tests/load/.work);
#   2. times `indexer publish` of it (records written per second, the whole command: process start, file read,
#      pipelined writes, the read-back validation of every record, the manifest and the pointer flip);
#   3. runs `redis-benchmark -t set -P 64` with as many SETs as the publish wrote records, each of the index's mean
#      record size, on the same server;
#   4. prints both rates and their ratio.
# Usage: bash tests/load/publish-rate.sh [--queries N] [--pipeline P] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

queries=20000
pipeline=64
build=1
while (($#)); do
  case "$1" in
    --queries) queries="$2"; shift 2 ;;
    --pipeline) pipeline="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "error: unknown option $1 (use --queries N, --pipeline P, --no-build)" >&2; exit 2 ;;
  esac
done
[[ "$queries" =~ ^[0-9]+$ && "$queries" -ge 100 && "$queries" -le 100000 ]] || { echo "error: --queries must be 100..100000 (the Taobao list has 100k)" >&2; exit 2; }
[[ "$pipeline" =~ ^[0-9]+$ && "$pipeline" -ge 1 && "$pipeline" -le 1024 ]] || { echo "error: --pipeline must be 1..1024" >&2; exit 2; }
for tool in redis-server redis-cli redis-benchmark python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is missing (apt-get install -y redis-server python3)" >&2; exit 2; }
done

data=""
for dir in ../shared/data ../../shared/data "${QUERYREC_DATA:-}"; do
  [[ -n "$dir" && -f "$dir/taobao-multicpr/ecom_queries_100k.txt" ]] && data="$dir" && break
done
[[ -n "$data" ]] || { echo "error: ../shared/data/taobao-multicpr/ecom_queries_100k.txt not found (set QUERYREC_DATA)" >&2; exit 2; }

work=tests/load/.work
mkdir -p "$work"
if ((build)); then
  echo "==> building"
  dotnet build QueryRec.sln -c Release -v quiet -nologo
fi
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

index="$work/publish-$queries.qrx"
if [[ ! -f "$index" ]]; then
  echo "==> building an index of the first $queries Taobao queries (cached: $index)"
  head -n "$queries" "$data/taobao-multicpr/ecom_queries_100k.txt" > "$work/publish-$queries.txt"
  "${indexer[@]}" build --queries "$work/publish-$queries.txt" --output "$index" >/dev/null
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" --daemonize no >"$redis_dir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping >/dev/null

echo "==> publishing $index to 127.0.0.1:$port"
start=$(date +%s%N)
out=$("${indexer[@]}" publish --index "$index" --redis "127.0.0.1:$port")
end=$(date +%s%N)
records=$(grep -oE 'records written[^0-9]*[0-9][0-9,]*' <<<"$out" | grep -oE '[0-9][0-9,]*$' | tr -d ',')
[[ -n "$records" && "$records" -gt 0 ]] || { echo "error: could not read the records written from the publish output:" >&2; echo "$out" >&2; exit 1; }
publish_s=$(python3 -c "print(($end - $start) / 1e9)")
bytes=$(stat -c %s "$index")
mean=$(python3 -c "print(max(3, round($bytes / $records)))")
used=$(redis-cli -p "$port" info memory | grep -oE '^used_memory:[0-9]+' | cut -d: -f2)

echo "==> redis-benchmark: $records SETs of $mean bytes, pipeline $pipeline, on the same server"
redis-cli -p "$port" flushall >/dev/null
bench=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$records" -P "$pipeline" -d "$mean" -r 10000000 -q --csv)
set_rps=$(python3 -c "
import csv, io, sys
rows = [r for r in csv.reader(io.StringIO(sys.argv[1])) if r and r[0] == 'SET']
print(rows[0][1] if rows else '')" "$bench")
[[ -n "$set_rps" ]] || { echo "error: could not read redis-benchmark's SET rate:" >&2; echo "$bench" >&2; exit 1; }

python3 - "$records" "$publish_s" "$set_rps" "$mean" "$bytes" "$used" "$queries" <<'EOF'
import sys
records, seconds, set_rps, mean, size, used, queries = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
rate = records / seconds
print()
print(f"index: {queries:,} queries, {records:,} records, {size:,} bytes on disk (mean {mean} B per record); Redis used_memory after publish {used:,} B")
print(f"| measure | value |")
print(f"|---|---|")
print(f"| indexer publish (whole command) | {seconds:.2f} s, {rate:,.0f} records/s |")
print(f"| redis-benchmark SET, pipelined, same count and size | {set_rps:,.0f} SET/s |")
print(f"| publish rate / SET rate | {rate / set_rps:.2f} (target >= 0.5) |")
EOF
