#!/usr/bin/env bash
# Publishing a county to the province's PostGIS (issue 20): the 1M-plate registry's first
# publication (a full copy: divisions, place names, renamings, 1M addresses, match rates), then a
# renaming of a road with 5,000 door plates republished (only what changed). PostgreSQL 15 +
# PostGIS 3 run as a throwaway cluster in $BENCH_OUT/publish (Unix socket, fsync off, as the
# tests run it).
# Baselines, same run: ogr2ogr copying the registry's door_plates table into the same database
# (GDAL's PostgreSQL driver, COPY), for the first publication; the first publication itself,
# for the republished renaming.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-1000000}
db=$(registry_copy "$plates" publish)
work="$BENCH_OUT/publish"
bin=$(pg_config --bindir)
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
cluster="$work/pg"

rm -rf "$cluster"; mkdir -p "$cluster"; [ ${#as_pg[@]} -gt 0 ] && chown postgres "$cluster" && chmod 755 "$work"
"${as_pg[@]}" "$bin/initdb" -D "$cluster/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -o "-k $cluster -c listen_addresses= -c fsync=off -c max_wal_size=4GB" start >/dev/null
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$cluster/data" -m immediate -w stop >/dev/null 2>&1 || true' EXIT
pg="host=$cluster dbname=province user=postgres"
psql -q -h "$cluster" -U postgres -c "CREATE DATABASE province" postgres
psql -q -h "$cluster" -U postgres -c "CREATE EXTENSION postgis" province

# A road with 5,000 plates to rename later (in the registry before the first publication).
add_long_road "$db" 5000
rows=$(sqlite3 "$db" "SELECT count(*) FROM door_plates")

start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/publish.mem" "$DIMING" publish --db "$db" --to "PG:$pg" > "$work/publish-1.txt"
first_s=$(echo "$(date +%s.%N) - $start" | bc)
first_mib=$(( $(cat "$work/publish.mem") / 1024 ))

start=$(date +%s.%N)
ogr2ogr -f PostgreSQL "PG:$pg" "$db" door_plates -nln baseline_door_plates -lco SCHEMA=public -lco GEOMETRY_NAME=geom >/dev/null 2>&1
ogr_s=$(echo "$(date +%s.%N) - $start" | bc)

road=$(sqlite3 "$db" "SELECT max(id) FROM place_names")
"$DIMING" names rename --db "$db" "$road" --to 测试新路 --doc '平政地〔2026〕99号' --decided 2026-07-01 --effective 2026-08-01 >/dev/null
start=$(date +%s.%N)
"$DIMING" publish --db "$db" --to "PG:$pg" > "$work/publish-2.txt"
again_s=$(echo "$(date +%s.%N) - $start" | bc)
sent=$(grep 'standard addresses' "$work/publish-2.txt" | awk '{print $3}')

printf 'first publication of %d plates: diming %.2f s (peak %d MiB)  |  ogr2ogr of door_plates alone %.2f s  |  ratio %.2f\n' \
  "$rows" "$first_s" "$first_mib" "$ogr_s" "$(echo "$first_s / $ogr_s" | bc -l)"
printf 'renaming of 5,000 plates republished: %.2f s, %s addresses sent  |  the first publication %.2f s  |  ratio %.3f\n' \
  "$again_s" "$sent" "$first_s" "$(echo "$again_s / $first_s" | bc -l)"
