#!/usr/bin/env bash
# Runs each fuzz target of the module for a short time: scripts/fuzz.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-5s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for fn in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $fn ($time)"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$time" "$pkg"
  done
done
