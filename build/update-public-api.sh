#!/usr/bin/env bash
# Records new public API in PublicAPI.Unshipped.txt (the analyzer's code fix), so that a change to the
# public surface shows up in review as a diff of that file.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/NetComm/NetComm.csproj ${1:-}; do
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info
done
