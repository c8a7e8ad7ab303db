#!/usr/bin/env bash
# Refreshes the vendored OpenLayers build from the npm registry: tiles/web/vendor/fetch-ol.sh [VERSION]
set -euo pipefail
version=${1:-10.11.0}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "ol@$version" >/dev/null && tar xzf "ol-$version.tgz")
cp "$work/package/dist/ol.js" "$work/package/ol.css" "$work/package/LICENSE.md" "$here/ol/"
sed -i "s/ol [0-9][0-9.]*\*\*/ol $version**/; s/ol@[0-9][0-9.]*/ol@$version/g; s/ol-[0-9][0-9.]*\.tgz/ol-$version.tgz/g" "$here/ol/README.md"
echo "OpenLayers $version copied into $here/ol"
