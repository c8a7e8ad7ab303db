#!/usr/bin/env bash
# Renaming a road with N door plates (default 5,000) in a 100k-plate registry: one
# transaction writing the history, the new pinyin, every plate's new address with its
# door_plate_history row, a renaming issuance per plate and the audit entries.
# Baseline: the least any renaming must do, one SQL UPDATE rewriting those addresses.
# Bar (issue 8): under 2 s.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-5000}
base=$(registry_db 100000)
db="$BENCH_OUT/rename.sqlite"
rm -f "$db" "$db-wal" "$db-shm"
sqlite3 "$base" ".backup '$db'"
# A long road east of 当湖街道's plates, with N door plates on both sides.
add_long_road "$db" "$plates"
road=$(sqlite3 "$db" "SELECT max(id) FROM place_names")
start=$(date +%s.%N)
"$DIMING" names rename --db "$db" "$road" --to 测试新路 --doc '平政地〔2026〕99号' --decided 2026-07-01 --effective 2026-08-01 > "$BENCH_OUT/rename.json"
diming_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
sqlite3 "$db" "UPDATE door_plates SET standard_address = replace(standard_address, '测试新路', '测试长路') WHERE place_name_id = $road;"
sql_s=$(echo "$(date +%s.%N) - $start" | bc)
readdressed=$(grep -o '"plates_readdressed":[0-9]*' "$BENCH_OUT/rename.json" | cut -d: -f2)
printf 'rename a road with %d plates (%s re-addressed and re-issued): diming %.2f s  |  one SQL UPDATE of the addresses %.2f s  |  ratio %.1f  |  bar under 2 s: %s\n' \
  "$plates" "$readdressed" "$diming_s" "$sql_s" "$(echo "$diming_s / $sql_s" | bc -l)" "$( (( $(echo "$diming_s < 2" | bc) )) && echo met || echo MISSED)"
