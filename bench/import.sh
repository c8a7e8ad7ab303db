#!/usr/bin/env bash
# Import of the 1M-row sample police CSV into a fresh registry (init + divisions first, not
# timed), parsing every address, against ogr2ogr loading the same file into SpatiaLite with
# a spatial index (no parsing). Bar (issue 20): diming within 0.75x of ogr2ogr; peak < 1 GiB,
# also at 10M rows (./dev bench import 10000000).
set -euo pipefail
plates=${1:-1000000}
source "$(dirname "$0")/registry.sh"
out=$(sample_dir "$plates")
here=$(cd "$(dirname "$0")/.." && pwd)
db="$BENCH_OUT/import-$plates.sqlite"
rm -f "$db" "$db-wal" "$db-shm" "$BENCH_OUT/ogr2ogr-$plates.sqlite"
"$DIMING" init --db "$db" >/dev/null
"$DIMING" import-divisions --db "$db" "$(sample_divisions "$out")" >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$BENCH_OUT/import.rss" "$DIMING" import --db "$db" --source police \
  --profile "$here/importers/profiles/police-yibiaosanshi.json" --rejects "$BENCH_OUT/import.rejects.csv" "$out/police.csv" >/dev/null 2>&1
diming_s=$(echo "$(date +%s.%N) - $start" | bc)
rss_mib=$(( $(cat "$BENCH_OUT/import.rss") / 1024 ))
start=$(date +%s.%N)
ogr2ogr -f SQLite -dsco SPATIALITE=YES "$BENCH_OUT/ogr2ogr-$plates.sqlite" "$out/police.csv" \
  -oo X_POSSIBLE_NAMES=经度 -oo Y_POSSIBLE_NAMES=纬度 -a_srs EPSG:4490 -gt 65536 -lco SPATIAL_INDEX=YES -nln police
ogr_s=$(echo "$(date +%s.%N) - $start" | bc)
rows=$(($(wc -l < "$out/police.csv") - 1))
ratio=$(echo "$diming_s / $ogr_s" | bc -l)
printf 'import %d police rows: diming %.1f s (%.0f rows/s, parsing included, peak %d MiB)  |  ogr2ogr %.1f s  |  ratio %.2f  |  bar 0.75x and 1 GiB: %s\n' \
  "$rows" "$diming_s" "$(echo "$rows / $diming_s" | bc -l)" "$rss_mib" "$ogr_s" "$ratio" \
  "$( (( $(echo "$ratio <= 0.75" | bc) )) && (( rss_mib < 1024 )) && echo met || echo MISSED)"
