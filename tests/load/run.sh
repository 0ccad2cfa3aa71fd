#!/usr/bin/env bash
# Whole-service load harness (issues #8, #26): every case against a true floor, a bare no-op unary gRPC method on a
# minimal Kestrel h2c host (bench.NoOp/Check, `QueryRec.Benchmarks noop-host`) that the harness starts itself, at
# equal concurrency, in one run. Cases: Suggest with the response cache on and off, Suggest for signed-in users with
# history (personal, never cached), Discover before search and browsing, GetShadingWords, ReportEvents batches of 20,
# and Health/Check. Bodies are thousands of distinct requests replayed from the seeded simulator log. See
# docs/performance.md, "Load harness".
#
#   bash tests/load/run.sh [--duration 10] [--warmup 15] [--case-warmup 8] [--concurrency 32] [--requests 10000]
#                          [--driver both|h2load|node] [--cases noop,suggest,...] [--events FILE.jsonl] [--cache-ratio]
#                          [--store redis|embedded] [--set KEY=VALUE]... [--no-build]
#
# Starts its own redis-server (free port; --store embedded: none, each API serves the index file), the no-op host and QueryRec.Api (free ports; a second QueryRec.Api with
# the response cache off for suggest-uncached), builds the demo index with the ranking model (as scripts/demo.sh),
# publishes it to that Redis, reports the history of the signed-in load users, checks grpc-status on a sample of
# every case, then measures each case at its peak and at half of it. Exits 1 when a sampled grpc-status is not 0,
# more than 5 % of sampled Suggest answers have no item, or a measured call failed. Work files: tests/load/.work.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=lib.sh
source "$here/lib.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

store=redis duration=10 warmup=15 case_warmup=8 concurrency=32 requests=10000 driver=both events="" build=1 cache_ratio=0 service_args=()
all_cases=noop,health,suggest,suggest-uncached,suggest-personal,discover-before,discover-browsing,shading,report
cases=$all_cases users=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --case-warmup) case_warmup="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --driver) driver="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --store) store="$2"; shift 2 ;;   # redis (own redis-server) or embedded (the index file in process, no Redis)
    --cache-ratio) cache_ratio=1; shift ;;
    --set) service_args+=("--$2"); shift 2 ;;   # a service setting, e.g. --set QueryRec:Suggest:ResponseCache:Ttl=00:00:30
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$driver" in both|h2load|node) ;; *) echo "--driver must be both, h2load or node" >&2; exit 2 ;; esac
case "$store" in redis|embedded) ;; *) echo "--store must be redis or embedded" >&2; exit 2 ;; esac
IFS=, read -r -a case_list <<< "$cases"
for c in "${case_list[@]}"; do
  [[ ",$all_cases," == *",$c,"* ]] || { echo "unknown case: $c (cases: $all_cases)" >&2; exit 2; }
done
[[ ",$cases," == *",noop,"* ]] || { echo "--cases must include noop: every case is read against it" >&2; exit 2; }
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

echo "==> request bodies: $requests requests a case, replayed from $events"
python3 "$here/prepare.py" prefixes "$events" "$work/prefixes.txt" "$requests" 7
python3 "$here/prepare.py" queries "$events" "$work/queries.txt" "$requests"
head -n "$users" "$work/queries.txt" > "$work/history-lines.txt"
now=$(date +%s)
for c in suggest suggest-personal discover-before discover-browsing shading report history; do
  lines="$work/queries.txt"
  [[ "$c" == suggest* ]] && lines="$work/prefixes.txt"
  [[ "$c" == history ]] && lines="$work/history-lines.txt"
  python3 "$here/prepare.py" case-textproto "$c" "$lines" "$work/$c.txtpb" "$now" "$users"
  message=$(cd "$here" && python3 -c "import prepare, sys; print(prepare.CASES[sys.argv[1]][0])" "$c")
  "$protoc" -I "$here" -I "$root/protos" -I "$protoc_include" --encode="queryrec.load.$message" \
    "$here/batch.proto" < "$work/$c.txtpb" > "$work/$c.bin"
  python3 "$here/prepare.py" case-frame "$work/$c.bin" "$work" "$c"
