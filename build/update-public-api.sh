#!/usr/bin/env bash
# Records the public API in PublicAPI.Unshipped.txt: new symbols are added (the analyzer's code fix, RS0016) and
# symbols that no longer exist are removed (RS0017), so a change to the public surface shows up in review as a diff.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/NetComm/NetComm.csproj ${1:-}; do
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 --severity info || true
  api="$(dirname "$project")/PublicAPI.Unshipped.txt"
  # RS0017 has no code fix: drop the lines the compiler says are gone.
  dotnet build "$project" -c Release -f net10.0 2>&1 | grep -o "RS0017: Symbol '[^']*'" | sed "s/RS0017: Symbol '//; s/'$//" | sort -u |
    while IFS= read -r symbol; do
      grep -vxF -- "$symbol" "$api" > "$api.tmp" && mv "$api.tmp" "$api"
    done
done
