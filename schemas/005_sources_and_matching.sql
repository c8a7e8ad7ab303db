-- What GIS staff import (the police 一标三实 extract, the civil-affairs address database)
-- and what the matcher makes of it.

CREATE TABLE datasets (
    id            INTEGER PRIMARY KEY,
    source_kind   TEXT NOT NULL CHECK (source_kind IN ('police','civil')),
    file_name     TEXT NOT NULL,
    layer         TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    crs           TEXT NOT NULL,      -- as given: 'EPSG:4549', 'gcj02', 'bd09'
    encoding      TEXT NOT NULL,      -- 'UTF-8', 'GBK', ...
    profile       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(profile)),
    rows_read     INTEGER NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
    rows_imported INTEGER NOT NULL DEFAULT 0 CHECK (rows_imported >= 0),
    rows_rejected INTEGER NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','replaced')),
    imported_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    imported_by   TEXT NOT NULL DEFAULT '',
    CHECK (rows_imported + rows_rejected <= rows_read)
);
CREATE INDEX datasets_sha256 ON datasets(sha256);

-- One row per imported record: the raw fields verbatim, what the parser made of them, and
-- the point in EPSG:4490. raw and components are JSON written by the importer's serialiser
-- (no json_valid CHECK: it cost a tenth of a million-row import; a test checks them instead).
CREATE TABLE source_addresses (
    id             INTEGER PRIMARY KEY,
    dataset_id     INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    row_number     INTEGER NOT NULL CHECK (row_number > 0),
    source_id      TEXT,              -- 地址编码 / plate id in the source
    raw            TEXT NOT NULL,
    raw_address    TEXT NOT NULL DEFAULT '',
    components     TEXT NOT NULL DEFAULT '{}',
    town_code      TEXT,
    community_code TEXT,
    key_road       TEXT NOT NULL DEFAULT '',
    key_plate      TEXT NOT NULL DEFAULT '',
    key_building   TEXT NOT NULL DEFAULT '',
    key_room       TEXT NOT NULL DEFAULT '',
    flags          TEXT NOT NULL DEFAULT '',   -- e.g. 'swapped-lonlat'
    door_plate_id  INTEGER REFERENCES door_plates(id) -- civil records that are registry plates
);
-- One index only: a dataset's rows in order. The matcher blocks in memory; every further
-- index costs each of a million imported rows a B-tree insertion (measured: a tenth of the
-- import), so lookups that need one add it in the migration that needs it.
CREATE INDEX source_addresses_dataset ON source_addresses(dataset_id, row_number);
SELECT AddGeometryColumn('source_addresses', 'geom', 4490, 'POINT', 'XY');
SELECT CreateSpatialIndex('source_addresses', 'geom');

CREATE TABLE match_runs (
    id                INTEGER PRIMARY KEY,
    police_dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    civil_dataset_id  INTEGER NOT NULL REFERENCES datasets(id),
    distance_m        REAL NOT NULL CHECK (distance_m > 0),
    parameters        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(parameters)),
    summary           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
    started_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    finished_at       TEXT,
    created_by        TEXT NOT NULL DEFAULT '',
    CHECK (police_dataset_id <> civil_dataset_id)
);

CREATE TABLE match_results (
    run_id            INTEGER NOT NULL REFERENCES match_runs(id) ON DELETE CASCADE,
    police_address_id INTEGER NOT NULL REFERENCES source_addresses(id),
    civil_address_id  INTEGER REFERENCES source_addresses(id),
    level             TEXT NOT NULL CHECK (level IN ('exact','room','building','plate','road','fuzzy','spatial','unmatched')),
    score             REAL NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 1),
    distance_m        REAL CHECK (distance_m IS NULL OR distance_m >= 0),
    spatially_consistent INTEGER CHECK (spatially_consistent IN (0, 1)),
    ties              INTEGER NOT NULL DEFAULT 0 CHECK (ties >= 0),
    reason            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, police_address_id),
    CHECK ((level = 'unmatched') = (civil_address_id IS NULL))
) WITHOUT ROWID;
CREATE INDEX match_results_civil ON match_results(run_id, civil_address_id);
