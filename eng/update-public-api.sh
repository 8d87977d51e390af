#!/usr/bin/env bash
# Regenerates src/*/PublicAPI.Unshipped.txt from the public API the sources declare now.
# Run it after a change to the public API (the build fails with RS0016 for an undeclared public symbol and RS0017 for
# a declared one that is gone), then review the diff of the two files: it is the API change.
# PublicAPI.Shipped.txt is left as it is; at a release, move the lines of PublicAPI.Unshipped.txt into it.
set -euo pipefail
cd "$(dirname "$0")/.."

for project in src/MLNet.Mlp.Engine/MLNet.Mlp.Engine.csproj src/MLNet.Mlp/MLNet.Mlp.csproj; do
  unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
  printf '#nullable enable\n' > "$unshipped"
  # RS0016's code fix declares every public symbol that neither file lists.
  dotnet format analyzers "$project" --diagnostics RS0016 --severity warn
  # Ordinal order, so that the diff of a regeneration shows the API change and nothing else.
  { head -n 1 "$unshipped"; tail -n +2 "$unshipped" | LC_ALL=C sort -u; } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' || true
