#!/usr/bin/env bash
# Match governance at scale, on a copy of the 1M-plate registry, in one run:
#   re-run    `diming match` with 50,000 decisions (25,000 rejected plate links, 25,000 road
#             records linked by hand), against the same match without decisions
#   work list GET /api/v1/match/worklist for the community with the most records needing
#             attention (100 rows, median of 5), against the naive query a report would run:
#             the run's results for that community found by scanning them
# Bars (issue 17): the re-run costs <= 10% more; the work list < 200 ms.
# The decisions are written with one SQL statement each kind (what 50,000 API calls would
# leave), to set the bench up in seconds.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-1000000}
db=$(registry_copy "$plates" governance)
work=$(dirname "$db")
police=$(sqlite3 "$db" "SELECT max(id) FROM datasets WHERE source_kind = 'police' AND status = 'active'")
civil=$(sqlite3 "$db" "SELECT max(id) FROM datasets WHERE source_kind = 'civil' AND status = 'active'")
seconds() { local start; start=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $start" | bc; }

plain_s=$(seconds "$DIMING" match --db "$db" --police "$police" --civil "$civil")
run=$(sqlite3 "$db" "SELECT max(id) FROM match_runs")
sqlite3 "$db" <<SQL
BEGIN;
INSERT INTO match_decisions(kind, police_key, police_address_id, police_raw, civil_key, civil_address_id, decided_by)
SELECT 'reject', CASE WHEN p.source_id <> '' THEN 'src:' || p.source_id ELSE 'row:' || p.id END, p.id, p.raw_address,
       CASE WHEN c.door_plate_id IS NOT NULL THEN 'plate:' || c.door_plate_id WHEN c.source_id <> '' THEN 'src:' || c.source_id ELSE 'row:' || c.id END, c.id, 'bench'
  FROM match_results r JOIN source_addresses p ON p.id = r.police_address_id JOIN source_addresses c ON c.id = r.civil_address_id
 WHERE r.run_id = $run AND r.level = 'plate' LIMIT 25000;
INSERT INTO match_decisions(kind, police_key, police_address_id, police_raw, civil_key, civil_address_id, decided_by)
SELECT 'link', CASE WHEN p.source_id <> '' THEN 'src:' || p.source_id ELSE 'row:' || p.id END, p.id, p.raw_address,
       CASE WHEN c.door_plate_id IS NOT NULL THEN 'plate:' || c.door_plate_id WHEN c.source_id <> '' THEN 'src:' || c.source_id ELSE 'row:' || c.id END, c.id, 'bench'
  FROM match_results r JOIN source_addresses p ON p.id = r.police_address_id JOIN source_addresses c ON c.id = r.civil_address_id
 WHERE r.run_id = $run AND r.level IN ('road', 'spatial') LIMIT 25000;
COMMIT;
SQL
decisions=$(sqlite3 "$db" "SELECT count(*) FROM match_decisions")
governed_s=$(seconds "$DIMING" match --db "$db" --police "$police" --civil "$civil")
printf 're-run %d x %d with %d decisions: diming %.1f s  |  without decisions %.1f s  |  ratio %.3f  |  bar <= 1.10: %s\n' \
  "$plates" "$plates" "$decisions" "$governed_s" "$plain_s" "$(echo "$governed_s / $plain_s" | bc -l)" \
  "$( (( $(echo "$governed_s <= 1.10 * $plain_s" | bc) )) && echo met || echo MISSED)"

run=$(sqlite3 "$db" "SELECT max(id) FROM match_runs")
community=$(sqlite3 "$db" "SELECT community_code FROM match_attention WHERE run_id = $run AND community_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
size=$(sqlite3 "$db" "SELECT count(*) FROM match_attention WHERE run_id = $run AND community_code = '$community'")
"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
list_s=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "$url/api/v1/match/worklist?community=$community&limit=100"; done | median)
naive_s=$(for _ in 1 2 3; do seconds sqlite3 "$db" "SELECT count(*) FROM match_results r JOIN source_addresses p ON p.id = r.police_address_id WHERE r.run_id = $run AND p.community_code = '$community' AND r.level NOT IN ('exact','room','building','plate','fuzzy','manual')"; done | median)
printf 'work list of community %s (%d records need attention), 100 rows: diming %.0f ms  |  scanning the run for it %.0f ms  |  ratio %.3f  |  bar < 200 ms: %s\n' \
  "$community" "$size" "$(echo "$list_s * 1000" | bc)" "$(echo "$naive_s * 1000" | bc)" "$(echo "$list_s / $naive_s" | bc -l)" \
  "$( (( $(echo "$list_s < 0.2" | bc) )) && echo met || echo MISSED)"
