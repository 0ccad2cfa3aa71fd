#!/usr/bin/env bash
# Whole-service load harness (issue #8): Suggest (Redis store, learned ranking on) against grpc.health.v1.Health/Check
# on the same server, at equal concurrency, with thousands of distinct keystroke prefixes replayed from the seeded
# simulator log. See docs/performance.md, "Load harness".
#
#   bash tests/load/run.sh [--duration 10] [--warmup 15] [--concurrency 32] [--requests 10000] [--driver both|h2load|node]
#                          [--events FILE.jsonl] [--cache-ratio] [--set KEY=VALUE]... [--no-build]
#
# Starts its own redis-server (free port) and QueryRec.Api (free ports), builds the demo index with the ranking model
# (as scripts/demo.sh), publishes it to that Redis, checks grpc-status on a sample, then measures. Exits 1 when a
# sampled grpc-status is not 0 or more than 5 % of sampled Suggest answers have no item. Work files: tests/load/.work.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
source "$here/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

duration=10 warmup=15 concurrency=32 requests=10000 driver=both events="" build=1 cache_ratio=0 service_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --driver) driver="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --cache-ratio) cache_ratio=1; shift ;;
    --set) service_args+=("--$2"); shift 2 ;;   # a service setting, e.g. --set QueryRec:Suggest:ResponseCache:Ttl=00:00:30
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$driver" in both|h2load|node) ;; *) echo "--driver must be both, h2load or node" >&2; exit 2 ;; esac
# The service sheds calls above QueryRec:Resilience:ConcurrencyLimit:PermitLimit (default 1024); stay below it.
if (( concurrency >= 1024 )); then echo "--concurrency must stay below the service's PermitLimit (1024)" >&2; exit 2; fi

# ---- tools ----------------------------------------------------------------------------------------------------
if ! command -v h2load >/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing h2load (apt nghttp2-client)"
    apt-get install -y -qq nghttp2-client >/dev/null || { apt-get update -qq && apt-get install -y -qq nghttp2-client >/dev/null; }
  else
    echo "h2load is missing: install it with 'sudo apt-get install nghttp2-client' (or your distribution's nghttp2 package)" >&2
    exit 2
  fi
fi
for tool in redis-server redis-cli node python3 curl dotnet; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (needed by the load harness)" >&2; exit 2; }
done
# --cache-ratio: the response cache's hits and misses during each Suggest run, read by dotnet-counters (its own
# process shares the cores during those runs, so the figures of such a run are slightly lower).
counters=""
if (( cache_ratio )); then
  counters=$(command -v dotnet-counters || true)
  [[ -n "$counters" || ! -x /tmp/tools/dotnet-counters ]] || counters=/tmp/tools/dotnet-counters
  [[ -n "$counters" ]] || { echo "--cache-ratio needs dotnet-counters: dotnet tool install dotnet-counters --tool-path /tmp/tools" >&2; exit 2; }
fi

work="$here/.work"
mkdir -p "$work"
if (( build )); then
  echo "==> building"
  dotnet build QueryRec.sln -c Release -v quiet -nologo
fi

# protoc from the Grpc.Tools package the build restored.
find_protoc

indexer=(dotnet src/QueryRec.Indexer/bin/Release/net10.0/QueryRec.Indexer.dll)

# ---- data, model, index (cached in .work) ------------------------------------------------------------------------
if [[ ! -s "$work/index.qrx" ]]; then
  echo "==> generating demo logs (seeded simulator), training the ranker, building the index with the model"
  "${indexer[@]}" simulate --output "$work/events.jsonl" --seed 42
  "${indexer[@]}" train --events "$work/events.jsonl" --until 2026-11-08T00:00:00Z --window 4d --output "$work/model.onnx"
  "${indexer[@]}" build --input "$work/events.jsonl" --model "$work/model.onnx" --output "$work/index.qrx"
fi
events="${events:-$work/events.jsonl}"

echo "==> request bodies: $requests keystroke prefixes replayed from $events"
python3 "$here/prepare.py" prefixes "$events" "$work/prefixes.txt" "$requests" 7
python3 "$here/prepare.py" textproto "$work/prefixes.txt" "$work/batch.txtpb"
"$protoc" -I "$here" -I "$root/protos" -I "$protoc_include" --encode=queryrec.load.SuggestBatch \
  "$here/batch.proto" < "$work/batch.txtpb" > "$work/batch.bin"
rm -rf "$work/bodies"
python3 "$here/prepare.py" frame "$work/batch.bin" "$work/prefixes.txt" "$work"
distinct_prefixes=$(sort -u "$work/prefixes.txt" | wc -l)
printf '\0\0\0\0\0' > "$work/health.frames"   # an empty HealthCheckRequest (service ""), gRPC-framed

