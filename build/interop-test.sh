#!/usr/bin/env bash
# Runs the interop suite against the servers build/interop.sh started (their ports are read from
# artifacts/interop/interop.env). Results land in artifacts/test-results/interop/*.trx.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ -f artifacts/interop/interop.env ]; then
  # shellcheck disable=SC1091
  source artifacts/interop/interop.env
fi
results=artifacts/test-results/interop
rm -rf "$results"
dotnet test tests/NetComm.InteropTests/NetComm.InteropTests.csproj -c Release \
  --logger "trx;LogFileName=interop.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@"
