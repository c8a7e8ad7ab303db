#!/usr/bin/env bash
# Vector tiles against the 1M-plate registry, in one run:
#   uncached  1,000 distinct random z14-z16 tiles where plates are, each requested once
#             (median and p99 per tile), by `bench_tile_latency` on one connection
#   cached    the same tiles again under `wrk -t2 -c64` (sending Accept-Encoding: gzip, as
#             browsers do), against GET /livez with the same header (the ceiling)
#   baseline  `ogr2ogr -f MVT` writing the same zoom range (z14-16) of door plates and place
#             names: its time per tile written
# Bars (issue 9): uncached z14 median < 20 ms, p99 < 100 ms; cached >= 80% of the ceiling.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
here=$(cd "$(dirname "$0")" && pwd)
plates=${1:-1000000}
db=$(registry_db "$plates")
work="$BENCH_OUT/tiles"
rm -rf "$work"; mkdir -p "$work"
# A finished match run, for the match_results layer.
if [ "$(sqlite3 "$db" "SELECT count(*) FROM match_runs WHERE finished_at IS NOT NULL")" = 0 ]; then
  "$DIMING" match --db "$db" --police 2 --civil 1 --threads 2 > /dev/null
fi

# Random tiles where door plates stand, z14-16 (spherical mercator tile maths in SQL;
# MATERIALIZED so that each point's random zoom is drawn once).
sqlite3 "$db" > "$work/all.paths" <<'SQL'
.load mod_spatialite
WITH p AS MATERIALIZED (SELECT X(geom) AS lon, Y(geom) AS lat, 14 + abs(random()) % 3 AS z FROM door_plates
           WHERE id IN (SELECT abs(random()) % (SELECT max(id) FROM door_plates) FROM generate_series(1, 3000)))
SELECT DISTINCT '/tiles/' || z || '/' || CAST((lon + 180) / 360 * (1 << z) AS INTEGER) || '/' ||
       CAST((1 - ln(tan(radians(lat)) + 1 / cos(radians(lat))) / pi()) / 2 * (1 << z) AS INTEGER) || '.mvt' FROM p;
SQL
head -1000 "$work/all.paths" > "$work/tiles.paths"
grep '^/tiles/14/' "$work/tiles.paths" > "$work/z14.paths" || true

"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --threads 64 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o ':[0-9]*$' "$work/server.out" | tr -d :)
latency="$here/../build/bench/bench_tile_latency"
# Warm the worker connection first (one tile elsewhere), then every tile once, uncached.
"$latency" 127.0.0.1 "$port" <(echo /tiles/10/0/0.mvt) > /dev/null || true
read -r n_all med_all p99_all max_all bytes_all fail_all < <("$latency" 127.0.0.1 "$port" "$work/tiles.paths")
# z14 alone, uncached: a second server, so that the first run's cache does not help.
kill $server; wait $server 2>/dev/null || true
"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --threads 64 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o ':[0-9]*$' "$work/server.out" | tr -d :)
"$latency" 127.0.0.1 "$port" <(echo /tiles/10/0/0.mvt) > /dev/null || true
read -r n_14 med_14 p99_14 max_14 bytes_14 fail_14 < <("$latency" 127.0.0.1 "$port" "$work/z14.paths")
# Cached: fill the cache, then wrk.
"$latency" 127.0.0.1 "$port" "$work/tiles.paths" > /dev/null
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
# Both with the header every browser sends: tiles are kept gzip-compressed for such clients.
gz=(-H 'Accept-Encoding: gzip, deflate')
wrk -t2 -c64 -d3s "${gz[@]}" -s "$here/serve.lua" "http://127.0.0.1:$port" -- "$work/tiles.paths" > /dev/null
wrk -t2 -c64 -d10s --latency "${gz[@]}" -s "$here/serve.lua" "http://127.0.0.1:$port" -- "$work/tiles.paths" > "$work/cached.txt"
echo /livez > "$work/livez.paths"
wrk -t2 -c64 -d3s "${gz[@]}" -s "$here/serve.lua" "http://127.0.0.1:$port" -- "$work/livez.paths" > /dev/null
wrk -t2 -c64 -d10s --latency "${gz[@]}" -s "$here/serve.lua" "http://127.0.0.1:$port" -- "$work/livez.paths" > "$work/livez.txt"
cached=$(rps "$work/cached.txt"); ceiling=$(rps "$work/livez.txt")

# Baseline: GDAL's MVT writer over the same zoom range (BENCH_MVT_BASELINE=0 leaves it out: at
# 10M plates it writes every z14-16 tile of the county, tens of minutes and gigabytes).
if [ "${BENCH_MVT_BASELINE:-1}" != 0 ]; then
  start=$(date +%s.%N)
  ogr2ogr -f MVT "$work/ogr2ogr-mvt" "$db" door_plates place_names -dsco MINZOOM=14 -dsco MAXZOOM=16 -dsco FORMAT=DIRECTORY \
    -dsco COMPRESS=NO > "$work/ogr2ogr.log" 2>&1
  ogr_s=$(echo "$(date +%s.%N) - $start" | bc)
  ogr_tiles=$(find "$work/ogr2ogr-mvt" -name '*.pbf' | wc -l)
  ogr_ms=$(echo "1000 * $ogr_s / $ogr_tiles" | bc -l)
  rm -rf "$work/ogr2ogr-mvt"
fi

printf 'tiles %d plates\n' "$plates"
printf '  uncached z14-16  %4d tiles  median %6.2f ms  p99 %7.2f ms  max %7.2f ms  %.1f KiB/tile  (failed %s)\n' "$n_all" "$med_all" "$p99_all" "$max_all" "$(echo "$bytes_all / $n_all / 1024" | bc -l)" "$fail_all"
printf '  uncached z14     %4d tiles  median %6.2f ms  p99 %7.2f ms  max %7.2f ms\n' "$n_14" "$med_14" "$p99_14" "$max_14"
if [ -n "${ogr_ms:-}" ]; then
  printf '  ogr2ogr -f MVT z14-16: %.1f s for %d tiles = %.2f ms per tile  |  diming median / ogr2ogr per tile: %.2f\n' "$ogr_s" "$ogr_tiles" "$ogr_ms" "$(echo "$med_all / $ogr_ms" | bc -l)"
else
  echo '  ogr2ogr -f MVT z14-16: left out (BENCH_MVT_BASELINE=0)'
fi
printf '  cached (wrk -c64)  %8.0f req/s  |  /livez %8.0f req/s  |  %.1f%% of the ceiling\n' "$cached" "$ceiling" "$(echo "100 * $cached / $ceiling" | bc -l)"
met() { (( $(echo "$1" | bc -l) )) && echo met || echo MISSED; }
printf '  bars: z14 median < 20 ms: %s; z14 p99 < 100 ms: %s; cached >= 80%% of ceiling: %s\n' \
  "$(met "$med_14 < 20")" "$(met "$p99_14 < 100")" "$(met "100 * $cached / $ceiling >= 80")"
