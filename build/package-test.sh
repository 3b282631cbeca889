#!/usr/bin/env bash
# Proves that what users install works: packs NetComm with a unique version, then builds and runs a
# tiny app that references that version from a local folder feed (not a project reference).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
suffix="pkgtest.$(date +%s)"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' build/Common.props)-$suffix"
# Its own feed: throw-away versions never land next to the release packages in artifacts/packages.
feed=artifacts/package-test/feed
rm -rf "$feed"
PACK_OUTPUT="$feed" bash build/pack.sh "$suffix" >/dev/null
test -f "$feed/NetComm.$version.nupkg"
test -f "$feed/NetComm.$version.snupkg"
app=tests/NetComm.PackageTest
# A private packages folder, so no earlier NetComm in the user cache can stand in for the fresh one.
dotnet restore "$app" -p:NetCommVersion="$version" \
  --source "$PWD/$feed" --source https://api.nuget.org/v3/index.json \
  --packages artifacts/package-test-cache
dotnet run --project "$app" --no-restore -p:NetCommVersion="$version"
# What pack.sh publishes holds no throw-away version.
if ls artifacts/packages/*pkgtest* >/dev/null 2>&1; then
  echo "artifacts/packages holds package-test versions: $(ls artifacts/packages/*pkgtest*)" >&2
  exit 1
fi