# ---- redis and the service ----------------------------------------------------------------------------------------
redis_port=$(free_port)

echo "==> redis-server on 127.0.0.1:$redis_port"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
"${indexer[@]}" publish --index "$work/index.qrx" --redis "127.0.0.1:$redis_port"

# A free port can be taken between the probe and the bind (another process's ephemeral port): retry with new ports.
for attempt in 1 2 3; do
  grpc_port=$(free_port); web_port=$(free_port)
  echo "==> QueryRec.Api on h2c 127.0.0.1:$grpc_port (Redis store, ranking model from the index)"
  ASPNETCORE_ENVIRONMENT=Production dotnet src/QueryRec.Api/bin/Release/net10.0/QueryRec.Api.dll \
    --contentRoot "$root/src/QueryRec.Api" \
    --QueryRec:Store:Redis="127.0.0.1:$redis_port" \
    --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$grpc_port" \
    --Kestrel:Endpoints:Web:Url="http://127.0.0.1:$web_port" \
    --Logging:LogLevel:Default=Warning "${service_args[@]}" >"$work/api.log" 2>&1 &
  api_pid=$!
  pids+=($api_pid)
  echo "$api_pid" > "$work/api.pid"   # for attaching dotnet-counters / dotnet-trace during a run
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null 2>&1 && break
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$api_pid" 2>/dev/null && break
  wait "$api_pid" 2>/dev/null || true
  if (( attempt == 3 )) || ! grep -q "address already in use" "$work/api.log"; then
    echo "the service exited; see $work/api.log" >&2; grep -v '^ *at ' "$work/api.log" | tail -20 >&2; exit 1
  fi
done
curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null || { echo "the service did not become ready" >&2; exit 1; }

url="http://127.0.0.1:$grpc_port"
suggest=/queryrec.v1.QueryRecService/Suggest
health=/grpc.health.v1.Health/Check
drive() { node "$here/driver.mjs" --url "$url" "$@"; }

# ---- grpc-status check on a sample (h2load counts any HTTP 200 as a success, and h2load -v does not print trailers,
# so the check reads the trailers with the Node driver, over the same bodies) -----------------------------------------
check() {
  echo "==> grpc-status check ($1): 300 Suggest bodies (grpc-status 0, at most 5 % without an item) and 50 Health/Check calls"
  drive --path "$suggest" --frames "$work/suggest.frames" --requests 300 --concurrency 4 --connections 1 \
    --duration 60 --expect-items --max-empty 0.05 | tee "$work/check-suggest-$1.json" \
    || { echo "FAILED: a sampled Suggest call had grpc-status != 0, or more than 5 % had no item" >&2; exit 1; }
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=open(sys.argv[2],encoding="utf-8").read().splitlines()
for i in d["empty_body_indexes"]: print("    answered with no item:", repr(p[i]))' "$work/check-suggest-$1.json" "$work/prefixes.txt"
  drive --path "$health" --frames "$work/health.frames" --requests 50 --concurrency 2 --connections 1 --duration 60 \
    | tee "$work/check-health-$1.json" || { echo "FAILED: a sampled Health/Check call had grpc-status != 0" >&2; exit 1; }
}
# Warm-up: both endpoints over every body, long enough for tiered JIT to reach tier 1 on the hot path (on a busy
# 2-core machine, 5 s still left about 0.5 s/s of JIT time in the measured runs).
echo "==> warm-up (${warmup} s)"
drive --path "$suggest" --frames "$work/suggest.frames" --duration "$warmup" --concurrency "$concurrency" >/dev/null
drive --path "$health" --frames "$work/health.frames" --duration 2 --concurrency "$concurrency" >/dev/null
check before