done
# Health/Check and the no-op take an empty HealthCheckRequest (service ""), gRPC-framed.
for c in health noop; do
  printf '\0\0\0\0\0' > "$work/$c.frames"
  rm -rf "$work/bodies-$c"; mkdir -p "$work/bodies-$c"; cp "$work/$c.frames" "$work/bodies-$c/00000.bin"
done
cp "$work/suggest.frames" "$work/suggest-uncached.frames"; rm -rf "$work/bodies-suggest-uncached"; cp -r "$work/bodies-suggest" "$work/bodies-suggest-uncached"

# ---- redis and the service ----------------------------------------------------------------------------------------
# Each API process of the embedded store serves the index file itself and keeps its own real-time signals.
store_args=(--QueryRec:Store:IndexPath="$work/index.qrx")
if [[ "$store" == redis ]]; then
  redis_port=$(free_port)
  echo "==> redis-server on 127.0.0.1:$redis_port"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  "${indexer[@]}" publish --index "$work/index.qrx" --redis "127.0.0.1:$redis_port"
  store_args=(--QueryRec:Store:Redis="127.0.0.1:$redis_port")
fi

# A free port can be taken between the probe and the bind (another process's ephemeral port): retry with new ports.
# start_api NAME [SETTING...]: starts a QueryRec.Api on the chosen store; sets api_url[NAME] and api_pids[NAME].
declare -A api_url api_pids
start_api() {
  local name="$1" grpc_port web_port pid attempt
  shift
  for attempt in 1 2 3; do
    grpc_port=$(free_port); web_port=$(free_port)
    echo "==> QueryRec.Api ($name) on h2c 127.0.0.1:$grpc_port ($store store, ranking model from the index) $*"
    ASPNETCORE_ENVIRONMENT=Production dotnet src/QueryRec.Api/bin/Release/net10.0/QueryRec.Api.dll \
      --contentRoot "$root/src/QueryRec.Api" \
      "${store_args[@]}" \
      --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$grpc_port" \
      --Kestrel:Endpoints:Web:Url="http://127.0.0.1:$web_port" \
      --Logging:LogLevel:Default=Warning "${service_args[@]}" "$@" >"$work/api-$name.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
      curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null || true
    if (( attempt == 3 )) || ! grep -q "address already in use" "$work/api-$name.log"; then
      echo "the service exited; see $work/api-$name.log" >&2; grep -v '^ *at ' "$work/api-$name.log" | tail -20 >&2; exit 1
    fi
  done
  curl -sf "http://127.0.0.1:$web_port/healthz/ready" >/dev/null || { echo "the service ($name) did not become ready" >&2; exit 1; }
  api_url[$name]="http://127.0.0.1:$grpc_port"
  api_pids[$name]=$pid
}
start_api main
echo "${api_pids[main]}" > "$work/api.pid"   # for attaching dotnet-counters / dotnet-trace during a run
[[ ",$cases," != *",suggest-uncached,"* ]] || start_api uncached --QueryRec:Suggest:ResponseCache:Enabled=false

noop_port=$(free_port)
echo "==> no-op floor (bench.NoOp/Check) on h2c 127.0.0.1:$noop_port"
dotnet tests/QueryRec.Benchmarks/bin/Release/net10.0/QueryRec.Benchmarks.dll noop-host --url "http://127.0.0.1:$noop_port" >"$work/noop.log" 2>&1 &
noop_pid=$!
pids+=("$noop_pid")

service=/queryrec.v1.QueryRecService
declare -A case_path case_url case_pid
for c in "${case_list[@]}"; do
  case "$c" in
    noop) case_path[$c]=/bench.NoOp/Check; case_url[$c]="http://127.0.0.1:$noop_port"; case_pid[$c]=$noop_pid ;;
    health) case_path[$c]=/grpc.health.v1.Health/Check ;;
    suggest|suggest-personal) case_path[$c]=$service/Suggest ;;
    suggest-uncached) case_path[$c]=$service/Suggest; case_url[$c]=${api_url[uncached]}; case_pid[$c]=${api_pids[uncached]} ;;
    discover-*) case_path[$c]=$service/Discover ;;
    shading) case_path[$c]=$service/GetShadingWords ;;
    report) case_path[$c]=$service/ReportEvents ;;
  esac
  [[ -n "${case_url[$c]:-}" ]] || { case_url[$c]=${api_url[main]}; case_pid[$c]=${api_pids[main]}; }
