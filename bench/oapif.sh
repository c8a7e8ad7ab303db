#!/usr/bin/env bash
# ogr2ogr copying the door plates of the 100k registry out of `diming serve` through GDAL's
# OAPIF driver, as a GIS clerk would, in one run:
#   diming    the server as shipped: next links double the page up to 1,000
#   before    the same server with --ogc-next-limit 0: every page the 10 GDAL 3.6 asks for
#   floor     ogr2ogr reading the registry file itself (no HTTP, no JSON)
# Bar (issue 19): the copy well under the 21 s GDAL took at 10 a page.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-100000}
db=$(registry_db "$plates")
work="$BENCH_OUT/oapif"
mkdir -p "$work"
seconds() { local start; start=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }
copy() { # copy NAME [server args]
  local name=$1; shift
  rm -f "$work/$name.gpkg" "$work/$name.log"
  "$DIMING" serve --db "$db" --listen 127.0.0.1:0 --access-log "$work/$name.log" "$@" > "$work/$name.out" 2> "$work/$name.err" &
  local server=$!
  for _ in $(seq 100); do grep -q serving "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
  local url
  url=$(grep -o 'http://[0-9.:]*' "$work/$name.out")
  local s
  s=$(seconds ogr2ogr -f GPKG "$work/$name.gpkg" "OAPIF:$url/ogc" door_plates)
  kill "$server"; wait "$server" 2>/dev/null || true
  echo "$s $(grep -c '/items' "$work/$name.log") $(ogrinfo -so "$work/$name.gpkg" door_plates | awk '/^Feature Count/ {print $3}')"
}
read -r after_s after_requests after_count < <(copy diming)
read -r before_s before_requests before_count < <(copy before --ogc-next-limit 0)
rm -f "$work/floor.gpkg"
floor_s=$(seconds ogr2ogr -f GPKG "$work/floor.gpkg" "$db" door_plates)
printf 'ogr2ogr OAPIF door_plates (%s features): diming %.1f s in %s requests  |  before (10 a page) %.1f s in %s requests  |  ratio %.3f  |  reading the file directly %.1f s\n' \
  "$after_count" "$after_s" "$after_requests" "$before_s" "$before_requests" "$(echo "$after_s / $before_s" | bc -l)" "$floor_s"
[ "$after_count" = "$before_count" ] || echo "MISMATCH: $after_count features copied, $before_count before"
