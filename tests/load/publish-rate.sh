#!/usr/bin/env bash
# Publish rate against the Redis write ceiling (issue #8, the "publish rate ÷ redis-benchmark pipelined SET rate"
# target), side by side on one throw-away redis-server in one run:
#   1. builds an index from the first N queries of the Taobao list in ../shared/data (cached in tests/load/.work);
#   2. times `indexer publish` of it (records written per second, the whole command: process start, the one streaming
#      pass that reads, packs, compresses and writes, the server-side digest check of every key written, the manifest
#      and the pointer flip), with its CPU time and peak RSS (GNU time);
#   3. runs `redis-benchmark -t set -P 64` with as many SETs as the publish wrote records, each of the index's mean
#      record size, on the same server;
#   4. prints both rates and their ratio.
#   5. prints Redis memory per indexed query (used_memory after publish minus before) and where it goes (keys by
#      kind, MEMORY USAGE of each), and a second redis-benchmark run with the count and mean size of the keys the
#      publish really wrote (packed buckets), i.e. Redis's own ceiling for the same bytes.
# Above 100,000 queries (the Taobao list's size) the list is extended deterministically: query k*100000+j (k >= 1) is
# Taobao line j followed by a space and the last 2-4 characters of the query of Taobao line (j*7919 + k*104729) mod 100000.
# Usage: bash tests/load/publish-rate.sh [--queries N] [--pipeline P] [--bucket-bytes B] [--compression-quality Q] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

queries=20000
pipeline=64
bucket_args=()
build=1
while (($#)); do
  case "$1" in
    --queries) queries="$2"; shift 2 ;;
    --pipeline) pipeline="$2"; shift 2 ;;
    --bucket-bytes) bucket_args+=(--bucket-bytes "$2"); shift 2 ;;
    --compression-quality) bucket_args+=(--compression-quality "$2"); shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "error: unknown option $1 (use --queries N, --pipeline P, --bucket-bytes B, --compression-quality Q, --no-build)" >&2; exit 2 ;;
  esac
done
[[ "$queries" =~ ^[0-9]+$ && "$queries" -ge 100 && "$queries" -le 2000000 ]] || { echo "error: --queries must be 100..2000000 (above 100k the Taobao list is extended, see the header)" >&2; exit 2; }
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
indexer=(dotnet "${QUERYREC_INDEXER_DLL:-src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll}")

index="$work/publish-$queries.qrx"
if [[ ! -f "$index" ]]; then
  echo "==> building an index of the first $queries Taobao queries (cached: $index)"
  python3 - "$data/taobao-multicpr/ecom_queries_100k.txt" "$queries" > "$work/publish-$queries.txt" <<'EOF'
import sys
base = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
n, total = len(base), int(sys.argv[2])
for i in range(total):
    k, j = divmod(i, n)
    other = base[(j * 7919 + k * 104729) % n].split("\t")[-1]
    print(base[j] if k == 0 else base[j] + " " + other[-(2 + (j + k) % 3):])
EOF
  "${indexer[@]}" build --queries "$work/publish-$queries.txt" --output "$index" >/dev/null
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" --daemonize no >"$redis_dir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; rm -rf "$redis_dir"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping >/dev/null

used_before=$(redis-cli -p "$port" info memory | grep -oE '^used_memory:[0-9]+' | cut -d: -f2)
echo "==> publishing $index to 127.0.0.1:$port (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
timing=(); [[ -x /usr/bin/time ]] && timing=(/usr/bin/time -v -o "$redis_dir/time")
start=$(date +%s%N)
out=$("${timing[@]}" "${indexer[@]}" publish --index "$index" --redis "127.0.0.1:$port" "${bucket_args[@]}")
end=$(date +%s%N)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu="n/a"; rss="n/a"
if [[ -f "$redis_dir/time" ]]; then
  cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {printf "%.2f s", t}' "$redis_dir/time")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%.0f MB", $2 / 1024}' "$redis_dir/time")
