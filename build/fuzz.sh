#!/usr/bin/env bash
# Fuzzes the parsers the mail core feeds (docs/fuzzing.md): bash build/fuzz.sh <target|all> [seconds per target, default 600]
# Installs what is missing (afl++ from Debian, the SharpFuzz.CommandLine tool), builds tests/NetComm.Fuzz into
# artifacts/fuzz/bin, instruments that copy of NetComm.dll, and runs afl-fuzz on each target in turn, seeded with
# tests/NetComm.Fuzz/corpus/<target> and found/<target>. Prints one result line per target (also appended to
# artifacts/fuzz/results.tsv) and exits non-zero when any target crashed or hung.
# Not part of build/test.sh or .ci/run (too slow); FuzzCorpusTests replays the checked-in inputs in the unit suite.
# FUZZ_BUILD_WRAPPER: a command put before each dotnet build step (a lock on a shared machine); empty by default.
# FUZZ_NICE: the niceness afl-fuzz runs at (default 19, so that builds and tests on the same machine go first).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

targets=(smtp-reply pop3-status pop3-capa pop3-listing pop3-dot sasl)
usage() { echo "usage: bash build/fuzz.sh <${targets[*]// /|}|all> [seconds]" >&2; exit 2; }
[ $# -ge 1 ] || usage
if [ "$1" = all ]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $1 "* ]]; then
  selected=("$1")
else
  usage
fi
seconds=${2:-600}
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

out=artifacts/fuzz
tools=$out/tools
bin=$out/bin
wrap=(${FUZZ_BUILD_WRAPPER:-})

if ! command -v afl-fuzz >/dev/null; then
  echo "[fuzz] installing afl++ (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq afl++ >/dev/null
fi

if [ ! -x "$tools/sharpfuzz" ]; then
  echo "[fuzz] installing SharpFuzz.CommandLine 2.3.0"
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# A fresh copy every time: instrumenting rewrites NetComm.dll in place, and only this copy may be touched.
rm -rf "$bin"
"${wrap[@]}" dotnet publish tests/NetComm.Fuzz/NetComm.Fuzz.csproj -c Release -o "$bin" -nologo -v quiet
# The tool targets .NET 8; roll forward to whatever runtime is installed.
DOTNET_ROLL_FORWARD=Major "$tools/sharpfuzz" "$bin/NetComm.dll"

# afl-fuzz settings for a .NET target (see SharpFuzz's docs): the dotnet host is not instrumented (the
# forkserver lives in SharpFuzz), -m none because the runtime reserves far more address space than it uses;
# memory is bounded by the GC's hard limit instead, so an unbounded allocation ends in OutOfMemoryException,
# which is a crash (each input is also held to FuzzTargets.MaxAllocatedBytes). Inputs slower than -t are hangs.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=60000 DOTNET_GCHeapHardLimit=0x20000000

failed=0
results=$out/results.tsv
[ -f "$results" ] || printf 'target\tseconds\texecs\tpaths\tcrashes\thangs\n' >"$results"
for target in "${selected[@]}"; do
  seeds=$out/seeds/$target
  findings=$out/findings/$target
  rm -rf "$seeds" "$findings"
  mkdir -p "$seeds" "$out/findings"
  cp tests/NetComm.Fuzz/corpus/"$target"/* "$seeds"/
  if [ -d tests/NetComm.Fuzz/found/"$target" ]; then
    cp tests/NetComm.Fuzz/found/"$target"/* "$seeds"/
  fi

  echo "[fuzz] $target for $seconds s"
  nice -n "${FUZZ_NICE:-19}" afl-fuzz -i "$seeds" -o "$findings" -t 2000 -m none -V "$seconds" \
    -- "$(command -v dotnet)" "$bin/NetComm.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || {
    echo "[fuzz] afl-fuzz failed for $target; see $out/$target.log" >&2
    tail -20 "$out/$target.log" >&2
    failed=1
    continue
  }

  stats=$findings/default/fuzzer_stats
  field() { sed -n "s/^$1 *: *//p" "$stats"; }
  crashes=$(field saved_crashes)
  hangs=$(field saved_hangs)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$(field run_time)" "$(field execs_done)" "$(field corpus_count)" "$crashes" "$hangs" | tee -a "$results"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    failed=1
    echo "[fuzz] $target: inputs in $findings/default/crashes and hangs; replay one with" >&2
    echo "       dotnet tests/NetComm.Fuzz/bin/Release/net10.0/NetComm.Fuzz.dll $target FILE" >&2
  fi
done
exit $failed
