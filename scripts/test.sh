#!/usr/bin/env bash
# Runs every QueryRec test: buf lint of the protos, then unit, integration (real redis-server) and
# functional (gRPC) tests. Installs redis-server, npm, openssl (Redis TLS tests) and chromium (storefront browser test)
# with apt, and the npm packages of web/ and tests/browser, when missing and running as root;
# otherwise says exactly what to install. Prints "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Whatever stops the run early (a missing tool, buf lint, the build), the last line is still the count line.
summary_printed=0
trap 'if [[ $summary_printed -eq 0 ]]; then echo "stopped before the tests ran to the end"; echo "0 passed, 1 failed"; fi' EXIT

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# redis-cli creates the Redis Cluster of the cluster tests; it is in redis-tools, which redis-server depends on.
command -v redis-cli >/dev/null 2>&1 || need_apt+=(redis-tools)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
[[ -x /usr/bin/chromium || -n "${CHROMIUM:-}" ]] || need_apt+=(chromium)
[[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]] || need_apt+=(fonts-wqy-zenhei) # CJK glyphs in the storefront screenshot
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

# The storefront tests: web/ rebuilds the page bundle to check the committed one; tests/browser drives chromium.
# Reinstalled whenever the lock file changed since the last install (a stamp of its hash sits in node_modules).
for dir in web tests/browser; do
  lock_hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ "$(cat "$dir/node_modules/.queryrec-lock-hash" 2>/dev/null)" != "$lock_hash" ]]; then
    echo "==> npm ci --prefix $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
    echo "$lock_hash" >"$dir/node_modules/.queryrec-lock-hash"
  fi
done

echo "==> dotnet build"
dotnet build QueryRec.sln -c Release

# Each test project runs on its own with a TRX report of its own, so the counts below come from the test
# results themselves, not from console text whose format varies between SDKs and terminals.
# The dataset tests (trait Category=shared-data: they read ../shared/data) run as a pass of their own per project, so
# that their own reports say how many of them ran. Extra arguments (e.g. a --filter) make it one pass, as given.
results=$(mktemp -d)
datasets=$(mktemp -d)
status=0
projects=(tests/*Tests/*Tests.csproj)
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "==> dotnet test $name"
  if (($#)); then
    dotnet test "$project" -c Release --no-build --results-directory "$results" \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" "$@" || status=1
    continue
  fi
  dotnet test "$project" -c Release --no-build --results-directory "$results" --filter "Category!=shared-data" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" || status=1
  dotnet test "$project" -c Release --no-build --results-directory "$datasets" --filter "Category=shared-data" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" || status=1
done

read -r passed failed skipped dataset_ran dataset_not_run < <(python3 - "$results" "${#projects[@]}" "$datasets" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = dataset_ran = dataset_not_run = 0
reports = glob.glob(sys.argv[1] + "/*.trx")
dataset_reports = glob.glob(sys.argv[3] + "/*.trx")
for path in dataset_reports:
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    ran = int(c.get("passed", 0)) + sum(int(c.get(k, 0)) for k in ("failed", "error", "timeout", "aborted"))
    dataset_ran += ran
    dataset_not_run += int(c.get("total", 0)) - ran
for path in reports + dataset_reports:
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    passed += int(c.get("passed", 0))
    failed += sum(int(c.get(k, 0)) for k in ("failed", "error", "timeout", "aborted"))
    # Each test that did not run, with its reason (the real-data tests say which ../shared/data file is missing).
    for r in ET.parse(path).getroot().iter("{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}UnitTestResult"):
        if r.get("outcome") == "NotExecuted":
            skipped += 1
            message = r.find(".//{*}Message")
            print(f"not run: {r.get('testName')}: {message.text if message is not None else 'skipped'}", file=sys.stderr)
failed += max(0, int(sys.argv[2]) - len(reports))  # a project that wrote no report did not run
print(passed, failed, skipped, dataset_ran, dataset_not_run)
PY
)
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  failed=1 # a test host crashed without reporting a failed test
fi
if (($# == 0)); then
  echo "dataset tests (../shared/data): ${dataset_ran} ran, ${dataset_not_run} not run"
  # CI has ../shared/data (.ci/run sets this): a run in which no dataset test ran would hide them all.
  if [[ -n "${QUERYREC_REQUIRE_DATASET_TESTS:-}" && $dataset_ran -eq 0 ]]; then
    echo "error: no dataset test ran, though this run requires them (QUERYREC_REQUIRE_DATASET_TESTS)" >&2
    failed=$((failed + 1))
  fi
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
summary_printed=1
if [[ $status -ne 0 || $failed -ne 0 || $passed -eq 0 ]]; then
  exit 1
fi
