#!/usr/bin/env bash
# The HTTP server under `wrk -t2 -c64` on 127.0.0.1, against a 1M-plate registry, in one run:
#   ceiling  GET /livez (no database work: what cpp-httplib serves on this machine)
#   names    GET /api/v1/names?q=... with random road names, road + number, pinyin, initials
#   ogc      GET /ogc/collections/door_plates/items?limit=100 at random cursors and boxes
#            (~600 m boxes), at -c64 and at -c8 (names too: issue 20's bar at 10M plates)
#   ogcfilter the same pages with a CQL2 filter of two comparisons (issue 19)
# Bars (issues 7, 19): names >= 15% of the ceiling and p99 <= 25 ms; OGC page p99 <= 25 ms,
# filtered or not.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-1000000}
seconds=${BENCH_SECONDS:-15}
db=$(registry_db "$plates")
work="$BENCH_OUT/serve"
mkdir -p "$work"

# Realistic queries, drawn from the registry itself.
sqlite3 "$db" > "$work/names.paths" <<'SQL'
SELECT '/api/v1/names?q=' || name FROM (SELECT name FROM place_names ORDER BY random() LIMIT 500);
SELECT '/api/v1/names?q=' || p.name || d.number || '号' FROM (SELECT place_name_id, number FROM door_plates WHERE plate_type = 'door' ORDER BY random() LIMIT 500) d JOIN place_names p ON p.id = d.place_name_id;
SELECT '/api/v1/names?q=' || pinyin_key FROM (SELECT pinyin_key FROM place_names WHERE pinyin_key <> '' ORDER BY random() LIMIT 250);
SELECT '/api/v1/names?q=' || pinyin_initials FROM (SELECT pinyin_initials FROM place_names WHERE pinyin_initials <> '' ORDER BY random() LIMIT 250);
SQL
sqlite3 "$db" > "$work/ogc.paths" <<'SQL'
.load mod_spatialite
SELECT '/ogc/collections/door_plates/items?limit=100&after=' || (abs(random()) % (SELECT max(id) FROM door_plates)) FROM generate_series(1, 500);
SELECT printf('/ogc/collections/door_plates/items?limit=100&bbox=%.5f,%.5f,%.5f,%.5f', X(geom) - 0.003, Y(geom) - 0.003, X(geom) + 0.003, Y(geom) + 0.003)
  FROM door_plates WHERE id IN (SELECT abs(random()) % (SELECT max(id) FROM door_plates) FROM generate_series(1, 500));
SQL
# Filtered pages (OGC Part 3): two comparisons each, 100 features, as a GIS clerk filters: a
# road's plates above a number, a community's door plates. The filter is written
# percent-encoded here.
sqlite3 "$db" > "$work/ogcfilter.paths" <<'SQL'
SELECT '/ogc/collections/door_plates/items?limit=100&filter=place_name_id%20%3D%20' || place_name_id || '%20AND%20number%20%3E%20' || number
  FROM (SELECT place_name_id, number FROM door_plates WHERE plate_type = 'door' ORDER BY random() LIMIT 500);
SELECT '/ogc/collections/door_plates/items?limit=100&filter=community_code%20%3D%20%27' || community_code || '%27%20AND%20plate_type%20%3D%20%27door%27'
  FROM (SELECT community_code FROM door_plates WHERE community_code IS NOT NULL ORDER BY random() LIMIT 500);
SQL
echo "/livez" > "$work/livez.paths"

"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --threads 64 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out")

# wrk's figures: requests/s and the 99th percentile in ms.
run() {
  local name=$1 connections=${2:-64}
  # Warm every worker's connection and caches first; the measurement follows.
  wrk -t2 -c64 -d3s -s "$(dirname "$0")/serve.lua" "$url" -- "$work/$name.paths" > /dev/null
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$(dirname "$0")/serve.lua" "$url" -- "$work/$name.paths" > "$work/$name-c$connections.txt"
  local rps p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name-c$connections.txt")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' "$work/$name-c$connections.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$work/$name-c$connections.txt"); errors=${errors:-0}
  echo "$rps $p99 $errors"
}
read -r ceil_rps ceil_p99 ceil_err < <(run livez)
read -r names_rps names_p99 names_err < <(run names)
read -r names8_rps names8_p99 names8_err < <(run names 8)
read -r ogc_rps ogc_p99 ogc_err < <(run ogc)
# The same pages for a handful of GIS clients at once (QGIS opens a few connections).
read -r ogc8_rps ogc8_p99 ogc8_err < <(run ogc 8)
read -r filt_rps filt_p99 filt_err < <(run ogcfilter)
ratio=$(echo "100 * $names_rps / $ceil_rps" | bc -l)
printf 'serve %d plates, wrk -t2 -c64 %ss each, server --threads 64 (default --concurrent-reads: four per core)\n' "$plates" "$seconds"
printf '  ceiling  GET /livez             %9.0f req/s  p99 %6.2f ms  non-2xx %s\n' "$ceil_rps" "$ceil_p99" "$ceil_err"
printf '  names    GET /api/v1/names      %9.0f req/s  p99 %6.2f ms  non-2xx %s  |  %.1f%% of the ceiling\n' "$names_rps" "$names_p99" "$names_err" "$ratio"
printf '  names -c8 GET /api/v1/names     %9.0f req/s  p99 %6.2f ms  non-2xx %s\n' "$names8_rps" "$names8_p99" "$names8_err"
printf '  ogc      100-feature pages      %9.0f req/s  p99 %6.2f ms  non-2xx %s\n' "$ogc_rps" "$ogc_p99" "$ogc_err"
printf '  ogc -c8  100-feature pages      %9.0f req/s  p99 %6.2f ms  non-2xx %s\n' "$ogc8_rps" "$ogc8_p99" "$ogc8_err"
printf '  ogc filter (2 comparisons, 100)  %7.0f req/s  p99 %6.2f ms  non-2xx %s\n' "$filt_rps" "$filt_p99" "$filt_err"
met() { (( $(echo "$1" | bc -l) )) && echo met || echo MISSED; }
printf '  bars: names >= 15%% of ceiling: %s; names p99 <= 25 ms at -c64: %s, at -c8 (issue 20, 10M): %s; OGC p99 <= 25 ms at -c64: %s, at -c8: %s; filtered OGC p99 <= 25 ms: %s\n' \
  "$(met "$ratio >= 15")" "$(met "$names_p99 <= 25")" "$(met "$names8_p99 <= 25")" "$(met "$ogc_p99 <= 25")" "$(met "$ogc8_p99 <= 25")" "$(met "$filt_p99 <= 25")"
