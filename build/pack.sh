#!/usr/bin/env bash
# Packs the shipped libraries (.nupkg + .snupkg) into artifacts/packages: only what would be published.
# Usage: build/pack.sh [version-suffix]   e.g. build/pack.sh ci.42 -> 0.1.0-ci.42
# PACK_OUTPUT=dir packs elsewhere (the package test packs its throw-away versions outside artifacts/packages).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
suffix=${1:-}
out=${PACK_OUTPUT:-artifacts/packages}
mkdir -p "$out"
for project in src/NetComm/NetComm.csproj $(ls src/NetComm.Testing/NetComm.Testing.csproj 2>/dev/null); do
  dotnet pack "$project" -c Release -o "$out" ${suffix:+-p:VersionSuffix=$suffix}
done
ls -1 "$out"
