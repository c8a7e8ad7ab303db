#!/usr/bin/env bash
# Sample generation at provincial benchmark scale: `diming sample --plates 1000000`.
# Bar (issue 3): under 30 s on this 2-core machine, with bounded memory.
# Baseline: GDAL itself copying the files diming wrote (ogr2ogr GPKG -> GPKG of every layer,
# and of police.csv into a GPKG): what writing this much data through GDAL costs, with no
# generation at all.
set -euo pipefail
plates=${1:-1000000}
# BENCH_COUNTIES=330400: the whole city's counties (as bench/registry.sh makes them).
out="$BENCH_OUT/sample-$plates${BENCH_COUNTIES:+-$BENCH_COUNTIES}"
rm -rf "$out" "$out.copy.gpkg" "$out.police.gpkg"
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$out.rss" "$DIMING" sample --out "$out" --plates "$plates" ${BENCH_COUNTIES:+--counties "$BENCH_COUNTIES"} >/dev/null 2>&1
diming_s=$(echo "$(date +%s.%N) - $start" | bc)
rss_mib=$(( $(cat "$out.rss") / 1024 ))
start=$(date +%s.%N)
ogr2ogr -f GPKG "$out.copy.gpkg" "$out/civil.gpkg" -gt 65536
ogr2ogr -f GPKG "$out.police.gpkg" "$out/police.csv" -gt 65536
copy_s=$(echo "$(date +%s.%N) - $start" | bc)
printf 'sample %d plates: diming %.1f s (peak %d MiB)  |  ogr2ogr copy of its output %.1f s  |  ratio %.2f  |  bar 30 s: %s\n' \
  "$plates" "$diming_s" "$rss_mib" "$copy_s" "$(echo "$diming_s / $copy_s" | bc -l)" \
  "$( (( $(echo "$diming_s < 30" | bc) )) && echo met || echo MISSED)"
