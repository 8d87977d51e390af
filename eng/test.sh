#!/usr/bin/env bash
# The whole test suite on every instruction set the machine has: the solution natively (which builds it), then the
# test project again, without rebuilding, with AVX-512 off (256-bit paths) and with AVX2 off (128-bit paths; this also
# turns FMA off). Each run prints the instruction set it used; the script fails if any run fails.
# DOTNET_EnableAVX512F=0 is ignored by .NET 10: DOTNET_EnableAVX512 is the switch.
set -uo pipefail
cd "$(dirname "$0")/.."

flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
has() { [[ " $flags " == *" $1 "* ]]; }
native="native"
if has avx512f; then native="native (AVX-512)"; elif has avx2; then native="native (AVX2)"; fi

failed=()
run() {
  local name="$1"; shift
  echo "=== tests: $name ==="
  local start=$SECONDS
  if "$@"; then
    echo "=== tests: $name passed in $((SECONDS - start)) s ==="
  else
    echo "=== tests: $name FAILED ===" >&2
    failed+=("$name")
  fi
}

run "$native" dotnet test MLNet.Mlp.sln -c Release
if has avx512f; then
  run "AVX2, 256-bit (DOTNET_EnableAVX512=0)" env DOTNET_EnableAVX512=0 dotnet test tests/MLNet.Mlp.Tests -c Release --no-build
fi
if has avx2; then
  run "128-bit, no FMA (DOTNET_EnableAVX2=0)" env DOTNET_EnableAVX2=0 dotnet test tests/MLNet.Mlp.Tests -c Release --no-build
fi

if ((${#failed[@]} > 0)); then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi
echo "All test runs passed."