done
for _ in $(seq 100); do node "$here/driver.mjs" --url "${case_url[noop]}" --path /bench.NoOp/Check --frames "$work/noop.frames" \
  --requests 1 --concurrency 1 --connections 1 --duration 5 >/dev/null 2>&1 && break; sleep 0.2; done
drive() { local c="$1"; shift; node "$here/driver.mjs" --url "${case_url[$c]}" --path "${case_path[$c]}" --frames "$work/$c.frames" "$@"; }

# The signed-in load users' history (10 searches each), so that their calls are personal and never cached.
echo "==> history of $users signed-in load users"
node "$here/driver.mjs" --url "${api_url[main]}" --path "$service/ReportEvents" --frames "$work/history.frames" \
  --requests "$users" --concurrency 4 --connections 1 --duration 60 >/dev/null \
  || { echo "FAILED: reporting the load users' history" >&2; exit 1; }
# Each API process of the embedded store keeps its own real-time signals: the uncached one gets what the main one
# gets before the runs (the history, and every report body once, whose searches feed trending), so that Suggest with
# the cache off recalls from the same state as on Redis, where both processes share it.
if [[ "$store" == embedded && -n "${api_url[uncached]:-}" ]]; then
  for frames in history report; do
    [[ -f "$work/$frames.frames" ]] || continue
    node "$here/driver.mjs" --url "${api_url[uncached]}" --path "$service/ReportEvents" --frames "$work/$frames.frames" \
      --requests "$(ls "$work/bodies-$frames" | wc -l)" --concurrency 8 --connections 1 --duration 300 >/dev/null \
      || { echo "FAILED: reporting the $frames events to the uncached API" >&2; exit 1; }
  done
fi

# ---- grpc-status check on a sample of each case (h2load counts any HTTP 200 as a success, and h2load -v does not
# print trailers, so the check reads the trailers with the Node driver, over the same bodies) -------------------------
check() {
  echo "==> grpc-status check ($1): 100 calls of each case (grpc-status 0; Suggest: at most 5 % without an item)"
  for c in "${case_list[@]}"; do
    local expect=()
    [[ "$c" != suggest* ]] || expect=(--expect-items --max-empty 0.05)
    drive "$c" --requests 100 --concurrency 4 --connections 1 --duration 60 "${expect[@]}" > "$work/check-$c-$1.json" \
      || { echo "FAILED: a sampled $c call had grpc-status != 0 (or too many Suggest answers without an item): $(cat "$work/check-$c-$1.json")" >&2; exit 1; }
  done
}
# Warm-up: every case, the Suggest ones long enough for tiered JIT to reach tier 1 on the hot path (on a busy 2-core
# machine, 5 s still left about 0.5 s/s of JIT time in the measured runs); each case again right before it is measured.
echo "==> warm-up (${warmup} s of Suggest, ${case_warmup} s of every other case)"
for c in "${case_list[@]}"; do
  w=$case_warmup
  [[ "$c" != suggest* ]] || w=$warmup
  drive "$c" --duration "$w" --concurrency "$concurrency" >/dev/null
done
check before

