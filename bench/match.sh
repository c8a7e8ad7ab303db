#!/usr/bin/env bash
# Matching end to end after import: `diming match --threads 2` on N police x N civil records,
# at 100k, 300k and 1M plates (time should grow linearly), against the naive baseline: an
# exact equality join of the address texts in SQLite (what a spreadsheet VLOOKUP does).
# Bar (issue 6): 1M x 1M under 60 s, peak under 4 GiB; (issue 20) 10M x 10M under 4 GiB too, in
# parts (--part-records), time linear in size (seconds per million records printed to compare).
set -euo pipefail
source "$(dirname "$0")/registry.sh"
for plates in ${@:-100000 300000 1000000}; do
  db=$(registry_db "$plates")
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$BENCH_OUT/match.rss" "$DIMING" match --db "$db" --police 2 --civil 1 --threads 2 > "$BENCH_OUT/match-$plates.txt"
  diming_s=$(echo "$(date +%s.%N) - $start" | bc)
  rss_mib=$(( $(cat "$BENCH_OUT/match.rss") / 1024 ))
  rate=$(grep -o 'spatial match rate *[0-9.]*%' "$BENCH_OUT/match-$plates.txt" | grep -o '[0-9.]*%')
  start=$(date +%s.%N)
  # The baseline builds the index its join needs (timed with it), in a temporary table.
  naive=$(sqlite3 "$db" "CREATE TEMP TABLE civil_text AS SELECT raw_address FROM source_addresses WHERE dataset_id = 1;
    CREATE INDEX temp.civil_text_address ON civil_text(raw_address);
    SELECT round(100.0 * count(*) / (SELECT count(*) FROM source_addresses WHERE dataset_id = 2), 2) FROM source_addresses p
    WHERE p.dataset_id = 2 AND EXISTS (SELECT 1 FROM civil_text c WHERE c.raw_address = p.raw_address);")
  naive_s=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'match %8d plates: diming %.1f s (%.1f s per million, peak %d MiB, spatial match rate %s)  |  exact-text join %.1f s (links %s%%)  |  ratio %.2f  |  bar 4 GiB (and 1M under 60 s): %s\n' \
    "$plates" "$diming_s" "$(echo "$diming_s * 1000000 / $plates" | bc -l)" "$rss_mib" "$rate" "$naive_s" "$naive" "$(echo "$diming_s / $naive_s" | bc -l)" \
    "$( (( rss_mib < 4096 )) && { [ "$plates" -ne 1000000 ] || (( $(echo "$diming_s < 60" | bc) )); } && echo met || echo MISSED)"
done
