#!/usr/bin/env bash
# Scale curve (issue #8, Build 4): for each vocabulary size N, in one run on one machine:
#   1. `indexer simulate --vocabulary N`: N distinct queries (the catalog's, then synthesized variants; hanzi, Latin
#      and pinyin mix), Zipf counts, as a 'query<TAB>count' list (cached in tests/load/.work/scale);
#   2. `indexer build --queries` with the learned ranker (the model run.sh trains), timed with /usr/bin/time -v
#      (wall time and max RSS);
#   3. a fresh redis-server (free port, --save '' --appendonly no): INFO memory used_memory before and after
#      `indexer publish` (bytes per indexed query) and the publish time;
#   4. QueryRec.Api on that Redis (ranking model from the index), Suggest p50/p99 with driver.mjs at a fixed
#      concurrency over keystroke prefixes of queries drawn from that vocabulary by popularity (prepare.py
#      prefixes-list), after a warm-up and a grpc-status check;
# then prints one Markdown table and p50(largest N) / p50(smallest N) (target at 10^7 ÷ 10^4: <= 1.2).
#
#   bash tests/load/scale.sh [--sizes "10000 100000 1000000"] [--duration 10] [--warmup 10] [--concurrency 16]
#                            [--requests 5000] [--no-build] [--keep] [--reuse] [--no-memory-check]
#
# --reuse takes the index file of an earlier run with --keep (and its build figures) instead of building it again;
# --no-memory-check skips the MemAvailable estimates below (the streaming build's memory is not linear in N).
#
# 10^7 is opt-in (--sizes "... 10000000"). On a shared machine the script checks MemAvailable first: it skips a
# build whose max RSS, scaled linearly from the previous size, would exceed 70 % of it, and skips the publish and the
# Suggest run when Redis, at the previous size's bytes per query, would not fit. --keep keeps the index files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
source "$here/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

sizes="10000 100000 1000000" duration=10 warmup=10 concurrency=16 requests=5000 build=1 keep=0 reuse=0 memcheck=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --reuse) reuse=1 keep=1; shift ;;
    --no-memory-check) memcheck=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in $sizes; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 100 && "$n" -le 10000000 ]] || { echo "--sizes: each size must be 100..10000000 (got $n)" >&2; exit 2; }
done
for tool in redis-server redis-cli node python3 curl dotnet /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (needed by the scale curve; /usr/bin/time: apt-get install time)" >&2; exit 2; }
done

work="$here/.work/scale"
mkdir -p "$work"
if (( build )); then
  echo "==> building"
  dotnet build QueryRec.sln -c Release -v quiet -nologo
fi

# protoc from the Grpc.Tools package the build restored.
find_protoc
indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

# The learned ranker: the one run.sh trains on the seeded simulator log (made here the same way when missing).
model="$here/.work/model.onnx"
if [[ ! -s "$model" ]]; then
  echo "==> training the ranker on the seeded simulator log (as run.sh)"
  mkdir -p "$here/.work"
  "${indexer[@]}" simulate --output "$here/.work/events.jsonl" --seed 42 >/dev/null
  "${indexer[@]}" train --events "$here/.work/events.jsonl" --until 2026-11-08T00:00:00Z --window 4d --output "$model" >/dev/null
fi

