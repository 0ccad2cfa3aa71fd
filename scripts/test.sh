#!/usr/bin/env bash
# Runs every QueryRec test: buf lint of the protos, then unit, integration (real redis-server) and
# functional (gRPC) tests. Installs redis-server and npm with apt when missing and running as root;
# otherwise says exactly what to install. Prints "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing ${need_apt[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "error: missing ${need_apt[*]}. Install with: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 2
  fi
fi

echo "==> buf lint"
if [[ ! -x tools/node_modules/.bin/buf ]]; then
  npm install --prefix tools --no-audit --no-fund --loglevel=error >/dev/null
fi
tools/node_modules/.bin/buf lint
echo "buf lint: clean"

echo "==> dotnet test"
results=$(mktemp -d)
set +e
dotnet test QueryRec.sln -c Release "$@" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summary lines ("Passed!  - Failed: 0, Passed: 39, Skipped: 0, Total: 39, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed: ' "$results/test.log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1 # the run itself failed (build error or crashed test host)
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
  exit 1
fi
