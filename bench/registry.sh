# Sourced by the benchmarks. BENCH_COUNTIES (e.g. 330400, the whole city of Jiaxing) makes the
# samples and registries of those counties instead of Pinghu alone (`diming sample --counties`).

# sample_dir PLATES prints the folder of the sample of that size (made once, kept in $BENCH_OUT).
sample_dir() {
  local out="$BENCH_OUT/sample-$1${BENCH_COUNTIES:+-$BENCH_COUNTIES}"
  [ -f "$out/police.csv" ] || "$DIMING" sample --out "$out" --plates "$1" ${BENCH_COUNTIES:+--counties "$BENCH_COUNTIES"} >/dev/null 2>&1
  echo "$out"
}

# sample_divisions DIR: the divisions that sample lies in (samples made before divisions.csv
# was written are Pinghu's).
sample_divisions() {
  if [ -f "$1/divisions.csv" ]; then echo "$1/divisions.csv"
  else echo "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/data/divisions/330482.csv"; fi
}

# registry_db PLATES prints the path of a registry holding the sample of that size (civil and
# police imported, made once and kept in $BENCH_OUT).
registry_db() {
  local plates=$1 here out db
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  out=$(sample_dir "$plates")
  db="$BENCH_OUT/match-$plates${BENCH_COUNTIES:+-$BENCH_COUNTIES}.sqlite"
  if [ ! -f "$db.ready" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    "$DIMING" init --db "$db" >/dev/null
    "$DIMING" import-divisions --db "$db" "$(sample_divisions "$out")" >/dev/null
    "$DIMING" import --db "$db" --source civil --profile "$here/importers/profiles/civil-registry.json" --rejects /dev/null "$out/civil.gpkg" >/dev/null 2>&1
    "$DIMING" import --db "$db" --source police --profile "$here/importers/profiles/police-yibiaosanshi.json" --rejects /dev/null "$out/police.csv" >/dev/null 2>&1
    touch "$db.ready"
  fi
  # A registry made by an older diming is brought to the current schema, as a user would.
  "$DIMING" init --db "$db" >/dev/null
  echo "$db"
}

# registry_copy PLATES NAME: a fresh copy of that registry in $BENCH_OUT/NAME/registry.sqlite
# (a bench that writes leaves the shared one as it was); prints its path.
registry_copy() {
  local base work db
  base=$(registry_db "$1")
  work="$BENCH_OUT/$2"
  mkdir -p "$work"
  db="$work/registry.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
  sqlite3 "$base" ".backup '$db'"
  echo "$db"
}

# add_long_road DB PLATES: a road 测试长路 east of 当湖街道's plates (121.03-121.13°E along
# 30.72°N) with PLATES door plates on both sides, for the benchmarks that rename it.
add_long_road() {
  local db=$1 plates=$2
  sqlite3 "$db" <<SQL
.load mod_spatialite
BEGIN;
INSERT INTO place_names(name, pinyin, pinyin_key, pinyin_initials, category_code, division_code, status, geom)
  VALUES ('测试长路', 'Ceshichang Lu', 'ceshichanglu', 'cscl', 'D-ROAD', '330482001000', 'registered',
          GeomFromText('LINESTRING(121.03 30.72, 121.13 30.72)', 4490));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $plates)
INSERT INTO door_plates(plate_type, place_name_id, number, town_code, standard_address, geom)
  SELECT 'door', (SELECT max(id) FROM place_names), i, '330482001000', '浙江省嘉兴市平湖市当湖街道测试长路' || i || '号',
         MakePoint(121.03 + i * 0.00001, 30.72 + CASE i % 2 WHEN 1 THEN 0.0001 ELSE -0.0001 END, 4490) FROM n;
COMMIT;
SQL
}