stop_all() { cleanup; pids=(); }
used_memory() { redis-cli -p "$1" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
mem_available_kb() { sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo; }

start_api() { # $1 redis port; sets url, api_pid
  local attempt grpc_port web_port
  for attempt in 1 2 3; do
    grpc_port=$(free_port); web_port=$(free_port)
    ASPNETCORE_ENVIRONMENT=Production dotnet src/QueryRec.Api/bin/Release/net10.0/QueryRec.Api.dll \
      --contentRoot "$root/src/QueryRec.Api" \
      --QueryRec:Store:Redis="127.0.0.1:$1" \
      --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$grpc_port" \
      --Kestrel:Endpoints:Web:Url="http://127.0.0.1:$web_port" \
      --Logging:LogLevel:Default=Warning >"$work/api.log" 2>&1 &
    api_pid=$!
    pids+=("$api_pid")
    # Up to 10 minutes: at 10^7 queries the service loads a text table of 10^7 entries before it is ready.
    for _ in $(seq 3000); do
      curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null 2>&1 && break
      kill -0 "$api_pid" 2>/dev/null || break
      sleep 0.2
    done
    if curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null 2>&1; then
      url="http://127.0.0.1:$grpc_port"
      return 0
    fi
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
    grep -q "address already in use" "$work/api.log" || break
  done
  echo "the service did not become ready; see $work/api.log" >&2
  grep -v '^ *at ' "$work/api.log" | tail -20 >&2
  return 1
}

suggest=/queryrec.v1.QueryRecService/Suggest
results="$work/results.txt"
: > "$results"
prev_bytes_per_query=""
for n in $sizes; do
  echo
  echo "==================== N = $n ===================="
  list="$work/vocab-$n.tsv"
  if [[ ! -s "$list" ]]; then
    echo "==> simulate --vocabulary $n"
    "${indexer[@]}" simulate --vocabulary "$n" --seed 7 --output "$list" | grep -E 'queries|time' || true
  fi

  index="$work/scale-$n.qrx"
  # Will the build fit? The build's memory grows about linearly with N: scale the previous size's max RSS.
  if (( reuse )) && [[ -s "$index" && -s "$work/build-$n.time" && -s "$work/build-$n.out" ]]; then
    echo "==> reusing $index (built earlier: $work/build-$n.out)"
  elif (( memcheck )) && [[ -n "${prev_rss_kb:-}" ]]; then
    need_kb=$(( prev_rss_kb * (n / prev_n) ))
    avail_kb=$(mem_available_kb)
    if (( need_kb > avail_kb * 7 / 10 )); then
      echo "    SKIPPED: the build would need ~$(( need_kb / 1048576 )) GB (linear from N=$prev_n), $(( avail_kb / 1048576 )) GB available (shared machine)"
      continue
    fi
  fi
  if ! (( reuse )) || [[ ! -s "$index" || ! -s "$work/build-$n.time" || ! -s "$work/build-$n.out" ]]; then
    echo "==> build --queries (time -v)"
    /usr/bin/time -v -o "$work/build-$n.time" "${indexer[@]}" build --queries "$list" --model "$model" \
      --version "scale-$n" --output "$index" > "$work/build-$n.out"
  fi
  build_s=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/build-$n.time" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  build_rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/build-$n.time")
  # CPU seconds (user + system): on a shared machine the wall time mostly measures the other processes.
  build_cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$work/build-$n.time")
  prev_rss_kb=$build_rss_kb prev_n=$n
  records=$(sed -n 's/.*│ records  *│ \([0-9,]*\).*/\1/p' "$work/build-$n.out" | head -1 | tr -d ,)
  file_bytes=$(stat -c %s "$index")
  echo "    build ${build_s} s (${build_cpu} s CPU), max RSS $(( build_rss_kb / 1024 )) MB, ${records:-?} records, $(( file_bytes / 1048576 )) MB file"

  # Will Redis hold it? Estimate from the previous size's bytes per query (plus 30 % headroom for the publish).
  if (( memcheck )) && [[ -n "$prev_bytes_per_query" ]]; then
    need_kb=$(python3 -c "print(int($prev_bytes_per_query * $n * 1.3 / 1024))")
    avail_kb=$(mem_available_kb)
    if (( need_kb > avail_kb * 7 / 10 )); then
      echo "    SKIPPED publish and Suggest: Redis would need ~$(( need_kb / 1048576 )) GB at $prev_bytes_per_query B/query, $(( avail_kb / 1048576 )) GB available (shared machine)"
      echo "$n $build_s $build_cpu $build_rss_kb $file_bytes ${records:-0} - - - - - -" >> "$results"
      continue
    fi
  fi

  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis-$n.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  before=$(used_memory "$redis_port")
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$work/publish-$n.time" "${indexer[@]}" publish --index "$index" --redis "127.0.0.1:$redis_port" > "$work/publish-$n.out"
  t1=$(date +%s%N)
  publish_rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/publish-$n.time")
  after=$(used_memory "$redis_port")
  publish_s=$(python3 -c "print(round(($t1 - $t0) / 1e9, 2))")
  bytes_per_query=$(python3 -c "print(round(($after - $before) / $n))")
  prev_bytes_per_query=$bytes_per_query
  echo "    publish ${publish_s} s (max RSS $(( publish_rss_kb / 1024 )) MB); Redis used_memory $before -> $after B: $bytes_per_query B per indexed query"

  echo "==> Suggest: $requests prefixes drawn from the vocabulary by popularity"
  python3 "$here/prepare.py" prefixes-list "$list" "$work/prefixes.txt" "$requests" 7
  python3 "$here/prepare.py" textproto "$work/prefixes.txt" "$work/batch.txtpb"
  "$protoc" -I "$here" -I "$root/protos" -I "$protoc_include" --encode=queryrec.load.SuggestBatch \
    "$here/batch.proto" < "$work/batch.txtpb" > "$work/batch.bin"
  rm -rf "$work/bodies"
  python3 "$here/prepare.py" frame "$work/batch.bin" "$work/prefixes.txt" "$work"
  distinct=$(sort -u "$work/prefixes.txt" | wc -l)
  start_api "$redis_port"
  drive() { node "$here/driver.mjs" --url "$url" --path "$suggest" --frames "$work/suggest.frames" "$@"; }
  drive --duration "$warmup" --concurrency "$concurrency" >/dev/null
  drive --requests 300 --concurrency 4 --connections 1 --duration 60 --expect-items --max-empty 0.05 > "$work/check-$n.json" \
    || { echo "FAILED: a sampled Suggest call had grpc-status != 0, or more than 5 % had no item (N=$n)" >&2; cat "$work/check-$n.json" >&2; exit 1; }
  line=$(drive --duration "$duration" --concurrency "$concurrency" | tee "$work/node-$n.json" | python3 "$here/summarize.py" node "$distinct")
  read -r rps p50 p99 _ bad reqs <<<"$line"
  echo "    Suggest: $rps req/s, p50 $p50 ms, p99 $p99 ms ($reqs requests, $distinct distinct prefixes, $bad bad)"
  echo "$n $build_s $build_cpu $build_rss_kb $file_bytes ${records:-0} $publish_s $bytes_per_query $rps $p50 $p99 $bad" >> "$results"
  stop_all
  (( keep )) || rm -f "$index"