# ---- h2load: one body per run, so the distinct bodies go in rounds ------------------------------------------------
# Each round runs $parallel h2load processes at once, each with its own body and $concurrency/$parallel connections
# (one stream each), $per_run requests each; rounds go on until $duration seconds have passed. Every case is driven
# the same way (same processes, connections and request counts), so all pay the same per-round overhead.
parallel=4
per_conn=$(( concurrency / parallel )); (( per_conn > 0 )) || per_conn=1
per_run=$(( per_conn * 50 ))
h2round() { # $1 case, $2 label, $3 rps per client (0 = as fast as possible); prints rps p50 p99 bodies bad requests
  local c="$1" label="$2" rate="$3" i=0 t_end
  local logdir="$work/h2load-$label"
  rm -rf "$logdir"; mkdir -p "$logdir"
  local bodies=("$work/bodies-$c"/*.bin)
  t_end=$(( $(date +%s) + duration ))
  while (( $(date +%s) < t_end )); do
    for (( k = 0; k < parallel; k++ )); do
      local extra=()
      (( rate > 0 )) && extra=(--rps "$rate")
      h2load -n "$per_run" -c "$per_conn" -m 1 -t 1 "${extra[@]}" -H 'content-type: application/grpc' -H 'te: trailers' \
        -d "${bodies[$(( i % ${#bodies[@]} ))]}" --log-file "$logdir/$i.log" "${case_url[$c]}${case_path[$c]}" > "$logdir/$i.out" 2>&1 &
      i=$(( i + 1 ))
    done
    wait  # this runs in a subshell: its only children are this round's h2load processes
  done
  python3 "$here/summarize.py" h2load "$logdir" "$parallel" "$(( i < ${#bodies[@]} ? i : ${#bodies[@]} ))"
}

results="$work/results.txt"
: > "$results"
: > "$work/cache-ratio.txt"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system CPU of a process, in clock ticks
hz=$(getconf CLK_TCK)
measure() { # $1 driver, $2 case, $3 label, $4 rps (0 = peak); prints the figure line plus the server's CPU ms/call
  local d="$1" c="$2" label="$3" rate="$4" c0 c1 line pid="${case_pid[$2]}"
  local watch=""
  if [[ -n "$counters" && "$c" == suggest* ]]; then
    rm -f "$work/counters-$d-$label.csv"
    # It stops by itself (--duration): a background job of a script ignores SIGINT, its only clean stop.
    "$counters" collect -p "$pid" --counters QueryRec --format csv --refresh-interval 1 \
      --duration "$(printf '00:00:%02d:%02d' $(( (duration + 6) / 60 )) $(( (duration + 6) % 60 )))" -o "$work/counters-$d-$label.csv" >/dev/null 2>&1 &
    watch=$!
    sleep 2   # the tool attaches before the run starts
  fi
  c0=$(cpu_ticks "$pid")
  if [[ "$d" == h2load ]]; then
    local per_client=0
    (( rate > 0 )) && { per_client=$(( rate / (parallel * per_conn) )); (( per_client > 0 )) || per_client=1; }
    line=$(h2round "$c" "$label" "$per_client")
  else
    local extra=()
    (( rate > 0 )) && extra=(--rps "$rate")
    line=$(drive "$c" --duration "$duration" --concurrency "$concurrency" "${extra[@]}" \
      | tee "$work/node-$label.json" | python3 "$here/summarize.py" node "$(ls "$work/bodies-$c" | wc -l)")
  fi
  c1=$(cpu_ticks "$pid")
  if [[ -n "$watch" ]]; then
    wait "$watch" 2>/dev/null || true
    python3 "$here/summarize.py" cache "$work/counters-$d-$label.csv" "$d $label" >> "$work/cache-ratio.txt"
  fi
  echo "$line $(python3 -c "import sys; print(round((int(sys.argv[2]) - int(sys.argv[1])) * 1000 / int(sys.argv[3]) / max(1, int(sys.argv[4])), 3))" "$c0" "$c1" "$hz" "${line##* }")"
}
run_cases() { # $1 driver; each case at its peak, then at half of it (for p99)
  local d="$1" line rate
  for c in "${case_list[@]}"; do
    drive "$c" --duration "$case_warmup" --concurrency "$concurrency" >/dev/null
    echo "==> $d: $c at peak, concurrency $concurrency, ${duration}s"
    line=$(measure "$d" "$c" "$c" 0); echo "$d peak $c $line" | tee -a "$results"
    rate=$(( ${line%% *} / 2 ))
    echo "==> $d: $c at half of its peak, $rate req/s"
    line=$(measure "$d" "$c" "$c-half" "$rate"); echo "$d half $c $line" | tee -a "$results"
  done
}
[[ "$driver" == node ]] || run_cases h2load
[[ "$driver" == h2load ]] || run_cases node
check after

echo
echo "==> results ($store store, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
python3 "$here/summarize.py" table "$results" "$concurrency"
[[ -z "$counters" ]] || { echo; cat "$work/cache-ratio.txt"; }
# The measured runs count failures too (Node: any grpc-status other than 0; h2load: failed, errored or non-200).
bad=$(awk '{ s += $8 } END { print s + 0 }' "$results")
if (( bad > 0 )); then echo "FAILED: $bad measured calls failed (column 'bad'); see $work" >&2; exit 1; fi
