# Sourced by the benchmarks: registry_db PLATES prints the path of a registry holding the
# sample of that size (civil and police imported, made once and kept in $BENCH_OUT).
registry_db() {
  local plates=$1 here out db
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  out="$BENCH_OUT/sample-$plates"
  [ -f "$out/police.csv" ] || "$DIMING" sample --out "$out" --plates "$plates" >/dev/null 2>&1
  db="$BENCH_OUT/match-$plates.sqlite"
  if [ ! -f "$db.ready" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    "$DIMING" init --db "$db" >/dev/null
    "$DIMING" import-divisions --db "$db" "$here/data/divisions/330482.csv" >/dev/null
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