done

echo
echo "==> scale curve ($(date -u +%FT%TZ), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg), concurrency $concurrency, ${duration} s per size)"
python3 - "$results" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
print("| queries | build wall s | build CPU s | build max RSS MB | index file MB | records | publish s | Redis B/query | Suggest req/s | p50 ms | p99 ms | bad |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for n, bs, cpu, rss, fb, rec, ps, bpq, rps, p50, p99, bad in rows:
    print(f"| {int(n):,} | {float(bs):.1f} | {cpu} | {int(rss) / 1024:,.0f} | {int(fb) / 1048576:,.1f} | {int(rec):,} | {ps} | {bpq} | {rps} | {p50} | {p99} | {bad} |")
measured = [r for r in rows if r[9] != "-"]
if len(measured) >= 2:
    lo, hi = measured[0], measured[-1]
    ratio = float(hi[9]) / float(lo[9])
    print(f"\np50({int(hi[0]):,}) / p50({int(lo[0]):,}) = {ratio:.2f}" + (" (target at 10^7 / 10^4: <= 1.2)" if hi[0] == "10000000" and lo[0] == "10000" else " (the target is 10^7 / 10^4 <= 1.2)"))
EOF
bad=$(awk '$12 != "-" { s += $12 } END { print s + 0 }' "$results")
if (( bad > 0 )); then echo "FAILED: $bad measured calls failed (column 'bad'); see $work" >&2; exit 1; fi
