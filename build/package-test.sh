#!/usr/bin/env bash
# Proves that what users install works: packs NetComm and NetComm.Testing with a unique version into a feed of
# its own, checks the packed READMEs, then builds tests/NetComm.PackageTest, which references both packages from
# that feed (not project references), and runs it twice:
#   - as net10.0 on the .NET 10 runtime (dotnet run -f net10.0);
#   - as a self-contained net8.0 publish for linux-x64, run directly, so the packages' net8.0 assets really run
#     on a .NET 8 runtime (the SDK picks the runtime pack; this machine needs no .NET 8 install).
# Each run does a TCP round trip and sends a message over STARTTLS to TestMailServer, reads it back with POP3,
# and checks runtime, package versions and assets; any mismatch fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
started=$SECONDS
say() { echo "[package-test] $*"; }
fail() { echo "[package-test] FAILED: $*" >&2; exit 1; }

suffix="pkgtest.$(date +%s)"
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' build/Common.props)-$suffix"
root=artifacts/package-test
# Its own feed: throw-away versions never land next to the release packages in artifacts/packages.
feed=$root/feed
# A private packages folder, so no NetComm in the user cache can stand in for the fresh one; earlier throw-away
# versions are dropped from it, the rest (MimeKit, the .NET 8 runtime pack) is kept for the next run.
packages=$root/packages
app=tests/NetComm.PackageTest
rm -rf "$feed" "$root/net8.0-linux-x64" "$packages/netcomm" "$packages/netcomm.testing" "$app/bin" "$app/obj"
mkdir -p "$root"

say "packing $version into $feed"
PACK_OUTPUT="$feed" bash build/pack.sh "$suffix" >"$root/pack.log" 2>&1 || { cat "$root/pack.log"; fail "build/pack.sh $suffix"; }
for id in NetComm NetComm.Testing; do
  for extension in nupkg snupkg; do
    test -f "$feed/$id.$version.$extension" || fail "$feed/$id.$version.$extension was not packed"
  done
done

# The packed README must work on a package page: no relative links, which resolve against nothing there.
for id in NetComm NetComm.Testing; do
  package="$feed/$id.$version.nupkg"
  unzip -p "$package" "$id.nuspec" | grep -q '<readme>README.md</readme>' || fail "$package: the nuspec names no README.md"
  readme=$(unzip -p "$package" README.md) || fail "$package holds no README.md"
  relative=$( { grep -oE '\]\([^)]*\)' <<<"$readme" | grep -vE '^\]\((https?://|mailto:|#)' ; \
                grep -E '^ {0,3}\[[^]]+\]:' <<<"$readme" | grep -vE ':[[:space:]]*(https?://|mailto:|#)' ; } || true)
  [ -z "$relative" ] || fail "$package: README.md has relative links: $(tr '\n' ' ' <<<"$relative")"
  grep -qE '\]\(https://[^)]+/docs/getting-started\.md\)' <<<"$readme" \
    || fail "$package: README.md lacks the absolute link to docs/getting-started.md"
  say "$id.$version.nupkg: README.md has only absolute links ($(grep -oE '\]\(https?://[^)]*' <<<"$readme" | head -1 | cut -c3-) ...)"
done

# Every restore (the implicit ones of run and publish too) reads the feed and the private folder from these.
props=(--property:NetCommVersion="$version" --property:PackageTestFeed="$PWD/$feed" --property:PackageTestPackages="$PWD/$packages")

say "run 1: net10.0 on the .NET 10 runtime"
dotnet run --project "$app" -c Release -f net10.0 "${props[@]}" -- --version "$version" --runtime 10

say "run 2: self-contained net8.0 publish on the .NET 8 runtime it carries"
published=$root/net8.0-linux-x64
# TargetFrameworks=net8.0: its restore then fetches the .NET 8 runtime pack alone, not the .NET 10 one too.
dotnet publish "$app" -c Release -f net8.0 -r linux-x64 --self-contained "${props[@]}" --property:TargetFrameworks=net8.0 -o "$published" >"$root/publish.log" 2>&1 \
  || { cat "$root/publish.log"; fail "dotnet publish -f net8.0 -r linux-x64 --self-contained"; }
"$published/NetComm.PackageTest" --version "$version" --runtime 8 --self-contained

# What pack.sh publishes holds no throw-away version.
if ls artifacts/packages/*pkgtest* >/dev/null 2>&1; then
  fail "artifacts/packages holds package-test versions: $(ls artifacts/packages/*pkgtest*)"
fi
say "passed in $((SECONDS - started))s: NetComm and NetComm.Testing $version on .NET 10 and on a self-contained .NET 8"
