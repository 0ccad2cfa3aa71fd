# Sourced by the eval scripts. serve INDEX [SERVER ARGS...]: starts the API (Release build) on $port (gRPC) and
# $port + 1 (web) in the background over INDEX, with the extra configuration arguments, logging to $out/server.log,
# and waits until it is ready; its pid is left in $server.
serve() {
  local index=$1; shift
  dotnet src/QueryRec.Api/bin/Release/net10.0/QueryRec.Api.dll --contentRoot "$PWD/src/QueryRec.Api" \
    --QueryRec:Store:IndexPath="$(realpath "$index")" --Kestrel:Endpoints:Grpc:Url="http://127.0.0.1:$port" \
    --Kestrel:Endpoints:Web:Url="http://127.0.0.1:$((port + 1))" --Logging:LogLevel:Default=Warning \
    --QueryRec:Suggest:StoreBudget=00:00:02 "$@" >"$out/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 240); do
    if curl -fs "http://127.0.0.1:$((port + 1))/healthz/ready" >/dev/null 2>&1; then
      # The typo matcher is built in the background after the version loads: give it a moment.
      sleep 5
      return 0
    fi
    sleep 0.5
  done
  echo "server did not become ready; see $out/server.log" >&2
  kill "$server"
  exit 1
}
