#!/usr/bin/env bash
# Print-ready plates, on a copy of the 100k registry, in one run:
#   PDF       the proofs PDF of a 1,000-plate print order (door, building and room plates:
#             contact sheet + one page per plate, fonts embedded, QR codes), through
#             `diming print-orders export --out order.pdf`, against poppler's `pdftocairo -pdf`
#             re-rendering that same PDF (a well-kept renderer's time for the same pages)
#   page      the public plate page GET /p/{code} (random plates of the order) under
#             `wrk -t2 -c8`, against GET /livez of the same server (the ceiling)
# Bars (issue 18): the PDF of 1,000 plates < 10 s; a public page < 20 ms (p99).
set -euo pipefail
source "$(dirname "$0")/registry.sh"
plates=${1:-100000}
db=$(registry_copy "$plates" print)
work=$(dirname "$db")
# 1,000 replacement issuances, approved (what 1,000 clerk requests leave): 700 door plates and
# up to 300 building or room plates, spread over the county.
sqlite3 "$db" <<'SQL'
BEGIN;
INSERT INTO issuances(door_plate_id, kind, created_by)
SELECT id, 'replacement', 'bench' FROM (
  SELECT id FROM door_plates WHERE status = 'active' AND plate_type IN ('building', 'room') ORDER BY random() LIMIT 300);
INSERT INTO issuances(door_plate_id, kind, created_by)
SELECT id, 'replacement', 'bench' FROM door_plates WHERE status = 'active' AND plate_type = 'door' ORDER BY random()
 LIMIT 1000 - (SELECT count(*) FROM issuances WHERE created_by = 'bench');
UPDATE issuances SET status = 'approved' WHERE created_by = 'bench';
COMMIT;
SQL
order=$("$DIMING" print-orders create --db "$db" --printer bench)
count=$(sqlite3 "$db" "SELECT count(*) FROM issuances WHERE print_order_id = $order")
kinds=$(sqlite3 "$db" "SELECT group_concat(n, ' ') FROM (SELECT d.plate_type || ':' || count(*) AS n FROM issuances i JOIN door_plates d ON d.id = i.door_plate_id WHERE i.print_order_id = $order GROUP BY d.plate_type)")
seconds() { local start; start=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $start" | bc; }

pdf_s=$(seconds "$DIMING" print-orders export --db "$db" "$order" --out "$work/order.pdf" --public-url https://dm.example.gov.cn)
pages=$(pdfinfo "$work/order.pdf" | awk '/^Pages:/ {print $2}')
mb=$(echo "$(stat -c %s "$work/order.pdf") / 1048576" | bc -l)
cairo_s=$(seconds pdftocairo -pdf "$work/order.pdf" "$work/order-pdftocairo.pdf")
printf 'PDF of print order %s (%d plates: %s), %d pages, %.1f MB: diming %.2f s  |  pdftocairo -pdf of it %.2f s  |  ratio %.2f  |  bar < 10 s: %s\n' \
  "$order" "$count" "$kinds" "$pages" "$mb" "$pdf_s" "$cairo_s" "$(echo "$pdf_s / $cairo_s" | bc -l)" \
  "$( (( $(echo "$pdf_s < 10" | bc) )) && echo met || echo MISSED)"

sqlite3 "$db" "SELECT '/p/' || k.code FROM plate_codes k JOIN issuances i ON i.door_plate_id = k.door_plate_id WHERE i.print_order_id = $order" > "$work/pages.paths"
echo /livez > "$work/livez.paths"
"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out")
run() {
  local name=$1
  wrk -t2 -c8 -d2s -s "$(dirname "$0")/serve.lua" "$url" -- "$work/$name.paths" > /dev/null
  wrk -t2 -c8 -d10s --latency -s "$(dirname "$0")/serve.lua" "$url" -- "$work/$name.paths" > "$work/$name.txt"
  local rps p50 p99 errors
  ms() { awk -v q="$1" '$1 == q { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }' "$work/$name.txt"; }
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  p50=$(ms 50%)
  p99=$(ms 99%)
  errors=$(awk '/Non-2xx/ {print $NF}' "$work/$name.txt"); errors=${errors:-0}
  echo "$rps $p50 $p99 $errors"
}
read -r ceil_rps ceil_p50 ceil_p99 _ < <(run livez)
read -r page_rps page_p50 page_p99 page_err < <(run pages)
printf 'public plate page (%d plates, wrk -t2 -c8 10 s): diming %.0f/s, median %.2f ms, p99 %.2f ms, %s errors  |  /livez %.0f/s, p99 %.2f ms  |  ratio %.2f of the ceiling  |  bar p99 < 20 ms: %s\n' \
  "$count" "$page_rps" "$page_p50" "$page_p99" "$page_err" "$ceil_rps" "$ceil_p99" "$(echo "$page_rps / $ceil_rps" | bc -l)" \
  "$( (( $(echo "$page_p99 < 20 && $page_err == 0" | bc) )) && echo met || echo MISSED)"
