#!/usr/bin/env bash
# The README's test command: builds and runs the unit and loopback tests (no outside servers needed).
# Results land in artifacts/test-results/<suite>/*.trx; .ci/run sums them.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=artifacts/test-results/unit
rm -rf "$results"
dotnet test tests/NetComm.Tests/NetComm.Tests.csproj -c Release \
  --logger "trx;LogFileName=unit.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@"
