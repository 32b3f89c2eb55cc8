#!/usr/bin/env bash
# Vendors plotly.js's cartesian bundle into the playground served by `losslab serve`.
#
# Usage: tools/update_plotly.sh VERSION      (e.g. tools/update_plotly.sh 4.1.1)
#
# Packs plotly.js-cartesian-dist-min@VERSION from the npm registry, copies its minified bundle to
# src/LossLab.Cli/Playground/wwwroot/vendor/plotly-cartesian.min.js and its licence to
# vendor/LICENSE-plotly.txt, checks that the bundle has the contour trace the landscape charts use,
# and prints the bundle's sha256. Review and commit the two files afterwards.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: tools/update_plotly.sh VERSION   (the plotly.js-cartesian-dist-min version, e.g. 4.1.1)" >&2
    exit 1
fi

version="$1"
package="plotly.js-cartesian-dist-min"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor="$root/src/LossLab.Cli/Playground/wwwroot/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package@$version" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work"

bundle="$work/package/plotly-cartesian.min.js"
licence="$work/package/LICENSE"
for file in "$bundle" "$licence"; do
    if [[ ! -f "$file" ]]; then
        echo "error: $package@$version has no ${file#"$work"/}; the package layout changed, update this script" >&2
        exit 1
    fi
done

packed="$(grep -o '"version": *"[^"]*"' "$work/package/package.json" | head -1 | sed 's/.*"\([^"]*\)"$/\1/')"
if [[ "$packed" != "$version" ]]; then
    echo "error: asked for $version but the registry packed $packed" >&2
    exit 1
fi

if ! grep -q '"contour"' "$bundle"; then
    echo "error: $package@$version has no contour trace; the landscape charts need it" >&2
    exit 1
fi

mkdir -p "$vendor"
cp "$bundle" "$vendor/plotly-cartesian.min.js"
cp "$licence" "$vendor/LICENSE-plotly.txt"

echo "plotly.js cartesian $version vendored:"
(cd "$vendor" && sha256sum plotly-cartesian.min.js LICENSE-plotly.txt)
