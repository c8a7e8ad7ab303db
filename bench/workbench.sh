#!/usr/bin/env bash
# The workbench's batch operations and its queue page, on a copy of the 100k-plate registry
# served by `diming serve`, in one run (bench/workbench.mjs drives the HTTP calls and chromium):
#   batch     POST /api/v1/issuances/transition approving 500 issuances (one transaction)
#             baseline: the same 500 moved one request at a time, as before the workbench
#   building  POST /api/v1/doorplates/{id}/building, 30 floors x 4 units x 4 rooms (485 plates)
#             baseline: the same 485 plates one POST /api/v1/doorplates each
#   sheet     POST /api/v1/applications with 500 rows, checked, then written
#   queue     the issuance queue page of 200 rows in chromium, from the click to the rows drawn
#             baseline: fetching the same 200 rows' JSON in the page, without drawing them
# Bars (issue 16): batch of 500 < 1 s, building of ~500 < 1 s, queue page of 200 < 300 ms.
set -euo pipefail
source "$(dirname "$0")/registry.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
db=$(registry_copy 100000 workbench)
work=$(dirname "$db")
# A long road east of 当湖街道's plates for the new plates.
sqlite3 "$db" <<'SQL'
.load mod_spatialite
INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, geom)
  VALUES ('工作台测试路', 'Gongzuotaiceshi Lu', 'gongzuotaiceshilu', 'gztcsl', 'D-ROAD', '330482001000', 'registered',
          GeomFromText('LINESTRING(121.03 30.72, 121.13 30.72)', 4490));
SQL
road=$(sqlite3 "$db" "SELECT max(id) FROM place_names")
door=$(sqlite3 "$db" "SELECT min(id) FROM door_plates WHERE plate_type = 'door' AND status = 'active'")
clerk=$("$DIMING" token create --db "$db" --name bench-clerk --role clerk 2>/dev/null | head -1)

"$DIMING" serve --db "$db" --listen 127.0.0.1:0 --access-log '' > "$work/server.out" 2> "$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q serving "$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$work/server.out")

[ -d "$here/tests/web/node_modules/puppeteer-core" ] || (cd "$here/tests/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
NODE_PATH="$here/tests/web/node_modules" DIMING_URL="$url" CLERK_TOKEN="$clerk" ROAD="$road" DOOR="$door" WORK="$work" \
  node "$here/bench/workbench.mjs"