# ---- h2load: one body per run, so the distinct prefixes go in rounds ----------------------------------------------
# Each round runs $parallel h2load processes at once, each with its own prefix's body and $concurrency/$parallel
# connections (one stream each), $per_run requests each; rounds go on until $duration seconds have passed. Health is
# driven the same way (same processes, connections and request counts), so both pay the same per-round overhead.
parallel=4
per_conn=$(( concurrency / parallel )); (( per_conn > 0 )) || per_conn=1
per_run=$(( per_conn * 50 ))
h2round() { # $1 path, $2 label, $3 rps per client (0 = as fast as possible); prints rps p50 p99 prefixes bad
  local path="$1" label="$2" rate="$3" body i=0 t_end
  local logdir="$work/h2load-$label"
  rm -rf "$logdir"; mkdir -p "$logdir"
  local bodies=("$work"/bodies/*.bin)
  t_end=$(( $(date +%s) + duration ))
  while (( $(date +%s) < t_end )); do
    for (( k = 0; k < parallel; k++ )); do
      if [[ "$path" == "$health" ]]; then body="$work/health.frames"; else body="${bodies[$(( i % ${#bodies[@]} ))]}"; fi
      local extra=()
      (( rate > 0 )) && extra=(--rps "$rate")
      h2load -n "$per_run" -c "$per_conn" -m 1 -t 1 "${extra[@]}" -H 'content-type: application/grpc' -H 'te: trailers' \
        -d "$body" --log-file "$logdir/$i.log" "$url$path" > "$logdir/$i.out" 2>&1 &
      i=$(( i + 1 ))
    done
    wait  # this runs in a subshell: its only children are this round's h2load processes
  done
  local distinct=1
  [[ "$path" == "$health" ]] || distinct=$(( i < ${#bodies[@]} ? i : ${#bodies[@]} ))
  python3 "$here/summarize.py" h2load "$logdir" "$parallel" "$distinct"
}

results="$work/results.txt"
: > "$results"
: > "$work/cache-ratio.txt"
api_ticks() { awk '{print $14 + $15}' "/proc/$api_pid/stat"; }   # user + system CPU of the service, in clock ticks
hz=$(getconf CLK_TCK)
measure() { # $1 driver, $2 path, $3 label, $4 rps (0 = peak); prints the figure line plus the service's CPU ms/request
  local d="$1" path="$2" label="$3" rate="$4" c0 c1 line frames=suggest.frames
  [[ "$path" == "$health" ]] && frames=health.frames
  local watch=""
  if [[ -n "$counters" && "$path" == "$suggest" ]]; then
    rm -f "$work/counters-$d-$label.csv"
    # It stops by itself (--duration): a background job of a script ignores SIGINT, its only clean stop.
    "$counters" collect -p "$api_pid" --counters QueryRec --format csv --refresh-interval 1 \
      --duration "$(printf '00:00:%02d:%02d' $(( (duration + 6) / 60 )) $(( (duration + 6) % 60 )))" -o "$work/counters-$d-$label.csv" >/dev/null 2>&1 &
    watch=$!
    sleep 2   # the tool attaches before the run starts
  fi
  c0=$(api_ticks)
  if [[ "$d" == h2load ]]; then
    local per_client=0
    (( rate > 0 )) && { per_client=$(( rate / (parallel * per_conn) )); (( per_client > 0 )) || per_client=1; }
    line=$(h2round "$path" "$label" "$per_client")
  else
    local extra=()
    (( rate > 0 )) && extra=(--rps "$rate")
    line=$(drive --path "$path" --frames "$work/$frames" --duration "$duration" --concurrency "$concurrency" "${extra[@]}" \
      | tee "$work/node-$label.json" | python3 "$here/summarize.py" node "$distinct_prefixes")
  fi
  c1=$(api_ticks)
  if [[ -n "$watch" ]]; then
    wait "$watch" 2>/dev/null || true
    python3 "$here/summarize.py" cache "$work/counters-$d-$label.csv" "$d $label" >> "$work/cache-ratio.txt"
  fi
  echo "$line $(python3 -c "import sys; print(round((int(sys.argv[2]) - int(sys.argv[1])) * 1000 / int(sys.argv[3]) / max(1, int(sys.argv[4])), 3))" "$c0" "$c1" "$hz" "${line##* }")"
}
run_pair() { # $1 driver; prints and records peak and half-peak figures for Suggest and Health
  local d="$1" s h rate
  echo "==> $d: peak, concurrency $concurrency, ${duration}s each"
  s=$(measure "$d" "$suggest" suggest 0); echo "$d peak suggest $s" | tee -a "$results"
  h=$(measure "$d" "$health" health 0); echo "$d peak health $h" | tee -a "$results"
  rate=$(( ${s%% *} / 2 ))
  echo "==> $d: half of Suggest's peak, $rate req/s offered to each endpoint"
  s=$(measure "$d" "$suggest" suggest-half "$rate"); echo "$d half suggest $s" | tee -a "$results"
  h=$(measure "$d" "$health" health-half "$rate"); echo "$d half health $h" | tee -a "$results"
}
[[ "$driver" == node ]] || run_pair h2load
[[ "$driver" == h2load ]] || run_pair node
check after

echo
echo "==> results ($(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$here/summarize.py" table "$results" "$concurrency"
[[ -z "$counters" ]] || { echo; cat "$work/cache-ratio.txt"; }
# The measured runs count failures too (Node: any grpc-status other than 0; h2load: failed, errored or non-200).
bad=$(awk '{ s += $8 } END { print s + 0 }' "$results")
if (( bad > 0 )); then echo "FAILED: $bad measured calls failed (column 'bad'); see $work" >&2; exit 1; fi