fi
records=$(grep -oE 'records written[^0-9]*[0-9][0-9,]*' <<<"$out" | grep -oE '[0-9][0-9,]*$' | tr -d ',')
[[ -n "$records" && "$records" -gt 0 ]] || { echo "error: could not read the records written from the publish output:" >&2; echo "$out" >&2; exit 1; }
publish_s=$(python3 -c "print(($end - $start) / 1e9)")
bytes=$(stat -L -c %s "$index")
mean=$(python3 -c "print(max(3, round($bytes / $records)))")
used=$(redis-cli -p "$port" info memory | grep -oE '^used_memory:[0-9]+' | cut -d: -f2)
phases=$(grep -oE 'phases.*' <<<"$out" | sed -E 's/^phases[^a-z]*//; s/[[:space:]│|]+$//')
# Where the bytes go: keys per kind (the part of the name after the version), MEMORY USAGE summed per kind.
keystats=$(redis-cli -p "$port" --scan --pattern 'qr:idx:*' | python3 -c "
import subprocess, sys, collections, re
keys = [k.strip() for k in sys.stdin if k.strip()]
count, mem, size = collections.Counter(), collections.Counter(), collections.Counter()
def kind(k):
    rest = k.split(':', 3)[3] if k.count(':') >= 3 else k
    return re.sub(r':.*', '', rest)
cmds = ''.join(f'MEMORY USAGE {k}\nSTRLEN {k}\n' for k in keys)
res = subprocess.run(['redis-cli', '-p', sys.argv[1]], input=cmds, capture_output=True, text=True).stdout.split()
for i, k in enumerate(keys):
    c = kind(k); count[c] += 1; mem[c] += int(res[2 * i]); size[c] += int(res[2 * i + 1])
for c in sorted(count, key=lambda c: -mem[c]):
    print(f'{c} {count[c]} {mem[c]} {size[c]}')
" "$port")
data_keys=$(awk '{n += $2} END {print n}' <<<"$keystats")
data_bytes=$(awk '{n += $4} END {print n}' <<<"$keystats")

echo "==> redis-benchmark: $records SETs of $mean bytes, pipeline $pipeline, on the same server"
redis-cli -p "$port" flushall >/dev/null
bench=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$records" -P "$pipeline" -d "$mean" -r 10000000 -q --csv)
set_rps=$(python3 -c "
import csv, io, sys
rows = [r for r in csv.reader(io.StringIO(sys.argv[1])) if r and r[0] == 'SET']
print(rows[0][1] if rows else '')" "$bench")
[[ -n "$set_rps" ]] || { echo "error: could not read redis-benchmark's SET rate:" >&2; echo "$bench" >&2; exit 1; }
key_mean=$(python3 -c "print(max(3, round($data_bytes / max(1, $data_keys))))")
echo "==> redis-benchmark: $data_keys SETs of $key_mean bytes (the keys the publish wrote), pipeline $pipeline"
redis-cli -p "$port" flushall >/dev/null
bench2=$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$data_keys" -P "$pipeline" -d "$key_mean" -r 10000000 -q --csv)
set2_rps=$(python3 -c "
import csv, io, sys
rows = [r for r in csv.reader(io.StringIO(sys.argv[1])) if r and r[0] == 'SET']
print(rows[0][1] if rows else '0')" "$bench2")

python3 - "$records" "$publish_s" "$set_rps" "$mean" "$bytes" "$used" "$queries" "$used_before" "$data_keys" "$key_mean" "$set2_rps" "$phases" "$keystats" "$cpu" "$rss" "$load_after" <<'EOF'
import sys
a = sys.argv
records, seconds, set_rps, mean, size, used, queries = int(a[1]), float(a[2]), float(a[3]), int(a[4]), int(a[5]), int(a[6]), int(a[7])
before, keys, key_mean, set2_rps, phases, keystats = int(a[8]), int(a[9]), int(a[10]), float(a[11]), a[12], a[13]
cpu, rss, load_after = a[14], a[15], a[16]
rate = records / seconds
print()
print(f"index: {queries:,} queries, {records:,} records, {size:,} bytes on disk (mean {mean} B per record)")
print(f"Redis used_memory: {before:,} B before, {used:,} B after publish: {(used - before) / queries:,.0f} B per indexed query (target <= 250 at 10^6)")
print(f"keys of the version: {keys:,} (mean value {key_mean:,} B); per kind: kind, keys, MEMORY USAGE B, value B, B per query:")
for line in keystats.splitlines():
    kind, n, mem, val = line.split()
    print(f"  {kind:10} {int(n):>9,} {int(mem):>13,} {int(val):>13,} {int(mem) / queries:>7.1f}")
print(f"publish phases: {phases}")
print(f"publish CPU (user + sys): {cpu}, peak RSS: {rss}; load average after the publish: {load_after}")
print(f"| measure | value |")
print(f"|---|---|")
print(f"| indexer publish (whole command) | {seconds:.2f} s, {rate:,.0f} records/s |")
print(f"| redis-benchmark SET, pipelined, {records:,} x {mean} B (one per record) | {set_rps:,.0f} SET/s |")
print(f"| publish rate / SET rate | {rate / set_rps:.2f} (target >= 0.5) |")
print(f"| redis-benchmark SET, pipelined, {keys:,} x {key_mean:,} B (the keys written) | {set2_rps:,.0f} SET/s = {keys / set2_rps if set2_rps else 0:.2f} s |")
EOF
